import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { MAX_FILESET_ENTRIES, MAX_FUNCTION_FILE_BYTES } from '../../limits';
import { HclLimitError } from './budget';
import { type Call, type Definition, define, HclFunctionError } from './call';
import { goBase, goClean, goDir, goJoin } from './filepath';
import { BadPattern, type GlobGuard, glob } from './glob';
import { distinctValues, goQuote, sortSet, utf8Decode } from './values';

function homeDir(): string {
  return process.env.HOME || os.homedir();
}

/** go-homedir's Expand. */
function expandHome(path: string): string {
  if (!path.startsWith('~')) return path;
  if (path.length > 1 && path[1] !== '/' && path[1] !== '\\') throw new Error('cannot expand user-specific home dir');
  return goJoin(homeDir(), path.slice(1));
}

function resolvePath(c: Call, path: string): string {
  let p: string;
  try {
    p = expandHome(path);
  } catch (e) {
    return c.fail(`failed to expand ~: ${(e as Error).message}`);
  }
  return goClean(p.startsWith('/') ? p : goJoin(c.ctx.baseDir, p));
}

/** The jobspec's directory, links resolved: the filesystem functions read under it only. */
function rootOf(c: Call): string {
  try {
    return fs.realpathSync(c.ctx.baseDir);
  } catch {
    throw new HclLimitError(
      `${c.fn}: the jobspec's directory ${c.ctx.baseDir} cannot be read, so no file under it can`,
    );
  }
}

function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/**
 * Where `full` really is (links resolved), refusing a place outside the jobspec's directory: a jobspec reads the
 * files beside it, not `/dev/zero` or `/proc`. Undefined when nothing exists there.
 */
function realPathWithin(c: Call, full: string): string | undefined {
  const root = rootOf(c);
  let real: string;
  try {
    real = fs.realpathSync(full);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return c.fail(`failed to read ${full}`);
    if (!isWithin(goClean(full), root)) throw outside(c, full, root);
    return undefined;
  }
  if (!isWithin(real, root)) throw outside(c, full, root);
  return real;
}

function outside(c: Call, full: string, root: string): HclLimitError {
  return new HclLimitError(
    `${c.fn}: ${full} is outside the jobspec's directory ${root}; the filesystem functions read only files under it`,
  );
}

/** A regular file under the jobspec's directory, at most MAX_FUNCTION_FILE_BYTES long. */
function readFileBytes(c: Call, path: string): Buffer {
  const full = resolvePath(c, path);
  const real = realPathWithin(c, full);
  if (real === undefined) return c.fail(`no file exists at ${full}`);
  let fd: number;
  try {
    // Non-blocking, so that opening a FIFO returns (to be refused below) rather than wait for a writer.
    fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch {
    return c.fail(`failed to read ${full}`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) return c.fail(`failed to read ${full}`);
    if (!st.isFile()) {
      throw new HclLimitError(
        `${c.fn}: ${full} is not a regular file, but ${goQuote(goFileMode(st))}; only files are read`,
      );
    }
    // Read to one byte past the limit, whatever the size said: the file may grow while it is read.
    const buffer = Buffer.alloc(Math.min(st.size, MAX_FUNCTION_FILE_BYTES) + 1);
    let length = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) {
        if (length > MAX_FUNCTION_FILE_BYTES) {
          throw new HclLimitError(
            `${c.fn}: ${full} is larger than ${MAX_FUNCTION_FILE_BYTES} bytes (4 MiB), the limit of a file a jobspec reads`,
          );
        }
        break;
      }
    }
    return buffer.subarray(0, length);
  } catch (e) {
    if (e instanceof HclLimitError || e instanceof HclFunctionError) throw e;
    return c.fail(`failed to read ${full}`);
  } finally {
    fs.closeSync(fd);
  }
}

/** os.FileMode.String() of a stat result. */
function goFileMode(st: fs.Stats): string {
  let out = '';
  if (st.isDirectory()) out += 'd';
  if (st.isSymbolicLink()) out += 'L';
  if (st.isBlockDevice() || st.isCharacterDevice()) out += 'D';
  if (st.isFIFO()) out += 'p';
  if (st.isSocket()) out += 'S';
  if (st.mode & 0o4000) out += 'u';
  if (st.mode & 0o2000) out += 'g';
  if (st.isCharacterDevice()) out += 'c';
  if (st.mode & 0o1000) out += 't';
  const rwx = 'rwxrwxrwx';
  for (let i = 0; i < 9; i++) out += st.mode & (1 << (8 - i)) ? rwx[i] : '-';
  return out;
}

