import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHcl } from '../../src';

// Random free-form bodies (driver `config`, scaling `policy`), written as HCL with labels, repeated blocks, nesting
// and object attributes, must survive HCL -> API JSON -> HCL -> API JSON unchanged.

const identifier = fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/);
const label = fc.stringMatching(/^[a-z0-9][a-z0-9 ._-]{0,6}$/);
const scalar = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.stringMatching(/^[a-z0-9 ]{0,6}$/).map((s) => JSON.stringify(s)),
  fc.boolean().map(String),
);
const attributeValue = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
  fc
    .array(fc.tuple(identifier, scalar), { maxLength: 3 })
    .map((entries) => `{ ${entries.map(([k, v]) => `${k} = ${v}`).join(', ')} }`),
);

interface Body {
  readonly attributes: readonly (readonly [string, string])[];
  readonly blocks: readonly { readonly type: string; readonly labels: readonly string[]; readonly body: Body }[];
}

/** Bodies nested at most `depth` blocks deep (3 deep at the top). */
function bodyOf(depth: number): fc.Arbitrary<Body> {
  return fc.record({
    attributes: fc.uniqueArray(fc.tuple(identifier, attributeValue), { maxLength: 3, selector: ([name]) => name }),
    blocks:
      depth === 0
        ? fc.constant([])
        : fc.array(
            fc.record({
              // A few block types, so that types repeat (with and without labels).
              type: fc.constantFrom('check', 'strategy', 'mount', 'b-1'),
              labels: fc.array(label, { maxLength: 3 }),
              body: bodyOf(depth - 1),
            }),
            { maxLength: 3 },
          ),
  });
}

const body = bodyOf(3);

/** HCL for a body; a block type never doubles as an attribute name, which HCL rejects. */
function render(b: Body, indent: string): string {
  const blockTypes = new Set(b.blocks.map((block) => block.type));
  const lines = b.attributes
    .filter(([name]) => !blockTypes.has(name))
    .map(([name, value]) => `${indent}${name} = ${value}`);
  for (const block of b.blocks) {
    const labels = block.labels.map((l) => ` ${JSON.stringify(l)}`).join('');
    lines.push(`${indent}${block.type}${labels} {`, render(block.body, `${indent}  `), `${indent}}`);
  }
  return lines.filter((line) => line !== '').join('\n');
}

function jobspec(config: Body): string {
  return `job "j" {\n  group "g" {\n    task "t" {\n      driver = "docker"\n      config {\n${render(config, '        ')}\n      }\n    }\n  }\n}\n`;
}

describe('free-form bodies', () => {
  it('survive HCL -> API JSON -> HCL -> API JSON unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (config) => {
        const first = await parseHcl(jobspec(config), { env: {} });
        const api = first.toApiJson({ validate: false });
        const hcl = first.toHcl({ validate: false });
        const second = await parseHcl(hcl, { env: {} });
        expect(second.toApiJson({ validate: false }), hcl).toEqual(api);
      }),
      { numRuns: 150 },
    );
  });
});
