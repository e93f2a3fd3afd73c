import { JobspecError, type JobspecIssue, joinPath } from '../errors';
import { HclExpression } from '../hcl';
import type { AnyStruct, Field } from '../schema/dsl';
import { nearest } from '../validate/suggest';
import { Duration, Size } from '../values';
import type { SourcePosition } from './block-order';

/**
 * A body as HashiCorp's HCL-to-JSON converter (`hcl2json`) returns it:
 * attributes as JSON values, a block as a list of bodies (one per
 * occurrence), a labeled block as an object keyed by label.
 */
export type HclJsonBody = Readonly<Record<string, unknown>>;

/** One block of an evaluated body. */
export interface EvaluatedBlock {
  readonly labels: readonly string[];
  readonly body: HclJsonBody;
  /** 1-based line of the block header, for error messages. */
  readonly line?: number;
  /** 1-based column of the block header. */
  readonly column?: number;
  /** Where each attribute of the body is written. */
  readonly attributes?: ReadonlyMap<string, SourcePosition>;
}

/**
 * An attribute written as an object constructor (`labels = { a = "b" }`). In free-form bodies (driver `config`,
 * scaling `policy`) Nomad reads it as a list of one object, as HCL1 did (jobspec2/hclutil/blockattrs.go
 * `attrExpr`); elsewhere (`meta`, `env`) it is the map itself.
 */
export class HclObjectLiteral {
  constructor(readonly value: Readonly<Record<string, unknown>>) {}
}

/**
 * An attribute whose value is an input variable (`image = var.image`) or a string made of text and variables
 * (`"${var.name}-web"`): the value, and the TypeScript expression that gives it from the imported job's `vars`,
 * so `jobspec import` writes the variable instead of its value.
 */
export class HclVariableValue {
  constructor(
    readonly value: unknown,
    readonly typescript: string,
    readonly variables: readonly string[],
  ) {}
}

/**
 * The blocks of one type in an evaluated body, in source order. The importer
 * builds these (hcl2json's objects keyed by label lose the order), so that a
 * block is never mistaken for an attribute holding a list of objects.
 */
export class HclBlocks {
  constructor(readonly items: readonly EvaluatedBlock[]) {}
}

type Props = Record<string, unknown>;

export interface DecodeOptions {
  /**
   * `hcl2json`: strings are as hcl2json writes them (`$${` for a literal `${`; a bare `${...}`
   * is an expression, kept as an {@link HclExpression}). `evaluated`: strings are final values,
   * as the importer's evaluator produces them. @default 'hcl2json'
   */
  readonly strings?: 'hcl2json' | 'evaluated';
  /** File name for locations in errors. @default - none */
  readonly filename?: string;
  /** Filled with where each decoded field was written, by model path. @default - not recorded */
  readonly positions?: Map<string, SourcePosition>;
  /** Filled with the fields given by input variables (see HclVariableValue), by model path. @default - not recorded */
  readonly variables?: Map<string, HclVariableValue>;
}

/**
 * Reads a string as hcl2json writes it. Literal `${` and `%{` come back as
 * `$${` and `%%{` (Terraform's JSON syntax); a string that still holds a bare
 * `${` or `%{` is a template or an expression, which Nomad evaluates, so it is
 * kept as an {@link HclExpression}.
 */
export function readHclJsonString(text: string): string | HclExpression {
  const unescaped = unescapeTemplate(text);
  if (!hasTemplateSequence(text)) return unescaped;
  const whole = /^\$\{([\s\S]*)\}$/.exec(text);
  if (whole && !hasTemplateSequence(whole[1] as string)) return HclExpression.of(whole[1] as string);
  return HclExpression.of(JSON.stringify(text));
}

/** `$${` and `%%{` back to the literal `${` and `%{`. */
export function unescapeTemplate(text: string): string {
  return text.replace(/([$%])\1\{/g, '$1{');
}

/** Whether `text` holds a `${` or `%{` that is not escaped by doubling its sigil. */
export function hasTemplateSequence(text: string): boolean {
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
 * Model props of `struct` from a body in hcl2json's JSON form, or from the
 * importer's evaluated form: the inverse of the HCL renderer. HCL attribute
 * and block names map to props; values are converted as Nomad's decoder
 * converts them (a number where a string is expected becomes its text, `"3"`
 * where a number is expected becomes 3); durations are parsed from Go's
 * notation, sizes read as MiB. Attributes the model does not know are kept in
 * `raw.hcl`, so nothing is lost; unknown blocks are errors.
 *
 * @throws JobspecError listing every field that cannot be read, with its path
 */
export function decodeHclBody(struct: AnyStruct, body: HclJsonBody, path = '', options: DecodeOptions = {}): Props {
  const { props, issues } = decodeHclBodyLeniently(struct, body, path, options);
  if (issues.length > 0) throw new JobspecError(issues);
  return props;
}

/**
 * {@link decodeHclBody} that does not stop at the first bad field: the props of every field that could be read,
 * and an issue for each that could not (that field is left out).
 */
export function decodeHclBodyLeniently(
  struct: AnyStruct,
  body: HclJsonBody,
  path = '',
  options: DecodeOptions = {},
  block?: Omit<EvaluatedBlock, 'body' | 'labels'>,
): { props: Props; issues: JobspecIssue[] } {
  const issues: JobspecIssue[] = [];
  const decoder = new Decoder(options, issues);
  const props = decoder.body(struct, body, path, block);
  return { props, issues };
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

const BLOCK_KINDS = new Set(['struct', 'list', 'map', 'freeform']);

function isObject(value: unknown): value is HclJsonBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof HclBlocks) &&
    !(value instanceof HclObjectLiteral) &&
    !(value instanceof HclVariableValue)
  );
}

