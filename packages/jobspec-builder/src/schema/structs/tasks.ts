import { field, struct, t } from '../dsl';
import { affinityHooks, taskHooks } from '../hooks';
import { Constraint } from './constraint';
import { Consul } from './consul';
import { CSIMountOptions } from './csi';
import { UpdateStrategy } from './jobs';
import { NetworkResource, Resources } from './resources';
import { ScalingPolicy } from './scaling';
import { Service } from './services';
import { TaskSchedule } from './task-sched';

// The job structs of Nomad's api/tasks.go, in its order.

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
  interval: field('Interval', t.duration(), { hcl: 'interval' }),
  attempts: field('Attempts', t.int(), { hcl: 'attempts' }),
  delay: field('Delay', t.duration(), { hcl: 'delay' }),
  mode: field('Mode', t.enum('fail', 'delay'), { hcl: 'mode' }),
  renderTemplates: field('RenderTemplates', t.bool(), { hcl: 'render_templates' }),
});

export const DisconnectStrategy = struct('DisconnectStrategy', {
  lostAfter: field('LostAfter', t.duration(), { hcl: 'lost_after' }),
  stopOnClientAfter: field('StopOnClientAfter', t.duration(), { hcl: 'stop_on_client_after' }),
  replace: field('Replace', t.bool(), { hcl: 'replace' }),
  reconcile: field('Reconcile', t.enum('best_score', 'keep_original', 'keep_replacement', 'longest_running'), {
    hcl: 'reconcile',
  }),
});

export const ReschedulePolicy = struct('ReschedulePolicy', {
  attempts: field('Attempts', t.int(), { hcl: 'attempts' }),
  interval: field('Interval', t.duration(), { hcl: 'interval' }),
  delay: field('Delay', t.duration(), { hcl: 'delay' }),
  delayFunction: field('DelayFunction', t.enum('constant', 'exponential', 'fibonacci'), { hcl: 'delay_function' }),
  maxDelay: field('MaxDelay', t.duration(), { hcl: 'max_delay' }),
  unlimited: field('Unlimited', t.bool(), { hcl: 'unlimited' }),
});

export const Affinity = struct(
  'Affinity',
  {
    attribute: field('LTarget', t.string(), { hcl: 'attribute' }),
    operator: field('Operand', t.enum(...AFFINITY_OPERATORS), { hcl: 'operator' }),
    value: field('RTarget', t.string(), { hcl: 'value' }),
    weight: field('Weight', t.int({ min: -100, max: 100 }), { hcl: 'weight' }),
  },
  affinityHooks,
);

export const Spread = struct('Spread', {
  attribute: field('Attribute', t.string(), { hcl: 'attribute' }),
  weight: field('Weight', t.int({ min: 0, max: 100 }), { hcl: 'weight' }),
  targets: field(
    'SpreadTarget',
    t.list(() => SpreadTarget),
    { hcl: 'target' },
  ),
});

export const SpreadTarget = struct('SpreadTarget', {
  value: field('Value', t.string(), { label: true, required: true }),
  percent: field('Percent', t.int({ min: 0, max: 100 }), { hcl: 'percent' }),
});

export const EphemeralDisk = struct('EphemeralDisk', {
  sticky: field('Sticky', t.bool(), { hcl: 'sticky' }),
  migrate: field('Migrate', t.bool(), { hcl: 'migrate' }),
  size: field('SizeMB', t.size(), { hcl: 'size' }),
});

export const MigrateStrategy = struct('MigrateStrategy', {
  maxParallel: field('MaxParallel', t.int(), { hcl: 'max_parallel' }),
  healthCheck: field('HealthCheck', t.enum('checks', 'task_states'), { hcl: 'health_check' }),
  minHealthyTime: field('MinHealthyTime', t.duration(), { hcl: 'min_healthy_time' }),
  healthyDeadline: field('HealthyDeadline', t.duration(), { hcl: 'healthy_deadline' }),
});

export const VolumeRequest = struct('VolumeRequest', {
  name: field('Name', t.string(), { label: true }),
  type: field('Type', t.enum('host', 'csi'), { hcl: 'type' }),
  source: field('Source', t.string(), { hcl: 'source' }),
  readOnly: field('ReadOnly', t.bool(), { hcl: 'read_only' }),
  sticky: field('Sticky', t.bool(), { hcl: 'sticky' }),
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
    { hcl: 'access_mode' },
  ),
  attachmentMode: field('AttachmentMode', t.enum('file-system', 'block-device'), { hcl: 'attachment_mode' }),
  mountOptions: field(
    'MountOptions',
    t.struct(() => CSIMountOptions),
    { hcl: 'mount_options' },
  ),
  perAlloc: field('PerAlloc', t.bool(), { hcl: 'per_alloc' }),
});

