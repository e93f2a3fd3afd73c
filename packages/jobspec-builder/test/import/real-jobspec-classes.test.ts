import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Job, JobspecError, type JobspecIssue, parseHcl } from '../../src';
import { cli } from '../conformance/support';

// The classes of real-world input that lost data or hid problems (issue 15), each with a minimal input. Expected
// values are what Nomad's parser stores (jobspec2/hclutil/blockattrs.go, jobspec2/hcl_conversions.go,
// jobspec2/types.variables.go).

const dir = mkdtempSync(join(tmpdir(), 'jobspec-classes-'));

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A job around a group body. */
function withGroup(group: string, job = ''): string {
  return `job "web" {\n${job}  group "web" {\n${group}\n  }\n}\n`;
}

/** A job around a task body. */
function withTask(task: string, group = ''): string {
  return withGroup(`${group}    task "app" {\n      driver = "docker"\n${task}\n    }`);
}

async function api(source: string, options: Parameters<typeof parseHcl>[1] = {}): Promise<Record<string, unknown>> {
  const job = await parseHcl(source, { env: {}, ...options });
  return job.toApiJson({ validate: false }).Job;
}

async function issuesOf(source: string, options: Parameters<typeof parseHcl>[1] = {}): Promise<JobspecIssue[]> {
  try {
    await parseHcl(source, { env: {}, filename: 'web.nomad.hcl', ...options });
  } catch (error) {
    if (error instanceof JobspecError) return [...error.issues];
    throw error;
  }
  return [];
}

function group(job: Record<string, unknown>): Record<string, unknown> {
  return (job.TaskGroups as Record<string, unknown>[])[0] as Record<string, unknown>;
}

function task(job: Record<string, unknown>): Record<string, unknown> {
  return (group(job).Tasks as Record<string, unknown>[])[0] as Record<string, unknown>;
}

describe('labels of blocks in free-form bodies', () => {
  it('keeps the check and plugin names of a scaling policy, as Nomad stores them', async () => {
    const job = await api(
      withGroup(
        '    scaling {\n      min = 1\n      max = 10\n      policy {\n        check "cpu" {\n          strategy "target-value" {\n            target = 70\n          }\n        }\n      }\n    }\n    task "app" {\n      driver = "docker"\n    }',
      ),
    );
    expect((group(job).Scaling as Record<string, unknown>).Policy).toEqual({
      check: [{ cpu: [{ strategy: [{ 'target-value': [{ target: 70 }] }] }] }],
    });
  });

  it("reads Nomad's config-compatibility fixture: repeated labelled blocks, several labels, objects as one-item lists", async () => {
    const config = `      config {
        attr_map       = { "KEY" = "VAL", "KEY2" = "VAL2" }
        attr_map_empty = {}
        attr_list_hetro  = [1, "a", 3.4, { "k" = "v" }]
        block1 {
          k = "b"
        }
        multi_labeled_block "label1" "label2" "label3" {
          k = "b"
        }
        repeated_block_type {
          a = 2
        }
        repeated_block_type {
          b = 3
        }
        label_repeated "l1" {
          a = 1
        }
        label_repeated "l1" {
          a = 2
        }
        label_repeated "l2" "l21" {
          a = 3
        }
        label_repeated "l2" "l21" "l23" {
          a = 4
        }
        outer_block "l1" {
          level = 1
          inner_block "l2" {
            level = 2
            most_inner "l3" {
              level = 3
              inner_map = { "K" = "V" }
            }
          }
        }
      }`;
    const job = await api(withTask(config));
    expect(task(job).Config).toEqual({
      attr_map: [{ KEY: 'VAL', KEY2: 'VAL2' }],
      attr_map_empty: [{}],
      attr_list_hetro: [1, 'a', 3.4, { k: 'v' }],
      block1: [{ k: 'b' }],
      multi_labeled_block: [{ label1: [{ label2: [{ label3: [{ k: 'b' }] }] }] }],
      repeated_block_type: [{ a: 2 }, { b: 3 }],
      label_repeated: [
        { l1: [{ a: 1 }] },
        { l1: [{ a: 2 }] },
        { l2: [{ l21: [{ a: 3 }] }] },
        { l2: [{ l21: [{ l23: [{ a: 4 }] }] }] },
      ],
      outer_block: [
        {
          l1: [
            {
              level: 1,
              inner_block: [{ l2: [{ level: 2, most_inner: [{ l3: [{ level: 3, inner_map: [{ K: 'V' }] }] }] }] }],
            },
          ],
        },
      ],
    });
  });

  it('renders such bodies back to HCL with their blocks and labels, and reads the same API JSON again', async () => {
    const source = withGroup(
      '    scaling {\n      max = 10\n      policy {\n        cooldown = "20s"\n        check "avg" {\n          source = "prometheus"\n          strategy "target-value" {\n            target = 5\n          }\n        }\n        check "max" {\n          strategy "threshold" {\n            upper_bound = 100\n          }\n        }\n      }\n    }\n    task "app" {\n      driver = "docker"\n    }',
    );
    const job = await parseHcl(source, { env: {} });
    const hcl = job.toHcl({ validate: false });
    expect(hcl).toContain('check "avg" {');
    expect(hcl).toContain('strategy "target-value" {');
    const again = await parseHcl(hcl, { env: {} });
    expect(again.toApiJson({ validate: false })).toEqual(job.toApiJson({ validate: false }));
  });
});

