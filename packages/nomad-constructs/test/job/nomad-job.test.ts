import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job, type JobProps } from '@org/jobspec-builder';
import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { deployerPolicy, NomadCluster, NomadError, NomadJob, type NomadJobProps } from '../../src';
import { substitutionPlaceholder } from '../../src/job/job-contract';
import { cfnValues, ingressRules, newStack, policyStatements } from '../helpers';

/** A service job like hello-world: 2 instances, a canary promoted and reverted automatically. */
function webJob(props: Partial<JobProps> = {}, image: string = 'nginx:1.27'): Job {
  return new Job({
    id: 'web',
    nodePool: 'general',
    groups: [
      {
        name: 'web',
        count: 2,
        update: { maxParallel: 1, canary: 1, autoPromote: true, autoRevert: true },
        tasks: [{ name: 'app', driver: 'docker', config: { image } }],
      },
    ],
    ...props,
  });
}

/** A stack with a cluster of two pools (general, spot), for a NomadJob. */
function clusterStack() {
  const stack = newStack();
  const cluster = new NomadCluster(stack, 'Cluster', { clusterName: 'prod' });
  const general = cluster.addClientPool('general');
  const spot = cluster.addClientPool('spot', { onDemandPercentageAboveBaseCapacity: 0 });
  return { stack, cluster, general, spot };
}

const logicalId = (stack: ReturnType<typeof newStack>, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as ec2.CfnSecurityGroup);

