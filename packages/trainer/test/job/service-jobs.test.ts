import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktn/hcl2json';
import { Testing } from '@org/jobspec-builder';
import { describe, expect, it } from 'vitest';
import { renderedServiceJobFiles, SERVICE_JOB_EXAMPLE } from '../../scripts/rendered-service-jobs';
import { OPTIMIZE_OPTIONS, TRAIN_OPTIONS } from '../../src/cli/options';
import { predictionServiceJob } from '../../src/job/prediction-service-job';
import { PIPELINE_META, trainerPipelineJob } from '../../src/job/trainer-pipeline-job';
import { finished, logLines, spawnCli } from '../support/cli';
import { tempDir } from '../support/temp';

const JOB_DIR = join(__dirname, '..', '..', 'job');

function dig(value: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], value);
}

interface ApiTask {
  Name: string;
  Lifecycle?: { Hook: string; Sidecar: boolean };
  Config: { args: string[] };
  Env?: Record<string, string>;
}

describe('predictionServiceJob', () => {
  it('is a valid service: 2 instances over zones, canary with auto revert, a CPU scaling policy, drain on SIGTERM', () => {
    const job = predictionServiceJob({ image: 'trainer:1', modelLocation: 's3://b/runs', awsRegion: 'eu-west-1' });
    expect(Testing.issues(job)).toEqual([]);
    const api = job.toApiJson().Job;
    expect(api.Type).toBe('service');
    const group = dig(api, 'TaskGroups', 0) as Record<string, unknown>;
    expect(group.Count).toBe(2);
    expect(dig(group, 'Spreads', 0, 'Attribute')).toBe('${attr.platform.aws.placement.availability-zone}');
    expect(group.Update).toMatchObject({ Canary: 1, AutoRevert: true, AutoPromote: true, MaxParallel: 1 });
    expect(group.Scaling).toMatchObject({ Min: 2, Max: 6, Enabled: true });
    expect(dig(group, 'Scaling', 'Policy', 'check', 0, 'avg_cpu', 0)).toMatchObject({
      source: 'nomad-apm',
      query: 'avg_cpu-allocated',
      strategy: [{ 'target-value': [{ target: 70 }] }],
    });
    const checks = (dig(group, 'Services', 0, 'Checks') as { Path: string }[]).map((check) => check.Path);
    expect(checks).toEqual(['/ready', '/health']);
    const task = dig(group, 'Tasks', 0) as Record<string, unknown>;
    expect(task.Config).toEqual({ image: 'trainer:1', args: ['serve'], ports: ['http'] });
    expect(task.Env).toEqual({
      MODEL_LOCATION: 's3://b/runs',
      PORT: '8080',
      DRAIN_SECONDS: '5',
      RELOAD_INTERVAL_SECONDS: '10',
      AWS_REGION: 'eu-west-1',
    });
    expect(task.KillSignal).toBe('SIGTERM');
  });

  it('takes the instance count and scaling bounds it is given', () => {
    const api = predictionServiceJob({ image: 'x', modelLocation: 's3://b/p', count: 3, maxCount: 5 }).toApiJson().Job;
    expect(dig(api, 'TaskGroups', 0, 'Scaling')).toMatchObject({ Min: 3, Max: 5 });
  });
});

