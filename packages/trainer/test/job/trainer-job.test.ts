import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktn/hcl2json';
import { Size, Testing } from '@org/jobspec-builder';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_JOB_PROPS, renderedJobFiles } from '../../scripts/rendered-job';
import { TRAIN_OPTIONS } from '../../src/cli/options';
import { TRAINER_META_KEYS, trainerJob } from '../../src/job/trainer-job';

const JOB_DIR = join(__dirname, '..', '..', 'job');

/** The value at `path` inside parsed JSON (object keys and array indices). */
function dig(value: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], value);
}

describe('trainerJob', () => {
  it('is a valid parameterized batch job that resumes its own run', () => {
    const job = trainerJob({ image: 'trainer:1' });
    expect(Testing.issues(job)).toEqual([]);
    const api = job.toApiJson().Job;
    expect(api.Type).toBe('batch');
    expect(api.ParameterizedJob).toEqual({
      Payload: 'forbidden',
      MetaRequired: ['output'],
      MetaOptional: [...TRAINER_META_KEYS],
    });
    const task = dig(api, 'TaskGroups', 0, 'Tasks', 0);
    expect(dig(task, 'Config')).toEqual({ image: 'trainer:1', args: ['train', '--resume'], ports: ['metrics'] });
    expect(dig(task, 'Env')).toEqual({ METRICS_PORT: '9464' });
    expect(dig(task, 'RestartPolicy')).toMatchObject({ Attempts: 2, Mode: 'fail' });
    expect(dig(api, 'TaskGroups', 0, 'ReschedulePolicy')).toMatchObject({
      Attempts: 3,
      DelayFunction: 'exponential',
      Unlimited: false,
    });
    expect(dig(task, 'KillSignal')).toBe('SIGTERM');
  });

  it('declares every dispatch meta key the trainer CLI reads', () => {
    const metaKeys = Object.values(TRAIN_OPTIONS).flatMap((spec) => ('meta' in spec && spec.meta ? [spec.meta] : []));
    // The job always passes --resume, so `resume` is not a meta key of the job.
    expect([...TRAINER_META_KEYS, 'output', 'resume'].sort()).toEqual(metaKeys.sort());
  });

  it('makes the output meta optional when the job has a default output location', () => {
    const api = trainerJob({ image: 'trainer:1', outputLocation: 's3://b/p', awsRegion: 'eu-west-1' }).toApiJson().Job;
    expect(dig(api, 'ParameterizedJob', 'MetaRequired')).toBeUndefined();
    expect(dig(api, 'ParameterizedJob', 'MetaOptional', 0)).toBe('output');
    expect(dig(api, 'TaskGroups', 0, 'Tasks', 0, 'Env')).toMatchObject({
      OUTPUT_LOCATION: 's3://b/p',
      AWS_REGION: 'eu-west-1',
    });
  });

  it('assumes its AWS role with a workload identity for AWS STS when given awsRoleArn', () => {
    const arn = 'arn:aws:iam::123456789012:role/trainer';
    const task = dig(trainerJob({ image: 'trainer:1', awsRoleArn: arn }).toApiJson().Job, 'TaskGroups', 0, 'Tasks', 0);
    expect(dig(task, 'Env')).toMatchObject({
      AWS_ROLE_ARN: arn,
      AWS_WEB_IDENTITY_TOKEN_FILE: '${NOMAD_SECRETS_DIR}/nomad_aws.jwt',
    });
    expect(dig(task, 'Identities')).toEqual([
      expect.objectContaining({ Name: 'aws', Audience: ['sts.amazonaws.com'], File: true, TTL: 3600 * 1e9 }),
    ]);
    // Without it, no identity: the SDK's default chain.
    expect(
      dig(trainerJob({ image: 'trainer:1' }).toApiJson().Job, 'TaskGroups', 0, 'Tasks', 0, 'Identities'),
    ).toBeUndefined();
  });

  it('requests GPUs and a node pool when asked', () => {
    const job = trainerJob({ image: 'trainer:1', gpus: 2, nodePool: 'gpu', memory: Size.gibibytes(4) });
    expect(Testing.issues(job)).toEqual([]);
    expect(job.toHcl()).toContain('node_pool   = "gpu"');
    const resources = dig(job.toApiJson().Job, 'TaskGroups', 0, 'Tasks', 0, 'Resources');
    expect(resources).toMatchObject({ MemoryMB: 4096, MemoryMaxMB: 8192, Devices: [{ Name: 'nvidia/gpu', Count: 2 }] });
  });
});

describe('rendered job files', () => {
  it('are current (regenerate with `npx projen render-job`)', () => {
    for (const [name, content] of Object.entries(renderedJobFiles())) {
      expect(readFileSync(join(JOB_DIR, name), 'utf8'), name).toBe(content);
    }
  });

  it("parse with HashiCorp's HCL parser and say the same as the API JSON", async () => {
    const hcl = await parse('trainer.nomad.hcl', readFileSync(join(JOB_DIR, 'trainer.nomad.hcl'), 'utf8'));
    const api = dig(JSON.parse(readFileSync(join(JOB_DIR, 'trainer.nomad.json'), 'utf8')), 'Job');
    const job = dig(hcl, 'job', 'trainer', 0);
    expect(dig(job, 'type')).toBe(dig(api, 'Type'));
    expect(dig(job, 'parameterized', 0, 'meta_optional')).toEqual(dig(api, 'ParameterizedJob', 'MetaOptional'));
    const task = dig(job, 'group', 'trainer', 0, 'task', 'trainer', 0);
    const apiTask = dig(api, 'TaskGroups', 0, 'Tasks', 0);
    // The image and the node pool are input variables, defaulting to what the JSON holds.
    expect(dig(task, 'config', 0, 'image')).toBe('${var.image}');
    expect(dig(hcl, 'variable', 'image', 0, 'default')).toBe(EXAMPLE_JOB_PROPS.image);
    expect(dig(apiTask, 'Config', 'image')).toBe(EXAMPLE_JOB_PROPS.image);
    expect(dig(job, 'node_pool')).toBe('${var.node_pool}');
    expect(dig(hcl, 'variable', 'node_pool', 0, 'default')).toBe('default');
    expect(dig(task, 'config', 0, 'args')).toEqual(dig(apiTask, 'Config', 'args'));
    expect(dig(task, 'env', 0)).toEqual(dig(apiTask, 'Env'));
    expect(dig(task, 'resources', 0, 'memory')).toBe(dig(apiTask, 'Resources', 'MemoryMB'));
    expect(dig(task, 'resources', 0, 'memory_max')).toBe(dig(apiTask, 'Resources', 'MemoryMaxMB'));
  });
});
