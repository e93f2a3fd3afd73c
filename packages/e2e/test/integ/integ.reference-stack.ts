// integ-runner test of the reference stack. `npx projen integ` (and the e2e tests) verify the
// committed snapshot; `npx projen integ:update` rewrites it. Neither deploys anything.
//
// Run for real (deploys to the account and region of your AWS credentials, then destroys; see the
// README, "The integ test"): `npx integ-runner --directory test/integ --language typescript --app
// "tsx {filePath}" --update-on-failed`. Deploying is an assertion in itself (each server
// signals CloudFormation only as a healthy raft voter, each client once the servers list it as ready,
// each NomadJob once its deployment succeeded); then the assertions below run:
//   - the in-VPC verifier function: leader, 3 voters, a ready client in every pool, every job healthy,
//     hello-world answering on its own address, a trainer run with its model and metrics in the data
//     bucket, no CRITICAL finding in the images' scans; called until it answers "ok":true;
//   - the model object of that run in the data bucket (S3 HeadObject);
//   - ECR's scan of each image, complete.
import { ExpectedResult, IntegTest, InvocationType, Match } from '@aws-cdk/integ-tests-alpha';
import { Duration } from 'aws-cdk-lib';
import { createReferenceApp } from '../../src/reference-app';
import { VerifierFunction } from '../../src/verify/verifier-function';

/** The trainer run the verifier dispatches (its outputs land under trainer/<run id>/ in the data bucket). */
const RUN_ID = 'integ';

// No stack traces in the snapshot's metadata (as the CDK CLI does): they hold absolute paths of this machine.
const { app, stack } = createReferenceApp({
  stackTraces: false,
  context: { 'aws:cdk:disable-creation-stack-traces': true },
});
const verifier = new VerifierFunction(stack, 'IntegVerifier', stack);
const integ = new IntegTest(app, 'ReferenceStack', {
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

const verified = integ.assertions
  .invokeFunction({
    functionName: verifier.function.functionName,
    invocationType: InvocationType.REQUEST_RESPONSE,
    payload: JSON.stringify({ runId: RUN_ID }),
  })
  .expect(ExpectedResult.objectLike({ StatusCode: 200, Payload: Match.stringLikeRegexp('"ok":true') }))
  // The trainer run takes minutes on a fresh Spot client: call again every 30 s, for up to 30 minutes.
  .waitForAssertions({ totalTimeout: Duration.minutes(30), interval: Duration.seconds(30) });

const model = integ.assertions
  .awsApiCall('S3', 'headObject', { Bucket: stack.dataBucket.bucketName, Key: `trainer/${RUN_ID}/model.json` })
  .expect(ExpectedResult.objectLike({ ServerSideEncryption: 'aws:kms' }));
// HeadObject is authorized by s3:GetObject.
model.provider.addToRolePolicy({
  Effect: 'Allow',
  Action: ['s3:GetObject'],
  Resource: [stack.dataBucket.arnForObjects('trainer/*')],
});
verified.next(model);

for (const [image, repository] of [
  [stack.images.helloWorldApp, stack.repositories.helloWorldApp],
  [stack.images.trainer, stack.repositories.trainer],
] as const) {
  integ.assertions
    .awsApiCall('ECR', 'describeImageScanFindings', {
      repositoryName: repository.repositoryName,
      imageId: { imageDigest: image.imageDigest },
    })
    .expect(ExpectedResult.objectLike({ imageScanStatus: { status: 'COMPLETE' } }));
}