describe('unknown attributes', () => {
  it('rejects a misspelt job attribute with what Nomad says and the close name', async () => {
    const issues = await issuesOf(withTask('', '').replace('job "web" {\n', 'job "web" {\n  datacenter = ["dc1"]\n'));
    expect(issues).toEqual([
      {
        code: 'unknown-field',
        path: 'datacenter',
        message:
          'Unsupported argument; An argument named "datacenter" is not expected here. Did you mean "datacenters"?',
        location: 'web.nomad.hcl:2:3',
        hclPath: 'job["web"].datacenter',
      },
    ]);
  });

  it('rejects a misspelt resources attribute instead of dropping the memory', async () => {
    const issues = await issuesOf(withTask('      resources {\n        memroy = 512\n      }'));
    expect(issues.map((i) => [i.path, i.code, i.location])).toEqual([
      ['groups[web].tasks[app].resources.memroy', 'unknown-field', 'web.nomad.hcl:6:9'],
    ]);
    expect(issues[0]?.message).toContain('Did you mean "memory"?');
  });

  it('is reported by jobspec validate, convert and import', async () => {
    const file = write('typo.nomad.hcl', withTask('      resources {\n        memroy = 512\n      }'));
    for (const args of [
      ['validate', file],
      ['convert', file, '--to', 'api-json'],
      ['import', file],
    ]) {
      const { code, stderr } = await cli(args);
      expect(code, args[0]).toBe(1);
      expect(stderr).toContain('typo.nomad.hcl:6:9: job["web"].group["web"].task["app"].resources.memroy');
    }
  });
});

