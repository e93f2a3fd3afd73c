import { parse } from '@cdktn/hcl2json';
import { Duration, Size, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { InterfaceEndpoint, NomadCluster, NomadError, NomadVersion } from '../../src';
import { cfnText, ingressRules, newStack, policyStatements, userDataFile, userDataOf } from '../helpers';

// One synthesized stack shared by the assertions on defaults (synthesis is the slow part).
const stack = newStack();
const cluster = new NomadCluster(stack, 'Cluster');
cluster.addClientPool('general');
const template = Template.fromStack(stack);
const serverUserData = userDataOf(template, 'ClusterServersLaunchTemplate');

function throws(build: (stack: Stack) => void): NomadError {
  try {
    build(newStack());
  } catch (error) {
    expect(error).toBeInstanceOf(NomadError);
    return error as NomadError;
  }
  throw new Error('expected a NomadError');
}

describe('NomadCluster: network', () => {
  it('creates a VPC over three Availability Zones even in an environment-agnostic stack', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(6);
    const zones = new Set(subnets.map((subnet) => JSON.stringify(subnet.Properties.AvailabilityZone)));
    expect([...zones].sort()).toEqual(
      [0, 1, 2].map((index) => JSON.stringify({ 'Fn::Select': [index, { 'Fn::GetAZs': '' }] })).sort(),
    );
    // Public subnets do not give instances public addresses by default.
    for (const subnet of subnets) {
      expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    }
  });

  it('says at synth time what a two-zone region needs, instead of failing at deploy time', () => {
    Annotations.fromStack(stack).hasWarning(
      '/Test/Cluster',
      Match.stringLikeRegexp(
        'first three Availability Zones of the region at deploy time .* give the stack an env with account and region .* or set availabilityZones on the cluster .* or pass a vpc',
      ),
    );
  });

  it('spans the availabilityZones given (two here), with no warning', () => {
    const s = newStack();
    new NomadCluster(s, 'Cluster', { availabilityZones: ['us-west-1a', 'us-west-1c'] });
    const subnets = Template.fromStack(s).findResources('AWS::EC2::Subnet');
    expect(new Set(Object.values(subnets).map((subnet) => subnet.Properties.AvailabilityZone))).toEqual(
      new Set(['us-west-1a', 'us-west-1c']),
    );
    expect(Annotations.fromStack(s).findWarning('/Test/Cluster', Match.stringLikeRegexp('deploy time'))).toEqual([]);
    // Servers over two zones: losing one can lose quorum, which the servers' warning says.
    Annotations.fromStack(s).hasWarning('/Test/Cluster/Servers', Match.stringLikeRegexp('span 2 Availability Zone'));
  });

  it('throws for availabilityZones that are not 2 or 3 zones of the stack region, or given with a vpc', () => {
    expect(
      throws((s) => new NomadCluster(s, 'Cluster', { availabilityZones: ['us-west-1a'] })).message,
    ).toMatchInlineSnapshot(
      `"Invalid prop at Test/Cluster.availabilityZones: expected 2 or 3 distinct Availability Zone names such as "us-west-1a", received ["us-west-1a"]. List the zones your account sees with \`aws ec2 describe-availability-zones --region <region>\`."`,
    );
    const inRegion = newStack({ env: { region: 'eu-west-1' } });
    expect(() => new NomadCluster(inRegion, 'Cluster', { availabilityZones: ['us-west-1a', 'us-west-1c'] })).toThrow(
      'expected 2 or 3 distinct Availability Zone names of eu-west-1',
    );
    expect(
      throws(
        (s) =>
          new NomadCluster(s, 'Cluster', {
            vpc: new ec2.Vpc(s, 'Vpc'),
            availabilityZones: ['us-west-1a', 'us-west-1c'],
          }),
      ).path,
    ).toBe('Test/Cluster.availabilityZones');
  });

  it('uses the zones of the account and region when the stack has them (three)', () => {
    const envStack = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
    new NomadCluster(envStack, 'Cluster');
    const subnets = Template.fromStack(envStack).findResources('AWS::EC2::Subnet');
    expect(new Set(Object.values(subnets).map((subnet) => subnet.Properties.AvailabilityZone)).size).toBe(3);
  });

  it('has one NAT gateway, the free S3 gateway endpoint, flow logs and no interface endpoint by default', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['.s3'])] }),
    });
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
  });

  it('takes the NAT gateway count and opt-in interface endpoints', () => {
    const custom = newStack();
    new NomadCluster(custom, 'Cluster', {
      natGateways: 3,
      interfaceEndpoints: [
        InterfaceEndpoint.ECR,
        InterfaceEndpoint.SSM,
        InterfaceEndpoint.SECRETS_MANAGER,
        InterfaceEndpoint.CLOUDWATCH_LOGS,
      ],
    });
    const t = Template.fromStack(custom);
    t.resourceCountIs('AWS::EC2::NatGateway', 3);
    const services = Object.values(
      t.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }),
    )
      .map((endpoint) => cfnText(endpoint.Properties.ServiceName).replace(/^.*\$\{AWS::Region\}\./, ''))
      .sort();
    expect(services).toEqual(['ec2messages', 'ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'ssm', 'ssmmessages']);
  });

  it('runs in a given VPC without creating one', () => {
    const own = newStack();
    const vpc = new ec2.Vpc(own, 'Own', { maxAzs: 2, natGateways: 1 });
    const inVpc = new NomadCluster(own, 'Cluster', { vpc });
    expect(inVpc.vpc).toBe(vpc);
    const t = Template.fromStack(own);
    t.resourceCountIs('AWS::EC2::VPC', 1);
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      VPCZoneIdentifier: vpc.privateSubnets.map((subnet) => ({
        Ref: own.getLogicalId(subnet.node.defaultChild as ec2.CfnSubnet),
      })),
    });
    // Two zones cannot hold a quorum through the loss of one: said, not forbidden.
    Annotations.fromStack(own).hasWarning('/Test/Cluster/Servers', Match.stringLikeRegexp('span 2 Availability Zone'));
  });

  it('throws for natGateways with a given VPC, and for no NAT gateway', () => {
    expect(
      throws((s) => new NomadCluster(s, 'Cluster', { vpc: new ec2.Vpc(s, 'Vpc'), natGateways: 2 })).message,
    ).toMatchInlineSnapshot(
      `"Invalid prop at Test/Cluster.natGateways: expected natGateways only when the cluster creates its VPC, received it with vpc. Remove natGateways, or remove vpc."`,
    );
    expect(throws((s) => new NomadCluster(s, 'Cluster', { natGateways: 0 })).message).toMatchInlineSnapshot(
      `"Invalid prop at Test/Cluster.natGateways: expected 1 to 3 NAT gateways, received 0. Nodes download Nomad at boot, so the private subnets need a way out; 3 survive the loss of a zone."`,
    );
  });
});

