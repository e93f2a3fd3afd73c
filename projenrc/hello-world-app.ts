import type { javascript, typescript } from 'projen';
import { createWorkspacePackage } from './workspace';

/** `@org/hello-world-app`: the sample web service and its Nomad job. */
export function helloWorldApp(
  root: javascript.NodeProject,
  jobspecBuilder: typescript.TypeScriptProject,
): typescript.TypeScriptProject {
  return createWorkspacePackage(root, {
    dirName: 'hello-world-app',
    description: 'Sample production-grade web service for Nomad, with its container image and Nomad job.',
    workspaceDeps: [jobspecBuilder],
  });
}
