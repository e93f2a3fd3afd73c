import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { E2E_PACKAGE_DIR } from '../src/reference-app';
import { findWorkspaceRoot } from '../src/workspace';
import { isNestedWorkspaceRun } from './workspace/temp-repo';

const ROOT = findWorkspaceRoot();

/**
 * The environment of a machine without AWS credentials: nothing here may need them.
 * (CDK CLI telemetry is off: cdk.json says so, and so does this variable for integ-runner's own CLI.)
 */
function offlineEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')),
  );
  return {
    ...env,
    PATH: [join(ROOT, 'node_modules', '.bin'), process.env.PATH].join(delimiter),
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

async function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, {
      cwd: E2E_PACKAGE_DIR,
      env: offlineEnv(),
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

// Three processes started together: each loads aws-cdk-lib and synthesizes the reference app.
// Not again inside the workspace tests' temporary copy of this repository (they rerun e2e's tests
// there to check nx's affected graph and cache): these 15 seconds would only be repeated.
describe.skipIf(isNestedWorkspaceRun)('the reference app from the command line, without AWS credentials', () => {
  it.concurrent('`npm start` (src/main.ts) synthesizes it, runs cdk-nag and prints the summary', async () => {
    const { code, output } = await run(process.execPath, ['--import', 'tsx', 'src/main.ts']);
    expect(output).toMatch(/^Synthesized 1 stack in \d+\.\d s into cdk\.out$/m);
    expect(output).toMatch(/^NomadReference: \d+ resources$/m);
    // The servers and three client pools (On-Demand, Spot, observability).
    expect(output).toMatch(/^ +4 {2}AWS::AutoScaling::AutoScalingGroup$/m);
    expect(output).toContain('cdk-nag AwsSolutions and NIST 800-53 rev 5: 0 errors and 0 warnings unsuppressed');
    expect(code).toBe(0);
  });

  it.concurrent('`cdk synth` runs the app of cdk.json', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-synth-'));
    const { code, output } = await run('cdk', ['synth', '--quiet', '--output', outdir]);
    expect(code, output).toBe(0);
    const template = JSON.parse(readFileSync(join(outdir, 'NomadReference.template.json'), 'utf8'));
    const groups = Object.values(template.Resources as Record<string, { Type: string }>).filter(
      (resource) => resource.Type === 'AWS::AutoScaling::AutoScalingGroup',
    );
    expect(groups).toHaveLength(4);
  });

  it.concurrent('integ-runner finds the committed snapshot of the reference stack unchanged', async () => {
    const { code, output } = await run('integ-runner', [
      '--directory',
      'test/integ',
      '--language',
      'typescript',
      '--app',
      'tsx {filePath}',
    ]);
    // A changed template prints CHANGED with a diff, a missing snapshot NEW; both exit 1.
    expect(output).toMatch(/UNCHANGED\s+integ\.reference-stack/);
    expect(code, output).toBe(0);
  });
});
