import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { TrainerError } from '../errors';
import type { ObjectStore } from './object-store';

/**
 * Objects under an S3 prefix. A PutObject is atomic (readers get the old or the
 * new object), which is what the run layout relies on.
 */
export class S3Store implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    /** Key prefix without a trailing slash; empty for the bucket's root. */
    readonly prefix: string,
  ) {}

  get description(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.send('write', key, () =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key), Body: body })),
    );
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
      if (!response.Body) return Buffer.alloc(0);
      return Buffer.from(await response.Body.transformToByteArray());
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw this.storageError('read', key, error);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const root = this.prefix ? `${this.prefix}/` : '';
    let continuationToken: string | undefined;
    do {
      const response = await this.send('list', prefix, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: `${root}${prefix}`,
            ContinuationToken: continuationToken,
          }),
        ),
      );
      for (const object of response.Contents ?? []) {
        if (object.Key) keys.push(object.Key.slice(root.length));
      }
      continuationToken = response.IsTruncated ? response.NextContinuationToken : undefined;
    } while (continuationToken);
    return keys;
  }

  async openReadStream(key: string): Promise<Readable> {
    const response = await this.send('read', key, () =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) })),
    );
    // In Node.js the SDK returns the HTTP response body, a Readable.
    return response.Body as Readable;
  }

  private keyOf(key: string): string {
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private async send<T>(action: string, key: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.storageError(action, key, error);
    }
  }

  private storageError(action: string, key: string, error: unknown): TrainerError {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new TrainerError('storage', `cannot ${action} s3://${this.bucket}/${this.keyOf(key)}: ${reason}`);
  }
}

/** A client with the SDK's standard credential chain and region lookup (AWS_REGION, profiles, instance roles). */
export function defaultS3Client(): S3Client {
  return new S3Client({});
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404)
  );
}
