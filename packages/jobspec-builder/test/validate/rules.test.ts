import { describe, expect, it } from 'vitest';
import {
  Check,
  Constraint,
  Duration,
  type GroupProps,
  HclExpression,
  Job,
  type JobProps,
  type JobspecIssue,
  Port,
  type ServiceProps,
  Size,
  type TaskProps,
} from '../../src';

// GIVEN a minimal valid job, WHEN one thing in it breaks one of Nomad's rules, THEN validate() reports exactly that
// issue: its code, its path, and a message that names what was received.

function task(props: Partial<TaskProps> = {}): TaskProps {
  return { name: 'server', driver: 'docker', config: { image: 'nginx:1.27' }, ...props };
}

function group(props: Partial<GroupProps> = {}): GroupProps {
  return { name: 'web', tasks: [task()], ...props };
}

function job(props: Partial<JobProps> = {}): Job {
  return new Job({ id: 'web', datacenters: ['dc1'], groups: [group()], ...props });
}

/** A batch job, for rules that need one. */
function batch(props: Partial<JobProps> = {}): Job {
  return job({ type: 'batch', ...props });
}

/** A job whose one group has `props` (tasks: one task with `taskProps`). */
function withGroup(props: Partial<GroupProps>, jobProps: Partial<JobProps> = {}): Job {
  return job({ ...jobProps, groups: [group(props)] });
}

function withTask(
  props: Partial<TaskProps>,
  groupProps: Partial<GroupProps> = {},
  jobProps: Partial<JobProps> = {},
): Job {
  return withGroup({ ...groupProps, tasks: [task(props)] }, jobProps);
}

/** A group with one "http" port and `services`. */
function withServices(services: ServiceProps[], groupProps: Partial<GroupProps> = {}): Job {
  return withGroup({ networks: [{ ports: [Port.dynamic('http')] }], services, ...groupProps });
}

/** A task service of a group with one "http" port. */
function withTaskServices(services: ServiceProps[], groupProps: Partial<GroupProps> = {}): Job {
  return withGroup({ networks: [{ ports: [Port.dynamic('http')] }], tasks: [task({ services })], ...groupProps });
}

const httpCheck = Check.http('/health');
const T = 'groups[web].tasks[server]';

interface Case {
  readonly job: Job;
  readonly code: JobspecIssue['code'];
  readonly path: string;
  /** Parts of the message, at least one naming the received value. */
  readonly says: readonly string[];
}

function expectOnly(testJob: Job, expected: Omit<Case, 'job'>): void {
  const issues = testJob.validate();
  expect(issues, JSON.stringify(issues, null, 2)).toHaveLength(1);
  const [issue] = issues as [JobspecIssue];
  expect({ code: issue.code, path: issue.path }).toEqual({ code: expected.code, path: expected.path });
  for (const part of expected.says) expect(issue.message).toContain(part);
}

function rules(cases: Record<string, Case>): void {
  it.each(Object.entries(cases))('%s', (_, { job: testJob, ...expected }) => expectOnly(testJob, expected));
}

describe('semantic rules: the job', () => {
  rules({
    'rejects a job ID with a space (Job ID contains a space)': {
      job: job({ id: 'my web' }),
      code: 'invalid-value',
      path: 'id',
      says: ['"my web"', 'space'],
    },
    'rejects a job ID with a null character': {
      job: job({ id: 'web\0' }),
      code: 'invalid-value',
      path: 'id',
      says: ['"web\\u0000"', 'null character'],
    },
    'rejects an empty job ID (Missing job ID)': {
      job: job({ id: '' }),
      code: 'required',
      path: 'id',
      says: ['empty'],
    },
    'rejects a job name with a null character': {
      job: job({ name: 'a\0b' }),
      code: 'invalid-value',
      path: 'name',
      says: ['"a\\u0000b"'],
    },
    'rejects an empty datacenter name': {
      job: job({ datacenters: ['dc1', ''] }),
      code: 'invalid-value',
      path: 'datacenters[1]',
      says: ['empty string', '"*"'],
    },
    'rejects a job without groups (Missing job task groups)': {
      job: job({ groups: [] }),
      code: 'required',
      path: 'groups',
      says: ['no groups'],
    },
    'rejects a UI description over 1000 bytes': {
      job: job({ ui: { description: 'x'.repeat(1001) } }),
      code: 'out-of-range',
      path: 'ui.description',
      says: ['1001 bytes', 'at most 1000'],
    },
    'rejects affinities on a system job': {
      job: job({ type: 'system', affinities: [{ attribute: '${node.datacenter}', value: 'dc1', weight: 50 }] }),
      code: 'not-allowed-for-job-type',
      path: 'affinities',
      says: ['system job'],
    },
    'rejects spreads on a system job': {
      job: job({ type: 'system', spreads: [{ attribute: '${node.datacenter}' }] }),
      code: 'not-allowed-for-job-type',
      path: 'spreads',
      says: ['system job'],
    },
    'rejects periodic on a service job': {
      job: job({ periodic: { crons: ['0 3 * * *'] } }),
      code: 'not-allowed-for-job-type',
      path: 'periodic',
      says: ['received type "service"', '"batch" or "sysbatch"'],
    },
    'rejects parameterized on a system job': {
      job: job({ type: 'system', parameterized: {} }),
      code: 'not-allowed-for-job-type',
      path: 'parameterized',
      says: ['received type "system"'],
    },
    'rejects meta keys both required and optional': {
      job: batch({ parameterized: { metaRequired: ['a', 'b'], metaOptional: ['b'] } }),
      code: 'conflict',
      path: 'parameterized.metaOptional',
      says: ['received "b"'],
    },
    'rejects a job-level update block on a batch job': {
      job: batch({ update: { maxParallel: 1 } }),
      code: 'not-allowed-for-job-type',
      path: 'update',
      says: ['batch job', 'service and system'],
    },
    'rejects a job-level migrate block on a batch job': {
      job: batch({ migrate: { maxParallel: 1 } }),
      code: 'not-allowed-for-job-type',
      path: 'migrate',
      says: ['batch job'],
    },
    'rejects a job-level reschedule block on a system job': {
      job: job({ type: 'system', reschedule: { attempts: 1 } }),
      code: 'not-allowed-for-job-type',
      path: 'reschedule',
      says: ['system job'],
    },
  });
});

