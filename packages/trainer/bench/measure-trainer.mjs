import { writeFileSync } from 'node:fs';
import { runCli } from '../lib/cli/run-cli.js';

// Runs the compiled trainer CLI (lib/, as its executable does; plain JavaScript so
// that no TypeScript loader is timed), then records the process's peak resident
// memory, which a parent cannot read once the child has exited. Times count from
// the process's start (performance.now()'s origin), like the scikit-learn script's
// from its first import.
const startSeconds = performance.now() / 1000;
const report = process.env.BENCH_REPORT;
const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
if (report) {
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  writeFileSync(report, JSON.stringify({ code, maxRssBytes, startSeconds, seconds: performance.now() / 1000 }));
}
process.exitCode = code;
