import { itemPath, joinPath } from '../errors';
import { HclExpression, isIdentifier } from '../hcl';
import type { Job } from '../job';
import { type AnyStruct, type Field, labelValue } from '../schema/dsl';
import * as S from '../schema/structs';
import { sourceOf } from '../validate/locate';
import { Duration, Size } from '../values';

export interface ToTypeScriptOptions {
  /** The exported constant's name. @default camelCase of the job ID, e.g. `webApp` */
  readonly exportName?: string;
  /** Where the library is imported from. @default '@org/jobspec-builder' */
  readonly importFrom?: string;
}

/**
 * TypeScript source that builds `job` with this library, as a person would write it: `new Job({...})` with the
 * props as a typed object literal, `Duration` and `Size` values, `HclExpression` where the job holds one, single
 * quotes throughout. For a job imported from HCL, fields written with input variables refer to a `vars` constant
 * at the top (the values it was imported with), and what Nomad's parser fills in by itself is left out.
 * Compiling and running it gives a job that renders the same HCL and API JSON, once Nomad fills those in.
 */
export function toTypeScript(job: Job, options: ToTypeScriptOptions = {}): string {
  const used = new Set<string>(['Job']);
  const source = sourceOf(job);
  const references = source?.variables?.references ?? new Map();
  const vars = new Set<string>();
  const writer: Writer = { used, references, vars };
  const literal = writeStruct(S.Job, withoutParserDefaults(job.props as unknown as Props), 0, '', writer);
  const name = options.exportName ?? exportNameFor(String(job.props.id));
  const imports = [...used].sort();
  const lines = [`import { ${imports.join(', ')} } from ${quote(options.importFrom ?? '@org/jobspec-builder')};`, ''];
  if (vars.size > 0) {
    const values = source?.variables?.values ?? {};
    const entries = [...vars].sort().map((v) => `  ${propertyKey(v)}: ${writeValue(values[v], 1, writer)},`);
    lines.push(
      "/** The jobspec's input variables, with the values it was imported with. */",
      'const vars = {',
      ...entries,
      '};',
      '',
    );
  }
  lines.push(`export const ${name} = new Job(${literal});`, '');
  return lines.join('\n');
}

type Props = Readonly<Record<string, unknown>>;

interface Writer {
  readonly used: Set<string>;
  readonly references: ReadonlyMap<string, { readonly typescript: string; readonly variables: readonly string[] }>;
  readonly vars: Set<string>;
}

/** A struct's props, with the model paths the importer recorded variables under. */
function writeStruct(struct: AnyStruct, props: Props, level: number, path: string, writer: Writer): string {
  const entries = Object.entries(props).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const indent = '  '.repeat(level + 1);
  const lines = entries.map(([prop, value]) => {
    const field = struct.fields[prop] as Field | undefined;
    const at = joinPath(path, prop);
    return `${indent}${propertyKey(prop)}: ${field ? writeField(field, value, level + 1, at, writer) : writeValue(value, level + 1, writer)},`;
  });
  return `{\n${lines.join('\n')}\n${'  '.repeat(level)}}`;
}

function writeField(field: Field, value: unknown, level: number, path: string, writer: Writer): string {
  const reference = writer.references.get(path);
  if (reference) {
    for (const name of reference.variables) writer.vars.add(name);
    return reference.typescript;
  }
  const type = field.type;
  if (type.kind === 'struct') return writeStruct(type.struct(), value as Props, level, path, writer);
  if (type.kind === 'list' && Array.isArray(value)) {
    const struct = type.struct();
    if (value.length === 0) return '[]';
    const indent = '  '.repeat(level + 1);
    const items = value.map(
      (item, i) =>
        `${indent}${writeStruct(struct, item as Props, level + 1, itemPath(path, labelValue(struct, item as Props), i), writer)},`,
    );
    return `[\n${items.join('\n')}\n${'  '.repeat(level)}]`;
  }
  if (type.kind === 'map' && value && typeof value === 'object') {
    const struct = type.struct();
    const indent = '  '.repeat(level + 1);
    const entries = Object.entries(value as Record<string, Props>).map(
      ([key, item]) =>
        `${indent}${propertyKey(key)}: ${writeStruct(struct, item, level + 1, joinPath(path, `[${key}]`), writer)},`,
    );
    return entries.length === 0 ? '{}' : `{\n${entries.join('\n')}\n${'  '.repeat(level)}}`;
  }
  return writeValue(value, level, writer, path);
}

