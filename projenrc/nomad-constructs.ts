import type { typescript } from 'projen';
import type { Root } from './root';
import { VERSIONS } from './versions';
import { createWorkspacePackage } from './workspace';

/**
 * The Lambda handlers of the custom resources, bundled with esbuild into `lib/lambda/<name>/index.js`
 * when the library is built: consumers synthesize with `lambda.Code.fromAsset` and need neither
 * esbuild nor Docker nor our TypeScript sources.
 */
const LAMBDA_HANDLERS = [
  'cluster-secrets',
  'acl-bootstrap',
  'nomad-job',
  'nomad-image',
  'certificate-renewal',
  'node-drain',
  'snapshot',
  'artifact-staging',
];

/** The AWS SDK clients of the `nomad-constructs env` command: optional peer dependencies. */
const ENV_COMMAND_SDK = ['@aws-sdk/client-cloudformation', '@aws-sdk/client-secrets-manager'];

/** `@org/nomad-constructs`: AWS CDK constructs for a production Nomad cluster. */
export function nomadConstructs(
  root: Root,
  jobspecBuilder: typescript.TypeScriptProject,
): typescript.TypeScriptProject {
  const project = createWorkspacePackage(root, {
    dirName: 'nomad-constructs',
    description: 'AWS CDK constructs for a secure, production HashiCorp Nomad cluster on AWS.',
    workspaceDeps: [jobspecBuilder],
    deps: [
      // zod validates the agent configuration model before it is rendered to HCL.
      `zod@^${VERSIONS.zod}`,
    ],
    // Users bring their own aws-cdk-lib and constructs: a range they can meet, exact pins for our own builds.
    // `nomad-constructs env` reads the stack outputs and the token/CA secrets with the AWS SDK: optional
    // peers (see peerDependenciesMeta below), so that a CDK app synthesizing clusters does not install them.
    peerDeps: [
      `aws-cdk-lib@${VERSIONS.awsCdkLibPeerRange}`,
      `constructs@${VERSIONS.constructsPeerRange}`,
      ...ENV_COMMAND_SDK.map((name) => `${name}@^3.0.0`),
    ],
    devDeps: [
      `aws-cdk-lib@${VERSIONS.awsCdkLib}`,
      `constructs@${VERSIONS.constructs}`,
      // The versions in the lock file (the registry here serves no 3.1169.0 of the Secrets Manager client).
      '@aws-sdk/client-cloudformation@3.1169.0',
      '@aws-sdk/client-secrets-manager@3.1162.0',
      // The tests run cdk-nag's packs over every construct (the suppressions the constructs carry).
      `cdk-nag@${VERSIONS.cdkNag}`,
      // HashiCorp's HCL parser and formatter (WASM builds) check every rendered agent configuration.
      '@cdktn/hcl2json@0.24.0',
      '@cdktn/hcl-tools@0.24.0',
      // Bundled into the Lambda handlers at build time (never loaded by the constructs themselves).
      '@peculiar/x509@2.2.0',
      // @peculiar/x509 resolves its ASN.1 providers through tsyringe, which needs a Reflect polyfill.
      'reflect-metadata@0.2.2',
      '@aws-sdk/client-ec2@3.1169.0',
      // The NomadJob handler reads large job specs from S3; the NomadImage handler is our ECR client
      // (copies images into the app's repositories, waits for their scans).
      '@aws-sdk/client-s3@3.1169.0',
      '@aws-sdk/client-ecr@3.1169.0',
      // The drain function completes and heartbeats the pools' terminate lifecycle hooks.
      '@aws-sdk/client-auto-scaling@3.1169.0',
      // The artifact staging function checks HashiCorp's OpenPGP signature of each release's SHA256SUMS.
      'openpgp@6.3.2',
      'esbuild@0.28.2',
      'aws-sdk-client-mock@4.1.0',
      // The tests run CDK's provider framework (custom_resources.Provider) in process: its runtime
      // requires these two clients, which Lambda's Node.js runtime provides.
      '@aws-sdk/client-lambda@3.1164.0',
      '@aws-sdk/client-sfn@3.1164.0',
      // Observability: Grafana's typed SDK builds the dashboards (dashboards/, at build time only: the
      // generated JSON ships in assets/), and Prometheus's own PromQL parser checks every query's metric names.
      '@grafana/grafana-foundation-sdk@0.0.21',
      '@prometheus-io/lezer-promql@0.315.0',
    ],
    bin: { 'nomad-constructs': { module: 'lib/cli/main.js', run: 'main' } },
    // The instance scripts are read at synth time, relative to the compiled module: they ship in the tarball.
    extraFiles: ['assets'],
  });
  project.package.addField(
    'peerDependenciesMeta',
    Object.fromEntries(ENV_COMMAND_SDK.map((name) => [name, { optional: true }])),
  );
  // The README examples are complete CDK apps: type-check them with the tests (the README embeds them).
  project.tsconfigDev.addInclude('../examples/**/*.ts');
  // The Grafana dashboards are TypeScript (Grafana's SDK) rendered to assets/grafana/dashboards/*.json.
  project.tsconfigDev.addInclude('../dashboards/**/*.ts');
  project.addTask('dashboards', {
    description: 'Regenerate assets/grafana/dashboards/*.json from dashboards/*.ts (commit the result)',
    exec: 'tsx dashboards/generate.ts',
  });

  // Self-contained CommonJS bundles (AWS SDK included, so the handlers do not depend on the SDK
  // version of the Lambda runtime). Minified for the tarball's sake (the EC2 client alone is 1 MB of
  // schemas), with names kept so that stack traces in CloudWatch Logs still name the functions.
  const bundle = project.addTask('bundle', {
    description: 'Bundle the Lambda handlers with esbuild into lib/lambda/<name>/index.js',
    steps: LAMBDA_HANDLERS.map((name) => ({
      exec: [
        `esbuild src/handlers/${name}.ts --bundle --platform=node --target=node20 --format=cjs`,
        `--main-fields=module,main --minify --keep-names --legal-comments=none --log-level=warning --outfile=lib/lambda/${name}/index.js`,
        // @org/jobspec-builder's HCL importer loads a WASM file beside its module: no handler imports
        // HCL, and a stub stands in for the parser package (src/handlers/bundling/hcl2json-stub/), whose
        // subpaths are only ever resolved lazily, by code the handlers never run.
        '--alias:@cdktn/hcl2json=./src/handlers/bundling/hcl2json-stub',
        '--log-override:require-resolve-not-external=silent',
      ].join(' '),
    })),
  });
  project.compileTask.spawn(bundle);
  // Tests read the bundles from lib/lambda (as the constructs do): nx bundles before testing. The handlers
  // bundle @org/jobspec-builder's compiled client, so its compile comes first.
  project.package.addField('nx', {
    targets: {
      bundle: {
        dependsOn: ['^compile'],
        inputs: ['production', '^production'],
        outputs: ['{projectRoot}/lib/lambda'],
        cache: true,
      },
      test: { dependsOn: ['^compile', 'bundle'] },
    },
  });
  return project;
}
