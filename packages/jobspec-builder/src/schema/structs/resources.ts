import { field, struct, t } from '../dsl';
import { networkHooks } from '../hooks';
import { Constraint } from './constraint';
import { Affinity } from './task-groups';

// The job structs of Nomad's api/resources.go, in its order.

export const Resources = struct('Resources', {
  cpu: field('CPU', t.int({ min: 1 }), { hcl: 'cpu', doc: 'CPU to reserve, in MHz.', default: '100' }),
  cores: field('Cores', t.int({ min: 1 }), {
    hcl: 'cores',
    doc: 'Whole CPU cores to reserve, instead of cpu.',
    default: '- not set',
  }),
  memory: field('MemoryMB', t.size(), { hcl: 'memory', doc: 'Memory to reserve, in MiB.', default: '300' }),
  memoryMax: field('MemoryMaxMB', t.size(), {
    hcl: 'memory_max',
    doc: 'Memory the task may use beyond its reservation (oversubscription), in MiB.',
    default: '- no oversubscription',
  }),
  disk: field('DiskMB', t.size(), {
    hcl: 'disk',
    doc: 'Deprecated: use the group ephemeral_disk.',
    default: '- not set',
  }),
  networks: field(
    'Networks',
    t.list(() => NetworkResource),
    { hcl: 'network', doc: 'Deprecated task-level networks: use the group network.', default: '- none' },
  ),
  devices: field(
    'Devices',
    t.list(() => RequestedDevice),
    { hcl: 'device', doc: 'Devices (GPUs, FPGAs) the task needs.', default: '- none' },
  ),
  numa: field(
    'NUMA',
    t.struct(() => NUMAResource),
    { hcl: 'numa', doc: 'NUMA placement of the reserved cores.', default: '- none' },
  ),
  secrets: field('SecretsMB', t.size(), {
    hcl: 'secrets',
    doc: 'Size of the in-memory secrets directory, in MiB.',
    default: '1',
  }),
  iops: field('IOPS', t.int(), { hcl: 'iops', doc: 'Deprecated, ignored.', default: '- not set' }),
});

export const NUMAResource = struct('NUMAResource', {
  affinity: field('Affinity', t.string(), {
    hcl: 'affinity',
    doc: 'How cores are placed on NUMA nodes: "none", "prefer" or "require".',
    default: '"none"',
  }),
  devices: field('Devices', t.stringList(), {
    hcl: 'devices',
    doc: 'Devices to place on the same NUMA node as the cores.',
    default: '- none',
  }),
});

export const Port = struct('Port', {
  label: field('Label', t.string(), {
    label: true,
    required: true,
    doc: 'The port label, used to refer to the port (NOMAD_PORT_<label>).',
  }),
  static: field('Value', t.int({ min: 0, max: 65535 }), {
    hcl: 'static',
    doc: 'A fixed host port; without it Nomad picks a dynamic port.',
    default: '- a dynamic port',
  }),
  to: field('To', t.int({ min: -1, max: 65535 }), {
    hcl: 'to',
    doc: 'The port inside the allocation the host port maps to (-1: the same).',
    default: '- no mapping',
  }),
  hostNetwork: field('HostNetwork', t.string(), {
    hcl: 'host_network',
    doc: 'The host network the port is reserved on.',
    default: '"default"',
  }),
  ignoreCollision: field('IgnoreCollision', t.bool(), {
    hcl: 'ignore_collision',
    doc: "Whether a static port may collide with another allocation's (host mode).",
    default: 'false',
  }),
});

export const DNSConfig = struct('DNSConfig', {
  servers: field('Servers', t.stringList(), {
    hcl: 'servers',
    doc: 'DNS servers of the allocation.',
    default: "- the host's",
  }),
  searches: field('Searches', t.stringList(), { hcl: 'searches', doc: 'DNS search domains.', default: "- the host's" }),
  options: field('Options', t.stringList(), { hcl: 'options', doc: 'DNS resolver options.', default: "- the host's" }),
});

export const CNIConfig = struct('CNIConfig', {
  args: field('Args', t.stringMap(), { hcl: 'args', doc: 'Arguments passed to every CNI plugin.', default: '- none' }),
});

export const NetworkResource = struct(
  'NetworkResource',
  {
    mode: field('Mode', t.string(), {
      hcl: 'mode',
      doc: 'The network mode: "host", "bridge", "none", "cni/<name>".',
      default: '"host"',
    }),
    device: field('Device', t.string(), { hcl: 'device', doc: 'The host network device.', default: '- the default' }),
    cidr: field('CIDR', t.string(), { hcl: 'cidr', doc: 'Deprecated.', default: '- not set' }),
    ip: field('IP', t.string(), { hcl: 'ip', doc: 'Deprecated.', default: '- not set' }),
    dns: field(
      'DNS',
      t.struct(() => DNSConfig),
      { hcl: 'dns', doc: 'DNS settings of the allocation.', default: "- the host's" },
    ),
    ports: field(
      'DynamicPorts',
      t.list(() => Port),
      { hcl: 'port', doc: 'The ports of the allocation, each labelled.', default: '- none' },
    ),
    hostname: field('Hostname', t.string(), {
      hcl: 'hostname',
      doc: 'The hostname of the allocation (bridge mode).',
      default: '- the allocation ID',
    }),
    mbits: field('MBits', t.int(), { hcl: 'mbits', doc: 'Deprecated, ignored.', default: '- not set' }),
    cni: field(
      'CNI',
      t.struct(() => CNIConfig),
      { hcl: 'cni', doc: 'Arguments passed to CNI plugins.', default: '- none' },
    ),
  },
  networkHooks,
);

export const RequestedDevice = struct('RequestedDevice', {
  name: field('Name', t.string(), {
    label: true,
    required: true,
    doc: 'The device: "<vendor>/<type>/<name>", "<vendor>/<type>" or "<type>".',
  }),
  count: field('Count', t.int(), { hcl: 'count', doc: 'How many instances of the device.', default: '1' }),
  constraints: field(
    'Constraints',
    t.list(() => Constraint),
    { hcl: 'constraint', doc: "Constraints on the device's attributes.", default: '- none' },
  ),
  affinities: field(
    'Affinities',
    t.list(() => Affinity),
    { hcl: 'affinity', doc: 'Preferences among devices.', default: '- none' },
  ),
});
