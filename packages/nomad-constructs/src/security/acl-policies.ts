import { attribute, block, type HclBlock, renderHcl } from '@org/jobspec-builder/hcl';

/**
 * The ACL policies and tokens a cluster gets. The ACL custom resource writes them into the
 * cluster; they are rendered here, at synth time, so that a change to a policy is a change to the
 * template (and the README's table stays true: the tests read these definitions).
 *
 * @see https://developer.hashicorp.com/nomad/docs/other-specifications/acl-policy
 */

/** An ACL policy: its name, what it is for, and its rules (HCL). */
export interface AclPolicy {
  readonly name: string;
  readonly description: string;
  readonly rules: string;
}

/** Every rule of a policy, set to one disposition (`deny`, `read`). */
type Disposition = 'deny' | 'read' | 'write';

/** `namespace "*" { policy = "read" }`, `node { policy = "read" }`, ... */
function rules(entries: Readonly<Record<string, Disposition>>): string {
  const blocks: HclBlock[] = Object.entries(entries).map(([resource, disposition]) => {
    const [kind, label] = resource.split(':') as [string, string | undefined];
    return block(kind, label === undefined ? [] : [label], [attribute('policy', disposition)]);
  });
  return renderHcl(blocks);
}

/**
 * `anonymous`: the policy Nomad applies to requests without a token. Every rule denies, so an
 * unauthenticated request can read and do nothing, whatever other policies exist.
 */
export const ANONYMOUS_POLICY: AclPolicy = {
  name: 'anonymous',
  description: 'Requests without a token: denied everything (managed by @org/nomad-constructs)',
  rules: rules({
    'namespace:*': 'deny',
    'host_volume:*': 'deny',
    agent: 'deny',
    node: 'deny',
    operator: 'deny',
    plugin: 'deny',
    quota: 'deny',
  }),
};

/** The servers' boot script: its own agent, and autopilot's view of the cluster (a healthy voter?). */
export const SERVER_READINESS_POLICY: AclPolicy = {
  name: 'nomad-constructs-server-readiness',
  description: "Servers' boot check: agent and autopilot health, read only (managed by @org/nomad-constructs)",
  rules: rules({ agent: 'read', operator: 'read' }),
};

/** The clients' boot script: its own agent, and whether the servers list its node as ready. */
export const CLIENT_READINESS_POLICY: AclPolicy = {
  name: 'nomad-constructs-client-readiness',
  description: "Clients' boot check: agent and node status, read only (managed by @org/nomad-constructs)",
  rules: rules({ agent: 'read', node: 'read' }),
};

/**
 * The node drain function: reads nodes, marks them ineligible and drains them (`node:write`), and
 * nothing else: it reads no job, allocation or namespace.
 */
export const NODE_DRAINER_POLICY: AclPolicy = {
  name: 'nomad-constructs-node-drainer',
  description: 'Drains clients before their instances terminate: node write only (managed by @org/nomad-constructs)',
  rules: rules({ node: 'write' }),
};

/**
 * The snapshot function: `GET /v1/operator/snapshot` (`operator:snapshot-save`), nothing else: it
 * cannot restore a snapshot, read a job or change the cluster.
 */
export const SNAPSHOT_SAVER_POLICY: AclPolicy = {
  name: 'nomad-constructs-snapshot-saver',
  description: 'Saves snapshots of the cluster state: operator snapshot-save only (managed by @org/nomad-constructs)',
  rules: renderHcl([block('operator', [], [attribute('capabilities', ['snapshot-save'])])]),
};

/** The optional read-only UI token: everything visible in the UI, nothing that changes anything. */
export const UI_READ_ONLY_POLICY: AclPolicy = {
  name: 'nomad-constructs-ui-read-only',
  description: 'Read-only access for the UI: jobs, allocations, logs, nodes, agents (managed by @org/nomad-constructs)',
  rules: rules({
    'namespace:*': 'read',
    'host_volume:*': 'read',
    agent: 'read',
    node: 'read',
    operator: 'read',
    plugin: 'read',
    quota: 'read',
  }),
};

/** A host volume a deployer's jobs mount, and whether they only read it. */
export interface DeployerHostVolume {
  readonly name: string;
  readonly readOnly: boolean;
}

/** The name of the deployer policy (and token) of a namespace. */
export function deployerPolicyName(namespace: string): string {
  return `nomad-constructs-deployer-${namespace}`;
}

/**
 * What the `NomadJob` custom resource may do in one namespace, and nothing more: register, plan
 * and stop jobs (`submit-job`), follow their evaluations, deployments and allocations
 * (`read-job`), and mount the host volumes the namespace's jobs ask for (Nomad checks
 * `mount-readonly` / `mount-readwrite` when a job is registered).
 *
 * @see https://developer.hashicorp.com/nomad/api-docs/jobs (the ACL each endpoint requires)
 */
export function deployerPolicy(namespace: string, hostVolumes: readonly DeployerHostVolume[] = []): AclPolicy {
  const volumes = new Map<string, boolean>();
  for (const volume of hostVolumes) {
    // A volume one job reads and another writes needs write.
    volumes.set(volume.name, (volumes.get(volume.name) ?? true) && volume.readOnly);
  }
  const blocks: HclBlock[] = [
    block('namespace', [namespace], [attribute('capabilities', ['submit-job', 'read-job'])]),
    ...[...volumes.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, readOnly]) =>
        block('host_volume', [name], [attribute('capabilities', [readOnly ? 'mount-readonly' : 'mount-readwrite'])]),
      ),
  ];
  return {
    name: deployerPolicyName(namespace),
    description: `NomadJob deployments in the namespace ${namespace}: submit and read jobs (managed by @org/nomad-constructs)`,
    rules: renderHcl(blocks),
  };
}
