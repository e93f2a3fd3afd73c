import type { typescript } from 'projen';
import type { Root } from './root';
import { createWorkspacePackage } from './workspace';

/** `@org/jobspec-builder`: typed Nomad jobs rendered to HCL and API JSON, plus the Nomad API client. */
export function jobspecBuilder(root: Root): typescript.TypeScriptProject {
  return createWorkspacePackage(root, {
    dirName: 'jobspec-builder',
    description: 'Typed Nomad job specifications for TypeScript: build, validate, and render HCL or API JSON.',
  });
}
