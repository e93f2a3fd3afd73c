/**
 * The long fuzz run (`npx projen fuzz`): mutants of the conformance corpus through `validate`, `convert` both ways and
 * `import`, in child processes so that a process death is counted, not suffered. Prints a summary; the criteria are
 * 0 internal errors, 0 process deaths and 0 runs over 10 s.
 *
 *   tsx test/fuzz/fuzz.ts [--mutants 2000] [--seed 17]
 */
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { RunOutcome } from './run-mutant';
import type { WorkerMessage, WorkerRequest } from './worker';

/** A mutant taking longer than this in all is stopped and counted as a run over the limit. */
const HANG_MS = 120_000;
const SLOW_RUN_MS = 10_000;

interface Finding {
  readonly index: number;
  readonly name: string;
  readonly mutations: readonly string[];
  readonly what: string;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { mutants: { type: 'string', default: '2000' }, seed: { type: 'string', default: '17' } },
  });
  const total = Number(values.mutants);
  const seed = Number(values.seed);
  const started = Date.now();
  const findings: Finding[] = [];
  let runs = 0;
  let deaths = 0;
  let hangs = 0;
  let slowRuns = 0;
  let slowest: { ms: number; index: number; command: string } = { ms: 0, index: -1, command: '' };
  const codes = new Map<number, number>();
  let next = 0;
  while (next < total) {
    const from = next;
    const result = await new Promise<{ resumeAt: number }>((resolve) => {
      const child = fork(require.resolve('./worker.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
      let current: { index: number; name: string; mutations: readonly string[] } | undefined;
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      let stopped = false;
      const arm = () => {
        if (watchdog) clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          stopped = true;
          child.kill('SIGKILL');
        }, HANG_MS);
      };
      arm();
      child.on('message', (message: WorkerMessage) => {
        if (message.kind === 'start') {
          current = { index: message.index, name: message.name, mutations: message.mutations };
          arm();
        } else if (message.kind === 'done') {
          next = message.index + 1;
          for (const outcome of message.outcomes) record(message.index, outcome);
          current = undefined;
        } else if (message.kind === 'uncaught') {
          findings.push({
            ...(current ?? { index: message.index, name: '?', mutations: [] }),
            what: `uncaught: ${message.error}`,
          });
        }
      });
      child.on('exit', (code, signal) => {
        if (watchdog) clearTimeout(watchdog);
        if (current) {
          // The child died (or was stopped) in the middle of a mutant: count it and go on after it.
          if (stopped) {
            hangs++;
            findings.push({ ...current, what: `still running after ${HANG_MS / 1000} s: stopped` });
          } else {
            deaths++;
            findings.push({ ...current, what: `process died (exit ${code}, signal ${signal})` });
          }
          resolve({ resumeAt: current.index + 1 });
          return;
        }
        resolve({ resumeAt: next });
      });
      child.send({ seed, from, to: total } satisfies WorkerRequest);
    });
    next = Math.max(next, result.resumeAt);
  }

  function record(index: number, outcome: RunOutcome): void {
    runs++;
    codes.set(outcome.code, (codes.get(outcome.code) ?? 0) + 1);
    if (outcome.ms > SLOW_RUN_MS) slowRuns++;
    if (outcome.ms > slowest.ms) slowest = { ms: outcome.ms, index, command: outcome.command };
    if (outcome.internal || outcome.threw) {
      findings.push({
        index,
        name: '',
        mutations: [],
        what: `${outcome.command}: ${outcome.threw ?? outcome.firstLine}`,
      });
    }
  }

  const internal = findings.filter((f) => !f.what.startsWith('process died') && !f.what.startsWith('still running'));
  const lines = [
    `jobspec fuzz: ${total} mutants of the conformance corpus (seed ${seed}), ${runs} CLI runs in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    `exit codes: ${[...codes]
      .sort(([a], [b]) => a - b)
      .map(([code, n]) => `${code}: ${n}`)
      .join(', ')}`,
    `internal errors: ${internal.length}`,
    `process deaths: ${deaths}`,
    `runs over ${SLOW_RUN_MS / 1000} s: ${slowRuns + hangs} (slowest: ${(slowest.ms / 1000).toFixed(2)} s, mutant ${slowest.index}, ${slowest.command})`,
  ];
  console.log(lines.join('\n'));
  for (const finding of findings.slice(0, 50)) {
    console.log(
      `  mutant ${finding.index} ${finding.name}: ${finding.what}${finding.mutations.length ? ` [${finding.mutations.join('; ').slice(0, 300)}]` : ''}`,
    );
  }
  return internal.length + deaths + slowRuns + hangs === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
