import { field, struct, t } from '../dsl';
import { taskHooks } from '../hooks';
import { Constraint } from './constraint';
import { Consul } from './consul';
import { Resources } from './resources';
import { ScalingPolicy } from './scaling';
import { Service } from './services';
import { Affinity, RestartPolicy } from './task-groups';
import { TaskSchedule } from './task-sched';

// The job structs of Nomad's api/tasks.go, in its order: the task and its blocks (task-groups.ts has the task
// group and its group-level blocks).

export const VolumeMount = struct('VolumeMount', {
  volume: field('Volume', t.string(), { hcl: 'volume', doc: 'The group volume to mount.' }),
  destination: field('Destination', t.string(), {
    hcl: 'destination',
    doc: 'Where in the task the volume is mounted.',
  }),
  readOnly: field('ReadOnly', t.bool(), { hcl: 'read_only', doc: 'Whether the mount is read-only.', default: 'false' }),
  propagationMode: field('PropagationMode', t.enum('private', 'host-to-task', 'bidirectional'), {
    hcl: 'propagation_mode',
    doc: 'Mount propagation: "private", "host-to-task" or "bidirectional".',
    default: '"private"',
  }),
  selinuxLabel: field('SELinuxLabel', t.string(), {
    hcl: 'selinux_label',
    doc: 'The SELinux label of the mount (docker).',
    default: '- none',
  }),
});

export const LogConfig = struct('LogConfig', {
  maxFiles: field('MaxFiles', t.int(), { hcl: 'max_files', doc: 'Rotated log files kept per stream.', default: '10' }),
  maxFileSize: field('MaxFileSizeMB', t.size(), {
    hcl: 'max_file_size',
    doc: 'Size of each log file, in MiB.',
    default: '10',
  }),
  enabled: field('Enabled', t.bool(), { hcl: 'enabled', doc: 'Deprecated by disabled.', default: '- not set' }),
  disabled: field('Disabled', t.bool(), {
    hcl: 'disabled',
    doc: 'Whether log collection is disabled.',
    default: 'false',
  }),
});

export const DispatchPayloadConfig = struct('DispatchPayloadConfig', {
  file: field('File', t.string(), { hcl: 'file', doc: 'The file in local/ the payload is written to.' }),
});

export const TaskLifecycle = struct('TaskLifecycle', {
  hook: field('Hook', t.enum('prestart', 'poststart', 'poststop'), {
    hcl: 'hook',
    required: true,
    doc: 'When the task runs: "prestart", "poststart" or "poststop".',
  }),
  sidecar: field('Sidecar', t.bool(), {
    hcl: 'sidecar',
    doc: 'Whether the task keeps running beside the main tasks.',
    default: 'false',
  }),
});

