import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/commands/evaluate';
import { predict } from '../../src/commands/predict';
import { train } from '../../src/commands/train';
import { irisCsv } from '../../src/data/data-source';
import { TrainerError } from '../../src/errors';
import { silentLogger } from '../../src/observability/logger';

/**
 * An in-memory bucket behind aws-sdk-client-mock: PutObject stores, GetObject
 * returns a stream as the SDK does in Node.js (or NoSuchKey), ListObjectsV2 lists
 * by prefix. Every request is recorded in order.
 */
function fakeS3() {
  const objects = new Map<string, Buffer>();
  const requests: string[] = [];
  const mock = mockClient(S3Client);
  const failOn = new Set<string>();
  mock.on(PutObjectCommand).callsFake((input: { Bucket: string; Key: string; Body: string | Uint8Array }) => {
    const name = `${input.Bucket}/${input.Key}`;
    if (failOn.has(name)) {
      throw new S3ServiceException({
        name: 'InternalError',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
        message: 'We encountered an internal error',
      });
    }
    requests.push(`PUT ${name}`);
    objects.set(name, Buffer.from(input.Body));
    return {};
  });
  mock.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    const name = `${input.Bucket}/${input.Key}`;
    requests.push(`GET ${name}`);
    const body = objects.get(name);
    if (!body)
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    return { Body: sdkStreamMixin(Readable.from([body])) };
  });
  mock.on(ListObjectsV2Command).callsFake((input: { Bucket: string; Prefix?: string }) => {
    requests.push(`LIST ${input.Bucket}/${input.Prefix ?? ''}`);
    const keys = [...objects.keys()]
      .filter((name) => name.startsWith(`${input.Bucket}/${input.Prefix ?? ''}`))
      .map((name) => name.slice(input.Bucket.length + 1));
    return { Contents: keys.map((Key) => ({ Key })), IsTruncated: false };
  });
  return { mock, objects, requests, failOn };
}

describe('S3 storage (aws-sdk-client-mock)', () => {
  let s3: ReturnType<typeof fakeS3>;
  const storage = {
    s3Client: new S3Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    }),
  };
  const context = { logger: silentLogger, env: {}, storage };

  beforeEach(() => {
    s3 = fakeS3();
    s3.objects.set('data/iris.csv', Buffer.from(irisCsv()));
  });
  afterEach(() => s3.mock.restore());

  it('reads data from S3 and writes the run under <prefix>/<run-id>/, then the manifest, then latest', async () => {
    const result = await train(
      { data: 's3://data/iris.csv', out: 's3://models/team/trainer', runId: 'r1', hyperparameters: { epochs: 3 } },
      context,
    );
    expect(result.location).toBe('s3://models/team/trainer/r1');
    const puts = s3.requests.filter((request) => request.startsWith('PUT'));
    // Checkpoints first (epoch ends at most every 2 s, and always the last), then the run's files, manifest, latest.
    const checkpoints = puts.findIndex((request) => !request.endsWith('/checkpoint.json'));
    expect(checkpoints).toBeGreaterThanOrEqual(1);
    expect(new Set(puts.slice(0, checkpoints))).toEqual(new Set(['PUT models/team/trainer/r1/checkpoint.json']));
    expect(puts.slice(checkpoints)).toEqual([
      'PUT models/team/trainer/r1/model.json',
      'PUT models/team/trainer/r1/metrics.json',
      'PUT models/team/trainer/r1/manifest.json',
      'PUT models/team/trainer/latest',
    ]);
    expect(s3.requests).toContain('GET data/iris.csv');
    expect(JSON.parse(String(s3.objects.get('models/team/trainer/latest')))).toEqual({
      runId: 'r1',
      manifest: 'r1/manifest.json',
    });
  });

  it('evaluates and predicts with the latest model on S3, and writes predictions to S3', async () => {
    await train(
      { data: 's3://data/iris.csv', out: 's3://models/p', runId: 'r1', hyperparameters: { epochs: 30 } },
      context,
    );
    const report = await evaluate({ model: 's3://models/p', data: 's3://data/iris.csv' }, context);
    expect(report.runId).toBe('r1');
    expect(report.accuracy).toBeGreaterThan(0.9);
    const result = await predict(
      { model: 's3://models/p/r1', data: 's3://data/iris.csv', out: 's3://out/predictions.csv' },
      context,
    );
    expect(result.rows).toBe(150);
    expect(String(s3.objects.get('out/predictions.csv')).split('\n')[1]).toMatch(/^2,setosa,/);
  });

  it('leaves latest on the previous run when the manifest write fails, and readers keep the old model', async () => {
    await train(
      { data: 's3://data/iris.csv', out: 's3://models/p', runId: 'old', hyperparameters: { epochs: 2 } },
      context,
    );
    s3.failOn.add('models/p/new/manifest.json');
    const error = await train(
      { data: 's3://data/iris.csv', out: 's3://models/p', runId: 'new', hyperparameters: { epochs: 2 } },
      context,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainerError);
    expect((error as TrainerError).message).toBe(
      'cannot write s3://models/p/new/manifest.json: InternalError: We encountered an internal error',
    );
    expect(s3.objects.has('models/p/new/model.json')).toBe(true);
    expect(JSON.parse(String(s3.objects.get('models/p/latest'))).runId).toBe('old');
    expect((await evaluate({ model: 's3://models/p', data: 's3://data/iris.csv' }, context)).runId).toBe('old');
  });

  it('resumes a run from its checkpoint on S3 (a rescheduled allocation on another node)', async () => {
    const controller = new AbortController();
    const options = { data: 's3://data/iris.csv', out: 's3://models/p', hyperparameters: { epochs: 4 } };
    const env = { NOMAD_JOB_ID: 'trainer/dispatch-1-abc' };
    await train(options, { ...context, env, signal: controller.signal, onEpoch: () => controller.abort() }).catch(
      () => undefined,
    );
    expect(s3.objects.has('models/p/trainer-dispatch-1-abc/checkpoint.json')).toBe(true);
    const resumed = await train({ ...options, resume: true }, { ...context, env });
    expect(resumed.metrics.resumedFrom).toEqual({ epoch: 1, batch: 0 });
  });

  it('reports a missing data object with its S3 URL', async () => {
    const error = await train({ data: 's3://data/missing.csv', out: 's3://models/p', runId: 'x' }, context).catch(
      (e: unknown) => e,
    );
    expect((error as TrainerError).message).toBe(
      'cannot read s3://data/missing.csv: NoSuchKey: The specified key does not exist.',
    );
  });
});
