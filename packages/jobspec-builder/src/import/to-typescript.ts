import { HclExpression, isIdentifier } from '../hcl';
import type { Job } from '../job';
import { Duration, Size } from '../values';

export interface ToTypeScriptOptions {
  /** The exported constant's name. @default camelCase of the job ID, e.g. `webApp` */
  readonly exportName?: string;
  /** Where the library is imported from. @default '@org/jobspec-builder' */
  readonly importFrom?: string;
}

/**
 * TypeScript source that builds `job` with this library: `new Job({...})` with
 * the props as a typed object literal, `Duration` and `Size` values, and
 * `HclExpression` where the job holds one. Compiling and running it gives a job
 * that renders the same HCL and API JSON.
 */
export function toTypeScript(job: Job, options: ToTypeScriptOptions = {}): string {
  const used = new Set<string>(['Job']);
  const literal = writeValue(job.props, 0, used);
  const name = options.exportName ?? exportNameFor(String(job.props.id));
  const imports = [...used].sort();
  return [
    `import { ${imports.join(', ')} } from '${options.importFrom ?? '@org/jobspec-builder'}';`,
    '',
    `export const ${name} = new Job(${literal});`,
    '',
  ].join('\n');
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

function writeValue(value: unknown, level: number, used: Set<string>): string {
  if (value instanceof Duration) {
    used.add('Duration');
    return `Duration.parse(${JSON.stringify(value.toGoString())})`;
  }
  if (value instanceof Size) {
    used.add('Size');
    return `Size.mebibytes(${value.toMebibytes()})`;
  }
  if (value instanceof HclExpression) {
    used.add('HclExpression');
    return `HclExpression.of(${JSON.stringify(value.text)})`;
  }
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  const indent = '  '.repeat(level + 1);
  const close = '  '.repeat(level);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((item) => writeValue(item, level + 1, used));
    const oneLine = `[${items.join(', ')}]`;
    if (oneLine.length <= 80 && !oneLine.includes('\n')) return oneLine;
    return `[\n${items.map((item) => `${indent}${item},`).join('\n')}\n${close}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([key, v]) => `${indent}${propertyKey(key)}: ${writeValue(v, level + 1, used)},`);
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