describe('NomadCluster: servers', () => {
  it('runs 3 servers in the private subnets of three zones, balanced, with one slot for a rolling replacement', () => {
    const servers = template.findResources('AWS::AutoScaling::AutoScalingGroup', {
      Properties: { Tags: Match.arrayWith([Match.objectLike({ Key: 'NomadRole', Value: 'server' })]) },
    });
    const [group] = Object.values(servers);
    expect(group?.Properties).toMatchObject({
      MinSize: '3',
      MaxSize: '4',
      AvailabilityZoneDistribution: { CapacityDistributionStrategy: 'balanced-only' },
    });
    expect(group?.Properties.DesiredCapacity).toBeUndefined();
    const privateSubnets = cluster.vpc.privateSubnets.map((subnet) => ({
      Ref: stack.getLogicalId(subnet.node.defaultChild as ec2.CfnSubnet),
    }));
    expect(group?.Properties.VPCZoneIdentifier).toEqual(privateSubnets);
  });

  it('replaces one server at a time, launching the new one first and waiting for its signal', () => {
    const [group] = Object.values(
      template.findResources('AWS::AutoScaling::AutoScalingGroup', {
        Properties: { Tags: Match.arrayWith([Match.objectLike({ Key: 'NomadRole', Value: 'server' })]) },
      }),
    );
    expect(group?.UpdatePolicy.AutoScalingRollingUpdate).toMatchObject({
      MaxBatchSize: 1,
      MinInstancesInService: 3,
      WaitOnResourceSignals: true,
      PauseTime: 'PT20M',
    });
    expect(group?.CreationPolicy).toEqual({ ResourceSignal: { Count: 3, Timeout: 'PT20M' } });
  });

  it('signals only once this server is a healthy voter and autopilot reports the cluster healthy', () => {
    // The boot script does the waiting; the user data tells it which resource to signal.
    const logicalId = stack.getLogicalId(
      cluster.servers.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup,
    );
    expect(userDataFile(serverUserData, '/etc/nomad-bootstrap/bootstrap.env')).toContain(
      `CFN_LOGICAL_ID='${logicalId}'`,
    );
  });

  it('launches servers with IMDSv2 only (hop limit 1), an encrypted gp3 root volume, no public IP and no key pair', () => {
    const data =
      template.findResources('AWS::EC2::LaunchTemplate')[
        stack.getLogicalId(cluster.servers.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate)
      ]?.Properties.LaunchTemplateData;
    expect(data.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect(data.BlockDeviceMappings).toEqual([
      {
        DeviceName: '/dev/xvda',
        Ebs: { DeleteOnTermination: true, Encrypted: true, VolumeSize: 50, VolumeType: 'gp3' },
      },
    ]);
    expect(data.NetworkInterfaces[0].AssociatePublicIpAddress).toBe(false);
    expect(data.KeyName).toBeUndefined();
    expect(data.InstanceType).toBe('m7i.large');
  });

  it('uses the current Amazon Linux 2023 AMI from its public SSM parameter, never a fixed id', () => {
    const data =
      template.findResources('AWS::EC2::LaunchTemplate')[
        stack.getLogicalId(cluster.servers.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate)
      ]?.Properties.LaunchTemplateData;
    const parameter = template.toJSON().Parameters[data.ImageId.Ref];
    expect(parameter).toEqual({
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64',
    });
  });

  it('renders the server agent configuration: bootstrap_expect, cloud auto-join, autopilot, telemetry', async () => {
    const hcl = userDataFile(serverUserData, '/etc/nomad.d/nomad.hcl');
    const parsed = (await parse('nomad.hcl', hcl)) as Record<string, Record<string, unknown>[]>;
    expect(parsed).toMatchObject({ region: 'global', datacenter: 'dc1', data_dir: '/opt/nomad/data' });
    // A rebooted server stays a voter (raft keeps 3); autopilot removes terminated ones.
    expect(parsed).toMatchObject({ leave_on_interrupt: false, leave_on_terminate: false });
    expect(parsed.server).toEqual([
      {
        enabled: true,
        bootstrap_expect: 3,
        server_join: [
          {
            retry_join: [`provider=aws tag_key=NomadServerJoin tag_value=${cluster.clusterName} addr_type=private_v4`],
            retry_interval: '15s',
          },
        ],
        // Clients without an introduction token are logged and counted, not refused (README, "Client introduction").
        client_introduction: [{ enforcement: 'warn' }],
      },
    ]);
    expect(parsed.autopilot).toEqual([
      {
        cleanup_dead_servers: true,
        last_contact_threshold: '200ms',
        max_trailing_logs: 250,
        server_stabilization_time: '10s',
      },
    ]);
    expect(parsed.telemetry?.[0]).toMatchObject({ prometheus_metrics: true, disable_hostname: true });
    expect(parsed.client).toBeUndefined();
  });

  it('tags servers so cloud auto-join finds them (and only them)', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      Tags: Match.arrayWith([{ Key: 'NomadServerJoin', Value: cluster.clusterName, PropagateAtLaunch: true }]),
    });
    const joinTagged = template.findResources('AWS::AutoScaling::AutoScalingGroup', {
      Properties: { Tags: Match.arrayWith([Match.objectLike({ Key: 'NomadServerJoin' })]) },
    });
    expect(Object.keys(joinTagged)).toHaveLength(1);
  });

  it.each([5, 7])('runs %d servers when asked', (count) => {
    const s = newStack();
    new NomadCluster(s, 'Cluster', { serverCount: count });
    Template.fromStack(s).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: String(count),
      MaxSize: String(count + 1),
    });
  });

  it.each([1, 2, 4, 6, 9])('throws for %d servers, saying why', (count) => {
    const error = throws((s) => new NomadCluster(s, 'Cluster', { serverCount: count }));
    expect(error.code).toBe('invalid-prop');
    expect(error.path).toBe('Test/Cluster.serverCount');
    expect(error.message).toContain(`expected 3, 5 or 7 servers, received ${count}.`);
    expect(error.message).toContain('An even count adds no failure tolerance');
  });

  it('throws for servers in public subnets', () => {
    expect(
      throws((s) => new NomadCluster(s, 'Cluster', { serverSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).message,
    ).toMatch(/^Invalid prop at Test\/Cluster\.serverSubnets: expected private subnets, received public ones\./);
  });

  it('takes the instance type, volume size, version and role of the servers', () => {
    const s = newStack();
    const role = new iam.Role(s, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const custom = new NomadCluster(s, 'Cluster', {
      serverInstanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.XLARGE),
      serverVolumeSize: Size.gibibytes(100),
      serverRole: role,
      version: NomadVersion.of('1.10.5'),
      region: 'europe',
      datacenter: 'eu-west-1a',
    });
    expect(custom.servers.role).toBe(role);
    const t = Template.fromStack(s);
    const data =
      t.findResources('AWS::EC2::LaunchTemplate')[
        s.getLogicalId(custom.servers.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate)
      ]?.Properties.LaunchTemplateData;
    expect(data.InstanceType).toBe('m7g.xlarge');
    expect(data.BlockDeviceMappings[0].Ebs.VolumeSize).toBe(100);
    // arm64 instance type, arm64 AMI
    expect(t.toJSON().Parameters[data.ImageId.Ref].Default).toBe(
      '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64',
    );
    const userData = userDataOf(t, 'ClusterServersLaunchTemplate');
    expect(userData).toContain("NOMAD_VERSION='1.10.5'");
    expect(userDataFile(userData, '/etc/nomad.d/nomad.hcl')).toContain('region               = "europe"');
  });
});

