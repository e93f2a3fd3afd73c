import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJobFiles } from './job-files';

// `npx projen render-job`: rewrites the committed job files from src/job. Never edit them by hand.
for (const [name, content] of Object.entries(renderJobFiles())) {
  writeFileSync(join(__dirname, '..', name), content);
  console.log(`wrote ${name}`);
}
