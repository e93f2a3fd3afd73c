import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { train } from '../../src/commands/train';
import { MAX_LINE_BYTES, readCsv } from '../../src/data/csv-reader';
import { DEFAULT_DATA } from '../../src/data/data-source';
import { MAX_MESSAGE_LENGTH, TrainerError } from '../../src/errors';
import { nonFiniteValue, parseModelFile } from '../../src/model/model-file';
import { silentLogger } from '../../src/observability/logger';
import { logLines, runInProcess } from '../support/cli';
import { tempDir } from '../support/temp';

// Regression tests of issue 17, items 10 to 13: faults and hostile input must not publish a broken run.

const context = { logger: silentLogger, env: {} };

async function rejection(promise: Promise<unknown>): Promise<TrainerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TrainerError);
  return error as TrainerError;
}

const latestOf = (out: string) => JSON.parse(readFileSync(join(out, 'latest'), 'utf8')).runId as string;

describe('train --resume of a run killed between its manifest and the latest pointer', () => {
  it('repairs latest: the complete run, newer than the one latest names, becomes latest', async () => {
    const out = tempDir();
    const options = { data: DEFAULT_DATA, out, hyperparameters: { epochs: 2 } };
    await train({ ...options, runId: 'older' }, context);
    await train({ ...options, runId: 'killed' }, context);
    // What a kill after killed/manifest.json and before latest leaves behind.
    writeFileSync(join(out, 'latest'), `${JSON.stringify({ runId: 'older', manifest: 'older/manifest.json' })}\n`);

    const result = await runInProcess(['train', '--out', out, '--run-id', 'killed', '--resume', '--epochs', '2']);
    expect(result.code, result.stderr).toBe(0);
    expect(logLines(result.stderr).find((line) => line.msg === 'run already complete')).toMatchObject({
      runId: 'killed',
      latestRepaired: true,
    });
    expect(latestOf(out)).toBe('killed');
  });

  it('leaves latest alone when it names a newer complete run', async () => {
    const out = tempDir();
    const options = { data: DEFAULT_DATA, out, hyperparameters: { epochs: 2 } };
    await train({ ...options, runId: 'first' }, context);
    await train({ ...options, runId: 'second' }, context);
    await train({ ...options, runId: 'first', resume: true }, context);
    expect(latestOf(out)).toBe('second');
  });
});

describe('train on values too large to standardize', () => {
  it('rejects the column with the file, line and column, and publishes nothing', async () => {
    const out = tempDir();
    const data = join(out, 'huge.csv');
    const rows = ['a,b,label'];
    // Finite, but their squares overflow a double: the scale would be Infinity, written as null.
    for (let i = 0; i < 40; i++) rows.push(`${i % 7},${(i % 5) + 1}e160,${i % 2 ? 'x' : 'y'}`);
    writeFileSync(data, `${rows.join('\n')}\n`);
    const runs = join(out, 'runs');
    const error = await rejection(train({ data, out: runs, runId: 'huge' }, context));
    expect(error.code).toBe('invalid-data');
    const match = new RegExp(`^${data}:(\\d+): column "b": 5e\\+160 is too large to standardize`).exec(error.message);
    expect(match, error.message).not.toBeNull();
    expect(rows[Number(match?.[1]) - 1]).toMatch(/^\d,5e160,/);
    expect(readdirSync(runs)).toEqual([]);
  });

  it('finds a non-finite number anywhere in a model, which is then never published', () => {
    const out = tempDir();
    return train({ data: DEFAULT_DATA, out, runId: 'm', hyperparameters: { epochs: 1 } }, context).then((result) => {
      expect(nonFiniteValue(result.model)).toBeUndefined();
      const broken = JSON.parse(JSON.stringify(result.model));
      broken.layers[0].weights[2][1] = Number.NaN;
      expect(nonFiniteValue(broken)).toEqual({ path: 'layers[0].weights[2][1]', value: Number.NaN });
      broken.standardization.scale[3] = Number.POSITIVE_INFINITY;
      expect(nonFiniteValue(broken)?.path).toBe('standardization.scale[3]');
      expect(() => parseModelFile(readFileSync(join(out, 'm', 'model.json'), 'utf8'), 'model.json')).not.toThrow();
    });
  });
});

