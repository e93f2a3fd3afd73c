import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AnyStruct, Field } from '../../src/schema/dsl';
import { UNMODELED_API_FIELDS } from '../../src/schema/read-only-fields';
import * as structs from '../../src/schema/structs';
import { sharedPath } from '../support/shared';

/** Nomad's API job structs with their HCL names, from shared/docs (beside the repository in CI). */
const structsFile = sharedPath('docs/nomad-api-structs.json');

interface GoField {
  readonly name: string;
  readonly type: string;
  readonly hcl?: string;
}

const nomad = JSON.parse(readFileSync(structsFile, 'utf8')) as { structs: Record<string, GoField[]> };

/** Job and every struct reachable from it, by Go name. */
function reachableFromJob(): string[] {
  const seen = new Set<string>();
  const stack = ['Job'];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name) || !nomad.structs[name]) continue;
    seen.add(name);
    for (const field of nomad.structs[name] ?? []) {
      for (const ref of field.type.match(/[A-Z]\w+/g) ?? []) stack.push(ref);
    }
  }
  return [...seen].sort();
}

const modeled = new Map<string, AnyStruct>(
  Object.values(structs)
    .filter((value): value is AnyStruct => typeof value === 'object' && value !== null && 'fields' in value)
    .map((s) => [s.name, s]),
);

describe('the job model', () => {
  it('reads the struct list from shared/docs', () => {
    expect(existsSync(structsFile)).toBe(true);
    expect(reachableFromJob().length).toBeGreaterThan(60);
  });

  it.each(reachableFromJob())('represents every field of %s, or excludes it with a reason', (name) => {
    const struct = modeled.get(name);
    expect(struct, `no struct models ${name}`).toBeDefined();
    const fields = Object.values((struct as AnyStruct).fields as Record<string, Field>);
    const represented = new Set([...fields.map((f) => f.api), ...((struct as AnyStruct).hooks.apiKeys ?? [])]);
    const excluded = UNMODELED_API_FIELDS[name] ?? {};
    const missing = (nomad.structs[name] ?? [])
      .map((f) => f.name)
      .filter((api) => !represented.has(api) && !(api in excluded));
    expect(missing, `fields of ${name} the model cannot represent`).toEqual([]);
  });

  it.each(reachableFromJob())('gives %s fields their HCL names as Nomad declares them', (name) => {
    const struct = modeled.get(name) as AnyStruct;
    for (const goField of nomad.structs[name] ?? []) {
      const [hclName, ...flags] = (goField.hcl ?? '-').split(',');
      const ours = Object.values(struct.fields as Record<string, Field>).find((f) => f.api === goField.name);
      if (!ours || hclName === '-') continue;
      // jobspec2 takes the job ID from the label (`job "web"`); the `id` attribute only overrides it.
      const isLabel = flags.includes('label') || (name === 'Job' && goField.name === 'ID');
      if (isLabel) {
        expect(ours.label, `${name}.${goField.name} is a block label`).toBe(true);
      } else {
        expect(ours.hcl, `${name}.${goField.name}`).toBe(hclName);
      }
    }
  });

  it('excludes only fields that exist, so the exclusion list cannot go stale', () => {
    for (const [name, fields] of Object.entries(UNMODELED_API_FIELDS)) {
      const goNames = (nomad.structs[name] ?? []).map((f) => f.name);
      expect(goNames, name).toEqual(expect.arrayContaining(Object.keys(fields)));
    }
  });
});