export const VolumeMount = struct('VolumeMount', {
  volume: field('Volume', t.string(), { hcl: 'volume' }),
  destination: field('Destination', t.string(), { hcl: 'destination' }),
  readOnly: field('ReadOnly', t.bool(), { hcl: 'read_only' }),
  propagationMode: field('PropagationMode', t.enum('private', 'host-to-task', 'bidirectional'), {
    hcl: 'propagation_mode',
  }),
  selinuxLabel: field('SELinuxLabel', t.string(), { hcl: 'selinux_label' }),
});

export const TaskGroup = struct('TaskGroup', {
  name: field('Name', t.string(), { label: true, required: true }),
  count: field('Count', t.int({ min: 0 }), { hcl: 'count' }),
  constraints: field(
    'Constraints',
    t.list(() => Constraint),
    { hcl: 'constraint' },
  ),
  affinities: field(
    'Affinities',
    t.list(() => Affinity),
    { hcl: 'affinity' },
  ),
  tasks: field(
    'Tasks',
    t.list(() => Task),
    { hcl: 'task' },
  ),
  spreads: field(
    'Spreads',
    t.list(() => Spread),
    { hcl: 'spread' },
  ),
  volumes: field(
    'Volumes',
    t.map(() => VolumeRequest),
    { hcl: 'volume' },
  ),
  restart: field(
    'RestartPolicy',
    t.struct(() => RestartPolicy),
    { hcl: 'restart' },
  ),
  disconnect: field(
    'Disconnect',
    t.struct(() => DisconnectStrategy),
    { hcl: 'disconnect' },
  ),
  reschedule: field(
    'ReschedulePolicy',
    t.struct(() => ReschedulePolicy),
    { hcl: 'reschedule' },
  ),
  ephemeralDisk: field(
    'EphemeralDisk',
    t.struct(() => EphemeralDisk),
    { hcl: 'ephemeral_disk' },
  ),
  update: field(
    'Update',
    t.struct(() => UpdateStrategy),
    { hcl: 'update' },
  ),
  migrate: field(
    'Migrate',
    t.struct(() => MigrateStrategy),
    { hcl: 'migrate' },
  ),
  networks: field(
    'Networks',
    t.list(() => NetworkResource),
    { hcl: 'network' },
  ),
  meta: field('Meta', t.stringMap(), { hcl: 'meta' }),
  services: field(
    'Services',
    t.list(() => Service),
    { hcl: 'service' },
  ),
  shutdownDelay: field('ShutdownDelay', t.duration(), { hcl: 'shutdown_delay' }),
  maxRunDuration: field('MaxRunDuration', t.duration(), { hcl: 'max_run_duration' }),
  stopAfterClientDisconnect: field('StopAfterClientDisconnect', t.duration(), { hcl: 'stop_after_client_disconnect' }),
  maxClientDisconnect: field('MaxClientDisconnect', t.duration(), { hcl: 'max_client_disconnect' }),
  scaling: field(
    'Scaling',
    t.struct(() => ScalingPolicy),
    { hcl: 'scaling' },
  ),
  consul: field(
    'Consul',
    t.struct(() => Consul),
    { hcl: 'consul' },
  ),
  preventRescheduleOnLost: field('PreventRescheduleOnLost', t.bool(), { hcl: 'prevent_reschedule_on_lost' }),
});

export const LogConfig = struct('LogConfig', {
  maxFiles: field('MaxFiles', t.int(), { hcl: 'max_files' }),
  maxFileSize: field('MaxFileSizeMB', t.size(), { hcl: 'max_file_size' }),
  enabled: field('Enabled', t.bool(), { hcl: 'enabled' }),
  disabled: field('Disabled', t.bool(), { hcl: 'disabled' }),
});

export const DispatchPayloadConfig = struct('DispatchPayloadConfig', {
  file: field('File', t.string(), { hcl: 'file' }),
});

export const TaskLifecycle = struct('TaskLifecycle', {
  hook: field('Hook', t.enum('prestart', 'poststart', 'poststop'), { hcl: 'hook', required: true }),
  sidecar: field('Sidecar', t.bool(), { hcl: 'sidecar' }),
});