describe('semantic rules: periodic', () => {
  rules({
    'rejects both cron and crons (Only cron or crons may be used)': {
      job: batch({ periodic: { cron: '0 3 * * *', crons: ['0 4 * * *'] } }),
      code: 'conflict',
      path: 'periodic',
      says: ['both cron and crons'],
    },
    'rejects a periodic block without a spec (Must specify a spec)': {
      job: batch({ periodic: { prohibitOverlap: true } }),
      code: 'required',
      path: 'periodic.crons',
      says: ['schedule'],
    },
    'rejects an invalid cron spec in crons': {
      job: batch({ periodic: { crons: ['0 3 * * *', '61 * * * *'] } }),
      code: 'invalid-cron',
      path: 'periodic.crons[1]',
      says: ['"61 * * * *"', 'minute'],
    },
    'rejects an invalid cron spec in cron': {
      job: batch({ periodic: { cron: '@every 5m' } }),
      code: 'invalid-cron',
      path: 'periodic.cron',
      says: ['"@every 5m"'],
    },
    'rejects an unknown time zone': {
      job: batch({ periodic: { crons: ['0 3 * * *'], timeZone: 'Mars/Olympus' } }),
      code: 'invalid-value',
      path: 'periodic.timeZone',
      says: ['"Mars/Olympus"'],
    },
  });

  it('skips a disabled periodic block, as Nomad does', () => {
    expect(job({ periodic: { enabled: false } }).validate()).toEqual([]);
  });
});

describe('semantic rules: groups', () => {
  rules({
    'rejects two groups with the same name': {
      job: job({ groups: [group(), group()] }),
      code: 'duplicate-name',
      path: 'groups[web]',
      says: ['"web"', 'group 2', 'group 1'],
    },
    'rejects a group name with a null character': {
      job: withGroup({ name: 'w\0' }),
      code: 'invalid-value',
      path: 'groups[w\0].name',
      says: ['"w\\u0000"'],
    },
    'rejects a group without tasks (Missing tasks for task group)': {
      job: withGroup({ tasks: [] }),
      code: 'required',
      path: 'groups[web].tasks',
      says: ['no tasks'],
    },
    'rejects count > 1 in a system job': {
      job: withGroup({ count: 2 }, { type: 'system' }),
      code: 'not-allowed-for-job-type',
      path: 'groups[web].count',
      says: ['received count 2', '0 or 1'],
    },
    'rejects a negative group shutdownDelay': {
      job: withGroup({ shutdownDelay: Duration.seconds(-1) }),
      code: 'invalid-duration',
      path: 'groups[web].shutdownDelay',
      says: ['received -1s'],
    },
    'rejects group affinities on a system job': {
      job: withGroup({ affinities: [{ attribute: '${node.class}', value: 'x' }] }, { type: 'system' }),
      code: 'not-allowed-for-job-type',
      path: 'groups[web].affinities',
      says: ['system job'],
    },
    'rejects group spreads on a system job': {
      job: withGroup({ spreads: [{ attribute: '${node.class}' }] }, { type: 'system' }),
      code: 'not-allowed-for-job-type',
      path: 'groups[web].spreads',
      says: ['system job'],
    },
    'rejects a group reschedule block on a sysbatch job': {
      job: withGroup({ reschedule: { attempts: 1 } }, { type: 'sysbatch' }),
      code: 'not-allowed-for-job-type',
      path: 'groups[web].reschedule',
      says: ['sysbatch job'],
    },
    'rejects an ephemeral disk below 10 MiB': {
      job: withGroup({
        ephemeralDisk: { size: Size.mebibytes(5) },
        tasks: [task({ logs: { maxFiles: 1, maxFileSize: Size.mebibytes(1) } })],
      }),
      code: 'out-of-range',
      path: 'groups[web].ephemeralDisk.size',
      says: ['received 5 MiB', '10 MiB'],
    },
    'rejects a group update block in a sysbatch job': {
      job: withGroup({ update: { canary: 0 } }, { type: 'sysbatch' }),
      code: 'not-allowed-for-job-type',
      path: 'groups[web].update',
      says: ['sysbatch job'],
    },
    'rejects a group migrate block in a system job': {
      job: withGroup({ migrate: { maxParallel: 2 } }, { type: 'system' }),
      code: 'not-allowed-for-job-type',
      path: 'groups[web].migrate',
      says: ['system job'],
    },
    'rejects two tasks with the same name': {
      job: withGroup({ tasks: [task(), task()] }),
      code: 'duplicate-name',
      path: 'groups[web].tasks[server]',
      says: ['"server"', 'task 2'],
    },
    'rejects two leader tasks': {
      job: withGroup({ tasks: [task({ leader: true }), task({ name: 'sidecar', leader: true })] }),
      code: 'conflict',
      path: 'groups[web].tasks',
      says: ['received 2 leaders', '"server", "sidecar"'],
    },
  });
});

describe('semantic rules: groups without tasks', () => {
  it('accepts a group whose only service is a Connect gateway: Nomad adds the gateway task', () => {
    const gateway = withGroup({
      tasks: [],
      networks: [{ mode: 'bridge', ports: [Port.static('inbound', 8080)] }],
      services: [{ name: 'ingress', port: '8080', connect: { gateway: { ingress: { listeners: [{ port: 8080 }] } } } }],
    });
    expect(gateway.validate()).toEqual([]);
  });

  it('accepts a task-level disk, which the HTTP API ignores rather than rejects', () => {
    expect(withTask({ resources: { disk: Size.mebibytes(64) } }).validate()).toEqual([]);
  });
});

describe('semantic rules: restart (group policy over the job type defaults)', () => {
  rules({
    'rejects an interval under 5s': {
      job: withGroup({ restart: { attempts: 0, interval: Duration.seconds(1) } }),
      code: 'invalid-duration',
      path: 'groups[web].restart.interval',
      says: ['received 1s', '5s or more'],
    },
    'rejects attempts × delay over the interval': {
      job: withGroup({ restart: { attempts: 3, delay: Duration.seconds(20), interval: Duration.seconds(30) } }),
      code: 'conflict',
      path: 'groups[web].restart.attempts',
      says: ['3 attempts', '20s', '30s'],
    },
    'counts Nomad defaults in attempts × delay, and says so': {
      job: withGroup({ restart: { interval: Duration.seconds(20) } }),
      code: 'conflict',
      path: 'groups[web].restart.interval',
      says: ["2 (Nomad's default) attempts", "15s (Nomad's default)", '20s'],
    },
    'rejects mode "delay" with 0 attempts': {
      job: withGroup({ restart: { attempts: 0, mode: 'delay' } }),
      code: 'conflict',
      path: 'groups[web].restart.attempts',
      says: ['"delay" with 0 attempts'],
    },
  });
});

