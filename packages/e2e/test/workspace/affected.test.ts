import { appendFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isNestedWorkspaceRun, NESTED_WORKSPACE_ENV, TempRepo } from './temp-repo';

/** `nx run <project>:<target>` lines of an nx run, as "project:target", sorted and unique. */
function tasksRun(output: string): string[] {
  const tasks = [...output.matchAll(/nx run (@org\/[\w-]+:[\w-]+)/g)].map((m) => m[1] as string);
  return [...new Set(tasks)].sort();
}

/** Every `*.test.ts` under a directory, relative to it. */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.test.ts'));
}

/**
 * The test files the copy keeps per package: one real, quick file each. What is tested here is which
 * test targets nx runs and caches; the suites themselves run in this workspace's own `npm test`.
 */
const KEPT_TESTS: Record<string, string> = {
  trainer: join('training', 'split.test.ts'),
  e2e: 'synth-summary.test.ts',
};

// Inside the temporary copy, e2e's tests run again: that copy must not start another copy.
describe.skipIf(isNestedWorkspaceRun)('nx affected in a fresh repository', () => {
  let repo: TempRepo;
  const nestedEnv = { [NESTED_WORKSPACE_ENV]: '1' };

  beforeAll(() => {
    repo = TempRepo.fromWorkspace({ linkNodeModules: true });
    for (const [dir, kept] of Object.entries(KEPT_TESTS)) {
      const tests = join(repo.dir, 'packages', dir, 'test');
      const files = testFiles(tests);
      expect(files, `${dir} keeps ${kept}`).toContain(kept);
      for (const file of files.filter((f) => f !== kept)) rmSync(join(tests, file));
    }
    repo.commitAll('keep one test file in trainer and e2e');
    appendFileSync(join(repo.dir, 'packages/trainer/src/index.ts'), '\n// a change that touches only the trainer\n');
    repo.commitAll('touch trainer');
  });

  it('marks only the changed package and its dependents as affected', () => {
    const projects = repo.run('npx', ['nx', 'show', 'projects', '--affected', '--base=HEAD~1', '--json']);
    expect((JSON.parse(projects) as string[]).sort()).toEqual(['@org/e2e', '@org/trainer']);
  });

  it('plans the tests of trainer and e2e and of nothing else, after compiling what they need', () => {
    const graph = repo.run('npx', ['nx', 'affected', '-t', 'test', '--base=HEAD~1', '--graph=stdout']);
    const tasks = Object.keys((JSON.parse(graph) as { tasks: { tasks: Record<string, unknown> } }).tasks.tasks).sort();
    expect(tasks.filter((task) => task.endsWith(':test'))).toEqual(['@org/e2e:test', '@org/trainer:test']);
    // What the tests need is compiled first (dependsOn ^compile), but no other package's tests run.
    expect(tasks.filter((task) => !task.endsWith(':test'))).toEqual(
      expect.arrayContaining(['@org/jobspec-builder:compile', '@org/trainer:compile']),
    );
    expect(tasks.filter((task) => !task.endsWith(':compile') && !task.endsWith(':test'))).toEqual([]);
  });

  it('runs those tests, then serves a repeated run from the cache', () => {
    // The compiled packages come from this workspace (node_modules is linked): the copy runs the
    // test targets alone, which the plan above shows are all nx adds for the change.
    const args = [
      'nx',
      'affected',
      '-t',
      'test',
      '--base=HEAD~1',
      '--excludeTaskDependencies',
      '--output-style=static',
    ];
    const first = repo.run('npx', args, nestedEnv);
    expect(tasksRun(first)).toEqual(['@org/e2e:test', '@org/trainer:test']);
    for (const [dir, kept] of Object.entries(KEPT_TESTS)) {
      expect(first, `the copy ran ${dir}'s kept test file`).toContain(join('test', kept));
    }

    const second = repo.run('npx', args, nestedEnv);
    expect(second).toMatch(
      /Nx read the output from the cache instead of running the command for (\d+) out of \1 tasks/,
    );
  });
});
