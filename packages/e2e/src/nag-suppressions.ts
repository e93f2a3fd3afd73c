import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NagSuppressions } from 'cdk-nag';
import type { NomadReferenceStack } from './reference-app';

/**
 * The cdk-nag findings (AwsSolutions and NIST 800-53 rev 5) the reference deployment accepts on what
 * it creates itself, each on the resource it concerns and with the reason (the findings on what
 * @org/nomad-constructs creates are suppressed by the constructs). Everything else must pass: `npm
 * start` and the tests fail on any other error.
 */
export function suppressReferenceFindings(stack: NomadReferenceStack): void {
  // The trainer's workload role: the app grants it the objects under trainer/ of the data bucket.
  NagSuppressions.addResourceSuppressions(
    stack.trainerRole,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'The trainer reads and writes its runs (checkpoints, models, metrics) under trainer/ in the data bucket: object ARNs need a wildcard, and only s3:GetObject, s3:PutObject and s3:DeleteObject are granted on them.',
        appliesTo: [{ regex: '/^Resource::<DataBucket[0-9A-F]+\\.Arn>\\/trainer\\/\\*$/g' }],
      },
    ],
    true,
  );
  // The constructs carry the suppressions of what they create (reviewed in @org/nomad-constructs);
  // these are for what this app adds: its workload role's grant (above), its buckets, its NAT instance.
  if (stack.natInstance !== undefined) {
    suppressNatInstance(stack.natInstance);
  }
  for (const bucket of [stack.dataBucket, stack.accessLogsBucket]) {
    NagSuppressions.addResourceSuppressions(bucket, [
      {
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason:
          'The reference deployment runs in one region; the bucket is versioned and retained on stack deletion. Add cross-region replication where a regional outage must not make the data unavailable.',
      },
    ]);
  }
  NagSuppressions.addResourceSuppressions(stack.accessLogsBucket, [
    {
      id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
      reason:
        'S3 server access logs and load balancer access logs can only be delivered to buckets encrypted with S3-managed keys (SSE-S3); the bucket is private, TLS-only and versioned.',
    },
  ]);
}

/**
 * The default profile's NAT instance (aws-cdk-lib's NatInstanceProviderV2): the cluster's VPC carries
 * the reviewed findings of the instances it launches; its security group is this app's configuration.
 */
function suppressNatInstance(provider: ec2.NatInstanceProviderV2): void {
  NagSuppressions.addResourceSuppressions(provider.securityGroup, [
    {
      id: 'CdkNagValidationFailure',
      reason:
        "The NAT instance's security group admits traffic from the VPC's CIDR only, a deploy-time value (Fn::GetAtt) that the open-port rules (EC23, RestrictedSSH, RestrictedCommonPorts) cannot read; no rule opens it to the internet.",
    },
  ]);
}
