import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Job } from '../../src';
import { encodeStruct } from '../../src/render/api-json';
import * as S from '../../src/schema/structs';
import { missesAgainst } from '../conformance/support';
import { sharedPath } from '../support/shared';

/** HCL -> API JSON pairs that Nomad's own parser produced (shared/conformance, beside the repository in CI). */
const pairsDir = sharedPath('conformance/pairs');
const pairs = readdirSync(pairsDir)
  .filter((file) => file.endsWith('.expected.json'))
  .map((file) => file.replace('.expected.json', ''))
  .sort();

/** The fixtures are sparse: a null stands for an unset field (conformance README). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

describe('API JSON of the conformance jobs', () => {
  it('has the 39 pairs', () => {
    expect(pairs.length).toBe(39);
  });

  it.each(pairs)("%s: Nomad's parser output reads into the model and encodes back unchanged", (name) => {
    const expected = JSON.parse(readFileSync(join(pairsDir, `${name}.expected.json`), 'utf8')) as {
      Job: Record<string, unknown>;
    };
    const job = Job.fromApiJson(expected);
    // Encoded without validation: some parser fixtures are partial jobs Nomad's server would reject.
    const encoded = encodeStruct(S.Job, job.props as unknown as Record<string, unknown>, '');
    // Go zero values read as unset (conformance README: an expected zero matches an absent key), nothing else.
    expect(missesAgainst(expected.Job, { Name: encoded.ID, ...encoded })).toEqual([]);
    expect(missesAgainst({ Name: encoded.ID, ...encoded }, withoutNulls(expected.Job))).toEqual([]);
  });

  it.each(pairs)('%s: every field lands in a modeled field, none in raw', (name) => {
    const expected = JSON.parse(readFileSync(join(pairsDir, `${name}.expected.json`), 'utf8')) as {
      Job: Record<string, unknown>;
    };
    const raws: string[] = [];
    const collect = (value: unknown, path: string) => {
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          collect(item, `${path}[${i}]`);
        });
      } else if (value && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          if (key === 'raw') raws.push(`${path}.raw: ${JSON.stringify(child)}`);
          else if (!['config', 'policy', 'meta', 'env', 'options', 'headers', 'header'].includes(key))
            collect(child, `${path}.${key}`);
        }
      }
    };
    collect(Job.fromApiJson(expected).props, 'job');
    // basic.hcl sets consul_token / vault_token, which current Nomad has removed (conformance README).
    const allowed = name === 'basic' ? raws.filter((r) => !/ConsulToken|VaultToken/.test(r)) : raws;
    expect(allowed).toEqual([]);
  });
});
