import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderedJobFiles } from './rendered-job';

// Writes job/trainer.nomad.hcl and job/trainer.nomad.json (committed; a test checks they are current).
for (const [name, content] of Object.entries(renderedJobFiles())) {
  writeFileSync(join(__dirname, '..', 'job', name), content);
  console.log(`wrote job/${name}`);
}