/**
 * The job without what Nomad's parser fills in itself (jobspec2 `normalizeJob`, see applyParserDefaults): code a
 * person writes leaves those out, and Nomad fills them in again.
 */
function withoutParserDefaults(job: Props): Props {
  const groups = (job.groups as Props[] | undefined)?.map((group) => {
    const scaling = group.scaling as Props | undefined;
    const tasks = (group.tasks as Props[] | undefined)?.map((task) => {
      const out: Record<string, unknown> = { ...task };
      if (task.vault) out.vault = omitDefaults(task.vault as Props, { env: true, changeMode: 'restart' });
      if (Array.isArray(task.templates)) {
        out.templates = (task.templates as Props[]).map((template) => {
          const t = omitDefaults(template, {
            changeMode: 'restart',
            perms: '0644',
            splay: Duration.seconds(5),
            errorOnMissingKey: false,
          });
          const script = template.changeScript as Props | undefined;
          return script
            ? {
                ...t,
                changeScript: omitDefaults(script, { args: [], timeout: Duration.seconds(5), failOnError: false }),
              }
            : t;
        });
      }
      return out;
    });
    return {
      ...group,
      ...(scaling ? { scaling: omitDefaults(scaling, { type: 'horizontal' }) } : {}),
      ...(tasks ? { tasks } : {}),
    };
  });
  return groups ? { ...job, groups } : job;
}

function omitDefaults(props: Props, defaults: Readonly<Record<string, unknown>>): Props {
  const out: Record<string, unknown> = { ...props };
  for (const [key, value] of Object.entries(defaults)) {
    const given = out[key];
    const same =
      given instanceof Duration && value instanceof Duration
        ? given.equals(value)
        : JSON.stringify(given) === JSON.stringify(value);
    if (same) delete out[key];
  }
  return out;
}

function exportNameFor(id: string): string {
  const words = id.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const camel = words
    .map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
  const name = /^[A-Za-z_$]/.test(camel) ? camel : `job${camel.charAt(0).toUpperCase()}${camel.slice(1)}`;
  return RESERVED.has(name) || name === '' ? `${name}Job` : name;
}

const RESERVED = new Set([
  'break',
  'case',
  'class',
  'const',
  'default',
  'delete',
  'do',
  'else',
  'export',
  'for',
  'function',
  'if',
  'import',
  'in',
  'new',
  'return',
  'switch',
  'this',
  'var',
  'while',
  'with',
]);

function writeValue(value: unknown, level: number, writer: Writer, path?: string): string {
  const reference = path === undefined ? undefined : writer.references.get(path);
  if (reference) {
    for (const name of reference.variables) writer.vars.add(name);
    return reference.typescript;
  }
  const { used } = writer;
  if (value instanceof Duration) {
    used.add('Duration');
    return `Duration.parse(${quote(value.toGoString())})`;
  }
  if (value instanceof Size) {
    used.add('Size');
    return `Size.mebibytes(${value.toMebibytes()})`;
  }
  if (value instanceof HclExpression) {
    used.add('HclExpression');
    return `HclExpression.of(${quote(value.text)})`;
  }
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  const indent = '  '.repeat(level + 1);
  const close = '  '.repeat(level);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((item, i) =>
      writeValue(item, level + 1, writer, path === undefined ? undefined : joinPath(path, i)),
    );
    const oneLine = `[${items.join(', ')}]`;
    if (oneLine.length <= 80 && !oneLine.includes('\n')) return oneLine;
    return `[\n${items.map((item) => `${indent}${item},`).join('\n')}\n${close}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(
      ([key, v]) =>
        `${indent}${propertyKey(key)}: ${writeValue(v, level + 1, writer, path === undefined ? undefined : joinPath(path, key))},`,
    );
    return `{\n${lines.join('\n')}\n${close}}`;
  }
  throw new TypeError(`cannot write ${typeof value} as TypeScript`);
}

function propertyKey(key: string): string {
  return isIdentifier(key) && !key.includes('-') ? key : quote(key);
}

/** A single-quoted string literal; `${` needs no escape outside template literals. */
function quote(text: string): string {
  const json = JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${json}'`;
}