describe('semantic rules: reschedule (job and group policies over the job type defaults)', () => {
  rules({
    'rejects attempts with the service default unlimited = true': {
      job: withGroup({ reschedule: { attempts: 3, interval: Duration.hours(1) } }),
      code: 'conflict',
      path: 'groups[web].reschedule.attempts',
      says: ['attempts 3', "unlimited is true (Nomad's default)", 'unlimited: false'],
    },
    'rejects a delay under 5s': {
      job: withGroup({ reschedule: { delay: Duration.seconds(1) } }),
      code: 'invalid-duration',
      path: 'groups[web].reschedule.delay',
      says: ['received 1s', '5s or more'],
    },
    'rejects a maxDelay below delay': {
      job: withGroup({ reschedule: { delay: Duration.minutes(10), maxDelay: Duration.minutes(5) } }),
      code: 'conflict',
      path: 'groups[web].reschedule.maxDelay',
      says: ['maxDelay 5m', 'delay 10m'],
    },
    'rejects an interval under 15s for limited attempts': {
      job: withGroup(
        { reschedule: { attempts: 1, interval: Duration.seconds(10), delay: Duration.seconds(5) } },
        { type: 'batch' },
      ),
      code: 'invalid-duration',
      path: 'groups[web].reschedule.interval',
      says: ['received 10s', '15s or more'],
    },
    'rejects attempts that do not fit the interval': {
      job: withGroup(
        {
          reschedule: {
            attempts: 5,
            interval: Duration.seconds(30),
            delay: Duration.seconds(10),
            delayFunction: 'constant',
          },
        },
        { type: 'batch' },
      ),
      code: 'conflict',
      path: 'groups[web].reschedule.interval',
      says: ['only make 3 of 5 attempts', 'at least 50s'],
    },
    'reports a job-level reschedule problem once, at the job-level path': {
      job: job({
        reschedule: { delay: Duration.seconds(2) },
        groups: [group(), group({ name: 'api' })],
      }),
      code: 'invalid-duration',
      path: 'reschedule.delay',
      says: ['received 2s'],
    },
  });

  it('rejects attempts without an interval (Interval must be a non zero value if Attempts > 0)', () => {
    const issues = withGroup({ reschedule: { attempts: 2, unlimited: false, interval: Duration.nanos(0) } }).validate();
    expect(issues).toContainEqual({
      code: 'invalid-duration',
      path: 'groups[web].reschedule.interval',
      message: expect.stringContaining('received interval 0s'),
    });
  });
});

describe('semantic rules: update and migrate (job and group blocks over Nomad defaults)', () => {
  rules({
    'rejects minHealthyTime not below the default healthyDeadline': {
      job: job({ update: { minHealthyTime: Duration.minutes(6) } }),
      code: 'conflict',
      path: 'update.minHealthyTime',
      says: ['minHealthyTime 6m', "healthyDeadline 5m (Nomad's default)"],
    },
    'rejects healthyDeadline not below progressDeadline': {
      job: withGroup({ update: { healthyDeadline: Duration.minutes(10) } }),
      code: 'conflict',
      path: 'groups[web].update.healthyDeadline',
      says: ['healthyDeadline 10m', "progressDeadline 10m (Nomad's default)"],
    },
    'rejects a negative maxParallel': {
      job: job({ update: { maxParallel: -1 } }),
      code: 'out-of-range',
      path: 'update.maxParallel',
      says: ['received -1'],
    },
    'rejects a negative canary count': {
      job: withGroup({ update: { canary: -1 } }),
      code: 'out-of-range',
      path: 'groups[web].update.canary',
      says: ['received -1'],
    },
    'rejects autoPromote without canaries': {
      job: withGroup({ update: { autoPromote: true } }),
      code: 'conflict',
      path: 'groups[web].update.autoPromote',
      says: ["canary is 0 (Nomad's default)"],
    },
    'rejects a zero stagger': {
      job: withGroup({ update: { stagger: Duration.nanos(0) } }),
      code: 'invalid-duration',
      path: 'groups[web].update.stagger',
      says: ['received 0s'],
    },
    'rejects a negative progressDeadline': {
      job: withGroup({ update: { progressDeadline: Duration.seconds(-1) } }),
      code: 'invalid-duration',
      path: 'groups[web].update.progressDeadline',
      says: ['received -1s'],
    },
    'rejects a migrate minHealthyTime over the default healthyDeadline': {
      job: withGroup({ migrate: { minHealthyTime: Duration.minutes(10) } }),
      code: 'conflict',
      path: 'groups[web].migrate.minHealthyTime',
      says: ['minHealthyTime 10m', "healthyDeadline 5m (Nomad's default)"],
    },
    'rejects a negative migrate maxParallel': {
      job: job({ migrate: { maxParallel: -2 } }),
      code: 'out-of-range',
      path: 'migrate.maxParallel',
      says: ['received -2'],
    },
  });
});

describe('semantic rules: scaling', () => {
  rules({
    'rejects a scaling block without max': {
      job: withGroup({ scaling: { min: 1 } }),
      code: 'required',
      path: 'groups[web].scaling.max',
      says: ['needs max'],
    },
    'rejects max below min': {
      job: withGroup({ count: 1, scaling: { min: 3, max: 2 } }),
      code: 'conflict',
      path: 'groups[web].scaling.max',
      says: ['max 2', 'min 3'],
    },
    'rejects a count above max': {
      job: withGroup({ count: 5, scaling: { min: 1, max: 3 } }),
      code: 'out-of-range',
      path: 'groups[web].count',
      says: ['received 5', '1 to 3'],
    },
    'rejects a count below min': {
      job: withGroup({ count: 1, scaling: { min: 2, max: 3 } }),
      code: 'out-of-range',
      path: 'groups[web].count',
      says: ['received 1', '2 to 3'],
    },
  });
});

describe('semantic rules: volumes', () => {
  const csi = { type: 'csi', source: 'data', accessMode: 'single-node-writer', attachmentMode: 'file-system' } as const;
  rules({
    'rejects a volume without a type': {
      job: withGroup({ volumes: { data: { source: 'data' } } }),
      code: 'required',
      path: 'groups[web].volumes[data].type',
      says: ['"host" or "csi"'],
    },
    'rejects a volume without a source': {
      job: withGroup({ volumes: { data: { type: 'host' } } }),
      code: 'required',
      path: 'groups[web].volumes[data].source',
      says: ['source'],
    },
    'rejects an access mode on a host volume': {
      job: withGroup({ volumes: { data: { type: 'host', source: 'data', accessMode: 'single-node-writer' } } }),
      code: 'conflict',
      path: 'groups[web].volumes[data].accessMode',
      says: ['received "single-node-writer"'],
    },
    'rejects a reader-only CSI volume that is not read-only': {
      job: withGroup({ volumes: { data: { ...csi, accessMode: 'multi-node-reader-only' } } }),
      code: 'conflict',
      path: 'groups[web].volumes[data].readOnly',
      says: ['"multi-node-reader-only"', 'received readOnly false'],
    },
    'rejects mount options on a block device': {
      job: withGroup({
        volumes: { data: { ...csi, attachmentMode: 'block-device', mountOptions: { fsType: 'ext4' } } },
      }),
      code: 'conflict',
      path: 'groups[web].volumes[data].mountOptions',
      says: ['block-device'],
    },
    'rejects a per_alloc volume with canaries': {
      job: withGroup({ volumes: { data: { ...csi, perAlloc: true } }, update: { canary: 1 } }),
      code: 'conflict',
      path: 'groups[web].volumes[data].perAlloc',
      says: ['received canary 1'],
    },
    'rejects a volume mount of an undefined volume': {
      job: withTask(
        { volumeMounts: [{ volume: 'logs', destination: '/logs' }] },
        { volumes: { data: { type: 'host', source: 'data' } } },
      ),
      code: 'undefined-reference',
      path: `${T}.volumeMounts[0].volume`,
      says: ['"logs"', 'defined: "data"'],
    },
  });
});

