import { createHash } from 'node:crypto';
import {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  CompleteLayerUploadCommand,
  DescribeImageScanFindingsCommand,
  type DescribeImageScanFindingsCommandOutput,
  ECRClient,
  GetDownloadUrlForLayerCommand,
  ImageAlreadyExistsException,
  ImageTagAlreadyExistsException,
  InitiateLayerUploadCommand,
  LayerAlreadyExistsException,
  LimitExceededException,
  PutImageCommand,
  ScanNotFoundException,
  StartImageScanCommand,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import {
  type NomadImageAttributes,
  NomadImageProperties,
  SCAN_SEVERITIES,
  type ScanSeverityName,
} from '../image/image-contract';
import { CustomResourceError, log, parseProperties } from './custom-resource';
import { type IsCompleteResult, providerHandler } from './provider-events';

/** What `onEvent` hands to `isComplete`. */
export interface ImagePublishState {
  readonly Stage: 'publish' | 'delete';
  /** When the resource gives up (epoch milliseconds). */
  readonly Deadline: number;
}

export const IMAGE_STATE_KEY = 'NomadImage';

/** Test hooks. */
export interface ImageHandlerOptions {
  /** The clock. @default Date.now */
  readonly now?: () => number;
  /**
   * How long one call may copy layers before it hands back to the provider's waiter.
   * @default 6 minutes (the function runs 10 at most)
   */
  readonly copyBudgetMs?: number;
}

type Properties = NomadImageProperties;

/** The manifest media types a registry may hold: every one is accepted and copied as is. */
const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];

interface Descriptor {
  readonly mediaType?: string;
  readonly digest: string;
  readonly size?: number;
  readonly platform?: { readonly os?: string; readonly architecture?: string };
  readonly annotations?: Readonly<Record<string, string>>;
  readonly urls?: readonly string[];
}

interface Manifest {
  readonly mediaType?: string;
  readonly config?: Descriptor;
  readonly layers?: readonly Descriptor[];
  readonly manifests?: readonly Descriptor[];
}

/** A manifest as ECR stores it: its exact text (its digest is the digest of these bytes). */
interface StoredManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly text: string;
  readonly manifest: Manifest;
}

/**
 * The `Custom::NomadImage` handler (see `NomadImage`): copies the image `cdk deploy` pushed to the
 * bootstrap repository into the app's repository (same manifests, same digest, same tag) with ECR's
 * API, checks that it is built for the clients' platform, then waits for ECR's scan and fails on
 * findings at or above the threshold.
 */
export function imageHandler(ecr: ECRClient, options: ImageHandlerOptions = {}) {
  const now = options.now ?? Date.now;
  return providerHandler<ImagePublishState>(
    IMAGE_STATE_KEY,
    async (event) => {
      const props = parseProperties(NomadImageProperties, event);
      const physicalId = `${props.TargetRepositoryName}:${props.Tag}`;
      if (event.RequestType === 'Delete') {
        // Images stay in the repository (the repository's lifecycle rules expire them): a job of a
        // rolled-back version may still run them.
        log('info', 'leaving the image in its repository', { image: event.PhysicalResourceId });
        return {
          PhysicalResourceId: event.PhysicalResourceId ?? physicalId,
          [IMAGE_STATE_KEY]: { Stage: 'delete', Deadline: now() },
        };
      }
      return {
        PhysicalResourceId: physicalId,
        [IMAGE_STATE_KEY]: { Stage: 'publish', Deadline: now() + props.TimeoutSeconds * 1000 },
      };
    },
    async (event, state) => {
      if (state.Stage === 'delete') {
        return { IsComplete: true };
      }
      const props = parseProperties(NomadImageProperties, event);
      return new ImagePublisher(ecr, props, state, now, options).publish();
    },
  );
}

class ImagePublisher {
  private readonly copyUntil: number;

  public constructor(
    private readonly ecr: ECRClient,
    private readonly props: Properties,
    private readonly state: ImagePublishState,
    private readonly now: () => number,
    options: ImageHandlerOptions,
  ) {
    this.copyUntil = Date.now() + (options.copyBudgetMs ?? 6 * 60 * 1000);
  }

