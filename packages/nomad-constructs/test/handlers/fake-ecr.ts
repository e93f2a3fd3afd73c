import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  CompleteLayerUploadCommand,
  DescribeImageScanFindingsCommand,
  ECRClient,
  GetDownloadUrlForLayerCommand,
  ImageAlreadyExistsException,
  ImageTagAlreadyExistsException,
  InitiateLayerUploadCommand,
  LayerAlreadyExistsException,
  PutImageCommand,
  ScanNotFoundException,
  StartImageScanCommand,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

interface Repository {
  readonly blobs: Map<string, Buffer>;
  /** digest -> manifest text and media type. */
  readonly manifests: Map<string, { text: string; mediaType: string }>;
  readonly tags: Map<string, string>;
}

/** A scan as ECR reports it: its status, then its findings. */
export interface FakeScan {
  status: 'IN_PROGRESS' | 'COMPLETE' | 'FAILED' | 'UNSUPPORTED_IMAGE';
  description?: string;
  counts?: Record<string, number>;
  findings?: { name: string; severity: string; packageName?: string }[];
  /** Reads that still answer IN_PROGRESS before the status above. */
  inProgressReads?: number;
}

/**
 * An in-memory ECR registry behind aws-sdk-client-mock, with the behaviour of the API the
 * NomadImage handler uses: manifests by tag and digest, layer availability, layer uploads in parts
 * (checked against the digest on completion), `PutImage` with immutable tags, download URLs that
 * point at a loopback HTTP server (ECR's are pre-signed S3 URLs), and scans.
 */
export class FakeEcr {
  public readonly client = new ECRClient({ region: 'eu-west-1' });
  public readonly repositories = new Map<string, Repository>();
  /** Scans by digest; a digest without one has no scan (ScanNotFoundException). */
  public readonly scans = new Map<string, FakeScan>();
  public readonly calls: string[] = [];
  /** The scan a StartImageScan creates. */
  public startedScan: FakeScan = { status: 'COMPLETE', counts: {} };
  /** Downloads that serve other bytes than the blob (corruption on the way). */
  public readonly corrupt = new Set<string>();
  private readonly uploads = new Map<string, { repository: string; parts: Buffer[] }>();
  private readonly mock = mockClient(ECRClient);
  private server?: Server;
  private port = 0;

