import { describe, expect, it } from 'vitest';
import { TrainerError } from '../../src/errors';
import { parseHoldPoint, waitForAbort } from '../../src/training/hold-point';
import type { TrainingState } from '../../src/training/train-loop';
import { prepare, trainInMemory } from '../support/prepared';
import { blobsCsv } from '../support/synthetic';

describe('parseHoldPoint', () => {
  it('reads <epoch> and <epoch>:<batch>, and nothing when unset', () => {
    expect(parseHoldPoint(undefined)).toBeUndefined();
    expect(parseHoldPoint('')).toBeUndefined();
    expect(parseHoldPoint('3')).toEqual({ epoch: 3 });
    expect(parseHoldPoint(' 2:15 ')).toEqual({ epoch: 2, batch: 15 });
  });

  it.each(['0', '1:0', 'x', '1:', '-1', '1.5'])('rejects %j, naming the variable and the expected form', (text) => {
    expect(() => parseHoldPoint(text)).toThrow(
      `invalid TRAINER_HOLD_AT: expected <epoch> or <epoch>:<batch> (positive integers), received ${JSON.stringify(text)}`,
    );
  });
});

describe('waitForAbort', () => {
  it('rejects without a signal to be released by', async () => {
    await expect(waitForAbort(undefined)).rejects.toBeInstanceOf(TrainerError);
  });
});

describe('trainLoop with a hold point', () => {
  it.each([
    ['after an epoch and its checkpoint', { epoch: 2 }, { epoch: 2, batch: 0 }],
    ['after a batch, inside an epoch', { epoch: 2, batch: 3 }, { epoch: 1, batch: 3 }],
  ])('waits %s, and a stop requested meanwhile checkpoints exactly there', async (_, at, where) => {
    const prepared = await prepare(blobsCsv({ rows: 200, features: 3, classes: 2, separation: 2 }));
    const controller = new AbortController();
    const held: { epoch: number; batch: number }[] = [];
    const checkpoints: { epoch: number; batch: number }[] = [];
    const stopped = await trainInMemory(
      prepared,
      { epochs: 5, batchSize: 16 },
      {
        signal: controller.signal,
        onCheckpoint: (state: TrainingState) => checkpoints.push({ epoch: state.epoch, batch: state.batch }),
        hold: {
          at,
          wait: async (state) => {
            held.push({ epoch: state.epoch, batch: state.batch });
            controller.abort(); // what the signal handler does on SIGTERM
          },
        },
      },
    ).catch((error: unknown) => error);
    expect(held).toEqual([where]);
    expect((stopped as TrainerError).code).toBe('aborted');
    expect(checkpoints.at(-1)).toEqual(where);
  });
});
