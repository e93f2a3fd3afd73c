import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findWorkspaceRoot, listWorkspacePackages } from '../../src/workspace';

const root = findWorkspaceRoot();

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}
interface Workflow {
  readonly jobs: Record<string, { steps: Step[] }>;
}

function steps(name: string): Step[] {
  const workflow = parse(readFileSync(join(root, '.github', 'workflows', name), 'utf8')) as Workflow;
  return Object.values(workflow.jobs).flatMap((job) => job.steps);
}

/** The projects nx knows that have `target`. */
function projectsWithTarget(target: string): string[] {
  const output = execFileSync('npx', ['nx', 'show', 'projects', '--with-target', target, '--json'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  return (JSON.parse(output) as string[]).sort();
}

const packages = listWorkspacePackages(root);
const published = packages.filter((p) => p.manifest.private !== true).map((p) => p.manifest.name);
const all = packages.map((p) => p.manifest.name);

describe('the nx targets CI runs', () => {
  const affected = steps('ci.yml')
    .flatMap((step) => (step.run ? [step.run] : []))
    .find((run) => run.includes('nx affected'));
  const targets = /-t ([a-z][\w-]*(?: [a-z][\w-]*)*)/.exec(affected ?? '')?.[1]?.split(' ') ?? [];

  it('exist in every package that should run them: a misspelt target would silently run nothing', () => {
    expect(targets).toEqual(expect.arrayContaining(['lint', 'test']));
    for (const target of targets) {
      expect(projectsWithTarget(target), target).toEqual(target === 'check-package' ? published.sort() : all.sort());
    }
  });

  it("are cached where the workflow's cache step keeps them between runs", () => {
    const nx = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')) as { cacheDirectory: string };
    const cached = steps('ci.yml').find((step) => step.uses?.startsWith('actions/cache@'))?.with?.path;
    expect(cached).toBe(nx.cacheDirectory);
  });
});

describe('.github/workflows/release.yml', () => {
  it('versions and publishes through npm scripts that exist', () => {
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    const changesets = steps('release.yml').find((step) => step.uses?.startsWith('changesets/action@'));
    for (const command of [changesets?.with?.version, changesets?.with?.publish]) {
      const script = /^npm run ([\w-]+)$/.exec(String(command))?.[1];
      expect(script, String(command)).toBeDefined();
      expect(Object.keys(scripts)).toContain(script);
    }
  });
});

describe('README quick start and .ci/run', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const ciScript = readFileSync(join(root, '.ci', 'run'), 'utf8');

  it("makes CI install from nothing, check projen drift and end with the README's test command", () => {
    const commands = ciScript
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith('#'));
    const quickStart = readme.split('## Quick start')[1]?.split('\n## ')[0] ?? '';
    const readmeTest = /^npm ci && (npm test)\b/m.exec(quickStart)?.[1];
    expect(readmeTest).toBe('npm test');
    expect(commands).toContain('npm ci --no-audit --no-fund');
    expect(commands).toContain('npx projen');
    expect(commands.at(-1)).toBe(readmeTest);
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
