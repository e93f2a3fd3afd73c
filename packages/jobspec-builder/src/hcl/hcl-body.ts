import { HclError } from './hcl-error';
import type { HclExpression } from './hcl-expression';
import { assertIdentifier, describeType } from './identifier';

/**
 * A value the writer can render.
 *
 * - `string`: a quoted string or a heredoc, with `${` and `%{` escaped so Nomad keeps them as text.
 * - `number`: a finite number; integers are written without exponent or fraction.
 * - `boolean`, `null`: `true`, `false`, `null`.
 * - {@link HclExpression}: written verbatim.
 * - array: a list (`[...]`); object: an HCL object (`{ key = value }`) in the object's key order.
 */
export type HclValue =
  | string
  | number
  | boolean
  | null
  | HclExpression
  | readonly HclValue[]
  | { readonly [key: string]: HclValue };

/** `name = value` in a body. Build it with {@link attribute}. */
export interface HclAttribute {
  /** Discriminates attributes from blocks. */
  readonly kind: 'attribute';
  /** The attribute name; must be an identifier. */
  readonly name: string;
  /** The attribute value. */
  readonly value: HclValue;
}

/** `type "label" ... { body }`. Build it with {@link block}. */
export interface HclBlock {
  /** Discriminates blocks from attributes. */
  readonly kind: 'block';
  /** The block type (`job`, `group`, `client`, ...); must be an identifier. */
  readonly type: string;
  /** The labels, written as quoted strings, in order. */
  readonly labels: readonly string[];
  /** The content of the block. */
  readonly body: HclBody;
}

/** The content of a file or of a block: attributes and blocks, written in this order. */
export type HclBody = readonly (HclAttribute | HclBlock)[];

/**
 * An attribute, `name = value`.
 *
 * @param name - an identifier (see {@link isIdentifier}); keys that are not identifiers belong in an object value
 * @param value - the value; it is validated when rendered
 * @throws HclError `invalid-identifier` when `name` is not an identifier
 *
 * @example
 * attribute('datacenters', ['dc1']); // datacenters = ["dc1"]
 * attribute('meta', { 'a.b': 'x' }); // meta = { "a.b" = "x" }, on three lines
 */
export function attribute(name: string, value: HclValue): HclAttribute {
  assertIdentifier(name, 'attribute name', '');
  return Object.freeze({ kind: 'attribute', name, value });
}

/**
 * A block, `type "label" ... { body }`.
 *
 * @param type - an identifier (see {@link isIdentifier})
 * @param labels - any strings; they are quoted and escaped
 * @param body - the block's attributes and blocks
 * @throws HclError `invalid-identifier` when `type` is not an identifier, `invalid-label` when a label is not a string
 *
 * @example
 * block('job', ['web'], [attribute('type', 'service')]);
 */
export function block(type: string, labels: readonly string[], body: HclBody): HclBlock {
  assertIdentifier(type, 'block type', '');
  assertLabels(type, labels, '');
  return Object.freeze({ kind: 'block', type, labels: Object.freeze([...labels]), body: Object.freeze([...body]) });
}

/**
 * Throws unless `labels` is an array of strings.
 *
 * @internal
 */
export function assertLabels(type: string, labels: unknown, path: string): asserts labels is readonly string[] {
  if (!Array.isArray(labels)) {
    throw new HclError(
      'invalid-label',
      `Invalid labels of block "${type}"`,
      `expected an array of strings, received ${describeType(labels)}.`,
      path,
    );
  }
  labels.forEach((label: unknown, index) => {
    if (typeof label !== 'string') {
      throw new HclError(
        'invalid-label',
        `Invalid label of block "${type}"`,
        `expected a string at labels[${index}], received ${describeType(label)}.`,
        path,
      );
    }
  });
}
