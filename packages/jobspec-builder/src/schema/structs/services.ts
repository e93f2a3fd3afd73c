import { field, struct, t } from '../dsl';
import { ConsulConnect } from './consul';
import { WorkloadIdentity } from './tasks';

// The job structs of Nomad's api/services.go, in its order.

export const CheckRestart = struct('CheckRestart', {
  limit: field('Limit', t.int(), {
    hcl: 'limit',
    doc: 'Consecutive failing checks before the task restarts (0: never).',
    default: '0',
  }),
  grace: field('Grace', t.duration(), {
    hcl: 'grace',
    doc: 'Time after the task starts before failing checks count.',
    default: '1s',
  }),
  ignoreWarnings: field('IgnoreWarnings', t.bool(), {
    hcl: 'ignore_warnings',
    doc: 'Whether a warning check counts as passing.',
    default: 'false',
  }),
});

export const ServiceCheck = struct('ServiceCheck', {
  name: field('Name', t.string(), { hcl: 'name', doc: 'The check name.', default: '"service: \\"<name>\\" check"' }),
  type: field('Type', t.enum('http', 'tcp', 'grpc', 'script'), {
    hcl: 'type',
    doc: 'The kind of check: "http", "tcp", "grpc" or "script".',
  }),
  command: field('Command', t.string(), { hcl: 'command', doc: 'The command a script check runs.' }),
  args: field('Args', t.stringList(), {
    hcl: 'args',
    doc: "Arguments of a script check's command.",
    default: '- none',
  }),
  path: field('Path', t.string(), { hcl: 'path', doc: 'The HTTP path an http check requests.' }),
  protocol: field('Protocol', t.string(), {
    hcl: 'protocol',
    doc: 'The protocol of an http check: "http" or "https".',
    default: '"http"',
  }),
  port: field('PortLabel', t.string(), {
    hcl: 'port',
    doc: 'The port label (or number) to check.',
    default: "- the service's",
  }),
  expose: field('Expose', t.bool(), {
    hcl: 'expose',
    doc: 'Consul Connect: exposes the check through the sidecar proxy.',
    default: 'false',
  }),
  addressMode: field('AddressMode', t.enum('alloc', 'alloc_ipv6', 'driver', 'host'), {
    hcl: 'address_mode',
    doc: 'Which address is checked: "alloc", "driver" or "host".',
    default: '"host"',
  }),
  advertise: field('Advertise', t.string(), {
    hcl: 'advertise',
    doc: "An address to check instead of the service's.",
    default: '- by address_mode',
  }),
  interval: field('Interval', t.duration(), { hcl: 'interval', doc: 'Time between checks (at least 1s).' }),
  timeout: field('Timeout', t.duration(), { hcl: 'timeout', doc: 'Time a check may take (at least 1s).' }),
  initialStatus: field('InitialStatus', t.enum('passing', 'warning', 'critical'), {
    hcl: 'initial_status',
    doc: 'The status before the first check: "passing", "warning" or "critical".',
    default: '"critical"',
  }),
  notes: field('Notes', t.string(), {
    hcl: 'notes',
    doc: 'Consul: free text shown with the check.',
    default: '- none',
  }),
  tlsServerName: field('TLSServerName', t.string(), {
    hcl: 'tls_server_name',
    doc: 'Consul: the server name for TLS verification of an https check.',
    default: '- the host',
  }),
  tlsSkipVerify: field('TLSSkipVerify', t.bool(), {
    hcl: 'tls_skip_verify',
    doc: 'Whether an https check skips certificate verification.',
    default: 'false',
  }),
  header: field('Header', t.stringListMap(), {
    hcl: 'header',
    doc: 'HTTP headers of an http check (each a list of values).',
    default: '- none',
  }),
  method: field('Method', t.string(), { hcl: 'method', doc: 'The HTTP method of an http check.', default: '"GET"' }),
  checkRestart: field(
    'CheckRestart',
    t.struct(() => CheckRestart),
    { hcl: 'check_restart', doc: 'Restarts the task when this check keeps failing.', default: "- the service's" },
  ),
  grpcService: field('GRPCService', t.string(), {
    hcl: 'grpc_service',
    doc: 'The gRPC service a grpc check asks about.',
    default: '- the server',
  }),
  grpcUseTls: field('GRPCUseTLS', t.bool(), {
    hcl: 'grpc_use_tls',
    doc: 'Whether a grpc check uses TLS.',
    default: 'false',
  }),
  task: field('TaskName', t.string(), {
    hcl: 'task',
    doc: 'The task a check of a group service runs in.',
    default: "- the service's",
  }),
  successBeforePassing: field('SuccessBeforePassing', t.int(), {
    hcl: 'success_before_passing',
    doc: 'Consul: successes needed before the check passes.',
    default: '0',
  }),
  failuresBeforeCritical: field('FailuresBeforeCritical', t.int(), {
    hcl: 'failures_before_critical',
    doc: 'Consul: failures needed before the check is critical.',
    default: '0',
  }),
  failuresBeforeWarning: field('FailuresBeforeWarning', t.int(), {
    hcl: 'failures_before_warning',
    doc: 'Consul: failures needed before the check warns.',
    default: '0',
  }),
  body: field('Body', t.string(), { hcl: 'body', doc: "The body of an http check's request.", default: '- none' }),
  onUpdate: field('OnUpdate', t.enum('require_healthy', 'ignore_warnings', 'ignore'), {
    hcl: 'on_update',
    doc: 'How this check counts during deployments.',
    default: '"require_healthy"',
  }),
});

