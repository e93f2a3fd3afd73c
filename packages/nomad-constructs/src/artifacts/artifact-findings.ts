import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { addNagSuppressions } from '../nag/nag-suppressions';
import { arnFinding } from '../nag/reviewed-findings';

/**
 * The reviewed cdk-nag findings (AwsSolutions and NIST 800-53 rev 5) on the artifact bucket and its
 * staging function, beyond those of every `HandlerFunction`.
 */
export function acceptArtifactsFindings(bucket: IConstruct, role: iam.IRole, accessLogged: boolean): void {
  addNagSuppressions(bucket, [
    {
      id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
      reason:
        'The bucket holds copies of public release files (Nomad, the CNI plugins, the NVIDIA device plugin) that the next deploy stages again from their official URLs if they are lost: a replica in another region would protect nothing.',
    },
    ...(accessLogged
      ? []
      : ['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled'].map((id) => ({
          id,
          reason:
            "Server access logs of the artifact bucket are opt-in (artifacts.accessLogsBucket): it holds public release files, written only by the staging function and read by the cluster's instances (each its own objects by key), and CloudTrail records the bucket-level API calls.",
        }))),
  ]);
  addNagSuppressions(
    role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Only actions without resource-level permissions are on "*": the network interface actions Lambda needs to run in the VPC. The bucket and the key are named.',
        appliesTo: ['Resource::*'],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'The function checks and writes release files under artifacts/ (one key per product, version and architecture, decided by the node groups at synth time): object ARNs need a wildcard below that prefix, and it may not delete anything.',
        appliesTo: [arnFinding(bucket, '/artifacts/*')],
      },
    ],
    true,
  );
}
