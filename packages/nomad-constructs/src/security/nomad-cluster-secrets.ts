import { Aws, CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acceptClusterSecretsFindings } from '../nag/reviewed-findings';
import {
  NOMAD_CLUSTER_SECRETS_RESOURCE_TYPE,
  type NomadClusterSecretsPropertiesInput,
} from './cluster-secrets-contract';
import { HandlerFunction } from './handler-function';
import { PLACEHOLDER_TEMPLATE } from './secret-formats';

/** Props of {@link NomadClusterSecrets}; {@link NomadCluster} creates it from its own props. */
export interface NomadClusterSecretsProps {
  /** Where the key-material function runs (private subnets with a way out to Secrets Manager). */
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** The cluster name, in descriptions. */
  readonly clusterName: string;
  /** The Nomad region: the certificates' names are `server.<region>.nomad` and `client.<region>.nomad`. */
  readonly nomadRegion: string;
  /** Encrypts every secret (and the function's logs). */
  readonly encryptionKey: kms.IKey;
  /** How long a new CA is valid. */
  readonly caValidity: Duration;
  /** How long the servers' and clients' certificates are valid. */
  readonly certificateValidity: Duration;
  readonly logRetention: logs.RetentionDays;
  /** Whether to keep a secret for the read-only UI token. */
  readonly uiReadOnlyToken: boolean;
  /**
   * A value that changes whenever the nodes' launch configuration does: the leaf certificates are
   * issued anew before the nodes roll (the Auto Scaling groups depend on this resource).
   */
  readonly nodeConfiguration: string;
}

/**
 * The cluster's secrets in Secrets Manager, encrypted with the cluster's KMS key, and the custom
 * resource that fills in the key material at deploy time:
 *
 * | secret | holds | read by | kept on stack deletion |
 * |---|---|---|---|
 * | `CertificateAuthority` | CA certificate and private key | the key-material function only | yes |
 * | `CaCertificate` | CA certificate (bundle) | the ACL function, `grantCaRead()` | no |
 * | `ServerTls` | CA bundle, server certificate and key | servers | no (re-issued on deploys, renewed daily before expiry) |
 * | `ClientTls` | CA bundle, client certificate and key | clients | no (re-issued on deploys, renewed daily before expiry) |
 * | `GossipKey` | gossip encryption key | servers | yes |
 * | `ManagementToken` | the ACL bootstrap (management) token | the ACL function, `grantManagementToken()` | yes |
 * | `ServerToken` | servers' readiness token (agent, operator: read) | servers | no |
 * | `ClientToken` | clients' readiness token (agent, node: read) | clients | no |
 * | `UiToken` (optional) | read-only UI token | `grantUiToken()` | no |
 *
 * Secrets are created with a placeholder value; the custom resources write the real values, so no
 * key or token ever appears in the template, the user data or a custom resource's response.
 */
export class NomadClusterSecrets extends Construct {
  /** The KMS key that encrypts the secrets. */
  public readonly encryptionKey: kms.IKey;
  /** The CA certificate and private key. Nothing but the key-material function reads it. */
  public readonly certificateAuthority: secretsmanager.Secret;
  /** The CA certificate bundle, PEM: what `NOMAD_CACERT` points at for addresses inside the VPC. */
  public readonly caCertificate: secretsmanager.Secret;
  /** The servers' TLS material (JSON: `ca`, `certificate`, `privateKey`). */
  public readonly serverTls: secretsmanager.Secret;
  /** The clients' TLS material (JSON: `ca`, `certificate`, `privateKey`). */
  public readonly clientTls: secretsmanager.Secret;
  /** The gossip encryption key (32 bytes, base64). */
  public readonly gossipKey: secretsmanager.Secret;
  /** The management token's secret ID (`NOMAD_TOKEN`): the ACL bootstrap secret. */
  public readonly managementToken: secretsmanager.Secret;
  /** The servers' readiness token (JSON: `accessorId`, `secretId`). */
  public readonly serverToken: secretsmanager.Secret;
  /** The clients' readiness token (JSON: `accessorId`, `secretId`). */
  public readonly clientToken: secretsmanager.Secret;
  /** The read-only UI token (JSON: `accessorId`, `secretId`), when `uiReadOnlyToken` is set. */
  public readonly uiToken?: secretsmanager.Secret;
  /** The custom resource that generates the CA, the certificates and the gossip key. */
  public readonly keyMaterial: CustomResource;
  /** Its function. */
  public readonly keyMaterialFunction: HandlerFunction;

