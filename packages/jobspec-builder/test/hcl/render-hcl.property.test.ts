import { format } from '@cdktn/hcl-tools';
import { parse } from '@cdktn/hcl2json';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attribute,
  block,
  type HclAttribute,
  type HclBlock,
  type HclBody,
  HclExpression,
  type HclValue,
  renderHcl,
} from '../../src/hcl';

// Each run calls into a WASM module; 500 runs per property keep this file at a few seconds on 2 cores.
const NUM_RUNS = 500;

/** Characters and sequences that escaping, heredocs and alignment must get right. */
const tricky = fc.constantFrom(
  '$',
  '%',
  '{',
  '}',
  '~',
  '"',
  '\\',
  '\n',
  '\r',
  '\t',
  ' ',
  '${',
  '%{',
  '$${',
  '%%{',
  '${~',
  'EOT',
  'EOT1',
  '\u0000',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u0301',
  '\u2028',
  '\u202e',
  'é',
  '日本',
  '😀',
);
/**
 * Code points from blocks that Node's Unicode and the Go side (x/text, textseg: Unicode 15.0) agree on,
 * with controls, combining marks, Hangul, Devanagari conjuncts, compatibility ideographs (which NFC
 * changes) and emoji. Arbitrary supplementary code points are left out on purpose: Go's NFC composes
 * U+10041 U+0301 into "Á" (it keys compositions on the low 16 bits), which no writer can prevent.
 */
const CODE_POINT_RANGES: readonly (readonly [number, number])[] = [
  [0x00, 0x36f],
  [0x370, 0x4ff],
  [0x900, 0x97f],
  [0x1100, 0x11ff],
  [0x2000, 0x206f],
  [0x3040, 0x30ff],
  [0x4e00, 0x9fa5],
  [0xac00, 0xd7a3],
  [0xf900, 0xfa2d],
  [0xfe00, 0xfe0f],
  [0x1f300, 0x1f64f],
];
const codePoint = fc
  .oneof(...CODE_POINT_RANGES.map(([min, max]) => fc.integer({ min, max })))
  .map((code) => String.fromCodePoint(code));
const text = fc.string({ unit: fc.oneof(tricky, codePoint, fc.string({ minLength: 1, maxLength: 3 })), maxLength: 16 });
/** Multi-line strings ending in a newline, the heredoc candidates, some with a line that equals a delimiter. */
const lines = fc
  .array(fc.oneof(text, fc.constantFrom('EOT', '  EOT ', 'EOT1', '')), { minLength: 1, maxLength: 5 })
  .map((items) => `${items.join('\n')}\n`);
const stringValue = fc.oneof(text, lines);

const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,7}$/);
const objectKey = fc
  .oneof(
    identifier,
    fc.constantFrom('for', 'true', 'null', 'a.b', ''),
    fc.string({ unit: fc.oneof(tricky, codePoint), maxLength: 8 }),
  )
  .filter((key) => key !== '__proto__');

const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1e21, -2.5e22, Number.MAX_SAFE_INTEGER),
);
// Forms hcl2json returns as "${<text>}"; templates and literals would come back evaluated.
const expression = fc
  .constantFrom('var.x', 'local.y_z', 'var.list[0]', 'upper(var.name)', 'var.a ? 1 : 2')
  .map(HclExpression.of);

const { value } = fc.letrec<{ value: HclValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3, depthIdentifier: 'value' },
    stringValue,
    number,
    fc.boolean(),
    fc.constant(null),
    expression,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(objectKey, tie('value'), { maxKeys: 4 }),
  ),
}));

/** Block types with a fixed label count each: hcl2json nests labels as keys, so mixing counts would clash. */
const BLOCK_LABELS: Readonly<Record<string, number>> = { config: 0, job: 1, target: 2 };
const label = fc.oneof(text, identifier).filter((l) => l !== '__proto__');

const attributeNode: fc.Arbitrary<HclAttribute> = fc
  .tuple(
    identifier.filter((name) => !(name in BLOCK_LABELS) && name !== '__proto__'),
    value,
  )
  .map(([name, v]) => attribute(name, v));

const { body } = fc.letrec<{ body: HclBody; block: HclBlock }>((tie) => ({
  body: fc
    .array(fc.oneof({ depthSize: 'small', maxDepth: 3, depthIdentifier: 'body' }, attributeNode, tie('block')), {
      maxLength: 5,
    })
    // A body may set each attribute once.
    .map((items) =>
      items.filter(
        (item, i) =>
          item.kind === 'block' || items.findIndex((o) => o.kind === 'attribute' && o.name === item.name) === i,
      ),
    ),
  block: fc.oneof(
    ...Object.entries(BLOCK_LABELS).map(([type, count]) =>
      fc
        .tuple(fc.array(label, { minLength: count, maxLength: count }), tie('body'))
        .map(([labels, inner]) => block(type, labels, inner)),
    ),
  ),
}));

/**
 * A string as hcl2json returns it: HCL normalizes string literals to NFC when it parses them, and
 * Terraform-style JSON writes literal `${` and `%{` as `$${` and `%%{`.
 */
function asParsed(s: string): string {
  return s.normalize('NFC').replace(/([$%])\{/g, (_match, sigil: string) => `${sigil}${sigil}{`);
}

/**
 * The JSON hcl2json should return for `value`.
 *
 * hcl2json keeps `$${` and `%%{` as written in strings and object keys, but decodes block labels,
 * so escaping is applied here, where the structure is known, rather than undone on its output.
 */
function expectedValue(v: HclValue): unknown {
  if (typeof v === 'string') {
    return asParsed(v);
  }
  if (typeof v === 'number') {
    return Object.is(v, -0) ? 0 : v;
  }
  if (v === null || typeof v === 'boolean') {
    return v;
  }
  if (v instanceof HclExpression) {
    return `\${${v.text}}`;
  }
  if (Array.isArray(v)) {
    return v.map(expectedValue);
  }
  return Object.fromEntries(Object.entries(v).map(([k, item]) => [asParsed(k), expectedValue(item)]));
}

/** hcl2json's shape: blocks become arrays under their type, nested under one object key per label. */
function expectedBody(items: HclBody): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    if (item.kind === 'attribute') {
      out[item.name] = expectedValue(item.value);
      continue;
    }
    // Unlike strings, labels come back as written: HCL does not normalize them.
    const keys = [item.type, ...item.labels];
    let node = out;
    for (const key of keys.slice(0, -1)) {
      // hasOwn: a label may be "valueOf" or "constructor".
      if (!Object.hasOwn(node, key)) {
        node[key] = {};
      }
      node = node[key] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1] as string;
    if (!Object.hasOwn(node, last)) {
      node[last] = [];
    }
    (node[last] as unknown[]).push(expectedBody(item.body));
  }
  return out;
}

describe('renderHcl', () => {
  it('renders every body as a fixed point of the formatter (nomad fmt / hclwrite), the same bytes each time', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (generated) => {
        const hcl = renderHcl(generated);
        expect(renderHcl(generated)).toBe(hcl);
        expect(await format(hcl)).toBe(hcl);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('renders every body so that HCL parses it back to the same structure and values', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (generated) => {
        const parsed = await parse('generated.hcl', renderHcl(generated));
        expect(parsed).toEqual(expectedBody(generated));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