export const Task = struct(
  'Task',
  {
    name: field('Name', t.string(), { label: true, required: true }),
    driver: field('Driver', t.string(), { hcl: 'driver', required: true }),
    user: field('User', t.string(), { hcl: 'user' }),
    lifecycle: field(
      'Lifecycle',
      t.struct(() => TaskLifecycle),
      { hcl: 'lifecycle' },
    ),
    config: field('Config', t.freeform(), { hcl: 'config' }),
    constraints: field(
      'Constraints',
      t.list(() => Constraint),
      { hcl: 'constraint' },
    ),
    affinities: field(
      'Affinities',
      t.list(() => Affinity),
      { hcl: 'affinity' },
    ),
    env: field('Env', t.stringMap(), { hcl: 'env' }),
    services: field(
      'Services',
      t.list(() => Service),
      { hcl: 'service' },
    ),
    resources: field(
      'Resources',
      t.struct(() => Resources),
      { hcl: 'resources' },
    ),
    restart: field(
      'RestartPolicy',
      t.struct(() => RestartPolicy),
      { hcl: 'restart' },
    ),
    meta: field('Meta', t.stringMap(), { hcl: 'meta' }),
    killTimeout: field('KillTimeout', t.duration(), { hcl: 'kill_timeout' }),
    logs: field(
      'LogConfig',
      t.struct(() => LogConfig),
      { hcl: 'logs' },
    ),
    artifacts: field(
      'Artifacts',
      t.list(() => TaskArtifact),
      { hcl: 'artifact' },
    ),
    vault: field(
      'Vault',
      t.struct(() => Vault),
      { hcl: 'vault' },
    ),
    consul: field(
      'Consul',
      t.struct(() => Consul),
      { hcl: 'consul' },
    ),
    templates: field(
      'Templates',
      t.list(() => Template),
      { hcl: 'template' },
    ),
    dispatchPayload: field(
      'DispatchPayload',
      t.struct(() => DispatchPayloadConfig),
      { hcl: 'dispatch_payload' },
    ),
    volumeMounts: field(
      'VolumeMounts',
      t.list(() => VolumeMount),
      { hcl: 'volume_mount' },
    ),
    csiPlugin: field(
      'CSIPluginConfig',
      t.struct(() => TaskCSIPluginConfig),
      { hcl: 'csi_plugin' },
    ),
    leader: field('Leader', t.bool(), { hcl: 'leader' }),
    shutdownDelay: field('ShutdownDelay', t.duration(), { hcl: 'shutdown_delay' }),
    killSignal: field('KillSignal', t.string(), { hcl: 'kill_signal' }),
    kind: field('Kind', t.string(), { hcl: 'kind' }),
    // HCL labels a task's scaling block by what it scales: `scaling "cpu"` is `Type: "vertical_cpu"`.
    scaling: field(
      'ScalingPolicies',
      t.list(() => ScalingPolicy),
      {
        hcl: 'scaling',
        hclLabel: {
          prop: 'type',
          toLabel: (type) => String(type).replace(/^vertical_/, ''),
          fromLabel: (label) => `vertical_${label}`,
        },
      },
    ),
    secrets: field(
      'Secrets',
      t.list(() => Secret),
      { hcl: 'secret' },
    ),
    identities: field(
      'Identities',
      t.list(() => WorkloadIdentity),
      { hcl: 'identity' },
    ),
    actions: field(
      'Actions',
      t.list(() => Action),
      { hcl: 'action' },
    ),
    schedule: field(
      'Schedule',
      t.struct(() => TaskSchedule),
      { hcl: 'schedule' },
    ),
  },
  taskHooks,
);

export const TaskArtifact = struct('TaskArtifact', {
  source: field('GetterSource', t.string(), { hcl: 'source' }),
  options: field('GetterOptions', t.stringMap(), { hcl: 'options' }),
  headers: field('GetterHeaders', t.stringMap(), { hcl: 'headers' }),
  mode: field('GetterMode', t.enum('any', 'file', 'dir'), { hcl: 'mode' }),
  insecure: field('GetterInsecure', t.bool(), { hcl: 'insecure' }),
  destination: field('RelativeDest', t.string(), { hcl: 'destination' }),
  chown: field('Chown', t.bool(), { hcl: 'chown' }),
});

export const WaitConfig = struct('WaitConfig', {
  min: field('Min', t.duration(), { hcl: 'min' }),
  max: field('Max', t.duration(), { hcl: 'max' }),
});

export const ChangeScript = struct('ChangeScript', {
  command: field('Command', t.string(), { hcl: 'command' }),
  args: field('Args', t.stringList(), { hcl: 'args' }),
  timeout: field('Timeout', t.duration(), { hcl: 'timeout' }),
  failOnError: field('FailOnError', t.bool(), { hcl: 'fail_on_error' }),
  runOnFirstRender: field('RunOnFirstRender', t.bool(), { hcl: 'run_on_first_render' }),
});

