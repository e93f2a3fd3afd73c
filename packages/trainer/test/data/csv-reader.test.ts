import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/data/csv-reader';
import { irisCsv } from '../../src/data/data-source';
import { TrainerError } from '../../src/errors';

function stream(...chunks: (string | Buffer)[]): Readable {
  return Readable.from(chunks);
}

async function failure(promise: Promise<unknown>): Promise<TrainerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TrainerError);
  return error as TrainerError;
}

describe('readCsv', () => {
  it("reads features row-major, sorts classes, and keeps each row's line", async () => {
    const table = await readCsv(stream('a,b,kind\n1,2,y\n3.5,-4,x\n\n5,6,y\n'), { sourceName: 'data.csv' });
    expect(table.featureNames).toEqual(['a', 'b']);
    expect(table.labelName).toBe('kind');
    expect(table.classes).toEqual(['x', 'y']);
    expect(Array.from(table.features)).toEqual([1, 2, 3.5, -4, 5, 6]);
    expect(Array.from(table.labels)).toEqual([1, 0, 1]);
    expect(Array.from(table.lines)).toEqual([2, 3, 5]);
  });

  it('takes the label column by name, wherever it is', async () => {
    const table = await readCsv(stream('kind,a\ncat,1\ndog,2\n'), { sourceName: 'x', labelColumn: 'kind' });
    expect(table.featureNames).toEqual(['a']);
    expect(table.classes).toEqual(['cat', 'dog']);
  });

  it('hashes the exact bytes read', async () => {
    const text = irisCsv();
    const table = await readCsv(stream(text), { sourceName: 'iris', labelColumn: 'species' });
    expect(table.rowCount).toBe(150);
    expect(table.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(table.bytes).toBe(Buffer.byteLength(text));
  });

  it('handles CRLF line ends, a byte order mark, and a UTF-8 character split between chunks', async () => {
    const bytes = Buffer.from('\uFEFFx,label\r\n1,café\r\n2,thé\r\n');
    const split = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
    const table = await readCsv(stream(bytes.subarray(0, split), bytes.subarray(split)), { sourceName: 'x' });
    expect(table.featureNames).toEqual(['x']);
    expect(table.classes).toEqual(['café', 'thé']);
  });

  it('rejects a non-numeric feature with the line and column (fail policy)', async () => {
    const error = await failure(readCsv(stream('a,b,label\n1,2,x\n1,oops,y\n'), { sourceName: 'data.csv' }));
    expect(error.code).toBe('invalid-data');
    expect(error.message).toBe(
      'data.csv:3: column "b": expected a number, received "oops" (pass --bad-rows skip to skip such rows)',
    );
  });

  it('counts lines inside quoted fields, so later line numbers stay right', async () => {
    const error = await failure(readCsv(stream('a,label\n1,"two\nline label"\n2,x\n,y\n'), { sourceName: 'q.csv' }));
    expect(error.message).toMatch(/^q\.csv:5: column "a": expected a number, received ""/);
  });

  it('rejects rows with the wrong number of fields, and empty labels', async () => {
    expect((await failure(readCsv(stream('a,label\n1,x,extra\n'), { sourceName: 'f' }))).message).toMatch(
      /^f:2: expected 2 fields, found 3/,
    );
    expect((await failure(readCsv(stream('a,label\n1,x\n2, \n'), { sourceName: 'f' }))).message).toMatch(
      /^f:3: column "label": the label is empty/,
    );
  });

  it('skips bad rows and reports them with their lines (skip policy)', async () => {
    const table = await readCsv(stream('a,label\n1,x\nNA,y\n2,y\n3\n4,x\n'), { sourceName: 'f', badRows: 'skip' });
    expect(table.rowCount).toBe(3);
    expect(table.badRows).toEqual({
      count: 2,
      examples: [
        { line: 3, reason: 'column "a": expected a number, received "NA"' },
        { line: 5, reason: 'expected 2 fields, found 1' },
      ],
    });
  });

  it("rejects labels a model does not know, and keeps the model's class order", async () => {
    const options = { sourceName: 'f', knownClasses: ['z', 'a'] };
    const table = await readCsv(stream('v,label\n1,a\n2,z\n'), options);
    expect(table.classes).toEqual(['z', 'a']);
    expect(Array.from(table.labels)).toEqual([1, 0]);
    expect((await failure(readCsv(stream('v,label\n1,b\n'), options))).message).toMatch(
      /^f:2: column "label": unknown class "b"; the model knows z, a/,
    );
  });

  it('reads only the named feature columns for prediction, in the given order', async () => {
    const table = await readCsv(stream('id,b,a\n7,2,1\n'), {
      sourceName: 'f',
      withLabels: false,
      featureColumns: ['a', 'b'],
    });
    expect(Array.from(table.features)).toEqual([1, 2]);
    expect(table.labels).toHaveLength(0);
  });

  it('rejects a missing column and names the columns there are', async () => {
    const error = await failure(readCsv(stream('a,b\n1,2\n'), { sourceName: 'f', labelColumn: 'species' }));
    expect(error.message).toBe('f:1: no label column "species" in the header; columns: a, b');
  });

  it('rejects an empty file and a duplicated header column', async () => {
    expect((await failure(readCsv(stream(''), { sourceName: 'empty.csv' }))).message).toBe(
      'empty.csv: the file is empty; a header row is required',
    );
    expect((await failure(readCsv(stream('a,a,label\n'), { sourceName: 'f' }))).message).toBe(
      'f:1: column "a" appears twice in the header',
    );
  });

  it('reports a source that fails while streaming', async () => {
    const broken = new Readable({
      read() {
        this.destroy(new Error('connection reset'));
      },
    });
    expect((await failure(readCsv(broken, { sourceName: 's3://b/k.csv' }))).message).toBe(
      's3://b/k.csv: cannot read the data: connection reset',
    );
  });
});
