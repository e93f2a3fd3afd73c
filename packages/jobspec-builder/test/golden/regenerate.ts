import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenJobs } from './jobs';

// `npm run golden` (projen task): rewrites every golden file from the jobs in ./jobs. Never edit them by hand.
for (const [name, job] of Object.entries(goldenJobs)) {
  writeFileSync(join(__dirname, `${name}.nomad.hcl`), job.toHcl());
  writeFileSync(join(__dirname, `${name}.json`), `${JSON.stringify(job.toApiJson(), null, 2)}\n`);
  console.log(`wrote test/golden/${name}.nomad.hcl and ${name}.json`);
}
