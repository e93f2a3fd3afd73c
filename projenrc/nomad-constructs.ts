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
    // zod validates the agent configuration model before it is rendered to HCL.
    deps: [`zod@${VERSIONS.zod}`],
    // Users bring their own aws-cdk-lib and constructs: a range they can meet, exact pins for our own builds.
    peerDeps: [`aws-cdk-lib@${VERSIONS.awsCdkLibPeerRange}`, `constructs@${VERSIONS.constructsPeerRange}`],
    // HashiCorp's HCL parser and formatter (WASM builds) check every rendered agent configuration.
    devDeps: [
      `aws-cdk-lib@${VERSIONS.awsCdkLib}`,
      `constructs@${VERSIONS.constructs}`,
      '@cdktn/hcl2json@0.24.0',
      '@cdktn/hcl-tools@0.24.0',
    ],
    // The instance scripts are read at synth time, relative to the compiled module: they ship in the tarball.
    extraFiles: ['assets'],
    testTimeoutMs: 60_000,
  });
  // The README examples are complete CDK apps: type-check them with the tests (the README embeds them).
  project.tsconfigDev.addInclude('../examples/**/*.ts');
  return project;
}
