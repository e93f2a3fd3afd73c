import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { withRetries } from '@org/jobspec-builder/client';
import * as openpgp from 'openpgp';
import { ArtifactStagingProperties, type StagedArtifact, sha256Attribute } from '../artifacts/artifact-contract';
import {
  CustomResourceError,
  type CustomResourceEvent,
  type CustomResourceResult,
  customResourceHandler,
  log,
  parseProperties,
} from './custom-resource';

/** The largest release file staged (the function holds one in memory; it has 1 GiB). */
export const MAX_ARTIFACT_BYTES = 400 * 1024 * 1024;
/** How long one download may take. */
export const DOWNLOAD_TIMEOUT_MS = 5 * 60 * 1000;
/** S3 metadata key holding the hex SHA-256 of a staged object (`x-amz-meta-sha256`). */
export const SHA256_METADATA = 'sha256';

export interface StagingOptions {
  /** A signal that aborts one download after `ms` (tests abort it themselves when the request arrived). */
  readonly timeoutSignal?: (ms: number) => AbortSignal;
  /** The pause before retrying a download that failed with a 5xx or a network error. */
  readonly retryDelayMs?: number;
}

/**
 * Stages the release files the nodes install into the cluster's artifact bucket, once per version:
 * each file is downloaded from its official URL, checked against the SHA-256 pinned in the code
 * and, for HashiCorp's releases, against the SHA256SUMS HashiCorp signed (the signature must be by
 * the pinned key fingerprint), then uploaded with its SHA-256 (S3 checks it on upload, the boot
 * script checks it again). A file already staged with the expected SHA-256 is not downloaded again.
 * A Delete leaves the objects (the bucket is retained) and answers at once.
 */
export async function stageArtifacts(
  event: CustomResourceEvent,
  s3: S3Client,
  options: StagingOptions = {},
): Promise<CustomResourceResult> {
  if (event.RequestType === 'Delete') {
    log('info', 'staged artifacts are left in the bucket', { physicalResourceId: event.PhysicalResourceId });
    return { physicalResourceId: event.PhysicalResourceId ?? 'artifacts' };
  }
  const props = parseProperties(ArtifactStagingProperties, event);
  const downloader = new Downloader(options);
  let signingKey: Promise<openpgp.PublicKey> | undefined;
  const data: Record<string, string> = {};
  for (const artifact of props.artifacts) {
    let expected = artifact.sha256;
    if (artifact.signedSums !== undefined) {
      signingKey ??= readSigningKey(downloader, props.signingKey.url, props.signingKey.fingerprint);
      const signed = await signedSha256(downloader, artifact, await signingKey);
      if (expected !== undefined && signed !== expected) {
        throw new CustomResourceError(
          `${artifact.fileName}: HashiCorp's signed SHA256SUMS lists ${signed}, but the version pinned in @org/nomad-constructs is ${expected}. Nothing was staged for it; check the release before changing the pin.`,
        );
      }
      expected = signed;
    }
    if (expected === undefined) {
      throw new CustomResourceError(
        `${artifact.fileName}: no pinned SHA-256 and no signed SHA256SUMS to check it against`,
      );
    }
    data[sha256Attribute(artifact.fileName)] = expected;
    if ((await stagedSha256(s3, props.bucketName, artifact.key)) === expected) {
      log('info', 'already staged', { key: artifact.key, sha256: expected });
      continue;
    }
    const body = await downloader.get(artifact.url, MAX_ARTIFACT_BYTES);
    const actual = sha256Hex(body);
    if (actual !== expected) {
      throw new CustomResourceError(
        `checksum mismatch for ${artifact.fileName} from ${artifact.url}: expected ${expected}, received ${actual}. Nothing was staged for it.`,
      );
    }
    await upload(s3, props.bucketName, artifact, body, expected);
    log('info', 'staged', { key: artifact.key, url: artifact.url, sha256: expected, bytes: body.length });
  }
  return { physicalResourceId: `s3://${props.bucketName}/artifacts`, data };
}

/** The SHA-256 a staged object was uploaded with, or undefined when there is none. */
async function stagedSha256(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.Metadata?.[SHA256_METADATA];
  } catch (error) {
    if (error instanceof S3ServiceException && (error.name === 'NotFound' || error.$metadata.httpStatusCode === 404)) {
      return undefined;
    }
    throw new CustomResourceError(`cannot read s3://${bucket}/${key}: ${describe(error)}`);
  }
}

async function upload(s3: S3Client, bucket: string, artifact: StagedArtifact, body: Buffer, sha256: string) {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: artifact.key,
        Body: body,
        ContentType: 'application/octet-stream',
        // S3 refuses the upload if the bytes it received have another SHA-256.
        ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
        Metadata: { [SHA256_METADATA]: sha256, source: artifact.url },
      }),
    );
  } catch (error) {
    throw new CustomResourceError(
      `cannot upload ${artifact.fileName} to s3://${bucket}/${artifact.key}: ${describe(error)}`,
    );
  }
}

/**
 * HashiCorp's key from the key file, accepted only if its primary key has the pinned fingerprint
 * (the file may hold other keys: they are ignored).
 */
