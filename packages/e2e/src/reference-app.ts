import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { helloWorldJob } from '@org/hello-world-app/job';
import {
  type NomadClientPoolOptions,
  NomadCluster,
  NomadImage,
  NomadIngress,
  NomadJob,
  NomadObservability,
  withPushgatewayUrl,
} from '@org/nomad-constructs';
import { trainerJob } from '@org/trainer';
import {
  Annotations,
  App,
  type AppProps,
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Size,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { type PoolSize, profileFromContext, type ReferenceProfile } from './profile';
import { helloWorldAppImageContext, trainerImageContext } from './sample-images';

/** The directory of this package (`src/` when run from sources, `lib/` when compiled: both sit beside cdk.json). */
export const E2E_PACKAGE_DIR = join(__dirname, '..');

/** The context of cdk.json (feature flags, telemetry off), so an in-process synth equals `cdk synth`. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(E2E_PACKAGE_DIR, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/** An HTTPS UI for the reference cluster, from context (`cdk deploy -c nomad:domainName=...`). */
export interface ReferenceUiProps {
  /** e.g. `nomad.example.com`. */
  readonly domainName: string;
  /** The public hosted zone of the domain. */
  readonly hostedZoneId: string;
  readonly hostedZoneName: string;
  /** Networks allowed to reach the UI. */
  readonly allowedCidrs: string[];
}

export interface NomadReferenceStackProps extends StackProps {
  /** @default - no UI: reach the API through Session Manager port forwarding */
  readonly ui?: ReferenceUiProps;
  /**
   * Instance types, counts, volumes and the NAT.
   *
   * @default - the profile of the context `nomad:profile` (`default` or `production`)
   */
  readonly profile?: ReferenceProfile;
}

/**
 * The reference deployment: a Nomad cluster (3 servers, an On-Demand and a Spot client pool, and
 * an observability pool running Prometheus and Grafana) with its CloudWatch dashboard and alarms,
 * the two sample images built by `cdk deploy` and published into the app's ECR repositories, the
 * two sample jobs running on the cluster, and a bucket for training data and models.
 */
export class NomadReferenceStack extends Stack {
  public readonly cluster: NomadCluster;
  public readonly repositories: Record<'helloWorldApp' | 'trainer', ecr.Repository>;
  public readonly dataBucket: s3.Bucket;
  /** The key of the data bucket. */
  public readonly dataKey: kms.Key;
  /** The bucket of the access logs (data bucket, load balancer). */
  public readonly accessLogsBucket: s3.Bucket;
  /** The sample images, built by `cdk deploy`, published into `repositories` and scanned. */
  public readonly images: Record<'helloWorldApp' | 'trainer', NomadImage>;
  /** The role the trainer's tasks assume with their workload identity: the data bucket's `trainer/` prefix. */
  public readonly trainerRole: iam.Role;
  /** The sample jobs: the hello-world service on the On-Demand pool, the trainer on the Spot pool. */
  public readonly jobs: Record<'helloWorld' | 'trainer', NomadJob>;
  /** Prometheus (with a Pushgateway) and Grafana on the cluster's observability pool. */
  public readonly observability: NomadObservability;
  /** The NAT instance's provider, in profiles with a NAT instance. */
  public readonly natInstance?: ec2.NatInstanceProviderV2;
  /** The sizes this stack was built with. */
  public readonly profile: ReferenceProfile;
  /** Traefik on the general pool behind the load balancer, when there is a UI: hello-world answers at `https://<domain>/`. */
  public readonly ingress?: NomadIngress;

  public constructor(scope: Construct, id: string, props: NomadReferenceStackProps = {}) {
    super(scope, id, {
      description: 'Nomad on AWS: reference cluster, sample image repositories and data bucket',
      ...props,
    });
    const profile = props.profile ?? profileFromContext(this);
    this.profile = profile;
    this.repositories = {
      helloWorldApp: imageRepository(this, 'HelloWorldAppRepository'),
      trainer: imageRepository(this, 'TrainerRepository'),
    };

    // Server access logs of the data bucket and the load balancer's access logs; a log bucket cannot
    // log to itself. S3-managed encryption: both log deliveries write only to SSE-S3 buckets.
    const accessLogs = new s3.Bucket(this, 'AccessLogsBucket', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(90), noncurrentVersionExpiration: Duration.days(7) },
      ],
    });
    // Training data and models: encrypted with a key of their own (the clients get encrypt/decrypt with the bucket).
    this.dataKey = new kms.Key(this, 'DataKey', {
      description: 'Nomad reference deployment: the data bucket',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.dataBucket = new s3.Bucket(this, 'DataBucket', {
      versioned: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'data-bucket/',
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30) },
        {
          id: 'models-to-infrequent-access',
          prefix: 'models/',
          transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) }],
        },
      ],
    });

    this.accessLogsBucket = accessLogs;
    const ui = props.ui;
    // One NAT instance (the default profile) or one NAT gateway (production): egress for boots and pulls.
    const natInstance =
      profile.nat.kind === 'instance'
        ? ec2.NatProvider.instanceV2({
            instanceType: profile.nat.instanceType,
            associatePublicIpAddress: true,
            // Inbound from the VPC only (below), not from anywhere as the provider's default would allow.
            defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
          })
        : undefined;
    this.natInstance = natInstance;
    this.cluster = new NomadCluster(this, 'Nomad', {
      serverCount: 3,
      serverInstanceType: profile.serverInstanceType,
      serverVolumeSize: profile.serverVolumeSize,
      natGatewayProvider: natInstance,
      imageRepositories: [this.repositories.helloWorldApp, this.repositories.trainer],
      // Tasks cannot reach the instance role: the trainer assumes a role of its own with its workload identity.
      workloadIdentity: { accessLogsBucket: accessLogs },
      // The people who watch the cluster get a read-only token (cluster.grantUiToken()).
      uiReadOnlyToken: true,
      // A snapshot of the cluster state every 6 hours into an encrypted bucket, kept 30 days.
      snapshots: { accessLogsBucket: accessLogs },
      // The release files the nodes install, staged by the deploy: boots download nothing from HashiCorp or GitHub.
      artifacts: { accessLogsBucket: accessLogs },
      // The CloudWatch dashboard and alarms are on by default; `-c nomad:alarmEmail=ops@example.com` subscribes an address.
      monitoring: { alarmEmail: alarmEmailFromContext(this) },
      ui:
        ui === undefined
          ? undefined
          : {
              internetFacing: true,
              domainName: ui.domainName,
              hostedZone: route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
                hostedZoneId: ui.hostedZoneId,
                zoneName: ui.hostedZoneName,
              }),
              allowedCidrs: ui.allowedCidrs,
              // The app's one log bucket, beside the data bucket's server access logs.
              accessLogs: { bucket: accessLogs, prefix: 'nomad-ui' },
            },
    });
    // The stack picks its three zones at deploy time (Fn::GetAZs) when it has no account: the README
    // says to deploy it in a region with three zones, so the cluster's warning about two-zone regions is
    // acknowledged here (it would otherwise print a validation report on every synth).
    Annotations.of(this.cluster).acknowledgeWarning(
      '@org/nomad-constructs:zonesPickedAtDeploy',
      'The reference stack is deployed in regions with three Availability Zones (README).',
    );
    natInstance?.connections.allowFrom(
      ec2.Peer.ipv4(this.cluster.vpc.vpcCidrBlock),
      ec2.Port.allTraffic(),
      'Traffic of the private subnets to the internet',
    );
    // hello-world and Traefik, over two zones (in the default profile one On-Demand client and one on Spot).
    const generalPool = this.cluster.addClientPool('general', poolOptions(profile.general));
    // The trainer's runs. Several types of one architecture: more Spot capacity pools to draw from.
    this.cluster.addClientPool('spot', { ...poolOptions(profile.spot), meta: { capacity: 'spot' } });
    // Prometheus, the Pushgateway and Grafana: one instance with their data on host volumes (on Spot
    // in the default profile: an interruption loses the samples of the host volume, not the dashboards).
    const observabilityPool = this.cluster.addClientPool('observability', {
      ...poolOptions(profile.observability),
      hostVolumes: NomadObservability.hostVolumes(),
    });

    // The images, built for the pools' architecture, copied into the app's repositories and scanned
    // (a CRITICAL finding fails the deployment before a job runs the image).
    const helloWorldContext = helloWorldAppImageContext();
    const trainerContext = trainerImageContext();
    this.images = {
      helloWorldApp: new NomadImage(this, 'HelloWorldAppImage', {
        cluster: this.cluster,
        repository: this.repositories.helloWorldApp,
        directory: helloWorldContext.directory,
        buildOptions: helloWorldContext.buildOptions,
      }),
      trainer: new NomadImage(this, 'TrainerImage', {
        cluster: this.cluster,
        repository: this.repositories.trainer,
        directory: trainerContext.directory,
        buildOptions: trainerContext.buildOptions,
      }),
    };
    // The trainer's task (job, group and task "trainer") and nothing else assumes this role: it reads and
    // writes under trainer/ of the data bucket, whose key it uses through S3 only.
    this.trainerRole = this.cluster.addWorkloadRole('Trainer', { job: 'trainer', group: 'trainer', task: 'trainer' });
    this.trainerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.dataBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['trainer/*'] } },
      }),
    );
    this.trainerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [this.dataBucket.arnForObjects('trainer/*')],
      }),
    );
    this.trainerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [this.dataKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    );
    this.jobs = {
      // Two instances over the zones of the On-Demand pool, rolled out through a canary that is
      // promoted when healthy (/ready, /health) and reverted when not: a failed rollout fails the
      // stack update, which CloudFormation rolls back.
      helloWorld: new NomadJob(this, 'HelloWorldJob', {
        cluster: this.cluster,
        job: helloWorldJob({
          image: this.images.helloWorldApp.imageUri,
          nodePool: 'general',
          count: 2,
          spreadOverZones: true,
        }),
      }),
      // One training run per `nomad job dispatch`, on Spot capacity, writing models and metrics to the data bucket
      // with the trainer role, which it assumes with its workload identity.
      trainer: new NomadJob(this, 'TrainerJob', {
        cluster: this.cluster,
        // Each run pushes its final metrics to the Pushgateway (the trainer dashboard shows them).
        job: withPushgatewayUrl(
          trainerJob({
            image: this.images.trainer.imageUri,
            nodePool: 'spot',
            outputLocation: `s3://${this.dataBucket.bucketName}/trainer`,
            awsRegion: Aws.REGION,
            awsRoleArn: this.trainerRole.roleArn,
          }),
        ),
      }),
    };
    // hello-world's /metrics is scraped by name; the trainer's service carries the `prometheus` tag.
    this.observability = new NomadObservability(this, 'Observability', {
      cluster: this.cluster,
      pool: observabilityPool,
      scrapeServices: ['hello-world'],
      prometheusMemory: Size.mebibytes(profile.prometheusMemoryMiB),
      retentionSize: Size.gibibytes(profile.prometheusRetentionGiB),
    });
    // Traefik on every general client routes by the services' tags; the load balancer sends it `/`.
    if (this.cluster.ui !== undefined) {
      this.ingress = new NomadIngress(this, 'Ingress', { cluster: this.cluster, pool: generalPool });
      new CfnOutput(this, 'HelloWorldUrl', {
        description: 'hello-world, through the load balancer and Traefik',
        value: `${this.cluster.ui.url}/`,
      });
    }

    new CfnOutput(this, 'HelloWorldAppRepositoryUri', { value: this.repositories.helloWorldApp.repositoryUri });
    new CfnOutput(this, 'TrainerRepositoryUri', { value: this.repositories.trainer.repositoryUri });
    new CfnOutput(this, 'DataBucketName', { value: this.dataBucket.bucketName });
    new CfnOutput(this, 'HelloWorldAppImageUri', {
      description: 'The hello-world-app image the job runs, by digest',
      value: this.images.helloWorldApp.imageUri,
    });
    new CfnOutput(this, 'TrainerImageUri', {
      description: 'The trainer image the job runs, by digest',
      value: this.images.trainer.imageUri,
    });
  }
}

