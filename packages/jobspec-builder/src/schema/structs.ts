import { field, struct, t } from './dsl';
import { affinityHooks, constraintHooks, networkHooks, periodicHooks, taskHooks } from './hooks';

/**
 * Nomad's job structs (`api/*.go`), Job and everything reachable from it, as
 * this library models them. Property names are the camelCase of the HCL names
 * (repeated blocks plural: `constraint` -> `constraints`); `api` is the Go field
 * name, which is the API JSON key. test/schema/completeness.test.ts checks this
 * table against Nomad's struct list, field by field.
 */

/** Constraint operators Nomad accepts (nomad/structs/structs.go, `Constraint.Validate`). */
export const CONSTRAINT_OPERATORS = [
  '=',
  '==',
  'is',
  '!=',
  'not',
  '>',
  '>=',
  '<',
  '<=',
  'distinct_hosts',
  'distinct_property',
  'regexp',
  'set_contains',
  'set_contains_all',
  'set_contains_any',
  'version',
  'semver',
  'is_set',
  'is_not_set',
] as const;

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

/** Enterprise: the window in which a task may run (`schedule { cron { ... } }`). */
export const TaskScheduleCron = struct('TaskScheduleCron', {
  start: field('Start', t.string(), { hcl: 'start' }),
  end: field('End', t.string(), { hcl: 'end' }),
  timezone: field('Timezone', t.string(), { hcl: 'timezone' }),
});

export const TaskSchedule = struct('TaskSchedule', {
  cron: field(
    'Cron',
    t.struct(() => TaskScheduleCron),
    { hcl: 'cron' },
  ),
});

export const TaskLifecycle = struct('TaskLifecycle', {
  hook: field('Hook', t.enum('prestart', 'poststart', 'poststop'), { hcl: 'hook', required: true }),
  sidecar: field('Sidecar', t.bool(), { hcl: 'sidecar' }),
});

