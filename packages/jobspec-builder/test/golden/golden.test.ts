import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from '@cdktn/hcl-tools';
import { parse } from '@cdktn/hcl2json';
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

  it.each(Object.keys(goldenJobs))(
    "%s is formatted as `nomad fmt` leaves it and parses with HashiCorp's parser",
    async (name) => {
      const hcl = readFileSync(join(__dirname, `${name}.nomad.hcl`), 'utf8');
      expect(await format(hcl)).toBe(hcl);
      const parsed = (await parse(`${name}.nomad.hcl`, hcl)) as { job: Record<string, unknown> };
      expect(Object.keys(parsed.job)).toEqual([String(goldenJobs[name]?.props.id)]);
    },
  );
});
