import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findWorkspaceRoot } from '../../src/workspace';

const root = findWorkspaceRoot();

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly jobs: Record<string, { steps: Step[] }>;
}

function workflow(name: string): Workflow {
  return parse(readFileSync(join(root, '.github', 'workflows', name), 'utf8')) as Workflow;
}
function steps(wf: Workflow): Step[] {
  return Object.values(wf.jobs).flatMap((job) => job.steps);
}
function rootTask(name: string): string[] {
  const { tasks } = JSON.parse(readFileSync(join(root, '.projen', 'tasks.json'), 'utf8')) as {
    tasks: Record<string, { steps?: { exec?: string; spawn?: string }[] }>;
  };
  return (tasks[name]?.steps ?? []).map((s) => s.exec ?? `spawn ${s.spawn}`);
}

describe('.github/workflows/ci.yml', () => {
  const ci = workflow('ci.yml');

  it('runs on pull requests with the full history nx affected needs', () => {
    expect(Object.keys(ci.on)).toContain('pull_request');
    expect(steps(ci).find((s) => s.uses?.startsWith('actions/checkout@'))?.with).toEqual({ 'fetch-depth': 0 });
  });

  it('installs with npm ci, checks projen drift, then runs lint, test and compile of affected packages against the base', () => {
    const runs = steps(ci).flatMap((s) => (s.run ? [s.run] : []));
    expect(runs).toEqual([
      'npm ci',
      'npx projen && git diff --exit-code',
      'npx nx affected -t lint test compile check-package --base=$NX_BASE --head=$NX_HEAD --output-style=static',
    ]);
    expect(steps(ci).some((s) => s.uses?.startsWith('nrwl/nx-set-shas@'))).toBe(true);
  });

  it('keeps the nx cache between runs', () => {
    expect(steps(ci).find((s) => s.uses?.startsWith('actions/cache@'))?.with?.path).toBe('.nx/cache');
  });
});

describe('.github/workflows/release.yml', () => {
  const release = workflow('release.yml');
  const changesets = steps(release).find((s) => s.uses?.startsWith('changesets/action@'));

  it('versions with the changesets action, through the scripts the README documents', () => {
    expect(changesets?.with).toMatchObject({ version: 'npm run version-packages', publish: 'npm run release' });
    expect(rootTask('version-packages')).toEqual([
      'changeset version',
      'npm install --no-audit --no-fund',
      'spawn default',
    ]);
    expect(rootTask('release')).toEqual(['nx run-many -t compile check-package', 'changeset publish']);
  });

  it('publishes with npm provenance', () => {
    expect(release.permissions?.['id-token']).toBe('write');
    expect(changesets?.env?.NPM_CONFIG_PROVENANCE).toBe('true');
  });

  it('keeps bumped versions when projen synthesizes (RELEASE=true on the default task)', () => {
    const { tasks } = JSON.parse(readFileSync(join(root, '.projen', 'tasks.json'), 'utf8')) as {
      tasks: Record<string, { env?: Record<string, string> }>;
    };
    expect(tasks.default?.env).toEqual({ RELEASE: 'true' });
  });
});

describe('README quick start and .ci/run', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const ciScript = readFileSync(join(root, '.ci', 'run'), 'utf8');

  it('gives exactly two commands: the main job and all tests', () => {
    const quickStart = readme.split('## Quick start')[1]?.split('\n## ')[0] ?? '';
    const commands = [...quickStart.matchAll(/```sh\n([\s\S]*?)```/g)]
      .flatMap((m) => (m[1] as string).split('\n'))
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter((line) => line.length > 0);
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
  });

  it('makes CI install from nothing, check projen drift and end with the README test command', () => {
    const commands = ciScript
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith('#'));
    expect(commands).toContain('npm ci --no-audit --no-fund');
    expect(commands).toContain('npx projen');
    expect(commands.at(-1)).toBe('npm test');
  });

  it('has a CI script that passes shellcheck', () => {
    expect(() => execFileSync('shellcheck', [join(root, '.ci', 'run')], { encoding: 'utf8' })).not.toThrow();
  });

  it('documents the nx, projen and changesets commands that exist', () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
    );
    for (const script of [...readme.matchAll(/npm run ([\w-]+)/g)].map((m) => m[1] as string)) {
      expect(scripts, `README mentions "npm run ${script}"`).toContain(script);
    }
  });
});