describe('NomadCluster: security groups', () => {
  it('opens exactly the ports of the matrix: RPC from servers and clients, Serf between servers, task ports between clients', () => {
    const servers = stack.getLogicalId(cluster.servers.securityGroup.node.defaultChild as ec2.CfnSecurityGroup);
    const clients = stack.getLogicalId(
      cluster.nodeContext.clientSecurityGroup.node.defaultChild as ec2.CfnSecurityGroup,
    );
    expect(ingressRules(template)).toEqual(
      [
        `${servers} tcp 4647-4647 from ${servers}`,
        `${servers} tcp 4648-4648 from ${servers}`,
        `${servers} udp 4648-4648 from ${servers}`,
        `${servers} tcp 4647-4647 from ${clients}`,
        `${clients} tcp 20000-32000 from ${clients}`,
        `${clients} udp 20000-32000 from ${clients}`,
        // The ACL bootstrap and node drain functions, in the VPC (the only peers of the HTTP API without a UI).
        `${servers} tcp 4646-4646 from ${stack.getLogicalId(cluster.acl.handler.securityGroup.node.defaultChild as ec2.CfnSecurityGroup)}`,
        `${servers} tcp 4646-4646 from ${stack.getLogicalId(cluster.nodeDrain.handler.securityGroup.node.defaultChild as ec2.CfnSecurityGroup)}`,
      ].sort(),
    );
  });

  it('exposes the servers API port through connections', () => {
    expect(cluster.connections.defaultPort?.toString()).toBe('4646');
    const s = newStack();
    const c = new NomadCluster(s, 'Cluster');
    const peer = new ec2.SecurityGroup(s, 'Peer', { vpc: c.vpc });
    c.connections.allowDefaultPortFrom(peer);
    expect(ingressRules(Template.fromStack(s))).toContain(
      `${s.getLogicalId(c.servers.securityGroup.node.defaultChild as ec2.CfnSecurityGroup)} tcp 4646-4646 from ${s.getLogicalId(peer.node.defaultChild as ec2.CfnSecurityGroup)}`,
    );
  });
});

