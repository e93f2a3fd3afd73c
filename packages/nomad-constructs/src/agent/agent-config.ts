/**
 * The Nomad agent configuration, as a typed model.
 *
 * Keys are Nomad's own (`bootstrap_expect` is `bootstrapExpect`; repeated labeled blocks are
 * plural: `host_volume "x" {}` is `hostVolumes: [{ name: 'x', ... }]`). Only the keys this library
 * sets or expects users to need are modeled; each is checked against the `hcl` tags of Nomad's
 * config structs in the tests. Durations are Go duration strings (`"200ms"`, `"1m30s"`).
 *
 * @see https://developer.hashicorp.com/nomad/docs/configuration
 */
export interface NomadAgentConfig {
  /** @see https://developer.hashicorp.com/nomad/docs/configuration#region */
  readonly region?: string;
  /** @see https://developer.hashicorp.com/nomad/docs/configuration#datacenter */
  readonly datacenter?: string;
  /** The node name. @default - the hostname */
  readonly name?: string;
  /** Where the agent keeps its state (raft data on servers, allocations on clients). */
  readonly dataDir: string;
  /** Where the agent looks for plugin binaries (`nomad-device-nvidia`). */
  readonly pluginDir?: string;
  /** The address the agent binds its listeners to. */
  readonly bindAddr?: string;
  /** `TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR` or `OFF`. */
  readonly logLevel?: string;
  /** Log as JSON lines. */
  readonly logJson?: boolean;
  /** Log file path, in addition to standard output. */
  readonly logFile?: string;
  /** Rotate the log file after this many bytes. */
  readonly logRotateBytes?: number;
  /** Keep this many rotated log files. */
  readonly logRotateMaxFiles?: number;
  /** Leave the cluster gracefully on SIGINT (systemd stops Nomad with SIGINT). */
  readonly leaveOnInterrupt?: boolean;
  /** Leave the cluster gracefully on SIGTERM. */
  readonly leaveOnTerminate?: boolean;
  /** Do not call HashiCorp's update-check service. */
  readonly disableUpdateCheck?: boolean;
  readonly ports?: AgentPorts;
  readonly addresses?: AgentAddresses;
  readonly advertise?: AgentAddresses;
  readonly server?: ServerAgentConfig;
  readonly client?: ClientAgentConfig;
  readonly autopilot?: AutopilotAgentConfig;
  readonly telemetry?: TelemetryAgentConfig;
  readonly acl?: AclAgentConfig;
  readonly tls?: TlsAgentConfig;
  readonly ui?: UiAgentConfig;
  /** `plugin "name" { config { ... } }` blocks: task drivers and device plugins. */
  readonly plugins?: readonly PluginAgentConfig[];
}

/** @see https://developer.hashicorp.com/nomad/docs/configuration#ports */
export interface AgentPorts {
  readonly http?: number;
  readonly rpc?: number;
  readonly serf?: number;
}

/** `addresses` or `advertise`. @see https://developer.hashicorp.com/nomad/docs/configuration#addresses */
export interface AgentAddresses {
  readonly http?: string;
  readonly rpc?: string;
  readonly serf?: string;
}

/** @see https://developer.hashicorp.com/nomad/docs/configuration/server_join */
export interface ServerJoinAgentConfig {
  /** Addresses or cloud auto-join strings (`provider=aws tag_key=... tag_value=...`), retried until one answers. */
  readonly retryJoin?: readonly string[];
  /** Attempts before giving up; 0 retries forever. */
  readonly retryMax?: number;
  readonly retryInterval?: string;
}

/** @see https://developer.hashicorp.com/nomad/docs/configuration/server */
export interface ServerAgentConfig {
  readonly enabled: boolean;
  /** How many servers to wait for before electing the first leader. */
  readonly bootstrapExpect?: number;
  readonly serverJoin?: ServerJoinAgentConfig;
  /** The gossip encryption key (32 bytes, base64). */
  readonly encrypt?: string;
  readonly raftProtocol?: number;
  readonly heartbeatGrace?: string;
  readonly nodeGcThreshold?: string;
  readonly jobGcThreshold?: string;
  readonly evalGcThreshold?: string;
  readonly deploymentGcThreshold?: string;
  readonly rejoinAfterLeave?: boolean;
  readonly nonVotingServer?: boolean;
  /**
   * The `iss` claim of workload identities and the issuer of the OIDC discovery document
   * (`/.well-known/openid-configuration`): an `https://` URL that AWS STS fetches it from.
   *
   * @see https://developer.hashicorp.com/nomad/docs/configuration/server#oidc_issuer
   */
  readonly oidcIssuer?: string;
  /** Whether clients need an introduction token to register (Nomad 1.11). */
  readonly clientIntroduction?: ClientIntroductionAgentConfig;
}

