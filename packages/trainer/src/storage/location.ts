import { TrainerError } from '../errors';

/** Where data, models or predictions live: a local path or an S3 object or prefix. */
export type Location = LocalLocation | S3Location;

export interface LocalLocation {
  readonly kind: 'local';
  readonly path: string;
}

export interface S3Location {
  readonly kind: 's3';
  readonly bucket: string;
  /** Object key, or key prefix without a trailing slash; empty for the bucket's root. */
  readonly key: string;
}

/** Parses `s3://bucket/key` or a local path. */
export function parseLocation(text: string): Location {
  if (!text.startsWith('s3://')) return { kind: 'local', path: text };
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(text);
  if (!match) {
    throw new TrainerError('invalid-option', `expected s3://bucket/key, received "${text}"`);
  }
  return { kind: 's3', bucket: match[1] as string, key: (match[2] as string).replace(/\/+$/, '') };
}

export function formatLocation(location: Location): string {
  return location.kind === 'local' ? location.path : `s3://${location.bucket}/${location.key}`;
}
