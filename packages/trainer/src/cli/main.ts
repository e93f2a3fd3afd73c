#!/usr/bin/env node
import { EXIT, runCli } from './run-cli';

// The `trainer` executable. SIGTERM (Nomad stopping the task) and SIGINT (Ctrl-C)
// stop training at the next batch, after a checkpoint; a second signal exits at once.
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
  });
}

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`trainer: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = EXIT.failure;
  },
);
