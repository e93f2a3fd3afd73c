// The reference app, as the CDK CLI runs it (cdk.json: "app"). `cdk synth` needs no AWS credentials;
// `cdk deploy` deploys to the account and region of your credentials.
import { createReferenceApp } from '../src/reference-app';

createReferenceApp();
