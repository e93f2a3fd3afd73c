import type { typescript } from 'projen';
import type { Root } from './root';
import { VERSIONS } from './versions';
import { createWorkspacePackage } from './workspace';

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
    // `npm start` synthesizes the reference app and runs cdk-nag on it in-process.
    deps: [
      `aws-cdk-lib@${VERSIONS.awsCdkLib}`,
      `constructs@${VERSIONS.constructs}`,
      `cdk-nag@${VERSIONS.cdkNag}`,
      // `nomad-e2e verify` and `destroy`: the stack's outputs, the Nomad token, ECR scans, the trainer's
      // outputs, the load balancer's deletion protection and what a deleted stack retains.
      '@aws-sdk/client-cloudformation@3.1169.0',
      '@aws-sdk/client-secrets-manager@3.1162.0',
      '@aws-sdk/client-ecr@3.1169.0',
      '@aws-sdk/client-s3@3.1169.0',
      '@aws-sdk/client-elastic-load-balancing-v2@3.1142.0',
    ],
    // The operator's command: cost, deploy, verify, destroy (src/cli/main.ts).
    bin: { 'nomad-e2e': { module: 'lib/cli/main.js', run: 'main' } },
    devDeps: [
      'yaml@2.9.1',
      'aws-sdk-client-mock@4.1.0',
      // The integ test's verifier function finds the servers by tag (bundled, see the bundle task).
      '@aws-sdk/client-ec2@3.1169.0',
      'esbuild@0.28.2',
      // The CDK CLI (`cdk deploy` with credentials) and the snapshot tests of the reference stack.
      `aws-cdk@${VERSIONS.awsCdkCli}`,
      `@aws-cdk/integ-runner@${VERSIONS.integRunner}`,
      `@aws-cdk/integ-tests-alpha@${VERSIONS.integTestsAlpha}`,
    ],
    // The workspace tests run nx, projen, npm and changesets in temporary repositories. The timeout only
    // catches a hang: on a saturated 2-core machine the nested `nx affected` run alone took 15 minutes.
    testTimeoutMs: 3_600_000,
    // Most of the time goes to child processes (npm, nx, tsc, cdk): two files at once use both CPUs of a
    // small machine.
    vitest: {
      maxWorkers: 2,
      startFirst: ['test/workspace/fresh-clone.test.ts', 'test/consumer/consumer.test.ts'],
    },
  });

  // `npm start` at the root: synthesize the reference app, run cdk-nag and print a summary.
  project.addTask('start', {
    description: 'Synthesize the reference app, run cdk-nag (AwsSolutions) and print a summary',
    exec: 'node lib/main.js',
  });
  const integ = 'integ-runner --directory test/integ --language typescript --app "tsx {filePath}"';
  project.addTask('integ', {
    description: 'Verify the committed integ snapshots against a fresh synthesis (deploys nothing)',
    exec: integ,
  });
  project.addTask('integ:update', {
    description: 'Rewrite the integ snapshots from a fresh synthesis (deploys nothing); commit the result',
    exec: `${integ} --dry-run --update-on-failed`,
  });
  // Times compiled apps (lib/synth-scenario.js): run it as `npx nx run @org/e2e:bench`, which compiles first.
  project.addTask('bench', {
    description: 'Synth wall time and peak memory: reference app vs an empty app, and 1/10/50 client pools',
    exec: 'tsx bin/bench-synth.ts',
  });
  // The app entry point and the benchmark (bin/) are type-checked with the tests, as the integ tests are.
  project.tsconfigDev.addInclude('../bin/**/*.ts');
  // The integ test's in-VPC verifier (src/verify/verifier-handler.ts), bundled with its AWS SDK clients
  // and @org/jobspec-builder's Nomad client, as @org/nomad-constructs bundles its handlers (whose HCL
  // parser stub it borrows: the verifier never parses HCL). Deterministic, so the integ snapshot's hash is stable.
  const bundle = project.addTask('bundle', {
    description: 'Bundle the integ verifier function with esbuild into lib/verifier/index.js',
    exec: [
      'esbuild src/verify/verifier-handler.ts --bundle --platform=node --target=node20 --format=cjs',
      '--main-fields=module,main --minify --keep-names --legal-comments=none --log-level=warning',
      '--outfile=lib/verifier/index.js',
      '--alias:@cdktn/hcl2json=../nomad-constructs/src/handlers/bundling/hcl2json-stub',
      '--log-override:require-resolve-not-external=silent',
    ].join(' '),
  });
  project.compileTask.spawn(bundle);
  // integ-runner's working directories.
  project.gitignore.exclude('cdk-integ.out.*/');

  // The workspace tests read files outside this package: make them part of its test hash.
  project.package.addField('nx', {
    targets: {
      test: {
        // The CLI tests run `cdk synth`, whose app (cdk.json) is this package's compiled lib/app.js.
        dependsOn: ['^compile', 'compile'],
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
      bench: { dependsOn: ['compile'] },
      // The verifier bundles @org/jobspec-builder's compiled client.
      bundle: { dependsOn: ['^compile'] },
    },
  });
  return project;
}
