import { field, struct, t } from '../dsl';
import { Resources } from './resources';
import { LogConfig, VolumeMount, WorkloadIdentity } from './tasks';

// The job structs of Nomad's api/consul.go, in its order.

export const Consul = struct('Consul', {
  namespace: field('Namespace', t.string(), {
    hcl: 'namespace',
    doc: 'Enterprise: the Consul namespace.',
    default: "- the agent's",
  }),
  cluster: field('Cluster', t.string(), { hcl: 'cluster', doc: 'The Consul cluster.', default: '"default"' }),
  partition: field('Partition', t.string(), {
    hcl: 'partition',
    doc: 'Enterprise: the Consul admin partition.',
    default: "- the agent's",
  }),
});

export const ConsulConnect = struct('ConsulConnect', {
  native: field('Native', t.bool(), {
    hcl: 'native',
    doc: 'Whether the task speaks Connect natively.',
    default: 'false',
  }),
  gateway: field(
    'Gateway',
    t.struct(() => ConsulGateway),
    { hcl: 'gateway', doc: 'Runs the service as a Consul gateway.', default: '- not a gateway' },
  ),
  sidecarService: field(
    'SidecarService',
    t.struct(() => ConsulSidecarService),
    { hcl: 'sidecar_service', doc: 'The sidecar proxy service of the task.', default: '- none' },
  ),
  sidecarTask: field(
    'SidecarTask',
    t.struct(() => SidecarTask),
    { hcl: 'sidecar_task', doc: 'Overrides of the sidecar proxy task.', default: "- Nomad's Envoy task" },
  ),
});

export const ConsulSidecarService = struct('ConsulSidecarService', {
  tags: field('Tags', t.stringList(), { hcl: 'tags', doc: 'Tags of the sidecar service.', default: "- the service's" }),
  port: field('Port', t.string(), { hcl: 'port', doc: 'The port label of the sidecar.', default: '- a dynamic port' }),
  proxy: field(
    'Proxy',
    t.struct(() => ConsulProxy),
    { hcl: 'proxy', doc: 'The proxy configuration.', default: "- Nomad's" },
  ),
  disableDefaultTcpCheck: field('DisableDefaultTCPCheck', t.bool(), {
    hcl: 'disable_default_tcp_check',
    doc: "Whether the sidecar's default TCP check is left out.",
    default: 'false',
  }),
  meta: field('Meta', t.stringMap(), {
    hcl: 'meta',
    doc: 'Metadata of the sidecar service.',
    default: "- the service's",
  }),
});

export const SidecarTask = struct('SidecarTask', {
  name: field('Name', t.string(), { hcl: 'name', doc: 'The sidecar task name.', default: '"connect-proxy-<service>"' }),
  driver: field('Driver', t.string(), { hcl: 'driver', doc: 'The driver of the sidecar.', default: '"docker"' }),
  user: field('User', t.string(), { hcl: 'user', doc: 'The user of the sidecar.', default: "- the driver's" }),
  config: field('Config', t.freeform(), {
    hcl: 'config',
    doc: 'The driver configuration of the sidecar.',
    default: "- Nomad's",
  }),
  env: field('Env', t.stringMap(), { hcl: 'env', doc: 'Environment of the sidecar.', default: '- none' }),
  resources: field(
    'Resources',
    t.struct(() => Resources),
    { hcl: 'resources', doc: 'Resources of the sidecar.', default: '- 250 MHz, 128 MB' },
  ),
  meta: field('Meta', t.stringMap(), { hcl: 'meta', doc: 'Metadata of the sidecar.', default: '- none' }),
  killTimeout: field('KillTimeout', t.duration(), {
    hcl: 'kill_timeout',
    doc: 'Time the sidecar has to exit.',
    default: '5s',
  }),
  logs: field(
    'LogConfig',
    t.struct(() => LogConfig),
    { hcl: 'logs', doc: 'Logs of the sidecar.', default: '- 2 files of 2 MB' },
  ),
  shutdownDelay: field('ShutdownDelay', t.duration(), {
    hcl: 'shutdown_delay',
    doc: 'Delay before the sidecar stops.',
    default: '0s',
  }),
  killSignal: field('KillSignal', t.string(), {
    hcl: 'kill_signal',
    doc: 'Signal that stops the sidecar.',
    default: '"SIGINT"',
  }),
  volumeMounts: field(
    'VolumeMounts',
    t.list(() => VolumeMount),
    { hcl: 'volume_mount', doc: 'Volume mounts of the sidecar.', default: '- none' },
  ),
  identities: field(
    'Identities',
    t.list(() => WorkloadIdentity),
    { hcl: 'identity', doc: 'Identities of the sidecar.', default: '- none' },
  ),
});

