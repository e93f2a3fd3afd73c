import type { z } from 'zod';

/**
 * A copy of `props` without the fields that zod rejected (and without unknown keys), so Nomad's semantic rules can
 * run on the rest: each rule reads only values of the types the schema allows. Values inside a rejected field are
 * dropped with it; class instances (Duration, Size, HclExpression) are shared, not copied.
 */
export function withoutInvalidFields(props: object, issues: readonly z.core.$ZodIssue[]): object {
  const root = copyContainer(props) as Record<string, unknown>;
  for (const issue of issues) {
    const path = issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
    if (issue.code === 'unrecognized_keys') {
      const parent = reach(root, path);
      if (parent) for (const key of issue.keys) delete parent[key];
      continue;
    }
    // The field that holds the bad value: the last property name on the path (not an index in a list).
    let last = path.length - 1;
    while (last >= 0 && typeof path[last] !== 'string') last--;
    if (last < 0) continue;
    const parent = reach(root, path.slice(0, last));
    if (parent) delete parent[path[last] as string];
  }
  return root;
}

/** The container at `path`, copying each container on the way so the caller's props are never changed. */
function reach(root: Record<string, unknown>, path: readonly (string | number)[]): Record<string, unknown> | undefined {
  let current: Record<string, unknown> = root;
  for (const segment of path) {
    const next = current[segment as string];
    if (next === null || typeof next !== 'object' || !isPlainContainer(next)) return undefined;
    const copy = copyContainer(next) as Record<string, unknown>;
    current[segment as string] = copy;
    current = copy;
  }
  return current;
}

function isPlainContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function copyContainer(value: object): object {
  return Array.isArray(value) ? [...value] : { ...value };
}