export const TaskArtifact = struct('TaskArtifact', {
  source: field('GetterSource', t.string(), { hcl: 'source' }),
  options: field('GetterOptions', t.stringMap(), { hcl: 'options' }),
  headers: field('GetterHeaders', t.stringMap(), { hcl: 'headers' }),
  mode: field('GetterMode', t.enum('any', 'file', 'dir'), { hcl: 'mode' }),
  insecure: field('GetterInsecure', t.bool(), { hcl: 'insecure' }),
  destination: field('RelativeDest', t.string(), { hcl: 'destination' }),
  chown: field('Chown', t.bool(), { hcl: 'chown' }),
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

export const ChangeScript = struct('ChangeScript', {
  command: field('Command', t.string(), { hcl: 'command' }),
  args: field('Args', t.stringList(), { hcl: 'args' }),
  timeout: field('Timeout', t.duration(), { hcl: 'timeout' }),
  failOnError: field('FailOnError', t.bool(), { hcl: 'fail_on_error' }),
  runOnFirstRender: field('RunOnFirstRender', t.bool(), { hcl: 'run_on_first_render' }),
});

export const WaitConfig = struct('WaitConfig', {
  min: field('Min', t.duration(), { hcl: 'min' }),
  max: field('Max', t.duration(), { hcl: 'max' }),
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

export const DispatchPayloadConfig = struct('DispatchPayloadConfig', {
  file: field('File', t.string(), { hcl: 'file' }),
});

export const TaskCSIPluginConfig = struct('TaskCSIPluginConfig', {
  id: field('ID', t.string(), { hcl: 'id' }),
  type: field('Type', t.enum('monolith', 'controller', 'node'), { hcl: 'type' }),
  mountDir: field('MountDir', t.string(), { hcl: 'mount_dir' }),
  stagePublishBaseDir: field('StagePublishBaseDir', t.string(), { hcl: 'stage_publish_base_dir' }),
  healthTimeout: field('HealthTimeout', t.duration(), { hcl: 'health_timeout' }),
});

export const Secret = struct('Secret', {
  name: field('Name', t.string(), { label: true, required: true }),
  provider: field('Provider', t.string(), { hcl: 'provider' }),
  path: field('Path', t.string(), { hcl: 'path' }),
  config: field('Config', t.freeform(), { hcl: 'config' }),
  env: field('Env', t.stringMap(), { hcl: 'env' }),
});

export const Action = struct('Action', {
  name: field('Name', t.string(), { label: true, required: true }),
  command: field('Command', t.string(), { hcl: 'command', required: true }),
  args: field('Args', t.stringList(), { hcl: 'args' }),
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

export const CSIMountOptions = struct('CSIMountOptions', {
  fsType: field('FSType', t.string(), { hcl: 'fs_type' }),
  mountFlags: field('MountFlags', t.stringList(), { hcl: 'mount_flags' }),
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

export const EphemeralDisk = struct('EphemeralDisk', {
  sticky: field('Sticky', t.bool(), { hcl: 'sticky' }),
  migrate: field('Migrate', t.bool(), { hcl: 'migrate' }),
  size: field('SizeMB', t.size(), { hcl: 'size' }),
});

export const ServiceCheck = struct('ServiceCheck', {
  name: field('Name', t.string(), { hcl: 'name' }),
  type: field('Type', t.enum('http', 'tcp', 'grpc', 'script'), { hcl: 'type' }),
  command: field('Command', t.string(), { hcl: 'command' }),
  args: field('Args', t.stringList(), { hcl: 'args' }),
  path: field('Path', t.string(), { hcl: 'path' }),
  protocol: field('Protocol', t.string(), { hcl: 'protocol' }),
  port: field('PortLabel', t.string(), { hcl: 'port' }),
  expose: field('Expose', t.bool(), { hcl: 'expose' }),
  addressMode: field('AddressMode', t.enum('alloc', 'alloc_ipv6', 'driver', 'host'), { hcl: 'address_mode' }),
  advertise: field('Advertise', t.string(), { hcl: 'advertise' }),
  interval: field('Interval', t.duration(), { hcl: 'interval' }),
  timeout: field('Timeout', t.duration(), { hcl: 'timeout' }),
  initialStatus: field('InitialStatus', t.enum('passing', 'warning', 'critical'), { hcl: 'initial_status' }),
  notes: field('Notes', t.string(), { hcl: 'notes' }),
  tlsServerName: field('TLSServerName', t.string(), { hcl: 'tls_server_name' }),
  tlsSkipVerify: field('TLSSkipVerify', t.bool(), { hcl: 'tls_skip_verify' }),
  header: field('Header', t.stringListMap(), { hcl: 'header' }),
  method: field('Method', t.string(), { hcl: 'method' }),
  checkRestart: field(
    'CheckRestart',
    t.struct(() => CheckRestart),
    { hcl: 'check_restart' },
  ),
  grpcService: field('GRPCService', t.string(), { hcl: 'grpc_service' }),
  grpcUseTls: field('GRPCUseTLS', t.bool(), { hcl: 'grpc_use_tls' }),
  task: field('TaskName', t.string(), { hcl: 'task' }),
  successBeforePassing: field('SuccessBeforePassing', t.int(), { hcl: 'success_before_passing' }),
  failuresBeforeCritical: field('FailuresBeforeCritical', t.int(), { hcl: 'failures_before_critical' }),
  failuresBeforeWarning: field('FailuresBeforeWarning', t.int(), { hcl: 'failures_before_warning' }),
  body: field('Body', t.string(), { hcl: 'body' }),
  onUpdate: field('OnUpdate', t.enum('require_healthy', 'ignore_warnings', 'ignore'), { hcl: 'on_update' }),
});

export const CheckRestart = struct('CheckRestart', {
  limit: field('Limit', t.int(), { hcl: 'limit' }),
  grace: field('Grace', t.duration(), { hcl: 'grace' }),
  ignoreWarnings: field('IgnoreWarnings', t.bool(), { hcl: 'ignore_warnings' }),
});

export const ConsulGatewayBindAddress = struct('ConsulGatewayBindAddress', {
  name: field('Name', t.string(), { label: true }),
  address: field('Address', t.string(), { hcl: 'address' }),
  port: field('Port', t.int(), { hcl: 'port' }),
});

export const ConsulGatewayProxy = struct('ConsulGatewayProxy', {
  connectTimeout: field('ConnectTimeout', t.duration(), { hcl: 'connect_timeout' }),
  envoyGatewayBindTaggedAddresses: field('EnvoyGatewayBindTaggedAddresses', t.bool(), {
    hcl: 'envoy_gateway_bind_tagged_addresses',
  }),
  envoyGatewayBindAddresses: field(
    'EnvoyGatewayBindAddresses',
    t.map(() => ConsulGatewayBindAddress),
    { hcl: 'envoy_gateway_bind_addresses' },
  ),
  envoyGatewayNoDefaultBind: field('EnvoyGatewayNoDefaultBind', t.bool(), { hcl: 'envoy_gateway_no_default_bind' }),
  envoyDnsDiscoveryType: field('EnvoyDNSDiscoveryType', t.string(), { hcl: 'envoy_dns_discovery_type' }),
  config: field('Config', t.freeform(), { hcl: 'config' }),
});

export const ConsulGatewayTLSSDSConfig = struct('ConsulGatewayTLSSDSConfig', {
  clusterName: field('ClusterName', t.string(), { hcl: 'cluster_name' }),
  certResource: field('CertResource', t.string(), { hcl: 'cert_resource' }),
});

export const ConsulGatewayTLSConfig = struct('ConsulGatewayTLSConfig', {
  enabled: field('Enabled', t.bool(), { hcl: 'enabled' }),
  tlsMinVersion: field('TLSMinVersion', t.string(), { hcl: 'tls_min_version' }),
  tlsMaxVersion: field('TLSMaxVersion', t.string(), { hcl: 'tls_max_version' }),
  cipherSuites: field('CipherSuites', t.stringList(), { hcl: 'cipher_suites' }),
  sds: field(
    'SDS',
    t.struct(() => ConsulGatewayTLSSDSConfig),
    { hcl: 'sds' },
  ),
});

export const ConsulHTTPHeaderModifiers = struct('ConsulHTTPHeaderModifiers', {
  add: field('Add', t.stringMap(), { hcl: 'add' }),
  set: field('Set', t.stringMap(), { hcl: 'set' }),
  remove: field('Remove', t.stringList(), { hcl: 'remove' }),
});

export const ConsulIngressService = struct('ConsulIngressService', {
  name: field('Name', t.string(), { hcl: 'name' }),
  hosts: field('Hosts', t.stringList(), { hcl: 'hosts' }),
  tls: field(
    'TLS',
    t.struct(() => ConsulGatewayTLSConfig),
    { hcl: 'tls' },
  ),
  requestHeaders: field(
    'RequestHeaders',
    t.struct(() => ConsulHTTPHeaderModifiers),
    { hcl: 'request_headers' },
  ),
  responseHeaders: field(
    'ResponseHeaders',
    t.struct(() => ConsulHTTPHeaderModifiers),
    { hcl: 'response_headers' },
  ),
  maxConnections: field('MaxConnections', t.int(), { hcl: 'max_connections' }),
  maxPendingRequests: field('MaxPendingRequests', t.int(), { hcl: 'max_pending_requests' }),
  maxConcurrentRequests: field('MaxConcurrentRequests', t.int(), { hcl: 'max_concurrent_requests' }),
});

export const ConsulIngressListener = struct('ConsulIngressListener', {
  port: field('Port', t.int(), { hcl: 'port' }),
  protocol: field('Protocol', t.string(), { hcl: 'protocol' }),
  services: field(
    'Services',
    t.list(() => ConsulIngressService),
    { hcl: 'service' },
  ),
});

export const ConsulIngressConfigEntry = struct('ConsulIngressConfigEntry', {
  tls: field(
    'TLS',
    t.struct(() => ConsulGatewayTLSConfig),
    { hcl: 'tls' },
  ),
  listeners: field(
    'Listeners',
    t.list(() => ConsulIngressListener),
    { hcl: 'listener' },
  ),
});

export const ConsulLinkedService = struct('ConsulLinkedService', {
  name: field('Name', t.string(), { hcl: 'name' }),
  caFile: field('CAFile', t.string(), { hcl: 'ca_file' }),
  certFile: field('CertFile', t.string(), { hcl: 'cert_file' }),
  keyFile: field('KeyFile', t.string(), { hcl: 'key_file' }),
  sni: field('SNI', t.string(), { hcl: 'sni' }),
});

export const ConsulTerminatingConfigEntry = struct('ConsulTerminatingConfigEntry', {
  services: field(
    'Services',
    t.list(() => ConsulLinkedService),
    { hcl: 'service' },
  ),
});

export const ConsulMeshConfigEntry = struct('ConsulMeshConfigEntry', {});

export const ConsulGateway = struct('ConsulGateway', {
  proxy: field(
    'Proxy',
    t.struct(() => ConsulGatewayProxy),
    { hcl: 'proxy' },
  ),
  ingress: field(
    'Ingress',
    t.struct(() => ConsulIngressConfigEntry),
    { hcl: 'ingress' },
  ),
  terminating: field(
    'Terminating',
    t.struct(() => ConsulTerminatingConfigEntry),
    { hcl: 'terminating' },
  ),
  mesh: field(
    'Mesh',
    t.struct(() => ConsulMeshConfigEntry),
    { hcl: 'mesh' },
  ),
});

export const ConsulExposePath = struct('ConsulExposePath', {
  path: field('Path', t.string(), { hcl: 'path' }),
  protocol: field('Protocol', t.string(), { hcl: 'protocol' }),
  localPathPort: field('LocalPathPort', t.int(), { hcl: 'local_path_port' }),
  listenerPort: field('ListenerPort', t.string(), { hcl: 'listener_port' }),
});

export const ConsulExposeConfig = struct('ConsulExposeConfig', {
  paths: field(
    'Paths',
    t.list(() => ConsulExposePath),
    { hcl: 'path' },
  ),
});

export const ConsulMeshGateway = struct('ConsulMeshGateway', {
  mode: field('Mode', t.enum('local', 'remote', 'none'), { hcl: 'mode' }),
});

export const ConsulUpstream = struct('ConsulUpstream', {
  destinationName: field('DestinationName', t.string(), { hcl: 'destination_name' }),
  destinationNamespace: field('DestinationNamespace', t.string(), { hcl: 'destination_namespace' }),
  destinationPeer: field('DestinationPeer', t.string(), { hcl: 'destination_peer' }),
  destinationPartition: field('DestinationPartition', t.string(), { hcl: 'destination_partition' }),
  destinationType: field('DestinationType', t.string(), { hcl: 'destination_type' }),
  localBindPort: field('LocalBindPort', t.int(), { hcl: 'local_bind_port' }),
  datacenter: field('Datacenter', t.string(), { hcl: 'datacenter' }),
  localBindAddress: field('LocalBindAddress', t.string(), { hcl: 'local_bind_address' }),
  localBindSocketPath: field('LocalBindSocketPath', t.string(), { hcl: 'local_bind_socket_path' }),
  localBindSocketMode: field('LocalBindSocketMode', t.string(), { hcl: 'local_bind_socket_mode' }),
  meshGateway: field(
    'MeshGateway',
    t.struct(() => ConsulMeshGateway),
    { hcl: 'mesh_gateway' },
  ),
  config: field('Config', t.freeform(), { hcl: 'config' }),
});

export const ConsulTransparentProxy = struct('ConsulTransparentProxy', {
  uid: field('UID', t.string(), { hcl: 'uid' }),
  outboundPort: field('OutboundPort', t.int({ min: 0, max: 65535 }), { hcl: 'outbound_port' }),
  excludeInboundPorts: field('ExcludeInboundPorts', t.stringList(), { hcl: 'exclude_inbound_ports' }),
  excludeOutboundPorts: field('ExcludeOutboundPorts', t.intList(), { hcl: 'exclude_outbound_ports' }),
  excludeOutboundCidrs: field('ExcludeOutboundCIDRs', t.stringList(), { hcl: 'exclude_outbound_cidrs' }),
  excludeUids: field('ExcludeUIDs', t.stringList(), { hcl: 'exclude_uids' }),
  noDns: field('NoDNS', t.bool(), { hcl: 'no_dns' }),
});

export const ConsulProxy = struct('ConsulProxy', {
  localServiceAddress: field('LocalServiceAddress', t.string(), { hcl: 'local_service_address' }),
  localServicePort: field('LocalServicePort', t.int(), { hcl: 'local_service_port' }),
  expose: field(
    'Expose',
    t.struct(() => ConsulExposeConfig),
    { hcl: 'expose' },
  ),
  upstreams: field(
    'Upstreams',
    t.list(() => ConsulUpstream),
    { hcl: 'upstreams' },
  ),
  transparentProxy: field(
    'TransparentProxy',
    t.struct(() => ConsulTransparentProxy),
    { hcl: 'transparent_proxy' },
  ),
  config: field('Config', t.freeform(), { hcl: 'config' }),
});

export const ConsulSidecarService = struct('ConsulSidecarService', {
  tags: field('Tags', t.stringList(), { hcl: 'tags' }),
  port: field('Port', t.string(), { hcl: 'port' }),
  proxy: field(
    'Proxy',
    t.struct(() => ConsulProxy),
    { hcl: 'proxy' },
  ),
  disableDefaultTcpCheck: field('DisableDefaultTCPCheck', t.bool(), { hcl: 'disable_default_tcp_check' }),
  meta: field('Meta', t.stringMap(), { hcl: 'meta' }),
});

export const DNSConfig = struct('DNSConfig', {
  servers: field('Servers', t.stringList(), { hcl: 'servers' }),
  searches: field('Searches', t.stringList(), { hcl: 'searches' }),
  options: field('Options', t.stringList(), { hcl: 'options' }),
});

export const Port = struct('Port', {
  label: field('Label', t.string(), { label: true, required: true }),
  static: field('Value', t.int({ min: 0, max: 65535 }), { hcl: 'static' }),
  to: field('To', t.int({ min: -1, max: 65535 }), { hcl: 'to' }),
  hostNetwork: field('HostNetwork', t.string(), { hcl: 'host_network' }),
  ignoreCollision: field('IgnoreCollision', t.bool(), { hcl: 'ignore_collision' }),
});

export const CNIConfig = struct('CNIConfig', {
  args: field('Args', t.stringMap(), { hcl: 'args' }),
});

export const NetworkResource = struct(
  'NetworkResource',
  {
    mode: field('Mode', t.string(), { hcl: 'mode' }),
    device: field('Device', t.string(), { hcl: 'device' }),
    cidr: field('CIDR', t.string(), { hcl: 'cidr' }),
    ip: field('IP', t.string(), { hcl: 'ip' }),
    dns: field(
      'DNS',
      t.struct(() => DNSConfig),
      { hcl: 'dns' },
    ),
    ports: field(
      'DynamicPorts',
      t.list(() => Port),
      { hcl: 'port' },
    ),
    hostname: field('Hostname', t.string(), { hcl: 'hostname' }),
    mbits: field('MBits', t.int(), { hcl: 'mbits' }),
    cni: field(
      'CNI',
      t.struct(() => CNIConfig),
      { hcl: 'cni' },
    ),
  },
  networkHooks,
);

export const Constraint = struct(
  'Constraint',
  {
    attribute: field('LTarget', t.string(), { hcl: 'attribute' }),
    operator: field('Operand', t.enum(...CONSTRAINT_OPERATORS), { hcl: 'operator' }),
    value: field('RTarget', t.string(), { hcl: 'value' }),
  },
  constraintHooks,
);

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

export const RequestedDevice = struct('RequestedDevice', {
  name: field('Name', t.string(), { label: true, required: true }),
  count: field('Count', t.int(), { hcl: 'count' }),
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
});

export const NUMAResource = struct('NUMAResource', {
  affinity: field('Affinity', t.string(), { hcl: 'affinity' }),
  devices: field('Devices', t.stringList(), { hcl: 'devices' }),
});

export const Resources = struct('Resources', {
  cpu: field('CPU', t.int({ min: 1 }), { hcl: 'cpu' }),
  cores: field('Cores', t.int({ min: 1 }), { hcl: 'cores' }),
  memory: field('MemoryMB', t.size(), { hcl: 'memory' }),
  memoryMax: field('MemoryMaxMB', t.size(), { hcl: 'memory_max' }),
  disk: field('DiskMB', t.size(), { hcl: 'disk' }),
  networks: field(
    'Networks',
    t.list(() => NetworkResource),
    { hcl: 'network' },
  ),
  devices: field(
    'Devices',
    t.list(() => RequestedDevice),
    { hcl: 'device' },
  ),
  numa: field(
    'NUMA',
    t.struct(() => NUMAResource),
    { hcl: 'numa' },
  ),
  secrets: field('SecretsMB', t.size(), { hcl: 'secrets' }),
  iops: field('IOPS', t.int(), { hcl: 'iops' }),
});

export const LogConfig = struct('LogConfig', {
  maxFiles: field('MaxFiles', t.int(), { hcl: 'max_files' }),
  maxFileSize: field('MaxFileSizeMB', t.size(), { hcl: 'max_file_size' }),
  enabled: field('Enabled', t.bool(), { hcl: 'enabled' }),
  disabled: field('Disabled', t.bool(), { hcl: 'disabled' }),
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

export const SidecarTask = struct('SidecarTask', {
  name: field('Name', t.string(), { hcl: 'name' }),
  driver: field('Driver', t.string(), { hcl: 'driver' }),
  user: field('User', t.string(), { hcl: 'user' }),
  config: field('Config', t.freeform(), { hcl: 'config' }),
  env: field('Env', t.stringMap(), { hcl: 'env' }),
  resources: field(
    'Resources',
    t.struct(() => Resources),
    { hcl: 'resources' },
  ),
  meta: field('Meta', t.stringMap(), { hcl: 'meta' }),
  killTimeout: field('KillTimeout', t.duration(), { hcl: 'kill_timeout' }),
  logs: field(
    'LogConfig',
    t.struct(() => LogConfig),
    { hcl: 'logs' },
  ),
  shutdownDelay: field('ShutdownDelay', t.duration(), { hcl: 'shutdown_delay' }),
  killSignal: field('KillSignal', t.string(), { hcl: 'kill_signal' }),
  volumeMounts: field(
    'VolumeMounts',
    t.list(() => VolumeMount),
    { hcl: 'volume_mount' },
  ),
  identities: field(
    'Identities',
    t.list(() => WorkloadIdentity),
    { hcl: 'identity' },
  ),
});

export const ConsulConnect = struct('ConsulConnect', {
  native: field('Native', t.bool(), { hcl: 'native' }),
  gateway: field(
    'Gateway',
    t.struct(() => ConsulGateway),
    { hcl: 'gateway' },
  ),
  sidecarService: field(
    'SidecarService',
    t.struct(() => ConsulSidecarService),
    { hcl: 'sidecar_service' },
  ),
  sidecarTask: field(
    'SidecarTask',
    t.struct(() => SidecarTask),
    { hcl: 'sidecar_task' },
  ),
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

export const ServiceWeights = struct('ServiceWeights', {
  passing: field('Passing', t.int(), { hcl: 'passing' }),
  warning: field('Warning', t.int(), { hcl: 'warning' }),
});

export const Service = struct('Service', {
  name: field('Name', t.string(), { hcl: 'name' }),
  tags: field('Tags', t.stringList(), { hcl: 'tags' }),
  canaryTags: field('CanaryTags', t.stringList(), { hcl: 'canary_tags' }),
  enableTagOverride: field('EnableTagOverride', t.bool(), { hcl: 'enable_tag_override' }),
  port: field('PortLabel', t.string(), { hcl: 'port' }),
  addressMode: field('AddressMode', t.enum('alloc', 'alloc_ipv6', 'auto', 'driver', 'host'), { hcl: 'address_mode' }),
  address: field('Address', t.string(), { hcl: 'address' }),
  checks: field(
    'Checks',
    t.list(() => ServiceCheck),
    { hcl: 'check' },
  ),
  checkRestart: field(
    'CheckRestart',
    t.struct(() => CheckRestart),
    { hcl: 'check_restart' },
  ),
  connect: field(
    'Connect',
    t.struct(() => ConsulConnect),
    { hcl: 'connect' },
  ),
  meta: field('Meta', t.stringMap(), { hcl: 'meta' }),
  canaryMeta: field('CanaryMeta', t.stringMap(), { hcl: 'canary_meta' }),
  taggedAddresses: field('TaggedAddresses', t.stringMap(), { hcl: 'tagged_addresses' }),
  task: field('TaskName', t.string(), { hcl: 'task' }),
  onUpdate: field('OnUpdate', t.enum('require_healthy', 'ignore_warnings', 'ignore'), { hcl: 'on_update' }),
  identity: field(
    'Identity',
    t.struct(() => WorkloadIdentity),
    { hcl: 'identity' },
  ),
  weights: field(
    'Weights',
    t.struct(() => ServiceWeights),
    { hcl: 'weights' },
  ),
  provider: field('Provider', t.enum('consul', 'nomad'), { hcl: 'provider' }),
  cluster: field('Cluster', t.string(), { hcl: 'cluster' }),
  kind: field('Kind', t.string(), { hcl: 'kind' }),
});

export const ScalingPolicy = struct('ScalingPolicy', {
  min: field('Min', t.int(), { hcl: 'min' }),
  max: field('Max', t.int(), { hcl: 'max' }),
  policy: field('Policy', t.freeform(), { hcl: 'policy' }),
  enabled: field('Enabled', t.bool(), { hcl: 'enabled' }),
  type: field('Type', t.enum('horizontal', 'vertical_cpu', 'vertical_mem'), { hcl: 'type' }),
});

export const Consul = struct('Consul', {
  namespace: field('Namespace', t.string(), { hcl: 'namespace' }),
  cluster: field('Cluster', t.string(), { hcl: 'cluster' }),
  partition: field('Partition', t.string(), { hcl: 'partition' }),
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

export const UpdateStrategy = struct('UpdateStrategy', {
  stagger: field('Stagger', t.duration(), { hcl: 'stagger' }),
  maxParallel: field('MaxParallel', t.int(), { hcl: 'max_parallel' }),
  healthCheck: field('HealthCheck', t.enum('checks', 'task_states', 'manual'), { hcl: 'health_check' }),
  minHealthyTime: field('MinHealthyTime', t.duration(), { hcl: 'min_healthy_time' }),
  healthyDeadline: field('HealthyDeadline', t.duration(), { hcl: 'healthy_deadline' }),
  progressDeadline: field('ProgressDeadline', t.duration(), { hcl: 'progress_deadline' }),
  canary: field('Canary', t.int(), { hcl: 'canary' }),
  autoRevert: field('AutoRevert', t.bool(), { hcl: 'auto_revert' }),
  autoPromote: field('AutoPromote', t.bool(), { hcl: 'auto_promote' }),
});

export const MultiregionStrategy = struct('MultiregionStrategy', {
  maxParallel: field('MaxParallel', t.int(), { hcl: 'max_parallel' }),
  onFailure: field('OnFailure', t.enum('fail_all', 'fail_local'), { hcl: 'on_failure' }),
});

export const MultiregionRegion = struct('MultiregionRegion', {
  name: field('Name', t.string(), { label: true, required: true }),
  count: field('Count', t.int(), { hcl: 'count' }),
  datacenters: field('Datacenters', t.stringList(), { hcl: 'datacenters' }),
  nodePool: field('NodePool', t.string(), { hcl: 'node_pool' }),
  meta: field('Meta', t.stringMap(), { hcl: 'meta' }),
});

export const Multiregion = struct('Multiregion', {
  strategy: field(
    'Strategy',
    t.struct(() => MultiregionStrategy),
    { hcl: 'strategy' },
  ),
  regions: field(
    'Regions',
    t.list(() => MultiregionRegion),
    { hcl: 'region' },
  ),
});

export const SpreadTarget = struct('SpreadTarget', {
  value: field('Value', t.string(), { label: true, required: true }),
  percent: field('Percent', t.int({ min: 0, max: 100 }), { hcl: 'percent' }),
});

export const Spread = struct('Spread', {
  attribute: field('Attribute', t.string(), { hcl: 'attribute' }),
  weight: field('Weight', t.int({ min: 0, max: 100 }), { hcl: 'weight' }),
  targets: field(
    'SpreadTarget',
    t.list(() => SpreadTarget),
    { hcl: 'target' },
  ),
});

export const PeriodicConfig = struct(
  'PeriodicConfig',
  {
    enabled: field('Enabled', t.bool(), { hcl: 'enabled' }),
    cron: field('Spec', t.string(), { hcl: 'cron' }),
    crons: field('Specs', t.stringList(), { hcl: 'crons' }),
    prohibitOverlap: field('ProhibitOverlap', t.bool(), { hcl: 'prohibit_overlap' }),
    timeZone: field('TimeZone', t.string(), { hcl: 'time_zone' }),
  },
  periodicHooks,
);

export const ParameterizedJobConfig = struct('ParameterizedJobConfig', {
  payload: field('Payload', t.enum('optional', 'required', 'forbidden'), { hcl: 'payload' }),
  metaRequired: field('MetaRequired', t.stringList(), { hcl: 'meta_required' }),
  metaOptional: field('MetaOptional', t.stringList(), { hcl: 'meta_optional' }),
});

export const ReschedulePolicy = struct('ReschedulePolicy', {
  attempts: field('Attempts', t.int(), { hcl: 'attempts' }),
  interval: field('Interval', t.duration(), { hcl: 'interval' }),
  delay: field('Delay', t.duration(), { hcl: 'delay' }),
  delayFunction: field('DelayFunction', t.enum('constant', 'exponential', 'fibonacci'), { hcl: 'delay_function' }),
  maxDelay: field('MaxDelay', t.duration(), { hcl: 'max_delay' }),
  unlimited: field('Unlimited', t.bool(), { hcl: 'unlimited' }),
});

export const MigrateStrategy = struct('MigrateStrategy', {
  maxParallel: field('MaxParallel', t.int(), { hcl: 'max_parallel' }),
  healthCheck: field('HealthCheck', t.enum('checks', 'task_states'), { hcl: 'health_check' }),
  minHealthyTime: field('MinHealthyTime', t.duration(), { hcl: 'min_healthy_time' }),
  healthyDeadline: field('HealthyDeadline', t.duration(), { hcl: 'healthy_deadline' }),
});

export const JobUILink = struct('JobUILink', {
  label: field('Label', t.string(), { hcl: 'label' }),
  url: field('URL', t.string(), { hcl: 'url' }),
});

export const JobUIConfig = struct('JobUIConfig', {
  description: field('Description', t.string(), { hcl: 'description' }),
  links: field(
    'Links',
    t.list(() => JobUILink),
    { hcl: 'link' },
  ),
});

export const JobVersionTag = struct('JobVersionTag', {});

export const Job = struct('Job', {
  region: field('Region', t.string(), { hcl: 'region' }),
  namespace: field('Namespace', t.string(), { hcl: 'namespace' }),
  id: field('ID', t.string(), { label: true, required: true }),
  name: field('Name', t.string(), { hcl: 'name' }),
  type: field('Type', t.enum('service', 'batch', 'system', 'sysbatch'), { hcl: 'type' }),
  priority: field('Priority', t.int({ min: 1, max: 100 }), { hcl: 'priority' }),
  allAtOnce: field('AllAtOnce', t.bool(), { hcl: 'all_at_once' }),
  datacenters: field('Datacenters', t.stringList(), { hcl: 'datacenters' }),
  nodePool: field('NodePool', t.string(), { hcl: 'node_pool' }),
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
  groups: field(
    'TaskGroups',
    t.list(() => TaskGroup),
    { hcl: 'group' },
  ),
  update: field(
    'Update',
    t.struct(() => UpdateStrategy),
    { hcl: 'update' },
  ),
  multiregion: field(
    'Multiregion',
    t.struct(() => Multiregion),
    { hcl: 'multiregion' },
  ),
  spreads: field(
    'Spreads',
    t.list(() => Spread),
    { hcl: 'spread' },
  ),
  periodic: field(
    'Periodic',
    t.struct(() => PeriodicConfig),
    { hcl: 'periodic' },
  ),
  parameterized: field(
    'ParameterizedJob',
    t.struct(() => ParameterizedJobConfig),
    { hcl: 'parameterized' },
  ),
  reschedule: field(
    'Reschedule',
    t.struct(() => ReschedulePolicy),
    { hcl: 'reschedule' },
  ),
  migrate: field(
    'Migrate',
    t.struct(() => MigrateStrategy),
    { hcl: 'migrate' },
  ),
  meta: field('Meta', t.stringMap(), { hcl: 'meta' }),
  ui: field(
    'UI',
    t.struct(() => JobUIConfig),
    { hcl: 'ui' },
  ),
});
