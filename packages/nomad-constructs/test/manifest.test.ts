import { describe, expect, it } from 'vitest';
import manifest from '../package.json';

describe('@org/nomad-constructs package', () => {
  it('takes aws-cdk-lib and constructs from the user as peers, with a range our own pins satisfy', () => {
    expect(manifest.peerDependencies).toEqual({ 'aws-cdk-lib': '^2.257.0', constructs: '^10.0.0' });
    expect(manifest.devDependencies['aws-cdk-lib']).toBe('2.257.0');
    expect(manifest.devDependencies.constructs).toMatch(/^10\.\d+\.\d+$/);
    expect(manifest.dependencies).not.toHaveProperty('aws-cdk-lib');
  });

  it('deploys jobs built with @org/jobspec-builder', () => {
    expect(manifest.dependencies['@org/jobspec-builder']).toMatch(/^\^\d+\.\d+\.\d+$/);
  });
});