describe('semantic rules: networks and ports', () => {
  rules({
    'rejects a port label used by two group networks': {
      job: withGroup({ networks: [{ ports: [Port.dynamic('http')] }, { ports: [Port.dynamic('http')] }] }),
      code: 'duplicate-name',
      path: 'groups[web].networks[1].ports[http]',
      says: ['"http"'],
    },
    'rejects a static port reserved twice': {
      job: withGroup({ networks: [{ ports: [Port.static('a', 8080), Port.static('b', 8080)] }] }),
      code: 'conflict',
      path: 'groups[web].networks[0].ports[b].static',
      says: ['static port 8080', '"a"'],
    },
    'rejects ignoreCollision outside host mode': {
      job: withGroup({ networks: [{ mode: 'bridge', ports: [Port.static('a', 8080, { ignoreCollision: true })] }] }),
      code: 'conflict',
      path: 'groups[web].networks[0].ports[a].ignoreCollision',
      says: ['received mode "bridge"'],
    },
    'rejects a task port label that the group network already uses': {
      job: withGroup({
        networks: [{ ports: [Port.dynamic('http')] }],
        tasks: [task({ resources: { networks: [{ ports: [Port.dynamic('http')] }] } })],
      }),
      code: 'duplicate-name',
      path: `${T}.resources.networks[0].ports[http]`,
      says: ['"http"', 'group network'],
    },
    'rejects ";" in a CNI arg': {
      job: withGroup({ networks: [{ mode: 'cni/mynet', cni: { args: { a: 'b;c' } } }] }),
      code: 'invalid-value',
      path: 'groups[web].networks[0].cni.args.a',
      says: ['received "b;c"'],
    },
  });

  it('allows the same static port twice when the second ignores collisions', () => {
    const ports = [Port.static('a', 8080), Port.static('b', 8080, { ignoreCollision: true })];
    expect(withGroup({ networks: [{ ports }] }).validate()).toEqual([]);
  });
});

describe('semantic rules: group services', () => {
  rules({
    'rejects a service port label not defined in the group network': {
      job: withServices([{ name: 'web', port: 'htp' }]),
      code: 'undefined-reference',
      path: 'groups[web].services[0].port',
      says: ['"htp"', 'defined: "http"'],
    },
    'rejects address_mode "driver" on a group service': {
      job: withServices([{ name: 'web', port: 'http', addressMode: 'driver' }]),
      code: 'invalid-value',
      path: 'groups[web].services[0].addressMode',
      says: ['received "driver"'],
    },
    'rejects two services with the same name and port': {
      job: withServices([
        { name: 'web', port: 'http' },
        { name: 'web', port: 'http' },
      ]),
      code: 'duplicate-name',
      path: 'groups[web].services[1]',
      says: ['"web", port "http"'],
    },
    'rejects services of one group using two providers': {
      job: withServices([
        { name: 'a', port: 'http', provider: 'nomad' },
        { name: 'b', port: 'http' },
      ]),
      code: 'conflict',
      path: 'groups[web].services',
      says: ['received "nomad" and "consul"'],
    },
    'rejects a service name that is not a DNS label': {
      job: withServices([{ name: 'my_web', port: 'http' }]),
      code: 'invalid-value',
      path: 'groups[web].services[0].name',
      says: ['received "my_web"'],
    },
    'rejects an address with an address_mode other than auto': {
      job: withServices([{ name: 'web', port: 'http', address: '10.0.0.1', addressMode: 'host' }]),
      code: 'conflict',
      path: 'groups[web].services[0].addressMode',
      says: ['received "host"'],
    },
    'rejects connect with provider nomad': {
      job: withServices([{ name: 'web', port: 'http', provider: 'nomad', connect: { sidecarService: {} } }]),
      code: 'invalid-value',
      path: 'groups[web].services[0].connect',
      says: ['provider "nomad"'],
    },
    'rejects a service kind Consul does not know': {
      job: withServices([{ name: 'web', port: 'http', kind: 'gateway' }]),
      code: 'invalid-value',
      path: 'groups[web].services[0].kind',
      says: ['received "gateway"'],
    },
    'rejects connect that is both native and a sidecar': {
      job: withServices([{ name: 'web', port: 'http', connect: { native: true, sidecarService: {} } }]),
      code: 'conflict',
      path: 'groups[web].services[0].connect',
      says: ['received sidecarService and native'],
    },
    'rejects a Connect native service without a port': {
      job: withServices([{ name: 'web', connect: { native: true } }]),
      code: 'required',
      path: 'groups[web].services[0].port',
      says: ['Connect native'],
    },
    'rejects a tcp check on a Connect sidecar service': {
      job: withServices([{ name: 'web', port: 'http', connect: { sidecarService: {} }, checks: [Check.tcp()] }]),
      code: 'invalid-value',
      path: 'groups[web].services[0].checks[0].type',
      says: ['received "tcp"'],
    },
    'rejects a check in a task that is not in the group': {
      job: withServices([{ name: 'web', port: 'http', checks: [{ ...httpCheck, task: 'db' }] }]),
      code: 'undefined-reference',
      path: 'groups[web].services[0].checks[0].task',
      says: ['"db"', 'defined: "server"'],
    },
    'rejects a group script check without a task': {
      job: withServices([{ name: 'web', port: 'http', checks: [Check.script('/bin/check')] }]),
      code: 'required',
      path: 'groups[web].services[0].checks[0].task',
      says: ['script check'],
    },
    'rejects a check that needs a port when neither it nor its service has one': {
      job: withServices([{ name: 'web', checks: [httpCheck] }]),
      code: 'required',
      path: 'groups[web].services[0].checks[0].port',
      says: ['http check needs a port'],
    },
  });
});