async function readSigningKey(downloader: Downloader, url: string, fingerprint: string): Promise<openpgp.PublicKey> {
  const armored = (await downloader.get(url, 1024 * 1024)).toString('utf8');
  // A key file may hold several armored blocks (openpgp reads one at a time).
  const blocks = armored.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g) ?? [
    armored,
  ];
  let keys: openpgp.Key[];
  try {
    keys = (await Promise.all(blocks.map((block) => openpgp.readKeys({ armoredKeys: block })))).flat();
  } catch (error) {
    throw new CustomResourceError(`${url} holds no OpenPGP public key: ${describe(error)}`);
  }
  const key = keys.find((candidate) => candidate.getFingerprint().toUpperCase() === fingerprint);
  if (key === undefined) {
    throw new CustomResourceError(
      `${url} holds no key with the fingerprint ${fingerprint} (found ${keys.map((k) => k.getFingerprint().toUpperCase()).join(', ') || 'none'})`,
    );
  }
  return key.toPublic();
}

/** The SHA-256 the signed SHA256SUMS lists for the artifact, once the signature is checked. */
async function signedSha256(downloader: Downloader, artifact: StagedArtifact, key: openpgp.PublicKey): Promise<string> {
  const sums = artifact.signedSums;
  if (sums === undefined) {
    throw new CustomResourceError(`${artifact.fileName}: no SHA256SUMS`);
  }
  const [text, signatureBytes] = await Promise.all([
    downloader.get(sums.url, 1024 * 1024),
    downloader.get(sums.signatureUrl, 64 * 1024),
  ]);
  const sumsName = sums.url.split('/').pop();
  try {
    const signature = await openpgp.readSignature({ binarySignature: new Uint8Array(signatureBytes) });
    const message = await openpgp.createMessage({ binary: new Uint8Array(text) });
    const result = await openpgp.verify({ message, signature, verificationKeys: key, expectSigned: true });
    await result.signatures[0]?.verified;
  } catch (error) {
    throw new CustomResourceError(
      `the signature of ${sumsName} does not verify with HashiCorp's key ${key.getFingerprint().toUpperCase()}: ${describe(error)}. Nothing was staged for ${artifact.fileName}.`,
    );
  }
  const line = text
    .toString('utf8')
    .split('\n')
    .map((entry) => entry.trim().split(/\s+/))
    .find(([, name]) => name === artifact.fileName || name === `*${artifact.fileName}`);
  const sum = line?.[0]?.toLowerCase();
  if (sum === undefined || !/^[0-9a-f]{64}$/.test(sum)) {
    throw new CustomResourceError(`${sumsName} lists no SHA-256 for ${artifact.fileName}`);
  }
  return sum;
}

/** Downloads with a timeout each, and up to three attempts on a 5xx or a network error. */
class Downloader {
  private readonly timeoutSignal: (ms: number) => AbortSignal;
  private readonly retryDelayMs: number;

  public constructor(options: StagingOptions) {
    this.timeoutSignal = options.timeoutSignal ?? ((ms) => AbortSignal.timeout(ms));
    this.retryDelayMs = options.retryDelayMs ?? 3000;
  }

  public async get(url: string, maxBytes: number): Promise<Buffer> {
    const attempt = async () => {
      const outcome = await this.attempt(url, maxBytes);
      if (!outcome.ok) throw outcome;
      return outcome.body;
    };
    try {
      return await withRetries(attempt, (failure, attempt) => {
        const { message, retry } = failure as DownloadFailure;
        if (!retry || attempt >= 3) return undefined;
        log('warn', 'download failed, retrying', { url, attempt, error: message });
        return this.retryDelayMs * attempt;
      });
    } catch (failure) {
      throw new CustomResourceError(`cannot download ${url}: ${(failure as DownloadFailure).message}`);
    }
  }

  private async attempt(url: string, maxBytes: number): Promise<DownloadOutcome> {
    const signal = this.timeoutSignal(DOWNLOAD_TIMEOUT_MS);
    try {
      const response = await fetch(url, { signal, redirect: 'follow' });
      if (!response.ok || response.body === null) {
        await response.body?.cancel();
        return { ok: false, message: `HTTP ${response.status}`, retry: response.status >= 500 };
      }
      const length = Number(response.headers.get('content-length') ?? 0);
      if (length > maxBytes) {
        await response.body.cancel();
        return { ok: false, message: `${length} bytes, more than the ${maxBytes} bytes allowed`, retry: false };
      }
      const reader = response.body.getReader();
      const chunks: Buffer[] = [];
      let total = 0;
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        total += chunk.value.length;
        if (total > maxBytes) {
          await reader.cancel();
          return { ok: false, message: `more than the ${maxBytes} bytes allowed`, retry: false };
        }
        chunks.push(Buffer.from(chunk.value));
      }
      return { ok: true, body: Buffer.concat(chunks) };
    } catch (error) {
      if (signal.aborted) {
        return { ok: false, message: `timed out after ${DOWNLOAD_TIMEOUT_MS / 1000} s`, retry: false };
      }
      return { ok: false, message: describe(error), retry: true };
    }
  }
}

interface DownloadFailure {
  readonly ok: false;
  readonly message: string;
  readonly retry: boolean;
}

type DownloadOutcome = { readonly ok: true; readonly body: Buffer } | DownloadFailure;

function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** The Lambda entry point. */
export const handler = customResourceHandler((event) => stageArtifacts(event, new S3Client({})));
