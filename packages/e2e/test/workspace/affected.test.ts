import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isNestedWorkspaceRun, NESTED_WORKSPACE_ENV, TempRepo } from './temp-repo';

/** `nx run <project>:<target>` lines of an nx run, as "project:target", sorted and unique. */
function tasksRun(output: string): string[] {
  const tasks = [...output.matchAll(/nx run (@org\/[\w-]+:[\w-]+)/g)].map((m) => m[1] as string);
  return [...new Set(tasks)].sort();
}

// Inside the temporary copy, e2e's tests run again: that copy must not start another copy.
describe.skipIf(isNestedWorkspaceRun)('nx affected in a fresh repository', () => {
  let repo: TempRepo;
  const nestedEnv = { [NESTED_WORKSPACE_ENV]: '1' };

  beforeAll(() => {
    repo = TempRepo.fromWorkspace({ linkNodeModules: true });
    appendFileSync(join(repo.dir, 'packages/trainer/src/index.ts'), '\n// a change that touches only the trainer\n');
    repo.commitAll('touch trainer');
  });

  it('marks only the changed package and its dependents as affected', () => {
    const projects = repo.run('npx', ['nx', 'show', 'projects', '--affected', '--base=HEAD~1', '--json']);
    expect((JSON.parse(projects) as string[]).sort()).toEqual(['@org/e2e', '@org/trainer']);
  });

  it('runs the tests of trainer and e2e and of nothing else, then serves a repeated run from the cache', () => {
    const args = ['nx', 'affected', '-t', 'test', '--base=HEAD~1', '--output-style=static'];
    const first = repo.run('npx', args, nestedEnv);
    expect(tasksRun(first).filter((task) => task.endsWith(':test'))).toEqual(['@org/e2e:test', '@org/trainer:test']);
    // What the tests need is compiled first (dependsOn ^compile), but no other package's tests run.
    expect(tasksRun(first).filter((task) => !task.endsWith(':compile') && !task.endsWith(':test'))).toEqual([]);

    const second = repo.run('npx', args, nestedEnv);
    expect(second).toMatch(
      /Nx read the output from the cache instead of running the command for (\d+) out of \1 tasks/,
    );
  });
});
