import { createHash } from 'node:crypto';
import { z } from 'zod';
import { TrainerError } from '../errors';
import type { ObjectStore } from './object-store';

const MANIFEST = 'manifest.json';
const CHECKPOINT = 'checkpoint.json';
const LATEST = 'latest';

const manifestSchema = z.object({
  format: z.literal('org.trainer.run'),
  version: z.literal(1),
  runId: z.string(),
  command: z.string(),
  createdAt: z.string(),
  files: z.array(z.object({ name: z.string(), sha256: z.string(), bytes: z.number() })),
});

/** Lists a complete run's files with their hashes. Written last: a run without one is incomplete. */
export type RunManifest = z.infer<typeof manifestSchema>;

const latestSchema = z.object({ runId: z.string(), manifest: z.string() });

/** The `latest` pointer at the root of an output location. */
export type LatestPointer = z.infer<typeof latestSchema>;

/** Run ids are path segments and S3 key segments: keep them to safe characters. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The runs under an output location:
 *
 * ```
 * <out>/<run-id>/model.json, metrics.json, ...   the run's files, written first
 * <out>/<run-id>/checkpoint.json                  training state, rewritten while the run goes on
 * <out>/<run-id>/manifest.json                    written after every file: the run is complete
 * <out>/latest                                    written last: points at the newest complete run
 * ```
 *
 * Each object is written atomically, and the order makes a run visible only once
 * all of it is there: a killed run leaves files without a manifest, which readers
 * ignore, and `latest` keeps pointing at the previous complete run.
 */
export class RunStore {
  constructor(readonly store: ObjectStore) {}

  /** Starts writing a run. Nothing becomes visible to readers before {@link RunWriter.commit}. */
  startRun(runId: string, command: string): RunWriter {
    return new RunWriter(this.store, runId, command);
  }

  async readManifest(runId: string): Promise<RunManifest | undefined> {
    const bytes = await this.store.get(`${runId}/${MANIFEST}`);
    return bytes && parseJson(manifestSchema, bytes, `${this.store.description}/${runId}/${MANIFEST}`);
  }

  /** The newest complete run's id, or undefined when there is none. */
  async latestRunId(): Promise<string | undefined> {
    const bytes = await this.store.get(LATEST);
    return bytes && parseJson(latestSchema, bytes, `${this.store.description}/${LATEST}`).runId;
  }

  async readCheckpoint(runId: string): Promise<Buffer | undefined> {
    return this.store.get(`${runId}/${CHECKPOINT}`);
  }

  /** Replaces the run's checkpoint (one atomic object write). */
  async writeCheckpoint(runId: string, body: string): Promise<void> {
    await this.store.put(`${runId}/${CHECKPOINT}`, body);
  }

  /**
   * Points `latest` at `runId`, a complete run, unless it already points at a run
   * created at the same time or later. A run killed between its manifest and the
   * pointer is complete but invisible to readers: resuming it repairs the pointer.
   * Returns whether the pointer was moved.
   */
  async repairLatest(manifest: RunManifest): Promise<boolean> {
    const latestId = await this.latestRunId().catch(() => undefined); // an unreadable pointer is replaced
    if (latestId === manifest.runId) return false;
    const current = latestId === undefined ? undefined : await this.readManifest(latestId).catch(() => undefined);
    if (current && current.createdAt >= manifest.createdAt) return false;
    await writeLatest(this.store, manifest.runId);
    return true;
  }

  /** Runs that have a checkpoint but no manifest: started, not finished. */
  async incompleteRuns(): Promise<string[]> {
    const keys = await this.store.list('');
    const runs = new Set<string>();
    const complete = new Set<string>();
    for (const key of keys) {
      const [runId, name, ...rest] = key.split('/');
      if (!runId || rest.length > 0) continue;
      if (name === CHECKPOINT) runs.add(runId);
      if (name === MANIFEST) complete.add(runId);
    }
    return [...runs].filter((runId) => !complete.has(runId)).sort();
  }

