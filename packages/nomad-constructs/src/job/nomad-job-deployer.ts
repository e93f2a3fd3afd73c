import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { NomadCluster } from '../cluster/nomad-cluster';
import { NomadPorts } from '../cluster/nomad-ports';
import { AsyncProvider } from '../provider/async-provider';
import { grantSecretRead } from '../security/nomad-cluster-secrets';

/** The construct id of a cluster's deployer (one per cluster, created by the first `NomadJob`). */
const DEPLOYER_ID = 'JobDeployer';

/**
 * How long one `isComplete` call may follow a deployment (with Nomad's blocking queries) before it
 * hands back to the provider's waiter. Below the function timeout, with room to answer.
 */
export const JOB_HANDLER_TIMEOUT = Duration.minutes(5);

/**
 * The custom resource provider of every `NomadJob` of a cluster: one function (in the cluster's
 * private subnets, allowed to the servers' API port) that registers jobs and follows their
 * deployments, behind CDK's provider framework. Created with the cluster's first `NomadJob`.
 *
 * Its role reads the cluster CA and the deployer token of each namespace that has a job, finds the
 * servers by their tag, and reads the job specs uploaded to S3; nothing else.
 */
export class NomadJobDeployer extends Construct {
  /** The cluster's deployer, created on first use. */
  public static of(cluster: NomadCluster): NomadJobDeployer {
    const existing = cluster.node.tryFindChild(DEPLOYER_ID);
    return existing instanceof NomadJobDeployer ? existing : new NomadJobDeployer(cluster, DEPLOYER_ID, cluster);
  }

  /** The provider (its handler function, the framework functions, the waiter). */
  public readonly provider: AsyncProvider;
  private readonly cluster: NomadCluster;
  private readonly grantedTokens = new Set<string>();

  private constructor(scope: Construct, id: string, cluster: NomadCluster) {
    super(scope, id);
    this.cluster = cluster;
    this.provider = new AsyncProvider(this, 'Provider', {
      handler: 'nomad-job',
      description: `Nomad cluster ${cluster.clusterName}: registers NomadJobs and follows their deployments`,
      vpc: cluster.vpc,
      subnets: cluster.nodeContext.functionSubnets,
      encryptionKey: cluster.encryptionKey,
      logRetention: cluster.logRetention,
      handlerTimeout: JOB_HANDLER_TIMEOUT,
      queryInterval: Duration.seconds(10),
      // CloudFormation waits at most an hour for a custom resource: each job's own timeout (at most
      // 50 minutes) fails it first, with Nomad's state in the reason.
      totalTimeout: Duration.hours(1),
    });
    const handler = this.provider.handler;
    handler.securityGroup.connections.allowTo(
      cluster.servers,
      ec2.Port.tcp(NomadPorts.HTTP),
      'Nomad HTTP API from the NomadJob function',
    );
    // Finds the servers by their cloud auto-join tag (DescribeInstances has no resource-level permissions).
    handler.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] }),
    );
    grantSecretRead(cluster.secrets.caCertificate, cluster.encryptionKey, handler.role);
  }

  /** The service token of `Custom::NomadJob` resources. */
  public get serviceToken(): string {
    return this.provider.serviceToken;
  }

  /** The function's role. */
  public get role(): iam.IRole {
    return this.provider.handler.role;
  }

  /** Lets the function read a namespace's deployer token (once per namespace). */
  public grantToken(namespace: string, secret: secretsmanager.ISecret): void {
    if (!this.grantedTokens.has(namespace)) {
      this.grantedTokens.add(namespace);
      grantSecretRead(secret, this.cluster.encryptionKey, this.role);
    }
  }
}