export const Task = struct(
  'Task',
  {
    name: field('Name', t.string(), {
      label: true,
      required: true,
      doc: 'The task name, unique in the group: the label of the `task` block.',
    }),
    driver: field('Driver', t.string(), {
      hcl: 'driver',
      required: true,
      doc: 'The task driver that runs the task: "docker", "exec", "raw_exec", "java", "qemu", ...',
    }),
    user: field('User', t.string(), {
      hcl: 'user',
      doc: 'The user the task runs as.',
      default: "- the driver's default",
    }),
    lifecycle: field(
      'Lifecycle',
      t.struct(() => TaskLifecycle),
      {
        hcl: 'lifecycle',
        doc: 'When the task runs relative to the main tasks (prestart, poststart, poststop).',
        default: '- a main task',
      },
    ),
    config: field('Config', t.freeform(), {
      hcl: 'config',
      doc: 'The driver configuration; free-form, as each driver defines it.',
      default: '- none',
    }),
    constraints: field(
      'Constraints',
      t.list(() => Constraint),
      { hcl: 'constraint', doc: 'Constraints every node must satisfy for the task.', default: '- none' },
    ),
    affinities: field(
      'Affinities',
      t.list(() => Affinity),
      { hcl: 'affinity', doc: 'Node preferences for the task.', default: '- none' },
    ),
    env: field('Env', t.stringMap(), { hcl: 'env', doc: 'Environment variables of the task.', default: '- none' }),
    services: field(
      'Services',
      t.list(() => Service),
      { hcl: 'service', doc: 'Services the task registers.', default: '- none' },
    ),
    resources: field(
      'Resources',
      t.struct(() => Resources),
      { hcl: 'resources', doc: 'The CPU, memory and devices the task needs.', default: '- 100 MHz and 300 MB' },
    ),
    restart: field(
      'RestartPolicy',
      t.struct(() => RestartPolicy),
      { hcl: 'restart', doc: "How the task is restarted in place, merged over the group's.", default: "- the group's" },
    ),
    meta: field('Meta', t.stringMap(), {
      hcl: 'meta',
      doc: 'User metadata of the task, available as NOMAD_META_<key>.',
      default: '- none',
    }),
    killTimeout: field('KillTimeout', t.duration(), {
      hcl: 'kill_timeout',
      doc: 'Time the task has to exit after the kill signal before it is killed.',
      default: '5s',
    }),
    logs: field(
      'LogConfig',
      t.struct(() => LogConfig),
      { hcl: 'logs', doc: 'How many log files of what size the task keeps.', default: '- 10 files of 10 MB' },
    ),
    artifacts: field(
      'Artifacts',
      t.list(() => TaskArtifact),
      { hcl: 'artifact', doc: 'Files downloaded into the task directory before the task starts.', default: '- none' },
    ),
    vault: field(
      'Vault',
      t.struct(() => Vault),
      { hcl: 'vault', doc: 'The Vault token and policies of the task.', default: '- no Vault token' },
    ),
    consul: field(
      'Consul',
      t.struct(() => Consul),
      { hcl: 'consul', doc: 'The Consul cluster of the task.', default: "- the group's" },
    ),
    templates: field(
      'Templates',
      t.list(() => Template),
      { hcl: 'template', doc: 'Files rendered from templates into the task directory.', default: '- none' },
    ),
    dispatchPayload: field(
      'DispatchPayload',
      t.struct(() => DispatchPayloadConfig),
      { hcl: 'dispatch_payload', doc: 'Where the payload of a dispatched job is written.', default: '- not written' },
    ),
    volumeMounts: field(
      'VolumeMounts',
      t.list(() => VolumeMount),
      { hcl: 'volume_mount', doc: "Where the group's volumes are mounted in the task.", default: '- none' },
    ),
    csiPlugin: field(
      'CSIPluginConfig',
      t.struct(() => TaskCSIPluginConfig),
      { hcl: 'csi_plugin', doc: 'Runs the task as a CSI plugin.', default: '- not a plugin' },
    ),
    leader: field('Leader', t.bool(), {
      hcl: 'leader',
      doc: 'Whether the other tasks of the group stop when this task exits.',
      default: 'false',
    }),
    shutdownDelay: field('ShutdownDelay', t.duration(), {
      hcl: 'shutdown_delay',
      doc: "Time between deregistering the task's services and sending the kill signal.",
      default: '0s',
    }),
    killSignal: field('KillSignal', t.string(), {
      hcl: 'kill_signal',
      doc: 'The signal that stops the task.',
      default: '"SIGINT" (driver default)',
    }),
    kind: field('Kind', t.string(), {
      hcl: 'kind',
      doc: 'Internal: the kind of task Nomad created (connect sidecars).',
      default: '- not set',
    }),
    // HCL labels a task's scaling block by what it scales: `scaling "cpu"` is `Type: "vertical_cpu"`.
    scaling: field(
      'ScalingPolicies',
      t.list(() => ScalingPolicy),
      {
        hcl: 'scaling',
        hclLabel: {
          prop: 'type',
          toLabel: (type: unknown) => String(type).replace(/^vertical_/, ''),
          fromLabel: (label: string) => `vertical_${label}`,
        },
        doc: 'Enterprise: vertical autoscaling of CPU ("cpu") or memory ("mem").',
        default: '- none',
      },
    ),
    secrets: field(
      'Secrets',
      t.list(() => Secret),
      { hcl: 'secret', doc: 'Secrets fetched for the task from a provider.', default: '- none' },
    ),
    identities: field(
      'Identities',
      t.list(() => WorkloadIdentity),
      { hcl: 'identity', doc: 'Workload identities given to the task (JWTs).', default: '- the default identity' },
    ),
    actions: field(
      'Actions',
      t.list(() => Action),
      { hcl: 'action', doc: 'Commands that can be run in the task with `nomad action`.', default: '- none' },
    ),
    schedule: field(
      'Schedule',
      t.struct(() => TaskSchedule),
      { hcl: 'schedule', doc: 'Enterprise: the time window the task may run in.', default: '- always' },
    ),
  },
  taskHooks,
);

