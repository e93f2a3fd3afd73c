import type { JobspecIssue } from '../errors';
import type { AnyStruct, Field } from '../schema/dsl';
import * as S from '../schema/structs';

/** Where an imported job's fields were written: what turns a problem's model path into `file:line:column`. */
export interface JobSource {
  readonly filename: string;
  /** The job's ID, the label of the `job` block. */
  readonly id: string;
  /** Where each field was written, by model path (`groups[web].tasks[app].templates[0].changeSignal`). */
  readonly positions: ReadonlyMap<string, { readonly line: number; readonly column: number }>;
  /** The input variables, and the fields written with them, for `jobspec import`. */
  readonly variables?: {
    readonly values: Readonly<Record<string, unknown>>;
    readonly references: ReadonlyMap<string, { readonly typescript: string; readonly variables: readonly string[] }>;
  };
}

const sources = new WeakMap<object, JobSource>();

/** Remembers where `job` was read from. */
export function attachSource(job: object, source: JobSource): void {
  sources.set(job, source);
}

export function sourceOf(job: object): JobSource | undefined {
  return sources.get(job);
}

/**
 * Adds to each issue of an imported job where it is in the file (the field, or the nearest block that encloses
 * it when the field is not written) and its path in HCL names.
 */
export function locateIssues(source: JobSource | undefined, issues: readonly JobspecIssue[]): JobspecIssue[] {
  if (!source) return [...issues];
  return issues.map((issue) => {
    if (issue.location !== undefined && issue.hclPath !== undefined) return issue;
    const at = nearestPosition(source, issue.path);
    return {
      ...issue,
      message: inHclWords(issue.message),
      hclPath: issue.hclPath ?? hclPathOf(issue.path, source.id),
      ...(issue.location === undefined && at ? { location: `${source.filename}:${at.line}:${at.column}` } : {}),
    };
  });
}

let hclNames: ReadonlyMap<string, string> | undefined;

/** Field names in a message in HCL's words for a job read from HCL: `changeSignal` is `change_signal`. */
function inHclWords(message: string): string {
  hclNames ??= camelToHcl();
  const names = hclNames;
  return message.replace(/\b[a-z]+(?:[A-Z][a-z0-9]*)+\b/g, (word) => names.get(word) ?? word);
}

/** Every camelCase prop of the schema with its HCL name, where all structs agree on it. */
function camelToHcl(): Map<string, string> {
  const names = new Map<string, string>();
  const conflicting = new Set<string>();
  for (const struct of Object.values(S)) {
    if (typeof struct !== 'object' || struct === null || !('fields' in struct)) continue;
    for (const [prop, field] of (struct as AnyStruct).entries) {
      if (!field.hcl || field.hcl === prop || !/[A-Z]/.test(prop)) continue;
      const known = names.get(prop);
      if (known !== undefined && known !== field.hcl) conflicting.add(prop);
      names.set(prop, field.hcl);
    }
  }
  for (const prop of conflicting) names.delete(prop);
  return names;
}

function nearestPosition(source: JobSource, path: string): { line: number; column: number } | undefined {
  let prefix = path;
  for (;;) {
    const at = source.positions.get(prefix);
    if (at) return at;
    const cut = Math.max(prefix.lastIndexOf('.'), prefix.lastIndexOf('['));
    if (cut <= 0) return undefined;
    prefix = prefix.slice(0, cut);
  }
}

/**
 * A model path in HCL names: `groups[web].tasks[app].templates[0].changeSignal` is
 * `job["web"].group["web"].task["app"].template[0].change_signal`. Segments below a free-form field are kept.
 */
export function hclPathOf(path: string, jobId: string): string {
  let out = `job[${JSON.stringify(jobId)}]`;
  let struct: AnyStruct | undefined = S.Job;
  let items: Field | undefined;
  for (const match of path.matchAll(/\[([^\]]*)\]|([^.[\]]+)/g)) {
    const [, index, name] = match;
    if (index !== undefined) {
      if (items && (items.type.kind === 'list' || items.type.kind === 'map')) {
        const itemStruct = items.type.struct();
        const labeled = items.type.kind === 'map' || items.hclLabel !== undefined || itemStruct.label !== undefined;
        out += labeled ? `[${JSON.stringify(index)}]` : `[${index}]`;
        struct = itemStruct;
      } else {
        out += `[${index}]`;
      }
      items = undefined;
      continue;
    }
    const field: Field | undefined = struct?.fields[name as string];
    out += `.${field?.hcl ?? name}`;
    items = undefined;
    if (field?.type.kind === 'struct') struct = field.type.struct();
    else if (field?.type.kind === 'list' || field?.type.kind === 'map') {
      items = field;
      struct = undefined;
    } else struct = undefined;
  }
  return out;
}
