// integ-runner test of the reference stack. `npx projen integ` (and the e2e tests) verify the
// committed snapshot; `npx projen integ:update` rewrites it. Neither deploys anything.
//
// Deploying it (`integ-runner --directory test/integ --app "tsx {filePath}" --update-on-failed`
// without --dry-run, with AWS credentials) is itself the assertion that matters: each server signals
// CloudFormation only once it is a healthy raft voter in a healthy cluster, and each client only
// once the servers list it as ready, so a stack that deploys is a working cluster.
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { createReferenceApp } from '../../src/reference-app';

// No stack traces in the snapshot's metadata (as the CDK CLI does): they hold absolute paths of this machine.
const { app, stack } = createReferenceApp({
  stackTraces: false,
  context: { 'aws:cdk:disable-creation-stack-traces': true },
});
new IntegTest(app, 'ReferenceStack', {
  testCases: [stack],
  // The boot script, the handlers and the images are assets: a change to one changes what runs, so
  // it must show as CHANGED (their hashes are in the template).
  diffAssets: true,
  // The snapshot keeps the templates and asset hashes, not copies of the assets (bundled handlers,
  // the images' build contexts: megabytes that change with every source change). A real run then
  // deploys the current version only, without first deploying the snapshot's to update it.
  stackUpdateWorkflow: false,
  // The data bucket and image repositories are retained on delete (RETAIN policies): remove them by hand.
  cdkCommandOptions: { destroy: { args: { force: true } } },
});
