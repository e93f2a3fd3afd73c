import { randomBytes } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { TrainerError } from '../errors';
import type { ObjectStore } from './object-store';

/** Objects as files under a directory. Writes go to a temporary file that is renamed into place. */
export class LocalStore implements ObjectStore {
  constructor(readonly root: string) {}

  get description(): string {
    return this.root;
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await writeFileAtomically(join(this.root, key), body);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(join(this.root, key));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw storageError('read', join(this.root, key), error);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return;
        throw storageError('list', dir, error);
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (!entry.name.endsWith('.tmp')) keys.push(relative(this.root, path).split(sep).join('/'));
      }
    };
    await walk(this.root);
    return keys.filter((key) => key.startsWith(prefix));
  }

  async openReadStream(key: string): Promise<Readable> {
    return createReadStream(join(this.root, key));
  }
}

/**
 * Writes a file so that readers never see it half-written: the bytes go to a
 * temporary file beside it, are flushed to disk, the file is renamed over the
 * destination (rename is atomic within a file system), and the directory is
 * flushed too, so that the rename itself survives a power loss or a killed VM.
 * A failed write removes its temporary file and throws a one-line `storage` error.
 */
export async function writeFileAtomically(path: string, body: Uint8Array | string): Promise<void> {
  const directory = dirname(path);
  await fileSystem('create the directory', directory, () => mkdir(directory, { recursive: true }));
  const temporary = temporaryPath(path);
  try {
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(body);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw storageError('write', path, error);
  }
  await fileSystem('flush the directory', directory, () => syncDirectory(directory));
}

/** fsync of a directory: makes the entries created or renamed in it durable. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `<path>.<host>.<pid>.<random>.tmp`: who wrote it, so that a later run can tell a dead writer's file. */
function temporaryPath(path: string): string {
  return `${path}.${hostTag()}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

const TEMPORARY = /\.(?:([A-Za-z0-9-]{1,63})\.)?(\d+)\.[0-9a-f]{8}\.tmp$/;

function hostTag(): string {
  return (
    hostname()
      .replace(/[^A-Za-z0-9-]/g, '-')
      .slice(0, 63) || 'host'
  );
}

/**
 * Removes the temporary files that dead writers left under `root` (a write
 * killed between its temporary file and the rename): those in `ownDirectory`
 * (the run being started or resumed, which nobody else writes), and elsewhere
 * those written on this host by a process that no longer runs. Returns the
 * paths removed, relative to `root`.
 */
export async function removeDeadTemporaries(root: string, ownDirectory?: string): Promise<string[]> {
  const removed: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw storageError('list', dir, error);
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < 1) await walk(path, depth + 1); // the root and run directories: nothing deeper is ours
        continue;
      }
      const match = TEMPORARY.exec(entry.name);
      if (!match) continue;
      const own = ownDirectory !== undefined && dir === join(root, ownDirectory);
      const [, host, pid] = match;
      const deadHere = (host === undefined || host === hostTag()) && !isAlive(Number(pid));
      if (own || deadHere) {
        await rm(path, { force: true });
        removed.push(relative(root, path).split(sep).join('/'));
      }
    }
  };
  await walk(root, 0);
  return removed.sort();
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}

/**
 * Checks that files can be created under `directory` (creating it if needed), by
 * writing and removing a probe file: an unwritable output location is found
 * before training, not at the first checkpoint.
 */
export async function checkWritableDirectory(directory: string): Promise<void> {
  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    // A recursive mkdir on a read-only file system can report ENOENT: the nearest existing parent tells the reason.
    await probeWrite(await nearestExistingParent(directory));
    throw storageError('create the directory', directory, error);
  }
  await probeWrite(directory);
}

async function probeWrite(directory: string): Promise<void> {
  const path = join(
    directory,
    `.trainer-write-check.${hostTag()}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(path, '');
  } catch (error) {
    throw storageError('write to', directory, error);
  }
  await rm(path, { force: true });
}

async function nearestExistingParent(path: string): Promise<string> {
  let current = resolve(path);
  for (;;) {
    try {
      await stat(current);
      return current;
    } catch {
      const parent = dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

/** What a file-system error code means, in the words a user can act on. */
const FILE_SYSTEM_PROBLEMS: Record<string, string> = {
  ENOSPC: 'no space left on the device: free space or choose another location',
  EDQUOT: 'disk quota exceeded: free space or choose another location',
  EROFS: 'read-only file system: choose a writable location (or mount it read-write)',
  EACCES: 'permission denied: choose a location this user can write, or fix its permissions',
  EPERM: 'operation not permitted: choose a location this user can write, or fix its permissions',
  ENOTDIR: 'a part of the path is a file, not a directory: choose another location',
  EISDIR: 'the path is a directory, not a file: name a file',
  ENOENT: 'no such file or directory',
  EMFILE: 'too many open files: raise the limit (ulimit -n)',
  EIO: 'input/output error of the device',
};

/** A file-system error as one line: what was done, where, what the code means and what to do. */
export function storageError(action: string, path: string, error: unknown): Error {
  if (error instanceof TrainerError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined) return error as Error;
  const meaning = FILE_SYSTEM_PROBLEMS[code] ?? ((error as Error).message.split('\n')[0] as string);
  return new TrainerError('storage', `cannot ${action} ${path}: ${meaning} (${code})`);
}

/** Runs a file-system call, turning its errors into {@link storageError}s. */
async function fileSystem<T>(action: string, path: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw storageError(action, path, error);
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