describe('semantic rules: checks', () => {
  const check = (
    props: Partial<ServiceProps['checks'] extends readonly (infer C)[] | undefined ? C : never>,
    service: Partial<ServiceProps> = {},
  ) => withServices([{ name: 'web', port: 'http', checks: [{ ...httpCheck, ...props }], ...service }]);
  const at = 'groups[web].services[0].checks[0]';
  rules({
    'rejects a check without a type': {
      job: withServices([
        { name: 'web', port: 'http', checks: [{ interval: Duration.seconds(10), timeout: Duration.seconds(2) }] },
      ]),
      code: 'required',
      path: `${at}.type`,
      says: ['"grpc", "tcp", "http", "script"'],
    },
    'rejects a check type the nomad provider does not run': {
      job: check({ type: 'grpc' }, { provider: 'nomad' }),
      code: 'invalid-value',
      path: `${at}.type`,
      says: ['received "grpc"', '"tcp", "http"'],
    },
    'rejects an http check without a path': {
      job: check({ path: undefined }),
      code: 'required',
      path: `${at}.path`,
      says: ['"/health"'],
    },
    'rejects an absolute http check path': {
      job: check({ path: 'http://example.com/health' }),
      code: 'invalid-value',
      path: `${at}.path`,
      says: ['received "http://example.com/health"'],
    },
    'rejects a script check without a command': {
      job: withServices([
        { name: 'web', port: 'http', task: 'server', checks: [{ ...Check.script('x'), command: undefined }] },
      ]),
      code: 'required',
      path: `${at}.command`,
      says: ['command'],
    },
    'rejects a check without an interval': {
      job: check({ interval: undefined }),
      code: 'required',
      path: `${at}.interval`,
      says: ['at least 1s'],
    },
    'rejects a check interval under 1s': {
      job: check({ interval: Duration.millis(500) }),
      code: 'invalid-duration',
      path: `${at}.interval`,
      says: ['received 500ms', '1s or more'],
    },
    'rejects a check timeout under 1s': {
      job: check({ timeout: Duration.millis(200) }),
      code: 'invalid-duration',
      path: `${at}.timeout`,
      says: ['received 200ms'],
    },
    'rejects on_update "ignore" with check_restart': {
      job: check({ onUpdate: 'ignore', checkRestart: { limit: 3 } }),
      code: 'conflict',
      path: `${at}.onUpdate`,
      says: ['"ignore"'],
    },
    'rejects on_update "ignore_warnings" without check_restart.ignoreWarnings': {
      job: check({ onUpdate: 'ignore_warnings' }, { checkRestart: { limit: 3 } }),
      code: 'conflict',
      path: `${at}.onUpdate`,
      says: ['"ignore_warnings"'],
    },
    'rejects a negative check_restart limit': {
      job: check({ checkRestart: { limit: -1 } }),
      code: 'out-of-range',
      path: `${at}.checkRestart.limit`,
      says: ['received -1'],
    },
    'rejects Consul-only check settings with the nomad provider': {
      job: check({ successBeforePassing: 2 }, { provider: 'nomad' }),
      code: 'invalid-value',
      path: `${at}.successBeforePassing`,
      says: ['received 2', 'provider "consul"'],
    },
    'rejects an unknown HTTP method with the nomad provider': {
      job: check({ method: 'FETCH' }, { provider: 'nomad' }),
      code: 'invalid-value',
      path: `${at}.method`,
      says: ['received "FETCH"'],
    },
    'rejects expose on a tcp check': {
      job: check({ type: 'tcp', path: undefined, expose: true }),
      code: 'invalid-value',
      path: `${at}.expose`,
      says: ['received a "tcp" check'],
    },
    'rejects failures_before_critical on a script check': {
      job: withServices([
        { name: 'web', port: 'http', task: 'server', checks: [{ ...Check.script('x'), failuresBeforeCritical: 2 }] },
      ]),
      code: 'invalid-value',
      path: `${at}.failuresBeforeCritical`,
      says: ['received a "script" check'],
    },
    'rejects check notes over 255 characters': {
      job: check({ notes: 'n'.repeat(256) }),
      code: 'out-of-range',
      path: `${at}.notes`,
      says: ['received 256 characters'],
    },
  });
});

describe('semantic rules: task services', () => {
  const S = `${T}.services[0]`;
  rules({
    'rejects a port label not defined in the group network': {
      job: withTaskServices([{ name: 'web', port: 'admin' }]),
      code: 'undefined-reference',
      path: `${S}.port`,
      says: ['"admin"', 'defined: "http"'],
    },
    "rejects a port label of the group's second network (Nomad reads the first)": {
      job: withGroup({
        networks: [{ ports: [Port.dynamic('http')] }, { ports: [Port.dynamic('admin')] }],
        tasks: [task({ services: [{ name: 'web', port: 'admin' }] })],
      }),
      code: 'undefined-reference',
      path: `${S}.port`,
      says: ['"admin"'],
    },
    'rejects a numeric port without address_mode "driver"': {
      job: withTaskServices([{ name: 'web', port: '8080' }]),
      code: 'undefined-reference',
      path: `${S}.port`,
      says: ['"8080"'],
    },
    'rejects address_mode "alloc" on a task service': {
      job: withTaskServices([{ name: 'web', port: 'http', addressMode: 'alloc' }]),
      code: 'invalid-value',
      path: `${S}.addressMode`,
      says: ['received "alloc"'],
    },
    'rejects connect on a task service': {
      job: withTaskServices([{ name: 'web', port: 'http', connect: { native: true } }]),
      code: 'invalid-value',
      path: `${S}.connect`,
      says: ['group services'],
    },
    'rejects a task service naming another task': {
      job: withTaskServices([{ name: 'web', port: 'http', task: 'other' }]),
      code: 'invalid-value',
      path: `${S}.task`,
      says: ['received task "other"'],
    },
    'rejects two task services with the same name and port': {
      job: withTaskServices([
        { name: 'web', port: 'http' },
        { name: 'web', port: 'http' },
      ]),
      code: 'duplicate-name',
      path: `${T}.services[1]`,
      says: ['"web", port "http"'],
    },
    'rejects two unnamed checks in one task service (both get the default name)': {
      job: withTaskServices([{ name: 'web', port: 'http', checks: [httpCheck, Check.tcp()] }]),
      code: 'duplicate-name',
      path: `${S}.checks[1]`,
      says: ['default name'],
    },
    'rejects a check without a port on a service without one': {
      job: withTaskServices([{ name: 'web', checks: [httpCheck] }]),
      code: 'required',
      path: `${S}.checks[0].port`,
      says: ['http check needs a port'],
    },
    'rejects a numeric check port without address_mode "driver"': {
      job: withTaskServices([{ name: 'web', port: 'http', checks: [{ ...httpCheck, port: '9000' }] }]),
      code: 'invalid-value',
      path: `${S}.checks[0].port`,
      says: ['received port "9000"'],
    },
  });

  it('accepts a numeric port with address_mode "driver"', () => {
    expect(withTaskServices([{ name: 'web', port: '8080', addressMode: 'driver' }]).validate()).toEqual([]);
  });
});

