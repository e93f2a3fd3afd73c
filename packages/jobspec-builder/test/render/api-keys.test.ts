import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeStruct } from '../../src/render/api-json';
import * as S from '../../src/schema/structs';
import { goldenJobs } from '../golden/jobs';
import { unknownKeys } from '../support/api-keys';
import { anyJobProps } from '../support/arbitraries';

describe('toApiJson', () => {
  it.each(Object.keys(goldenJobs))('emits only real Nomad API fields for the golden job %s', (name) => {
    const api = goldenJobs[name]?.toApiJson().Job as Record<string, unknown>;
    expect(unknownKeys(S.Job, api, 'Job')).toEqual([]);
  });

  it('emits only real Nomad API fields for random jobs over the whole model', () => {
    fc.assert(
      fc.property(anyJobProps, (props) => {
        expect(unknownKeys(S.Job, encodeStruct(S.Job, props, ''), 'Job')).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});
