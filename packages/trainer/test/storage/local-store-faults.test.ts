import { readdirSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TrainerError } from '../../src/errors';
import { checkWritableDirectory, LocalStore } from '../../src/storage/local-store';
import { tempDir } from '../support/temp';

// The file system's faults, injected where a test cannot cause them (as root, and without a full or read-only disk).
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, open: vi.fn(actual.open), mkdir: vi.fn(actual.mkdir), writeFile: vi.fn(actual.writeFile) };
});

let actual: typeof import('node:fs/promises');
beforeAll(async () => {
  actual = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');
});

function errno(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected, ${syscall} '${path}'`), { code, syscall, path });
}

afterEach(() => {
  vi.mocked(fs.open).mockImplementation(actual.open);
  vi.mocked(fs.mkdir).mockImplementation(actual.mkdir);
  vi.mocked(fs.writeFile).mockImplementation(actual.writeFile);
});

describe('LocalStore.put', () => {
  it('flushes the file, renames it into place, then flushes the directory (the rename survives a crash)', async () => {
    const dir = tempDir();
    const synced: string[] = [];
    vi.mocked(fs.open).mockImplementation(async (path, flags) => {
      const handle = await actual.open(path, flags);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        synced.push(String(path));
        return sync();
      };
      return handle;
    });
    await new LocalStore(dir).put('run/latest', 'x');
    expect(synced).toHaveLength(2);
    expect(synced[0]).toMatch(/\/run\/latest\.[^/]+\.tmp$/);
    expect(synced[1]).toBe(join(dir, 'run'));
  });

  it.each([
    ['ENOSPC', 'no space left on the device: free space or choose another location'],
    ['EACCES', 'permission denied: choose a location this user can write, or fix its permissions'],
    ['EROFS', 'read-only file system: choose a writable location (or mount it read-write)'],
  ])('reports %s in one line with its meaning, and removes its temporary file', async (code, meaning) => {
    const dir = tempDir();
    vi.mocked(fs.open).mockImplementation(async (path, flags) => {
      const handle = await actual.open(path, flags);
      handle.writeFile = async () => {
        throw errno(code, 'write', String(path));
      };
      return handle;
    });
    const error = await new LocalStore(dir).put('r/checkpoint.json', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainerError);
    expect((error as TrainerError).code).toBe('storage');
    expect((error as TrainerError).message).toBe(
      `cannot write ${join(dir, 'r', 'checkpoint.json')}: ${meaning} (${code})`,
    );
    expect(readdirSync(join(dir, 'r'))).toEqual([]);
  });
});

describe('checkWritableDirectory', () => {
  it('names a read-only file system where a recursive mkdir only says ENOENT', async () => {
    const dir = tempDir();
    const out = join(dir, 'a', 'b');
    vi.mocked(fs.mkdir).mockRejectedValue(errno('ENOENT', 'mkdir', out));
    vi.mocked(fs.writeFile).mockImplementation(async (path) => {
      throw errno('EROFS', 'open', String(path));
    });
    await expect(checkWritableDirectory(out)).rejects.toThrow(
      `cannot write to ${dir}: read-only file system: choose a writable location (or mount it read-write) (EROFS)`,
    );
  });

  it('creates a missing directory and leaves no probe file behind', async () => {
    const dir = tempDir();
    await checkWritableDirectory(join(dir, 'x', 'y'));
    expect(readdirSync(join(dir, 'x', 'y'))).toEqual([]);
  });
});
