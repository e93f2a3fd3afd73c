import { format } from '@cdktn/hcl-tools';
import { parse } from '@cdktn/hcl2json';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Job, JobspecError } from '../../src';
import { block, renderHcl } from '../../src/hcl';
import { decodeStruct, encodeStruct } from '../../src/render/api-json';
import { structBody } from '../../src/render/hcl';
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
  it("is already formatted as `nomad fmt` would, and parses with HashiCorp's parser", async () => {
    const samples = fc.sample(anyJobProps, { numRuns: 40, seed: 42 });
    for (const props of samples) {
      const hcl = renderHcl([block('job', [String(props.id)], structBody(S.Job, props, ''))]);
      expect(await format(hcl)).toBe(hcl);
      // Labeled blocks come back as objects keyed by label: `{"job": {"id": [{"group": {"web": [...]}}]}}`.
      const parsed = (await parse('job.nomad.hcl', hcl)) as {
        job: Record<string, { group?: Record<string, unknown> }[]>;
      };
      const job = parsed.job[String(props.id)]?.[0];
      expect(job, `job "${String(props.id)}" in:\n${hcl}`).toBeDefined();
      const names = new Set(((props.groups ?? []) as { name: string }[]).map((g) => g.name));
      expect(Object.keys(job?.group ?? {}).sort()).toEqual([...names].sort());
    }
  });
});

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
