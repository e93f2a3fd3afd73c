import type { typescript } from 'projen';
import type { Root } from './root';
import { createWorkspacePackage } from './workspace';

/** `@org/trainer`: the sample ML training CLI and its parameterized Nomad batch job. */
export function trainer(root: Root, jobspecBuilder: typescript.TypeScriptProject): typescript.TypeScriptProject {
  return createWorkspacePackage(root, {
    dirName: 'trainer',
    description: 'Sample ML training job for Nomad: a training CLI, its container image and parameterized batch job.',
    workspaceDeps: [jobspecBuilder],
  });
}
