import { CustomResource, Duration, Lazy, RemovalPolicy } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { HandlerFunction } from '../security/handler-function';
import { HASHICORP_SIGNING_KEY } from '../versions';
import { type ArtifactStagingProperties, type StagedArtifact, sha256Attribute } from './artifact-contract';
import { acceptArtifactsFindings } from './artifact-findings';
import { ARTIFACT_PREFIX, cniPluginsArtifact, hashicorpArtifact, releaseArch } from './release-artifacts';

/** Options of the cluster's artifact bucket (`NomadClusterProps.artifacts`). */
export interface NomadArtifactsOptions {
  /**
   * A bucket for the artifact bucket's server access logs (under `nomad-artifacts/`).
   *
   * @default - no access logs
   */
  readonly accessLogsBucket?: s3.IBucket;
}

/** Props of {@link NomadArtifacts}; {@link NomadCluster} creates it. */
export interface NomadArtifactsProps extends NomadArtifactsOptions {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly clusterName: string;
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
}

/** A release file a node group installs at boot, as the boot script gets it. */
export interface NodeArtifact {
  /** The object key in the artifact bucket. */
  readonly key: string;
  /** The SHA-256 the boot script checks: the pinned one, or the one the staging verified. */
  readonly sha256: string;
}

/** What a group of nodes installs at boot (see {@link NomadArtifacts.forNodes}). */
export interface NodeReleases {
  readonly architecture: ec2.InstanceArchitecture;
  /** The Nomad version. */
  readonly nomad: string;
  /** The CNI plugins version (clients). */
  readonly cniPlugins?: string;
  /** The NVIDIA device plugin version (GPU pools). */
  readonly nomadDeviceNvidia?: string;
}

/** The files a node group installs, and the boot script's variables that say where they are. */
export interface NodeBootArtifacts {
  readonly artifacts: readonly NodeArtifact[];
  readonly environment: Readonly<Record<string, string>>;
}

/** The node group to let read its release files. */
export interface NodeGroupArtifacts {
  readonly role: iam.IRole;
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
}

/**
 * The release files the nodes install (Nomad, the CNI plugins, the NVIDIA device plugin), staged at
 * deploy time into a bucket of the cluster, so that a boot reads them from S3 (through the VPC's
 * S3 gateway endpoint) instead of HashiCorp's and GitHub's servers: an outage or a rate limit there
 * no longer stalls replacements and scale-outs. A custom resource downloads each file once per
 * version, checks it against the SHA-256 pinned in `versions.ts` and HashiCorp's signature of the
 * release's SHA256SUMS, and uploads it; every node group depends on it, so a version change is
 * staged before any instance rolls. The boot script checks the SHA-256 again before installing.
 *
 * The bucket is encrypted with the cluster key, TLS only, versioned and retained when the stack is
 * deleted (the staged files are public releases; they are kept so that a Delete never has to empty it).
 */
export class NomadArtifacts extends Construct {
  /** The bucket the release files are staged in (under `artifacts/`). */
  public readonly bucket: s3.Bucket;
  /** The staging function (downloads through the NAT at deploy time). */
  public readonly handler: HandlerFunction;
  /** The staging custom resource: node groups depend on it. */
  public readonly resource: CustomResource;

  private readonly artifacts = new Map<string, StagedArtifact>();