export const Service = struct('Service', {
  name: field('Name', t.string(), {
    hcl: 'name',
    doc: 'The service name, a DNS label; ${...} interpolation is allowed.',
    default: '"<job>-<group>-<task>"',
  }),
  tags: field('Tags', t.stringList(), { hcl: 'tags', doc: 'Tags of the service.', default: '- none' }),
  canaryTags: field('CanaryTags', t.stringList(), {
    hcl: 'canary_tags',
    doc: 'Tags used while the allocation is a canary.',
    default: '- the tags',
  }),
  enableTagOverride: field('EnableTagOverride', t.bool(), {
    hcl: 'enable_tag_override',
    doc: 'Consul: whether anti-entropy may change the tags.',
    default: 'false',
  }),
  port: field('PortLabel', t.string(), {
    hcl: 'port',
    doc: 'The port label (or number) the service is reachable on.',
    default: '- no port',
  }),
  addressMode: field('AddressMode', t.enum('alloc', 'alloc_ipv6', 'auto', 'driver', 'host'), {
    hcl: 'address_mode',
    doc: 'Which address is advertised: "alloc", "auto", "driver" or "host".',
    default: '"auto"',
  }),
  address: field('Address', t.string(), {
    hcl: 'address',
    doc: "An address to advertise instead of the node's.",
    default: '- by address_mode',
  }),
  checks: field(
    'Checks',
    t.list(() => ServiceCheck),
    { hcl: 'check', doc: 'Health checks of the service.', default: '- none' },
  ),
  checkRestart: field(
    'CheckRestart',
    t.struct(() => CheckRestart),
    {
      hcl: 'check_restart',
      doc: 'Restarts the task when its checks keep failing (for every check).',
      default: '- never',
    },
  ),
  connect: field(
    'Connect',
    t.struct(() => ConsulConnect),
    { hcl: 'connect', doc: 'Consul Connect service mesh settings.', default: '- not in the mesh' },
  ),
  meta: field('Meta', t.stringMap(), { hcl: 'meta', doc: 'Metadata of the service.', default: '- none' }),
  canaryMeta: field('CanaryMeta', t.stringMap(), {
    hcl: 'canary_meta',
    doc: 'Metadata used while the allocation is a canary.',
    default: '- the meta',
  }),
  taggedAddresses: field('TaggedAddresses', t.stringMap(), {
    hcl: 'tagged_addresses',
    doc: 'Consul tagged addresses of the service.',
    default: '- none',
  }),
  task: field('TaskName', t.string(), {
    hcl: 'task',
    doc: 'The task a group service (and its script checks) belongs to.',
    default: '- none',
  }),
  onUpdate: field('OnUpdate', t.enum('require_healthy', 'ignore_warnings', 'ignore'), {
    hcl: 'on_update',
    doc: 'How check results count during deployments: "require_healthy", "ignore_warnings", "ignore".',
    default: '"require_healthy"',
  }),
  identity: field(
    'Identity',
    t.struct(() => WorkloadIdentity),
    { hcl: 'identity', doc: 'The workload identity of the service (Consul).', default: '- the default' },
  ),
  weights: field(
    'Weights',
    t.struct(() => ServiceWeights),
    { hcl: 'weights', doc: 'Consul DNS weights by check status.', default: "- Consul's" },
  ),
  provider: field('Provider', t.enum('consul', 'nomad'), {
    hcl: 'provider',
    doc: 'The service registry: "consul" or "nomad".',
    default: '"consul"',
  }),
  cluster: field('Cluster', t.string(), {
    hcl: 'cluster',
    doc: 'The Consul cluster to register in.',
    default: '"default"',
  }),
  kind: field('Kind', t.string(), {
    hcl: 'kind',
    doc: 'Consul: the gateway kind of the service.',
    default: '- a plain service',
  }),
});

export const ServiceWeights = struct('ServiceWeights', {
  passing: field('Passing', t.int(), { hcl: 'passing', doc: 'DNS weight while checks pass.', default: '1' }),
  warning: field('Warning', t.int(), { hcl: 'warning', doc: 'DNS weight while a check warns.', default: '1' }),
});
