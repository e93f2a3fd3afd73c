import { JobspecError, type JobspecIssue, joinPath } from '../errors';
import { HclExpression } from '../hcl';
import type { AnyStruct, Field } from '../schema/dsl';
import { Duration, Size } from '../values';

/**
 * A body as HashiCorp's HCL-to-JSON converter (`hcl2json`) returns it:
 * attributes as JSON values, a block as a list of bodies (one per
 * occurrence), a labeled block as an object keyed by label.
 */
export type HclJsonBody = Readonly<Record<string, unknown>>;

type Props = Record<string, unknown>;

/**
 * Reads a string as hcl2json writes it. Literal `${` and `%{` come back as
 * `$${` and `%%{` (Terraform's JSON syntax); a string that still holds a bare
 * `${` or `%{` is a template or an expression, which Nomad evaluates, so it is
 * kept as an {@link HclExpression}.
 */
export function readHclJsonString(text: string): string | HclExpression {
  const unescaped = text.replace(/([$%])\1\{/g, '$1{');
  if (!hasTemplateSequence(text)) return unescaped;
  const whole = /^\$\{([\s\S]*)\}$/.exec(text);
  if (whole && !hasTemplateSequence(whole[1] as string)) return HclExpression.of(whole[1] as string);
  return HclExpression.of(JSON.stringify(text));
}

/** Whether `text` holds a `${` or `%{` that is not escaped by doubling its sigil. */
function hasTemplateSequence(text: string): boolean {
  for (let i = 0; i < text.length - 1; i++) {
    const char = text[i];
    if ((char === '$' || char === '%') && text[i + 1] === '{') {
      // HCL reads `$${` as an escaped `${` whatever precedes it, so only a lone sigil opens a template.
      if (text[i - 1] !== char) return true;
    }
  }
  return false;
}

/**
 * Model props of `struct` from a body in hcl2json's JSON form: the inverse of
 * the HCL renderer. HCL attribute and block names map to props; durations are
 * parsed from Go's notation, sizes read as MiB. Attributes the model does not
 * know are kept in `raw.hcl`, so nothing is lost; unknown blocks are errors.
 *
 * @param labels - the block's labels, for structs labeled by a field
 * @throws JobspecError listing every field that cannot be read, with its path
 */
export function decodeHclBody(struct: AnyStruct, body: HclJsonBody, path = ''): Props {
  const issues: JobspecIssue[] = [];
  const props = decodeBody(struct, body, path, issues);
  if (issues.length > 0) throw new JobspecError(issues);
  return props;
}

const byHclName = new WeakMap<AnyStruct, ReadonlyMap<string, readonly [string, Field]>>();

function fieldsByHclName(struct: AnyStruct): ReadonlyMap<string, readonly [string, Field]> {
  let map = byHclName.get(struct);
  if (!map) {
    map = new Map(
      struct.entries.filter(([, f]) => f.hcl !== undefined).map((entry) => [entry[1].hcl as string, entry]),
    );
    byHclName.set(struct, map);
  }
  return map;
}

function decodeBody(struct: AnyStruct, body: HclJsonBody, path: string, issues: JobspecIssue[]): Props {
  const props: Props = {};
  const raw: Props = {};
  const fields = fieldsByHclName(struct);
  for (const [name, value] of Object.entries(body)) {
    const entry = fields.get(name);
    const at = joinPath(path, name);
    if (!entry) {
      if (isBlockList(value)) {
        issues.push({
          code: 'unknown-field',
          path: at,
          message: `"${name}" is not a block of ${struct.name}; blocks allowed here: ${blockNames(struct).join(', ') || 'none'}`,
        });
      } else {
        raw[name] = readJson(value);
      }
      continue;
    }
    const [prop, field] = entry;
    const decoded = decodeField(field, value, joinPath(path, prop), issues);
    if (decoded !== undefined) props[prop] = decoded;
  }
  if (Object.keys(raw).length > 0) props.raw = { hcl: raw };
  return props;
}

function blockNames(struct: AnyStruct): string[] {
  const blockKinds = new Set(['struct', 'list', 'map', 'freeform']);
  return struct.entries.filter(([, f]) => f.hcl && blockKinds.has(f.type.kind)).map(([, f]) => f.hcl as string);
}

/** A block in hcl2json's form: a list of bodies. */
function isBlockList(value: unknown): value is HclJsonBody[] {
  return Array.isArray(value) && value.length > 0 && value.every(isObject);
}

function isObject(value: unknown): value is HclJsonBody {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeField(field: Field, value: unknown, path: string, issues: JobspecIssue[]): unknown {
  const type = field.type;
  const wrongShape = (expected: string) => {
    issues.push({
      code: 'invalid-type',
      path,
      message: `expected ${expected}, received ${JSON.stringify(value)}`,
    });
    return undefined;
  };
  switch (type.kind) {
    case 'duration': {
      if (typeof value !== 'string') return wrongShape('a duration such as "30s"');
      const text = readHclJsonString(value);
      if (text instanceof HclExpression) return wrongShape('a literal duration such as "30s"');
      try {
        return Duration.parse(text);
      } catch (error) {
        issues.push({ code: 'invalid-value', path, message: (error as Error).message });
        return undefined;
      }
    }
    case 'size':
      if (typeof value !== 'number' || !Number.isInteger(value)) return wrongShape('a whole number of MiB');
      return Size.mebibytes(value);
    case 'stringMap':
    case 'stringListMap':
      // `meta { a = "b" }` is a block (a list of bodies), `meta = { "a.b" = "c" }` an attribute.
      if (Array.isArray(value)) return readJson(Object.assign({}, ...value.filter(isObject)));
      if (isObject(value)) return readJson(value);
      return wrongShape('a map');
    case 'freeform':
      if (Array.isArray(value)) return readJson(Object.assign({}, ...value.filter(isObject)));
      if (isObject(value)) return readJson(value);
      return wrongShape(`a ${field.hcl} block`);
    case 'struct': {
      if (!isBlockList(value) || value.length !== 1) return wrongShape(`one ${field.hcl} block`);
      return decodeBody(type.struct(), value[0] as HclJsonBody, path, issues);
    }
    case 'list': {
      const struct = type.struct();
      if (field.hclLabel) {
        const { prop, fromLabel } = field.hclLabel;
        return labeledBodies(value, path, issues).map(({ label, body, at }) => ({
          ...decodeBody(struct, body, at, issues),
          [prop]: fromLabel(label),
        }));
      }
      const label = struct.label?.[0];
      if (label) {
        return labeledBodies(value, path, issues).map(({ label: key, body, at }) => ({
          [label]: key,
          ...decodeBody(struct, body, at, issues),
        }));
      }
      if (!isBlockList(value)) return wrongShape(`${field.hcl} blocks`);
      return value.map((body, i) => decodeBody(struct, body, joinPath(path, i), issues));
    }
    case 'map': {
      const struct = type.struct();
      return Object.fromEntries(
        labeledBodies(value, path, issues).map(({ label, body, at }) => [label, decodeBody(struct, body, at, issues)]),
      );
    }
    default:
      return readJson(value);
  }
}

/** `group "web" {...}` comes back as `{"web": [{...}]}`; a label used twice gives two bodies. */
function labeledBodies(
  value: unknown,
  path: string,
  issues: JobspecIssue[],
): { label: string; body: HclJsonBody; at: string }[] {
  if (!isObject(value)) {
    issues.push({ code: 'invalid-type', path, message: `expected labeled blocks, received ${JSON.stringify(value)}` });
    return [];
  }
  return Object.entries(value).flatMap(([label, bodies]) =>
    (Array.isArray(bodies) ? bodies : [bodies])
      .filter(isObject)
      .map((body) => ({ label, body, at: joinPath(path, `[${label}]`) })),
  );
}

/** A JSON value from hcl2json, with its strings read by {@link readHclJsonString}. */
function readJson(value: unknown): unknown {
  if (typeof value === 'string') return readHclJsonString(value);
  if (Array.isArray(value)) return value.map(readJson);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, readJson(v)]));
  return value;
}
