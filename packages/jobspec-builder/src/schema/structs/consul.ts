import { field, struct, t } from '../dsl';
import { Resources } from './resources';
import { LogConfig, VolumeMount, WorkloadIdentity } from './tasks';

// The job structs of Nomad's api/consul.go, in its order.

export const Consul = struct('Consul', {
  namespace: field('Namespace', t.string(), { hcl: 'namespace' }),
  cluster: field('Cluster', t.string(), { hcl: 'cluster' }),
  partition: field('Partition', t.string(), { hcl: 'partition' }),
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

export const ConsulExposeConfig = struct('ConsulExposeConfig', {
  paths: field(
    'Paths',
    t.list(() => ConsulExposePath),
    { hcl: 'path' },
  ),
});

export const ConsulExposePath = struct('ConsulExposePath', {
  path: field('Path', t.string(), { hcl: 'path' }),
  protocol: field('Protocol', t.string(), { hcl: 'protocol' }),
  localPathPort: field('LocalPathPort', t.int(), { hcl: 'local_path_port' }),
  listenerPort: field('ListenerPort', t.string(), { hcl: 'listener_port' }),
});

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
