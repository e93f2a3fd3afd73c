import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot, listWorkspacePackages } from '../../src/workspace';

const ROOT = findWorkspaceRoot();
const BINS = listWorkspacePackages(ROOT).flatMap((p) => Object.keys(p.manifest.bin ?? {}));

describe('commands printed for users', () => {
  it('never run an unscoped `npx <command>` of ours, which npx would look up in the public registry', () => {
    // READMEs, sources and scripts: what users read, and what the code prints (outputs, errors, usage).
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((file) => /(^|\/)README\.md$|\/src\/.*\.ts$|\.sh$/.test(file));
    expect(files.length).toBeGreaterThan(10);
    const unscoped = new RegExp(`npx\\s+(?:--\\S+\\s+)*(${BINS.join('|')})\\b`, 'g');
    const offenders = files.flatMap((file) =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(unscoped)]
        .filter((match) => !/--no-install/.test(match[0]))
        .map((match) => `${file}: ${match[0]}`),
    );
    expect(offenders).toEqual([]);
  });

  it('knows every command of the workspace', () => {
    expect([...BINS].sort()).toEqual(['hello-world-app', 'jobspec', 'nomad-constructs', 'nomad-e2e', 'trainer']);
  });
});