export const ConsulProxy = struct('ConsulProxy', {
  localServiceAddress: field('LocalServiceAddress', t.string(), {
    hcl: 'local_service_address',
    doc: 'The address the proxy reaches the service on.',
    default: '"127.0.0.1"',
  }),
  localServicePort: field('LocalServicePort', t.int(), {
    hcl: 'local_service_port',
    doc: 'The port the proxy reaches the service on.',
    default: '- the service port',
  }),
  expose: field(
    'Expose',
    t.struct(() => ConsulExposeConfig),
    { hcl: 'expose', doc: 'Paths exposed through the proxy without mTLS (checks).', default: '- none' },
  ),
  upstreams: field(
    'Upstreams',
    t.list(() => ConsulUpstream),
    { hcl: 'upstreams', doc: 'Services this one calls through the mesh.', default: '- none' },
  ),
  transparentProxy: field(
    'TransparentProxy',
    t.struct(() => ConsulTransparentProxy),
    { hcl: 'transparent_proxy', doc: 'Transparent proxy settings.', default: '- off' },
  ),
  config: field('Config', t.freeform(), {
    hcl: 'config',
    doc: 'Envoy proxy configuration; free-form.',
    default: '- none',
  }),
});

export const ConsulMeshGateway = struct('ConsulMeshGateway', {
  mode: field('Mode', t.enum('local', 'remote', 'none'), {
    hcl: 'mode',
    doc: '"local", "remote" or "none".',
    default: "- Consul's",
  }),
});

export const ConsulUpstream = struct('ConsulUpstream', {
  destinationName: field('DestinationName', t.string(), { hcl: 'destination_name', doc: 'The upstream service.' }),
  destinationNamespace: field('DestinationNamespace', t.string(), {
    hcl: 'destination_namespace',
    doc: 'Its Consul namespace.',
    default: '- the same',
  }),
  destinationPeer: field('DestinationPeer', t.string(), {
    hcl: 'destination_peer',
    doc: 'Its cluster peer.',
    default: '- local',
  }),
  destinationPartition: field('DestinationPartition', t.string(), {
    hcl: 'destination_partition',
    doc: 'Its admin partition.',
    default: '- the same',
  }),
  destinationType: field('DestinationType', t.string(), {
    hcl: 'destination_type',
    doc: '"service" or "prepared_query".',
    default: '"service"',
  }),
  localBindPort: field('LocalBindPort', t.int(), {
    hcl: 'local_bind_port',
    doc: 'The local port the upstream is reached on.',
  }),
  datacenter: field('Datacenter', t.string(), {
    hcl: 'datacenter',
    doc: 'Its datacenter.',
    default: '- the local one',
  }),
  localBindAddress: field('LocalBindAddress', t.string(), {
    hcl: 'local_bind_address',
    doc: 'The local address the upstream is bound to.',
    default: '"127.0.0.1"',
  }),
  localBindSocketPath: field('LocalBindSocketPath', t.string(), {
    hcl: 'local_bind_socket_path',
    doc: 'A Unix socket instead of a port.',
    default: '- none',
  }),
  localBindSocketMode: field('LocalBindSocketMode', t.string(), {
    hcl: 'local_bind_socket_mode',
    doc: 'The mode of that socket.',
    default: '- none',
  }),
  meshGateway: field(
    'MeshGateway',
    t.struct(() => ConsulMeshGateway),
    { hcl: 'mesh_gateway', doc: 'How the upstream is reached through mesh gateways.', default: "- Consul's" },
  ),
  config: field('Config', t.freeform(), {
    hcl: 'config',
    doc: 'Upstream configuration; free-form.',
    default: '- none',
  }),
});

export const ConsulTransparentProxy = struct('ConsulTransparentProxy', {
  uid: field('UID', t.string(), { hcl: 'uid', doc: 'The user ID of the proxy.', default: '"101"' }),
  outboundPort: field('OutboundPort', t.int({ min: 0, max: 65535 }), {
    hcl: 'outbound_port',
    doc: 'The port outbound traffic is redirected to.',
    default: '15001',
  }),
  excludeInboundPorts: field('ExcludeInboundPorts', t.stringList(), {
    hcl: 'exclude_inbound_ports',
    doc: 'Inbound ports not redirected.',
    default: '- none',
  }),
  excludeOutboundPorts: field('ExcludeOutboundPorts', t.intList(), {
    hcl: 'exclude_outbound_ports',
    doc: 'Outbound ports not redirected.',
    default: '- none',
  }),
  excludeOutboundCidrs: field('ExcludeOutboundCIDRs', t.stringList(), {
    hcl: 'exclude_outbound_cidrs',
    doc: 'Outbound CIDRs not redirected.',
    default: '- none',
  }),
  excludeUids: field('ExcludeUIDs', t.stringList(), {
    hcl: 'exclude_uids',
    doc: 'User IDs whose traffic is not redirected.',
    default: '- none',
  }),
  noDns: field('NoDNS', t.bool(), { hcl: 'no_dns', doc: 'Whether Consul DNS is not used.', default: 'false' }),
});

