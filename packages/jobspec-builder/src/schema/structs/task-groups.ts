import { field, struct, t } from '../dsl';
import { affinityHooks } from '../hooks';
import { Constraint } from './constraint';
import { Consul } from './consul';
import { CSIMountOptions } from './csi';
import { UpdateStrategy } from './jobs';
import { NetworkResource } from './resources';
import { ScalingPolicy } from './scaling';
import { Service } from './services';
import { Task } from './tasks';

// The job structs of Nomad's api/tasks.go, in its order: the task group and its group-level blocks
// (tasks.ts has the task and its blocks).

/** Affinity operators Nomad accepts (nomad/structs/structs.go, `Affinity.Validate`). */
export const AFFINITY_OPERATORS = [
  '=',
  '==',
  'is',
  '!=',
  'not',
  '>',
  '>=',
  '<',
  '<=',
  'regexp',
  'set_contains',
  'set_contains_all',
  'set_contains_any',
  'version',
  'semver',
] as const;

export const RestartPolicy = struct('RestartPolicy', {
  interval: field('Interval', t.duration(), {
    hcl: 'interval',
    doc: 'The window in which attempts are counted.',
    default: '30m (service), 24h (batch)',
  }),
  attempts: field('Attempts', t.int(), {
    hcl: 'attempts',
    doc: 'Restarts allowed in the interval.',
    default: '2 (service), 3 (batch)',
  }),
  delay: field('Delay', t.duration(), { hcl: 'delay', doc: 'Time before a restart.', default: '15s' }),
  mode: field('Mode', t.enum('fail', 'delay'), {
    hcl: 'mode',
    doc: 'What happens when attempts run out: "fail" or "delay".',
    default: '"fail"',
  }),
  renderTemplates: field('RenderTemplates', t.bool(), {
    hcl: 'render_templates',
    doc: 'Whether templates are re-rendered on restart.',
    default: 'false',
  }),
});

export const DisconnectStrategy = struct('DisconnectStrategy', {
  lostAfter: field('LostAfter', t.duration(), {
    hcl: 'lost_after',
    doc: 'Time a disconnected allocation stays unknown before it is lost.',
    default: '- immediately lost',
  }),
  stopOnClientAfter: field('StopOnClientAfter', t.duration(), {
    hcl: 'stop_on_client_after',
    doc: 'Time after which the client stops allocations it cannot report.',
    default: '- never',
  }),
  replace: field('Replace', t.bool(), {
    hcl: 'replace',
    doc: 'Whether a replacement is placed while the allocation is unknown.',
    default: 'true',
  }),
  reconcile: field('Reconcile', t.enum('best_score', 'keep_original', 'keep_replacement', 'longest_running'), {
    hcl: 'reconcile',
    doc: 'Which allocation stays when the node reconnects.',
    default: '"best_score"',
  }),
});

export const ReschedulePolicy = struct('ReschedulePolicy', {
  attempts: field('Attempts', t.int(), {
    hcl: 'attempts',
    doc: 'Reschedules allowed in the interval.',
    default: '0 (service, unlimited), 1 (batch)',
  }),
  interval: field('Interval', t.duration(), {
    hcl: 'interval',
    doc: 'The window in which attempts are counted.',
    default: '0s (service), 24h (batch)',
  }),
  delay: field('Delay', t.duration(), {
    hcl: 'delay',
    doc: 'Time before a reschedule.',
    default: '30s (service), 5s (batch)',
  }),
  delayFunction: field('DelayFunction', t.enum('constant', 'exponential', 'fibonacci'), {
    hcl: 'delay_function',
    doc: 'How the delay grows: "constant", "exponential" or "fibonacci".',
    default: '"exponential" (service), "constant" (batch)',
  }),
  maxDelay: field('MaxDelay', t.duration(), { hcl: 'max_delay', doc: 'The longest delay.', default: '1h (service)' }),
  unlimited: field('Unlimited', t.bool(), {
    hcl: 'unlimited',
    doc: 'Whether reschedules are unlimited.',
    default: 'true (service), false (batch)',
  }),
});

export const Affinity = struct(
  'Affinity',
  {
    attribute: field('LTarget', t.string(), {
      hcl: 'attribute',
      doc: 'The node attribute to compare, e.g. "${node.datacenter}".',
    }),
    operator: field('Operand', t.enum(...AFFINITY_OPERATORS), {
      hcl: 'operator',
      doc: 'The comparison: "=", "!=", ">", "regexp", "version", "set_contains_any", ...',
      default: '"="',
    }),
    value: field('RTarget', t.string(), { hcl: 'value', doc: 'The value to compare with.' }),
    weight: field('Weight', t.int({ min: -100, max: 100 }), {
      hcl: 'weight',
      doc: 'How strongly matching nodes are preferred, -100 to 100 (not 0).',
      default: '50',
    }),
  },
  affinityHooks,
);

