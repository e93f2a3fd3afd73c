import { field, struct, t } from '../dsl';
import { networkHooks } from '../hooks';
import { Constraint } from './constraint';
import { Affinity } from './tasks';

// The job structs of Nomad's api/resources.go, in its order.

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

export const NUMAResource = struct('NUMAResource', {
  affinity: field('Affinity', t.string(), { hcl: 'affinity' }),
  devices: field('Devices', t.stringList(), { hcl: 'devices' }),
});

export const Port = struct('Port', {
  label: field('Label', t.string(), { label: true, required: true }),
  static: field('Value', t.int({ min: 0, max: 65535 }), { hcl: 'static' }),
  to: field('To', t.int({ min: -1, max: 65535 }), { hcl: 'to' }),
  hostNetwork: field('HostNetwork', t.string(), { hcl: 'host_network' }),
  ignoreCollision: field('IgnoreCollision', t.bool(), { hcl: 'ignore_collision' }),
});

export const DNSConfig = struct('DNSConfig', {
  servers: field('Servers', t.stringList(), { hcl: 'servers' }),
  searches: field('Searches', t.stringList(), { hcl: 'searches' }),
  options: field('Options', t.stringList(), { hcl: 'options' }),
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
