import type { Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type { IDependable } from 'constructs';
import type { NomadAgentConfig } from '../agent/agent-config';
import type { NomadArtifacts } from '../artifacts/nomad-artifacts';
import type { UserDataFile } from '../boot/node-user-data';
import type { NomadClusterSecrets } from '../security/nomad-cluster-secrets';
import type { NomadWorkloadIdentity } from '../security/nomad-workload-identity';
import type { NomadVersion } from './nomad-version';

/**
 * What the servers and the client pools of a cluster take from it: one object, built once by
 * {@link NomadCluster} (`cluster.nodeContext`), so that they depend on this interface rather than
 * on the cluster's class, and a pool can be built (and tested) from a context alone.
 *
 * `Pool` is the type of the pools the cluster registers (`NomadClientPool`): the hook is typed
 * without this module importing the pool.
 */
export interface ClusterNodeContext<Pool = unknown> {
  /** The cluster's construct path: errors about its props name `<path>.<prop>`. */
  readonly clusterPath: string;
  readonly clusterName: string;
  readonly stack: Stack;
  readonly vpc: ec2.IVpc;
  readonly version: NomadVersion;
  readonly secrets: NomadClusterSecrets;
  /** The release files the nodes install, staged in a bucket of the cluster. */
  readonly artifacts: NomadArtifacts;
  /** @default - no workload identity */
  readonly workloadIdentity?: NomadWorkloadIdentity;
  /** Nomad's own log (`/var/log/nomad/nomad.log`) of every node. */
  readonly logGroup: logs.ILogGroup;
  /** The containers' logs (clients). */
  readonly containerLogGroup: logs.ILogGroup;
  /** The nodes' metrics in CloudWatch embedded metric format. */
  readonly metricsLogGroup: logs.ILogGroup;
  /** The boot script, a file asset every node downloads. */
  readonly bootScript: s3assets.Asset;
  /** The cloud auto-join string that finds this cluster's servers. */
  readonly serverJoin: string;
  /** Where the cluster's functions run: the servers' private subnets. */
  readonly functionSubnets: ec2.SubnetSelection;
  /** The security group every client shares (task-to-task traffic); it exists once the servers do. */
  readonly clientSecurityGroup: ec2.ISecurityGroup;
  /** The cluster's ACL bootstrap: clients start after it. It exists once the servers do. */
  readonly aclBootstrap: IDependable;
  /** The agent settings servers and clients share. */
  agentDefaults(): Omit<NomadAgentConfig, 'server' | 'client'>;
  /** What a node's boot script needs to fetch its secrets (ARNs and file names, never the secrets). */
  nodeEnvironment(role: 'server' | 'client'): Record<string, string>;
  /** Files every node gets (the `nomad` CLI's environment for operators). */
  nodeFiles(): UserDataFile[];
  /** Called by each new pool: the cluster grants and wires what every client needs. */
  registerClientPool(pool: Pool): void;
}

/** A cluster that servers and pools can join: {@link NomadCluster}, or a test's own context. */
export interface ClusterNodeContextProvider<Pool = unknown> {
  readonly nodeContext: ClusterNodeContext<Pool>;
}
