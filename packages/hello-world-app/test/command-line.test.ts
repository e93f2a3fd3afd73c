import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCommandLine, usage } from '../src/command-line';
import { CONFIG_VARIABLES } from '../src/config';

const PACKAGE_DIR = join(__dirname, '..');
const { version } = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string };

describe('readCommandLine', () => {
  it('serves when there are no arguments', () => {
    expect(readCommandLine([])).toBeUndefined();
  });

  it('prints the usage, naming every configuration variable, for --help and -h', () => {
    for (const flag of ['--help', '-h']) {
      expect(readCommandLine([flag])).toEqual({ code: 0, stdout: usage() });
    }
    for (const variable of CONFIG_VARIABLES) expect(usage()).toContain(variable);
    expect(CONFIG_VARIABLES).toContain('PORT');
  });

  it("prints the package's version for --version", () => {
    expect(readCommandLine(['--version'])).toEqual({ code: 0, stdout: `${version}\n` });
  });

  it('rejects any other argument with exit code 2, saying settings come from the environment', () => {
    const answer = readCommandLine(['--port', '8080']);
    expect(answer?.code).toBe(2);
    expect(answer?.stderr).toMatch(/^hello-world-app: unexpected argument "--port": settings come from environment/);
  });
});

describe('hello-world-app --help and --version', () => {
  it('answer and exit 0 without starting the server', () => {
    for (const [flag, expected] of [
      ['--help', usage()],
      ['--version', `${version}\n`],
    ] as const) {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/bin.ts', flag], {
        cwd: PACKAGE_DIR,
        encoding: 'utf8',
        // Were the configuration read (as it is before serving), this bad port would end the run with exit code 78.
        env: { ...process.env, PORT: 'not-a-port' },
      });
      expect(result.stdout).toBe(expected);
      expect(result.status).toBe(0);
    }
  });
});
