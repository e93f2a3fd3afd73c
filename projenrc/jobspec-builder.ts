import type { typescript } from 'projen';
import type { Root } from './root';
import { VERSIONS } from './versions';
import { createWorkspacePackage } from './workspace';

/** `@org/jobspec-builder`: typed Nomad jobs rendered to HCL and API JSON, plus the Nomad API client. */
export function jobspecBuilder(root: Root): typescript.TypeScriptProject {
  const project = createWorkspacePackage(root, {
    dirName: 'jobspec-builder',
    description: 'Typed Nomad job specifications for TypeScript: build, validate, and render HCL or API JSON.',
    // HashiCorp's HCL parser (WASM build) reads jobspecs for import; yaml backs yamldecode(), bcryptjs bcrypt(),
    // re2js (RE2's linear-time engine, as Go's regexp) regex_replace().
    deps: [`zod@^${VERSIONS.zod}`, '@cdktn/hcl2json@^0.24.0', 'yaml@^2.9.1', 'bcryptjs@^3.0.3', 're2js@^2.10.0'],
    // HashiCorp's formatter (WASM build) proves the rendered HCL; fast-check generates jobs; aws-cdk-lib proves that
    // its Duration and Size are accepted in CDK apps.
    devDeps: [
      '@cdktn/hcl-tools@0.24.0',
      'fast-check@4.10.2',
      `aws-cdk-lib@${VERSIONS.awsCdkLib}`,
      `constructs@${VERSIONS.constructs}`,
    ],
    bin: { jobspec: 'lib/cli/main.js' },
    // './client': the Nomad HTTP client alone, without the job model (the nomad-constructs Lambda handlers bundle it).
    subpathExports: { './hcl': 'hcl/index', './client': 'client/index' },
  });
  project.addTask('bench', {
    description:
      'Render throughput for a median-size job, corpus import time vs the bare HCL parse, and import time of hostile ' +
      'jobspecs as they grow (prints figures)',
    steps: [
      { exec: 'node bench/render.bench.mjs' },
      { exec: 'node bench/import.bench.mjs' },
      { exec: 'node bench/hostile.bench.mjs' },
    ],
  });
  project.addTask('fuzz', {
    description:
      'Long fuzz run: 2,000 mutants of the conformance corpus through validate, convert and import, in child ' +
      'processes; prints a summary (0 internal errors, 0 process deaths, 0 runs over 10 s)',
    exec: 'tsx test/fuzz/fuzz.ts --mutants 2000 --seed 17',
  });
  project.addTask('conformance', {
    description:
      "Check import and rendering against Nomad's own parser outputs in ../shared/conformance (prints a report)",
    exec: 'vitest run test/conformance',
  });
  project.addTask('generate', {
    description:
      "Regenerate the tables generated from Nomad's API structs (../shared/docs) and the schema (src/**/*.generated.ts)",
    exec: 'tsx scripts/generate-tables.ts',
  });
  project.addTask('golden', {
    description: 'Regenerate the golden files in test/golden/ from the example jobs',
    exec: 'tsx test/golden/regenerate.ts',
  });
  return project;
}
