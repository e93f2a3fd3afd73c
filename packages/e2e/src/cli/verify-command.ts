import { helloWorldCheck, imageScanCheck, trainerRunCheck } from '../verify/aws-checks';
import { formatResult, jobsCheck, leaderCheck, poolsCheck, runChecks, votersCheck } from '../verify/checks';
import type { AwsDeps } from './aws';
import type { CliIo } from './io';
import { connectNomad, readReferenceStack } from './reference-stack';

export interface VerifyOptions {
  /** The run id of the trainer check. @default - `verify-<UTC timestamp>` */
  readonly runId?: string;
  /** Raft voters expected. @default 3 */
  readonly servers?: number;
}

/**
 * `nomad-e2e verify`: checks the deployed reference stack from the operator's machine, one line per
 * check, and exits 0 only when every check passes.
 */
export async function verifyCommand(options: VerifyOptions, io: CliIo, aws: AwsDeps): Promise<number> {
  await aws.checkAccess();
  const stack = await readReferenceStack(aws);
  const nomad = await connectNomad(aws, stack.env);
  const runId = options.runId ?? `verify-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}`;
  io.stdout(`Verifying ${stack.env.clusterName} at ${stack.env.addr}\n`);
  const results = await runChecks(
    [
      leaderCheck(nomad),
      votersCheck(nomad, options.servers ?? 3),
      poolsCheck(nomad),
      jobsCheck(nomad),
      helloWorldCheck(aws, stack.helloWorldUrl),
      trainerRunCheck(nomad, aws, { bucket: stack.dataBucketName, runId }),
      imageScanCheck(aws, stack.images),
    ],
    (result) => io.stdout(`${formatResult(result)}\n`),
  );
  const failed = results.filter((result) => !result.ok).length;
  io.stdout(
    failed === 0 ? `All ${results.length} checks passed.\n` : `${failed} of ${results.length} checks failed.\n`,
  );
  return failed === 0 ? 0 : 1;
}
