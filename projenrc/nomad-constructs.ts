import type { typescript } from 'projen';
import type { Root } from './root';
import { createWorkspacePackage, VERSIONS } from './workspace';

/** `@org/nomad-constructs`: AWS CDK constructs for a production Nomad cluster. */
export function nomadConstructs(
  root: Root,
  jobspecBuilder: typescript.TypeScriptProject,
): typescript.TypeScriptProject {
  const project = createWorkspacePackage(root, {
    dirName: 'nomad-constructs',
    description: 'AWS CDK constructs for a secure, production HashiCorp Nomad cluster on AWS.',
    workspaceDeps: [jobspecBuilder],
    // Users bring their own aws-cdk-lib and constructs: a range they can meet, exact pins for our own builds.
    peerDeps: [`aws-cdk-lib@${VERSIONS.awsCdkLibPeerRange}`, `constructs@${VERSIONS.constructsPeerRange}`],
    devDeps: [`aws-cdk-lib@${VERSIONS.awsCdkLib}`, `constructs@${VERSIONS.constructs}`],
  });
  return project;
}
