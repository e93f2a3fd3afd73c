import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The apps the synth benchmark (bin/bench-synth.ts) times, each in a fresh Node process. */
export const SYNTH_SCENARIOS = ['empty', 'reference', 'pools-1', 'pools-10', 'pools-50'] as const;
export type SynthScenario = (typeof SYNTH_SCENARIOS)[number];

/** What one process measured: building and synthesizing the app (module loading included), peak RSS. */
export interface ScenarioResult {
  readonly synthMs: number;
  readonly peakRssMb: number;
}

/**
 * Builds and synthesizes one scenario's app. Modules are loaded inside the timed section, as a
 * `cdk synth` of that app would load them: the empty app only loads aws-cdk-lib's core.
 */
export function runSynthScenario(
  scenario: SynthScenario,
  outdir = mkdtempSync(join(tmpdir(), `synth-${scenario}-`)),
): ScenarioResult {
  const start = performance.now();
  const { App, Stack } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  if (scenario === 'empty') {
    const app = new App({ outdir });
    new Stack(app, 'Empty');
    app.synth();
  } else if (scenario === 'reference') {
    const { createReferenceApp } = require('./reference-app') as typeof import('./reference-app');
    createReferenceApp({ outdir }).app.synth();
  } else {
    const { NomadCluster } = require('@org/nomad-constructs') as typeof import('@org/nomad-constructs');
    const { cdkJsonContext } = require('./reference-app') as typeof import('./reference-app');
    const app = new App({ outdir, context: cdkJsonContext() });
    const cluster = new NomadCluster(new Stack(app, 'Pools'), 'Cluster');
    const pools = Number(scenario.split('-')[1]);
    for (let index = 0; index < pools; index++) {
      cluster.addClientPool(`pool${index}`);
    }
    app.synth();
  }
  return { synthMs: performance.now() - start, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

// `node lib/synth-scenario.js <scenario>` prints the result as JSON. Run by the CDK CLI
// (`cdk synth --app "node lib/synth-scenario.js <scenario>"`), it synthesizes where the CLI says.
if (require.main === module) {
  const scenario = process.argv[2] as SynthScenario;
  if (!SYNTH_SCENARIOS.includes(scenario)) {
    throw new Error(`Usage: node lib/synth-scenario.js <${SYNTH_SCENARIOS.join('|')}>`);
  }
  const cliOutdir = process.env.CDK_OUTDIR;
  const result = runSynthScenario(scenario, cliOutdir);
  if (cliOutdir === undefined) {
    process.stdout.write(JSON.stringify(result));
  }
}
