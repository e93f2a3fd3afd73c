// The reference app as the CDK CLI runs it: cdk.json says `node lib/app.js`, the compiled module, so
// no TypeScript loader runs on every `cdk synth` (compile first: `npx nx run @org/e2e:compile`, or
// `npm start` at the root). `cdk synth` needs no AWS credentials; `cdk deploy` deploys to the account
// and region of your credentials.
import { createReferenceApp } from './reference-app';

createReferenceApp();
