import type { AsyncProvider, NomadClientPool, NomadServers } from '@org/nomad-constructs';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { NomadReferenceStack } from './reference-app';

/**
 * The cdk-nag findings (AwsSolutions and NIST 800-53 rev 5) the reference deployment accepts, each
 * on the resource it concerns and with the reason. Everything else must pass: `npm start` and the
 * tests fail on any other error.
 */
export function suppressReferenceFindings(stack: NomadReferenceStack): void {
  const { cluster } = stack;
  const groups: (NomadServers | NomadClientPool)[] = [cluster.servers, ...cluster.pools];
  for (const group of groups) {
    // The role and its default policy (applyToChildren), nothing else.
    NagSuppressions.addResourceSuppressions(
      group.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Only actions that have no resource-level permissions are on "*": ec2:DescribeInstances and ec2:DescribeTags (cloud auto-join, CloudWatch agent), ssm:UpdateInstanceInformation and the ssmmessages channel actions (Session Manager), cloudwatch:PutMetricData (limited to the Nomad/Instances namespace by a condition), autoscaling:SetInstanceHealth (a failed boot takes its own instance out of service; limited to the groups tagged with the cluster name by a condition, since group ARNs hold a generated id) and, on clients, ecr:GetAuthorizationToken.',
          appliesTo: ['Resource::*'],
        },
        inlinePolicy('the Nomad instances of this group'),
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
  if (cluster.ui !== undefined) {
    NagSuppressions.addResourceSuppressions(cluster.servers.autoScalingGroup, [
      {
        id: 'NIST.800.53.R5-AutoScalingGroupELBHealthCheckRequired',
        reason:
          'Servers use EC2 health checks on purpose: the load balancer health check fails on every server while the cluster has no leader, and an ELB health check would then replace all servers at once and lose the raft state. The load balancer still routes only to servers that pass /v1/agent/health.',
      },
    ]);
    NagSuppressions.addResourceSuppressions(cluster.ui.loadBalancer, [
      {
        id: 'NIST.800.53.R5-ALBWAFEnabled',
        reason:
          "The load balancer accepts only the allowedCidrs, and every API call needs an ACL token (anonymous requests are denied). AWS WAF's managed rule sets block legitimate Nomad API traffic (job specifications larger than the 8 KB body inspection limit, HCL in JSON bodies); attach a web ACL tuned for the Nomad API where the UI is exposed more widely.",
      },
    ]);
    NagSuppressions.addResourceSuppressions(cluster.ui.loadBalancer.node.findChild('Redirect80To443'), [
      {
        id: 'NIST.800.53.R5-ELBv2ACMCertificateRequired',
        reason:
          'The port 80 listener only answers a redirect to HTTPS (it forwards nothing), so there is no certificate to present; the HTTPS listener uses the ACM certificate.',
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
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "The data bucket's key grant (encrypt and decrypt for objects in the bucket) uses KMS's data-key action families kms:GenerateDataKey* and kms:ReEncrypt*, on that one key only.",
          appliesTo: ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'],
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
      {
        id: 'NIST.800.53.R5-EC2IMDSv2Enabled',
        reason:
          'The rule cannot read a launch template through a mixed instances policy; the launch template requires IMDSv2 tokens (hop limit 2 for tasks), which the nomad-constructs tests assert.',
      },
    ]);
  }

  const { secrets } = cluster;
  const noRotation = (secret: IConstruct, reason: string) =>
    NagSuppressions.addResourceSuppressions(secret, [
      { id: 'AwsSolutions-SMG4', reason },
      { id: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason },
    ]);
  noRotation(
    secrets.certificateAuthority,
    'A rotation Lambda cannot replace the cluster CA safely: nodes that trust only the old CA would reject the new certificates and the cluster would split. The CA is rotated in three deploys that add, swap and drop trust (README, "Rotating the CA"); the custom resource never replaces it on its own.',
  );
  noRotation(
    secrets.caCertificate,
    'It holds the public CA certificate bundle, written from the CA secret on every deploy: it changes with a CA rotation, not on a schedule.',
  );
  for (const tls of [secrets.serverTls, secrets.clientTls]) {
    noRotation(
      tls,
      'The certificate and key are issued anew by the key-material custom resource on every deploy that replaces nodes (a digest of the launch templates is among its properties), and instances read them only at boot; a scheduled rotation would change nothing on running instances.',
    );
  }
  noRotation(
    secrets.gossipKey,
    'Nomad keeps the gossip keyring in its data directory: a new value in the secret does not reach running servers. The key is rotated through the keyring (install, use, remove) and then stored here (README, "Rotating the gossip key").',
  );
  noRotation(
    secrets.managementToken,
    'The ACL bootstrap token can be set only once per cluster (Nomad refuses a second bootstrap); rotate it by creating a new management token with it, storing that one here and deleting the old one.',
  );
  for (const token of [
    secrets.serverToken,
    secrets.clientToken,
    secrets.uiToken,
    cluster.nodeDrain.tokenSecret,
    cluster.snapshots?.tokenSecret,
    ...secrets.deployerTokenSecrets.values(),
  ]) {
    if (token !== undefined) {
      noRotation(
        token,
        'An ACL client token that the ACL custom resource creates and keeps in step with the cluster on every deploy (replaced when Nomad no longer knows it); instances read it only at boot.',
      );
    }
  }

  if (stack.natInstance !== undefined) {
    suppressNatInstance(stack.natInstance);
  }
  if (stack.ingress !== undefined) {
    const pool = cluster.pools.find((candidate) => candidate.nodePool === stack.ingress?.job.nodePool);
    if (pool !== undefined) {
      NagSuppressions.addResourceSuppressions(pool.autoScalingGroup, [
        {
          id: 'NIST.800.53.R5-AutoScalingGroupELBHealthCheckRequired',
          reason:
            "The pool's instances run Traefik (a Nomad system job that Nomad restarts in place) beside the services: an ELB health check on Traefik would replace a whole client, and drain its services, whenever Traefik restarts. EC2 health checks replace a broken instance; the load balancer routes only to instances whose Traefik answers /ping.",
        },
      ]);
    }
  }
  noRotation(
    stack.observability.grafanaAdminPassword,
    'Grafana takes its admin password from this secret only when it creates its database (first start); a rotated value would not reach it. Change the password in Grafana and then store it here.',
  );
  if (cluster.ui !== undefined) {
    NagSuppressions.addResourceSuppressions(stack.observability.pool.autoScalingGroup, [
      {
        id: 'NIST.800.53.R5-AutoScalingGroupELBHealthCheckRequired',
        reason:
          "The pool's one instance runs Prometheus (its data on the instance's volume), the Pushgateway and Grafana: an ELB health check on Grafana alone would replace the instance, and Prometheus's data, whenever Grafana restarts. EC2 health checks replace a broken instance; Grafana's health is an alarm (GrafanaUnhealthy).",
      },
    ]);
  }

  // The scheduled functions of the cluster: the certificate renewal (daily) and the node drain (lifecycle
  // hooks, Spot warnings, every minute).
  for (const [handler, onStar] of [
    [cluster.certificateRenewal.handler, 'the network interface actions Lambda needs to run in the VPC'],
    [
      cluster.nodeDrain.handler,
      'the network interface actions Lambda needs to run in the VPC, ec2:DescribeInstances (finding the servers by tag), autoscaling:DescribeAutoScalingGroups and DescribeAutoScalingInstances (the pools instances waiting to terminate), and autoscaling:CompleteLifecycleAction and RecordLifecycleActionHeartbeat, limited to the groups tagged with the cluster name by a condition (group ARNs hold a generated id)',
    ],
  ] as const) {
    NagSuppressions.addResourceSuppressions(
      handler.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: `Only actions without resource-level permissions are on "*": ${onStar}. Secrets, the key and the log group are named.`,
          appliesTo: ['Resource::*'],
        },
        inlinePolicy('this scheduled function of the cluster'),
      ],
      true,
    );
    NagSuppressions.addResourceSuppressions(handler.function, [
      {
        id: 'NIST.800.53.R5-LambdaConcurrency',
        reason:
          "Invoked by EventBridge (a schedule, lifecycle actions, Spot warnings) a few times a minute at most. Reserving concurrency would take it from the account's unreserved pool (an account with the default limit of 10 cannot reserve any) for no benefit.",
      },
      {
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason:
          'EventBridge retries a failed invocation twice, and every run is a full pass (the renewal renews whatever is due, the drain moves every terminating instance on), so a lost event is made good by the next run; failures show in the function errors and the CertificateExpiry alarm, and a lifecycle hook times out to CONTINUE.',
      },
    ]);
  }

  if (cluster.snapshots !== undefined) {
    const snapshots = cluster.snapshots;
    NagSuppressions.addResourceSuppressions(
      snapshots.handler.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Only actions without resource-level permissions are on "*": the network interface actions Lambda needs to run in the VPC and ec2:DescribeInstances (finding the servers by tag). Secrets, the key and the log group are named.',
          appliesTo: ['Resource::*'],
        },
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'The function writes snapshot objects under snapshots/ in the snapshot bucket, each named after its time and raft index: object ARNs need a wildcard, and only s3:PutObject is granted (no read, no delete).',
          appliesTo: [{ regex: '/^Resource::<NomadSnapshotsBucket[0-9A-F]+\\.Arn>\\/snapshots\\/\\*$/g' }],
        },
        inlinePolicy('this scheduled function of the cluster'),
      ],
      true,
    );
    NagSuppressions.addResourceSuppressions(snapshots.handler.function, [
      {
        id: 'NIST.800.53.R5-LambdaConcurrency',
        reason:
          "Invoked by its schedule every 6 hours. Reserving concurrency would take it from the account's unreserved pool (an account with the default limit of 10 cannot reserve any) for no benefit.",
      },
      {
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason:
          'EventBridge retries a failed run twice and the next run takes a new snapshot anyway; a failure fires the SnapshotFailed alarm. A dead-letter queue would hold schedule events nobody replays.',
      },
    ]);
    NagSuppressions.addResourceSuppressions(snapshots.bucket, [
      {
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason:
          'The snapshots are backups of a cluster in this region, versioned and retained when the stack is deleted; copying them to another region is a disaster-recovery choice for the operator (S3 replication to a bucket of their own), not something the reference deployment can decide.',
      },
    ]);
  }

  for (const handler of [secrets.keyMaterialFunction, cluster.acl.handler]) {
    NagSuppressions.addResourceSuppressions(
      handler.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Only actions without resource-level permissions are on "*": the network interface actions Lambda needs to run in the VPC and, for the ACL function, ec2:DescribeInstances (finding the servers by their cloud auto-join tag). Secrets, the key and the log group are named.',
          appliesTo: ['Resource::*'],
        },
        inlinePolicy('this custom resource function'),
      ],
      true,
    );
    NagSuppressions.addResourceSuppressions(handler.function, [
      {
        id: 'NIST.800.53.R5-LambdaConcurrency',
        reason:
          "A custom resource's function, invoked only by CloudFormation, once per deploy. Reserving concurrency would take it from the account's unreserved pool (an account with the default limit of 10 cannot reserve any) for no benefit.",
      },
      {
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason:
          "CloudFormation invokes the function asynchronously and waits for its answer on a pre-signed URL: the function always answers, FAILED with the reason on any error (also just before its timeout), and a crash surfaces as the custom resource's service timeout, so every failure is in the stack events. Lambda's retries rerun an idempotent handler; a dead-letter queue would hold events nobody acts on.",
      },
    ]);
  }

  // The custom resources with a provider framework: the NomadJob deployer and the NomadImage publisher.
  suppressAsyncProvider(
    stack.jobs.helloWorld.deployer.provider,
    'ec2:DescribeInstances (finding the servers by their cloud auto-join tag) and the network interface actions Lambda needs to run in the VPC. The CA and deployer token secrets, the key (through Secrets Manager only) and the log group are named.',
  );
  suppressAsyncProvider(
    stack.images.helloWorldApp.publisher,
    'the network interface actions Lambda needs to run in the VPC. The ECR actions are on the two repositories and the CDK asset repository by name, the log group is named.',
  );

  const flowLog = cluster.vpc.node.tryFindChild('FlowLog');
  if (flowLog !== undefined) {
    NagSuppressions.addResourceSuppressions(
      flowLog.node.findChild('IAMRole') as iam.Role,
      [inlinePolicy('VPC flow logs')],
      true,
    );
  }
  for (const subnet of cluster.vpc.publicSubnets as ec2.Subnet[]) {
    NagSuppressions.addResourceSuppressions(subnet.node.findChild('DefaultRoute'), [
      {
        id: 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
        reason:
          'Public subnets route to the internet gateway for the NAT gateway (nodes download Nomad and packages) and the internet-facing load balancer; no instance runs in them, and none has a public IP.',
      },
    ]);
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

/** The reviewed findings on an `AsyncProvider` (a handler behind CDK's provider framework, with isComplete). */
/**
 * The default profile's NAT instance (aws-cdk-lib's NatInstanceProviderV2): a public address by
 * design, no detailed monitoring (its $2.10 a month is 2% of the deployment), no termination
 * protection (it holds no state, and protection would stop \`cdk destroy\`).
 */
function suppressNatInstance(provider: ec2.NatInstanceProviderV2): void {
  for (const instance of provider.gatewayInstances) {
    NagSuppressions.addResourceSuppressions(
      instance,
      [
        {
          id: 'NIST.800.53.R5-EC2InstanceNoPublicIp',
          reason:
            "A NAT instance forwards the private subnets' traffic to the internet from its own public address: that is what it is for. Its security group admits traffic from the VPC only.",
        },
        {
          id: 'NIST.800.53.R5-EC2InstancesInVPC',
          reason:
            "The instance is in a public subnet of the cluster's VPC, named on its network interface (it has a public address there); the rule reads only the instance's own SubnetId property.",
        },
        {
          id: 'AwsSolutions-EC28',
          reason:
            "Detailed monitoring (1-minute EC2 metrics, $2.10 a month for this instance) buys nothing a NAT instance needs: EC2's status checks and automatic recovery work on 5-minute metrics, and the cluster's boot-failure alarms show when egress is broken.",
        },
        {
          id: 'AwsSolutions-EC29',
          reason:
            'The NAT instance holds no state: a replacement is the same AMI and user data. Termination protection would stop `cdk destroy` (and nomad-e2e destroy) without protecting anything.',
        },
      ],
      true,
    );
  }
  NagSuppressions.addResourceSuppressions(provider.securityGroup, [
    {
      id: 'CdkNagValidationFailure',
      reason:
        "The NAT instance's security group admits traffic from the VPC's CIDR only, a deploy-time value (Fn::GetAtt) that the open-port rules (EC23, RestrictedSSH, RestrictedCommonPorts) cannot read; no rule opens it to the internet.",
    },
  ]);
}

function suppressAsyncProvider(provider: AsyncProvider, onStar: string): void {
  const notReserved = {
    id: 'NIST.800.53.R5-LambdaConcurrency',
    reason:
      "A custom resource's function, invoked only while CloudFormation creates, updates or deletes the resources it backs. Reserving concurrency would take it from the account's unreserved pool (an account with the default limit of 10 cannot reserve any) for no benefit.",
  };
  NagSuppressions.addResourceSuppressions(
    provider.handler.role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason: `Only actions without resource-level permissions are on "*": ${onStar}`,
        appliesTo: ['Resource::*'],
      },
      inlinePolicy('this custom resource function'),
    ],
    true,
  );
  NagSuppressions.addResourceSuppressions(provider.handler.function, [
    notReserved,
    {
      id: 'NIST.800.53.R5-LambdaDLQ',
      reason:
        "CDK's provider framework invokes it synchronously (onEvent, then isComplete from a Step Functions waiter) and answers CloudFormation with FAILED and the function's error on any failure: every failure is in the stack events, and there is no asynchronous event a dead-letter queue could keep.",
    },
  ]);
  for (const role of [provider.frameworkOnEventRole, provider.frameworkCompleteRole]) {
    NagSuppressions.addResourceSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'The network interface actions Lambda needs to run the framework function in the VPC have no resource-level permissions; lambda:InvokeFunction on the handler is granted by CDK for the function and its versions (<arn>:*), the handler is named.',
          appliesTo: ['Resource::*', { regex: '/^Resource::<.+Handler[0-9A-F]+\\.Arn>:\\*$/g' }],
        },
        inlinePolicy("CDK's provider framework function"),
      ],
      true,
    );
  }
  for (const fn of provider.frameworkFunctions) {
    NagSuppressions.addResourceSuppressions(fn, [
      notReserved,
      {
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason:
          "CDK's provider framework: onEvent is invoked by CloudFormation and always answers it (FAILED with the reason on any error, with retries of the answer); isComplete and onTimeout are invoked synchronously by the waiter state machine, whose catch fails the resource. Every failure is in the stack events; a dead-letter queue would hold events nobody acts on.",
      },
    ]);
  }
  NagSuppressions.addResourceSuppressions(
    provider.waiterStateMachine,
    [
      {
        id: 'AwsSolutions-SF2',
        reason:
          "CDK's provider framework waiter: one task that calls isComplete until the deployment is done. Its executions are logged (level ALL) to an encrypted log group, and the functions log every call; X-Ray traces of a polling loop would add cost and no information.",
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "CDK's waiter state machine role: lambda:InvokeFunction on the two framework functions and their versions (<arn>:*), and the CloudWatch Logs delivery actions Step Functions needs for execution logging, which have no resource-level permissions.",
        appliesTo: ['Resource::*', { regex: '/^Resource::<.+framework(isComplete|onTimeout)[0-9A-F]+\\.Arn>:\\*$/g' }],
      },
      inlinePolicy("CDK's waiter state machine"),
    ],
    true,
  );
}

/** NIST 800-53 rev 5 IAMNoInlinePolicy, for the policy CDK attaches to one role. */
function inlinePolicy(what: string): { id: string; reason: string } {
  return {
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason: `The policy of ${what}: CDK's default policy, attached to the one role created for it and deployed, reviewed and deleted with it (its statements are asserted in the nomad-constructs tests).`,
  };
}