  public static async start(): Promise<FakeEcr> {
    const ecr = new FakeEcr();
    const server = createServer((req, res) => {
      const [, repository, digest] = /^\/([^/]+)\/(sha256:[0-9a-f]+)$/.exec(req.url ?? '') ?? [];
      const blob = ecr.repositories.get(repository ?? '')?.blobs.get(digest ?? '');
      if (blob === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200).end(ecr.corrupt.has(digest ?? '') ? Buffer.concat([blob, Buffer.from('!')]) : blob);
    });
    ecr.server = server;
    ecr.port = await new Promise((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
    ecr.wire();
    return ecr;
  }

  public async stop(): Promise<void> {
    this.mock.restore();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  public repository(name: string): Repository {
    let repository = this.repositories.get(name);
    if (repository === undefined) {
      repository = { blobs: new Map(), manifests: new Map(), tags: new Map() };
      this.repositories.set(name, repository);
    }
    return repository;
  }

  /**
   * Pushes an image as `docker push` would: its layers and config, its manifest, a tag. Returns
   * the manifest digest. With `platforms`, an OCI index of one image per platform plus a
   * provenance attestation manifest (what Docker buildx pushes).
   */
  public push(repositoryName: string, tag: string, platforms: string[] = ['linux/amd64'], index = false): string {
    const repository = this.repository(repositoryName);
    const image = (platform: string) => {
      const [os, architecture] = platform.split('/');
      const layer = Buffer.from(`layer of ${platform} ${tag} `.repeat(1000));
      const config = Buffer.from(JSON.stringify({ os, architecture, config: { Entrypoint: ['node'] } }));
      repository.blobs.set(sha256(layer), layer);
      repository.blobs.set(sha256(config), config);
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
        layers: [
          { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length },
        ],
      });
      repository.manifests.set(sha256(manifest), {
        text: manifest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
      });
      return { digest: sha256(manifest), size: manifest.length, os, architecture };
    };
    if (!index) {
      const single = image(platforms[0] as string);
      repository.tags.set(tag, single.digest);
      return single.digest;
    }
    const images = platforms.map(image);
    const attestation = Buffer.from('{"_type":"https://in-toto.io/Statement/v0.1"}');
    repository.blobs.set(sha256(attestation), attestation);
    const attestationManifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(attestation),
        size: attestation.length,
      },
      layers: [{ mediaType: 'application/vnd.in-toto+json', digest: sha256(attestation), size: attestation.length }],
    });
    repository.manifests.set(sha256(attestationManifest), {
      text: attestationManifest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
    const indexManifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        ...images.map((i) => ({
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: i.digest,
          size: i.size,
          platform: { os: i.os, architecture: i.architecture },
        })),
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: sha256(attestationManifest),
          size: attestationManifest.length,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
        },
      ],
    });
    repository.manifests.set(sha256(indexManifest), {
      text: indexManifest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
    });
    repository.tags.set(tag, sha256(indexManifest));
    return sha256(indexManifest);
  }

  /** The digests of the platform images of an index (or the digest itself). */
  public platformDigests(repositoryName: string, digest: string): string[] {
    const manifest = JSON.parse(this.repository(repositoryName).manifests.get(digest)?.text ?? '{}') as {
      manifests?: { digest: string; platform?: { os?: string } }[];
    };
    return manifest.manifests === undefined
      ? [digest]
      : manifest.manifests.filter((m) => m.platform?.os !== 'unknown').map((m) => m.digest);
  }

  private wire(): void {
    const log = (name: string, detail: string) => this.calls.push(`${name} ${detail}`);
    this.mock.on(BatchGetImageCommand).callsFake((input) => {
      const repository = this.repository(input.repositoryName);
      const id = input.imageIds[0] ?? {};
      log('BatchGetImage', `${input.repositoryName} ${id.imageTag ?? id.imageDigest}`);
      const digest = id.imageTag !== undefined ? repository.tags.get(id.imageTag) : id.imageDigest;
      const manifest = digest === undefined ? undefined : repository.manifests.get(digest);
      if (digest === undefined || manifest === undefined) {
        return {
          images: [],
          failures: [{ imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }],
        };
      }
      return {
        images: [
          {
            repositoryName: input.repositoryName,
            imageId: { imageDigest: digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) },
            imageManifest: manifest.text,
            imageManifestMediaType: manifest.mediaType,
          },
        ],
        failures: [],
      };
    });
    this.mock.on(BatchCheckLayerAvailabilityCommand).callsFake((input) => {
      const repository = this.repository(input.repositoryName);
      log('BatchCheckLayerAvailability', `${input.repositoryName} ${input.layerDigests.length}`);
      return {
        layers: input.layerDigests.map((digest: string) => ({
          layerDigest: digest,
          layerAvailability: repository.blobs.has(digest) ? 'AVAILABLE' : 'UNAVAILABLE',
        })),
      };
    });
    this.mock.on(GetDownloadUrlForLayerCommand).callsFake((input) => {
      log('GetDownloadUrlForLayer', `${input.repositoryName} ${input.layerDigest}`);
      return {
        downloadUrl: `http://127.0.0.1:${this.port}/${input.repositoryName}/${input.layerDigest}`,
        layerDigest: input.layerDigest,
      };
    });
    this.mock.on(InitiateLayerUploadCommand).callsFake((input) => {
      const uploadId = randomUUID();
      this.uploads.set(uploadId, { repository: input.repositoryName, parts: [] });
      log('InitiateLayerUpload', input.repositoryName);
      // Small parts, so a layer goes up in several.
      return { uploadId, partSize: 4096 };
    });
    this.mock.on(UploadLayerPartCommand).callsFake((input) => {
      const upload = this.uploads.get(input.uploadId);
      const part = Buffer.from(input.layerPartBlob);
      const received = upload?.parts.reduce((sum, p) => sum + p.length, 0) ?? 0;
      if (
        upload === undefined ||
        input.partFirstByte !== received ||
        input.partLastByte !== received + part.length - 1
      ) {
        throw new Error('InvalidLayerPartException: parts out of order');
      }
      upload.parts.push(part);
      log('UploadLayerPart', `${input.partFirstByte}-${input.partLastByte}`);
      return { uploadId: input.uploadId, lastByteReceived: input.partLastByte };
    });
    this.mock.on(CompleteLayerUploadCommand).callsFake((input) => {
      const upload = this.uploads.get(input.uploadId);
      const blob = Buffer.concat(upload?.parts ?? []);
      const digest = input.layerDigests[0];
      log('CompleteLayerUpload', digest);
      if (sha256(blob) !== digest) {
        throw new Error('LayerPartTooSmall/InvalidLayerException: digest mismatch');
      }
      const repository = this.repository(upload?.repository ?? '');
      if (repository.blobs.has(digest)) {
        throw new LayerAlreadyExistsException({ message: 'layer already exists', $metadata: {} });
      }
      repository.blobs.set(digest, blob);
      return { layerDigest: digest };
    });
    this.mock.on(PutImageCommand).callsFake((input) => {
      const repository = this.repository(input.repositoryName);
      const digest = sha256(input.imageManifest);
      log('PutImage', `${input.repositoryName} ${input.imageTag ?? digest}`);
      if (input.imageDigest !== undefined && input.imageDigest !== digest) {
        throw new Error('ImageDigestDoesNotMatchException');
      }
      const manifest = JSON.parse(input.imageManifest) as {
        config?: { digest: string };
        layers?: { digest: string }[];
        manifests?: { digest: string }[];
      };
      const missing = [manifest.config?.digest, ...(manifest.layers ?? []).map((l) => l.digest)]
        .filter((d): d is string => d !== undefined)
        .filter((d) => !repository.blobs.has(d));
      const missingManifests = (manifest.manifests ?? []).filter((m) => !repository.manifests.has(m.digest));
      if (missing.length > 0 || missingManifests.length > 0) {
        throw new Error(
          `LayersNotFoundException: ${[...missing, ...missingManifests.map((m) => m.digest)].join(', ')}`,
        );
      }
      if (input.imageTag !== undefined) {
        const tagged = repository.tags.get(input.imageTag);
        if (tagged === digest) {
          throw new ImageAlreadyExistsException({ message: 'image already exists', $metadata: {} });
        }
        if (tagged !== undefined) {
          throw new ImageTagAlreadyExistsException({ message: 'tag is immutable', $metadata: {} });
        }
        repository.tags.set(input.imageTag, digest);
      }
      repository.manifests.set(digest, { text: input.imageManifest, mediaType: input.imageManifestMediaType ?? '' });
      return { image: { imageId: { imageDigest: digest, imageTag: input.imageTag } } };
    });
    this.mock.on(DescribeImageScanFindingsCommand).callsFake((input) => {
      const digest = input.imageId.imageDigest;
      log('DescribeImageScanFindings', digest);
      const scan = this.scans.get(digest);
      if (scan === undefined) {
        throw new ScanNotFoundException({ message: 'Image scan does not exist for the image', $metadata: {} });
      }
      if ((scan.inProgressReads ?? 0) > 0) {
        scan.inProgressReads = (scan.inProgressReads ?? 0) - 1;
        return { imageScanStatus: { status: 'IN_PROGRESS', description: 'scanning' } };
      }
      return {
        imageScanStatus: {
          status: scan.status,
          description: scan.description ?? 'The scan was completed successfully.',
        },
        imageScanFindings: {
          findingSeverityCounts: scan.counts ?? {},
          findings: (scan.findings ?? []).map((finding) => ({
            name: finding.name,
            severity: finding.severity,
            attributes: finding.packageName ? [{ key: 'package_name', value: finding.packageName }] : [],
          })),
        },
      };
    });
    this.mock.on(StartImageScanCommand).callsFake((input) => {
      log('StartImageScan', input.imageId.imageDigest);
      this.scans.set(input.imageId.imageDigest, { ...this.startedScan });
      return { imageScanStatus: { status: 'IN_PROGRESS' } };
    });
  }
}
