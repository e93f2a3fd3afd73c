import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrainerError } from '../../src/errors';
import { LocalStore } from '../../src/storage/local-store';
import type { ObjectStore } from '../../src/storage/object-store';
import { findCompleteRun, RunStore } from '../../src/storage/run-store';
import { tempDir } from '../support/temp';

/** A store that records writes and can fail on a chosen key (a crash at that point of the run). */
class RecordingStore extends LocalStore {
  readonly writes: string[] = [];
  failOn?: string;

  override async put(key: string, body: Uint8Array | string): Promise<void> {
    if (key === this.failOn) throw new Error(`simulated crash before writing ${key}`);
    this.writes.push(key);
    await super.put(key, body);
  }
}

async function writeRun(store: ObjectStore, runId: string, model: string): Promise<void> {
  const writer = new RunStore(store).startRun(runId, 'train');
  await writer.writeFile('model.json', model);
  await writer.writeFile('metrics.json', '{}');
  await writer.commit();
}

describe('RunStore', () => {
  it("writes the run's files, then its manifest, then the latest pointer", async () => {
    const store = new RecordingStore(tempDir());
    await writeRun(store, 'r1', '{"a":1}');
    expect(store.writes).toEqual(['r1/model.json', 'r1/metrics.json', 'r1/manifest.json', 'latest']);
    const run = await findCompleteRun(store);
    expect(run.manifest.runId).toBe('r1');
    expect(run.manifest.files.map((f) => f.name)).toEqual(['metrics.json', 'model.json']);
    expect((await run.read('model.json')).toString()).toBe('{"a":1}');
  });

  it('keeps readers on the previous run when a run dies before its manifest', async () => {
    const dir = tempDir();
    const store = new RecordingStore(dir);
    await writeRun(store, 'r1', 'old');
    store.failOn = 'r2/manifest.json';
    await expect(writeRun(store, 'r2', 'new')).rejects.toThrow('simulated crash before writing r2/manifest.json');

    const run = await findCompleteRun(new LocalStore(dir));
    expect(run.manifest.runId).toBe('r1');
    expect((await run.read('model.json')).toString()).toBe('old');
    expect(readdirSync(join(dir, 'r2'))).toEqual(['metrics.json', 'model.json']);
  });

  it('keeps readers on the previous run when a run dies between its manifest and the pointer', async () => {
    const dir = tempDir();
    const store = new RecordingStore(dir);
    await writeRun(store, 'r1', 'old');
    store.failOn = 'latest';
    await expect(writeRun(store, 'r2', 'new')).rejects.toThrow('simulated crash');
    expect((await findCompleteRun(new LocalStore(dir))).manifest.runId).toBe('r1');
    // The run itself is complete and readable by its own directory.
    expect((await (await findCompleteRun(new LocalStore(join(dir, 'r2')))).read('model.json')).toString()).toBe('new');
  });

  it('lists runs with a checkpoint and no manifest as incomplete', async () => {
    const store = new LocalStore(tempDir());
    const runs = new RunStore(store);
    await writeRun(store, 'done', 'm');
    await runs.writeCheckpoint('done', '{}');
    await runs.writeCheckpoint('half', '{}');
    expect(await runs.incompleteRuns()).toEqual(['half']);
  });

  it('rejects a run file that changed after the run (hash mismatch)', async () => {
    const dir = tempDir();
    await writeRun(new LocalStore(dir), 'r1', 'original');
    writeFileSync(join(dir, 'r1', 'model.json'), 'tampered');
    const run = await findCompleteRun(new LocalStore(dir));
    await expect(run.read('model.json')).rejects.toThrow(`${dir}/r1/model.json does not match the run's manifest`);
  });

  it('rejects a location without any complete run, saying what it looked for', async () => {
    const dir = tempDir();
    const error = await findCompleteRun(new LocalStore(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainerError);
    expect((error as TrainerError).message).toBe(
      `no complete run at ${dir}: expected a run directory with manifest.json or an output location with a "latest" pointer`,
    );
  });
});

describe('LocalStore', () => {
  it('replaces files atomically and leaves no temporary files behind', async () => {
    const dir = tempDir();
    const store = new LocalStore(dir);
    await store.put('a/b.json', 'one');
    await store.put('a/b.json', 'two');
    expect(readFileSync(join(dir, 'a', 'b.json'), 'utf8')).toBe('two');
    expect(readdirSync(join(dir, 'a'))).toEqual(['b.json']);
    expect(await store.list('a/')).toEqual(['a/b.json']);
    expect(await store.get('missing')).toBeUndefined();
  });
});
