import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/commands/load-model';
import { train } from '../../src/commands/train';
import { silentLogger } from '../../src/observability/logger';
import { finished, logLines, runInProcess, spawnCli } from '../support/cli';
import { blobsCsv } from '../support/synthetic';
import { suiteTempDir, tempDir } from '../support/temp';

const HYPERPARAMETERS = { model: 'mlp', hiddenSize: 64, epochs: 10, batchSize: 64, seed: 5 } as const;
const TRAINING = ['--model', 'mlp', '--hidden-size', '64', '--epochs', '10', '--batch-size', '64', '--seed', '5'];

/**
 * Resolves with the child's `holding` log line: with TRAINER_HOLD_AT set, the
 * trainer stops at that point of the run, says so and waits for a signal, so the
 * test interrupts it exactly there however fast or busy the machine is.
 */
function holding(child: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      buffer += chunk;
      const line = logLines(buffer.slice(0, buffer.lastIndexOf('\n') + 1)).find((l) => l.msg === 'holding');
      if (line) resolve(line);
    });
    child.once('close', () => reject(new Error(`the trainer exited without holding:\n${buffer}`)));
  });
}

function modelWithoutRunId(out: string, runId: string): string {
  return readFileSync(join(out, runId, 'model.json'), 'utf8').replaceAll(runId, 'RUN');
}

describe('trainer train, interrupted', () => {
  const shared = suiteTempDir();
  const data = join(shared, 'blobs.csv');
  let reference: string;

  beforeAll(async () => {
    writeFileSync(data, blobsCsv({ rows: 6_000, features: 10, classes: 3, separation: 1 }));
    // The uninterrupted run that every interrupted one must match, byte for byte.
    const out = join(shared, 'reference');
    await train({ data, out, runId: 'whole', hyperparameters: HYPERPARAMETERS }, { logger: silentLogger, env: {} });
    reference = modelWithoutRunId(out, 'whole');
  });

  it('killed (SIGKILL) mid-training, leaves readers on the previous model; --resume then matches an uninterrupted run', async () => {
    const out = tempDir();
    expect((await runInProcess(['train', '--out', out, '--run-id', 'previous', '--epochs', '2'])).code).toBe(0);

    // Held after epoch 1 and its checkpoint: the SIGKILL lands between two epochs of a run with eight to go.
    const child = spawnCli(['train', '--data', data, '--out', out, '--run-id', 'killed', ...TRAINING], {
      TRAINER_HOLD_AT: '1',
    });
    const exit = finished(child);
    expect(await holding(child)).toMatchObject({ runId: 'killed', epoch: 1, batch: 0 });
    child.kill('SIGKILL');
    expect((await exit).signal).toBe('SIGKILL');

    // Readers see only complete runs: the killed run has a checkpoint, no manifest, and is not latest.
    expect(readdirSync(join(out, 'killed'))).not.toContain('manifest.json');
    expect(existsSync(join(out, 'killed', 'checkpoint.json'))).toBe(true);
    const current = await loadModel(out);
    expect(current.run.manifest.runId).toBe('previous');
    expect(current.file.kind).toBe('logistic');

    const resumed = await finished(
      spawnCli(['train', '--data', data, '--out', out, '--run-id', 'killed', '--resume', ...TRAINING]),
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const resumedFrom = logLines(resumed.stderr).find((line) => line.msg === 'resuming training');
    expect(resumedFrom?.epoch).toBeGreaterThanOrEqual(1);
    expect(resumedFrom).toMatchObject({ epoch: 1, batch: 0 });
    expect(modelWithoutRunId(out, 'killed')).toBe(reference);
    expect((await loadModel(out)).run.manifest.runId).toBe('killed');
  });

  it('stopped with SIGTERM (Nomad stopping the task), checkpoints, exits 130, and resumes to the same model', async () => {
    const out = tempDir();
    const child = spawnCli(
      ['train', '--data', data, '--out', out, '--run-id', 'stopped', '--checkpoint-interval', '0.05', ...TRAINING],
      { TRAINER_HOLD_AT: '2:5' },
    );
    const exit = finished(child);
    // Held after the fifth batch of epoch 2: SIGTERM must checkpoint there, mid-epoch, and stop.
    expect(await holding(child)).toMatchObject({ runId: 'stopped', epoch: 1, batch: 5 });
    child.kill('SIGTERM');
    const stopped = await exit;
    expect(stopped.code).toBe(130);
    expect(logLines(stopped.stderr).at(-1)).toMatchObject({ level: 'error', code: 'aborted' });
    expect(existsSync(join(out, 'stopped', 'model.json'))).toBe(false);

    const resumed = await runInProcess([
      'train',
      '--data',
      data,
      '--out',
      out,
      '--run-id',
      'stopped',
      '--resume',
      ...TRAINING,
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(logLines(resumed.stderr).find((line) => line.msg === 'resuming training')).toMatchObject({
      epoch: 1,
      batch: 5,
    });
    expect(modelWithoutRunId(out, 'stopped')).toBe(reference);
  });
});
