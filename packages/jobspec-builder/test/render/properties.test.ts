import { format } from '@cdktn/hcl-tools';
import { parse } from '@cdktn/hcl2json';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Job, JobspecError } from '../../src';
import { block, renderHcl } from '../../src/hcl';
import { decodeHclBody, type HclJsonBody } from '../../src/import/hcl-json';
import { decodeStruct, encodeStruct } from '../../src/render/api-json';
import { structBody } from '../../src/render/hcl';
import type { AnyStruct, Field } from '../../src/schema/dsl';
import * as S from '../../src/schema/structs';
import { anyJobProps } from '../support/arbitraries';

// Random jobs over the whole model (every struct, every field kind), see test/support/arbitraries.ts.
describe('the API JSON codec', () => {
  it('reads back exactly what it wrote, for jobs using any field of the model', () => {
    fc.assert(
      fc.property(anyJobProps, (props) => {
        const api = encodeStruct(S.Job, props, '');
        expect(decodeStruct(S.Job, JSON.parse(JSON.stringify(api)))).toEqual(props);
        expect(Job.fromApiJson({ Job: api }).props).toEqual(props);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the HCL rendering', () => {
  it("is formatted as `nomad fmt` would, and HashiCorp's parser reads back the model's structure and values", async () => {
    const samples = fc.sample(anyJobProps, { numRuns: 60, seed: 42 });
    for (const props of samples) {
      const hcl = renderHcl([block('job', [String(props.id)], structBody(S.Job, props, ''))]);
      expect(await format(hcl)).toBe(hcl);
      // Labeled blocks come back as objects keyed by label: `{"job": {"id": [{"group": {"web": [...]}}]}}`.
      const parsed = (await parse('job.nomad.hcl', hcl)) as { job: Record<string, HclJsonBody[]> };
      expect(Object.keys(parsed.job)).toEqual([String(props.id)]);
      const body = parsed.job[String(props.id)]?.[0] as HclJsonBody;
      const read = { id: String(props.id), ...decodeHclBody(S.Job, body) };
      expect(canonical(S.Job, read), hcl).toEqual(canonical(S.Job, props));
    }
  });
});

/**
 * What HCL can tell apart: hcl2json orders labeled blocks by label (a Go map),
 * and an empty list of blocks is no block at all.
 */
function canonical(struct: AnyStruct, props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [prop, value] of Object.entries(props)) {
    const field = struct.fields[prop] as Field | undefined;
    const kind = field?.type.kind;
    if (field && (kind === 'list' || kind === 'map' || kind === 'struct')) {
      const nested = (field.type as { struct: () => AnyStruct }).struct();
      if (kind === 'struct') {
        out[prop] = canonical(nested, value as Record<string, unknown>);
        continue;
      }
      if (kind === 'map') {
        const entries = Object.entries(value as Record<string, Record<string, unknown>>);
        if (entries.length > 0) out[prop] = Object.fromEntries(entries.map(([k, v]) => [k, canonical(nested, v)]));
        continue;
      }
      const items = (value as Record<string, unknown>[]).map((item) => canonical(nested, item));
      if (items.length === 0) continue;
      const labelProp = field.hclLabel?.prop ?? nested.label?.[0];
      if (labelProp) {
        const labelOf = (item: Record<string, unknown>) =>
          field.hclLabel ? field.hclLabel.toLabel(item[labelProp]) : String(item[labelProp]);
        items.sort((a, b) => (labelOf(a) < labelOf(b) ? -1 : labelOf(a) > labelOf(b) ? 1 : 0));
      }
      out[prop] = items;
      continue;
    }
    out[prop] = value;
  }
  return out;
}

describe('validation', () => {
  it('answers random input with JobspecIssues that have a code and a path, never a crash', () => {
    const garbage = fc.anything({ maxDepth: 3, withObjectString: true, withNullPrototype: false });
    fc.assert(
      fc.property(
        fc.record(
          {
            id: fc.oneof(fc.string(), garbage),
            groups: fc.oneof(garbage, fc.array(garbage, { maxLength: 2 })),
            type: garbage,
          },
          { requiredKeys: [] },
        ),
        (input) => {
          const job = new Job(input as never);
          const issues = job.validate();
          for (const issue of issues) {
            expect(typeof issue.code).toBe('string');
            expect(typeof issue.path).toBe('string');
            expect(issue.message.length).toBeGreaterThan(0);
          }
          if (issues.length > 0) expect(() => job.toApiJson()).toThrow(JobspecError);
        },
      ),
      { numRuns: 300 },
    );
  });
});
