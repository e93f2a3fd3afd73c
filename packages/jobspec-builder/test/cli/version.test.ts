import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli';

describe('jobspec --version and --help', () => {
  async function jobspec(args: string[]) {
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: (text: string) => {
        stdout += text;
      },
      stderr: (text: string) => {
        stderr += text;
      },
      env: {},
      cwd: __dirname,
    };
    return { code: await runCli(args, io), stdout, stderr };
  }

  it("prints the package's version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(await jobspec(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('prints the usage on stdout and exits 0', async () => {
    const { code, stdout } = await jobspec(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: jobspec <command>/);
    expect(stdout).toContain('--version');
  });
});