describe('NomadCluster: IAM', () => {
  it('gives servers exactly: auto-join and tags, Session Manager, their metrics namespace, their log groups, the boot script, the signal, their own health, the server secrets', () => {
    const assets = `arn:\${AWS::Partition}:s3:::cdk-hnb659fds-assets-\${AWS::AccountId}-\${AWS::Region}/${cluster.nodeContext.bootScript.s3ObjectKey}`;
    const id = (construct: { node: { defaultChild?: unknown } }) =>
      stack.getLogicalId(construct.node.defaultChild as ec2.CfnSecurityGroup);
    expect(policyStatements(template, 'ClusterServersInstanceRole')).toEqual(
      [
        `Allow kms:Decrypt on \${${id(cluster.encryptionKey)}.Arn} if {"StringEquals":{"kms:ViaService":"secretsmanager.\${AWS::Region}.amazonaws.com"}}`,
        // Server material only: their TLS certificate, the gossip key and their readiness token.
        `Allow secretsmanager:GetSecretValue on \${${id(cluster.secrets.gossipKey)}},\${${id(cluster.secrets.serverTls)}},\${${id(cluster.secrets.serverToken)}}`,
        // A failed boot marks its own instance unhealthy, in the cluster's groups only; it signals only a waiting stack.
        `Allow autoscaling:SetInstanceHealth on * if {"StringEquals":{"autoscaling:ResourceTag/NomadCluster":"${cluster.clusterName}"}}`,
        'Allow cloudformation:DescribeStackResource,cloudformation:SignalResource on ${AWS::StackId}',
        'Allow cloudwatch:PutMetricData on * if {"StringEquals":{"cloudwatch:namespace":"Nomad/Instances"}}',
        'Allow ec2:DescribeInstances,ec2:DescribeTags,ssm:UpdateInstanceInformation,ssmmessages:CreateControlChannel,ssmmessages:CreateDataChannel,ssmmessages:OpenControlChannel,ssmmessages:OpenDataChannel on *',
        `Allow logs:CreateLogStream,logs:DescribeLogStreams,logs:PutLogEvents on \${${logicalId(cluster.metricsLogGroup)}.Arn},\${${logicalId(cluster.logGroup)}.Arn}`,
        // The boot script and the servers' Nomad release in the artifact bucket (merged into one statement).
        `Allow s3:GetObject on ${assets},\${${id(cluster.artifacts.bucket)}.Arn}/artifacts/nomad/1.11.3/nomad_1.11.3_linux_amd64.zip`,
        `Allow kms:Decrypt on \${${id(cluster.encryptionKey)}.Arn} if {"StringEquals":{"kms:ViaService":"s3.\${AWS::Region}.amazonaws.com"}}`,
      ].sort(),
    );
    // No managed policies: everything the role can do is listed above.
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  it('grants Session Manager access to the cluster instances only (by tag), with the port-forwarding document', () => {
    const s = newStack();
    const c = new NomadCluster(s, 'Cluster', { clusterName: 'prod' });
    const operator = new iam.Role(s, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    c.grantSessionManagerAccess(operator);
    expect(policyStatements(Template.fromStack(s), 'Operator')).toEqual([
      'Allow ssm:ResumeSession,ssm:TerminateSession on arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:session/${aws:userid}-*',
      'Allow ssm:StartSession on arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/* if {"StringEquals":{"ssm:resourceTag/NomadCluster":"prod"}}',
      'Allow ssm:StartSession on arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:document/SSM-SessionManagerRunShell,arn:${AWS::Partition}:ssm:${AWS::Region}::document/AWS-StartPortForwardingSession',
    ]);
  });
});

function logicalId(group: logs.ILogGroup): string {
  return stack.getLogicalId(group.node.defaultChild as logs.CfnLogGroup);
}

describe('NomadCluster: logs, metrics and outputs', () => {
  it('keeps Nomad, container and metrics logs a month by default', () => {
    for (const group of [cluster.logGroup, cluster.containerLogGroup, cluster.metricsLogGroup]) {
      expect(template.findResources('AWS::Logs::LogGroup')[logicalId(group)]?.Properties.RetentionInDays).toBe(30);
    }
  });

  it('ships the Nomad log file and scrapes /v1/metrics?format=prometheus into the Nomad namespace', () => {
    const agent = JSON.parse(userDataFile(serverUserData, '/etc/nomad-bootstrap/cloudwatch-agent.json'));
    expect(agent.logs.logs_collected.files.collect_list).toEqual([
      expect.objectContaining({
        file_path: '/var/log/nomad/nomad*.log',
        log_group_name: `\${${logicalId(cluster.logGroup)}}`,
      }),
    ]);
    expect(agent.logs.metrics_collected.prometheus.emf_processor.metric_namespace).toBe('Nomad');
    expect(agent.logs.metrics_collected.prometheus.emf_processor.metric_declaration[0].metric_selectors).toContain(
      '^nomad_nomad_blocked_evals_total_blocked$',
    );
    const scrape = JSON.parse(userDataFile(serverUserData, '/etc/nomad-bootstrap/prometheus.yaml'));
    expect(scrape.scrape_configs[0]).toMatchObject({
      metrics_path: '/v1/metrics',
      params: { format: ['prometheus'] },
      static_configs: [
        { targets: ['127.0.0.1:4646'], labels: { NomadCluster: cluster.clusterName, NomadRole: 'server' } },
      ],
    });
  });

  it('takes the log retention', () => {
    const s = newStack();
    new NomadCluster(s, 'Cluster', { logRetention: logs.RetentionDays.ONE_YEAR });
    const groups = Object.values(Template.fromStack(s).findResources('AWS::Logs::LogGroup'));
    // Flow logs, Nomad, containers, metrics events, the three custom resource functions, the renewal and drain functions.
    expect(groups.map((group) => group.Properties.RetentionInDays)).toEqual([
      365, 365, 365, 365, 365, 365, 365, 365, 365,
    ]);
  });

  it('offers the metrics operators watch, on the dimensions the agents publish', () => {
    const resolve = (metric: {
      namespace: string;
      metricName: string;
      dimensions?: Record<string, unknown>;
      statistic: string;
    }) => ({
      namespace: metric.namespace,
      metricName: metric.metricName,
      dimensions: stack.resolve(metric.dimensions),
      statistic: metric.statistic,
    });
    const byCluster = { NomadCluster: cluster.clusterName };
    expect(resolve(cluster.metricBlockedEvaluations())).toEqual({
      namespace: 'Nomad',
      metricName: 'nomad_nomad_blocked_evals_total_blocked',
      dimensions: byCluster,
      statistic: 'Maximum',
    });
    expect(resolve(cluster.metricPendingEvaluations()).metricName).toBe('nomad_nomad_broker_total_pending');
    expect(resolve(cluster.metricActiveClientHeartbeats()).metricName).toBe('nomad_nomad_heartbeat_active');
    expect(resolve(cluster.metricLeaderElections())).toMatchObject({
      metricName: 'nomad_raft_state_candidate',
      statistic: 'Sum',
    });
    const asg = {
      AutoScalingGroupName: {
        Ref: stack.getLogicalId(cluster.servers.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup),
      },
    };
    expect(resolve(cluster.metricInServiceServers())).toEqual({
      namespace: 'AWS/AutoScaling',
      metricName: 'GroupInServiceInstances',
      dimensions: asg,
      statistic: 'Minimum',
    });
    expect(resolve(cluster.servers.metricMemoryUtilization())).toEqual({
      namespace: 'Nomad/Instances',
      metricName: 'mem_used_percent',
      dimensions: asg,
      statistic: 'Average',
    });
    expect(cluster.metricBlockedEvaluations({ period: Duration.minutes(5) }).period.toMinutes()).toBe(5);
    // The selectors the agents publish are the metrics offered.
    const agent = JSON.parse(userDataFile(serverUserData, '/etc/nomad-bootstrap/cloudwatch-agent.json'));
    const selectors: string[] =
      agent.logs.metrics_collected.prometheus.emf_processor.metric_declaration[0].metric_selectors;
    for (const metric of [
      cluster.metricBlockedEvaluations(),
      cluster.metricPendingEvaluations(),
      cluster.metricActiveClientHeartbeats(),
      cluster.metricLeaderElections(),
    ]) {
      expect(selectors).toContain(`^${metric.metricName}$`);
    }
  });

  it('outputs NOMAD_ADDR and the commands that reach the API through a Session Manager port forward', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const byName = (name: string) =>
      cfnText(Object.entries(outputs).find(([id]) => id.startsWith(`Cluster${name}`))?.[1].Value);
    expect(byName('NomadAddr')).toBe('https://127.0.0.1:4646');
    const cli = byName('CliEnvironment');
    expect(cli).toContain(`Name=tag:NomadServerJoin,Values=${cluster.clusterName}`);
    expect(cli).toContain(
      '--document-name AWS-StartPortForwardingSession --parameters portNumber=4646,localPortNumber=4646',
    );
    expect(cli).toMatch(
      new RegExp(
        `&& eval "\\$\\(npx -p @org/nomad-constructs -p @aws-sdk/client-cloudformation -p @aws-sdk/client-secrets-manager nomad-constructs env --stack \\$\\{AWS::StackName\\} --cluster ${cluster.clusterName}\\)"$`,
      ),
    );
  });
});

describe('NomadCluster: validation', () => {
  it('throws for a cluster name that cannot be a tag value and metric dimension', () => {
    expect(throws((s) => new NomadCluster(s, 'Cluster', { clusterName: 'my cluster' })).message).toMatchInlineSnapshot(
      `"Invalid prop at Test/Cluster.clusterName: expected 1 to 48 letters, digits, "-" or "_", received "my cluster"."`,
    );
  });

  it('throws for a token where a literal is rendered into the instances', () => {
    const error = throws((s) => new NomadCluster(s, 'Cluster', { datacenter: s.region }));
    expect(error.code).toBe('unresolved-token');
    expect(error.path).toBe('Test/Cluster.datacenter');
  });

  it('throws for a Nomad version that is not a release number', () => {
    expect(() => NomadVersion.of('latest')).toThrow(
      'Invalid prop at NomadVersion.of: expected a release number such as "1.11.3", received "latest".',
    );
    expect(NomadVersion.of('1.10.0+ent').version).toBe('1.10.0+ent');
    expect(NomadVersion.DEFAULT.version).toBe('1.11.3');
  });

  it('derives a default cluster name from the construct path, stable across synths', () => {
    const again = new NomadCluster(newStack(), 'Cluster');
    expect(cluster.clusterName).toMatch(/^[A-Za-z0-9-]{1,48}$/);
    expect(again.clusterName).toBe(cluster.clusterName);
  });
});

describe('NomadCluster.fromClusterAttributes', () => {
  it('imports a cluster of another stack: its API through connections, its metrics by name', () => {
    const s = newStack();
    const servers = ec2.SecurityGroup.fromSecurityGroupId(s, 'Servers', 'sg-0123456789abcdef0');
    const imported = NomadCluster.fromClusterAttributes(s, 'Imported', {
      clusterName: 'prod',
      apiUrl: 'https://nomad.example.com',
      serverSecurityGroup: servers,
    });
    const vpc = new ec2.Vpc(s, 'Vpc');
    const deployer = new ec2.SecurityGroup(s, 'Deployer', { vpc });
    imported.connections.allowDefaultPortFrom(deployer);
    expect(ingressRules(Template.fromStack(s))).toEqual([
      `sg-0123456789abcdef0 tcp 4646-4646 from ${s.getLogicalId(deployer.node.defaultChild as ec2.CfnSecurityGroup)}`,
    ]);
    expect(imported.apiUrl).toBe('https://nomad.example.com');
    expect(imported.metricBlockedEvaluations().dimensions).toEqual({ NomadCluster: 'prod' });
    expect(imported.metricLeaderElections().statistic).toBe('Sum');
  });

  it('throws for a name no cluster can have', () => {
    const s = newStack();
    expect(() =>
      NomadCluster.fromClusterAttributes(s, 'Imported', {
        clusterName: 'has space',
        apiUrl: 'https://x',
        serverSecurityGroup: ec2.SecurityGroup.fromSecurityGroupId(s, 'Sg', 'sg-1'),
      }),
    ).toThrow(
      'Invalid prop at Test/Imported.clusterName: expected 1 to 48 letters, digits, "-" or "_", received "has space".',
    );
  });
});

describe('NomadCluster: what outlives the stack', () => {
  it('tags every retained resource with the cluster name, so what a deleted stack or failed first deploy leaves is found by tag', () => {
    const s = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
    const c = new NomadCluster(s, 'Cluster', {
      clusterName: 'prod',
      ui: { certificate: acm.Certificate.fromCertificateArn(s, 'Cert', 'arn:aws:acm:eu-west-1:1:certificate/a') },
    });
    c.addClientPool('general');
    const resources = Template.fromStack(s).toJSON().Resources as Record<
      string,
      { Type: string; DeletionPolicy?: string; Properties?: { Tags?: { Key: string; Value: string }[] } }
    >;
    const retained = Object.entries(resources).filter(([, resource]) => resource.DeletionPolicy === 'Retain');
    // The KMS key, the CA, the gossip key, the management token, the access log bucket and the artifact bucket.
    expect(retained.map(([, resource]) => resource.Type).sort()).toEqual([
      'AWS::KMS::Key',
      'AWS::S3::Bucket',
      'AWS::S3::Bucket',
      'AWS::SecretsManager::Secret',
      'AWS::SecretsManager::Secret',
      'AWS::SecretsManager::Secret',
    ]);
    for (const [id, resource] of retained) {
      expect(resource.Properties?.Tags, id).toContainEqual({ Key: 'NomadCluster', Value: 'prod' });
    }
  });
});