  public constructor(scope: Construct, id: string, props: NomadArtifactsProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsBucket === undefined ? undefined : 'nomad-artifacts/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'expire-replaced-versions', noncurrentVersionExpiration: Duration.days(7) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    this.handler = new HandlerFunction(this, 'Function', {
      handler: 'artifact-staging',
      description: `Nomad cluster ${props.clusterName}: stages the release files the nodes install into S3`,
      vpc: props.vpc,
      subnets: props.subnets,
      timeout: Duration.minutes(15),
      // A release file is held in memory on its way to S3 (the largest, the CNI plugins, is about 50 MB).
      memorySize: 1024,
      logRetention: props.logRetention,
      encryptionKey: props.encryptionKey,
    });
    const role = this.handler.role;
    // HeadObject answers 404 for a missing object only with s3:ListBucket (403 otherwise).
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [this.bucket.arnForObjects(`${ARTIFACT_PREFIX}*`)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${this.bucket.stack.region}.amazonaws.com` } },
      }),
    );

    const properties = {
      bucketName: this.bucket.bucketName,
      signingKey: { url: HASHICORP_SIGNING_KEY.url, fingerprint: HASHICORP_SIGNING_KEY.fingerprint },
      artifacts: Lazy.any({ produce: () => this.stagedArtifacts() }) as unknown as StagedArtifact[],
    } satisfies ArtifactStagingProperties;
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.handler.function.functionArn,
      resourceType: 'Custom::NomadArtifacts',
      properties,
    });
    // The function needs its permissions before it runs.
    this.resource.node.addDependency(role);
    acceptArtifactsFindings(this.bucket, role, props.accessLogsBucket !== undefined);
  }

  /**
   * Stages a release file and says how the boot script gets it. The SHA-256 is the pinned one when
   * there is one (known at synth time), otherwise the one the staging resource verified with
   * HashiCorp's signature (an attribute of the resource).
   */
  public add(artifact: StagedArtifact): NodeArtifact {
    this.artifacts.set(artifact.key, artifact);
    return {
      key: artifact.key,
      sha256: artifact.sha256 ?? this.resource.getAttString(sha256Attribute(artifact.fileName)),
    };
  }

  /**
   * Stages what a group of nodes installs and returns the boot script's variables for it
   * (`NOMAD_ARTIFACT_BUCKET`, and a key and SHA-256 for each file).
   */
  public forNodes(releases: NodeReleases, path: string): NodeBootArtifacts {
    const arch = releaseArch(releases.architecture);
    const nomad = this.add(hashicorpArtifact('nomad', releases.nomad, arch));
    const artifacts = [nomad];
    const environment: Record<string, string> = {
      NOMAD_ARTIFACT_BUCKET: this.bucket.bucketName,
      NOMAD_ARTIFACT_KEY: nomad.key,
      NOMAD_SHA256: nomad.sha256,
    };
    if (releases.cniPlugins !== undefined) {
      const cni = this.add(cniPluginsArtifact(releases.cniPlugins, arch, path));
      artifacts.push(cni);
      environment.CNI_PLUGINS_ARTIFACT_KEY = cni.key;
      environment.CNI_PLUGINS_SHA256 = cni.sha256;
    }
    if (releases.nomadDeviceNvidia !== undefined) {
      const nvidia = this.add(hashicorpArtifact('nomad-device-nvidia', releases.nomadDeviceNvidia, arch));
      artifacts.push(nvidia);
      environment.NOMAD_DEVICE_NVIDIA_ARTIFACT_KEY = nvidia.key;
      environment.NOMAD_DEVICE_NVIDIA_SHA256 = nvidia.sha256;
    }
    return { artifacts, environment };
  }

  /**
   * Lets a node group read exactly its release files (and decrypt them through S3 only), and makes
   * its launch template and Auto Scaling group wait for the staging: a new version is in the bucket
   * before the first instance that installs it boots.
   */
  public attach(group: NodeGroupArtifacts, artifacts: readonly NodeArtifact[]): void {
    group.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [...new Set(artifacts.map((artifact) => artifact.key))]
          .sort()
          .map((key) => this.bucket.arnForObjects(key)),
      }),
    );
    const key = this.bucket.encryptionKey;
    if (key !== undefined) {
      group.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${this.bucket.stack.region}.amazonaws.com` } },
        }),
      );
    }
    group.launchTemplate.node.addDependency(this.resource);
    group.autoScalingGroup.node.addDependency(this.resource);
  }

  /** The files to stage, sorted by key (deterministic properties). */
  private stagedArtifacts(): StagedArtifact[] {
    return [...this.artifacts.values()].sort((a, b) => a.key.localeCompare(b.key));
  }
}
