import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from '@cdktn/hcl-tools';
import { parse } from '@cdktn/hcl2json';
import { describe, expect, it } from 'vitest';
import type { NomadAgentConfig } from '../../src/agent/agent-config';
import { AGENT_CONFIG, type StructSpec } from '../../src/agent/agent-config-spec';
import { renderAgentConfig } from '../../src/agent/render-agent-config';
import { NomadError } from '../../src/errors';

/** Every key the model knows, set once: a config that exercises every field of the spec. */
const everything: NomadAgentConfig = {
  region: 'eu',
  datacenter: 'eu-west-1',
  name: 'node-1',
  dataDir: '/opt/nomad/data',
  pluginDir: '/opt/nomad/plugins',
  bindAddr: '0.0.0.0',
  logLevel: 'INFO',
  logJson: true,
  logFile: '/var/log/nomad/nomad.log',
  logRotateBytes: 104857600,
  logRotateMaxFiles: 5,
  leaveOnInterrupt: true,
  leaveOnTerminate: true,
  disableUpdateCheck: true,
  ports: { http: 4646, rpc: 4647, serf: 4648 },
  addresses: { http: '0.0.0.0', rpc: '0.0.0.0', serf: '0.0.0.0' },
  advertise: { http: '10.0.0.1', rpc: '10.0.0.1', serf: '10.0.0.1' },
  server: {
    enabled: true,
    bootstrapExpect: 3,
    encrypt: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    raftProtocol: 3,
    heartbeatGrace: '10s',
    nodeGcThreshold: '24h',
    jobGcThreshold: '4h',
    evalGcThreshold: '1h',
    deploymentGcThreshold: '1h',
    rejoinAfterLeave: false,
    nonVotingServer: false,
    oidcIssuer: 'https://d111111abcdef8.cloudfront.net',
    serverJoin: { retryJoin: ['provider=aws tag_key=K tag_value=V'], retryMax: 0, retryInterval: '15s' },
    clientIntroduction: { enforcement: 'strict', defaultIdentityTtl: '5m', maxIdentityTtl: '30m' },
  },
  client: {
    enabled: true,
    nodePool: 'gpu',
    nodeClass: 'large',
    servers: ['10.0.0.1:4647'],
    cniPath: '/opt/cni/bin',
    cniConfigDir: '/opt/cni/config',
    maxKillTimeout: '30s',
    gcDiskUsageThreshold: 80,
    networkInterface: 'ens5',
    meta: { team: 'ml', 'rack.id': 'r1' },
    options: { 'driver.allowlist': 'docker' },
    serverJoin: { retryJoin: ['provider=aws tag_key=K tag_value=V'], retryMax: 3, retryInterval: '30s' },
    drainOnShutdown: { deadline: '1m', force: false, ignoreSystemJobs: true },
    reserved: { cpu: 500, memory: 512, disk: 1024, reservedPorts: '22,80,8000-8100' },
    hostVolumes: [{ name: 'models', path: '/srv/models', readOnly: true }],
  },
  autopilot: {
    cleanupDeadServers: true,
    lastContactThreshold: '200ms',
    maxTrailingLogs: 250,
    minQuorum: 3,
    serverStabilizationTime: '10s',
  },
  telemetry: {
    collectionInterval: '10s',
    disableHostname: true,
    prometheusMetrics: true,
    publishAllocationMetrics: true,
    publishNodeMetrics: true,
    useNodeName: false,
  },
  acl: { enabled: true, tokenTtl: '30s', policyTtl: '30s', roleTtl: '30s' },
  tls: {
    http: true,
    rpc: true,
    caFile: '/etc/nomad.d/tls/ca.pem',
    certFile: '/etc/nomad.d/tls/server.pem',
    keyFile: '/etc/nomad.d/tls/server-key.pem',
    verifyServerHostname: true,
    verifyHttpsClient: false,
    rpcUpgradeMode: false,
    tlsMinVersion: 'tls12',
  },
  ui: { enabled: true },
  plugins: [
    {
      name: 'docker',
      args: [],
      config: {
        allow_privileged: false,
        extra_labels: ['job_name'],
        auth: { config: '/etc/docker-auth.json' },
        volumes: { enabled: false },
      },
    },
    { name: 'nomad-device-nvidia', config: { enabled: true } },
  ],
};

