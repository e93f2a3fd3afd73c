import { CustomResource, Duration, Lazy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ClusterFunctionProps } from '../cluster/cluster-function-props';
import { SERVER_JOIN_TAG } from '../cluster/node-group';
import { NomadPorts } from '../cluster/nomad-ports';
import { lazyProperty } from '../provider/lazy-property';
import { NOMAD_ACL_RESOURCE_TYPE, type NomadAclPropertiesInput } from './acl-contract';
import {
  type AclPolicy,
  ANONYMOUS_POLICY,
  CLIENT_READINESS_POLICY,
  type DeployerHostVolume,
  deployerPolicy,
  deployerPolicyName,
  SERVER_READINESS_POLICY,
  UI_READ_ONLY_POLICY,
} from './acl-policies';
import { HandlerFunction } from './handler-function';
import { grantSecretRead, grantSecretWrite, type NomadClusterSecrets } from './nomad-cluster-secrets';

/** Props of {@link NomadAcl}; {@link NomadCluster} creates it once its servers exist. */
export interface NomadAclProps extends ClusterFunctionProps {
  /**
   * Bumped to run the resource again with nothing else changed: after all servers were lost, it
   * bootstraps the rebuilt cluster with the stored management secret and recreates the tokens.
   *
   * @default 0
   */
  readonly generation?: number;
}

/** A client token the ACL custom resource keeps, and the secret it is stored in. */
export interface NomadAclToken {
  readonly name: string;
  readonly policies: readonly AclPolicy[];
}

/**
 * The ACL bootstrap and policies of a cluster: a custom resource whose function runs in the VPC
 * and talks to the servers' API (port 4646, TLS verified against the cluster CA) once they have
 * elected a leader (it depends on the servers' Auto Scaling group, whose creation waits for every
 * server's signal).
 *
 * Why a custom resource and not the servers' boot script: the management token then never reaches
 * an instance (servers read only a read-only readiness token), the bootstrap happens exactly once
 * per cluster under CloudFormation's control (its failure rolls the deployment back), and the UI's
 * HTTPS listener and the client pools are created only after it (they depend on this resource), so
 * nothing but this function can reach the bootstrap endpoint before it is used.
 */
export class NomadAcl extends Construct {
  /** The custom resource. */
  public readonly resource: CustomResource;
  /** Its function. */
  public readonly handler: HandlerFunction;
  private readonly secrets: NomadClusterSecrets;
  private readonly baseTokens: { token: NomadAclToken; secretArn: string }[];
  /** Host volumes the jobs of each namespace mount (the deployer policies allow exactly these). */
  private readonly deployers = new Map<string, DeployerHostVolume[]>();
  private readonly nodePools = new Set<string>();

