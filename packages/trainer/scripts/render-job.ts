import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderedJobFiles } from './rendered-job';
import { renderedServiceJobFiles } from './rendered-service-jobs';

// Writes job/*.nomad.hcl and job/*.nomad.json (committed; tests check they are current).
for (const [name, content] of Object.entries({ ...renderedJobFiles(), ...renderedServiceJobFiles() })) {
  writeFileSync(join(__dirname, '..', 'job', name), content);
  console.log(`wrote job/${name}`);
}