export const Template = struct('Template', {
  source: field('SourcePath', t.string(), { hcl: 'source' }),
  destination: field('DestPath', t.string(), { hcl: 'destination' }),
  data: field('EmbeddedTmpl', t.string(), { hcl: 'data' }),
  changeMode: field('ChangeMode', t.enum('noop', 'restart', 'signal', 'script'), { hcl: 'change_mode' }),
  changeScript: field(
    'ChangeScript',
    t.struct(() => ChangeScript),
    { hcl: 'change_script' },
  ),
  changeSignal: field('ChangeSignal', t.string(), { hcl: 'change_signal' }),
  once: field('Once', t.bool(), { hcl: 'once' }),
  splay: field('Splay', t.duration(), { hcl: 'splay' }),
  perms: field('Perms', t.string(), { hcl: 'perms' }),
  uid: field('Uid', t.int(), { hcl: 'uid' }),
  gid: field('Gid', t.int(), { hcl: 'gid' }),
  leftDelimiter: field('LeftDelim', t.string(), { hcl: 'left_delimiter' }),
  rightDelimiter: field('RightDelim', t.string(), { hcl: 'right_delimiter' }),
  env: field('Envvars', t.bool(), { hcl: 'env' }),
  vaultGrace: field('VaultGrace', t.duration(), { hcl: 'vault_grace' }),
  wait: field(
    'Wait',
    t.struct(() => WaitConfig),
    { hcl: 'wait' },
  ),
  errorOnMissingKey: field('ErrMissingKey', t.bool(), { hcl: 'error_on_missing_key' }),
});

export const Vault = struct('Vault', {
  policies: field('Policies', t.stringList(), { hcl: 'policies' }),
  role: field('Role', t.string(), { hcl: 'role' }),
  namespace: field('Namespace', t.string(), { hcl: 'namespace' }),
  cluster: field('Cluster', t.string(), { hcl: 'cluster' }),
  env: field('Env', t.bool(), { hcl: 'env' }),
  disableFile: field('DisableFile', t.bool(), { hcl: 'disable_file' }),
  changeMode: field('ChangeMode', t.enum('noop', 'restart', 'signal'), { hcl: 'change_mode' }),
  changeSignal: field('ChangeSignal', t.string(), { hcl: 'change_signal' }),
  allowTokenExpiration: field('AllowTokenExpiration', t.bool(), { hcl: 'allow_token_expiration' }),
});

export const Secret = struct('Secret', {
  name: field('Name', t.string(), { label: true, required: true }),
  provider: field('Provider', t.string(), { hcl: 'provider' }),
  path: field('Path', t.string(), { hcl: 'path' }),
  config: field('Config', t.freeform(), { hcl: 'config' }),
  env: field('Env', t.stringMap(), { hcl: 'env' }),
});

export const TaskCSIPluginConfig = struct('TaskCSIPluginConfig', {
  id: field('ID', t.string(), { hcl: 'id' }),
  type: field('Type', t.enum('monolith', 'controller', 'node'), { hcl: 'type' }),
  mountDir: field('MountDir', t.string(), { hcl: 'mount_dir' }),
  stagePublishBaseDir: field('StagePublishBaseDir', t.string(), { hcl: 'stage_publish_base_dir' }),
  healthTimeout: field('HealthTimeout', t.duration(), { hcl: 'health_timeout' }),
});

export const WorkloadIdentity = struct('WorkloadIdentity', {
  name: field('Name', t.string(), { hcl: 'name' }),
  aud: field('Audience', t.stringList(), { hcl: 'aud' }),
  changeMode: field('ChangeMode', t.enum('noop', 'restart', 'signal'), { hcl: 'change_mode' }),
  changeSignal: field('ChangeSignal', t.string(), { hcl: 'change_signal' }),
  env: field('Env', t.bool(), { hcl: 'env' }),
  file: field('File', t.bool(), { hcl: 'file' }),
  filepath: field('Filepath', t.string(), { hcl: 'filepath' }),
  serviceName: field('ServiceName', t.string(), { hcl: 'service_name' }),
  ttl: field('TTL', t.duration(), { hcl: 'ttl' }),
  extraClaims: field('ExtraClaims', t.stringList(), { hcl: 'extra_claims' }),
});

export const Action = struct('Action', {
  name: field('Name', t.string(), { label: true, required: true }),
  command: field('Command', t.string(), { hcl: 'command', required: true }),
  args: field('Args', t.stringList(), { hcl: 'args' }),
});