describe('NomadJob', () => {
  // The reference: one job on the general pool, synthesized once.
  const { stack, cluster, general, spot } = clusterStack();
  const job = new NomadJob(stack, 'Web', { cluster, job: webJob() });
  const template = Template.fromStack(stack);
  const id = (construct: { node: { defaultChild?: unknown } }) => logicalId(stack, construct);
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }
  >;
  const jobResource = resources[id(job.resource)];

  it('is a Custom::NomadJob with the job in the API form and what the handler needs to reach the cluster', () => {
    expect(jobResource?.Type).toBe('Custom::NomadJob');
    const { ServiceToken, Job: spec, ...properties } = cfnValues(jobResource?.Properties) as Record<string, unknown>;
    expect(properties).toEqual({
      ServiceTimeout: '2400',
      ServerTagKey: 'NomadServerJoin',
      ServerTagValue: 'prod',
      NomadRegion: 'global',
      HttpPort: 4646,
      CaCertificateSecretArn: `\${${id(cluster.secrets.caCertificate)}}`,
      TokenSecretArn: `\${${id(cluster.secrets.deployerToken('default'))}}`,
      JobId: 'web',
      Namespace: 'default',
      JobType: 'service',
      Periodic: false,
      Parameterized: false,
      Purge: false,
      TimeoutSeconds: 1800,
    });
    expect(JSON.parse(spec as string)).toEqual(webJob().toApiJson());
    expect(ServiceToken).toBe(
      `\${${id(job.deployer.provider.provider.node.findChild('framework-onEvent') as never)}.Arn}`,
    );
    expect(job.physicalId).toBe('default/web');
  });

  it('exposes the job version, deployment and evaluation as attributes', () => {
    expect(stack.resolve(job.attrJobVersion)).toEqual({ 'Fn::GetAtt': [id(job.resource), 'JobVersion'] });
    expect(stack.resolve(job.attrDeploymentId)).toEqual({ 'Fn::GetAtt': [id(job.resource), 'DeploymentId'] });
    expect(stack.resolve(job.attrEvaluationId)).toEqual({ 'Fn::GetAtt': [id(job.resource), 'EvaluationId'] });
  });

  it('depends on the ACL bootstrap and on the client pool its job runs in, not on the others', () => {
    const dependsOn = jobResource?.DependsOn ?? [];
    expect(dependsOn).toContain(id(cluster.acl.resource));
    expect(dependsOn).toContain(id(general.autoScalingGroup));
    expect(dependsOn).not.toContain(id(spot.autoScalingGroup));
  });

  it('gets a deployer policy and token for its namespace from the ACL resource, and the namespace and pools exist', () => {
    const acl = cfnValues(resources[id(cluster.acl.resource)]?.Properties) as Record<string, unknown>;
    const policy = deployerPolicy('default');
    expect(acl.Policies).toContainEqual({ Name: policy.name, Description: policy.description, Rules: policy.rules });
    expect(policy.rules).toBe('namespace "default" {\n  capabilities = ["submit-job", "read-job"]\n}\n');
    expect(acl.Tokens).toContainEqual({
      Name: 'nomad-constructs-deployer-default',
      Policies: ['nomad-constructs-deployer-default'],
      SecretArn: `\${${id(cluster.secrets.deployerToken('default'))}}`,
    });
    // `default` always exists: no namespace to create.
    expect(acl.Namespaces).toBeUndefined();
    expect(acl.NodePools).toEqual(['general', 'spot']);
  });

  it('gives the job function exactly: server discovery, the CA and the deployer token, its logs and the VPC network interfaces', () => {
    const handler = job.deployer.provider.handler;
    const key = `\${${id(cluster.encryptionKey as never)}.Arn}`;
    expect(policyStatements(template, id(handler.role))).toEqual(
      [
        'Allow ec2:AssignPrivateIpAddresses,ec2:CreateNetworkInterface,ec2:DeleteNetworkInterface,ec2:DescribeInstances,ec2:DescribeNetworkInterfaces,ec2:UnassignPrivateIpAddresses on *',
        `Allow kms:Decrypt on ${key} if {"StringEquals":{"kms:ViaService":"secretsmanager.\${AWS::Region}.amazonaws.com"}}`,
        `Allow logs:CreateLogStream,logs:PutLogEvents on \${${id(handler.logGroup)}.Arn}`,
        `Allow secretsmanager:GetSecretValue on \${${id(cluster.secrets.caCertificate)}},\${${id(cluster.secrets.deployerToken('default'))}}`,
      ].sort(),
    );
  });

  it('lets the ACL function write the deployer token, and nothing else read it', () => {
    const token = `\${${id(cluster.secrets.deployerToken('default'))}}`;
    const readers = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .filter((policy) => JSON.stringify(cfnValues(policy.Properties)).includes(token))
      .flatMap((policy) =>
        (cfnValues(policy.Properties.Roles) as string[]).map((role) => role.replace(/^\$\{|\}$/g, '')),
      )
      .sort();
    expect(readers).toEqual([id(cluster.acl.handler.role), id(job.deployer.provider.handler.role)].sort());
  });

  it("gives the provider framework's roles exactly: invoking the job function, starting the waiter, their logs and network interfaces", () => {
    const provider = job.deployer.provider;
    const handlerArn = `\${${id(provider.handler.function as never)}.Arn}`;
    const logs = `Allow logs:CreateLogStream,logs:PutLogEvents on \${${id(provider.frameworkLogGroup)}.Arn}`;
    const network =
      'Allow ec2:AssignPrivateIpAddresses,ec2:CreateNetworkInterface,ec2:DeleteNetworkInterface,ec2:DescribeNetworkInterfaces,ec2:UnassignPrivateIpAddresses on *';
    const invoke = [
      `Allow lambda:GetFunction on ${handlerArn}`,
      `Allow lambda:InvokeFunction on ${handlerArn},${handlerArn}:*`,
    ];
    const waiter = provider.provider.node.findChild('waiter-state-machine').node.defaultChild as never;
    expect(policyStatements(template, id(provider.frameworkOnEventRole))).toEqual(
      [network, logs, ...invoke, `Allow states:StartExecution on \${${id({ node: { defaultChild: waiter } })}}`].sort(),
    );
    expect(policyStatements(template, id(provider.frameworkCompleteRole))).toEqual([network, logs, ...invoke].sort());
  });

  it('runs every function in the private subnets, HTTPS out only, and lets only the job function reach the servers API', () => {
    const functions = Object.entries(resources).filter(
      ([logicalId, resource]) =>
        resource.Type === 'AWS::Lambda::Function' && logicalId.startsWith('ClusterJobDeployer'),
    );
    expect(functions).toHaveLength(4);
    for (const [, fn] of functions) {
      expect(fn.Properties.VpcConfig).toBeDefined();
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
    }
    const servers = id(cluster.servers.securityGroup as never);
    expect(ingressRules(template).filter((rule) => rule.startsWith(`${servers} tcp 4646`))).toEqual(
      [
        `${servers} tcp 4646-4646 from ${id(cluster.acl.handler.securityGroup)}`,
        `${servers} tcp 4646-4646 from ${id(cluster.nodeDrain.handler.securityGroup)}`,
        `${servers} tcp 4646-4646 from ${id(job.deployer.provider.handler.securityGroup)}`,
      ].sort(),
    );
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('provider framework\\): HTTPS out only$'),
      SecurityGroupEgress: [Match.objectLike({ FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' })],
    });
  });

  it('logs the waiter state machine (all events, no execution data) and the functions to encrypted log groups', () => {
    const provider = job.deployer.provider;
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [
          { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [id(provider.waiterLogGroup), 'Arn'] } } },
        ],
      },
    });
    for (const group of [provider.waiterLogGroup, provider.frameworkLogGroup, provider.handler.logGroup]) {
      expect(resources[id(group)]?.Properties.KmsKeyId).toEqual({
        'Fn::GetAtt': [id(cluster.encryptionKey as never), 'Arn'],
      });
    }
  });

  it('puts no secret in the template: secrets are read at run time by ARN', () => {
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toContain('resolve:secretsmanager');
    expect(text).not.toContain('"SecretString":');
  });

  it('shares one deployer (function, provider) between the jobs of a cluster, and one token per namespace', () => {
    const shared = clusterStack();
    const a = new NomadJob(shared.stack, 'A', { cluster: shared.cluster, job: webJob({ id: 'a' }) });
    const b = new NomadJob(shared.stack, 'B', { cluster: shared.cluster, job: webJob({ id: 'b' }) });
    const c = new NomadJob(shared.stack, 'C', { cluster: shared.cluster, job: webJob({ id: 'c', namespace: 'ml' }) });
    expect(a.deployer).toBe(b.deployer);
    expect(c.deployer).toBe(a.deployer);
    const t = Template.fromStack(shared.stack);
    t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    t.resourceCountIs('Custom::NomadJob', 3);
    const acl = cfnValues(
      (t.toJSON().Resources as Record<string, { Properties: unknown }>)[
        logicalId(shared.stack, shared.cluster.acl.resource)
      ]?.Properties,
    ) as Record<string, unknown>;
    expect(acl.Namespaces).toEqual(['ml']);
    expect((acl.Tokens as { Name: string }[]).map((token) => token.Name)).toEqual([
      'nomad-constructs-server-readiness',
      'nomad-constructs-client-readiness',
      'nomad-constructs-node-drainer',
      'nomad-constructs-deployer-default',
      'nomad-constructs-deployer-ml',
    ]);
  });

  it('lets the deployer mount exactly the host volumes its jobs use', () => {
    const s = clusterStack();
    s.cluster.addClientPool('models', { hostVolumes: [{ name: 'models', path: '/srv/models', readOnly: true }] });
    new NomadJob(s.stack, 'Serve', {
      cluster: s.cluster,
      job: webJob({
        id: 'serve',
        nodePool: 'models',
        groups: [
          {
            name: 'serve',
            volumes: { models: { type: 'host', source: 'models', readOnly: true } },
            tasks: [{ name: 'app', driver: 'docker', config: { image: 'nginx:1.27' } }],
          },
        ],
      }),
    });
    expect(s.cluster.acl.policies.find((policy) => policy.name === 'nomad-constructs-deployer-default')?.rules).toBe(
      'namespace "default" {\n  capabilities = ["submit-job", "read-job"]\n}\n\nhost_volume "models" {\n  capabilities = ["mount-readonly"]\n}\n',
    );
  });

  it('sends a large spec as an S3 asset that only the job function may read, with deploy-time values beside it', () => {
    const s = clusterStack();
    const bucket = new s3.Bucket(s.stack, 'Data');
    const env = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`SETTING_${i}`, `value-${i}`]));
    const big = new Job({
      ...webJob().props,
      groups: [
        {
          name: 'web',
          count: 2,
          update: { canary: 1, autoPromote: true, autoRevert: true },
          tasks: [
            {
              name: 'app',
              driver: 'docker',
              config: { image: 'nginx:1.27' },
              env: { ...env, BUCKET: bucket.bucketName, OUTPUT: `s3://${bucket.bucketName}/runs` },
            },
          ],
        },
      ],
    });
    const large = new NomadJob(s.stack, 'Big', { cluster: s.cluster, job: big });
    const t = Template.fromStack(s.stack);
    const resource = (t.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>)[
      logicalId(s.stack, large.resource)
    ];
    const properties = cfnValues(resource?.Properties) as Record<string, unknown>;
    expect(properties.Job).toBeUndefined();
    const spec = large.node.findChild('Spec') as never as { s3ObjectKey: string };
    expect(properties.JobLocation).toEqual({
      Bucket: 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}',
      Key: spec.s3ObjectKey,
    });
    expect(spec.s3ObjectKey).toMatch(/^[0-9a-f]{64}\.json$/);
    const bucketRef = `\${${logicalId(s.stack, bucket)}}`;
    expect(properties.Substitutions).toEqual({
      [substitutionPlaceholder(0)]: bucketRef,
      [substitutionPlaceholder(1)]: `s3://${bucketRef}/runs`,
    });
    expect(policyStatements(t, logicalId(s.stack, large.deployer.provider.handler.role))).toContain(
      `Allow s3:GetObject on arn:\${AWS::Partition}:s3:::cdk-hnb659fds-assets-\${AWS::AccountId}-\${AWS::Region}/${spec.s3ObjectKey}`,
    );
  });

  it('reads an HCL jobspec file with variables at synth time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nomad-job-hcl-'));
    const file = join(dir, 'web.nomad.hcl');
    writeFileSync(
      file,
      [
        'variable "image" {',
        '  type = string',
        '}',
        'variable "count" {',
        '  type    = number',
        '  default = 2',
        '}',
        'job "web" {',
        '  node_pool = "general"',
        '  group "web" {',
        '    count = var.count',
        '    task "app" {',
        '      driver = "docker"',
        '      config {',
        '        image = var.image',
        '      }',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    const s = clusterStack();
    const fromFile = new NomadJob(s.stack, 'Web', {
      cluster: s.cluster,
      hclFile: file,
      variables: { image: 'nginx:1.27', count: '3' },
    });
    const spec = JSON.parse(
      (Template.fromStack(s.stack).toJSON().Resources as Record<string, { Properties: { Job: string } }>)[
        logicalId(s.stack, fromFile.resource)
      ]?.Properties.Job ?? '{}',
    );
    expect(spec.Job).toMatchObject({
      ID: 'web',
      NodePool: 'general',
      TaskGroups: [{ Name: 'web', Count: 3, Tasks: [{ Name: 'app', Config: { image: 'nginx:1.27' } }] }],
    });
  });

  it('sets the purge and timeout props', () => {
    const s = clusterStack();
    const purged = new NomadJob(s.stack, 'Web', {
      cluster: s.cluster,
      job: webJob(),
      purge: true,
      timeout: Duration.minutes(45),
    });
    const properties = (
      Template.fromStack(s.stack).toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>
    )[logicalId(s.stack, purged.resource)]?.Properties;
    expect(properties).toMatchObject({ Purge: true, TimeoutSeconds: 2700, ServiceTimeout: '3300' });
  });
});

