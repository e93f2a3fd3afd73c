import type { Readable } from 'node:stream';

/**
 * A flat key-value store of objects under one root (a directory or an S3 prefix).
 * `put` is atomic per object: a reader sees the old object, the new one, or none,
 * never a partial one.
 */
export interface ObjectStore {
  /** The root, for messages: a path or `s3://bucket/prefix`. */
  readonly description: string;
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** The object's bytes, or undefined when there is no such object. */
  get(key: string): Promise<Buffer | undefined>;
  /** Keys under `prefix` (relative to the root), in no particular order. */
  list(prefix: string): Promise<string[]>;
  /** A stream of the object's bytes; fails when there is no such object. */
  openReadStream(key: string): Promise<Readable>;
}
