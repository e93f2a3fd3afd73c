// Import time for the conformance corpus (30 real jobspecs) against the bare HCL parse of the
// same files with hcl2json, which import starts with. Prints figures; asserts nothing.
// Target (issue #4): import at most 1.3x the bare parse.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { parseHcl } = require('../lib/index.js');
const { parse } = require('@cdktn/hcl2json');

const corpusDir = new URL('../../../../shared/conformance/jobspecs/', import.meta.url).pathname;
// The inputs some files need, as in test/conformance/corpus.test.ts.
const vars = {
  'hashicorp_nomad__e2e_secret_input_custom_secret.hcl': { secret_value: 's3cr3t' },
  'hashicorp_nomad__e2e_task_schedule_input_schedule.nomad.hcl': { start: '0 9 * * *', end: '0 17' },
};
const standIns = mkdtempSync(join(tmpdir(), 'jobspec-bench-'));
mkdirSync(join(standIns, 'backup-tarsnap'));
writeFileSync(join(standIns, 'backup-tarsnap', 'prune.sh'), '#!/bin/sh\ntarsnap --list-archives\n');

const files = readdirSync(corpusDir)
  .filter((file) => file !== 'SOURCES.tsv')
  .sort()
  .map((file) => ({ file, source: readFileSync(join(corpusDir, file), 'utf8') }));

async function timeAll(run) {
  const start = performance.now();
  for (const { file, source } of files) await run(file, source);
  return performance.now() - start;
}

const bare = (file, source) => parse(file, source);
const full = (file, source) => parseHcl(source, { filename: file, vars: vars[file] ?? {}, env: {}, baseDir: standIns });

for (let i = 0; i < 3; i++) {
  await timeAll(bare);
  await timeAll(full);
}
const rounds = 9;
const bareTimes = [];
const fullTimes = [];
for (let i = 0; i < rounds; i++) {
  bareTimes.push(await timeAll(bare));
  fullTimes.push(await timeAll(full));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bytes = files.reduce((sum, f) => sum + f.source.length, 0);
console.log(`node ${process.version}; corpus: ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB`);
console.log(`hcl2json parse only   ${median(bareTimes).toFixed(1).padStart(7)} ms per corpus (median of ${rounds})`);
console.log(`parseHcl (import)     ${median(fullTimes).toFixed(1).padStart(7)} ms per corpus (median of ${rounds})`);
console.log(
  `ratio                 ${(median(fullTimes) / median(bareTimes)).toFixed(2).padStart(7)}x (target <= 1.3x)`,
);
