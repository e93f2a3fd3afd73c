import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { NomadClusterSecrets } from '../security/nomad-cluster-secrets';
import type { NomadServers } from './nomad-servers';

/** What a function of the cluster that talks to its servers needs; {@link NomadCluster} passes it. */
export interface ClusterFunctionProps {
  readonly vpc: ec2.IVpc;
  /** Private subnets from which the function reaches the servers and the AWS APIs. */
  readonly subnets: ec2.SubnetSelection;
  readonly clusterName: string;
  readonly nomadRegion: string;
  readonly servers: NomadServers;
  readonly secrets: NomadClusterSecrets;
  readonly logRetention: logs.RetentionDays;
}
