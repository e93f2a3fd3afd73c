import { describe, expect, it } from 'vitest';
import manifest from '../package.json';

describe('@org/jobspec-builder package', () => {
  it('is usable outside CDK apps: no runtime dependency on aws-cdk-lib or constructs', () => {
    const runtime = { ...manifest.dependencies, ...manifest.peerDependencies };
    expect(Object.keys(runtime)).not.toContain('aws-cdk-lib');
    expect(Object.keys(runtime)).not.toContain('constructs');
  });

  it('resolves types before code for every entry point', () => {
    expect(Object.keys(manifest.exports['.'])).toEqual(['types', 'default']);
  });
});