type Parsed = Record<string, unknown>;
/** hcl2json turns every block into a list of objects (labels become keys). */
const only = (value: unknown): Parsed => {
  expect(Array.isArray(value) && value.length === 1, JSON.stringify(value)).toBe(true);
  return (value as Parsed[])[0] as Parsed;
};

describe('renderAgentConfig', () => {
  const hcl = renderAgentConfig(everything);

  it("renders HCL that HashiCorp's parser reads back with the keys and values that matter", async () => {
    const parsed = (await parse('nomad.hcl', hcl)) as Parsed;
    expect(parsed).toMatchObject({ region: 'eu', datacenter: 'eu-west-1', data_dir: '/opt/nomad/data' });
    const server = only(parsed.server);
    expect(server).toMatchObject({
      enabled: true,
      bootstrap_expect: 3,
      oidc_issuer: 'https://d111111abcdef8.cloudfront.net',
    });
    expect(only(server.client_introduction)).toEqual({
      enforcement: 'strict',
      default_identity_ttl: '5m',
      max_identity_ttl: '30m',
    });
    expect(only(server.server_join)).toEqual({
      retry_join: ['provider=aws tag_key=K tag_value=V'],
      retry_max: 0,
      retry_interval: '15s',
    });
    expect(only(parsed.autopilot)).toEqual({
      cleanup_dead_servers: true,
      last_contact_threshold: '200ms',
      max_trailing_logs: 250,
      min_quorum: 3,
      server_stabilization_time: '10s',
    });
    expect(only(parsed.telemetry)).toMatchObject({
      prometheus_metrics: true,
      disable_hostname: true,
      publish_allocation_metrics: true,
      publish_node_metrics: true,
    });
    const client = only(parsed.client);
    expect(client).toMatchObject({ node_pool: 'gpu', node_class: 'large', meta: { team: 'ml', 'rack.id': 'r1' } });
    expect(client.host_volume).toEqual({ models: [{ path: '/srv/models', read_only: true }] });
    const plugins = parsed.plugin as Record<string, Parsed[]>;
    expect(Object.keys(plugins)).toEqual(['docker', 'nomad-device-nvidia']);
    const docker = only(only(plugins.docker).config);
    expect(docker).toMatchObject({ allow_privileged: false, extra_labels: ['job_name'] });
    expect(only(docker.auth)).toEqual({ config: '/etc/docker-auth.json' });
    expect(only(only(plugins['nomad-device-nvidia']).config)).toEqual({ enabled: true });
  });

  it('is formatted exactly as `nomad fmt` leaves it', async () => {
    expect(await format(hcl)).toBe(hcl);
  });

  it('writes maps with sorted keys, so the output does not depend on prop order', () => {
    const a = renderAgentConfig({ dataDir: '/d', client: { enabled: true, meta: { b: '2', a: '1' } } });
    const b = renderAgentConfig({ dataDir: '/d', client: { enabled: true, meta: { a: '1', b: '2' } } });
    expect(a).toBe(b);
    expect(a).toContain('meta = {\n    a = "1"\n    b = "2"\n  }');
  });

  it("uses only keys that Nomad's agent reads (the hcl tags of its config structs)", () => {
    const structs = JSON.parse(
      readFileSync(join(__dirname, '..', 'fixtures', 'nomad-agent-config-structs.json'), 'utf8'),
    ).structs as Record<string, { hcl: string }[]>;
    // Not among the structs of config.go; keys from https://developer.hashicorp.com/nomad/docs/configuration/client#host_volume-block
    const documented: Record<string, string[]> = { ClientHostVolumeConfig: ['path', 'read_only'] };
    const unknown: string[] = [];
    // labelField: the field written as the block label (`plugin "docker"`), not as a key.
    const visit = (struct: StructSpec, labelField?: string): void => {
      const known = documented[struct.goStruct] ?? (structs[struct.goStruct] ?? []).map((field) => field.hcl);
      expect(known.length, `struct ${struct.goStruct} is in the fixture`).toBeGreaterThan(0);
      for (const [key, field] of Object.entries(struct.fields)) {
        if (key !== labelField && !known.includes(field.hcl)) {
          unknown.push(`${struct.goStruct}.${field.hcl}`);
        }
        if (field.kind === 'block') {
          visit(field.struct);
        } else if (field.kind === 'labeledBlocks') {
          visit(field.struct, field.labelField);
        }
      }
    };
    visit(AGENT_CONFIG);
    expect(unknown).toEqual([]);
  });

  it('renders every field of the model (the example above sets them all)', () => {
    const unset: string[] = [];
    const visit = (struct: StructSpec, value: Record<string, unknown>, path: string): void => {
      for (const [key, field] of Object.entries(struct.fields)) {
        const fieldValue = value[key];
        if (fieldValue === undefined) {
          unset.push(`${path}${key}`);
        } else if (field.kind === 'block') {
          visit(field.struct, fieldValue as Record<string, unknown>, `${path}${key}.`);
        } else if (field.kind === 'labeledBlocks') {
          visit(field.struct, (fieldValue as Record<string, unknown>[])[0] ?? {}, `${path}${key}[0].`);
        }
      }
    };
    visit(AGENT_CONFIG, everything as unknown as Record<string, unknown>, '');
    expect(unset).toEqual([]);
  });

  it('rejects keys Nomad does not know, naming them with their HCL path', () => {
    const config = { dataDir: '/d', server: { enabled: true, bootstrap_expect: 3 } } as unknown as NomadAgentConfig;
    expect(() => renderAgentConfig(config)).toThrowErrorMatchingInlineSnapshot(
      `[NomadError: Invalid Nomad agent configuration at server: unknown key "bootstrap_expect": Nomad's agent does not read it (check the spelling against the Nomad docs).]`,
    );
  });

  it('rejects bad values with what was expected and received, all problems at once', () => {
    const config: NomadAgentConfig = {
      dataDir: 'relative/path',
      server: { enabled: true, bootstrapExpect: 0 },
      autopilot: { lastContactThreshold: '200' },
      client: { enabled: true, nodePool: 'no spaces', meta: { key: 'uses ${attr.x}' } },
    };
    let error: NomadError | undefined;
    try {
      renderAgentConfig(config);
    } catch (caught) {
      error = caught as NomadError;
    }
    expect(error).toBeInstanceOf(NomadError);
    expect(error?.code).toBe('invalid-agent-config');
    expect(error?.path).toBe('data_dir');
    expect(error?.message).toMatchInlineSnapshot(
      `"Invalid Nomad agent configuration at data_dir: expected an absolute path without spaces, received "relative/path". Also server.bootstrap_expect: Too small: expected number to be >=1, received 0; client.node_pool: expected 1 to 128 letters, digits, "-" or "_", received "no spaces"; client.meta.key: expected a string without "\${" or "%{" (Nomad does not interpolate agent configuration), received "uses \${attr.x}"; autopilot.last_contact_threshold: expected a Go duration such as "200ms", "10s" or "1h30m", received "200"."`,
    );
  });

  it('rejects the same host volume or plugin twice', () => {
    expect(() =>
      renderAgentConfig({
        dataDir: '/d',
        plugins: [{ name: 'docker' }, { name: 'docker' }],
      }),
    ).toThrow(/at plugin: expected each name once/);
  });
});
