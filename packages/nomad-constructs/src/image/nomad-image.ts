import { CustomResource, Duration, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { NomadCluster } from '../cluster/nomad-cluster';
import { NomadError } from '../errors';
import { AsyncProvider } from '../provider/async-provider';
import { requireSynthTimeValues } from '../validation/synth-time-values';
import { NOMAD_IMAGE_RESOURCE_TYPE, type NomadImagePropertiesInput } from './image-contract';

/** ECR's scan finding severities, for {@link NomadImageProps.failOnSeverity}. */
export enum ImageScanSeverity {
  CRITICAL = 'CRITICAL',
  HIGH = 'HIGH',
  MEDIUM = 'MEDIUM',
  LOW = 'LOW',
  INFORMATIONAL = 'INFORMATIONAL',
  UNDEFINED = 'UNDEFINED',
}

/** Props of {@link NomadImage}. */
export interface NomadImageProps {
  /** The cluster whose clients run the image: every client pool may pull from `repository`. */
  readonly cluster: NomadCluster;
  /**
   * The app's repository the image is published to. Scan on push and immutable tags are
   * recommended (the image's tag is its content hash, so an immutable tag never blocks a deploy).
   */
  readonly repository: ecr.IRepository;
  /** The Docker build context: a directory with a Dockerfile. */
  readonly directory: string;
  /**
   * How `cdk deploy` builds the image (Dockerfile, build arguments, files left out of the context...).
   * The platform is not among them: it follows `architecture`.
   *
   * @default - the directory's Dockerfile, its .dockerignore
   */
  readonly buildOptions?: Omit<ecrAssets.DockerImageAssetOptions, 'platform'>;
  /**
   * The CPU architecture the image is built for (`docker build --platform`).
   *
   * @default - the architecture of the cluster's client pools (they must all have the same one)
   */
  readonly architecture?: ec2.InstanceArchitecture;
  /**
   * Wait for ECR's scan of the published image and fail the deployment on findings at or above
   * `failOnSeverity`.
   *
   * @default true
   */
  readonly scanGate?: boolean;
  /**
   * The lowest severity that fails the scan gate: `CRITICAL` fails only on critical findings,
   * `HIGH` on high and critical ones, and so on.
   *
   * @default ImageScanSeverity.CRITICAL
   */
  readonly failOnSeverity?: ImageScanSeverity;
  /**
   * How long the copy into `repository` and the scan may take before the resource fails.
   *
   * @default Duration.minutes(20)
   */
  readonly timeout?: Duration;
}

/**
 * A container image built by `cdk deploy` and published into one of the app's ECR repositories,
 * referenced by digest.
 *
 * The CDK CLI builds the image from `directory` (a `DockerImageAsset`, for the clients' platform)
 * and pushes it to the CDK bootstrap's asset repository; a custom resource (`Custom::NomadImage`,
 * `@aws-sdk/client-ecr`) then copies it into `repository` under its content hash (same manifests,
 * same digest), checks that it is built for the clients' platform, and waits for ECR's scan: a
 * finding at or above `failOnSeverity` (CRITICAL by default) fails the deployment with the
 * findings in the reason, before any job runs the image. `imageUri` is `repository@sha256:...`.
 */
export class NomadImage extends Construct {
  /** The Docker image asset `cdk deploy` builds and pushes. */
  public readonly asset: ecrAssets.DockerImageAsset;
  /** The repository the image is published to. */
  public readonly repository: ecr.IRepository;
  /** The platform it is built for (`linux/amd64`, `linux/arm64`). */
  public readonly platform: string;
  /** The custom resource that publishes and scans it. */
  public readonly resource: CustomResource;
  /** The cluster's image publisher (its function, the provider framework), shared by its images. */
  public readonly publisher: AsyncProvider;
  /** The image's digest (`sha256:...`), known at deploy time. */
  public readonly imageDigest: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:...`: for a job's `image`. */
  public readonly imageUri: string;
  /** ECR's finding counts by severity, as the gate saw them. */
  public readonly attrScanFindings: string;

  public constructor(scope: Construct, id: string, props: NomadImageProps) {
    super(scope, id);
    const path = this.node.path;
    requireSynthTimeValues(path, {
      timeout: [props.timeout, "it is checked against its limits and sets the provider's total timeout"],
    });
    const { cluster } = props;
    const architecture = props.architecture ?? poolArchitecture(cluster, path);
    this.platform = architecture === ec2.InstanceArchitecture.ARM_64 ? 'linux/arm64' : 'linux/amd64';
    this.repository = props.repository;
    this.asset = new ecrAssets.DockerImageAsset(this, 'Asset', {
      ...props.buildOptions,
      directory: props.directory,
      platform: ecrAssets.Platform.custom(this.platform),
    });
    const timeout = props.timeout ?? Duration.minutes(20);
    const timeoutSeconds = timeout.toSeconds({ integral: false });
    if (
      Token.isUnresolved(timeoutSeconds) ||
      !Number.isInteger(timeoutSeconds) ||
      timeoutSeconds < 60 ||
      timeoutSeconds > 3000
    ) {
      throw new NomadError(
        'invalid-prop',
        `${path}.timeout`,
        `expected whole seconds from 1 to 50 minutes, received ${timeout.toHumanString()}. CloudFormation waits an hour at most for a custom resource.`,
      );
    }

    const publisher = imagePublisher(cluster);
    this.publisher = publisher;
    const role = publisher.handler.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        resources: [this.asset.repository.repositoryArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'ecr:BatchGetImage',
          'ecr:GetDownloadUrlForLayer',
          'ecr:BatchCheckLayerAvailability',
          'ecr:InitiateLayerUpload',
          'ecr:UploadLayerPart',
          'ecr:CompleteLayerUpload',
          'ecr:PutImage',
          'ecr:DescribeImageScanFindings',
          'ecr:StartImageScan',
        ],
        resources: [props.repository.repositoryArn],
      }),
    );
    cluster.addImageRepository(props.repository);

    const properties = {
      SourceRepositoryName: this.asset.repository.repositoryName,
      Tag: this.asset.imageTag,
      TargetRepositoryName: props.repository.repositoryName,
      Platform: this.platform as NomadImagePropertiesInput['Platform'],
      ScanGate: props.scanGate ?? true,
      FailOnSeverity: (props.failOnSeverity ??
        ImageScanSeverity.CRITICAL) as NomadImagePropertiesInput['FailOnSeverity'],
      TimeoutSeconds: timeoutSeconds,
    } satisfies NomadImagePropertiesInput;
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: publisher.serviceToken,
      resourceType: NOMAD_IMAGE_RESOURCE_TYPE,
      serviceTimeout: Duration.seconds(Math.min(3600, timeoutSeconds + 600)),
      properties,
    });
    this.resource.node.addDependency(publisher);
    this.imageDigest = this.resource.getAttString('ImageDigest');
    this.attrScanFindings = this.resource.getAttString('ScanFindings');
    this.imageUri = `${props.repository.repositoryUri}@${this.imageDigest}`;
  }
}

/** The architecture all client pools share: what images are built for by default. */
function poolArchitecture(cluster: NomadCluster, path: string): ec2.InstanceArchitecture {
  const architectures = [...new Set(cluster.pools.map((pool) => pool.architecture))];
  if (architectures.length !== 1) {
    throw new NomadError(
      'invalid-prop',
      `${path}.architecture`,
      `expected the architecture to build for, received none, and the cluster's pools ${
        architectures.length === 0 ? 'do not exist yet' : `run ${architectures.join(' and ')}`
      }. Add the client pools before the image, or set architecture (ec2.InstanceArchitecture.ARM_64 or X86_64).`,
    );
  }
  return architectures[0] as ec2.InstanceArchitecture;
}

/** The cluster's image publisher (one per cluster): copies images into their repositories and scans them. */
function imagePublisher(cluster: NomadCluster): AsyncProvider {
  const id = 'ImagePublisher';
  const existing = cluster.node.tryFindChild(id);
  if (existing instanceof AsyncProvider) {
    return existing;
  }
  return new AsyncProvider(cluster, id, {
    handler: 'nomad-image',
    description: `Nomad cluster ${cluster.clusterName}: publishes NomadImages into their repositories and waits for their scans`,
    vpc: cluster.vpc,
    subnets: cluster.nodeContext.functionSubnets,
    encryptionKey: cluster.encryptionKey,
    logRetention: cluster.logRetention,
    // Layers are copied in 10 MB parts: memory for a part and the SDK, time for a large layer.
    memorySize: 1024,
    handlerTimeout: Duration.minutes(10),
    queryInterval: Duration.seconds(15),
    totalTimeout: Duration.hours(1),
  });
}
