import * as fs from 'node:fs';
import { codePoints } from '../../go/strings';
import { goJoin } from './filepath';
import { compareStrings } from './values';

// ---------------------------------------------------------------------------
// fileset: bmatcuk/doublestar v1's Glob, as go-cty-funcs uses it

export class BadPattern extends Error {}

/** Bounds on a glob: which directories it may enter, and counters of its work (each may throw to stop it). */
export interface GlobGuard {
  /** The real path of `directory` if the walk may read it, given the real paths of the directories above it. */
  enter(directory: string, ancestors: readonly string[]): string | undefined;
  /** Counts directory entries read. */
  read(count: number): void;
  /** Counts a step of matching. */
  step(): void;
}

function cpAt(s: string, i: number): [string, number] {
  const cp = s.codePointAt(i);
  if (cp === undefined) return ['', 0];
  const ch = String.fromCodePoint(cp);
  return [ch, ch.length];
}

function indexRuneWithEscaping(s: string, r: string): number {
  let end = s.indexOf(r);
  if (end === -1) return -1;
  if (end > 0 && s[end - 1] === '\\') {
    const start = end + r.length;
    end = indexRuneWithEscaping(s.slice(start), r);
    if (end !== -1) end += start;
  }
  return end;
}

function lastIndexRuneWithEscaping(s: string, r: string): number {
  let end = s.lastIndexOf(r);
  if (end === -1) return -1;
  if (end > 0 && s[end - 1] === '\\') end = lastIndexRuneWithEscaping(s.slice(0, end - 1), r);
  return end;
}

function indexAnyWithEscaping(s: string, chars: string): number {
  let end = -1;
  for (let i = 0; i < s.length; i++) {
    if (chars.includes(s[i] as string)) {
      end = i;
      break;
    }
  }
  if (end === -1) return -1;
  if (end > 0 && s[end - 1] === '\\') {
    const start = end + cpAt(s, end)[1];
    const next = indexAnyWithEscaping(s.slice(start), chars);
    return next === -1 ? -1 : next + start;
  }
  return end;
}

function splitAlternatives(s: string): [string[], number] {
  const ret: string[] = [];
  let idx = 0;
  let braceCnt = 1;
  let esc = false;
  let start = 0;
  while (braceCnt > 0) {
    if (idx >= s.length) return [[], -1];
    const [r, adj] = cpAt(s, idx);
    if (esc) esc = false;
    else if (r === '\\') esc = true;
    else if (r === '{') braceCnt++;
    else if (r === '}') braceCnt--;
    else if (r === ',' && braceCnt === 1) {
      ret.push(s.slice(start, idx));
      start = idx + adj;
    }
    idx += adj;
  }
  ret.push(s.slice(start, idx - 1));
  return [ret, idx];
}

function isZeroLengthPattern(pattern: string): boolean {
  if (pattern === '' || pattern === '*' || pattern === '**') return true;
  if (pattern.startsWith('{')) {
    const [options, end] = splitAlternatives(pattern.slice(1));
    if (end === -1) throw new BadPattern();
    if (!isZeroLengthPattern(pattern.slice(1 + end))) return false;
    return options.some(isZeroLengthPattern);
  }
  return false;
}

/** doublestar's matchComponent: the patterns left to match later components, or undefined for no match. */
function matchComponent(pattern: string, name: string, guard: GlobGuard): string[] | undefined {
  guard.step();
  let patIdx = 0;
  let nameIdx = 0;
  while (patIdx < pattern.length && nameIdx < name.length) {
    let [patRune, patAdj] = cpAt(pattern, patIdx);
    const [nameRune, nameAdj] = cpAt(name, nameIdx);
    if (patRune === '/') {
      patIdx++;
      break;
    }
    if (patRune === '\\') {
      patIdx += patAdj;
      [patRune, patAdj] = cpAt(pattern, patIdx);
      if (patRune === '') throw new BadPattern();
      if (patRune !== nameRune) return undefined;
      patIdx += patAdj;
      nameIdx += nameAdj;
    } else if (patRune === '*') {
      patIdx += patAdj;
      if (patIdx >= pattern.length) return [];
      const [next, nextAdj] = cpAt(pattern, patIdx);
      if (next === '/') return [pattern.slice(patIdx + nextAdj)];
      for (let i = nameIdx; i < name.length; i += cpAt(name, i)[1]) {
        const m = matchComponent(pattern.slice(patIdx), name.slice(i), guard);
        if (m !== undefined) return m;
      }
      return undefined;
    } else if (patRune === '[') {
      patIdx += patAdj;
      let endClass = indexRuneWithEscaping(pattern.slice(patIdx), ']');
      if (endClass === -1) throw new BadPattern();
      endClass += patIdx;
      const classRunes = codePoints(pattern.slice(patIdx, endClass));
      if (classRunes.length === 0) throw new BadPattern();
      let classIdx = classRunes[0] === '^' ? 1 : 0;
      let matchClass = false;
      while (classIdx < classRunes.length) {
        let low = classRunes[classIdx] as string;
        if (low === '-') throw new BadPattern();
        classIdx++;
        if (low === '\\') {
          if (classIdx >= classRunes.length) throw new BadPattern();
          low = classRunes[classIdx] as string;
          classIdx++;
        }
        let high = low;
        if (classRunes[classIdx] === '-') {
          classIdx++;
          if (classIdx >= classRunes.length) throw new BadPattern();
          high = classRunes[classIdx] as string;
          if (high === '-') throw new BadPattern();
          classIdx++;
          if (high === '\\') {
            if (classIdx >= classRunes.length) throw new BadPattern();
            high = classRunes[classIdx] as string;
            classIdx++;
          }
        }
        const n = nameRune.codePointAt(0) ?? 0;
        if ((low.codePointAt(0) ?? 0) <= n && n <= (high.codePointAt(0) ?? 0)) matchClass = true;
      }
      if (matchClass === (classRunes[0] === '^')) return undefined;
      patIdx = endClass + 1;
      nameIdx += nameAdj;
    } else if (patRune === '{') {
      patIdx += patAdj;
      const [options, endOptions] = splitAlternatives(pattern.slice(patIdx));
      if (endOptions === -1) throw new BadPattern();
      patIdx += endOptions;
      const results: string[] = [];
      let matched = false;
      for (const o of options) {
        const m = matchComponent(o + pattern.slice(patIdx), name.slice(nameIdx), guard);
        if (m !== undefined) {
          matched = true;
          results.push(...m);
        }
      }
      return matched ? results : undefined;
    } else if (patRune === '?' || patRune === nameRune) {
      patIdx += patAdj;
      nameIdx += nameAdj;
    } else {
      return undefined;
    }
  }
  if (nameIdx >= name.length) {
    if (patIdx >= pattern.length) return [];
    const rest = pattern.slice(patIdx);
    const slashIdx = indexRuneWithEscaping(rest, '/');
    const testPattern = slashIdx >= 0 ? rest.slice(0, slashIdx) : rest;
    if (isZeroLengthPattern(testPattern)) return slashIdx === -1 ? [] : [rest.slice(slashIdx + 1)];
  }
  return undefined;
}