/** The capacity, purchase options and volume of a client pool of the profile. */
function poolOptions(size: PoolSize): NomadClientPoolOptions {
  return {
    instanceTypes: size.instanceTypes,
    minCapacity: size.minCapacity,
    maxCapacity: size.maxCapacity,
    volumeSize: size.volumeSize,
    ...(size.spot === true
      ? { onDemandBaseCapacity: size.onDemandBaseCapacity ?? 0, onDemandPercentageAboveBaseCapacity: 0 }
      : {}),
  };
}

/** A private image repository (encrypted at rest, AES-256, as every ECR repository): scanned on push, immutable tags, old images expired. */
function imageRepository(scope: Construct, id: string): ecr.Repository {
  return new ecr.Repository(scope, id, {
    imageScanOnPush: true,
    imageTagMutability: ecr.TagMutability.IMMUTABLE,
    lifecycleRules: [
      {
        description: 'Drop untagged images after a week',
        tagStatus: ecr.TagStatus.UNTAGGED,
        maxImageAge: Duration.days(7),
      },
      { description: 'Keep the 30 most recent images', tagStatus: ecr.TagStatus.ANY, maxImageCount: 30 },
    ],
  });
}

/** The address subscribed to the alarm topic (`-c nomad:alarmEmail=...`), if any. */
function alarmEmailFromContext(scope: Construct): string | undefined {
  const raw: unknown = scope.node.tryGetContext('nomad:alarmEmail');
  return typeof raw === 'string' && raw.length > 0 ? raw : undefined;
}

