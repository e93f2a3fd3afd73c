import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goValueFieldsSource } from '../../scripts/tables';

// The generated tables are committed; `npx projen generate` rewrites them from Nomad's structs and the schema.
describe('generated tables', () => {
  it('src/schema/go-value-fields.generated.ts is current (run `npx projen generate` if not)', () => {
    const committed = readFileSync(join(__dirname, '../../src/schema/go-value-fields.generated.ts'), 'utf8');
    expect(committed).toBe(goValueFieldsSource());
  });
});