export const ConsulExposeConfig = struct('ConsulExposeConfig', {
  paths: field(
    'Paths',
    t.list(() => ConsulExposePath),
    { hcl: 'path', doc: 'The exposed paths.' },
  ),
});

export const ConsulExposePath = struct('ConsulExposePath', {
  path: field('Path', t.string(), { hcl: 'path', doc: 'The HTTP path exposed.' }),
  protocol: field('Protocol', t.string(), { hcl: 'protocol', doc: '"http" or "http2".' }),
  localPathPort: field('LocalPathPort', t.int(), {
    hcl: 'local_path_port',
    doc: 'The local port the path is served on.',
  }),
  listenerPort: field('ListenerPort', t.string(), {
    hcl: 'listener_port',
    doc: 'The port label the path is exposed on.',
  }),
});

export const ConsulGateway = struct('ConsulGateway', {
  proxy: field(
    'Proxy',
    t.struct(() => ConsulGatewayProxy),
    { hcl: 'proxy', doc: 'The Envoy proxy of the gateway.', default: "- Nomad's" },
  ),
  ingress: field(
    'Ingress',
    t.struct(() => ConsulIngressConfigEntry),
    { hcl: 'ingress', doc: 'Makes the gateway an ingress gateway.', default: '- none' },
  ),
  terminating: field(
    'Terminating',
    t.struct(() => ConsulTerminatingConfigEntry),
    { hcl: 'terminating', doc: 'Makes the gateway a terminating gateway.', default: '- none' },
  ),
  mesh: field(
    'Mesh',
    t.struct(() => ConsulMeshConfigEntry),
    { hcl: 'mesh', doc: 'Makes the gateway a mesh gateway.', default: '- none' },
  ),
});

export const ConsulGatewayBindAddress = struct('ConsulGatewayBindAddress', {
  name: field('Name', t.string(), { label: true, doc: 'The address name: the map key.' }),
  address: field('Address', t.string(), { hcl: 'address', doc: 'The IP address.' }),
  port: field('Port', t.int(), { hcl: 'port', doc: 'The port.' }),
});

export const ConsulGatewayProxy = struct('ConsulGatewayProxy', {
  connectTimeout: field('ConnectTimeout', t.duration(), {
    hcl: 'connect_timeout',
    doc: 'Time to connect to an upstream.',
    default: '5s',
  }),
  envoyGatewayBindTaggedAddresses: field('EnvoyGatewayBindTaggedAddresses', t.bool(), {
    hcl: 'envoy_gateway_bind_tagged_addresses',
    doc: 'Whether tagged addresses are bound.',
    default: 'false',
  }),
  envoyGatewayBindAddresses: field(
    'EnvoyGatewayBindAddresses',
    t.map(() => ConsulGatewayBindAddress),
    { hcl: 'envoy_gateway_bind_addresses', doc: 'Addresses the gateway binds, by name.', default: '- none' },
  ),
  envoyGatewayNoDefaultBind: field('EnvoyGatewayNoDefaultBind', t.bool(), {
    hcl: 'envoy_gateway_no_default_bind',
    doc: 'Whether the default address is not bound.',
    default: 'false',
  }),
  envoyDnsDiscoveryType: field('EnvoyDNSDiscoveryType', t.string(), {
    hcl: 'envoy_dns_discovery_type',
    doc: '"LOGICAL_DNS" or "STRICT_DNS".',
    default: '"LOGICAL_DNS"',
  }),
  config: field('Config', t.freeform(), { hcl: 'config', doc: 'Envoy configuration; free-form.', default: '- none' }),
});

export const ConsulGatewayTLSSDSConfig = struct('ConsulGatewayTLSSDSConfig', {
  clusterName: field('ClusterName', t.string(), { hcl: 'cluster_name', doc: 'The SDS cluster.' }),
  certResource: field('CertResource', t.string(), { hcl: 'cert_resource', doc: 'The certificate resource.' }),
});