  public async publish(): Promise<IsCompleteResult> {
    const image = `${this.props.TargetRepositoryName}:${this.props.Tag}`;
    if (this.now() >= this.state.Deadline) {
      throw new CustomResourceError(
        `the image ${image} was not published and scanned within ${Math.round(this.props.TimeoutSeconds / 60)} minutes (the NomadImage timeout); see the function log for how far it got`,
      );
    }
    let target = await this.manifest(this.props.TargetRepositoryName, { imageTag: this.props.Tag });
    if (target === undefined) {
      const source = await this.manifest(this.props.SourceRepositoryName, { imageTag: this.props.Tag });
      if (source === undefined) {
        throw new CustomResourceError(
          `the image ${this.props.SourceRepositoryName}:${this.props.Tag} that cdk deploy should have pushed is not there: deploy with the CDK CLI (it builds and pushes the image first)`,
        );
      }
      if (!(await this.copy(source))) {
        return { IsComplete: false };
      }
      target = source;
      log('info', 'copied the image', { image, digest: source.digest });
    }
    const images = await this.platformImages(target);
    const findings = this.props.ScanGate ? await this.scanGate(images) : 'scan gate off';
    if (findings === undefined) {
      return { IsComplete: false };
    }
    const attributes: NomadImageAttributes = { ImageDigest: target.digest, ScanFindings: findings };
    log('info', 'published', { image, ...attributes });
    return { IsComplete: true, Data: { ...attributes } };
  }

  /** A manifest of a repository, or undefined when the tag (or digest) is not there. */
  private async manifest(
    repositoryName: string,
    imageId: { imageTag?: string; imageDigest?: string },
  ): Promise<StoredManifest | undefined> {
    const result = await this.ecr.send(
      new BatchGetImageCommand({ repositoryName, imageIds: [imageId], acceptedMediaTypes: MANIFEST_TYPES }),
    );
    const image = result.images?.[0];
    if (image?.imageManifest === undefined || image.imageId?.imageDigest === undefined) {
      const failure = result.failures?.[0];
      if (
        failure !== undefined &&
        failure.failureCode !== 'ImageNotFound' &&
        failure.failureCode !== 'ImageTagDoesNotMatchDigest'
      ) {
        throw new CustomResourceError(
          `cannot read ${repositoryName} ${JSON.stringify(imageId)}: ${failure.failureCode} ${failure.failureReason ?? ''}`,
        );
      }
      return undefined;
    }
    const manifest = JSON.parse(image.imageManifest) as Manifest;
    return {
      digest: image.imageId.imageDigest,
      mediaType:
        image.imageManifestMediaType ?? manifest.mediaType ?? 'application/vnd.docker.distribution.manifest.v2+json',
      text: image.imageManifest,
      manifest,
    };
  }

  /**
   * Copies every blob the target lacks, then the child manifests and the tagged manifest. Resumable:
   * returns false when this call's budget ran out (the next call continues with what is missing).
   */
  private async copy(source: StoredManifest): Promise<boolean> {
    const children: StoredManifest[] = [];
    for (const child of source.manifest.manifests ?? []) {
      const stored = await this.manifest(this.props.SourceRepositoryName, { imageDigest: child.digest });
      if (stored === undefined) {
        throw new CustomResourceError(
          `the image index ${source.digest} names ${child.digest}, which is not in the repository`,
        );
      }
      children.push(stored);
    }
    const blobs = new Map<string, Descriptor>();
    for (const manifest of [source, ...children]) {
      for (const blob of [manifest.manifest.config, ...(manifest.manifest.layers ?? [])]) {
        // Foreign layers (Windows base images) live at their own URLs and are never pushed.
        if (blob !== undefined && (blob.urls === undefined || blob.urls.length === 0)) {
          blobs.set(blob.digest, blob);
        }
      }
    }
    const missing = await this.missingBlobs([...blobs.keys()]);
    for (const digest of missing) {
      if (Date.now() >= this.copyUntil) {
        log('info', 'copy continues in the next call', { left: missing.length - missing.indexOf(digest) });
        return false;
      }
      await this.copyBlob(digest);
    }
    for (const manifest of [...children, source]) {
      await this.putManifest(manifest, manifest === source ? this.props.Tag : undefined);
    }
    return true;
  }

  private async missingBlobs(digests: string[]): Promise<string[]> {
    const missing: string[] = [];
    // BatchCheckLayerAvailability takes at most 100 digests.
    for (let start = 0; start < digests.length; start += 100) {
      const result = await this.ecr.send(
        new BatchCheckLayerAvailabilityCommand({
          repositoryName: this.props.TargetRepositoryName,
          layerDigests: digests.slice(start, start + 100),
        }),
      );
      const available = new Set(
        (result.layers ?? [])
          .filter((layer) => layer.layerAvailability === 'AVAILABLE')
          .map((layer) => layer.layerDigest),
      );
      missing.push(...digests.slice(start, start + 100).filter((digest) => !available.has(digest)));
    }
    return missing;
  }

