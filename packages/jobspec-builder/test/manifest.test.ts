import { describe, expect, it } from 'vitest';
import packageJson from '../package.json';

const manifest: {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  exports: { '.': Record<string, string> };
} = packageJson;

describe('@org/jobspec-builder package', () => {
  it('is usable outside CDK apps: no runtime dependency on aws-cdk-lib or constructs', () => {
    const runtime = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
    expect(runtime).not.toContain('aws-cdk-lib');
    expect(runtime).not.toContain('constructs');
  });

  it('resolves types before code for every entry point', () => {
    expect(Object.keys(manifest.exports['.'])).toEqual(['types', 'default']);
  });
});