/** @see https://developer.hashicorp.com/nomad/docs/configuration/server#client_introduction-parameters */
export interface ClientIntroductionAgentConfig {
  /**
   * `none` accepts clients without a token, `warn` accepts them and logs and counts each
   * (`nomad.client.introduction.enforcement`), `strict` rejects them.
   *
   * @default 'warn'
   */
  readonly enforcement?: 'none' | 'warn' | 'strict';
  /** The TTL of a token created without one, a Go duration. @default '5m' */
  readonly defaultIdentityTtl?: string;
  /** The longest TTL a token may be created with, a Go duration. @default '30m' */
  readonly maxIdentityTtl?: string;
}

/** @see https://developer.hashicorp.com/nomad/docs/configuration/client#host_volume-block */
export interface HostVolumeAgentConfig {
  /** The volume name jobs refer to (`volume "x" { type = "host" source = "<name>" }`). */
  readonly name: string;
  /** The absolute path on the host. */
  readonly path: string;
  readonly readOnly?: boolean;
}

/** @see https://developer.hashicorp.com/nomad/docs/configuration/client#drain_on_shutdown */
export interface DrainOnShutdownAgentConfig {
  readonly deadline?: string;
  readonly force?: boolean;
  readonly ignoreSystemJobs?: boolean;
}

/** @see https://developer.hashicorp.com/nomad/docs/configuration/client#reserved-parameters */
export interface ReservedResourcesAgentConfig {
  /** MHz. */
  readonly cpu?: number;
  /** MiB. */
  readonly memory?: number;
  /** MiB. */
  readonly disk?: number;
  /** Comma-separated ports and ranges (`"22,80,8000-8100"`). */
  readonly reservedPorts?: string;
}

/** @see https://developer.hashicorp.com/nomad/docs/configuration/client */
export interface ClientAgentConfig {
  readonly enabled: boolean;
  readonly nodePool?: string;
  readonly nodeClass?: string;
  /** Node metadata, for job constraints (`${meta.key}`). */
  readonly meta?: Readonly<Record<string, string>>;
  /** Client options (`driver.allowlist`, ...). */
  readonly options?: Readonly<Record<string, string>>;
  readonly servers?: readonly string[];
  readonly serverJoin?: ServerJoinAgentConfig;
  readonly hostVolumes?: readonly HostVolumeAgentConfig[];
  readonly cniPath?: string;
  readonly cniConfigDir?: string;
  readonly drainOnShutdown?: DrainOnShutdownAgentConfig;
  readonly reserved?: ReservedResourcesAgentConfig;
  readonly maxKillTimeout?: string;
  readonly gcDiskUsageThreshold?: number;
  readonly networkInterface?: string;
}

/** Community-edition autopilot. @see https://developer.hashicorp.com/nomad/docs/configuration/autopilot */
export interface AutopilotAgentConfig {
  readonly cleanupDeadServers?: boolean;
  readonly lastContactThreshold?: string;
  readonly maxTrailingLogs?: number;
  readonly minQuorum?: number;
  readonly serverStabilizationTime?: string;
}

/** @see https://developer.hashicorp.com/nomad/docs/configuration/telemetry */
export interface TelemetryAgentConfig {
  readonly collectionInterval?: string;
  readonly disableHostname?: boolean;
  /** Serve `/v1/metrics?format=prometheus`. */
  readonly prometheusMetrics?: boolean;
  readonly publishAllocationMetrics?: boolean;
  readonly publishNodeMetrics?: boolean;
  readonly useNodeName?: boolean;
}

/** @see https://developer.hashicorp.com/nomad/docs/configuration/acl */
export interface AclAgentConfig {
  readonly enabled: boolean;
  readonly tokenTtl?: string;
  readonly policyTtl?: string;
  readonly roleTtl?: string;
}

/** @see https://developer.hashicorp.com/nomad/docs/configuration/tls */
export interface TlsAgentConfig {
  readonly http?: boolean;
  readonly rpc?: boolean;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly verifyServerHostname?: boolean;
  readonly verifyHttpsClient?: boolean;
  readonly rpcUpgradeMode?: boolean;
  /** `tls12` or `tls13`. */
  readonly tlsMinVersion?: string;
}

/** @see https://developer.hashicorp.com/nomad/docs/configuration/ui */
export interface UiAgentConfig {
  readonly enabled: boolean;
}

/** A value in a plugin's free-form `config` block. Objects become nested blocks, as in Nomad's docs. */
export type PluginConfigValue =
  | string
  | number
  | boolean
  | readonly (string | number | boolean)[]
  | readonly PluginConfigObject[]
  | PluginConfigObject;

/** A free-form plugin `config` object. */
export interface PluginConfigObject {
  readonly [key: string]: PluginConfigValue;
}

/** `plugin "<name>" { args = [...] config { ... } }`. @see https://developer.hashicorp.com/nomad/docs/configuration/plugin */
export interface PluginAgentConfig {
  /** The plugin name: a built-in driver (`docker`) or a binary in `plugin_dir` (`nomad-device-nvidia`). */
  readonly name: string;
  readonly args?: readonly string[];
  /** The plugin's own configuration, passed through as is. */
  readonly config?: PluginConfigObject;
}