export const TaskArtifact = struct('TaskArtifact', {
  source: field('GetterSource', t.string(), { hcl: 'source', doc: 'The URL to download (go-getter syntax).' }),
  options: field('GetterOptions', t.stringMap(), {
    hcl: 'options',
    doc: 'go-getter options, such as checksum.',
    default: '- none',
  }),
  headers: field('GetterHeaders', t.stringMap(), {
    hcl: 'headers',
    doc: 'HTTP headers of the download.',
    default: '- none',
  }),
  mode: field('GetterMode', t.enum('any', 'file', 'dir'), {
    hcl: 'mode',
    doc: 'What the source is: "any", "file" or "dir".',
    default: '"any"',
  }),
  insecure: field('GetterInsecure', t.bool(), {
    hcl: 'insecure',
    doc: 'Whether TLS verification is skipped.',
    default: 'false',
  }),
  destination: field('RelativeDest', t.string(), {
    hcl: 'destination',
    doc: 'Where in the task directory the artifact goes.',
    default: '"local/"',
  }),
  chown: field('Chown', t.bool(), {
    hcl: 'chown',
    doc: 'Whether the files are owned by the task user.',
    default: 'false',
  }),
});

export const WaitConfig = struct('WaitConfig', {
  min: field('Min', t.duration(), { hcl: 'min', doc: 'The least time to wait.', default: '5s' }),
  max: field('Max', t.duration(), { hcl: 'max', doc: 'The most time to wait.', default: '4m' }),
});

export const ChangeScript = struct('ChangeScript', {
  command: field('Command', t.string(), { hcl: 'command', doc: 'The script to run.' }),
  args: field('Args', t.stringList(), { hcl: 'args', doc: 'Arguments of the script.', default: '- none' }),
  timeout: field('Timeout', t.duration(), { hcl: 'timeout', doc: 'Time the script may take.', default: '5s' }),
  failOnError: field('FailOnError', t.bool(), {
    hcl: 'fail_on_error',
    doc: 'Whether a failing script kills the task.',
    default: 'false',
  }),
  runOnFirstRender: field('RunOnFirstRender', t.bool(), {
    hcl: 'run_on_first_render',
    doc: 'Whether the script also runs on the first render.',
    default: 'false',
  }),
});

