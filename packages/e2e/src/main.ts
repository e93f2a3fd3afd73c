import { join } from 'node:path';
import { suppressReferenceFindings } from './nag-suppressions';
import { createReferenceApp, E2E_PACKAGE_DIR } from './reference-app';
import { formatSummary, hasProblems, synthesizeWithNag } from './synth-summary';

// `npm start`: nx has compiled every package (this target depends on them). Synthesize the reference
// app as `cdk synth` would (cdk.json's context), with cdk-nag's AwsSolutions and NIST 800-53 rev 5
// checks, and report.
const summary = synthesizeWithNag(() => {
  const { app, stack } = createReferenceApp({ outdir: join(E2E_PACKAGE_DIR, 'cdk.out') });
  suppressReferenceFindings(stack);
  return app;
});
console.log(formatSummary(summary));
if (hasProblems(summary)) {
  console.error(
    '\nThe reference app has errors or unsuppressed cdk-nag errors (above): fix them or suppress them with a reason.',
  );
  process.exitCode = 1;
}
