import type { NomadClientPool, NomadCluster, NomadServers } from '@org/nomad-constructs';
import { NagSuppressions } from 'cdk-nag';

/**
 * The cdk-nag (AwsSolutions) findings the reference deployment accepts, each on the resource it
 * concerns and with the reason. Everything else must pass: `npm start` and the tests fail on any
 * other error.
 */
export function suppressReferenceFindings(cluster: NomadCluster): void {
  const groups: (NomadServers | NomadClientPool)[] = [cluster.servers, ...cluster.pools];
  for (const group of groups) {
    // The role and its default policy (applyToChildren), nothing else.
    NagSuppressions.addResourceSuppressions(
      group.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Only actions that have no resource-level permissions are on "*": ec2:DescribeInstances and ec2:DescribeTags (cloud auto-join, CloudWatch agent), ssm:UpdateInstanceInformation and the ssmmessages channel actions (Session Manager), cloudwatch:PutMetricData (limited to the Nomad/Instances namespace by a condition) and, on clients, ecr:GetAuthorizationToken.',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
    NagSuppressions.addResourceSuppressions(group.autoScalingGroup, [
      {
        id: 'AwsSolutions-AS3',
        reason:
          'Scaling events are in the Auto Scaling activity history and the CloudFormation events of each rolling update, and in-service capacity is a CloudWatch metric (metricInServiceServers); the reference deployment has no one subscribed to notifications.',
      },
    ]);
  }
  for (const pool of cluster.pools) {
    NagSuppressions.addResourceSuppressions(
      pool.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Client tasks read and write training data and models in the data bucket: object ARNs need a wildcard, and only s3:GetObject, s3:PutObject and s3:DeleteObject are granted on them.',
          appliesTo: [{ regex: '/^Resource::<DataBucket[0-9A-F]+\\.Arn>\\/\\*$/g' }],
        },
      ],
      true,
    );
    NagSuppressions.addResourceSuppressions(pool.autoScalingGroup, [
      {
        id: 'CdkNagValidationFailure',
        reason:
          'AwsSolutions-EC26 cannot read a launch template through a mixed instances policy; the launch template encrypts its only EBS volume, which the nomad-constructs tests assert.',
        appliesTo: ['AwsSolutions-EC26'],
      },
    ]);
  }
}