describe('compact constraint forms', () => {
  const constraint = async (body: string) =>
    ((await api(withTask('', `    constraint {\n${body}\n    }\n`))).TaskGroups as Record<string, unknown>[])[0]
      ?.Constraints as Record<string, unknown>[];

  it.each([
    ['distinct_hosts = true', { Operand: 'distinct_hosts', RTarget: 'true' }],
    ['distinct_hosts = false', { Operand: 'distinct_hosts', RTarget: 'false' }],
    ['distinct_hosts = "false"', { Operand: 'distinct_hosts', RTarget: 'false' }],
    ['distinct_property = "${meta.rack}"', { Operand: 'distinct_property', LTarget: '${meta.rack}' }],
    [
      'attribute = "${attr.os.name}"\n      regexp = "^ubuntu"',
      { Operand: 'regexp', LTarget: '${attr.os.name}', RTarget: '^ubuntu' },
    ],
    ['attribute = "${attr.nomad.version}"\n      version = ">= 1.8"', { Operand: 'version', RTarget: '>= 1.8' }],
    ['attribute = "${attr.nomad.version}"\n      version = 2', { Operand: 'version', RTarget: '2' }],
    ['attribute = "${attr.kernel.version}"\n      semver = "~> 5.10"', { Operand: 'semver', RTarget: '~> 5.10' }],
    ['attribute = "${meta.tags}"\n      set_contains = "a,b"', { Operand: 'set_contains', RTarget: 'a,b' }],
    ['attribute = "${meta.ssd}"\n      set_contains = true', { Operand: 'set_contains', RTarget: 'true' }],
    ['attribute = "${meta.x}"\n      regexp = ""\n      value = "y"', { Operand: '=', RTarget: 'y' }],
  ])('%s', async (body, expected) => {
    expect((await constraint(`      ${body}`))[0]).toMatchObject(expected);
  });

  it('rejects distinct_hosts that is not a bool, and the forms Nomad parses but ignores', async () => {
    const notBool = await issuesOf(withTask('', '    constraint {\n      distinct_hosts = "yes"\n    }\n'));
    expect(notBool.map((i) => [i.path, i.message])).toEqual([
      ['groups[web].constraints[0].distinct_hosts', 'distinct_hosts is true or false: received "yes"'],
    ]);
    const ignored = await issuesOf(
      withTask('', '    constraint {\n      attribute = "${meta.x}"\n      set_contains_any = "a,b"\n    }\n'),
    );
    expect(ignored[0]?.message).toContain('write operator = "set_contains_any" and value = "a,b" instead');
  });

  it('reads the compact forms of an affinity', async () => {
    const job = await api(
      withTask(
        '',
        '    affinity {\n      attribute = "${meta.rack}"\n      set_contains_any = "r1,r2"\n      weight = 50\n    }\n',
      ),
    );
    expect(group(job).Affinities).toEqual([
      { LTarget: '${meta.rack}', Operand: 'set_contains_any', RTarget: 'r1,r2', Weight: 50 },
    ]);
  });
});

describe('variable blocks', () => {
  const driverVariable = `variable "driver" {
  type    = string
  default = "raw_exec"
  validation {
    condition     = var.driver == "raw_exec" || var.driver == "exec"
    error_message = "Invalid value for driver; valid values are: raw_exec, exec."
  }
}
`;
  const job = `job "web" {\n  group "web" {\n    task "app" {\n      driver = var.driver\n    }\n  }\n}\n`;

  it('enforces validation blocks, with the error message the jobspec gives', async () => {
    const issues = await issuesOf(driverVariable + job, { vars: { driver: 'docker' } });
    expect(issues).toEqual([
      {
        code: 'invalid-value',
        path: 'var.driver',
        message:
          'Invalid value for cmd variable: Invalid value for driver; valid values are: raw_exec, exec. (the validation rule at line 4)',
      },
    ]);
    expect(task(await api(driverVariable + job, { vars: { driver: 'exec' } })).Driver).toBe('exec');
  });

  it('rejects an unknown argument with the close name instead of reporting a missing default', async () => {
    const issues = await issuesOf(
      `variable "image" {\n  defualt = "nginx"\n}\n${job.replace('var.driver', '"docker"')}`,
    );
    expect(issues).toEqual([
      {
        code: 'unknown-field',
        path: 'var.image.defualt',
        message: 'Unsupported argument; An argument named "defualt" is not expected here. Did you mean "default"?',
        location: 'web.nomad.hcl:2:3',
      },
    ]);
  });

  it('takes values from var files, HCL and JSON, with -var winning', async () => {
    const hcl = write('vars.hcl', 'driver = "exec"\n');
    const json = write('vars.json', '{"driver": "raw_exec"}');
    expect(task(await api(driverVariable + job, { varFiles: [hcl] })).Driver).toBe('exec');
    expect(task(await api(driverVariable + job, { varFiles: [hcl, json] })).Driver).toBe('raw_exec');
    expect(task(await api(driverVariable + job, { varFiles: [json], vars: { driver: 'exec' } })).Driver).toBe('exec');
    const file = write('v.nomad.hcl', driverVariable + job);
    const { code, stdout } = await cli(['convert', file, '--to', 'api-json', '-var-file', hcl]);
    expect(code).toBe(0);
    expect(stdout).toContain('"Driver": "exec"');
    const validated = await cli(['validate', file, '--var-file', json]);
    expect(validated).toEqual({ code: 0, stdout: 'web: valid\n', stderr: '' });
    const singleDash = await cli(['convert', file, '--to', 'api-json', '-var', 'driver=raw_exec']);
    expect(singleDash.stdout).toContain('"Driver": "raw_exec"');
  });
});