type BlockSource = Omit<EvaluatedBlock, 'body' | 'labels'> | undefined;

class Decoder {
  constructor(
    private readonly options: DecodeOptions,
    private readonly issues: JobspecIssue[],
  ) {}

  private issue(code: JobspecIssue['code'], path: string, message: string, at: SourcePosition | undefined): void {
    const filename = this.options.filename;
    const location =
      at !== undefined && filename
        ? `${filename}:${at.line}${at.column !== undefined ? `:${at.column}` : ''}`
        : undefined;
    this.issues.push(location ? { code, path, message, location } : { code, path, message });
  }

  private record(path: string, position: SourcePosition | undefined): void {
    if (position) this.options.positions?.set(path, position);
  }

  body(struct: AnyStruct, input: HclJsonBody, path: string, block: BlockSource): Props {
    const blockAt = block?.line !== undefined ? { line: block.line, column: block.column ?? 1 } : undefined;
    let body = input;
    if (this.options.strings === 'evaluated' && struct.hooks.fromHcl) {
      // The compact forms move values between attributes: they are written as values, not as variables.
      const values = Object.fromEntries(
        Object.entries(input).map(([k, v]) => [k, v instanceof HclVariableValue ? v.value : v]),
      );
      const read = struct.hooks.fromHcl(values);
      body = read.body;
      for (const problem of read.problems ?? []) {
        this.issue(
          'invalid-value',
          joinPath(path, problem.attribute),
          problem.message,
          block?.attributes?.get(problem.attribute) ?? blockAt,
        );
      }
    }
    const props: Props = {};
    const raw: Props = {};
    const fields = fieldsByHclName(struct);
    for (const [name, value] of Object.entries(body)) {
      const entry = fields.get(name);
      const at = block?.attributes?.get(name) ?? (value instanceof HclBlocks ? positionOf(value.items[0]) : undefined);
      if (!entry) {
        if (value instanceof HclBlocks || this.isHcl2JsonBlockList(value)) {
          this.issue(
            'unknown-field',
            joinPath(path, name),
            `"${name}" is not a block of ${struct.name}; blocks allowed here: ${blockNames(struct).join(', ') || 'none'}`,
            at ?? blockAt,
          );
        } else if (this.options.strings === 'evaluated') {
          // hcl/gohcl: "Unsupported argument; An argument named %q is not expected here." (Nomad's parser rejects what
          // its structs do not declare; a misspelled name must not silently drop the setting).
          const suggestion = nearest(name, attributeNames(struct));
          this.issue(
            'unknown-field',
            joinPath(path, name),
            `Unsupported argument; An argument named "${name}" is not expected here.${suggestion ? ` Did you mean "${suggestion}"?` : ` Arguments allowed here: ${attributeNames(struct).join(', ') || 'none'}.`}`,
            at ?? blockAt,
          );
        } else {
          raw[name] = this.json(value);
        }
        continue;
      }
      const [prop, field] = entry;
      const fieldPath = joinPath(path, prop);
      this.record(fieldPath, at ?? blockAt);
      const decoded = this.field(field, value, fieldPath, at ?? blockAt);
      if (decoded !== undefined) props[prop] = decoded;
    }
    if (Object.keys(raw).length > 0) props.raw = { hcl: raw };
    return props;
  }

  private isHcl2JsonBlockList(value: unknown): boolean {
    return this.options.strings !== 'evaluated' && Array.isArray(value) && value.length > 0 && value.every(isObject);
  }

