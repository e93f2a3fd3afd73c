import { isIdentifier } from '@org/jobspec-builder/hcl';
import { z } from 'zod';

/**
 * One description per block of the agent configuration: for each model key, its HCL name and
 * kind. The zod schema, the HCL renderer and the key check against Nomad's structs are all
 * derived from it, so a key is described once.
 */

/** A field of a block. */
export type FieldSpec =
  | { readonly kind: 'attribute'; readonly hcl: string; readonly schema: z.ZodType; readonly required?: boolean }
  | { readonly kind: 'block'; readonly hcl: string; readonly struct: StructSpec; readonly required?: boolean }
  /** Repeated blocks labeled by one of their fields (`host_volume "data" { path = ... }`). */
  | { readonly kind: 'labeledBlocks'; readonly hcl: string; readonly labelField: string; readonly struct: StructSpec }
  /** A plugin's free-form `config`: nested objects become nested blocks. */
  | { readonly kind: 'freeform'; readonly hcl: string };

/** A block of the agent configuration. */
export interface StructSpec {
  /** The Go struct that Nomad decodes this block into (the name in Nomad's source). */
  readonly goStruct: string;
  /** Model key -> field, in rendering order (attributes are rendered before blocks). */
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

// Nomad reads its agent configuration with HCL 1, which keeps `${` and `%{` in strings as they are,
// while the HCL 2 writer escapes them (`$${`): a string holding them would reach Nomad changed.
const agentString = z
  .string()
  .refine((value) => !value.includes('${') && !value.includes('%{'), {
    message: 'expected a string without "${" or "%{" (Nomad does not interpolate agent configuration)',
  })
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to reject control characters.
  .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), {
    message: 'expected a string without control characters or newlines',
  });
const nonEmpty = agentString.refine((value) => value.length > 0, { message: 'expected a non-empty string' });
const absolutePath = agentString.regex(/^\/[^\s]*$/, 'expected an absolute path without spaces');
/** A Go `time.ParseDuration` string. */
const goDuration = z
  .string()
  .regex(/^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/, 'expected a Go duration such as "200ms", "10s" or "1h30m"');
const port = z.number().int().min(1).max(65_535);
const nonNegativeInt = z.number().int().min(0);
const positiveInt = z.number().int().min(1);
const stringMap = z.record(z.string().min(1), agentString);

const attr = (hcl: string, schema: z.ZodType, required = false): FieldSpec => ({
  kind: 'attribute',
  hcl,
  schema,
  required,
});
const block = (hcl: string, struct: StructSpec, required = false): FieldSpec => ({
  kind: 'block',
  hcl,
  struct,
  required,
});

const Ports: StructSpec = {
  goStruct: 'Ports',
  fields: { http: attr('http', port), rpc: attr('rpc', port), serf: attr('serf', port) },
};

const address = (goStruct: string): StructSpec => ({
  goStruct,
  fields: { http: attr('http', nonEmpty), rpc: attr('rpc', nonEmpty), serf: attr('serf', nonEmpty) },
});

const ServerJoin: StructSpec = {
  goStruct: 'ServerJoin',
  fields: {
    retryJoin: attr('retry_join', z.array(nonEmpty).min(1)),
    retryMax: attr('retry_max', nonNegativeInt),
    retryInterval: attr('retry_interval', goDuration),
  },
};

const ClientIntroduction: StructSpec = {
  goStruct: 'ClientIntroduction',
  fields: {
    enforcement: attr('enforcement', z.enum(['none', 'warn', 'strict'])),
    defaultIdentityTtl: attr('default_identity_ttl', goDuration),
    maxIdentityTtl: attr('max_identity_ttl', goDuration),
  },
};

const Server: StructSpec = {
  goStruct: 'ServerConfig',
  fields: {
    enabled: attr('enabled', z.boolean(), true),
    bootstrapExpect: attr('bootstrap_expect', positiveInt),
    encrypt: attr('encrypt', z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'expected 32 bytes in base64 (44 characters)')),
    raftProtocol: attr('raft_protocol', z.literal(3)),
    heartbeatGrace: attr('heartbeat_grace', goDuration),
    nodeGcThreshold: attr('node_gc_threshold', goDuration),
    jobGcThreshold: attr('job_gc_threshold', goDuration),
    evalGcThreshold: attr('eval_gc_threshold', goDuration),
    deploymentGcThreshold: attr('deployment_gc_threshold', goDuration),
    rejoinAfterLeave: attr('rejoin_after_leave', z.boolean()),
    nonVotingServer: attr('non_voting_server', z.boolean()),
    oidcIssuer: attr('oidc_issuer', agentString.regex(/^https:\/\/[^\s/]+(\/[^\s]*)?$/, 'expected an https:// URL')),
    serverJoin: block('server_join', ServerJoin),
    clientIntroduction: block('client_introduction', ClientIntroduction),
  },
};

