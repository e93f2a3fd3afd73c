import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { type Call, type Definition, define } from './call';
import { goBase, goClean, goDir, goJoin } from './filepath';
import { BadPattern, glob } from './glob';
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

function readFileBytes(c: Call, path: string): Buffer {
  const full = resolvePath(c, path);
  try {
    return fs.readFileSync(full);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return c.fail(`no file exists at ${full}`);
    return c.fail(`failed to read ${full}`);
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
      let matches: string[];
      try {
        matches = glob(pattern);
      } catch (e) {
        if (e instanceof BadPattern) return c.fail(`failed to glob pattern (${pattern}): syntax error in pattern`);
        throw e;
      }
      const out: string[] = [];
      for (const match of matches) {
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