  private field(field: Field, given: unknown, path: string, at: SourcePosition | undefined): unknown {
    const value = this.unwrap(given, path);
    const type = field.type;
    const wrong = (expected: string) => {
      this.issue('invalid-type', path, `expected ${expected}, received ${describeInput(value)}`, at);
      return undefined;
    };
    switch (type.kind) {
      case 'string':
      case 'enum': {
        const text = this.scalarText(value);
        return text === undefined ? wrong('a string') : text;
      }
      case 'int': {
        const number = this.number(value);
        return number === undefined ? wrong('a number') : number;
      }
      case 'bool': {
        const text = this.scalarText(value);
        if (typeof value === 'boolean' || text instanceof HclExpression) return value === undefined ? text : value;
        if (text === 'true' || text === 'false') return text === 'true';
        return wrong('true or false');
      }
      case 'duration': {
        // jobspec2/hcl_conversions.go decodeDuration: a string is time.ParseDuration'd, a number is nanoseconds.
        if (typeof value === 'number') {
          if (Number.isInteger(value)) return Duration.nanos(value);
          return wrong('a whole number of nanoseconds or a duration such as "30s"');
        }
        const text = this.scalarText(value);
        if (typeof value !== 'string' || typeof text !== 'string') return wrong('a duration such as "30s"');
        try {
          return Duration.parse(text);
        } catch (error) {
          this.issue('invalid-value', path, (error as Error).message, at);
          return undefined;
        }
      }
      case 'size': {
        const number = this.number(value);
        if (typeof number !== 'number' || !Number.isInteger(number)) return wrong('a whole number of MiB');
        return Size.mebibytes(number);
      }
      case 'stringList':
      case 'intList': {
        if (!Array.isArray(value)) {
          const text = this.scalarText(value);
          return text instanceof HclExpression ? text : wrong('a list');
        }
        const items = value.map((item) => (type.kind === 'intList' ? this.number(item) : this.scalarText(item)));
        if (items.some((item) => item === undefined))
          return wrong(type.kind === 'intList' ? 'a list of numbers' : 'a list of strings');
        return items;
      }
      case 'stringMap':
      case 'stringListMap': {
        // `meta { a = "b" }` is a block, `meta = { "a.b" = "c" }` an attribute; Nomad reads both.
        const map = this.mapValue(value);
        if (!map) return wrong('a map');
        const out: Props = {};
        for (const [key, item] of Object.entries(map)) {
          if (type.kind === 'stringListMap') {
            out[key] = Array.isArray(item) ? item.map((x) => this.scalarText(x)) : [this.scalarText(item)];
          } else {
            const text = this.scalarText(this.unwrap(item, joinPath(path, key)));
            if (text === undefined) {
              this.issue('invalid-type', joinPath(path, key), `expected a string, received ${describeInput(item)}`, at);
              continue;
            }
            out[key] = text;
          }
        }
        return out;
      }
      case 'freeform': {
        const map = this.freeformValue(value, path);
        return map ?? wrong(`a ${field.hcl} block`);
      }
      case 'struct': {
        const blocks = this.blocks(value, path, at);
        if (blocks.length !== 1 || (blocks[0]?.labels.length ?? 0) > 0) {
          if (blocks.length > 1) {
            this.issue(
              'invalid-value',
              path,
              `expected one ${field.hcl} block, received ${blocks.length}`,
              positionOf(blocks[1]) ?? at,
            );
            return undefined;
          }
          return wrong(`a ${field.hcl} block`);
        }
        const [only] = blocks as [EvaluatedBlock];
        return this.body(type.struct(), only.body, path, only);
      }
      case 'list': {
        const struct = type.struct();
        const blocks = this.blocks(value, path, at);
        if (field.hclLabel) {
          const { prop, fromLabel } = field.hclLabel;
          return blocks.map((block) => {
            const itemPath = joinPath(path, `[${block.labels[0]}]`);
            this.record(itemPath, positionOf(block) ?? at);
            return {
              ...this.body(struct, block.body, itemPath, block),
              [prop]: fromLabel(block.labels[0] ?? ''),
            };
          });
        }
        const label = struct.label?.[0];
        return blocks.map((block, i) => {
          const itemPath = label ? joinPath(path, `[${block.labels[0]}]`) : joinPath(path, i);
          this.record(itemPath, positionOf(block) ?? at);
          const props = this.body(struct, block.body, itemPath, block);
          return label ? { [label]: block.labels[0], ...props } : props;
        });
      }
      case 'map': {
        const struct = type.struct();
        return Object.fromEntries(
          this.blocks(value, path, at).map((block) => {
            const itemPath = joinPath(path, `[${block.labels[0]}]`);
            this.record(itemPath, positionOf(block) ?? at);
            return [block.labels[0], this.body(struct, block.body, itemPath, block)];
          }),
        );
      }
    }
  }