describe('a line longer than the reader takes', () => {
  it('stops at the line, without holding it, in a short message', async () => {
    // 3 MiB of digits without a newline, in 64 KiB chunks as a file stream delivers them.
    const chunk = '7'.repeat(64 * 1024);
    const chunks = ['a,b,label\n1,2,x\n', ...Array.from({ length: 48 }, () => chunk)];
    const error = await rejection(readCsv(Readable.from(chunks), { sourceName: 'long.csv' }));
    expect(error.message).toBe(
      `long.csv:3: the line is longer than ${MAX_LINE_BYTES} bytes (1 MiB), the most this reader takes: check that the file is a CSV with one row per line`,
    );
  });

  it('also stops at a line longer than the limit inside a single chunk', async () => {
    const error = await rejection(
      readCsv(Readable.from([`a,b\n${'1'.repeat(MAX_LINE_BYTES + 10)}\n1,x\n`]), { sourceName: 'one.csv' }),
    );
    expect(error.message).toMatch(/^one\.csv:2: the line is longer than/);
  });

  it('caps any error message, whatever input it quotes', () => {
    const header = Array.from({ length: 5000 }, (_, i) => `column_${i}`).join(',');
    const error = new TrainerError('invalid-data', `data.csv:1: no label column "x"; columns: ${header}`);
    expect(error.message.length).toBeLessThan(MAX_MESSAGE_LENGTH + 40);
    expect(error.message).toMatch(/\.\.\. \(\d+ more characters\)$/);
  });
});

describe('file-system faults', () => {
  it('finds an unwritable --out before reading data or training, and says why in one line (ENOTDIR)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'not a directory');
    const out = join(dir, 'file', 'runs');
    const result = await runInProcess(['train', '--out', out]);
    expect(result.code).toBe(1);
    const lines = logLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      code: 'storage',
      msg: `cannot write to ${join(dir, 'file')}: a part of the path is a file, not a directory: choose another location (ENOTDIR)`,
    });
  });

  it('removes the temporary files of dead writers, keeping those of live ones', async () => {
    const out = tempDir();
    const host = hostname().replace(/[^A-Za-z0-9-]/g, '-');
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default: no such process
    mkdirSync(join(out, 'old'));
    const files = {
      deadPointer: `latest.${host}.${deadPid}.0123abcd.tmp`,
      livePointer: `latest.${host}.${process.pid}.0123abcd.tmp`,
      otherHost: `latest.elsewhere.${deadPid}.0123abcd.tmp`,
      deadInRun: `old/model.json.${host}.${deadPid}.89abcdef.tmp`,
      ownRun: `new/checkpoint.json.elsewhere.${process.pid}.89abcdef.tmp`,
    };
    mkdirSync(join(out, 'new'));
    for (const file of Object.values(files)) writeFileSync(join(out, file), 'partial');

    const logged: unknown[] = [];
    const logger = { ...silentLogger, info: (msg: string, fields?: unknown) => logged.push({ msg, fields }) };
    await train({ data: DEFAULT_DATA, out, runId: 'new', hyperparameters: { epochs: 1 } }, { logger, env: {} });
    expect(logged).toContainEqual({
      msg: 'removed temporary files of dead runs',
      fields: { files: [files.deadPointer, files.deadInRun, files.ownRun].sort(), count: 3 },
    });
    expect(
      readdirSync(out)
        .filter((name) => name.endsWith('.tmp'))
        .sort(),
    ).toEqual([files.livePointer, files.otherHost].sort());
    expect(readdirSync(join(out, 'new')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
