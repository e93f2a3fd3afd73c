import type { typescript } from 'projen';
import type { Root } from './root';
import { createWorkspacePackage, VERSIONS } from './workspace';

/** `@org/jobspec-builder`: typed Nomad jobs rendered to HCL and API JSON, plus the Nomad API client. */
export function jobspecBuilder(root: Root): typescript.TypeScriptProject {
  const project = createWorkspacePackage(root, {
    dirName: 'jobspec-builder',
    description: 'Typed Nomad job specifications for TypeScript: build, validate, and render HCL or API JSON.',
    deps: [`zod@${VERSIONS.zod}`],
    // HashiCorp's HCL parser and formatter (WASM builds) prove the rendered HCL; fast-check generates jobs.
    devDeps: ['@cdktn/hcl2json@0.24.0', '@cdktn/hcl-tools@0.24.0', 'fast-check@4.10.2'],
    subpathExports: { './hcl': 'hcl/index' },
  });
  project.addTask('bench', {
    description: 'Render throughput of HCL and API JSON for a median-size job (prints figures)',
    exec: 'node bench/render.bench.mjs',
  });
  project.addTask('golden', {
    description: 'Regenerate the golden files in test/golden/ from the example jobs',
    exec: 'tsx test/golden/regenerate.ts',
  });
  return project;
}
