import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Token, Tokenization } from 'aws-cdk-lib';
import { NomadError } from '../errors';
import { substitutionPlaceholder } from './job-contract';

/** A job in the API's form (`Job` of `{"Job": {...}}`): Go field names. */
export type ApiJob = Readonly<Record<string, unknown>>;

/**
 * The job JSON as it travels to the handler: deploy-time values (CloudFormation tokens: an image
 * digest, a bucket name) replaced by placeholders, and the values themselves beside it for
 * CloudFormation to fill in. The JSON itself is then plain text: the same in a property and in an S3
 * object, and deterministic.
 */
export interface EncodedJobSpec {
  /** `{"Job": {...}}`, with placeholders. */
  readonly json: string;
  /** Placeholder -> the string with tokens it stands for. */
  readonly substitutions: Readonly<Record<string, string>>;
}

/**
 * Specs up to this size travel as a property of the custom resource; larger ones as an S3 asset.
 * Properties count against CloudFormation's template size limit (1 MB from S3, 51,200 bytes when
 * the CLI passes the template inline) and are shown on every stack event: 8 KiB keeps a typical
 * service job inline (the sample hello-world job is about 3 KiB) and a template of many jobs small.
 */
export const INLINE_SPEC_LIMIT_BYTES = 8 * 1024;

/** Replaces every string value holding a token with a placeholder; tokens elsewhere are errors. */
export function encodeJobSpec(job: ApiJob, path: string): EncodedJobSpec {
  const substitutions: Record<string, string> = {};
  const seen = new Map<string, string>();
  const visit = (value: unknown, at: string): unknown => {
    if (typeof value === 'string') {
      if (!Token.isUnresolved(value)) {
        return value;
      }
      let placeholder = seen.get(value);
      if (placeholder === undefined) {
        placeholder = substitutionPlaceholder(seen.size);
        seen.set(value, placeholder);
        substitutions[placeholder] = value;
      }
      return placeholder;
    }
    if (typeof value === 'number' && Token.isUnresolved(value)) {
      throw new NomadError(
        'unresolved-token',
        `${path}.${at}`,
        'expected a number known at synth time, received a deploy-time value (a CloudFormation token). Only strings of a job may hold deploy-time values (an image digest, a bucket name): use a literal number.',
      );
    }
    if (Array.isArray(value)) {
      return value.map((item, index) => visit(item, `${at}[${index}]`));
    }
    if (value !== null && typeof value === 'object') {
      if (Tokenization.isResolvable(value)) {
        throw new NomadError(
          'unresolved-token',
          `${path}.${at}`,
          'expected a JSON value, received a deploy-time object (a CloudFormation token). Only strings of a job may hold deploy-time values.',
        );
      }
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([key, item]) => [
          key,
          visit(item, at ? `${at}.${key}` : key),
        ]),
      );
    }
    return value;
  };
  const encoded = visit({ Job: job }, '');
  return { json: JSON.stringify(encoded), substitutions };
}

/**
 * Writes a spec too large for a property to a file named after its content, for an S3 asset
 * (the asset hash, and so the template, depends only on the content).
 */
export function writeSpecFile(json: string): string {
  const digest = createHash('sha256').update(json).digest('hex');
  const dir = join(tmpdir(), 'nomad-constructs-job-specs', digest);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'job.json'), json);
  return dir;
}
