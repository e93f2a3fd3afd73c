/**
 * Writes the files generated from Nomad's API structs (shared/docs/nomad-api-structs.json, beside the
 * repository) and from the schema table: run with `npx projen generate`; test/schema/generated.test.ts fails when
 * they drift.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goValueFieldsSource, propsSource } from './tables';

const root = join(__dirname, '..');
writeFileSync(join(root, 'src/schema/go-value-fields.generated.ts'), goValueFieldsSource());
writeFileSync(join(root, 'src/props.generated.ts'), propsSource());
