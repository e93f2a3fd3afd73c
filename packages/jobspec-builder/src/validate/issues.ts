import type { z } from 'zod';
import { itemPath, type JobspecIssue, joinPath } from '../errors';
import { type AnyStruct, type Field, labelValue } from '../schema/dsl';

/**
 * Turns zod issues into JobspecIssues: paths name groups and tasks
 * (`groups[web].tasks[server]` instead of `groups.0.tasks.1`), every message
 * says what was received, and unknown fields come with the allowed ones and a
 * nearest-name suggestion.
 */
export function toJobspecIssues(issues: readonly z.core.$ZodIssue[], root: AnyStruct, input: unknown): JobspecIssue[] {
  return issues.flatMap((issue) => convert(issue, root, input));
}

function convert(issue: z.core.$ZodIssue, root: AnyStruct, input: unknown): JobspecIssue[] {
  const { path, struct, value } = describePath(issue.path as PropertyKey[], root, input);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = struct ? Object.keys(struct.fields) : [];
      return issue.keys.map((key) => {
        const suggestion = nearest(key, allowed);
        return {
          code: 'unknown-field' as const,
          path: joinPath(path, key),
          message:
            `unknown field "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; ` +
            `allowed: ${allowed.join(', ')}. A field Nomad added after this library goes in \`raw: { hcl: {...}, api: {...} }\``,
        };
      });
    }
    case 'invalid_union': {
      // A value or an HCL expression: report against the value's schema, the first branch.
      const first = issue.errors[0]?.[0];
      if (first) return convert({ ...first, path: [...issue.path, ...first.path] } as z.core.$ZodIssue, root, input);
      return [{ code: 'invalid-type', path, message: `${issue.message}, received ${describe(value)}` }];
    }
    case 'invalid_type': {
      // zod v4 does not keep the input on the issue: the value at the path tells a missing field (or one set to
      // undefined, which TypeScript treats alike) from a wrong type.
      const expected = `expected ${issue.expected}`;
      if (value === undefined) return [{ code: 'required', path, message: `required: ${expected}, received nothing` }];
      return [{ code: 'invalid-type', path, message: `${expected}, received ${describe(value)}` }];
    }
    case 'invalid_value':
      return [{ code: 'invalid-value', path, message: `${stripReceived(issue.message)}, received ${describe(value)}` }];
    case 'too_small':
    case 'too_big':
      return [{ code: 'out-of-range', path, message: `${stripReceived(issue.message)}, received ${describe(value)}` }];
    case 'custom':
      // The schema's own type checks: Duration, Size, HclExpression, JSON values in free-form maps.
      return [
        {
          code: 'invalid-type',
          path,
          message: /received /.test(issue.message) ? issue.message : `${issue.message}, received ${describe(value)}`,
        },
      ];
    default:
      return [{ code: 'invalid-value', path, message: `${issue.message}, received ${describe(value)}` }];
  }
}

/**
 * Walks the input along a zod path, naming list items by their label, finding the struct at the end, and
 * returning the value there.
 */
function describePath(
  segments: readonly PropertyKey[],
  root: AnyStruct,
  input: unknown,
): { path: string; struct?: AnyStruct; value: unknown } {
  let path = '';
  let value = input;
  let struct: AnyStruct | undefined = root;
  let pending: Field | undefined;
  for (const segment of segments) {
    const key = String(segment);
    const item = (value as Record<string, unknown> | null | undefined)?.[key];
    if (pending && (pending.type.kind === 'list' || pending.type.kind === 'map')) {
      struct = pending.type.struct();
      path = itemPath(path, labelValue(struct, item as Record<string, unknown> | undefined), key);
      pending = undefined;
      value = item;
      continue;
    }
    // Array indexes inside free-form values (driver config): `config.ports[1]`.
    path = typeof segment === 'number' || Array.isArray(value) ? joinPath(path, Number(key)) : joinPath(path, key);
    const field: Field | undefined = struct?.fields[key];
    value = item;
    if (field?.type.kind === 'struct') {
      struct = field.type.struct();
    } else if (field?.type.kind === 'list' || field?.type.kind === 'map') {
      pending = field;
      struct = undefined;
    } else {
      struct = undefined;
    }
  }
  return { path, struct, value };
}

/** zod's own "received ..." (computed from the input, which it no longer has) would repeat ours. */
function stripReceived(message: string): string {
  return message.replace(/,? received [^,]*$/, '');
}

/** The received value, as a message shows it. */
function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return truncate(JSON.stringify(value));
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const name = (value as object).constructor?.name ?? 'a class';
    return `an instance of ${name} (${truncate(String(value))})`;
  }
  try {
    return `an object ${truncate(JSON.stringify(value))}`;
  } catch {
    return 'an object';
  }
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The allowed name closest to `name` by edit distance, if close enough to be a typo. */
function nearest(name: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of allowed) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
