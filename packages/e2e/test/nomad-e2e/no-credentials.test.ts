import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { E2E_PACKAGE_DIR } from '../../src/reference-app';

/**
 * The command as an operator without AWS credentials runs it: a child process with no AWS_ variable,
 * no shared config or credentials file, and no instance metadata to ask, so the SDK's credential
 * chain finds nothing (and the test does not depend on the machine it runs on).
 */
async function runWithoutCredentials(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      // The committed launcher npm links as `nomad-e2e` (it loads the compiled lib/cli/main.js).
      [join(E2E_PACKAGE_DIR, 'bin', 'nomad-e2e'), ...args],
      {
        cwd: E2E_PACKAGE_DIR,
        env: {
          ...clean,
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_CONFIG_FILE: join(E2E_PACKAGE_DIR, 'no-such-aws-config'),
          AWS_SHARED_CREDENTIALS_FILE: join(E2E_PACKAGE_DIR, 'no-such-aws-credentials'),
          ...env,
        },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

const stderrLines = (stderr: string) => stderr.split('\n').filter((line) => line !== '');

describe('nomad-e2e without AWS credentials', () => {
  for (const command of ['deploy', 'verify', 'destroy']) {
    it.concurrent(`${command} says so in one line and exits 1`, async () => {
      const { code, stdout, stderr } = await runWithoutCredentials([command], { AWS_REGION: 'us-east-1' });
      expect(stderrLines(stderr)).toEqual([
        `nomad-e2e ${command}: no AWS credentials found: set AWS_PROFILE (after \`aws sso login\` or \`aws configure\`) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`,
      ]);
      expect(stdout).toBe('');
      expect(code).toBe(1);
    });
  }

  it.concurrent('names the missing region first', async () => {
    const { code, stderr } = await runWithoutCredentials(['verify']);
    expect(stderrLines(stderr)).toEqual([
      'nomad-e2e verify: no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, or a region in your AWS profile).',
    ]);
    expect(code).toBe(1);
  });
});
