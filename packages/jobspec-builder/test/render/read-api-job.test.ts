import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Job, JobspecError, type JobspecIssue } from '../../src';
import { INTERNAL_ERROR_EXIT, runCli } from '../../src/cli/cli';
import { MAX_JSON_NESTING } from '../../src/limits';

const TASK = { Name: 'app', Driver: 'docker', Config: { image: 'nginx:1.27' } };

function job(overrides: Record<string, unknown> = {}, group: Record<string, unknown> = {}): unknown {
  return {
    Job: {
      ID: 'web',
      Name: 'web',
      Datacenters: ['dc1'],
      TaskGroups: [{ Name: 'web', Tasks: [TASK], ...group }],
      ...overrides,
    },
  };
}

function readIssues(json: unknown): readonly JobspecIssue[] {
  try {
    Job.fromApiJson(json);
  } catch (error) {
    if (error instanceof JobspecError) return error.issues;
    throw error;
  }
  throw new Error('expected the job to be refused');
}

async function jobspec(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: {},
    cwd,
  });
  return { code, stdout, stderr };
}

describe('Job.fromApiJson', () => {
  it('reports a field of the wrong type with its path, instead of failing inside', () => {
    expect(readIssues({ Job: { ID: 'x', Name: 'x', Datacenters: ['dc1'], TaskGroups: 'str' } })).toEqual([
      { code: 'invalid-type', path: 'groups', message: 'TaskGroups: expected a list of objects, received "str"' },
    ]);
  });

  it('finds every wrong type at once, by the names of groups and tasks', () => {
    const issues = readIssues(
      job(
        { ID: { name: 'web' }, Update: 'rolling' },
        { Count: '3', Tasks: [{ ...TASK, Resources: 5, KillTimeout: '10s' }] },
      ),
    );
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['id', 'ID: expected a string, received {"name":"web"}'],
      ['groups[web].count', 'Count: expected a number, received "3"'],
      ['groups[web].tasks[app].resources', 'Resources: expected an object, received 5'],
      ['groups[web].tasks[app].killTimeout', 'KillTimeout: expected a whole number of nanoseconds, received "10s"'],
      ['update', 'Update: expected an object, received "rolling"'],
    ]);
  });

  it('refuses a document nested deeper than the limit without walking it recursively', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const issues = readIssues(job({}, { Tasks: [{ ...TASK, Config: { args: deep } }] }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: 'limit-exceeded',
      message: `nested more than ${MAX_JSON_NESTING} levels deep, the limit for an API JSON job (a job nests about ten)`,
    });
    expect(issues[0]?.path).toMatch(/^Job\.TaskGroups\[0\]\.Tasks\[0\]\.Config\.args(\[0\])+$/);
  });

  it('reports invalid JSON text as a syntax error', () => {
    expect(readIssues('{"Job": ')).toEqual([
      { code: 'syntax-error', path: '', message: expect.stringMatching(/^invalid JSON: /) },
    ]);
  });

  it('still reads a good job', () => {
    expect(Job.fromApiJson(job()).toApiJson().Job.TaskGroups).toHaveLength(1);
  });
});

describe('jobspec with API JSON', () => {
  it('validate lists the fields it cannot read with the file, and the rules on the rest, with exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobspec-api-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(job({ TaskGroups: 'str' })));
    const { code, stderr } = await jobspec(['validate', 'bad.json'], dir);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${join(dir, 'bad.json')}: groups: TaskGroups: expected a list of objects, received "str" [invalid-type]`,
    );
    expect(stderr).not.toMatch(/is not a function|internal error/);
  });

  it('validate refuses JSON nested 10,000 deep with a limit, not a stack overflow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobspec-api-'));
    writeFileSync(join(dir, 'deep.json'), `{"Job": {"ID": "x", "Meta": ${'['.repeat(10_000)}${']'.repeat(10_000)}}}`);
    const { code, stderr } = await jobspec(['validate', 'deep.json'], dir);
    expect(code).toBe(1);
    expect(stderr).toContain(`nested more than ${MAX_JSON_NESTING} levels deep`);
    expect(stderr).toContain('[limit-exceeded]');
  });
});

describe('jobspec and its own failures', () => {
  it('says a failure of its own is an internal error, a bug, with exit code 70', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobspec-internal-'));
    // A job-shaped export whose rendering throws what only a bug throws.
    writeFileSync(
      join(dir, 'jobs.cjs'),
      "exports.web = { props: { id: 'web' }, toApiJson() { throw new TypeError('x.map is not a function'); }, toHcl() { throw new TypeError('x.map is not a function'); } };\n",
    );
    const { code, stderr } = await jobspec(['render', 'jobs.cjs', '--to', 'hcl'], dir);
    expect(code).toBe(INTERNAL_ERROR_EXIT);
    expect(stderr).toBe(
      'jobspec: internal error in @org/jobspec-builder while running the command: x.map is not a function. ' +
        'This is a bug, not a problem in your job: please report it with the input that caused it\n',
    );
  });
});