/** Wildcards (`*`, `{`) in one fileset pattern. */
const MAX_FILESET_WILDCARDS = 64;

/** Steps of pattern matching one fileset call may take (each a component matched against a name). */
const MAX_FILESET_STEPS = 1_000_000;

/**
 * What keeps fileset's walk bounded: directories outside the jobspec's directory are not entered, nor a directory
 * already on the way down (a link loop), and the entries read and matching steps are counted.
 */
function filesetGuard(root: string): GlobGuard {
  let entries = 0;
  let steps = 0;
  return {
    enter: (directory, ancestors) => {
      let real: string;
      try {
        real = fs.realpathSync(directory);
      } catch {
        return undefined;
      }
      return isWithin(real, root) && !ancestors.includes(real) ? real : undefined;
    },
    read: (count) => {
      entries += count;
      if (entries > MAX_FILESET_ENTRIES) {
        throw new HclLimitError(
          `fileset: the pattern reaches more than ${MAX_FILESET_ENTRIES} directory entries, the limit; narrow it`,
        );
      }
    },
    step: () => {
      if (++steps > MAX_FILESET_STEPS) {
        throw new HclLimitError(
          `fileset: matching the pattern takes more than ${MAX_FILESET_STEPS} steps, the limit; use fewer wildcards`,
        );
      }
    },
  };
}

/** Filesystem functions (go-cty-funcs filesystem), guarded by the context's allowFs. */
export const FILESYSTEM_FUNCTIONS: Readonly<Record<string, Definition>> = {
  abspath: define(
    'path',
    (c) => {
      const p = c.str(0);
      return p.startsWith('/') ? goClean(p) : goJoin(process.cwd(), p);
    },
    { fs: true },
  ),
  basename: define('path', (c) => goBase(c.str(0)), { fs: true }),
  dirname: define('path', (c) => goDir(c.str(0)), { fs: true }),
  file: define(
    'path',
    (c) => {
      const path = c.str(0);
      const text = utf8Decode(readFileBytes(c, path));
      return (
        text ??
        c.fail(
          `contents of ${path} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead`,
        )
      );
    },
    { fs: true },
  ),
  filebase64: define('path', (c) => readFileBytes(c, c.str(0)).toString('base64'), { fs: true }),
  fileexists: define(
    'path',
    (c) => {
      const full = resolvePath(c, c.str(0));
      if (realPathWithin(c, full) === undefined) return false;
      let st: fs.Stats;
      try {
        st = fs.statSync(full);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
        return c.fail(`failed to stat ${full}`);
      }
      return st.isFile() ? true : c.fail(`${full} is not a regular file, but ${goQuote(goFileMode(st))}`);
    },
    { fs: true },
  ),
  fileset: define(
    'path, pattern',
    (c) => {
      let base = c.str(0);
      if (!base.startsWith('/')) base = goJoin(c.ctx.baseDir, base);
      const pattern = goJoin(base, c.str(1));
      // Each wildcard is a level of recursion in the matcher.
      const wildcards = (pattern.match(/[*{]/g) ?? []).length;
      if (wildcards > MAX_FILESET_WILDCARDS) {
        throw new HclLimitError(
          `fileset: the pattern has ${wildcards} wildcards (* and {), more than the limit of ${MAX_FILESET_WILDCARDS}`,
        );
      }
      const root = rootOf(c);
      realPathWithin(c, base);
      let matches: string[];
      try {
        matches = glob(pattern, filesetGuard(root));
      } catch (e) {
        if (e instanceof BadPattern) return c.fail(`failed to glob pattern (${pattern}): syntax error in pattern`);
        throw e;
      }
      const out: string[] = [];
      for (const match of matches) {
        realPathWithin(c, match);
        let st: fs.Stats;
        try {
          st = fs.statSync(match);
        } catch (e) {
          return c.fail(
            `failed to stat (${match}): stat ${match}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
          );
        }
        if (!st.isFile()) continue;
        out.push(nodePath.posix.relative(nodePath.posix.resolve(base), nodePath.posix.resolve(match)));
      }
      return sortSet(distinctValues(out));
    },
    { fs: true },
  ),
  pathexpand: define(
    'path',
    (c) => {
      try {
        return expandHome(c.str(0));
      } catch (e) {
        return c.fail((e as Error).message);
      }
    },
    { fs: true },
  ),
};