export const Template = struct('Template', {
  source: field('SourcePath', t.string(), {
    hcl: 'source',
    doc: 'A template file to render (instead of data).',
    default: '- none',
  }),
  destination: field('DestPath', t.string(), {
    hcl: 'destination',
    doc: 'Where in the task directory the result is written.',
  }),
  data: field('EmbeddedTmpl', t.string(), { hcl: 'data', doc: 'The template text.', default: '- none' }),
  changeMode: field('ChangeMode', t.enum('noop', 'restart', 'signal', 'script'), {
    hcl: 'change_mode',
    doc: 'What happens when the result changes: "noop", "restart", "signal" or "script".',
    default: '"restart"',
  }),
  changeScript: field(
    'ChangeScript',
    t.struct(() => ChangeScript),
    { hcl: 'change_script', doc: 'The script run when change_mode is "script".', default: '- none' },
  ),
  changeSignal: field('ChangeSignal', t.string(), {
    hcl: 'change_signal',
    doc: 'The signal sent when change_mode is "signal".',
    default: '- none',
  }),
  once: field('Once', t.bool(), { hcl: 'once', doc: 'Whether the template is rendered once only.', default: 'false' }),
  splay: field('Splay', t.duration(), { hcl: 'splay', doc: 'Random wait before acting on a change.', default: '5s' }),
  perms: field('Perms', t.string(), { hcl: 'perms', doc: 'File mode of the result, in octal.', default: '"0644"' }),
  uid: field('Uid', t.int(), { hcl: 'uid', doc: 'Owner user ID of the result.', default: '- the task user' }),
  gid: field('Gid', t.int(), { hcl: 'gid', doc: 'Owner group ID of the result.', default: "- the task user's" }),
  leftDelimiter: field('LeftDelim', t.string(), {
    hcl: 'left_delimiter',
    doc: "The template's left delimiter.",
    default: '"{{"',
  }),
  rightDelimiter: field('RightDelim', t.string(), {
    hcl: 'right_delimiter',
    doc: "The template's right delimiter.",
    default: '"}}"',
  }),
  env: field('Envvars', t.bool(), {
    hcl: 'env',
    doc: 'Whether the result is read as environment variables.',
    default: 'false',
  }),
  vaultGrace: field('VaultGrace', t.duration(), {
    hcl: 'vault_grace',
    doc: 'Deprecated, ignored.',
    default: '- not set',
  }),
  wait: field(
    'Wait',
    t.struct(() => WaitConfig),
    { hcl: 'wait', doc: 'Minimum and maximum wait before rendering a change.', default: "- the client's" },
  ),
  errorOnMissingKey: field('ErrMissingKey', t.bool(), {
    hcl: 'error_on_missing_key',
    doc: 'Whether a missing key is an error instead of "<no value>".',
    default: 'false',
  }),
});

export const Vault = struct('Vault', {
  policies: field('Policies', t.stringList(), {
    hcl: 'policies',
    doc: 'Vault policies of the token (legacy token workflow).',
    default: '- none',
  }),
  role: field('Role', t.string(), {
    hcl: 'role',
    doc: 'The Vault role to log in with (workload identity).',
    default: "- the cluster's default role",
  }),
  namespace: field('Namespace', t.string(), {
    hcl: 'namespace',
    doc: 'The Vault namespace.',
    default: "- the cluster's",
  }),
  cluster: field('Cluster', t.string(), { hcl: 'cluster', doc: 'The Vault cluster.', default: '"default"' }),
  env: field('Env', t.bool(), { hcl: 'env', doc: 'Whether the token is set in VAULT_TOKEN.', default: 'true' }),
  disableFile: field('DisableFile', t.bool(), {
    hcl: 'disable_file',
    doc: 'Whether the token file is not written.',
    default: 'false',
  }),
  changeMode: field('ChangeMode', t.enum('noop', 'restart', 'signal'), {
    hcl: 'change_mode',
    doc: 'What happens when the token changes: "noop", "restart" or "signal".',
    default: '"restart"',
  }),
  changeSignal: field('ChangeSignal', t.string(), {
    hcl: 'change_signal',
    doc: 'The signal sent when change_mode is "signal".',
    default: '- none',
  }),
  allowTokenExpiration: field('AllowTokenExpiration', t.bool(), {
    hcl: 'allow_token_expiration',
    doc: 'Whether the token may expire instead of being renewed.',
    default: 'false',
  }),
});