/** Not among the structs of `config.go`: `structs.ClientHostVolumeConfig`, keys from Nomad's client docs. */
const HostVolume: StructSpec = {
  goStruct: 'ClientHostVolumeConfig',
  fields: {
    name: attr('name', z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'expected letters, digits, "_" or "-"'), true),
    path: attr('path', absolutePath, true),
    readOnly: attr('read_only', z.boolean()),
  },
};

const DrainOnShutdown: StructSpec = {
  goStruct: 'DrainConfig',
  fields: {
    deadline: attr('deadline', goDuration),
    force: attr('force', z.boolean()),
    ignoreSystemJobs: attr('ignore_system_jobs', z.boolean()),
  },
};

const Reserved: StructSpec = {
  goStruct: 'Resources',
  fields: {
    cpu: attr('cpu', nonNegativeInt),
    memory: attr('memory', nonNegativeInt),
    disk: attr('disk', nonNegativeInt),
    reservedPorts: attr('reserved_ports', z.string().regex(/^\d+(-\d+)?(,\d+(-\d+)?)*$/, 'expected "22,80,8000-8100"')),
  },
};

/** Node pool names: https://developer.hashicorp.com/nomad/docs/concepts/node-pools */
export const NODE_POOL_NAME = /^[a-zA-Z0-9-_]{1,128}$/;

const Client: StructSpec = {
  goStruct: 'ClientConfig',
  fields: {
    enabled: attr('enabled', z.boolean(), true),
    nodePool: attr('node_pool', z.string().regex(NODE_POOL_NAME, 'expected 1 to 128 letters, digits, "-" or "_"')),
    nodeClass: attr('node_class', nonEmpty),
    servers: attr('servers', z.array(nonEmpty).min(1)),
    cniPath: attr('cni_path', absolutePath),
    cniConfigDir: attr('cni_config_dir', absolutePath),
    maxKillTimeout: attr('max_kill_timeout', goDuration),
    gcDiskUsageThreshold: attr('gc_disk_usage_threshold', z.number().min(0).max(100)),
    networkInterface: attr('network_interface', nonEmpty),
    meta: attr('meta', stringMap),
    options: attr('options', stringMap),
    serverJoin: block('server_join', ServerJoin),
    drainOnShutdown: block('drain_on_shutdown', DrainOnShutdown),
    reserved: block('reserved', Reserved),
    hostVolumes: { kind: 'labeledBlocks', hcl: 'host_volume', labelField: 'name', struct: HostVolume },
  },
};

const Autopilot: StructSpec = {
  goStruct: 'AutopilotConfig',
  fields: {
    cleanupDeadServers: attr('cleanup_dead_servers', z.boolean()),
    lastContactThreshold: attr('last_contact_threshold', goDuration),
    maxTrailingLogs: attr('max_trailing_logs', positiveInt),
    minQuorum: attr('min_quorum', positiveInt),
    serverStabilizationTime: attr('server_stabilization_time', goDuration),
  },
};

const Telemetry: StructSpec = {
  goStruct: 'Telemetry',
  fields: {
    collectionInterval: attr('collection_interval', goDuration),
    disableHostname: attr('disable_hostname', z.boolean()),
    prometheusMetrics: attr('prometheus_metrics', z.boolean()),
    publishAllocationMetrics: attr('publish_allocation_metrics', z.boolean()),
    publishNodeMetrics: attr('publish_node_metrics', z.boolean()),
    useNodeName: attr('use_node_name', z.boolean()),
  },
};

const Acl: StructSpec = {
  goStruct: 'ACLConfig',
  fields: {
    enabled: attr('enabled', z.boolean(), true),
    tokenTtl: attr('token_ttl', goDuration),
    policyTtl: attr('policy_ttl', goDuration),
    roleTtl: attr('role_ttl', goDuration),
  },
};