  /** Streams one blob from the source repository's download URL into a layer upload of the target. */
  private async copyBlob(digest: string): Promise<void> {
    const { downloadUrl } = await this.ecr.send(
      new GetDownloadUrlForLayerCommand({ repositoryName: this.props.SourceRepositoryName, layerDigest: digest }),
    );
    if (downloadUrl === undefined) {
      throw new CustomResourceError(`ECR gave no download URL for ${digest}`);
    }
    const response = await fetch(downloadUrl);
    if (!response.ok || response.body === null) {
      throw new CustomResourceError(`cannot download ${digest} from ECR: HTTP ${response.status}`);
    }
    const upload = await this.ecr.send(
      new InitiateLayerUploadCommand({ repositoryName: this.props.TargetRepositoryName }),
    );
    const uploadId = upload.uploadId as string;
    const partSize = upload.partSize ?? 10 * 1024 * 1024;
    const hash = createHash('sha256');
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let offset = 0;
    const flush = async () => {
      if (pendingBytes === 0) {
        return;
      }
      const part = Buffer.concat(pending, pendingBytes);
      await this.ecr.send(
        new UploadLayerPartCommand({
          repositoryName: this.props.TargetRepositoryName,
          uploadId,
          partFirstByte: offset,
          partLastByte: offset + part.length - 1,
          layerPartBlob: part,
        }),
      );
      offset += part.length;
      pending = [];
      pendingBytes = 0;
    };
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      pending.push(Buffer.from(chunk));
      pendingBytes += chunk.length;
      if (pendingBytes >= partSize) {
        await flush();
      }
    }
    await flush();
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== digest) {
      throw new CustomResourceError(`the blob downloaded for ${digest} has the digest ${actual}: not copying it`);
    }
    try {
      await this.ecr.send(
        new CompleteLayerUploadCommand({
          repositoryName: this.props.TargetRepositoryName,
          uploadId,
          layerDigests: [digest],
        }),
      );
    } catch (error) {
      if (!(error instanceof LayerAlreadyExistsException)) {
        throw error;
      }
    }
    log('info', 'copied a blob', { digest, bytes: offset });
  }

  private async putManifest(manifest: StoredManifest, tag: string | undefined): Promise<void> {
    try {
      await this.ecr.send(
        new PutImageCommand({
          repositoryName: this.props.TargetRepositoryName,
          imageManifest: manifest.text,
          imageManifestMediaType: manifest.mediaType,
          imageDigest: manifest.digest,
          ...(tag === undefined ? {} : { imageTag: tag }),
        }),
      );
    } catch (error) {
      if (error instanceof ImageAlreadyExistsException) {
        return;
      }
      if (error instanceof ImageTagAlreadyExistsException) {
        throw new CustomResourceError(
          `the tag ${tag} of ${this.props.TargetRepositoryName} already names another image (its tags are immutable): delete that image, or build from different sources`,
        );
      }
      throw error;
    }
  }

  /**
   * The images to scan: the manifest itself, or the index's images for the platform (attestation
   * manifests are not images). Fails when the image is not built for the clients' platform.
   */
  private async platformImages(target: StoredManifest): Promise<StoredManifest[]> {
    const [os, architecture] = this.props.Platform.split('/') as [string, string];
    const children = target.manifest.manifests;
    if (children === undefined) {
      const config = await this.imageConfig(target);
      if (config.os !== os || config.architecture !== architecture) {
        throw this.wrongPlatform(`${config.os}/${config.architecture}`);
      }
      return [target];
    }
    const matching = children.filter(
      (child) => child.platform?.os === os && child.platform?.architecture === architecture,
    );
    if (matching.length === 0) {
      const built = children
        .map((child) => `${child.platform?.os}/${child.platform?.architecture}`)
        .filter((platform) => platform !== 'unknown/unknown')
        .join(', ');
      throw this.wrongPlatform(built || 'no platform');
    }
    const images: StoredManifest[] = [];
    for (const child of matching) {
      const stored = await this.manifest(this.props.TargetRepositoryName, { imageDigest: child.digest });
      if (stored !== undefined) {
        images.push(stored);
      }
    }
    return images;
  }

  private wrongPlatform(built: string): CustomResourceError {
    return new CustomResourceError(
      `the image ${this.props.TargetRepositoryName}:${this.props.Tag} is built for ${built}, but the clients run ${this.props.Platform}: its containers would fail to start ("exec format error"). Build it for ${this.props.Platform} (the NomadImage platform follows the pool's architecture; on another architecture, Docker needs buildx with QEMU).`,
    );
  }

  /** The image's config (os, architecture), read from its config blob. */
  private async imageConfig(image: StoredManifest): Promise<{ os?: string; architecture?: string }> {
    const digest = image.manifest.config?.digest;
    if (digest === undefined) {
      throw new CustomResourceError(`the manifest ${image.digest} has no config`);
    }
    const { downloadUrl } = await this.ecr.send(
      new GetDownloadUrlForLayerCommand({ repositoryName: this.props.TargetRepositoryName, layerDigest: digest }),
    );
    const response = await fetch(downloadUrl as string);
    if (!response.ok) {
      throw new CustomResourceError(`cannot read the image config ${digest}: HTTP ${response.status}`);
    }
    return (await response.json()) as { os?: string; architecture?: string };
  }

  /**
   * ECR's scan of each image: undefined while it runs, the finding counts when it passes; an error
   * naming the findings when any is at or above the threshold, or when ECR cannot scan the image.
   */
  private async scanGate(images: readonly StoredManifest[]): Promise<string | undefined> {
    const totals = new Map<string, number>();
    for (const image of images) {
      const scan = await this.scan(image.digest);
      if (scan === undefined) {
        return undefined;
      }
      for (const [severity, count] of Object.entries(scan.imageScanFindings?.findingSeverityCounts ?? {})) {
        totals.set(severity, (totals.get(severity) ?? 0) + count);
      }
      const threshold = SCAN_SEVERITIES.indexOf(this.props.FailOnSeverity);
      const blocking = SCAN_SEVERITIES.filter((severity, rank) => rank <= threshold && (totals.get(severity) ?? 0) > 0);
      if (blocking.length > 0) {
        throw new CustomResourceError(
          `ECR's scan of ${this.props.TargetRepositoryName}@${image.digest} found ${blocking
            .map((severity) => `${totals.get(severity)} ${severity}`)
            .join(
              ', ',
            )} finding(s) (the NomadImage fails at ${this.props.FailOnSeverity} and above): ${topFindings(scan, threshold)}. Update the base image or packages, or raise failOnSeverity.`,
        );
      }
    }
    return SCAN_SEVERITIES.map((severity) => `${severity}=${totals.get(severity) ?? 0}`).join(' ');
  }

  private async scan(digest: string): Promise<DescribeImageScanFindingsCommandOutput | undefined> {
    const imageId = { imageDigest: digest };
    let result: DescribeImageScanFindingsCommandOutput;
    try {
      result = await this.ecr.send(
        new DescribeImageScanFindingsCommand({
          repositoryName: this.props.TargetRepositoryName,
          imageId,
          maxResults: 50,
        }),
      );
    } catch (error) {
      if (!(error instanceof ScanNotFoundException)) {
        throw error;
      }
      // No scan on push (the repository does not scan on push, or the push was an API copy it did
      // not count): start one.
      try {
        await this.ecr.send(new StartImageScanCommand({ repositoryName: this.props.TargetRepositoryName, imageId }));
        log('info', 'started a scan', { digest });
      } catch (startError) {
        if (!(startError instanceof LimitExceededException)) {
          throw startError;
        }
      }
      return undefined;
    }
    const status = result.imageScanStatus?.status;
    if (status === 'COMPLETE' || status === 'ACTIVE') {
      return result;
    }
    if (status === 'FAILED' || status === 'UNSUPPORTED_IMAGE' || status === 'SCAN_ELIGIBILITY_EXPIRED') {
      throw new CustomResourceError(
        `ECR cannot scan ${this.props.TargetRepositoryName}@${digest} (${status}: ${result.imageScanStatus?.description ?? 'no description'}), so the scan gate cannot pass it. Use a base image ECR can scan, or set scanGate: false on the NomadImage.`,
      );
    }
    log('info', 'waiting for the scan', { digest, status });
    return undefined;
  }
}

