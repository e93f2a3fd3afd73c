import { describe, expect, it } from 'vitest';
import {
  Duration,
  type GroupProps,
  HclExpression,
  Job,
  type JobProps,
  JobspecError,
  type JobspecIssue,
  Size,
  type TaskProps,
} from '../../src';

// The schema layer (zod): field names, types, enums and free-form values, reported with named paths and the
// value received.

/** Builds a job from loosely typed props: these tests feed it what the types forbid. */
function loose(props: Record<string, unknown>): Job {
  return new Job(props as unknown as JobProps);
}

function jobWithTask(taskProps: Record<string, unknown>, groupProps: Record<string, unknown> = {}): Job {
  return loose({
    id: 'web',
    groups: [{ name: 'web', tasks: [{ name: 'server', driver: 'docker', ...taskProps }], ...groupProps }],
  });
}

function only(job: Job): JobspecIssue {
  const issues = job.validate();
  expect(issues, JSON.stringify(issues, null, 2)).toHaveLength(1);
  return issues[0] as JobspecIssue;
}

describe('unknown fields', () => {
  it('rejects a misspelt field and suggests the close field name and the raw escape hatch', () => {
    const issue = only(jobWithTask({}, { cont: 3 }));
    expect(issue.code).toBe('unknown-field');
    expect(issue.path).toBe('groups[web].cont');
    expect(issue.message).toContain('unknown field "cont" (did you mean "count"?)');
    expect(issue.message).toContain('allowed: name, count,');
    expect(issue.message).toContain('raw: { hcl: {...}, api: {...} }');
  });

  it('rejects a field with no close name, pointing at raw for fields Nomad added later', () => {
    const issue = only(jobWithTask({ oom_score_adjust: 5 }));
    expect(issue).toMatchObject({ code: 'unknown-field', path: 'groups[web].tasks[server].oom_score_adjust' });
    expect(issue.message).not.toContain('did you mean');
    expect(issue.message).toContain('raw');
  });

  it('names the path of an unknown field at the top level and in nested blocks', () => {
    expect(
      only(loose({ id: 'web', groups: [{ name: 'web', tasks: [{ name: 't', driver: 'exec' }] }], regoin: 'eu' })),
    ).toMatchObject({
      code: 'unknown-field',
      path: 'regoin',
    });
    expect(only(jobWithTask({ resources: { memroy: Size.mebibytes(64) } }))).toMatchObject({
      code: 'unknown-field',
      path: 'groups[web].tasks[server].resources.memroy',
      message: expect.stringContaining('did you mean "memory"?'),
    });
  });

  it('names list items by index when their label is an HCL expression', () => {
    const issue = only(
      loose({
        id: 'web',
        groups: [{ name: HclExpression.of('var.group'), tasks: [{ name: 't', driver: 'docker' }], cnt: 1 }],
      }),
    );
    expect(issue).toMatchObject({ code: 'unknown-field', path: 'groups[0].cnt' });
  });

  it('accepts fields under raw, which pass through unchecked', () => {
    expect(jobWithTask({ raw: { hcl: { oom_score_adjust: 5 }, api: { OOMScoreAdjust: 5 } } }).validate()).toEqual([]);
  });
});

describe('wrong types', () => {
  it('reports a wrong scalar type with what was expected and received', () => {
    const issue = only(jobWithTask({ driver: 5 }));
    expect(issue).toEqual({
      code: 'invalid-type',
      path: 'groups[web].tasks[server].driver',
      message: 'driver has the wrong type: expected a string, received 5',
    });
  });

  it('reports a wrong type for a list of blocks', () => {
    expect(only(loose({ id: 'web', groups: 'web' }))).toEqual({
      code: 'invalid-type',
      path: 'groups',
      message: 'groups has the wrong type: expected a list, received "web"',
    });
  });

  it('reports a number where a Duration is expected, naming the factories', () => {
    const issue = only(jobWithTask({ killTimeout: 30 }));
    expect(issue.code).toBe('invalid-type');
    expect(issue.path).toBe('groups[web].tasks[server].killTimeout');
    expect(issue.message).toContain('expected a Duration (Duration.seconds(10)');
    expect(issue.message).toContain('received 30');
  });

  it('reports a string where a Size is expected', () => {
    const issue = only(jobWithTask({ resources: { memory: '256MB' } }));
    expect(issue).toMatchObject({ code: 'invalid-type', path: 'groups[web].tasks[server].resources.memory' });
    expect(issue.message).toContain('expected a Size');
    expect(issue.message).toContain('received "256MB"');
  });

  it('reports a number out of the schema range with the value received', () => {
    expect(only(jobWithTask({}, { count: -1 }))).toEqual({
      code: 'out-of-range',
      path: 'groups[web].count',
      message: 'count is too small: received -1, allowed 0 or more',
    });
    expect(only(jobWithTask({ resources: { cpu: 0 } }))).toMatchObject({
      code: 'out-of-range',
      path: 'groups[web].tasks[server].resources.cpu',
      message: expect.stringContaining('received 0'),
    });
  });
});

describe('missing required fields', () => {
  it('reports a missing job ID', () => {
    expect(only(loose({ groups: [{ name: 'web', tasks: [{ name: 't', driver: 'docker' }] }] }))).toEqual({
      code: 'required',
      path: 'id',
      message: 'id is required and not set: expected a string',
    });
  });

  it('reports a task without a driver at the task path', () => {
    expect(only(loose({ id: 'web', groups: [{ name: 'web', tasks: [{ name: 'server' }] }] }))).toMatchObject({
      code: 'required',
      path: 'groups[web].tasks[server].driver',
    });
  });

  it('treats a field set to undefined as missing, as TypeScript does', () => {
    expect(only(jobWithTask({ driver: undefined }))).toMatchObject({
      code: 'required',
      path: 'groups[web].tasks[server].driver',
    });
  });
});