const Tls: StructSpec = {
  goStruct: 'TLSConfig',
  fields: {
    http: attr('http', z.boolean()),
    rpc: attr('rpc', z.boolean()),
    caFile: attr('ca_file', absolutePath),
    certFile: attr('cert_file', absolutePath),
    keyFile: attr('key_file', absolutePath),
    verifyServerHostname: attr('verify_server_hostname', z.boolean()),
    verifyHttpsClient: attr('verify_https_client', z.boolean()),
    rpcUpgradeMode: attr('rpc_upgrade_mode', z.boolean()),
    tlsMinVersion: attr('tls_min_version', z.enum(['tls12', 'tls13'])),
  },
};

const Ui: StructSpec = { goStruct: 'UIConfig', fields: { enabled: attr('enabled', z.boolean(), true) } };

const Plugin: StructSpec = {
  goStruct: 'PluginConfig',
  fields: {
    name: attr('name', z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a plugin name such as "docker"'), true),
    args: attr('args', z.array(agentString)),
    config: { kind: 'freeform', hcl: 'config' },
  },
};

/** The top level of an agent configuration file. */
export const AGENT_CONFIG: StructSpec = {
  goStruct: 'Config',
  fields: {
    region: attr('region', z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, "_" or "-"')),
    datacenter: attr('datacenter', z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, "_" or "-"')),
    name: attr('name', nonEmpty),
    dataDir: attr('data_dir', absolutePath, true),
    pluginDir: attr('plugin_dir', absolutePath),
    bindAddr: attr('bind_addr', nonEmpty),
    logLevel: attr('log_level', z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'OFF'])),
    logJson: attr('log_json', z.boolean()),
    logFile: attr('log_file', absolutePath),
    logRotateBytes: attr('log_rotate_bytes', positiveInt),
    logRotateMaxFiles: attr('log_rotate_max_files', positiveInt),
    leaveOnInterrupt: attr('leave_on_interrupt', z.boolean()),
    leaveOnTerminate: attr('leave_on_terminate', z.boolean()),
    disableUpdateCheck: attr('disable_update_check', z.boolean()),
    ports: block('ports', Ports),
    addresses: block('addresses', address('Addresses')),
    advertise: block('advertise', address('AdvertiseAddrs')),
    server: block('server', Server),
    client: block('client', Client),
    autopilot: block('autopilot', Autopilot),
    telemetry: block('telemetry', Telemetry),
    acl: block('acl', Acl),
    tls: block('tls', Tls),
    ui: block('ui', Ui),
    plugins: { kind: 'labeledBlocks', hcl: 'plugin', labelField: 'name', struct: Plugin },
  },
};

/** A free-form plugin config value: scalars, lists of scalars, objects and lists of objects. */
const freeformValue: z.ZodType = z.lazy(() =>
  z.union([
    agentString,
    z.number().refine(Number.isFinite, 'expected a finite number'),
    z.boolean(),
    z.array(z.union([agentString, z.number(), z.boolean()])),
    z.array(freeformObject),
    freeformObject,
  ]),
);
const freeformObject: z.ZodType = z.lazy(() =>
  z.record(z.string().refine(isIdentifier, 'expected an identifier (letters, digits, "_" and "-")'), freeformValue),
);

/** The zod schema of a block: a strict object, so a key Nomad would not know is an error, not a silent no-op. */
export function schemaOf(struct: StructSpec): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(struct.fields)) {
    let schema: z.ZodType;
    let required = false;
    switch (field.kind) {
      case 'attribute':
        schema = field.schema;
        required = field.required === true;
        break;
      case 'block':
        schema = schemaOf(field.struct);
        required = field.required === true;
        break;
      case 'labeledBlocks':
        schema = z.array(schemaOf(field.struct)).refine(uniqueBy(field.labelField), {
          message: `expected each ${field.labelField} once`,
        });
        break;
      case 'freeform':
        schema = freeformObject;
        break;
    }
    shape[key] = required ? schema : schema.optional();
  }
  return z.strictObject(shape);
}

function uniqueBy(key: string): (items: unknown[]) => boolean {
  return (items) => new Set(items.map((item) => (item as Record<string, unknown>)[key])).size === items.length;
}