/** The most severe findings at or above the threshold, in one line. */
function topFindings(scan: DescribeImageScanFindingsCommandOutput, threshold: number): string {
  const findings = [
    ...(scan.imageScanFindings?.findings ?? []).map((finding) => ({
      severity: finding.severity ?? 'UNDEFINED',
      name: finding.name ?? '?',
      where: (finding.attributes ?? []).find((attribute) => attribute.key === 'package_name')?.value,
    })),
    ...(scan.imageScanFindings?.enhancedFindings ?? []).map((finding) => ({
      severity: finding.severity ?? 'UNDEFINED',
      name: finding.packageVulnerabilityDetails?.vulnerabilityId ?? finding.title ?? '?',
      where: finding.packageVulnerabilityDetails?.vulnerablePackages?.[0]?.name,
    })),
  ]
    .filter((finding) => SCAN_SEVERITIES.indexOf(finding.severity as ScanSeverityName) <= threshold)
    .sort(
      (a, b) =>
        SCAN_SEVERITIES.indexOf(a.severity as ScanSeverityName) -
        SCAN_SEVERITIES.indexOf(b.severity as ScanSeverityName),
    )
    .slice(0, 5);
  return (
    findings
      .map((finding) => `${finding.name} (${finding.severity}${finding.where ? `, ${finding.where}` : ''})`)
      .join('; ') || 'see the repository'
  );
}

/** The Lambda entry point. */
export const handler = imageHandler(new ECRClient({}));