export const Spread = struct('Spread', {
  attribute: field('Attribute', t.string(), {
    hcl: 'attribute',
    doc: 'The node attribute to spread over, e.g. "${node.datacenter}".',
  }),
  weight: field('Weight', t.int({ min: 0, max: 100 }), {
    hcl: 'weight',
    doc: 'The weight of this spread among others, 0 to 100.',
    default: '50',
  }),
  targets: field(
    'SpreadTarget',
    t.list(() => SpreadTarget),
    { hcl: 'target', doc: 'Target percentages per attribute value.', default: '- even' },
  ),
});

export const SpreadTarget = struct('SpreadTarget', {
  value: field('Value', t.string(), {
    label: true,
    required: true,
    doc: 'The attribute value: the label of the `target` block.',
  }),
  percent: field('Percent', t.int({ min: 0, max: 100 }), {
    hcl: 'percent',
    doc: 'The percentage of allocations for this value.',
  }),
});

export const EphemeralDisk = struct('EphemeralDisk', {
  sticky: field('Sticky', t.bool(), {
    hcl: 'sticky',
    doc: 'Whether a replacement allocation is placed on the same node, keeping the data.',
    default: 'false',
  }),
  migrate: field('Migrate', t.bool(), {
    hcl: 'migrate',
    doc: 'Whether the data moves with the allocation to another node.',
    default: 'false',
  }),
  size: field('SizeMB', t.size(), { hcl: 'size', doc: 'Disk space of the allocation, in MiB.', default: '300' }),
});

export const MigrateStrategy = struct('MigrateStrategy', {
  maxParallel: field('MaxParallel', t.int(), {
    hcl: 'max_parallel',
    doc: 'How many allocations move at once.',
    default: '1',
  }),
  healthCheck: field('HealthCheck', t.enum('checks', 'task_states'), {
    hcl: 'health_check',
    doc: 'How allocation health is decided: "checks" or "task_states".',
    default: '"checks"',
  }),
  minHealthyTime: field('MinHealthyTime', t.duration(), {
    hcl: 'min_healthy_time',
    doc: 'Time a new allocation must be healthy.',
    default: '10s',
  }),
  healthyDeadline: field('HealthyDeadline', t.duration(), {
    hcl: 'healthy_deadline',
    doc: 'Time a new allocation has to become healthy.',
    default: '5m',
  }),
});

export const VolumeRequest = struct('VolumeRequest', {
  name: field('Name', t.string(), {
    label: true,
    doc: 'The volume name in the group: the label of the `volume` block.',
  }),
  type: field('Type', t.enum('host', 'csi'), { hcl: 'type', doc: 'The kind of volume: "host" or "csi".' }),
  source: field('Source', t.string(), { hcl: 'source', doc: 'The host volume or CSI volume ID.' }),
  readOnly: field('ReadOnly', t.bool(), {
    hcl: 'read_only',
    doc: 'Whether the volume is mounted read-only.',
    default: 'false',
  }),
  sticky: field('Sticky', t.bool(), {
    hcl: 'sticky',
    doc: 'Whether allocations keep the same host volume.',
    default: 'false',
  }),
  accessMode: field(
    'AccessMode',
    t.enum(
      'single-node-reader-only',
      'single-node-writer',
      'single-node-single-writer',
      'single-node-multi-writer',
      'multi-node-reader-only',
      'multi-node-single-writer',
      'multi-node-multi-writer',
    ),
    { hcl: 'access_mode', doc: 'CSI access mode, e.g. "single-node-writer".' },
  ),
  attachmentMode: field('AttachmentMode', t.enum('file-system', 'block-device'), {
    hcl: 'attachment_mode',
    doc: 'CSI attachment mode: "file-system" or "block-device".',
  }),
  mountOptions: field(
    'MountOptions',
    t.struct(() => CSIMountOptions),
    { hcl: 'mount_options', doc: 'CSI mount options.', default: "- the plugin's" },
  ),
  perAlloc: field('PerAlloc', t.bool(), {
    hcl: 'per_alloc',
    doc: 'Whether each allocation gets its own volume (source[index]).',
    default: 'false',
  }),
});

