import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The apps the synth benchmark (bin/bench-synth.ts) times, each in a fresh Node process. */
export const SYNTH_SCENARIOS = [
  'empty',
  'reference',
  'reference-ui',
  'plain-ui',
  'pools-1',
  'pools-10',
  'pools-50',
] as const;
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
  } else if (scenario === 'reference-ui') {
    // The reference app with its HTTPS UI, as `nomad-e2e cost` prices it.
    const { createReferenceApp } = require('./reference-app') as typeof import('./reference-app');
    const { EXAMPLE_UI_CONTEXT } = require('./cli/cost-command') as typeof import('./cli/cost-command');
    createReferenceApp({ outdir, context: { ...EXAMPLE_UI_CONTEXT }, uiRegion: 'us-east-1' }).app.synth();
  } else if (scenario === 'plain-ui') {
    // The same topology written by hand in plain aws-cdk-lib: the yardstick.
    const { PlainTopologyStack } = require('./bench/plain-topology') as typeof import('./bench/plain-topology');
    const { cdkJsonContext } = require('./reference-app') as typeof import('./reference-app');
    const app = new App({ outdir, context: cdkJsonContext() });
    new PlainTopologyStack(app, 'PlainTopology', { env: { region: 'us-east-1' } });
    app.synth();
  } else {
    const { NomadCluster } = require('@org/nomad-constructs') as typeof import('@org/nomad-constructs');
    const { cdkJsonContext } = require('./reference-app') as typeof import('./reference-app');
    // 50 pools are more than CloudFormation's 500 resources: the scenario measures synthesis, not a deployable stack.
    const app = new App({ outdir, context: { ...cdkJsonContext(), '@aws-cdk/core:stackResourceLimit': 0 } });
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