describe('enum values', () => {
  it('lists the allowed values and the value received', () => {
    const issue = only(
      loose({ id: 'web', type: 'servce', groups: [{ name: 'web', tasks: [{ name: 't', driver: 'docker' }] }] }),
    );
    expect(issue.code).toBe('invalid-value');
    expect(issue.path).toBe('type');
    expect(issue.message).toContain('allowed "service", "batch", "system", "sysbatch"');
    expect(issue.message).toContain('received "servce"');
  });

  it("checks lifecycle hooks against Nomad's three values", () => {
    const issue = only(jobWithTask({ lifecycle: { hook: 'poststart ' } }));
    expect(issue).toMatchObject({ code: 'invalid-value', path: 'groups[web].tasks[server].lifecycle.hook' });
    expect(issue.message).toContain('allowed "prestart", "poststart", "poststop"');
    expect(issue.message).toContain('received "poststart "');
  });

  it('checks constraint operators', () => {
    const issue = only(
      loose({
        id: 'web',
        constraints: [{ attribute: '${attr.kernel.name}', operator: '~=', value: 'linux' }],
        groups: [{ name: 'web', tasks: [{ name: 't', driver: 'docker' }] }],
      }),
    );
    expect(issue).toMatchObject({ code: 'invalid-value', path: 'constraints[0].operator' });
    expect(issue.message).toContain('"distinct_hosts"');
    expect(issue.message).toContain('received "~="');
  });
});

describe('free-form driver config', () => {
  const at = 'groups[web].tasks[server].config';

  it.each([
    ['NaN in an array', { ports: ['http', Number.NaN] }, `${at}.ports[1]`, 'received NaN'],
    ['Infinity', { cpu_hard_limit: Number.POSITIVE_INFINITY }, `${at}.cpu_hard_limit`, 'received Infinity'],
    ['a Date', { started: new Date(0) }, `${at}.started`, 'received an instance of Date'],
    ['a class instance', { size: Size.mebibytes(1) }, `${at}.size`, 'received an instance of Size'],
    [
      'a Map deep in objects and arrays',
      { mounts: [{ type: 'bind' }, { options: { extra: [1, new Map()] } }] },
      `${at}.mounts[1].options.extra[1]`,
      'received an instance of Map',
    ],
    ['undefined in an array', { args: ['-v', undefined] }, `${at}.args[1]`, 'received undefined'],
    ['a function', { hook: () => 1 }, `${at}.hook`, 'received function'],
    ['a bigint', { limit: 10n }, `${at}.limit`, 'received bigint'],
  ])('rejects %s, with the path reaching the inner element', (_, config, path, received) => {
    const issue = only(jobWithTask({ config }));
    expect(issue.code).toBe('invalid-type');
    expect(issue.path).toBe(path);
    expect(issue.message).toContain('expected a JSON value');
    expect(issue.message).toContain(received);
  });

  it('accepts JSON values and HCL expressions anywhere inside', () => {
    const config = {
      image: 'nginx:1.27',
      ports: ['http'],
      labels: [{ team: 'web', tier: HclExpression.of('var.tier') }],
      memory_hard_limit: 512,
      privileged: false,
      entrypoint: null,
    };
    expect(jobWithTask({ config }).validate()).toEqual([]);
  });
});

describe('rendering an invalid job', () => {
  const invalid = jobWithTask({ driver: 5, killTimeout: 30 }, { cont: 3 });

  it('toHcl() throws a JobspecError listing every issue with its path and code', () => {
    let error: unknown;
    try {
      invalid.toHcl();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JobspecError);
    const { issues, message } = error as JobspecError;
    expect(issues.map((issue) => [issue.code, issue.path])).toEqual(
      expect.arrayContaining([
        ['unknown-field', 'groups[web].cont'],
        ['invalid-type', 'groups[web].tasks[server].driver'],
        ['invalid-type', 'groups[web].tasks[server].killTimeout'],
      ]),
    );
    expect(message).toContain(`${issues.length} problems in the job:`);
    for (const issue of issues) expect(message).toContain(`${issue.path}: ${issue.message} [${issue.code}]`);
  });

  it('toApiJson() throws the same JobspecError', () => {
    expect(() => invalid.toApiJson()).toThrow(JobspecError);
    expect(() => invalid.toApiJson()).toThrow(
      /groups\[web\]\.tasks\[server\]\.driver: driver has the wrong type: expected a string, received 5 \[invalid-type\]/,
    );
  });

  it('also throws for a job that passes the schema but breaks a Nomad rule', () => {
    const group: GroupProps = {
      name: 'web',
      tasks: [{ name: 'server', driver: 'docker', resources: { memory: Size.mebibytes(4) } } as TaskProps],
    };
    const job = new Job({ id: 'web', groups: [group], update: { minHealthyTime: Duration.minutes(6) } });
    expect(() => job.toHcl()).toThrow(JobspecError);
    expect(() => job.toHcl()).toThrow(
      /2 problems in the job:\n {2}update\.minHealthyTime: .* \[conflict\]\n {2}groups\[web\]\.tasks\[server\]\.resources\.memory: .*received 4 MiB.* \[out-of-range\]/,
    );
  });
});