describe('semantic rules: tasks', () => {
  rules({
    'rejects a task named "alloc"': {
      job: withTask({ name: 'alloc' }),
      code: 'invalid-value',
      path: 'groups[web].tasks[alloc].name',
      says: ['"alloc"'],
    },
    'rejects a task name with a slash': {
      job: withTask({ name: 'a/b' }),
      code: 'invalid-value',
      path: 'groups[web].tasks[a/b].name',
      says: ['received "a/b"'],
    },
    'rejects a negative killTimeout': {
      job: withTask({ killTimeout: Duration.seconds(-5) }),
      code: 'invalid-duration',
      path: `${T}.killTimeout`,
      says: ['received -5s'],
    },
    "rejects a killTimeout longer than the service job's progress deadline": {
      job: withTask({ killTimeout: Duration.minutes(11) }),
      code: 'conflict',
      path: `${T}.killTimeout`,
      says: ['received 11m', "progressDeadline 10m (Nomad's default)"],
    },
    'rejects a negative task shutdownDelay': {
      job: withTask({ shutdownDelay: Duration.seconds(-1) }),
      code: 'invalid-duration',
      path: `${T}.shutdownDelay`,
      says: ['received -1s'],
    },
    'rejects distinct_hosts on a task': {
      job: withTask({ constraints: [Constraint.distinctHosts()] }),
      code: 'invalid-value',
      path: `${T}.constraints[0].operator`,
      says: ['"distinct_hosts"'],
    },
    'rejects task affinities on a system job': {
      job: withTask({ affinities: [{ attribute: '${node.class}', value: 'x' }] }, {}, { type: 'system' }),
      code: 'not-allowed-for-job-type',
      path: `${T}.affinities`,
      says: ['system job'],
    },
    'rejects an artifact without a source': {
      job: withTask({ artifacts: [{ destination: 'local/' }] }),
      code: 'required',
      path: `${T}.artifacts[0].source`,
      says: ['source'],
    },
    'rejects an artifact destination outside the allocation directory': {
      job: withTask({ artifacts: [{ source: 'https://example.com/a.tgz', destination: '../../etc' }] }),
      code: 'invalid-value',
      path: `${T}.artifacts[0].destination`,
      says: ['received "../../etc"'],
    },
    'rejects a malformed artifact checksum': {
      job: withTask({ artifacts: [{ source: 'https://example.com/a.tgz', options: { checksum: 'sha256:abcd' } }] }),
      code: 'invalid-value',
      path: `${T}.artifacts[0].options.checksum`,
      says: ['received 2 bytes', 'sha256'],
    },
    'rejects vault changeMode "signal" without a signal': {
      job: withTask({ vault: { changeMode: 'signal' } }),
      code: 'required',
      path: `${T}.vault.changeSignal`,
      says: ['"signal"'],
    },
    'rejects two actions with the same name': {
      job: withTask({
        actions: [
          { name: 'dump', command: 'a' },
          { name: 'dump', command: 'b' },
        ],
      }),
      code: 'duplicate-name',
      path: `${T}.actions[dump]`,
      says: ['"dump"'],
    },
    'rejects a dispatch payload file outside the allocation directory': {
      job: withTask({ dispatchPayload: { file: '../../../x' } }, {}, { type: 'batch', parameterized: {} }),
      code: 'invalid-value',
      path: `${T}.dispatchPayload.file`,
      says: ['received "../../../x"'],
    },
    'rejects a CSI plugin without an id': {
      job: withTask({ csiPlugin: { type: 'node', mountDir: '/csi' } }),
      code: 'required',
      path: `${T}.csiPlugin.id`,
      says: ['id'],
    },
    'rejects a CSI stage directory inside the mount directory': {
      job: withTask({ csiPlugin: { id: 'p', type: 'node', mountDir: '/csi', stagePublishBaseDir: '/csi/stage' } }),
      code: 'conflict',
      path: `${T}.csiPlugin.stagePublishBaseDir`,
      says: ['received "/csi/stage" under "/csi"'],
    },
    'rejects two default identities': {
      job: withTask({ identities: [{ env: true }, { name: 'default', file: true }] }),
      code: 'duplicate-name',
      path: `${T}.identities`,
      says: ['2 default identities'],
    },
  });
});

describe('semantic rules: resources and logs', () => {
  const R = `${T}.resources`;
  rules({
    'rejects cpu and cores together': {
      job: withTask({ resources: { cpu: 500, cores: 2 } }),
      code: 'conflict',
      path: R,
      says: ['received cpu 500 and cores 2'],
    },
    'rejects memory under 10 MiB (minimum MemoryMB value is 10)': {
      job: withTask({ resources: { memory: Size.mebibytes(5) } }),
      code: 'out-of-range',
      path: `${R}.memory`,
      says: ['received 5 MiB', '10 MiB or more'],
    },
    'rejects memoryMax below memory': {
      job: withTask({ resources: { memory: Size.mebibytes(512), memoryMax: Size.mebibytes(256) } }),
      code: 'conflict',
      path: `${R}.memoryMax`,
      says: ['memoryMax 256 MiB', 'memory 512 MiB'],
    },
    'compares memoryMax with the default memory': {
      job: withTask({ resources: { memoryMax: Size.mebibytes(200) } }),
      code: 'conflict',
      path: `${R}.memoryMax`,
      says: ['memoryMax 200 MiB', "300 MiB (Nomad's default)"],
    },
    'rejects a secrets directory larger than memory': {
      job: withTask({ resources: { memory: Size.mebibytes(64), secrets: Size.mebibytes(128) } }),
      code: 'conflict',
      path: `${R}.secrets`,
      says: ['secrets 128 MiB', 'memory 64 MiB'],
    },
    'rejects a NUMA device the task does not request': {
      job: withTask({ resources: { numa: { affinity: 'require', devices: ['nvidia/gpu'] } } }),
      code: 'undefined-reference',
      path: `${R}.numa.devices[0]`,
      says: ['"nvidia/gpu"'],
    },
    'rejects logs with no files': {
      job: withTask({ logs: { maxFiles: 0 } }),
      code: 'out-of-range',
      path: `${T}.logs.maxFiles`,
      says: ['received maxFiles 0'],
    },
    'rejects logs that do not fit the ephemeral disk': {
      job: withTask({ logs: { maxFiles: 40 } }),
      code: 'conflict',
      path: `${T}.logs`,
      says: ['40 files × 10 MiB = 400 MiB', '300 MiB disk'],
    },
  });
});

describe('semantic rules: templates', () => {
  const at = `${T}.templates[0]`;
  const tmpl = { data: 'x={{ env "NOMAD_ALLOC_ID" }}', destination: 'local/x.env' };
  rules({
    'rejects a template without source or data': {
      job: withTask({ templates: [{ destination: 'local/x' }] }),
      code: 'required',
      path: at,
      says: ['source', 'data'],
    },
    'rejects a template without a destination': {
      job: withTask({ templates: [{ data: 'x' }] }),
      code: 'required',
      path: `${at}.destination`,
      says: ['destination'],
    },
    'rejects a destination outside the allocation directory': {
      job: withTask({ templates: [{ ...tmpl, destination: '../../../etc/passwd' }] }),
      code: 'invalid-value',
      path: `${at}.destination`,
      says: ['received "../../../etc/passwd"'],
    },
    'rejects two templates with the same destination': {
      job: withTask({ templates: [tmpl, tmpl] }),
      code: 'duplicate-name',
      path: `${T}.templates[1].destination`,
      says: ['"local/x.env"'],
    },
    'rejects changeMode "signal" without a signal': {
      job: withTask({ templates: [{ ...tmpl, changeMode: 'signal' }] }),
      code: 'required',
      path: `${at}.changeSignal`,
      says: ['"signal"'],
    },
    'rejects signals on an env template': {
      job: withTask({ templates: [{ ...tmpl, env: true, changeMode: 'signal', changeSignal: 'SIGHUP' }] }),
      code: 'conflict',
      path: `${at}.changeMode`,
      says: ['received changeMode "signal" with env: true'],
    },
    'rejects changeMode "script" without a script': {
      job: withTask({ templates: [{ ...tmpl, changeMode: 'script' }] }),
      code: 'required',
      path: `${at}.changeScript`,
      says: ['"script"'],
    },
    'rejects a change script without a command': {
      job: withTask({ templates: [{ ...tmpl, changeMode: 'script', changeScript: { args: ['-x'] } }] }),
      code: 'required',
      path: `${at}.changeScript.command`,
      says: ['command'],
    },
    'rejects a negative splay': {
      job: withTask({ templates: [{ ...tmpl, splay: Duration.seconds(-1) }] }),
      code: 'invalid-duration',
      path: `${at}.splay`,
      says: ['received -1s'],
    },
    'rejects perms that are not octal': {
      job: withTask({ templates: [{ ...tmpl, perms: '0999' }] }),
      code: 'invalid-value',
      path: `${at}.perms`,
      says: ['received "0999"'],
    },
    'rejects a wait min over max': {
      job: withTask({ templates: [{ ...tmpl, wait: { min: Duration.seconds(10), max: Duration.seconds(5) } }] }),
      code: 'conflict',
      path: `${at}.wait`,
      says: ['min 10s and max 5s'],
    },
  });
});