function lstat(path: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(path);
  } catch {
    return undefined;
  }
}

function stat(path: string): fs.Stats | undefined {
  try {
    return fs.statSync(path);
  } catch {
    return undefined;
  }
}

function doGlob(
  basedir0: string,
  pattern0: string,
  matches: string[],
  guard: GlobGuard,
  ancestors: readonly string[],
): void {
  guard.step();
  let basedir = basedir0;
  let pattern = pattern0;
  let globIdx = indexAnyWithEscaping(pattern, '*?[{\\');
  if (globIdx > 0) globIdx = lastIndexRuneWithEscaping(pattern.slice(0, globIdx), '/');
  else if (globIdx === -1) globIdx = lastIndexRuneWithEscaping(pattern, '/');
  if (globIdx > 0) {
    basedir = goJoin(basedir, pattern.slice(0, globIdx));
    pattern = pattern.slice(globIdx + 1);
  }
  let fi = lstat(basedir);
  if (fi === undefined) return;
  if (pattern === '') {
    matches.push(basedir);
    return;
  }
  if (fi.isSymbolicLink()) fi = stat(basedir);
  if (fi === undefined || !fi.isDirectory() || basedir.length > 4096) return;
  const real = guard.enter(basedir, ancestors);
  if (real === undefined) return;
  const below = [...ancestors, real];
  let files: fs.Dirent[];
  try {
    files = fs.readdirSync(basedir, { withFileTypes: true });
  } catch {
    return;
  }
  guard.read(files.length);
  files.sort((a, b) => compareStrings(a.name, b.name));
  let slashIdx = indexRuneWithEscaping(pattern, '/');
  const lastComponent = slashIdx === -1;
  if (lastComponent) slashIdx = pattern.length;
  if (pattern.slice(0, slashIdx) === '**') {
    for (const file of files) {
      const path = goJoin(basedir, file.name);
      const isDir = file.isSymbolicLink() ? stat(path)?.isDirectory() : file.isDirectory();
      if (isDir === undefined) continue;
      if (isDir) {
        if (lastComponent) matches.push(path);
        doGlob(path, pattern, matches, guard, below);
      } else if (lastComponent) {
        matches.push(path);
      }
    }
    if (lastComponent) return;
    pattern = pattern.slice(slashIdx + 1);
  }
  for (const file of files) {
    const match = matchComponent(pattern, file.name, guard);
    if (match === undefined) continue;
    const path = goJoin(basedir, file.name);
    if (match.length === 0) matches.push(path);
    else for (const alt of match) doGlob(path, alt, matches, guard, below);
  }
}

/** doublestar.Glob (v1), within what `guard` allows. */
export function glob(pattern: string, guard: GlobGuard): string[] {
  guard.step();
  if (pattern === '') return [];
  if (pattern.startsWith('{')) {
    const [options, end] = splitAlternatives(pattern.slice(1));
    if (end === -1) throw new BadPattern();
    return options.flatMap((o) => glob(o + pattern.slice(1 + end), guard));
  }
  const matches: string[] = [];
  if (pattern.startsWith('/')) doGlob('/', pattern.slice(1), matches, guard, []);
  else doGlob('.', pattern, matches, guard, []);
  return matches;
}