describe('NomadJob synth-time checks', () => {
  const synthError = (props: Partial<NomadJobProps>, setup?: (s: ReturnType<typeof clusterStack>) => void) => {
    const s = clusterStack();
    setup?.(s);
    try {
      new NomadJob(s.stack, 'Web', { cluster: s.cluster, ...props } as NomadJobProps);
    } catch (error) {
      expect(error).toBeInstanceOf(NomadError);
      return error as NomadError;
    }
    throw new Error('expected a NomadError');
  };

  it('throws for a job in a node pool the cluster does not have, naming the field and the fix', () => {
    const error = synthError({ job: webJob({ nodePool: undefined }) });
    expect(error.code).toBe('invalid-job');
    expect(error.path).toBe('Test/Web.job.node_pool');
    expect(error.message).toBe(
      `Invalid Nomad job at Test/Web.job.node_pool: expected a node pool of the cluster Test/Cluster ("general", "spot"), received "default" (the job sets no node_pool, so Nomad puts it in the 'default' pool). Its allocations would wait for capacity forever: set node_pool to one of the cluster's pools, or add a client pool with nodePool: "default" (cluster.addClientPool()).`,
    );
  });

  it('accepts the built-in pool "all" when the cluster has pools', () => {
    const s = clusterStack();
    expect(() => new NomadJob(s.stack, 'Web', { cluster: s.cluster, job: webJob({ nodePool: 'all' }) })).not.toThrow();
  });

  it('throws for datacenters that match none of the cluster', () => {
    const error = synthError({ job: webJob({ datacenters: ['eu-west-1a'] }) });
    expect(error.path).toBe('Test/Web.job.datacenters');
    expect(error.message).toContain(
      `expected the cluster's datacenter "dc1" (or a pattern matching it, such as "*"), received ["eu-west-1a"]. No client would be eligible: set datacenters = ["dc1"] or ["*"], or the cluster's datacenter prop.`,
    );
  });

  it('throws for an image in a private ECR repository the clients may not pull, and for localhost', () => {
    const error = synthError(
      {
        job: webJob({}, '123456789012.dkr.ecr.eu-west-1.amazonaws.com/other:1'),
      },
      (s) => s.cluster.addImageRepository(ecr.Repository.fromRepositoryName(s.stack, 'Mine', 'mine')),
    );
    expect(error.path).toBe('Test/Web.job.groups[web].tasks[app].config.image');
    expect(error.message).toContain(
      'received "123456789012.dkr.ecr.eu-west-1.amazonaws.com/other:1": the repository "other" is not one of the cluster\'s ECR repositories (mine), so every pull would be denied. Use cluster.addImageRepository(repository) (or imageRepositories), or publish the image with NomadImage.',
    );
    const local = synthError({ job: webJob({}, 'localhost:5000/web:1') });
    expect(local.message).toContain('which points at the machine that pulls it (localhost)');
  });

  it('accepts public images, granted ECR repositories, and images of a repository that is granted by reference', () => {
    const s = clusterStack();
    const repository = new ecr.Repository(s.stack, 'Repo');
    s.cluster.addImageRepository(repository);
    new NomadJob(s.stack, 'Public', {
      cluster: s.cluster,
      job: webJob({ id: 'public' }, 'public.ecr.aws/nginx/nginx:1.27'),
    });
    new NomadJob(s.stack, 'Granted', {
      cluster: s.cluster,
      job: webJob({ id: 'granted' }, `${repository.repositoryUri}@sha256:${'a'.repeat(64)}`),
    });
    expect(Annotations.fromStack(s.stack).findWarning('*', Match.stringLikeRegexp('jobCheck'))).toEqual([]);
  });

  it('warns for an image from a deploy-time value outside the cluster repositories', () => {
    const s = clusterStack();
    const other = new ecr.Repository(s.stack, 'Other');
    new NomadJob(s.stack, 'Web', { cluster: s.cluster, job: webJob({}, other.repositoryUriForTag('1')) });
    const warnings = Annotations.fromStack(s.stack).findWarning('/Test/Web', Match.stringLikeRegexp('.*'));
    expect(warnings.map((warning) => warning.entry.data)).toEqual([
      expect.stringContaining(
        "job.groups[web].tasks[app].config.image: the image is a deploy-time value that is not in one of the cluster's ECR repositories",
      ),
    ]);
  });

  it('throws for canaries that wait for a manual promotion', () => {
    const error = synthError({
      job: new Job({
        ...webJob().props,
        groups: [{ ...webJob().props.groups?.[0], name: 'web', update: { canary: 1, autoPromote: false } }],
      }),
    });
    expect(error.path).toBe('Test/Web.job.groups[web].update.auto_promote');
    expect(error.message).toContain('expected auto_promote = true with canary = 1, received false.');
  });

  it("throws with every problem Nomad's validation finds", () => {
    const error = synthError({
      job: new Job({ id: 'web', nodePool: 'general', groups: [{ name: 'web', count: -1, tasks: [] }] }),
    });
    expect(error.code).toBe('invalid-job');
    expect(error.path).toBe('Test/Web.job');
    expect(error.message).toMatch(
      /^Invalid Nomad job at Test\/Web\.job: expected a job Nomad accepts, received one with \d+ problems?:\n/,
    );
    expect(error.message).toContain('groups[web].count');
  });

  it('throws for an HCL file that does not parse, with its location', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nomad-job-hcl-'));
    const file = join(dir, 'broken.nomad.hcl');
    writeFileSync(file, 'job "web" {\n  group "web" {\n');
    const error = synthError({ hclFile: file });
    expect(error.path).toBe('Test/Web.hclFile');
    expect(error.message).toContain(`expected a jobspec Nomad can read in ${file}, received:`);
    expect(error.message).toContain('broken.nomad.hcl:');
  });

  it('throws for neither or both of job and hclFile, variables without hclFile, and a timeout out of range', () => {
    expect(synthError({}).message).toContain('expected exactly one of job and hclFile, received neither.');
    expect(synthError({ job: webJob(), hclFile: 'web.nomad.hcl' }).message).toContain('received both');
    expect(synthError({ job: webJob(), variables: { image: 'x' } }).path).toBe('Test/Web.variables');
    const timeout = synthError({ job: webJob(), timeout: Duration.minutes(55) });
    expect(timeout.message).toBe(
      'Invalid prop at Test/Web.timeout: expected whole seconds from 1 to 50 minutes, received 55 minutes. CloudFormation waits an hour at most for a custom resource: use Duration.minutes() up to 50.',
    );
  });

  it('throws for a job ID known only at deploy time', () => {
    const s = clusterStack();
    const bucket = new s3.Bucket(s.stack, 'B');
    expect(() => new NomadJob(s.stack, 'Web', { cluster: s.cluster, job: webJob({ id: bucket.bucketName }) })).toThrow(
      "Unresolved token at Test/Web.job.id: expected the job's id known at synth time, received a deploy-time value. It is the resource's physical ID: write it.",
    );
  });
});