describe('semantic rules: secrets', () => {
  const secret = { name: 'db', provider: 'nomad', path: 'secrets/db' };
  rules({
    'rejects two secrets with the same name': {
      job: withTask({ secrets: [secret, secret] }),
      code: 'duplicate-name',
      path: `${T}.secrets[db]`,
      says: ['"db"'],
    },
    'rejects a vault secret without a vault block': {
      job: withTask({ secrets: [{ ...secret, provider: 'vault' }] }),
      code: 'required',
      path: `${T}.vault`,
      says: ['"db"', 'provider "vault"'],
    },
    'rejects a secret name outside [a-zA-Z0-9_]': {
      job: withTask({ secrets: [{ ...secret, name: 'my-db' }] }),
      code: 'invalid-value',
      path: `${T}.secrets[my-db].name`,
      says: ['received "my-db"'],
    },
    'rejects a secret without a path': {
      job: withTask({ secrets: [{ name: 'db', provider: 'nomad' }] }),
      code: 'required',
      path: `${T}.secrets[db].path`,
      says: ['path'],
    },
    'rejects env on a nomad secret': {
      job: withTask({ secrets: [{ ...secret, env: { A: 'b' } }] }),
      code: 'invalid-value',
      path: `${T}.secrets[db].env`,
      says: ['"nomad" provider'],
    },
    'rejects config on a custom provider secret': {
      job: withTask({ secrets: [{ ...secret, provider: 'aws', config: { region: 'eu-west-1' } }] }),
      code: 'invalid-value',
      path: `${T}.secrets[db].config`,
      says: ['"aws"'],
    },
  });
});

describe('semantic rules: constraints', () => {
  const at = 'constraints[0]';
  const kernel = '${attr.kernel.name}';
  rules({
    'rejects set_contains_any without a value': {
      job: job({ constraints: [{ attribute: kernel, operator: 'set_contains_any' }] }),
      code: 'required',
      path: `${at}.value`,
      says: ['"set_contains_any"'],
    },
    'rejects a comparison without a value': {
      job: job({ constraints: [{ attribute: kernel }] }),
      code: 'required',
      path: `${at}.value`,
      says: ['operator "="'],
    },
    'rejects a value on is_set': {
      job: job({ constraints: [{ attribute: kernel, operator: 'is_set', value: 'linux' }] }),
      code: 'invalid-value',
      path: `${at}.value`,
      says: ['received "linux"'],
    },
    'rejects a distinct_property count that is not a number': {
      job: job({ constraints: [{ attribute: '${meta.rack}', operator: 'distinct_property', value: 'two' }] }),
      code: 'invalid-value',
      path: `${at}.value`,
      says: ['received "two"'],
    },
    'rejects a distinct_property count of 0': {
      job: job({ constraints: [{ attribute: '${meta.rack}', operator: 'distinct_property', value: '0' }] }),
      code: 'out-of-range',
      path: `${at}.value`,
      says: ['received 0'],
    },
    'rejects a regexp that does not compile': {
      job: job({ constraints: [Constraint.regexp(kernel, '(linux')] }),
      code: 'invalid-value',
      path: `${at}.value`,
      says: ['received "(linux"'],
    },
    'rejects a regexp lookahead, which RE2 lacks': {
      job: job({ constraints: [Constraint.regexp(kernel, '^(?!windows)')] }),
      code: 'invalid-value',
      path: `${at}.value`,
      says: ['received "^(?!windows)"', 'lookaround'],
    },
    'rejects a malformed version constraint': {
      job: job({ constraints: [Constraint.version('${attr.nomad.version}', '>> 1.2')] }),
      code: 'invalid-value',
      path: `${at}.value`,
      says: ['received ">> 1.2"'],
    },
    'rejects "~>" in a semver constraint': {
      job: job({ constraints: [Constraint.semver('${attr.nomad.version}', '~> 1.2.0')] }),
      code: 'invalid-value',
      path: `${at}.value`,
      says: ['received "~> 1.2.0"'],
    },
    'rejects a constraint without an attribute': {
      job: job({ constraints: [{ operator: '!=', value: 'windows' }] }),
      code: 'required',
      path: `${at}.attribute`,
      says: ['operator "!="'],
    },
    'rejects an attribute missing its closing brace': {
      job: job({ constraints: [Constraint.equals('${attr.kernel.name', 'linux')] }),
      code: 'invalid-value',
      path: `${at}.attribute`,
      says: ['received "${attr.kernel.name"', 'closing brace'],
    },
    'rejects an attribute Nomad cannot resolve': {
      job: job({ constraints: [Constraint.equals('${env.HOME}', '/root')] }),
      code: 'invalid-value',
      path: `${at}.attribute`,
      says: ['received "${env.HOME}"'],
    },
  });

  it('accepts every operator with a well-formed operand', () => {
    const constraints = [
      Constraint.equals(kernel, 'linux'),
      Constraint.compare('${attr.cpu.numcores}', '>=', '4'),
      Constraint.distinctHosts(),
      Constraint.distinctProperty('${meta.rack}', 2),
      Constraint.regexp(kernel, '(?i)^LINUX$'),
      Constraint.regexp('${node.class}', '(?P<tier>web|api)-\\d+'),
      Constraint.version('${attr.nomad.version}', '>= 1.2, < 2.0'),
      Constraint.version('${attr.nomad.version}', '~> 1.4'),
      Constraint.semver('${attr.nomad.version}', '>= 1.2.0-beta.1, < 2.0.0'),
      Constraint.setContainsAll('${attr.driver.docker.volumes}', ['a', 'b']),
      Constraint.isSet('${meta.rack}'),
      { attribute: '${node.unique.name}', operator: 'is_not_set' as const },
    ];
    expect(job({ constraints }).validate()).toEqual([]);
  });
});