describe('API JSON as `nomad job inspect` prints it', () => {
  // A batch job as the server stores it: every Go zero value printed.
  const inspected = {
    ID: 'report',
    Name: 'report',
    Type: 'batch',
    Datacenters: ['*'],
    Update: {
      Stagger: 0,
      MaxParallel: 0,
      HealthCheck: '',
      MinHealthyTime: 0,
      HealthyDeadline: 0,
      ProgressDeadline: 0,
      Canary: 0,
      AutoRevert: false,
      AutoPromote: false,
    },
    TaskGroups: [
      {
        Name: 'report',
        Count: 1,
        ReschedulePolicy: {
          Attempts: 1,
          Interval: 86400000000000,
          Delay: 5000000000,
          DelayFunction: 'constant',
          MaxDelay: 0,
          Unlimited: false,
        },
        Tasks: [
          {
            Name: 'report',
            Driver: 'docker',
            Config: { image: 'busybox:1' },
            Leader: false,
            KillSignal: '',
            Resources: { CPU: 100, Cores: 0, MemoryMB: 300, MemoryMaxMB: 0, DiskMB: 0, IOPS: 0 },
            Identity: {
              Name: 'default',
              Audience: ['nomadproject.io'],
              ChangeMode: '',
              ChangeSignal: '',
              Env: false,
              File: false,
              TTL: 0,
            },
          },
        ],
      },
    ],
  };

  it('reads Go zero values as unset, so the job validates', () => {
    expect(Job.fromApiJson({ Job: inspected }).validate()).toEqual([]);
  });

  it('renders HCL without zero-valued noise', () => {
    const hcl = Job.fromApiJson({ Job: inspected }).toHcl();
    expect(hcl).not.toMatch(/health_check|max_delay|update|cores|memory_max|change_mode|leader|kill_signal/);
    expect(hcl).toContain('identity {');
  });
});

describe('numeric durations', () => {
  it('reads a number as nanoseconds, as Nomad does', async () => {
    const job = await api(
      withGroup(
        '    service {\n      name = "web"\n      provider = "nomad"\n      port = "8080"\n      check {\n        type     = "tcp"\n        interval = 10000000000\n        timeout  = "2s"\n      }\n    }\n    task "app" {\n      driver = "docker"\n    }',
      ),
    );
    const service = (group(job).Services as Record<string, unknown>[])[0] as Record<string, unknown>;
    const check = (service.Checks as Record<string, unknown>[])[0];
    expect(check).toMatchObject({ Interval: 10000000000, Timeout: 2000000000 });
  });

  it('rejects a fraction of a nanosecond', async () => {
    const issues = await issuesOf(withTask('      kill_timeout = 1.5'));
    expect(issues[0]?.message).toBe('expected a whole number of nanoseconds or a duration such as "30s", received 1.5');
  });
});

describe('convert() and bcrypt()', () => {
  it('convert() converts to the type expression given', async () => {
    const job = await api(
      withTask(
        '      meta {\n        count = convert(3, string)\n        ports = jsonencode(convert(["80", "443"], list(number)))\n      }',
      ),
    );
    expect(task(job).Meta).toEqual({ count: '3', ports: '[80,443]' });
  });

  it('bcrypt() hashes, as Nomad does (the salt is random)', async () => {
    const job = await api(withTask('      env {\n        HASH = bcrypt("secret")\n      }'));
    expect((task(job).Env as Record<string, string>).HASH).toMatch(/^\$2a\$10\$/);
  });
});

