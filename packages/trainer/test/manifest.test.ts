import { describe, expect, it } from 'vitest';
import manifest from '../package.json';

describe('@org/trainer package', () => {
  it('defines its Nomad job with @org/jobspec-builder from this workspace', () => {
    expect(manifest.dependencies['@org/jobspec-builder']).toMatch(/^\^\d+\.\d+\.\d+$/);
  });
});
