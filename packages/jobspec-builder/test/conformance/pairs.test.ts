import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as S from '../../src/schema/structs';
import { unknownKeys } from '../support/api-keys';
import { cli, missesAgainst, PAIRS_DIR, pairNames, readText } from './support';

// `basic.hcl` sets consul_token and vault_token, which current Nomad removed (conformance README).
const REMOVED_FIELDS: Record<string, { lines: RegExp; keys: string[] }> = {
  basic: { lines: /^\s*(consul_token|vault_token)\s*=.*$/gm, keys: ['ConsulToken', 'VaultToken'] },
};

function withoutKeys(value: unknown, keys: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutKeys(item, keys));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !keys.includes(key))
        .map(([key, item]) => [key, withoutKeys(item, keys)]),
    );
  }
  return value;
}

const results: { name: string; misses: string[] }[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'jobspec-pairs-'));

describe("`jobspec convert --to api-json` against Nomad's parser", () => {
  it('has the 39 pairs', () => {
    expect(pairNames).toHaveLength(39);
  });

  it.each(pairNames)('%s', async (name) => {
    let hclPath = join(PAIRS_DIR, `${name}.hcl`);
    let expected = JSON.parse(readText(join(PAIRS_DIR, `${name}.expected.json`))) as { Job: unknown };
    const removed = REMOVED_FIELDS[name];
    if (removed) {
      hclPath = join(scratch, `${name}.hcl`);
      writeFileSync(hclPath, readText(join(PAIRS_DIR, `${name}.hcl`)).replace(removed.lines, ''));
      expected = withoutKeys(expected, removed.keys) as { Job: unknown };
    }
    const { code, stdout, stderr } = await cli(['convert', hclPath, '--to', 'api-json']);
    const misses = code === 0 ? [] : [`exit ${code}: ${stderr}`];
    if (code === 0) {
      const actual = JSON.parse(stdout) as { Job: Record<string, unknown> };
      misses.push(...missesAgainst(expected.Job, actual.Job));
      misses.push(...unknownKeys(S.Job, actual.Job, 'Job').map((key) => `${key}: not a Nomad API field`));
    }
    results.push({ name, misses });
    expect(misses).toEqual([]);
  });

  afterAll(() => {
    const passed = results.filter((r) => r.misses.length === 0).length;
    const lines = results.filter((r) => r.misses.length > 0).map((r) => `  ${r.name}: ${r.misses.join('; ')}`);
    console.log(`conformance pairs: ${passed}/${results.length} match Nomad's parser output\n${lines.join('\n')}`);
  });
});