describe('every problem at once', () => {
  it('reports a negative count, an undefined service port, 4 MB of memory and a signal template without change_signal together', async () => {
    const file = write(
      'all.nomad.hcl',
      withGroup(`    count = -1
    service {
      name     = "web"
      provider = "nomad"
      port     = "http"
    }
    task "app" {
      driver = "docker"
      resources {
        memory = 4
      }
      template {
        data        = "x"
        destination = "local/x"
        change_mode = "signal"
      }
    }`),
    );
    const { code, stderr } = await cli(['validate', file]);
    expect(code).toBe(1);
    expect(stderr).toContain('4 problems in the job:');
    expect(stderr).toContain(
      'all.nomad.hcl:3:5: job["web"].group["web"].count: count is too small: received -1, allowed 0 or more [out-of-range]',
    );
    expect(stderr).toContain('all.nomad.hcl:7:7: job["web"].group["web"].service[0].port: the port "http"');
    expect(stderr).toContain(
      'all.nomad.hcl:12:9: job["web"].group["web"].task["app"].resources.memory: memory is below',
    );
    expect(stderr).toContain(
      'all.nomad.hcl:14:7: job["web"].group["web"].task["app"].template[0].change_signal: change_mode "signal" needs a change_signal',
    );
  });

  it('adds problems found reading the file to the rules Nomad checks', async () => {
    const file = write(
      'mixed.nomad.hcl',
      withTask('      resources {\n        memroy = 512\n        memory = 4\n      }'),
    );
    const { stderr } = await cli(['validate', file]);
    expect(stderr).toContain('2 problems in the job:');
    expect(stderr).toContain('resources.memroy');
    expect(stderr).toContain('resources.memory: memory is below');
  });
});

describe('inputs the CLI cannot read', () => {
  it('says in one line that a binary file is not a jobspec', async () => {
    const file = write('binary.nomad.hcl', `\u0000\u0001${'x'.repeat(100)}`);
    const { code, stderr } = await cli(['validate', file]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `jobspec: ${file} is not a text file (it has a NUL byte at offset 0): give an HCL jobspec (.nomad.hcl) or an API JSON job (.json)\n`,
    );
  });

  it('says in one line that a file is missing or a directory, without the usage', async () => {
    expect((await cli(['validate', join(dir, 'nope.hcl')])).stderr).toBe(
      `jobspec: cannot read ${join(dir, 'nope.hcl')}: no such file\n`,
    );
    expect((await cli(['validate', dir])).stderr).toBe(`jobspec: ${dir} is a directory: give a jobspec file\n`);
  });

  it('names an empty file', async () => {
    const file = write('empty.nomad.hcl', '\n');
    const { code, stderr } = await cli(['validate', file]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file} is empty: a jobspec needs a job block`);
  });

  it('hints at HCL1 syntax', async () => {
    const file = write('hcl1.nomad.hcl', 'job "web" {\n  meta {\n    "a.b" = "c"\n  }\n}\n');
    const { stderr } = await cli(['validate', file]);
    expect(stderr).toContain('hcl1.nomad.hcl:3:5: Invalid argument name: Argument names must not be quoted.');
    expect(stderr).toContain('This is HCL1 syntax, which Nomad 1.9 no longer reads');
  });

  it('prints the usage to stderr when called without arguments', async () => {
    const { code, stdout, stderr } = await cli([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: jobspec <command>');
  });
});

describe('jobspec import output', () => {
  it('keeps variables as variables, leaves out what Nomad fills in, and uses one quote style', async () => {
    const file = write(
      'imp.nomad.hcl',
      `variable "env" {
  type    = string
  default = "prod"
}
job "web" {
  group "web" {
    task "app" {
      driver = "docker"
      config {
        image = "nginx:\${var.env}"
      }
      template {
        data        = "x"
        destination = "local/x"
      }
    }
  }
  meta {
    env = var.env
  }
}
`,
    );
    const { code, stdout } = await cli(['import', file]);
    expect(code).toBe(0);
    expect(stdout).toContain("const vars = {\n  env: 'prod',\n};");
    expect(stdout).toContain('image: `nginx:${vars.env}`,');
    expect(stdout).toContain('env: vars.env,');
    expect(stdout).not.toMatch(/changeMode|perms|splay|errorOnMissingKey/);
    expect(stdout).not.toContain('"');
  });
});
