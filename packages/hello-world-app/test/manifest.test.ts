import { describe, expect, it } from 'vitest';
import manifest from '../package.json';

describe('@org/hello-world-app package', () => {
  it('ships the hello-world-app command', () => {
    expect(manifest.bin).toEqual({ 'hello-world-app': 'bin/hello-world-app' });
  });

  it('exports the server and, separately, the Nomad job', () => {
    expect(Object.keys(manifest.exports)).toEqual(['.', './job', './package.json']);
  });

  it('ships the rendered job files', () => {
    expect(manifest.files).toEqual(expect.arrayContaining(['lib', 'hello-world.nomad.hcl', 'hello-world.api.json']));
  });

  it('takes @org/jobspec-builder from this workspace as an optional dependency, for the job only', () => {
    expect(manifest.optionalDependencies['@org/jobspec-builder']).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(manifest.dependencies).not.toHaveProperty('@org/jobspec-builder');
  });
});
