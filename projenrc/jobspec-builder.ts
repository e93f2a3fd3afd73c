import type { javascript, typescript } from 'projen';
import { createWorkspacePackage } from './workspace';

/** `@org/jobspec-builder`: typed Nomad jobs rendered to HCL and API JSON, plus the Nomad API client. */
export function jobspecBuilder(root: javascript.NodeProject): typescript.TypeScriptProject {
  return createWorkspacePackage(root, {
    dirName: 'jobspec-builder',
    description: 'Typed Nomad job specifications for TypeScript: build, validate, and render HCL or API JSON.',
  });
}
