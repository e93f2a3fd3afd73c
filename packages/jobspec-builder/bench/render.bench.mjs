// Render throughput of the shipped code (lib/, as users run it) for a median-size job:
// the golden Docker web service (one group, one task, a service with a check, constraints,
// meta, env, update, restart and reschedule blocks), read back from its API JSON.
// Prints figures; asserts nothing. Target (issue #3): at least 20,000 jobs/s for each renderer.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { Job } = require('../lib/index.js');

const job = Job.fromApiJson(
  JSON.parse(readFileSync(new URL('../test/golden/web-service.json', import.meta.url), 'utf8')),
);
const json = JSON.stringify(job.toApiJson());

function measure(name, run) {
  for (let i = 0; i < 5_000; i++) run(); // warm up the JIT
  const rounds = [];
  for (let round = 0; round < 7; round++) {
    const iterations = 10_000;
    const start = performance.now();
    for (let i = 0; i < iterations; i++) run();
    rounds.push(iterations / ((performance.now() - start) / 1000));
  }
  rounds.sort((a, b) => a - b);
  const format = (n) => Math.round(n).toLocaleString('en-US');
  console.log(
    `${name.padEnd(34)} ${format(rounds[3]).padStart(8)} jobs/s  (median of 7 rounds of 10,000; min ${format(rounds[0])}, max ${format(rounds[6])})`,
  );
}

console.log(
  `node ${process.version}; median job: ${job.toHcl().split('\n').length} HCL lines, ${json.length} bytes of API JSON`,
);
measure('toHcl (validates, then renders)', () => job.toHcl());
measure('toApiJson (validates, then encodes)', () => job.toApiJson());
measure('validate', () => job.validate());
measure('fromApiJson', () => Job.fromApiJson(json));