  private readonly secretProps: (description: string) => secretsmanager.SecretProps;
  private readonly deployerTokens = new Map<string, secretsmanager.Secret>();

  public constructor(scope: Construct, id: string, props: NomadClusterSecretsProps) {
    super(scope, id);
    acceptClusterSecretsFindings(this);
    this.encryptionKey = props.encryptionKey;
    const cluster = props.clusterName;
    this.secretProps = (description) => ({
      description: `Nomad cluster ${cluster}: ${description} (written by @org/nomad-constructs)`,
      encryptionKey: props.encryptionKey,
      // A placeholder until a custom resource writes the value: nothing secret is in the template.
      generateSecretString: {
        secretStringTemplate: PLACEHOLDER_TEMPLATE,
        generateStringKey: 'nonce',
        excludePunctuation: true,
        passwordLength: 16,
      },
    });
    const secret = (secretId: string, description: string, removalPolicy: RemovalPolicy) =>
      new secretsmanager.Secret(this, secretId, { ...this.secretProps(description), removalPolicy });
    // Losing the CA, the gossip key or the management token would lose the cluster: retained.
    this.certificateAuthority = secret('CertificateAuthority', 'CA certificate and private key', RemovalPolicy.RETAIN);
    this.caCertificate = secret('CaCertificate', 'CA certificate bundle (NOMAD_CACERT)', RemovalPolicy.DESTROY);
    this.serverTls = secret('ServerTls', 'server TLS certificate and key', RemovalPolicy.DESTROY);
    this.clientTls = secret('ClientTls', 'client TLS certificate and key', RemovalPolicy.DESTROY);
    this.gossipKey = secret('GossipKey', 'gossip encryption key', RemovalPolicy.RETAIN);
    this.managementToken = secret('ManagementToken', 'ACL management token (NOMAD_TOKEN)', RemovalPolicy.RETAIN);
    this.serverToken = secret('ServerToken', "servers' readiness ACL token", RemovalPolicy.DESTROY);
    this.clientToken = secret('ClientToken', "clients' readiness ACL token", RemovalPolicy.DESTROY);
    if (props.uiReadOnlyToken) {
      this.uiToken = secret('UiToken', 'read-only UI ACL token', RemovalPolicy.DESTROY);
    }

    this.keyMaterialFunction = new HandlerFunction(this, 'KeyMaterialFunction', {
      handler: 'cluster-secrets',
      description: `Nomad cluster ${cluster}: generates the CA, certificates and gossip key`,
      vpc: props.vpc,
      subnets: props.subnets,
      timeout: Duration.minutes(2),
      logRetention: props.logRetention,
      encryptionKey: props.encryptionKey,
    });
    const writer = this.keyMaterialFunction.role;
    for (const written of [
      this.certificateAuthority,
      this.caCertificate,
      this.serverTls,
      this.clientTls,
      this.gossipKey,
    ]) {
      grantSecretRead(written, props.encryptionKey, writer);
      grantSecretWrite(written, props.encryptionKey, writer);
    }
    this.keyMaterial = new CustomResource(this, 'KeyMaterial', {
      serviceToken: this.keyMaterialFunction.function.functionArn,
      resourceType: NOMAD_CLUSTER_SECRETS_RESOURCE_TYPE,
      serviceTimeout: Duration.minutes(5),
      properties: {
        CaSecretArn: this.certificateAuthority.secretArn,
        CaCertificateSecretArn: this.caCertificate.secretArn,
        ServerTlsSecretArn: this.serverTls.secretArn,
        ClientTlsSecretArn: this.clientTls.secretArn,
        GossipKeySecretArn: this.gossipKey.secretArn,
        NomadRegion: props.nomadRegion,
        CaValidityDays: props.caValidity.toDays(),
        CertificateValidityDays: props.certificateValidity.toDays(),
        NodeConfiguration: props.nodeConfiguration,
      } satisfies NomadClusterSecretsPropertiesInput,
    });
    // The function needs its permissions before CloudFormation calls it.
    this.keyMaterial.node.addDependency(this.keyMaterialFunction);
  }

