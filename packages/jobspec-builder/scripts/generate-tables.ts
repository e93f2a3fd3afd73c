/**
 * Writes the tables generated from Nomad's API structs (shared/docs/nomad-api-structs.json, beside the
 * repository): run with `npx projen generate`; test/schema/generated.test.ts fails when they drift.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goValueFieldsSource } from './tables';

const root = join(__dirname, '..');
writeFileSync(join(root, 'src/schema/go-value-fields.generated.ts'), goValueFieldsSource());
