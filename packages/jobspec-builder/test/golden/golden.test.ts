import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenJobs } from './jobs';

describe('golden files', () => {
  it.each(Object.keys(goldenJobs))(
    '%s renders exactly the committed HCL and API JSON (regenerate with `npx projen golden`)',
    (name) => {
      const job = goldenJobs[name];
      expect(job?.toHcl()).toBe(readFileSync(join(__dirname, `${name}.nomad.hcl`), 'utf8'));
      expect(`${JSON.stringify(job?.toApiJson(), null, 2)}\n`).toBe(
        readFileSync(join(__dirname, `${name}.json`), 'utf8'),
      );
    },
  );
});