describe('trainerPipelineJob', () => {
  const job = trainerPipelineJob({ image: 'trainer:1' });
  const api = job.toApiJson().Job;
  const tasks = dig(api, 'TaskGroups', 0, 'Tasks') as ApiTask[];

  it('is a valid parameterized batch job: optimize (prestart), train, predict (poststop)', () => {
    expect(Testing.issues(job)).toEqual([]);
    expect(api.Type).toBe('batch');
    expect(api.ParameterizedJob).toEqual({
      Payload: 'forbidden',
      MetaRequired: ['output'],
      MetaOptional: [...PIPELINE_META.optional],
    });
    expect(tasks.map((task) => [task.Name, task.Lifecycle?.Hook ?? 'main', task.Lifecycle?.Sidecar ?? false])).toEqual([
      ['optimize', 'prestart', false],
      ['train', 'main', false],
      ['predict', 'poststop', false],
    ]);
    expect(tasks.every((task) => task.Config.args.join(' ').includes('${NOMAD_META_output}/${NOMAD_JOB_ID}/'))).toBe(
      true,
    );
  });

  it('declares only meta keys the steps read', () => {
    const read = new Set(
      [...Object.values(TRAIN_OPTIONS), ...Object.values(OPTIMIZE_OPTIONS)].flatMap((spec) =>
        'meta' in spec && spec.meta ? [spec.meta] : [],
      ),
    );
    const inArgs = tasks.flatMap((task) =>
      [...task.Config.args.join(' ').matchAll(/\$\{NOMAD_META_(\w+)\}/g)].map((m) => m[1]),
    );
    for (const key of [...PIPELINE_META.required, ...PIPELINE_META.optional]) {
      expect(read.has(key) || inArgs.includes(key), key).toBe(true);
    }
  });

  /**
   * What Nomad does for one dispatch, on this machine: each step's args with
   * `${NOMAD_META_x}` and `${NOMAD_JOB_ID}` interpolated, NOMAD_META_<key> (and its
   * upper-case form) from the job's meta merged with the dispatch meta, the task's
   * env, run in lifecycle order; a failing step stops the chain.
   */
  async function dispatch(meta: Record<string, string>) {
    const jobId = 'trainer-pipeline/dispatch-1712345678-3a4b5c6d';
    const merged: Record<string, string> = { ...(api.Meta as Record<string, string>), ...meta };
    const env: Record<string, string> = { NOMAD_JOB_ID: jobId };
    for (const [key, value] of Object.entries(merged)) {
      env[`NOMAD_META_${key}`] = value;
      env[`NOMAD_META_${key.toUpperCase()}`] = value;
    }
    const interpolate = (arg: string) => arg.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => env[name] ?? '');
    const results: { step: string; code: number | null; stderr: string }[] = [];
    for (const task of tasks) {
      const result = await finished(spawnCli(task.Config.args.map(interpolate), { ...env, ...task.Env }));
      results.push({ step: task.Name, code: result.code, stderr: result.stderr });
      if (result.code !== 0) break;
    }
    return { results, run: `${merged.output}/${jobId}` };
  }

  it('runs its steps chained as the job runs them: every step writes under the dispatch’s run location', async () => {
    const output = tempDir();
    const { results, run } = await dispatch({ output, model: 'mlp', trials: '2' });
    expect(results.map((r) => [r.step, r.code])).toEqual([
      ['optimize', 0],
      ['train', 0],
      ['predict', 0],
    ]);
    expect(existsSync(join(run, 'optimize', 'latest'))).toBe(true);
    const latest = JSON.parse(readFileSync(join(run, 'model', 'latest'), 'utf8'));
    const metrics = JSON.parse(readFileSync(join(run, 'model', latest.runId, 'metrics.json'), 'utf8'));
    expect(metrics.hyperparameters.model).toBe('mlp');
    expect(metrics.settings.learningRate.source).toBe('hyperparameters file');
    const predictions = readFileSync(join(run, 'predictions.csv'), 'utf8').trim().split('\n');
    expect(predictions).toHaveLength(151);
    expect(predictions[0]).toBe('line,prediction,probability_setosa,probability_versicolor,probability_virginica');
  });

  it('fails the dispatch at the step that fails, with that step’s error in its log', async () => {
    const output = tempDir();
    const { results } = await dispatch({ output, data: join(output, 'missing.csv') });
    expect(results.map((r) => [r.step, r.code])).toEqual([['optimize', 1]]);
    expect(logLines(results[0]?.stderr ?? '').at(-1)).toMatchObject({ level: 'error', code: 'invalid-data' });
  });
});

describe('rendered service and pipeline job files', () => {
  it('are current (regenerate with `npx projen render-job`)', () => {
    for (const [name, content] of Object.entries(renderedServiceJobFiles())) {
      expect(readFileSync(join(JOB_DIR, name), 'utf8'), name).toBe(content);
    }
  });

  it.each([
    ['trainer-serve', 'trainer-serve'],
    ['trainer-pipeline', 'trainer-pipeline'],
  ])("%s parses with HashiCorp's HCL parser and says the same as the API JSON", async (file, id) => {
    const hcl = await parse(`${file}.nomad.hcl`, readFileSync(join(JOB_DIR, `${file}.nomad.hcl`), 'utf8'));
    const api = dig(JSON.parse(readFileSync(join(JOB_DIR, `${file}.nomad.json`), 'utf8')), 'Job') as Record<
      string,
      unknown
    >;
    const job = dig(hcl, 'job', id, 0);
    expect(dig(job, 'type')).toBe(api.Type);
    const group = dig(job, 'group', id, 0);
    const apiTasks = dig(api, 'TaskGroups', 0, 'Tasks') as ApiTask[];
    for (const task of apiTasks) {
      const parsed = dig(group, 'task', task.Name, 0);
      // hcl2json gives template text as written: `$${` is HCL's escape of a literal `${` (Nomad interpolates it at run time).
      const args = (dig(parsed, 'config', 0, 'args') as string[]).map((arg) => arg.replaceAll('$${', '${'));
      expect(args, task.Name).toEqual(task.Config.args);
      expect(dig(parsed, 'lifecycle', 0, 'hook'), task.Name).toBe(task.Lifecycle?.Hook);
    }
    if (id === 'trainer-serve') {
      expect(dig(group, 'scaling', 0, 'max')).toBe(dig(api, 'TaskGroups', 0, 'Scaling', 'Max'));
      expect(
        dig(group, 'scaling', 0, 'policy', 0, 'check', 'avg_cpu', 0, 'strategy', 'target-value', 0, 'target'),
      ).toBe(70);
      expect(dig(api, 'TaskGroups', 0, 'Tasks', 0, 'Config', 'image')).toBe(SERVICE_JOB_EXAMPLE.image);
    } else {
      expect(dig(job, 'parameterized', 0, 'meta_required')).toEqual(['output']);
    }
  });
});
