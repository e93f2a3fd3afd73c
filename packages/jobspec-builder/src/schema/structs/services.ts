import { field, struct, t } from '../dsl';
import { ConsulConnect } from './consul';
import { WorkloadIdentity } from './tasks';

// The job structs of Nomad's api/services.go, in its order.

export const CheckRestart = struct('CheckRestart', {
  limit: field('Limit', t.int(), { hcl: 'limit' }),
  grace: field('Grace', t.duration(), { hcl: 'grace' }),
  ignoreWarnings: field('IgnoreWarnings', t.bool(), { hcl: 'ignore_warnings' }),
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

export const ServiceWeights = struct('ServiceWeights', {
  passing: field('Passing', t.int(), { hcl: 'passing' }),
  warning: field('Warning', t.int(), { hcl: 'warning' }),
});
