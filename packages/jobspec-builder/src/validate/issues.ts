import type { z } from 'zod';
import type { JobspecIssue } from '../errors';
import { itemPath } from '../render/api-json';
import type { AnyStruct, Field } from '../schema/dsl';

/**
 * Turns zod issues into JobspecIssues: paths name groups and tasks
 * (`groups[web].tasks[server]` instead of `groups.0.tasks.1`) and unknown
 * fields come with the allowed ones and a nearest-name suggestion.
 */
export function toJobspecIssues(issues: readonly z.core.$ZodIssue[], root: AnyStruct, input: unknown): JobspecIssue[] {
  return issues.flatMap((issue) => convert(issue, root, input));
}

function convert(issue: z.core.$ZodIssue, root: AnyStruct, input: unknown): JobspecIssue[] {
  const { path, struct } = describePath(issue.path as PropertyKey[], root, input);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = struct ? Object.keys(struct.fields) : [];
      return issue.keys.map((key) => {
        const suggestion = nearest(key, allowed);
        return {
          code: 'unknown-field' as const,
          path: path ? `${path}.${key}` : key,
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
      return [{ code: 'invalid-type', path, message: issue.message }];
    }
    case 'invalid_type':
      return [
        {
          code: issue.input === undefined ? 'required' : 'invalid-type',
          path,
          message: issue.input === undefined ? `required: ${issue.message}` : issue.message,
        },
      ];
    case 'invalid_value':
      return [{ code: 'invalid-value', path, message: `${issue.message}, received ${JSON.stringify(issue.input)}` }];
    case 'too_small':
    case 'too_big':
      return [{ code: 'out-of-range', path, message: `${issue.message}, received ${JSON.stringify(issue.input)}` }];
    default:
      return [{ code: 'invalid-value', path, message: issue.message }];
  }
}

/** Walks the input along a zod path, naming list items by their label and finding the struct at the end. */
function describePath(
  segments: readonly PropertyKey[],
  root: AnyStruct,
  input: unknown,
): { path: string; struct?: AnyStruct } {
  let path = '';
  let value = input;
  let struct: AnyStruct | undefined = root;
  let pending: Field | undefined;
  for (const segment of segments) {
    const key = String(segment);
    if (pending && (pending.type.kind === 'list' || pending.type.kind === 'map')) {
      const item = (value as Record<string, unknown> | undefined)?.[key] as Record<string, unknown> | undefined;
      struct = pending.type.struct();
      path = itemPath(struct, item, key, path);
      pending = undefined;
      value = item;
      continue;
    }
    path = path ? `${path}.${key}` : key;
    const field: Field | undefined = struct?.fields[key];
    value = (value as Record<string, unknown> | undefined)?.[key];
    if (field?.type.kind === 'struct') {
      struct = field.type.struct();
    } else if (field?.type.kind === 'list' || field?.type.kind === 'map') {
      pending = field;
      struct = undefined;
    } else {
      struct = undefined;
    }
  }
  return { path, struct };
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