describe('semantic rules: affinities and spreads', () => {
  rules({
    'rejects an affinity weight of 0': {
      job: job({ affinities: [{ attribute: '${node.datacenter}', value: 'dc1', weight: 0 }] }),
      code: 'out-of-range',
      path: 'affinities[0].weight',
      says: ['received 0'],
    },
    'rejects an affinity without an attribute': {
      job: job({ affinities: [{ value: 'dc1' }] }),
      code: 'required',
      path: 'affinities[0].attribute',
      says: ['attribute'],
    },
    'rejects set_contains_all in an affinity without a value': {
      job: job({ affinities: [{ attribute: '${meta.tags}', operator: 'set_contains_all' }] }),
      code: 'required',
      path: 'affinities[0].value',
      says: ['"set_contains_all"'],
    },
    'rejects a spread without an attribute': {
      job: withGroup({ spreads: [{ weight: 50 }] }),
      code: 'required',
      path: 'groups[web].spreads[0].attribute',
      says: ['attribute'],
    },
    'rejects a spread weight of 0': {
      job: job({ spreads: [{ attribute: '${node.datacenter}', weight: 0 }] }),
      code: 'out-of-range',
      path: 'spreads[0].weight',
      says: ['received 0'],
    },
    'rejects a spread target listed twice': {
      job: job({
        spreads: [
          {
            attribute: '${node.datacenter}',
            targets: [
              { value: 'dc1', percent: 50 },
              { value: 'dc1', percent: 20 },
            ],
          },
        ],
      }),
      code: 'duplicate-name',
      path: 'spreads[0].targets[dc1]',
      says: ['"dc1"'],
    },
    'rejects spread targets over 100%': {
      job: job({
        spreads: [
          {
            attribute: '${node.datacenter}',
            targets: [
              { value: 'dc1', percent: 70 },
              { value: 'dc2', percent: 40 },
            ],
          },
        ],
      }),
      code: 'out-of-range',
      path: 'spreads[0].targets',
      says: ['received 110%'],
    },
  });
});

describe('a valid job', () => {
  it('yields no issues, however many features it uses', () => {
    const valid = new Job({
      id: 'shop',
      datacenters: ['dc1', 'dc2'],
      constraints: [Constraint.equals('${attr.kernel.name}', 'linux')],
      affinities: [{ attribute: '${node.datacenter}', value: 'dc1', weight: 50 }],
      spreads: [
        {
          attribute: '${node.datacenter}',
          targets: [
            { value: 'dc1', percent: 60 },
            { value: 'dc2', percent: 40 },
          ],
        },
      ],
      update: { maxParallel: 2, canary: 1, autoPromote: true, minHealthyTime: Duration.seconds(30) },
      reschedule: {
        attempts: 3,
        interval: Duration.hours(1),
        unlimited: false,
        delayFunction: 'constant',
        delay: Duration.seconds(30),
      },
      migrate: { maxParallel: 1 },
      groups: [
        {
          name: 'api',
          count: 3,
          scaling: { min: 2, max: 10 },
          restart: { attempts: 3, delay: Duration.seconds(10), interval: Duration.minutes(5), mode: 'delay' },
          ephemeralDisk: { size: Size.mebibytes(500) },
          networks: [{ mode: 'bridge', ports: [Port.dynamic('http', { to: 8080 }), Port.static('metrics', 9100)] }],
          volumes: { data: { type: 'host', source: 'data', readOnly: true } },
          services: [
            {
              name: 'api',
              port: 'http',
              tags: ['v1'],
              checks: [Check.http('/health', { checkRestart: { limit: 3, grace: Duration.seconds(30) } })],
            },
            { name: 'api-metrics', port: 'metrics', checks: [Check.tcp()] },
          ],
          tasks: [
            {
              name: 'app',
              driver: 'docker',
              leader: true,
              config: { image: 'ghcr.io/acme/api:1.0', ports: ['http'] },
              resources: { cpu: 500, memory: Size.mebibytes(512), memoryMax: Size.mebibytes(1024) },
              killTimeout: Duration.seconds(30),
              volumeMounts: [{ volume: 'data', destination: '/data', readOnly: true }],
              templates: [
                { data: 'DB={{ key "db" }}', destination: 'secrets/app.env', env: true, changeMode: 'restart' },
                {
                  source: 'local/app.tpl',
                  destination: 'local/app.conf',
                  changeMode: 'signal',
                  changeSignal: 'SIGHUP',
                  perms: '0640',
                },
              ],
              artifacts: [
                {
                  source: 'https://example.com/app.tpl',
                  destination: 'local/',
                  options: { checksum: `md5:${'ab'.repeat(16)}` },
                },
              ],
              logs: { maxFiles: 5, maxFileSize: Size.mebibytes(20) },
            },
            {
              name: 'init',
              driver: 'exec',
              lifecycle: { hook: 'prestart' },
              config: { command: '/bin/true' },
              resources: { cores: 1, memory: Size.mebibytes(32) },
            },
          ],
        },
      ],
    });
    expect(valid.validate()).toEqual([]);
  });

  it('yields no issues for a periodic sysbatch job with affinities (only system jobs may not have them)', () => {
    const valid = job({
      type: 'sysbatch',
      periodic: { crons: ['0 3 * * *', '30 4 * * 1-5'], timeZone: 'Europe/Berlin' },
      affinities: [{ attribute: '${node.class}', value: 'batch', weight: -50 }],
      groups: [group({ restart: { attempts: 1, interval: Duration.hours(1), delay: Duration.seconds(30) } })],
    });
    expect(valid.validate()).toEqual([]);
  });
});

describe('HCL expressions', () => {
  const x = (name: string) => HclExpression.of(`var.${name}`);

  it('skip the value rules: only Nomad knows their values', () => {
    const withExpressions = new Job({
      id: x('id'),
      type: x('type'),
      datacenters: x('datacenters'),
      periodic: { cron: x('cron'), timeZone: x('tz') },
      constraints: [{ attribute: x('attribute'), operator: 'regexp', value: x('pattern') }],
      groups: [
        {
          name: x('group'),
          count: x('count'),
          scaling: { min: x('min'), max: 3 },
          networks: [{ mode: x('mode'), ports: [{ label: x('label'), static: x('port'), ignoreCollision: true }] }],
          services: [
            {
              name: x('service'),
              port: x('port'),
              provider: x('provider'),
              checks: [{ ...httpCheck, type: x('type') }],
            },
          ],
          tasks: [
            { name: x('task'), driver: 'docker', resources: { cpu: x('cpu'), cores: 2 } },
            { name: x('task'), driver: 'docker', leader: x('leader') },
          ],
        },
      ],
    });
    expect(withExpressions.validate()).toEqual([]);
  });

  it('still leave the other rules to run', () => {
    const issues = job({
      id: x('id'),
      groups: [group({ count: x('count'), tasks: [task({ resources: { memory: Size.mebibytes(5) } })] })],
    }).validate();
    expect(issues.map((issue) => issue.path)).toEqual([`${T}.resources.memory`]);
  });
});
