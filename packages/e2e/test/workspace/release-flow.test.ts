import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PackageManifest } from '../../src/workspace';
import { isNestedWorkspaceRun, TempRepo } from './temp-repo';

function manifest(repo: TempRepo, dir: string): PackageManifest {
  return JSON.parse(readFileSync(join(repo.dir, 'packages', dir, 'package.json'), 'utf8')) as PackageManifest;
}

// The release flow of README.md ("Releasing"), rehearsed on a copy of the workspace.
describe.skipIf(isNestedWorkspaceRun)('changeset version && npm install && npx projen', () => {
  let repo: TempRepo;
  const before = new Map<string, string>();

  beforeAll(() => {
    repo = TempRepo.fromWorkspace();
    repo.run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund']);
    for (const dir of ['jobspec-builder', 'nomad-constructs', 'hello-world-app', 'trainer', 'e2e']) {
      before.set(dir, manifest(repo, dir).version);
    }
    writeFileSync(
      join(repo.dir, '.changeset', 'rehearsal.md'),
      ['---', "'@org/jobspec-builder': minor", '---', '', 'A rehearsal change.', ''].join('\n'),
    );
    repo.commitAll('add a changeset');
    repo.run('npm', ['run', 'version-packages']);
  });

  it('bumps @org/jobspec-builder by the changeset and writes its changelog', () => {
    const [major, minor] = (before.get('jobspec-builder') as string).split('.').map(Number);
    expect(manifest(repo, 'jobspec-builder').version).toBe(`${major}.${(minor as number) + 1}.0`);
    expect(readFileSync(join(repo.dir, 'packages/jobspec-builder/CHANGELOG.md'), 'utf8')).toContain(
      'A rehearsal change.',
    );
  });

  it('bumps every dependent and points it at the new version', () => {
    const builderVersion = manifest(repo, 'jobspec-builder').version;
    for (const dir of ['nomad-constructs', 'hello-world-app', 'trainer', 'e2e']) {
      const bumped = manifest(repo, dir);
      expect(bumped.version, dir).not.toBe(before.get(dir));
      const range =
        bumped.dependencies?.['@org/jobspec-builder'] ?? bumped.optionalDependencies?.['@org/jobspec-builder'];
      expect(range, dir).toBe(`^${builderVersion}`);
    }
  });

  it('keeps the bumped versions through another synthesis, and npm ci still installs', () => {
    const versions = JSON.stringify(['jobspec-builder', 'trainer'].map((dir) => manifest(repo, dir).version));
    repo.commitAll('release');
    repo.run('npx', ['projen']);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(JSON.stringify(['jobspec-builder', 'trainer'].map((dir) => manifest(repo, dir).version))).toBe(versions);
    repo.run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund']);
    expect(repo.git('status', '--porcelain')).toBe('');
  });
});
