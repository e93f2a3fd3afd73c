import type { typescript } from 'projen';
import type { Root } from './root';
import { createWorkspacePackage } from './workspace';

/** `@org/hello-world-app`: the sample web service and its Nomad job. */
export function helloWorldApp(root: Root, jobspecBuilder: typescript.TypeScriptProject): typescript.TypeScriptProject {
  return createWorkspacePackage(root, {
    dirName: 'hello-world-app',
    description: 'Sample production-grade web service for Nomad, with its container image and Nomad job.',
    workspaceDeps: [jobspecBuilder],
  });
}