/** The UI settings in the app context, or undefined when `nomad:domainName` is not set. */
export function referenceUiFromContext(app: App): ReferenceUiProps | undefined {
  const value = (key: string): string | undefined => {
    const raw: unknown = app.node.tryGetContext(`nomad:${key}`);
    return typeof raw === 'string' && raw.length > 0 ? raw : undefined;
  };
  const domainName = value('domainName');
  if (domainName === undefined) {
    return undefined;
  }
  const hostedZoneId = value('hostedZoneId');
  const hostedZoneName = value('hostedZoneName');
  const allowedCidrs = value('allowedCidrs');
  if (hostedZoneId === undefined || hostedZoneName === undefined || allowedCidrs === undefined) {
    throw new Error(
      'nomad:domainName is set: also set nomad:hostedZoneId, nomad:hostedZoneName and nomad:allowedCidrs (comma-separated CIDRs).',
    );
  }
  return { domainName, hostedZoneId, hostedZoneName, allowedCidrs: allowedCidrs.split(',').map((cidr) => cidr.trim()) };
}

/** The name of the reference stack. */
export const REFERENCE_STACK_NAME = 'NomadReference';

export interface ReferenceAppOptions extends AppProps {
  /**
   * The region of the stack when the UI is on (its load balancer's access logs need one).
   *
   * @default - CDK_DEFAULT_REGION, which the CDK CLI sets from the AWS credentials
   */
  readonly uiRegion?: string;
}

/**
 * The reference app: cdk.json's context plus `props.context`, and one stack. Runs that apply cdk-nag
 * add the reviewed suppressions with `suppressReferenceFindings(stack)` (a separate module,
 * so that `cdk synth` and `cdk deploy` do not load cdk-nag). Without a UI the stack
 * is environment-agnostic: it synthesizes without AWS credentials and `cdk deploy` targets the
 * account and region of the CLI. With a UI it is pinned to a region (account still agnostic).
 */
export function createReferenceApp(options: ReferenceAppOptions = {}): { app: App; stack: NomadReferenceStack } {
  const { uiRegion, ...props } = options;
  const app = new App({ ...props, context: { ...cdkJsonContext(), ...props.context } });
  const ui = referenceUiFromContext(app);
  let env: { region: string } | undefined;
  if (ui !== undefined) {
    const region = uiRegion ?? process.env.CDK_DEFAULT_REGION;
    if (region === undefined) {
      throw new Error(
        'The UI needs a region (for its access logs): run with AWS credentials, or set CDK_DEFAULT_REGION.',
      );
    }
    env = { region };
  }
  const stack = new NomadReferenceStack(app, REFERENCE_STACK_NAME, { ui, env });
  return { app, stack };
}
