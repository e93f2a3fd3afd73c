import { parse } from '@cdktn/hcl2json';
import type { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { NomadClientPool, NomadCluster, NomadError } from '../../src';
import { cfnText, ingressRules, newStack, policyStatements, userDataFile, userDataOf } from '../helpers';

const type = (name: string) => new ec2.InstanceType(name);

// One stack for the assertions on a default pool, a Spot arm64 pool and a GPU pool.
const stack = newStack();
const repository = new ecr.Repository(stack, 'Repository');
const key = new kms.Key(stack, 'Key');
const bucket = new s3.Bucket(stack, 'Data', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
const cluster = new NomadCluster(stack, 'Cluster', { imageRepositories: [repository], dataBucket: bucket });
const general = cluster.addClientPool('general', { meta: { team: 'web' }, nodeClass: 'standard' });
const spot = cluster.addClientPool('SpotArm', {
  nodePool: 'spot-arm',
  instanceTypes: [type('m7g.large'), type('c7g.large'), type('m6g.large')],
  onDemandBaseCapacity: 1,
  onDemandPercentageAboveBaseCapacity: 0,
  minCapacity: 2,
  maxCapacity: 10,
  hostVolumes: [{ name: 'scratch', path: '/srv/scratch' }],
});
const gpu = cluster.addClientPool('gpu', {
  instanceTypes: [type('g5.xlarge')],
  gpu: true,
  minCapacity: 0,
  maxCapacity: 2,
});
// A repository added after the pools still reaches them.
const later = new ecr.Repository(stack, 'Later');
cluster.addImageRepository(later);
const template = Template.fromStack(stack);

const groupOf = (pool: NomadClientPool) =>
  template.findResources('AWS::AutoScaling::AutoScalingGroup')[
    stack.getLogicalId(pool.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup)
  ];
const launchDataOf = (pool: NomadClientPool) =>
  template.findResources('AWS::EC2::LaunchTemplate')[
    stack.getLogicalId(pool.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate)
  ]?.Properties.LaunchTemplateData;
const userData = (pool: NomadClientPool) =>
  userDataOf(template, stack.getLogicalId(pool.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate));
const agentConfig = async (pool: NomadClientPool) =>
  (await parse('nomad.hcl', userDataFile(userData(pool), '/etc/nomad.d/nomad.hcl'))) as Record<
    string,
    Record<string, unknown>[]
  >;

function throws(build: (stack: Stack, cluster: NomadCluster) => void): NomadError {
  const s = newStack();
  const c = new NomadCluster(s, 'Cluster');
  try {
    build(s, c);
  } catch (error) {
    expect(error).toBeInstanceOf(NomadError);
    return error as NomadError;
  }
  throw new Error('expected a NomadError');
}

describe('NomadClientPool', () => {
  it('is an On-Demand Auto Scaling group of m7i.large by default, 1 instance, in the private subnets', () => {
    expect(groupOf(general)?.Properties).toMatchObject({
      MinSize: '1',
      // One slot above the instance in service: its replacement launches there first.
      MaxSize: '2',
      MixedInstancesPolicy: {
        InstancesDistribution: { OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 100 },
        LaunchTemplate: { Overrides: [{ InstanceType: 'm7i.large' }] },
      },
    });
    expect(
      groupOf(general)?.Properties.MixedInstancesPolicy.InstancesDistribution.SpotAllocationStrategy,
    ).toBeUndefined();
    expect(groupOf(general)?.Properties.CapacityRebalance).toBeUndefined();
    expect(groupOf(general)?.Properties.VPCZoneIdentifier).toEqual(
      cluster.vpc.privateSubnets.map((subnet) => ({
        Ref: stack.getLogicalId(subnet.node.defaultChild as ec2.CfnSubnet),
      })),
    );
  });

  it('mixes On-Demand and Spot over several instance types, replacing Spot instances at risk proactively', () => {
    expect(groupOf(spot)?.Properties).toMatchObject({
      MinSize: '2',
      MaxSize: '10',
      CapacityRebalance: true,
      MixedInstancesPolicy: {
        InstancesDistribution: {
          OnDemandAllocationStrategy: 'prioritized',
          OnDemandBaseCapacity: 1,
          OnDemandPercentageAboveBaseCapacity: 0,
          SpotAllocationStrategy: 'price-capacity-optimized',
        },
        LaunchTemplate: {
          Overrides: [{ InstanceType: 'm7g.large' }, { InstanceType: 'c7g.large' }, { InstanceType: 'm6g.large' }],
        },
      },
    });
    // The instance types are overrides; the launch template names none.
    expect(launchDataOf(spot).InstanceType).toBeUndefined();
  });

  it('picks the AMI of the instance types architecture (arm64 here)', () => {
    expect(template.toJSON().Parameters[launchDataOf(spot).ImageId.Ref].Default).toBe(
      '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64',
    );
    expect(template.toJSON().Parameters[launchDataOf(general).ImageId.Ref].Default).toBe(
      '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64',
    );
  });

  it('requires IMDSv2 with hop limit 1 on every pool (containers cannot use the instance role), encrypted gp3, no public IP', () => {
    for (const pool of [general, spot]) {
      expect(launchDataOf(pool).MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    }
    const data = launchDataOf(general);
    expect(data.BlockDeviceMappings).toEqual([
      {
        DeviceName: '/dev/xvda',
        Ebs: { DeleteOnTermination: true, Encrypted: true, VolumeSize: 100, VolumeType: 'gp3' },
      },
    ]);
    expect(data.NetworkInterfaces[0].AssociatePublicIpAddress).toBe(false);
    expect(data.KeyName).toBeUndefined();
  });

  it('rolls one client at a time, launching each replacement before terminating, and waits for it to register', () => {
    // minInstancesInService = the instances the pool runs: CloudFormation launches the new one first.
    expect(groupOf(spot)?.UpdatePolicy.AutoScalingRollingUpdate).toMatchObject({
      MaxBatchSize: 1,
      MinInstancesInService: 2,
      PauseTime: 'PT15M',
      WaitOnResourceSignals: true,
    });
    expect(groupOf(general)?.UpdatePolicy.AutoScalingRollingUpdate).toMatchObject({ MinInstancesInService: 1 });
    expect(groupOf(general)?.Properties.MaxSize).toBe('2');
    expect(groupOf(spot)?.CreationPolicy).toEqual({ ResourceSignal: { Count: 2, Timeout: 'PT15M' } });
    // GPU nodes build the NVIDIA kernel module at boot: more time.
    expect(groupOf(gpu)?.CreationPolicy).toEqual({ ResourceSignal: { Count: 0, Timeout: 'PT30M' } });
  });

  it('warns when maxCapacity leaves no room to launch a replacement first, and keeps CloudFormation valid', () => {
    const s = newStack();
    const c = new NomadCluster(s, 'Cluster');
    const full = c.addClientPool('full', { minCapacity: 2, maxCapacity: 2 });
    const pinned = c.addClientPool('pinned', { minCapacity: 1, desiredCapacity: 3, maxCapacity: 4 });
    const t = Template.fromStack(s);
    const policy = (pool: NomadClientPool) =>
      t.findResources('AWS::AutoScaling::AutoScalingGroup')[
        s.getLogicalId(pool.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup)
      ]?.UpdatePolicy.AutoScalingRollingUpdate;
    // CloudFormation requires MinInstancesInService below MaxSize.
    expect(policy(full).MinInstancesInService).toBe(1);
    expect(policy(pinned).MinInstancesInService).toBe(3);
    Annotations.fromStack(s).hasWarning(
      '/Test/Cluster/full',
      Match.stringLikeRegexp('maxCapacity 2 leaves no room .* Set maxCapacity to at least 3'),
    );
    expect(Annotations.fromStack(s).findWarning('/Test/Cluster/pinned', Match.anyValue())).toEqual([]);
  });

  it('renders the client agent configuration: node pool, class, meta, cloud auto-join, docker with the ECR helper', async () => {
    const config = await agentConfig(general);
    // Clients leave (and drain) when stopped: a terminated client never comes back.
    expect(config).toMatchObject({ leave_on_interrupt: true, leave_on_terminate: true });
    expect(config.client).toEqual([
      {
        enabled: true,
        node_pool: 'general',
        node_class: 'standard',
        cni_path: '/opt/cni/bin',
        meta: { team: 'web' },
        server_join: [
          {
            retry_join: [`provider=aws tag_key=NomadServerJoin tag_value=${cluster.clusterName} addr_type=private_v4`],
            retry_interval: '15s',
          },
        ],
        drain_on_shutdown: [{ deadline: '1m', ignore_system_jobs: true }],
        // Docker, the CloudWatch and SSM agents keep their share: the scheduler never hands it to tasks.
        reserved: [{ cpu: 300, memory: 768 }],
      },
    ]);
    expect(config.plugin).toEqual({
      docker: [
        {
          config: [
            {
              allow_privileged: false,
              extra_labels: ['job_name', 'task_group_name', 'task_name', 'namespace', 'node_name'],
              auth: [{ config: '/etc/nomad-bootstrap/docker-auth.json' }],
              // The plugin's logging decides each container's log options (Docker's daemon.json does
              // not), and every log line carries the allocation, job, group, task and namespace.
              logging: [
                {
                  type: 'json-file',
                  config: [
                    {
                      'max-size': '50m',
                      'max-file': '5',
                      labels:
                        'com.hashicorp.nomad.alloc_id,com.hashicorp.nomad.job_name,com.hashicorp.nomad.task_group_name,com.hashicorp.nomad.task_name,com.hashicorp.nomad.namespace',
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    expect(config.telemetry?.[0]).toMatchObject({ publish_allocation_metrics: true, publish_node_metrics: true });
    // The ECR helper answers for the cluster's registry only; other registries are pulled anonymously.
    expect(JSON.parse(userDataFile(userData(general), '/etc/nomad-bootstrap/docker-auth.json'))).toEqual({
      credHelpers: { '${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}': 'ecr-login' },
    });
  });

  it('reserves more memory on GPU pools, takes reserved resources from props, and rejects fractions', async () => {
    expect((await agentConfig(gpu)).client?.[0]?.reserved).toEqual([{ cpu: 300, memory: 1024 }]);
    const s = newStack();
    const c = new NomadCluster(s, 'Cluster');
    const big = c.addClientPool('big', { reserved: { cpuMhz: 1000, memoryMiB: 2048 } });
    const hcl = userDataFile(
      userDataOf(Template.fromStack(s), s.getLogicalId(big.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate)),
      '/etc/nomad.d/nomad.hcl',
    );
    expect(((await parse('nomad.hcl', hcl)) as { client: { reserved: unknown }[] }).client[0]?.reserved).toEqual([
      { cpu: 1000, memory: 2048 },
    ]);
    expect(throws((_, cl) => cl.addClientPool('p', { reserved: { memoryMiB: 1.5 } })).message).toContain(
      'Test/Cluster/p.reserved.memoryMiB: expected a whole number >= 0, received 1.5',
    );
  });

  it('declares host volumes and creates their directories at boot', async () => {
    const config = await agentConfig(spot);
    expect(config.client?.[0]?.host_volume).toEqual({ scratch: [{ path: '/srv/scratch' }] });
    expect(userDataFile(userData(spot), '/etc/nomad-bootstrap/bootstrap.env')).toContain(
      "NOMAD_HOST_VOLUME_PATHS='/srv/scratch'",
    );
  });

  it('installs the NVIDIA stack and enables the nomad-device-nvidia plugin on GPU pools only', async () => {
    const config = await agentConfig(gpu);
    expect(config.plugin).toHaveProperty('nomad-device-nvidia', [{ config: [{ enabled: true }] }]);
    expect(config.plugin_dir).toBe('/opt/nomad/plugins');
    const env = userDataFile(userData(gpu), '/etc/nomad-bootstrap/bootstrap.env');
    expect(env).toContain("NOMAD_GPU='true'");
    expect(env).toContain("NOMAD_DEVICE_NVIDIA_VERSION='1.1.0'");
    expect(userDataFile(userData(general), '/etc/nomad-bootstrap/bootstrap.env')).toContain("NOMAD_GPU='false'");
    expect((await agentConfig(general)).plugin).not.toHaveProperty('nomad-device-nvidia');
  });

  it('warns when a GPU pool has an instance type without an NVIDIA GPU', () => {
    const s = newStack();
    new NomadCluster(s, 'Cluster').addClientPool('gpu', { gpu: true, instanceTypes: [type('m7i.large')] });
    Annotations.fromStack(s).hasWarning(
      '/Test/Cluster/gpu',
      Match.stringLikeRegexp('m7i.large is not a known NVIDIA GPU'),
    );
  });

  it('ships Nomad and container logs, and publishes its metrics per node pool', () => {
    const agent = JSON.parse(userDataFile(userData(spot), '/etc/nomad-bootstrap/cloudwatch-agent.json'));
    expect(agent.logs.logs_collected.files.collect_list.map((file: { file_path: string }) => file.file_path)).toEqual([
      '/var/log/nomad/nomad*.log',
      '/var/lib/docker/containers/*/*-json.log',
    ]);
    const [declaration] = agent.logs.metrics_collected.prometheus.emf_processor.metric_declaration;
    expect(declaration.dimensions).toEqual([['NomadCluster', 'NomadNodePool']]);
    const scrape = JSON.parse(userDataFile(userData(spot), '/etc/nomad-bootstrap/prometheus.yaml'));
    expect(scrape.scrape_configs[0].static_configs[0].labels).toEqual({
      NomadCluster: cluster.clusterName,
      NomadRole: 'client',
      NomadNodePool: 'spot-arm',
    });
    const metric = spot.metricRunningAllocations();
    expect(metric.namespace).toBe('Nomad');
    expect(metric.dimensions).toEqual({ NomadCluster: cluster.clusterName, NomadNodePool: 'spot-arm' });
    for (const m of [spot.metricRunningAllocations(), spot.metricUnallocatedCpu(), spot.metricUnallocatedMemory()]) {
      expect(declaration.metric_selectors).toContain(`^${m.metricName}$`);
    }
    expect(spot.metricCpuUtilization().metricName).toBe('cpu_usage_active');
    expect(spot.metricDiskUtilization().statistic).toBe('Maximum');
  });

  it('gives clients what servers have, plus exactly: ECR pull on the cluster repositories, the data bucket and the client secrets', () => {
    const id = (construct: { node: { defaultChild?: unknown } }) =>
      stack.getLogicalId(construct.node.defaultChild as ec2.CfnSecurityGroup);
    const statements = policyStatements(
      template,
      stack.getLogicalId((general.role as iam.Role).node.defaultChild as iam.CfnRole),
    );
    expect(statements).toEqual(
      [
        // A failed boot marks its own instance unhealthy, in the cluster's groups only; it signals only a waiting stack.
        `Allow autoscaling:SetInstanceHealth on * if {"StringEquals":{"autoscaling:ResourceTag/NomadCluster":"${cluster.clusterName}"}}`,
        'Allow cloudformation:DescribeStackResource,cloudformation:SignalResource on ${AWS::StackId}',
        'Allow cloudwatch:PutMetricData on * if {"StringEquals":{"cloudwatch:namespace":"Nomad/Instances"}}',
        'Allow ec2:DescribeInstances,ec2:DescribeTags,ecr:GetAuthorizationToken,ssm:UpdateInstanceInformation,ssmmessages:CreateControlChannel,ssmmessages:CreateDataChannel,ssmmessages:OpenControlChannel,ssmmessages:OpenDataChannel on *',
        `Allow ecr:BatchCheckLayerAvailability,ecr:BatchGetImage,ecr:GetDownloadUrlForLayer on \${${id(later)}.Arn},\${${id(repository)}.Arn}`,
        `Allow kms:Decrypt on \${${id(cluster.encryptionKey)}.Arn} if {"StringEquals":{"kms:ViaService":"secretsmanager.\${AWS::Region}.amazonaws.com"}}`,
        `Allow kms:Decrypt,kms:Encrypt,kms:GenerateDataKey*,kms:ReEncrypt* on \${${id(key)}.Arn}`,
        `Allow logs:CreateLogStream,logs:DescribeLogStreams,logs:PutLogEvents on \${${id(cluster.containerLogGroup)}.Arn},\${${id(cluster.metricsLogGroup)}.Arn},\${${id(cluster.logGroup)}.Arn}`,
        `Allow s3:DeleteObject,s3:GetObject,s3:PutObject on \${${id(bucket)}.Arn}/*`,
        // The boot script, and the pool's own release files in the artifact bucket (merged into one statement).
        `Allow s3:GetObject on arn:\${AWS::Partition}:s3:::cdk-hnb659fds-assets-\${AWS::AccountId}-\${AWS::Region}/${cluster.nodeContext.bootScript.s3ObjectKey},${['artifacts/cni-plugins/1.9.1/cni-plugins-linux-amd64-v1.9.1.tgz', 'artifacts/nomad/1.11.3/nomad_1.11.3_linux_amd64.zip'].map((key) => `\${${id(cluster.artifacts.bucket)}.Arn}/${key}`).join(',')}`,
        `Allow kms:Decrypt on \${${id(cluster.encryptionKey)}.Arn} if {"StringEquals":{"kms:ViaService":"s3.\${AWS::Region}.amazonaws.com"}}`,
        `Allow s3:ListBucket on \${${id(bucket)}.Arn}`,
        // Client material only: their TLS certificate and readiness token, nothing of the servers'.
        `Allow secretsmanager:GetSecretValue on \${${id(cluster.secrets.clientTls)}},\${${id(cluster.secrets.clientToken)}}`,
      ].sort(),
    );
  });

  it('has its own security group whose task ports open only to what is allowed through connections', () => {
    const s = newStack();
    const c = new NomadCluster(s, 'Cluster');
    const pool = c.addClientPool('web');
    const loadBalancer = new ec2.SecurityGroup(s, 'Lb', { vpc: c.vpc });
    pool.connections.allowDefaultPortFrom(loadBalancer);
    const id = (group: ec2.ISecurityGroup) => s.getLogicalId(group.node.defaultChild as ec2.CfnSecurityGroup);
    const rules = ingressRules(Template.fromStack(s)).filter((rule) => rule.startsWith(id(pool.securityGroup)));
    expect(rules).toEqual([`${id(pool.securityGroup)} tcp 20000-32000 from ${id(loadBalancer)}`]);
    // Instances carry the pool's group and the cluster-wide client group (task-to-task traffic).
    const data =
      Template.fromStack(s).findResources('AWS::EC2::LaunchTemplate')[
        s.getLogicalId(pool.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate)
      ]?.Properties.LaunchTemplateData;
    expect(data.NetworkInterfaces[0].Groups.map(cfnText)).toEqual([
      `\${${id(pool.securityGroup)}.GroupId}`,
      `\${${id(c.nodeContext.clientSecurityGroup)}.GroupId}`,
    ]);
  });

  it('lists the pools of the cluster in the order they were added, and pools built directly join it too', () => {
    const s = newStack();
    const c = new NomadCluster(s, 'Cluster');
    const a = c.addClientPool('a');
    const b = new NomadClientPool(s, 'Elsewhere', { cluster: c, nodePool: 'b' });
    expect(c.pools).toEqual([a, b]);
  });

  it('throws for instance types of two architectures', () => {
    expect(
      throws((_, c) => c.addClientPool('mixed', { instanceTypes: [type('m7i.large'), type('m7g.large')] })).message,
    ).toMatchInlineSnapshot(
      `"Invalid prop at Test/Cluster/mixed.instanceTypes: expected instance types of one architecture, received m7i.large (x86_64) and m7g.large (arm64). One pool has one AMI: put arm64 and x86_64 types in separate pools."`,
    );
    expect(throws((_, c) => c.addClientPool('none', { instanceTypes: [] })).message).toContain(
      'expected at least one instance type',
    );
  });

  it('throws for capacities that do not fit', () => {
    expect(throws((_, c) => c.addClientPool('p', { minCapacity: 3, maxCapacity: 2 })).message).toMatchInlineSnapshot(
      `"Invalid prop at Test/Cluster/p.minCapacity: expected 0 <= minCapacity <= desiredCapacity <= maxCapacity and maxCapacity >= 1, received minCapacity 3, desiredCapacity (not set), maxCapacity 2."`,
    );
    expect(throws((_, c) => c.addClientPool('p', { minCapacity: 0, maxCapacity: 0 })).path).toBe(
      'Test/Cluster/p.minCapacity',
    );
    expect(throws((_, c) => c.addClientPool('p', { minCapacity: 1.5 })).message).toContain(
      'expected a whole number >= 0, received 1.5',
    );
    expect(throws((_, c) => c.addClientPool('p', { onDemandPercentageAboveBaseCapacity: 120 })).message).toContain(
      'expected a whole percentage from 0 (all Spot) to 100 (all On-Demand), received 120',
    );
  });

  it('throws for a node pool name Nomad rejects or reserves', () => {
    expect(throws((_, c) => c.addClientPool('My Pool')).message).toMatchInlineSnapshot(
      `"Invalid prop at Test/Cluster/My Pool.nodePool: expected a node pool name of 1 to 128 letters, digits, "-" or "_" other than the built-in "all" and "default", received "My Pool" (the construct id, used when nodePool is not set). Set nodePool explicitly."`,
    );
    expect(throws((_, c) => c.addClientPool('p', { nodePool: 'all' })).path).toBe('Test/Cluster/p.nodePool');
  });

  it('throws for host volumes Nomad or the boot script cannot use, and for meta keys Nomad cannot interpolate', () => {
    expect(
      throws((_, c) => c.addClientPool('p', { hostVolumes: [{ name: 'x', path: 'relative' }] })).message,
    ).toContain('expected an absolute path of letters, digits and "_.-/" without "..", received "relative"');
    expect(
      throws((_, c) =>
        c.addClientPool('p', {
          hostVolumes: [
            { name: 'x', path: '/a' },
            { name: 'x', path: '/b' },
          ],
        }),
      ).message,
    ).toContain('received "x" twice');
    expect(throws((_, c) => c.addClientPool('p', { meta: { 'has space': 'x' } })).path).toBe('Test/Cluster/p.meta');
  });
});