  /** The blocks in `value`, in either form; hcl2json's labeled objects are read one label deep. */
  private blocks(value: unknown, path: string, at: SourcePosition | undefined): EvaluatedBlock[] {
    if (value instanceof HclBlocks) return [...value.items];
    if (Array.isArray(value) && value.every(isObject)) return value.map((body) => ({ labels: [], body }));
    if (isObject(value)) {
      return Object.entries(value).flatMap(([label, bodies]) =>
        (Array.isArray(bodies) ? bodies : [bodies]).filter(isObject).map((body) => ({ labels: [label], body })),
      );
    }
    this.issue('invalid-type', path, `expected blocks, received ${describeInput(value)}`, at);
    return [];
  }

  /** A map given as a block (merged) or as an attribute. */
  private mapValue(value: unknown): HclJsonBody | undefined {
    if (value instanceof HclBlocks) return Object.assign({}, ...value.items.map((item) => item.body));
    if (value instanceof HclObjectLiteral) return value.value;
    if (Array.isArray(value) && value.every(isObject)) return Object.assign({}, ...value);
    if (isObject(value)) return value;
    return undefined;
  }

  /**
   * Driver `config`, scaling `policy`, proxy `config`: the body as Nomad reads a schema-less block
   * (jobspec2/hclutil/blockattrs.go `BlocksAsAttrs`).
   */
  private freeformValue(value: unknown, path: string): HclJsonBody | undefined {
    if (value instanceof HclBlocks) {
      return Object.assign({}, ...value.items.map((item) => this.json(item.body, path) as HclJsonBody));
    }
    if (value instanceof HclObjectLiteral) return this.json(value.value, path) as HclJsonBody;
    if (Array.isArray(value) && value.every(isObject)) {
      return this.json(Object.assign({}, ...value), path) as HclJsonBody;
    }
    if (isObject(value)) return this.json(value, path) as HclJsonBody;
    return undefined;
  }

  /** The value of an attribute given by variables, recorded by path. */
  private unwrap(value: unknown, path: string): unknown {
    if (!(value instanceof HclVariableValue)) return value;
    this.options.variables?.set(path, value);
    return value.value;
  }

  /** A string, or a number or bool as its text (HCL converts them); `undefined` for anything else. */
  private scalarText(value: unknown): string | HclExpression | undefined {
    if (typeof value === 'string') return this.string(value);
    if (typeof value === 'number') return String(value);
    if (typeof value === 'boolean') return String(value);
    return undefined;
  }

  private number(value: unknown): number | HclExpression | undefined {
    if (typeof value === 'number') return value;
    if (typeof value !== 'string') return undefined;
    const text = this.string(value);
    if (text instanceof HclExpression) return text;
    return /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(text.trim()) ? Number(text) : undefined;
  }

  private string(value: string): string | HclExpression {
    return this.options.strings === 'evaluated' ? value : readHclJsonString(value);
  }

  /**
   * A value of a free-form body, as Nomad reads it (jobspec2/hclutil/blockattrs.go `blockToExpr`): the blocks of a
   * type become a list with an object per block, each label nesting the body one level deeper
   * (`check "cpu" { ... }` -> `"check": [{"cpu": [{...}]}]`), and an attribute written as an object constructor
   * becomes a list of that one object (`attrExpr`).
   */
  json(given: unknown, path = ''): unknown {
    const value = this.unwrap(given, path);
    if (typeof value === 'string') return this.string(value);
    if (value instanceof HclBlocks) {
      return value.items.map((item, i) =>
        item.labels.reduceRight<unknown>(
          (inner, label) => ({ [label]: [inner] }),
          this.json(
            item.body,
            item.labels.reduce((at, label) => joinPath(joinPath(at, label), 0), joinPath(path, i)),
          ),
        ),
      );
    }
    if (value instanceof HclObjectLiteral) return [this.json(value.value, joinPath(path, 0))];
    if (Array.isArray(value)) return value.map((item, i) => this.json(item, joinPath(path, i)));
    if (isObject(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.json(v, joinPath(path, k))]));
    }
    return value;
  }
}

function positionOf(block: EvaluatedBlock | undefined): SourcePosition | undefined {
  return block?.line === undefined ? undefined : { line: block.line, column: block.column ?? 1 };
}

function blockNames(struct: AnyStruct): string[] {
  return struct.entries.filter(([, f]) => f.hcl && BLOCK_KINDS.has(f.type.kind)).map(([, f]) => f.hcl as string);
}

function attributeNames(struct: AnyStruct): string[] {
  return struct.entries.filter(([, f]) => f.hcl && !BLOCK_KINDS.has(f.type.kind)).map(([, f]) => f.hcl as string);
}

function describeInput(value: unknown): string {
  if (value instanceof HclBlocks) return `${value.items.length} block${value.items.length === 1 ? '' : 's'}`;
  if (value instanceof HclObjectLiteral) return JSON.stringify(value.value);
  if (value instanceof HclVariableValue) return describeInput(value.value);
  return JSON.stringify(value) ?? String(value);
}
