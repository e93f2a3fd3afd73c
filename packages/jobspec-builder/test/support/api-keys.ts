import { readFileSync } from 'node:fs';
import type { AnyStruct, Field } from '../../src/schema/dsl';
import { sharedPath } from './shared';

/** Nomad's API job structs (shared/docs, beside the repository in CI). */
const nomad = JSON.parse(readFileSync(sharedPath('docs/nomad-api-structs.json'), 'utf8')) as {
  structs: Record<string, { name: string }[]>;
};

/** Keys of `api` that are not fields of the Go struct `struct`, recursing into nested structs (not free-form maps). */
export function unknownKeys(struct: AnyStruct, api: Record<string, unknown>, path: string): string[] {
  const listed = nomad.structs[struct.name];
  // TaskSchedule (Enterprise) is not in the struct list; the model follows Nomad's api/tasks.go for it.
  if (!listed) return [];
  const goFields = new Set(listed.map((f) => f.name));
  const byApi = new Map(Object.values(struct.fields as Record<string, Field>).map((f) => [f.api, f]));
  return Object.entries(api).flatMap(([key, value]) => {
    const at = `${path}.${key}`;
    if (!goFields.has(key)) return [at];
    // Keys the hooks write (ReservedPorts, Identity, SpecType) hold structs of the same kind as their modeled twin.
    const field =
      byApi.get(key) ?? byApi.get(key === 'ReservedPorts' ? 'DynamicPorts' : key === 'Identity' ? 'Identities' : '');
    const type = field?.type;
    if (!type || value === null || typeof value !== 'object') return [];
    if (type.kind === 'struct') return unknownKeys(type.struct(), value as Record<string, unknown>, at);
    if (type.kind === 'list' && Array.isArray(value)) {
      return value.flatMap((item, i) => unknownKeys(type.struct(), item as Record<string, unknown>, `${at}[${i}]`));
    }
    if (type.kind === 'list') return unknownKeys(type.struct(), value as Record<string, unknown>, at);
    if (type.kind === 'map') {
      return Object.entries(value).flatMap(([k, item]) =>
        unknownKeys(type.struct(), item as Record<string, unknown>, `${at}[${k}]`),
      );
    }
    return [];
  });
}