  public constructor(scope: Construct, id: string, props: NomadAclProps) {
    super(scope, id);
    const { secrets } = props;
    this.secrets = secrets;
    const key = secrets.encryptionKey;
    this.handler = new HandlerFunction(this, 'Function', {
      handler: 'acl-bootstrap',
      description: `Nomad cluster ${props.clusterName}: ACL bootstrap, policies and tokens`,
      vpc: props.vpc,
      subnets: props.subnets,
      timeout: Duration.minutes(10),
      logRetention: props.logRetention,
      encryptionKey: key,
    });
    // The function reaches the servers' HTTP API, and the servers accept it.
    this.handler.securityGroup.connections.allowTo(
      props.servers,
      ec2.Port.tcp(NomadPorts.HTTP),
      'Nomad HTTP API from the ACL bootstrap function',
    );
    const role = this.handler.role;
    // Finds the servers by their cloud auto-join tag (DescribeInstances has no resource-level permissions).
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] }));
    grantSecretRead(secrets.caCertificate, key, role);

    const tokens: { token: NomadAclToken; secretArn: string }[] = [
      {
        token: { name: SERVER_READINESS_POLICY.name, policies: [SERVER_READINESS_POLICY] },
        secretArn: secrets.serverToken.secretArn,
      },
      {
        token: { name: CLIENT_READINESS_POLICY.name, policies: [CLIENT_READINESS_POLICY] },
        secretArn: secrets.clientToken.secretArn,
      },
    ];
    if (secrets.uiToken !== undefined) {
      tokens.push({
        token: { name: UI_READ_ONLY_POLICY.name, policies: [UI_READ_ONLY_POLICY] },
        secretArn: secrets.uiToken.secretArn,
      });
    }
    for (const secret of [
      secrets.managementToken,
      secrets.serverToken,
      secrets.clientToken,
      ...(secrets.uiToken ? [secrets.uiToken] : []),
    ]) {
      grantSecretRead(secret, key, role);
      grantSecretWrite(secret, key, role);
    }
    this.baseTokens = tokens;

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.handler.function.functionArn,
      resourceType: NOMAD_ACL_RESOURCE_TYPE,
      serviceTimeout: Duration.minutes(15),
      properties: {
        ServerTagKey: SERVER_JOIN_TAG,
        ServerTagValue: props.clusterName,
        NomadRegion: props.nomadRegion,
        HttpPort: NomadPorts.HTTP,
        CaCertificateSecretArn: secrets.caCertificate.secretArn,
        ManagementTokenSecretArn: secrets.managementToken.secretArn,
        // Lazy: NomadJobs and client pools added after the cluster add deployers, namespaces and pools.
        Policies: lazyProperty(() =>
          this.policies.map((policy) => ({
            Name: policy.name,
            Description: policy.description,
            Rules: policy.rules,
          })),
        ),
        Tokens: lazyProperty(() =>
          this.tokenSecrets().map(({ token, secretArn }) => ({
            Name: token.name,
            Policies: token.policies.map((policy) => policy.name),
            SecretArn: secretArn,
          })),
        ),
        Namespaces: Lazy.list({ produce: () => this.namespaces }, { omitEmpty: true }),
        NodePools: Lazy.list({ produce: () => [...this.nodePools].sort() }, { omitEmpty: true }),
        ...(props.generation ? { Generation: props.generation } : {}),
      } satisfies NomadAclPropertiesInput,
    });
    // Once every server has signalled (a leader exists), with the CA in place and the function allowed in.
    this.resource.node.addDependency(
      props.servers.autoScalingGroup,
      props.servers.securityGroup,
      secrets.keyMaterial,
      this.handler,
    );
  }

  /** The policies written into the cluster. */
  public get policies(): readonly AclPolicy[] {
    return [ANONYMOUS_POLICY, ...this.tokens.flatMap((token) => token.policies)];
  }

  /** The tokens kept in the cluster and stored in secrets. */
  public get tokens(): readonly NomadAclToken[] {
    return this.tokenSecrets().map(({ token }) => token);
  }

  /** The namespaces (other than `default`, which always exists) that the resource creates when missing. */
  public get namespaces(): string[] {
    return [...this.deployers.keys()].filter((namespace) => namespace !== 'default').sort();
  }

  /**
   * A deployer token for a namespace: a policy that lets it submit and read jobs there and mount
   * `hostVolumes`, and its token in a secret (`secrets.deployerToken(namespace)`). Called by every
   * `NomadJob`; the namespace is created when missing. Returns the token's secret.
   */
  public addDeployer(namespace: string, hostVolumes: readonly DeployerHostVolume[] = []): secretsmanager.ISecret {
    const volumes = this.deployers.get(namespace) ?? [];
    volumes.push(...hostVolumes);
    this.deployers.set(namespace, volumes);
    const secret = this.secrets.deployerToken(namespace);
    grantSecretRead(secret, this.secrets.encryptionKey, this.handler.role);
    grantSecretWrite(secret, this.secrets.encryptionKey, this.handler.role);
    return secret;
  }

  /**
   * A token the resource keeps in the cluster with these policies, stored in `secret` (which the
   * function may then write). For the cluster's own functions (the node drain).
   */
  public addToken(token: NomadAclToken, secret: secretsmanager.ISecret): void {
    grantSecretRead(secret, this.secrets.encryptionKey, this.handler.role);
    grantSecretWrite(secret, this.secrets.encryptionKey, this.handler.role);
    this.baseTokens.push({ token, secretArn: secret.secretArn });
  }

  /**
   * A node pool the resource creates when missing: Nomad creates a pool only when its first client
   * registers, and refuses jobs for a pool that does not exist (a pool scaled to zero).
   */
  public addNodePool(name: string): void {
    this.nodePools.add(name);
  }

  private tokenSecrets(): { token: NomadAclToken; secretArn: string }[] {
    const deployers = [...this.deployers.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([namespace, volumes]) => ({
        token: { name: deployerPolicyName(namespace), policies: [deployerPolicy(namespace, volumes)] },
        secretArn: this.secrets.deployerToken(namespace).secretArn,
      }));
    return [...this.baseTokens, ...deployers];
  }
}