  /** Reads a file of a complete run, checking it against the manifest's hash. */
  async readRunFile(manifest: RunManifest, name: string): Promise<Buffer> {
    return readVerified(this.store, `${manifest.runId}/`, manifest, name);
  }
}

/** Writes one run's files, then commits it: manifest, then the `latest` pointer. */
export class RunWriter {
  private readonly files: RunManifest['files'] = [];

  constructor(
    private readonly store: ObjectStore,
    readonly runId: string,
    private readonly command: string,
  ) {}

  async writeFile(name: string, body: string | Uint8Array): Promise<void> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    await this.store.put(`${this.runId}/${name}`, bytes);
    this.files.push({ name, sha256: sha256(bytes), bytes: bytes.length });
  }

  /** Makes the run visible: its manifest first, then `latest`. Call after every file is written. */
  async commit(): Promise<RunManifest> {
    const manifest: RunManifest = {
      format: 'org.trainer.run',
      version: 1,
      runId: this.runId,
      command: this.command,
      createdAt: new Date().toISOString(),
      files: [...this.files].sort((a, b) => a.name.localeCompare(b.name)),
    };
    await this.store.put(`${this.runId}/${MANIFEST}`, `${JSON.stringify(manifest, null, 2)}\n`);
    await writeLatest(this.store, this.runId);
    return manifest;
  }
}

async function writeLatest(store: ObjectStore, runId: string): Promise<void> {
  const latest: LatestPointer = { runId, manifest: `${runId}/${MANIFEST}` };
  await store.put(LATEST, `${JSON.stringify(latest)}\n`);
}

/** A complete run found at a location, and a reader for its files. */
export interface CompleteRun {
  readonly manifest: RunManifest;
  /** Where the run is, for messages. */
  readonly description: string;
  read(name: string): Promise<Buffer>;
}

/**
 * Finds the complete run a reader asked for: the location itself when it is a run
 * directory (it has a manifest), else the run its `latest` pointer names.
 */
export async function findCompleteRun(store: ObjectStore): Promise<CompleteRun> {
  const own = await store.get(MANIFEST);
  if (own) {
    const manifest = parseJson(manifestSchema, own, `${store.description}/${MANIFEST}`);
    return { manifest, description: store.description, read: (name) => readVerified(store, '', manifest, name) };
  }
  const runs = new RunStore(store);
  const runId = await runs.latestRunId();
  const manifest = runId === undefined ? undefined : await runs.readManifest(runId);
  if (!manifest) {
    throw new TrainerError(
      'invalid-model',
      `no complete run at ${store.description}: expected a run directory with ${MANIFEST} or an output location with a "${LATEST}" pointer`,
    );
  }
  return {
    manifest,
    description: `${store.description}/${manifest.runId}`,
    read: (name) => runs.readRunFile(manifest, name),
  };
}

async function readVerified(store: ObjectStore, prefix: string, manifest: RunManifest, name: string): Promise<Buffer> {
  const entry = manifest.files.find((file) => file.name === name);
  const where = `${store.description}/${prefix}${name}`;
  if (!entry) {
    throw new TrainerError(
      'invalid-model',
      `run ${manifest.runId} has no ${name}; it has ${manifest.files.map((f) => f.name).join(', ')}`,
    );
  }
  const bytes = await store.get(`${prefix}${name}`);
  if (!bytes || sha256(bytes) !== entry.sha256) {
    throw new TrainerError(
      'invalid-model',
      `${where} does not match the run's manifest (missing or changed since the run)`,
    );
  }
  return bytes;
}

function parseJson<T>(schema: z.ZodType<T>, bytes: Buffer, where: string): T {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new TrainerError('invalid-model', `${where}: not JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TrainerError('invalid-model', `${where}: ${issue?.path.join('.') || 'file'}: ${issue?.message}`);
  }
  return parsed.data;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
