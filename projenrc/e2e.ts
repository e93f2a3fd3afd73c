import type { typescript } from 'projen';
import type { Root } from './root';
import { createWorkspacePackage, VERSIONS } from './workspace';

/**
 * `@org/e2e` (private): the reference CDK app that deploys every package, and
 * the tests that verify it and the workspace itself.
 */
export function e2e(root: Root, published: typescript.TypeScriptProject[]): typescript.TypeScriptProject {
  const project = createWorkspacePackage(root, {
    dirName: 'e2e',
    description: 'Reference deployment of Nomad on AWS and the end-to-end tests of this repository.',
    private: true,
    workspaceDeps: published,
    deps: [`aws-cdk-lib@${VERSIONS.awsCdkLib}`, `constructs@${VERSIONS.constructs}`],
    devDeps: ['yaml@2.9.1'],
    // The workspace tests run nx, projen, npm and changesets in temporary repositories.
    testTimeoutMs: 600_000,
  });

  // `npm start` at the root: build every package and report what was built.
  project.addTask('start', {
    description: 'Build every package and print what was built',
    exec: 'node lib/main.js',
  });

  // The workspace tests read files outside this package: make them part of its test hash.
  project.package.addField('nx', {
    targets: {
      test: {
        inputs: [
          'default',
          '^production',
          '{workspaceRoot}/.projenrc.ts',
          '{workspaceRoot}/projenrc/**/*',
          '{workspaceRoot}/nx.json',
          '{workspaceRoot}/package.json',
          '{workspaceRoot}/package-lock.json',
          '{workspaceRoot}/README.md',
          '{workspaceRoot}/.changeset/config.json',
          '{workspaceRoot}/.github/workflows/*',
          '{workspaceRoot}/.ci/*',
        ],
      },
      start: { dependsOn: ['compile'] },
    },
  });
  return project;
}
