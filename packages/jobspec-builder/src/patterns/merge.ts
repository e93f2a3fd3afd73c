/**
 * How a pattern's overrides (`dockerService({ task: {...} })`) combine with what it generates. The rules:
 *
 * - Objects merge key by key, at every depth: `task: { config: { labels } }` adds `labels` and keeps the
 *   pattern's `image` and `ports`; `job: { update: { canary: 1 } }` keeps `autoRevert`. This covers blocks
 *   (`update`, `resources`), maps (`env`, `meta`) and free-form bodies (`config`).
 * - A value that is not a plain object replaces the pattern's: strings, numbers, `Duration`, `Size`, HCL
 *   expressions, and lists. A list is replaced as a whole (`services`, `constraints`, `args`, `ports`), since
 *   Nomad's lists have no keys to merge by: give the full list you want.
 * - An override set to `undefined` keeps the pattern's value.
 */
export function mergeOverrides<T>(base: T, override: unknown): T {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    out[key] = key in base ? mergeOverrides(base[key], value) : value;
  }
  return out as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