  /**
   * The secret of a namespace's deployer token (JSON: `accessorId`, `secretId`), created on first
   * use: the ACL custom resource fills it in, the `NomadJob` function reads it. Not retained: the
   * ACL resource creates a new token when the secret is new.
   */
  public deployerToken(namespace: string): secretsmanager.Secret {
    let token = this.deployerTokens.get(namespace);
    if (token === undefined) {
      token = new secretsmanager.Secret(this, `DeployerToken-${namespace}`, {
        ...this.secretProps(`NomadJob deployer ACL token of the namespace ${namespace}`),
        removalPolicy: RemovalPolicy.DESTROY,
      });
      this.deployerTokens.set(namespace, token);
    }
    return token;
  }

  /**
   * A secret for an ACL token a construct of the cluster needs (JSON: `accessorId`, `secretId`),
   * filled in by the ACL resource (`acl.addToken()`); not retained: the ACL resource creates a new
   * token for a new secret.
   */
  public tokenSecret(id: string, description: string): secretsmanager.Secret {
    return new secretsmanager.Secret(this, id, {
      ...this.secretProps(description),
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /** The deployer token secrets created so far, by namespace. */
  public get deployerTokenSecrets(): ReadonlyMap<string, secretsmanager.Secret> {
    return new Map(this.deployerTokens);
  }

  /** What a server reads at boot: the server TLS material, the gossip key and the servers' readiness token. */
  public grantServerMaterial(grantee: iam.IGrantable): void {
    for (const read of [this.serverTls, this.gossipKey, this.serverToken]) {
      grantSecretRead(read, this.encryptionKey, grantee);
    }
  }

  /** What a client reads at boot: the client TLS material and the clients' readiness token. */
  public grantClientMaterial(grantee: iam.IGrantable): void {
    for (const read of [this.clientTls, this.clientToken]) {
      grantSecretRead(read, this.encryptionKey, grantee);
    }
  }
}

/**
 * Exactly `secretsmanager:GetSecretValue` on the secret, and decryption with the key only through
 * Secrets Manager (not `grantRead`, which adds `DescribeSecret`).
 */
export function grantSecretRead(secret: secretsmanager.ISecret, key: kms.IKey, grantee: iam.IGrantable): iam.Grant {
  const read = iam.Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:GetSecretValue'],
    resourceArns: [secret.secretArn],
  });
  return read.combine(
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` } },
    }),
  );
}

/** Exactly `secretsmanager:PutSecretValue` on the secret, and encryption with the key through Secrets Manager. */
export function grantSecretWrite(secret: secretsmanager.ISecret, key: kms.IKey, grantee: iam.IGrantable): iam.Grant {
  const write = iam.Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:PutSecretValue'],
    resourceArns: [secret.secretArn],
  });
  return write.combine(
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
      resourceArns: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` } },
    }),
  );
}

/**
 * The cluster's KMS key: rotated yearly, retained (the retained secrets are encrypted with it), and
 * usable by CloudWatch Logs for the cluster's log groups in this account and region.
 */
export function createClusterKey(scope: Construct, id: string, clusterName: string): kms.Key {
  const key = new kms.Key(scope, id, {
    description: `Nomad cluster ${clusterName}: secrets and logs`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchLogsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      actions: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:DescribeKey',
      ],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
        },
      },
    }),
  );
  return key;
}
