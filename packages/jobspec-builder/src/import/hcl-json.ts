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

/** One block of an evaluated body. */
export interface EvaluatedBlock {
  readonly labels: readonly string[];
  readonly body: HclJsonBody;
  /** 1-based line of the block header, for error messages. */
  readonly line?: number;
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
  const issues: JobspecIssue[] = [];
  const decoder = new Decoder(options, issues);
  const props = decoder.body(struct, body, path, undefined);
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

const BLOCK_KINDS = new Set(['struct', 'list', 'map', 'freeform']);

function isObject(value: unknown): value is HclJsonBody {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof HclBlocks);
}

class Decoder {
  constructor(
    private readonly options: DecodeOptions,
    private readonly issues: JobspecIssue[],
  ) {}

  private issue(code: JobspecIssue['code'], path: string, message: string, line: number | undefined): void {
    const location = line !== undefined && this.options.filename ? `${this.options.filename}:${line}` : undefined;
    this.issues.push(location ? { code, path, message, location } : { code, path, message });
  }

  body(struct: AnyStruct, input: HclJsonBody, path: string, line: number | undefined): Props {
    const body = this.options.strings === 'evaluated' && struct.hooks.fromHcl ? struct.hooks.fromHcl(input) : input;
    const props: Props = {};
    const raw: Props = {};
    const fields = fieldsByHclName(struct);
    for (const [name, value] of Object.entries(body)) {
      const entry = fields.get(name);
      if (!entry) {
        if (value instanceof HclBlocks || this.isHcl2JsonBlockList(value)) {
          const blockLine = value instanceof HclBlocks ? (value.items[0]?.line ?? line) : line;
          this.issue(
            'unknown-field',
            joinPath(path, name),
            `"${name}" is not a block of ${struct.name}; blocks allowed here: ${blockNames(struct).join(', ') || 'none'}`,
            blockLine,
          );
        } else {
          raw[name] = this.json(value);
        }
        continue;
      }
      const [prop, field] = entry;
      const decoded = this.field(field, value, joinPath(path, prop), line);
      if (decoded !== undefined) props[prop] = decoded;
    }
    if (Object.keys(raw).length > 0) props.raw = { hcl: raw };
    return props;
  }

  private isHcl2JsonBlockList(value: unknown): boolean {
    return this.options.strings !== 'evaluated' && Array.isArray(value) && value.length > 0 && value.every(isObject);
  }

  private field(field: Field, value: unknown, path: string, line: number | undefined): unknown {
    const type = field.type;
    const wrong = (expected: string) => {
      this.issue('invalid-type', path, `expected ${expected}, received ${describeInput(value)}`, line);
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
        const text = this.scalarText(value);
        if (typeof value !== 'string' || typeof text !== 'string') return wrong('a duration such as "30s"');
        try {
          return Duration.parse(text);
        } catch (error) {
          this.issue('invalid-value', path, (error as Error).message, line);
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
            const text = this.scalarText(item);
            if (text === undefined) {
              this.issue(
                'invalid-type',
                joinPath(path, key),
                `expected a string, received ${describeInput(item)}`,
                line,
              );
              continue;
            }
            out[key] = text;
          }
        }
        return out;
      }
      case 'freeform': {
        const map = this.mapValue(value);
        return map ? this.json(map) : wrong(`a ${field.hcl} block`);
      }
      case 'struct': {
        const blocks = this.blocks(value, path, line);
        if (blocks.length !== 1 || (blocks[0]?.labels.length ?? 0) > 0) {
          if (blocks.length > 1) {
            this.issue(
              'invalid-value',
              path,
              `expected one ${field.hcl} block, received ${blocks.length}`,
              blocks[1]?.line ?? line,
            );
            return undefined;
          }
          return wrong(`a ${field.hcl} block`);
        }
        const [only] = blocks as [EvaluatedBlock];
        return this.body(type.struct(), only.body, path, only.line ?? line);
      }
      case 'list': {
        const struct = type.struct();
        const blocks = this.blocks(value, path, line);
        if (field.hclLabel) {
          const { prop, fromLabel } = field.hclLabel;
          return blocks.map((block) => ({
            ...this.body(struct, block.body, joinPath(path, `[${block.labels[0]}]`), block.line ?? line),
            [prop]: fromLabel(block.labels[0] ?? ''),
          }));
        }
        const label = struct.label?.[0];
        return blocks.map((block, i) => {
          if (label) {
            return {
              [label]: block.labels[0],
              ...this.body(struct, block.body, joinPath(path, `[${block.labels[0]}]`), block.line ?? line),
            };
          }
          return this.body(struct, block.body, joinPath(path, i), block.line ?? line);
        });
      }
      case 'map': {
        const struct = type.struct();
        return Object.fromEntries(
          this.blocks(value, path, line).map((block) => [
            block.labels[0],
            this.body(struct, block.body, joinPath(path, `[${block.labels[0]}]`), block.line ?? line),
          ]),
        );
      }
    }
  }

  /** The blocks in `value`, in either form; hcl2json's labeled objects are read one label deep. */
  private blocks(value: unknown, path: string, line: number | undefined): EvaluatedBlock[] {
    if (value instanceof HclBlocks) return [...value.items];
    if (Array.isArray(value) && value.every(isObject)) return value.map((body) => ({ labels: [], body }));
    if (isObject(value)) {
      return Object.entries(value).flatMap(([label, bodies]) =>
        (Array.isArray(bodies) ? bodies : [bodies]).filter(isObject).map((body) => ({ labels: [label], body })),
      );
    }
    this.issue('invalid-type', path, `expected blocks, received ${describeInput(value)}`, line);
    return [];
  }

  /** A map given as a block (merged) or as an attribute. */
  private mapValue(value: unknown): HclJsonBody | undefined {
    if (value instanceof HclBlocks) return Object.assign({}, ...value.items.map((item) => item.body));
    if (Array.isArray(value) && value.every(isObject)) return Object.assign({}, ...value);
    if (isObject(value)) return value;
    return undefined;
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

  /** A JSON value with its strings read; blocks inside free-form config become lists of objects, as in the API. */
  json(value: unknown): unknown {
    if (typeof value === 'string') return this.string(value);
    if (value instanceof HclBlocks) {
      // A block inside driver config: Nomad's API has a list of objects (`mount { ... }` -> `"mount": [{...}]`).
      return value.items.map((item) => this.json(item.body));
    }
    if (Array.isArray(value)) return value.map((item) => this.json(item));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.json(v)]));
    return value;
  }
}

function blockNames(struct: AnyStruct): string[] {
  return struct.entries.filter(([, f]) => f.hcl && BLOCK_KINDS.has(f.type.kind)).map(([, f]) => f.hcl as string);
}

function describeInput(value: unknown): string {
  if (value instanceof HclBlocks) return `${value.items.length} block${value.items.length === 1 ? '' : 's'}`;
  return JSON.stringify(value) ?? String(value);
}
