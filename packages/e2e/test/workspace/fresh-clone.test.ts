import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, listWorkspacePackages, type PackageManifest } from '../../src/workspace';
import { isNestedWorkspaceRun, TempRepo } from './temp-repo';

const ROOT = findWorkspaceRoot();
const PUBLISHED = listWorkspacePackages(ROOT).filter((p) => p.manifest.private !== true);

/** npm may use only what `npm ci` installed: a command it would fetch from the registry fails instead. */
const OFFLINE = { npm_config_offline: 'true' };

function manifest(repo: TempRepo, dir: string): PackageManifest {
  return JSON.parse(readFileSync(join(repo.dir, 'packages', dir, 'package.json'), 'utf8')) as PackageManifest;
}

/** The commands of the root README's "What you can do with it", without their comments. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('## What you can do with it')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((match) => (match[1] as string).split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.length > 0);
}

/**
 * How the test runs each README command on the fresh clone: as written where that is harmless here,
 * otherwise the same command with `--help` (it needs a Nomad cluster, AWS credentials, or serves forever).
 */
const HOW = [
  [/ jobspec import /, 'as written'],
  [/ jobspec validate /, 'as written'],
  [/ jobspec run /, 'help'],
  [/ hello-world-app$/, 'help'],
  [/ trainer train /, 'as written'],
  [/ nomad-constructs env /, 'help'],
  [/ nomad-e2e cost /, 'as written'],
] as const;

function exercised(command: string): string {
  const how = HOW.find(([pattern]) => pattern.test(command))?.[1];
  if (how === undefined) throw new Error(`README command without a way to exercise it in this test: ${command}`);
  if (how === 'as written') return command;
  // `eval "$(npx -p P [-p OPTIONAL_PEER ...] cmd sub ...)"` -> `npx -p P cmd --help` (--help loads no optional peer)
  const npx = /npx -p (\S+)(?: -p \S+)* (?!-p )(\S+)/.exec(command);
  if (!npx) throw new Error(`expected "npx -p <package> <command>" in: ${command}`);
  return `npx -p ${npx[1]} ${npx[2]} --help`;
}

// One copy of the repository, installed once: first used as a new user would after the quick start,
// then for the release rehearsal, which changes versions and so comes last.
describe.skipIf(isNestedWorkspaceRun)('a fresh clone of the repository', () => {
  let repo: TempRepo;

  beforeAll(() => {
    repo = TempRepo.fromWorkspace();
    repo.run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund']);
  });

  describe('right after npm ci, before anything is built', () => {
    it('has every command linked, and each one says how to build the package instead of failing', () => {
      for (const pkg of PUBLISHED) {
        for (const bin of Object.keys(pkg.manifest.bin ?? {})) {
          const error = captureFailure(() => repo.run('npx', ['--no-install', bin, '--help'], OFFLINE));
          expect(error, bin).toContain(`${bin}: ${pkg.manifest.name} is not built yet`);
          expect(error, bin).toContain(`npx nx run ${pkg.manifest.name}:compile`);
        }
      }
    });
  });

  describe("after the quick start's main job (npm ci && npm start)", () => {
    beforeAll(() => {
      // The command as the README gives it, after its npm ci (done above).
      const quickStart = readFileSync(join(ROOT, 'README.md'), 'utf8').split('## Quick start')[1] ?? '';
      const start = /^npm ci && (npm start)\b/m.exec(quickStart)?.[1];
      expect(start, 'the README quick start runs the main job with npm start').toBe('npm start');
      repo.run('sh', ['-c', start as string]);
    });

    it('runs every command of every published package from the workspace, with --help and --version', () => {
      const bins = PUBLISHED.flatMap((pkg) => Object.keys(pkg.manifest.bin ?? {}).map((bin) => ({ bin, pkg })));
      expect(bins.map(({ bin }) => bin).sort()).toEqual(['hello-world-app', 'jobspec', 'nomad-constructs', 'trainer']);
      for (const { bin, pkg } of bins) {
        expect(repo.run('npx', ['--no-install', bin, '--help'], OFFLINE), bin).toMatch(/usage/i);
        expect(repo.run('npx', ['--no-install', bin, '--version'], OFFLINE), bin).toBe(`${pkg.manifest.version}\n`);
      }
    });

    it('runs each command of the README, naming the scoped package, without the registry', () => {
      const commands = readmeCommands();
      expect(commands.length).toBe(HOW.length);
      for (const command of commands) {
        expect(command, 'README commands take the command from its scoped package').toMatch(/npx -p @org\/[\w-]+ /);
        repo.run('sh', ['-c', exercised(command)], OFFLINE);
      }
      // What the commands run as written produced.
      expect(readFileSync(join(repo.dir, 'hello-world.ts'), 'utf8')).toContain("from '@org/jobspec-builder'");
      expect(existsSync(join(repo.dir, 'runs', 'latest'))).toBe(true);
      rmSync(join(repo.dir, 'hello-world.ts'));
      rmSync(join(repo.dir, 'runs'), { recursive: true });
      expect(repo.git('status', '--porcelain')).toBe('');
    });
  });

  // The release flow of README.md ("Releasing"), rehearsed on the same copy.
  describe('changeset version && npm install && npx projen', () => {
    const before = new Map<string, string>();

    beforeAll(() => {
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
});

/** The message of the error `run` throws; fails the test when it does not throw. */
function captureFailure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the command to fail');
}
