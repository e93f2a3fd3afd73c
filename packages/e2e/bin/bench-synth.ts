// Synth benchmark: `npx nx run @org/e2e:bench` (compiles, then prints figures; asserts nothing).
//
// Every measurement is a fresh process, as every `cdk synth` is. Two layers:
//   - the CDK CLI (`cdk synth --app "node lib/synth-scenario.js <app>"`), what users wait for:
//     the reference app with its HTTPS UI against the same topology written by hand in plain
//     aws-cdk-lib (src/bench/plain-topology.ts); target within 1.5x. And an empty app (one empty stack);
//   - the app alone (`node lib/synth-scenario.js <app>`): wall time, build+synth time inside the
//     process (module loading included) and peak RSS, for the empty app, the reference app and a
//     cluster with 1, 10 and 50 client pools (how synth grows with pools).
// Scenarios run interleaved for several rounds; medians are reported (peak RSS: the maximum).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ScenarioResult, SYNTH_SCENARIOS, type SynthScenario } from '../src/synth-scenario';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PACKAGE_DIR = join(__dirname, '..');
// Compiled apps, as `cdk synth` runs a compiled app: a TypeScript loader would slow every module load down.
const RUNNER = join(PACKAGE_DIR, 'lib', 'synth-scenario.js');
const CDK = join(PACKAGE_DIR, 'node_modules', '.bin', 'cdk');
const CDK_AT_ROOT = join(PACKAGE_DIR, '..', '..', 'node_modules', '.bin', 'cdk');

interface Sample extends ScenarioResult {
  /** Spawn to exit, measured here: Node start-up included. */
  readonly wallMs: number;
}

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): { ms: number; stdout: string } {
  const start = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: PACKAGE_DIR, env: { ...process.env, ...env } });
  const ms = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return { ms, stdout: result.stdout };
}

function appAlone(scenario: SynthScenario): Sample {
  const { ms, stdout } = timed(process.execPath, [RUNNER, scenario]);
  return { wallMs: ms, ...(JSON.parse(stdout) as ScenarioResult) };
}

function throughCli(scenario: SynthScenario): number {
  const cdk = existsSync(CDK) ? CDK : CDK_AT_ROOT;
  const outdir = mkdtempSync(join(tmpdir(), `bench-cli-${scenario}-`));
  return timed(cdk, ['synth', '--quiet', '--output', outdir, '--app', `node ${RUNNER} ${scenario}`], {
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  }).ms;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function main(): void {
  if (!existsSync(RUNNER)) {
    throw new Error(`${RUNNER} is missing: compile first (npx nx run @org/e2e:bench does).`);
  }
  const alone = new Map<SynthScenario, Sample[]>(SYNTH_SCENARIOS.map((scenario) => [scenario, []]));
  const cli = new Map<SynthScenario, number[]>([
    ['empty', []],
    ['reference-ui', []],
    ['plain-ui', []],
  ]);
  // Warm the file system cache before measuring.
  appAlone('reference');
  throughCli('empty');
  for (let round = 0; round < ROUNDS; round++) {
    for (const scenario of SYNTH_SCENARIOS) {
      alone.get(scenario)?.push(appAlone(scenario));
    }
    for (const [scenario, samples] of cli) {
      samples.push(throughCli(scenario));
    }
  }

  const stats = (scenario: SynthScenario) => {
    const samples = alone.get(scenario) ?? [];
    return {
      wallMs: median(samples.map((sample) => sample.wallMs)),
      synthMs: median(samples.map((sample) => sample.synthMs)),
      peakRssMb: Math.max(...samples.map((sample) => sample.peakRssMb)),
    };
  };
  const cliEmpty = median(cli.get('empty') ?? []);
  const cliReference = median(cli.get('reference-ui') ?? []);
  const cliPlain = median(cli.get('plain-ui') ?? []);
  const empty = stats('empty');
  const reference = stats('reference');
  const lines = [
    `Synth benchmark: medians of ${ROUNDS} fresh processes per measurement (Node ${process.version})`,
    '',
    'Through the CDK CLI (cdk synth --quiet):',
    `  empty app                    ${cliEmpty.toFixed(0).padStart(6)} ms`,
    `  same topology in plain CDK   ${cliPlain.toFixed(0).padStart(6)} ms`,
    `  reference app (HTTPS UI)     ${cliReference.toFixed(0).padStart(6)} ms   ${(cliReference / cliPlain).toFixed(2)}x the plain CDK app (target: within 1.5x), ${(cliReference / cliEmpty).toFixed(2)}x the empty app`,
    '',
    'The app alone (node lib/synth-scenario.js):',
    '  app         process wall   build+synth   peak RSS',
    ...SYNTH_SCENARIOS.map((scenario) => {
      const { wallMs, synthMs, peakRssMb } = stats(scenario);
      return `  ${scenario.padEnd(10)}  ${wallMs.toFixed(0).padStart(9)} ms  ${synthMs.toFixed(0).padStart(9)} ms  ${peakRssMb.toFixed(0).padStart(6)} MB`;
    }),
    `  reference / empty: ${(reference.wallMs / empty.wallMs).toFixed(2)}x wall time, ${(reference.peakRssMb / empty.peakRssMb).toFixed(2)}x peak RSS`,
  ];
  const pools = [1, 10, 50].map((count) => ({ count, ms: stats(`pools-${count}` as SynthScenario).synthMs }));
  const first = pools[0] as { count: number; ms: number };
  const last = pools[pools.length - 1] as { count: number; ms: number };
  lines.push(
    `  client pools: ${pools.map(({ count, ms }) => `${count} -> ${ms.toFixed(0)} ms`).join(', ')} (about ${((last.ms - first.ms) / (last.count - first.count)).toFixed(1)} ms per extra pool)`,
  );
  console.log(lines.join('\n'));
}

main();
