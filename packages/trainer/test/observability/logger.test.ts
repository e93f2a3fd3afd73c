import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger';
import { ProgressBar, renderProgress } from '../../src/observability/progress-bar';
import type { BatchProgress } from '../../src/training/train-loop';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { write: (text: string) => writes.push(text), isTTY, columns: 100 } };
}

const progress: BatchProgress = {
  epoch: 3,
  epochs: 20,
  batch: 5,
  batches: 10,
  rows: 32,
  loss: 0.41234,
  accuracy: 0.8712,
  rowsPerSecond: 1234567.8,
};

describe('createLogger', () => {
  it('writes one JSON object per line when the stream is not a terminal', () => {
    const { writes, stream } = fakeStream(false);
    const logger = createLogger({ stream });
    logger.info('epoch', { epoch: 1, loss: 0.5 });
    logger.progress(progress);
    logger.error('bad', { code: 'x' });
    expect(writes).toHaveLength(2);
    expect(JSON.parse(writes[0] as string)).toMatchObject({ level: 'info', msg: 'epoch', epoch: 1, loss: 0.5 });
    expect(JSON.parse(writes[0] as string).time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(JSON.parse(writes[1] as string)).toMatchObject({ level: 'error', msg: 'bad', code: 'x' });
  });

  it('draws a progress bar on a terminal and clears it before a log line', () => {
    const { writes, stream } = fakeStream(true);
    const logger = createLogger({ stream });
    logger.progress(progress);
    logger.warn('slow', { seconds: 3 });
    expect(writes).toEqual([`\r\x1b[2K${renderProgress(progress, 100)}`, '\r\x1b[2K', 'warning: slow seconds=3\n']);
  });
});

describe('ProgressBar', () => {
  it('renders epoch, bar, percentage, loss, accuracy and throughput', () => {
    expect(renderProgress(progress, 100)).toBe(
      'epoch 3/20 [####################--------------------]  50% loss 0.4123 acc 0.871 1,234,568 rows/s',
    );
  });

  it('redraws at most every 100 ms, but always at the end of an epoch', () => {
    const { writes, stream } = fakeStream(true);
    let now = 0;
    const bar = new ProgressBar(stream, () => now);
    bar.update(progress);
    now = 50;
    bar.update(progress);
    bar.update({ ...progress, batch: 10 });
    now = 120; // 70 ms after the end-of-epoch draw
    bar.update(progress);
    expect(writes).toHaveLength(2);
    now = 160;
    bar.update(progress);
    expect(writes).toHaveLength(3);
  });
});