export const TaskGroup = struct('TaskGroup', {
  name: field('Name', t.string(), {
    label: true,
    required: true,
    doc: 'The group name, unique in the job: the label of the `group` block.',
  }),
  count: field('Count', t.int({ min: 0 }), {
    hcl: 'count',
    doc: 'The number of allocations of the group to run.',
    default: '1 (or scaling.min)',
  }),
  constraints: field(
    'Constraints',
    t.list(() => Constraint),
    { hcl: 'constraint', doc: 'Constraints every node must satisfy for the group.', default: '- none' },
  ),
  affinities: field(
    'Affinities',
    t.list(() => Affinity),
    { hcl: 'affinity', doc: 'Node preferences for the group.', default: '- none' },
  ),
  tasks: field(
    'Tasks',
    t.list(() => Task),
    { hcl: 'task', doc: 'The tasks of the group, placed together on one node.' },
  ),
  spreads: field(
    'Spreads',
    t.list(() => Spread),
    { hcl: 'spread', doc: "How the group's allocations are spread over a node attribute.", default: '- none' },
  ),
  volumes: field(
    'Volumes',
    t.map(() => VolumeRequest),
    { hcl: 'volume', doc: "Host or CSI volumes the group's tasks may mount, by name.", default: '- none' },
  ),
  restart: field(
    'RestartPolicy',
    t.struct(() => RestartPolicy),
    { hcl: 'restart', doc: 'How failed tasks of the group are restarted in place.', default: '- by job type' },
  ),
  disconnect: field(
    'Disconnect',
    t.struct(() => DisconnectStrategy),
    {
      hcl: 'disconnect',
      doc: 'What happens when the node running an allocation disconnects.',
      default: "- Nomad's defaults",
    },
  ),
  reschedule: field(
    'ReschedulePolicy',
    t.struct(() => ReschedulePolicy),
    {
      hcl: 'reschedule',
      doc: 'How failed allocations of the group are rescheduled.',
      default: "- the job's, else by job type",
    },
  ),
  ephemeralDisk: field(
    'EphemeralDisk',
    t.struct(() => EphemeralDisk),
    { hcl: 'ephemeral_disk', doc: "The ephemeral disk shared by the group's tasks.", default: '- 300 MB' },
  ),
  update: field(
    'Update',
    t.struct(() => UpdateStrategy),
    { hcl: 'update', doc: "The update strategy of the group, merged over the job's.", default: "- the job's" },
  ),
  migrate: field(
    'Migrate',
    t.struct(() => MigrateStrategy),
    { hcl: 'migrate', doc: "How the group's allocations move off draining nodes.", default: "- the job's" },
  ),
  networks: field(
    'Networks',
    t.list(() => NetworkResource),
    { hcl: 'network', doc: 'The network of the allocation: mode and ports.', default: '- none' },
  ),
  meta: field('Meta', t.stringMap(), {
    hcl: 'meta',
    doc: 'User metadata of the group, available to tasks as NOMAD_META_<key>.',
    default: '- none',
  }),
  services: field(
    'Services',
    t.list(() => Service),
    { hcl: 'service', doc: 'Services the group registers.', default: '- none' },
  ),
  shutdownDelay: field('ShutdownDelay', t.duration(), {
    hcl: 'shutdown_delay',
    doc: "Time between deregistering the group's services and stopping its tasks.",
    default: '0s',
  }),
  maxRunDuration: field('MaxRunDuration', t.duration(), {
    hcl: 'max_run_duration',
    doc: 'Enterprise: the longest an allocation may run before Nomad stops it.',
    default: '- no limit',
  }),
  stopAfterClientDisconnect: field('StopAfterClientDisconnect', t.duration(), {
    hcl: 'stop_after_client_disconnect',
    doc: 'Deprecated by disconnect.stop_on_client_after.',
    default: '- not set',
  }),
  maxClientDisconnect: field('MaxClientDisconnect', t.duration(), {
    hcl: 'max_client_disconnect',
    doc: 'Deprecated by disconnect.lost_after.',
    default: '- not set',
  }),
  scaling: field(
    'Scaling',
    t.struct(() => ScalingPolicy),
    { hcl: 'scaling', doc: 'Horizontal autoscaling bounds and policy of the group.', default: '- none' },
  ),
  consul: field(
    'Consul',
    t.struct(() => Consul),
    { hcl: 'consul', doc: 'The Consul namespace, cluster and partition of the group.', default: "- the agent's" },
  ),
  preventRescheduleOnLost: field('PreventRescheduleOnLost', t.bool(), {
    hcl: 'prevent_reschedule_on_lost',
    doc: 'Whether allocations on a lost node stay unknown instead of being rescheduled.',
    default: 'false',
  }),
});