export const Secret = struct('Secret', {
  name: field('Name', t.string(), {
    label: true,
    required: true,
    doc: 'The secret name: the label of the `secret` block.',
  }),
  provider: field('Provider', t.string(), {
    hcl: 'provider',
    doc: 'Where the secret comes from: "nomad", "vault" or a plugin.',
  }),
  path: field('Path', t.string(), { hcl: 'path', doc: 'The path of the secret at the provider.' }),
  config: field('Config', t.freeform(), {
    hcl: 'config',
    doc: 'Provider configuration (nomad and vault).',
    default: '- none',
  }),
  env: field('Env', t.stringMap(), { hcl: 'env', doc: 'Environment passed to a plugin provider.', default: '- none' }),
});

export const TaskCSIPluginConfig = struct('TaskCSIPluginConfig', {
  id: field('ID', t.string(), { hcl: 'id', doc: 'The plugin ID volumes refer to.' }),
  type: field('Type', t.enum('monolith', 'controller', 'node'), {
    hcl: 'type',
    doc: 'The plugin type: "node", "controller" or "monolith".',
  }),
  mountDir: field('MountDir', t.string(), {
    hcl: 'mount_dir',
    doc: 'Where the plugin expects its mounts.',
    default: '"/csi"',
  }),
  stagePublishBaseDir: field('StagePublishBaseDir', t.string(), {
    hcl: 'stage_publish_base_dir',
    doc: 'Where volumes are staged and published.',
    default: '- under the mount dir',
  }),
  healthTimeout: field('HealthTimeout', t.duration(), {
    hcl: 'health_timeout',
    doc: 'Time the plugin has to become healthy.',
    default: '30s',
  }),
});

export const WorkloadIdentity = struct('WorkloadIdentity', {
  name: field('Name', t.string(), {
    hcl: 'name',
    doc: 'The identity name; unnamed is the default identity.',
    default: '"default"',
  }),
  aud: field('Audience', t.stringList(), {
    hcl: 'aud',
    doc: 'Audiences of the token (the aud claim).',
    default: '["nomadproject.io"]',
  }),
  changeMode: field('ChangeMode', t.enum('noop', 'restart', 'signal'), {
    hcl: 'change_mode',
    doc: 'What happens when the token changes: "noop", "restart" or "signal".',
    default: '"noop"',
  }),
  changeSignal: field('ChangeSignal', t.string(), {
    hcl: 'change_signal',
    doc: 'The signal sent when change_mode is "signal".',
    default: '- none',
  }),
  env: field('Env', t.bool(), {
    hcl: 'env',
    doc: 'Whether the token is set in NOMAD_TOKEN / NOMAD_TOKEN_<name>.',
    default: 'false',
  }),
  file: field('File', t.bool(), {
    hcl: 'file',
    doc: 'Whether the token is written to the secrets directory.',
    default: 'false',
  }),
  filepath: field('Filepath', t.string(), {
    hcl: 'filepath',
    doc: 'Where the token file is written.',
    default: '- secrets/nomad_<name>.jwt',
  }),
  serviceName: field('ServiceName', t.string(), {
    hcl: 'service_name',
    doc: 'The service the identity is for.',
    default: '- none',
  }),
  ttl: field('TTL', t.duration(), {
    hcl: 'ttl',
    doc: 'Lifetime of the token.',
    default: '- no expiry for the default identity',
  }),
  extraClaims: field('ExtraClaims', t.stringList(), {
    hcl: 'extra_claims',
    doc: 'Extra claims of the token.',
    default: '- none',
  }),
});

export const Action = struct('Action', {
  name: field('Name', t.string(), {
    label: true,
    required: true,
    doc: 'The action name: the label of the `action` block.',
  }),
  command: field('Command', t.string(), {
    hcl: 'command',
    required: true,
    doc: 'The command the action runs in the task.',
  }),
  args: field('Args', t.stringList(), { hcl: 'args', doc: 'Arguments of the command.', default: '- none' }),
});
