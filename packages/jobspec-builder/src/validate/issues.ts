import type { z } from 'zod';
import { itemPath, type JobspecIssue, joinPath } from '../errors';
import { type AnyStruct, type Field, labelValue } from '../schema/dsl';
import { nearest } from './suggest';

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
      const expected = `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
      const name = lastName(issue.path);
      if (value === undefined) {
        return [{ code: 'required', path, message: `${name} is required and not set: ${expected}` }];
      }
      return [
        { code: 'invalid-type', path, message: `${name} has the wrong type: ${expected}, received ${describe(value)}` },
      ];
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
      return [
        {
          code: 'invalid-value',
          path,
          message: `${lastName(issue.path)} is not one of the values Nomad accepts: received ${describe(value)}, allowed ${allowed}`,
        },
      ];
    }
    case 'too_small':
    case 'too_big': {
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const allowed = issue.code === 'too_small' ? `${bound} or more` : `at most ${bound}`;
      return [
        {
          code: 'out-of-range',
          path,
          message: `${lastName(issue.path)} is too ${issue.code === 'too_small' ? 'small' : 'large'}: received ${describe(value)}, allowed ${allowed}`,
        },
      ];
    }
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

/** zod's type names in plain words. */
const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'a map',
};

/** The field a zod path ends in, for messages: `count` of `groups.0.count`. */
function lastName(path: readonly PropertyKey[]): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return String(path[i]);
  return 'the value';
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