export const ConsulGatewayTLSConfig = struct('ConsulGatewayTLSConfig', {
  enabled: field('Enabled', t.bool(), { hcl: 'enabled', doc: 'Whether TLS is on.', default: 'false' }),
  tlsMinVersion: field('TLSMinVersion', t.string(), {
    hcl: 'tls_min_version',
    doc: 'The lowest TLS version.',
    default: "- Consul's",
  }),
  tlsMaxVersion: field('TLSMaxVersion', t.string(), {
    hcl: 'tls_max_version',
    doc: 'The highest TLS version.',
    default: "- Consul's",
  }),
  cipherSuites: field('CipherSuites', t.stringList(), {
    hcl: 'cipher_suites',
    doc: 'Allowed cipher suites.',
    default: "- Consul's",
  }),
  sds: field(
    'SDS',
    t.struct(() => ConsulGatewayTLSSDSConfig),
    { hcl: 'sds', doc: 'Envoy SDS certificate source.', default: '- none' },
  ),
});

export const ConsulHTTPHeaderModifiers = struct('ConsulHTTPHeaderModifiers', {
  add: field('Add', t.stringMap(), { hcl: 'add', doc: 'Headers added.', default: '- none' }),
  set: field('Set', t.stringMap(), { hcl: 'set', doc: 'Headers set.', default: '- none' }),
  remove: field('Remove', t.stringList(), { hcl: 'remove', doc: 'Headers removed.', default: '- none' }),
});

export const ConsulIngressService = struct('ConsulIngressService', {
  name: field('Name', t.string(), { hcl: 'name', doc: 'The service name, or "*".' }),
  hosts: field('Hosts', t.stringList(), {
    hcl: 'hosts',
    doc: 'Host names routed to the service.',
    default: '- "<name>.ingress.*"',
  }),
  tls: field(
    'TLS',
    t.struct(() => ConsulGatewayTLSConfig),
    { hcl: 'tls', doc: 'TLS of the service.', default: "- the listener's" },
  ),
  requestHeaders: field(
    'RequestHeaders',
    t.struct(() => ConsulHTTPHeaderModifiers),
    { hcl: 'request_headers', doc: 'Request header changes.', default: '- none' },
  ),
  responseHeaders: field(
    'ResponseHeaders',
    t.struct(() => ConsulHTTPHeaderModifiers),
    { hcl: 'response_headers', doc: 'Response header changes.', default: '- none' },
  ),
  maxConnections: field('MaxConnections', t.int(), {
    hcl: 'max_connections',
    doc: 'The most connections.',
    default: "- Consul's",
  }),
  maxPendingRequests: field('MaxPendingRequests', t.int(), {
    hcl: 'max_pending_requests',
    doc: 'The most pending requests.',
    default: "- Consul's",
  }),
  maxConcurrentRequests: field('MaxConcurrentRequests', t.int(), {
    hcl: 'max_concurrent_requests',
    doc: 'The most concurrent requests.',
    default: "- Consul's",
  }),
});

export const ConsulIngressListener = struct('ConsulIngressListener', {
  port: field('Port', t.int(), { hcl: 'port', doc: 'The listener port.' }),
  protocol: field('Protocol', t.string(), {
    hcl: 'protocol',
    doc: '"tcp", "http", "http2" or "grpc".',
    default: '"tcp"',
  }),
  services: field(
    'Services',
    t.list(() => ConsulIngressService),
    { hcl: 'service', doc: 'The services behind the listener.' },
  ),
});

export const ConsulIngressConfigEntry = struct('ConsulIngressConfigEntry', {
  tls: field(
    'TLS',
    t.struct(() => ConsulGatewayTLSConfig),
    { hcl: 'tls', doc: 'TLS of the listeners.', default: '- off' },
  ),
  listeners: field(
    'Listeners',
    t.list(() => ConsulIngressListener),
    { hcl: 'listener', doc: 'The listeners of the gateway.' },
  ),
});

export const ConsulLinkedService = struct('ConsulLinkedService', {
  name: field('Name', t.string(), { hcl: 'name', doc: 'The linked service.' }),
  caFile: field('CAFile', t.string(), { hcl: 'ca_file', doc: 'CA file for its TLS.', default: '- none' }),
  certFile: field('CertFile', t.string(), { hcl: 'cert_file', doc: 'Client certificate file.', default: '- none' }),
  keyFile: field('KeyFile', t.string(), { hcl: 'key_file', doc: 'Client key file.', default: '- none' }),
  sni: field('SNI', t.string(), { hcl: 'sni', doc: 'The SNI name.', default: '- none' }),
});

export const ConsulTerminatingConfigEntry = struct('ConsulTerminatingConfigEntry', {
  services: field(
    'Services',
    t.list(() => ConsulLinkedService),
    { hcl: 'service', doc: 'The linked services.' },
  ),
});

export const ConsulMeshConfigEntry = struct('ConsulMeshConfigEntry', {});
