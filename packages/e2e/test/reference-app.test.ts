import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { suppressReferenceFindings } from '../src/nag-suppressions';
import { createReferenceApp, E2E_PACKAGE_DIR, REFERENCE_STACK_NAME } from '../src/reference-app';
import { synthesizeWithNag } from '../src/synth-summary';

const UI_CONTEXT = {
  'nomad:domainName': 'nomad.example.com',
  'nomad:hostedZoneId': 'Z0123456789',
  'nomad:hostedZoneName': 'example.com',
  'nomad:allowedCidrs': '203.0.113.0/24, 198.51.100.0/24',
};

// Both variants synthesized once, with cdk-nag applied, and shared by the assertions below.
let defaultStack: ReturnType<typeof createReferenceApp>['stack'] | undefined;
const summary = synthesizeWithNag(() => {
  const created = createReferenceApp();
  suppressReferenceFindings(created.stack);
  defaultStack = created.stack;
  return created.app;
});
const template = Template.fromJSON(
  JSON.parse(readFileSync(join(summary.outdir, `${REFERENCE_STACK_NAME}.template.json`), 'utf8')),
);
let uiStack: ReturnType<typeof createReferenceApp>['stack'] | undefined;
const uiSummary = synthesizeWithNag(() => {
  const created = createReferenceApp({ context: UI_CONTEXT, uiRegion: 'eu-west-1' });
  suppressReferenceFindings(created.stack);
  uiStack = created.stack;
  return created.app;
});
const uiTemplate = Template.fromJSON(
  JSON.parse(readFileSync(join(uiSummary.outdir, `${REFERENCE_STACK_NAME}.template.json`), 'utf8')),
);

const autoScalingGroups = (t: Template) => Object.values(t.findResources('AWS::AutoScaling::AutoScalingGroup'));

describe('cdk.json', () => {
  const cdkJson = JSON.parse(readFileSync(join(E2E_PACKAGE_DIR, 'cdk.json'), 'utf8'));

  it('runs the compiled app (no TypeScript loader on every synth) with every currently recommended feature flag, and telemetry off', () => {
    expect(cdkJson.app).toBe('node lib/app.js');
    const { 'cli-telemetry': telemetry, ...flags } = cdkJson.context;
    expect(telemetry).toBe(false);
    expect(flags).toEqual(CURRENTLY_RECOMMENDED_FLAGS);
  });
});

describe('the reference stack', () => {
  it('is environment-agnostic without a UI (no credentials needed to synthesize)', () => {
    expect(defaultStack?.environment).toBe('aws://unknown-account/unknown-region');
    expect(uiStack?.region).toBe('eu-west-1');
  });

  it('runs 3 servers, a general pool (one On-Demand client, one on Spot), a Spot pool and an observability pool on Spot', () => {
    const groups = autoScalingGroups(template);
    expect(groups).toHaveLength(4);
    const byRole = (role: string) =>
      groups.filter((group) =>
        group.Properties.Tags.some(
          (tag: { Key: string; Value: string }) => tag.Key === 'NomadRole' && tag.Value === role,
        ),
      );
    expect(byRole('server').map((group) => group.Properties.MinSize)).toEqual(['3']);
    const distributions = byRole('client').map((group) => {
      const { OnDemandBaseCapacity, OnDemandPercentageAboveBaseCapacity } =
        group.Properties.MixedInstancesPolicy.InstancesDistribution;
      return `${group.Properties.MinSize}: base ${OnDemandBaseCapacity}, ${OnDemandPercentageAboveBaseCapacity}% above`;
    });
    expect(distributions.sort()).toEqual(['1: base 0, 0% above', '1: base 0, 0% above', '2: base 1, 0% above']);
  });

  it('uses Graviton burstable instances (servers 2 vCPU/1 GiB, clients 2 vCPU/2 GiB) and small gp3 volumes', () => {
    const templates = template.findResources('AWS::EC2::LaunchTemplate');
    const types = autoScalingGroups(template).map((group) => {
      const overrides = group.Properties.MixedInstancesPolicy?.LaunchTemplate.Overrides as
        | Array<{ InstanceType: string }>
        | undefined;
      const launchTemplateId = (
        group.Properties.MixedInstancesPolicy?.LaunchTemplate.LaunchTemplateSpecification ??
        group.Properties.LaunchTemplate
      ).LaunchTemplateId.Ref as string;
      const data = templates[launchTemplateId]?.Properties.LaunchTemplateData;
      return `${overrides?.map((override) => override.InstanceType).join('|') ?? data.InstanceType} ${data.BlockDeviceMappings[0].Ebs.VolumeSize} GiB`;
    });
    expect(types.sort()).toEqual([
      't4g.micro 8 GiB',
      't4g.small 20 GiB',
      't4g.small|t4g.medium 16 GiB',
      't4g.small|t4g.medium 20 GiB',
    ]);
  });

  it('reaches the internet through one NAT instance (t4g.nano, IMDSv2, encrypted gp3, VPC-only ingress), no NAT gateway', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    const instances = Object.values(template.findResources('AWS::EC2::Instance'));
    expect(instances).toHaveLength(1);
    expect(instances[0]?.Properties).toMatchObject({
      InstanceType: 't4g.nano',
      SourceDestCheck: false,
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, VolumeType: 'gp3', Encrypted: true } }],
      NetworkInterfaces: [expect.objectContaining({ AssociatePublicIpAddress: true })],
      LaunchTemplate: expect.anything(),
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } },
      LaunchTemplateName: Match.stringLikeRegexp('NatInstance'),
    });
    const natGroup = Object.values(template.findResources('AWS::EC2::SecurityGroup')).find(
      (group) => group.Properties.GroupDescription === 'Security Group for NAT instances',
    );
    expect(natGroup?.Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({
        CidrIp: { 'Fn::GetAtt': [expect.stringMatching(/^NomadVpc/), 'CidrBlock'] },
        IpProtocol: '-1',
      }),
    ]);
    // The free S3 gateway endpoint, and no interface endpoint (each costs about $22 a month over 3 zones).
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint'));
    expect(endpoints.map((endpoint) => endpoint.Properties.VpcEndpointType ?? 'Gateway')).toEqual(['Gateway']);
  });

  it('takes the production profile from -c nomad:profile=production, and rejects an unknown one', () => {
    const { stack: production } = createReferenceApp({ context: { 'nomad:profile': 'production' } });
    expect(production.profile.name).toBe('production');
    const productionTemplate = Template.fromStack(production);
    productionTemplate.resourceCountIs('AWS::EC2::NatGateway', 1);
    productionTemplate.resourceCountIs('AWS::EC2::Instance', 0);
    productionTemplate.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ InstanceType: 'm7g.large' }),
    });
    expect(() => createReferenceApp({ context: { 'nomad:profile': 'cheap' } })).toThrow(
      'nomad:profile: expected one of default, production, received "cheap". Run with -c nomad:profile=production, or without it for the default.',
    );
  });

  it('has scanned, immutable, expiring ECR repositories for the two sample images', () => {
    const repositories = Object.values(template.findResources('AWS::ECR::Repository'));
    expect(repositories).toHaveLength(2);
    for (const repository of repositories) {
      expect(repository.Properties).toMatchObject({
        ImageScanningConfiguration: { ScanOnPush: true },
        ImageTagMutability: 'IMMUTABLE',
      });
      const policy = JSON.parse(repository.Properties.LifecyclePolicy.LifecyclePolicyText);
      expect(policy.rules.map((rule: { selection: unknown }) => rule.selection)).toEqual([
        { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 7, countUnit: 'days' },
        { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 },
      ]);
      expect(repository.DeletionPolicy).toBe('Retain');
    }
  });

  it('has a versioned, encrypted, TLS-only data bucket with lifecycle rules and access logs', () => {
    const id = defaultStack?.getLogicalId(defaultStack.dataBucket.node.defaultChild as never) ?? '';
    const bucket = template.findResources('AWS::S3::Bucket')[id];
    expect(bucket?.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: {
                'Fn::GetAtt': [defaultStack?.getLogicalId(defaultStack.dataKey.node.defaultChild as never), 'Arn'],
              },
            },
            BucketKeyEnabled: true,
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { LogFilePrefix: 'data-bucket/' },
    });
    expect(bucket?.Properties.LifecycleConfiguration.Rules.map((rule: { Id: string }) => rule.Id)).toEqual([
      'abort-incomplete-uploads',
      'expire-old-versions',
      'models-to-infrequent-access',
    ]);
    expect(bucket?.DeletionPolicy).toBe('Retain');
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (candidate) => candidate.Properties.Bucket.Ref === id,
    );
    expect(policy?.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      ]),
    );
  });

  it('lets the clients pull from both repositories, and only the trainer role use the data bucket (under trainer/)', () => {
    const pools = defaultStack?.cluster.pools ?? [];
    expect(pools.map((pool) => pool.nodePool)).toEqual(['general', 'spot', 'observability']);
    const policies = template.findResources('AWS::IAM::Policy');
    expect(JSON.stringify(policies)).toContain('ecr:BatchGetImage');
    const bucket = defaultStack?.getLogicalId(defaultStack.dataBucket.node.defaultChild as never) ?? '';
    const key = defaultStack?.getLogicalId(defaultStack.dataKey.node.defaultChild as never) ?? '';
    const role = defaultStack?.getLogicalId(defaultStack.trainerRole.node.defaultChild as never) ?? '';
    const usingData = Object.values(policies).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes(`"${bucket}"`),
    );
    expect(usingData.map((policy) => policy.Properties.Roles)).toEqual([[{ Ref: role }]]);
    expect(usingData[0]?.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': ['trainer/*'] } },
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [bucket, 'Arn'] },
      },
      {
        Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/trainer/*']] },
      },
      {
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: {
          StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
        },
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [key, 'Arn'] },
      },
    ]);
  });

  it('has an internet-facing HTTPS UI on the domain from context, logging to the access logs bucket', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    uiTemplate.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }]),
    });
    uiTemplate.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'nomad.example.com' });
    const ingress = JSON.stringify([
      ...Object.values(uiTemplate.findResources('AWS::EC2::SecurityGroup')).map(
        (group) => group.Properties.SecurityGroupIngress,
      ),
      ...Object.values(uiTemplate.findResources('AWS::EC2::SecurityGroupIngress')),
    ]);
    expect(ingress).toContain('203.0.113.0/24');
    expect(ingress).toContain('198.51.100.0/24');
    expect(ingress).not.toContain('0.0.0.0/0');
  });

  it('throws a clear error for an incomplete UI context', () => {
    expect(() => createReferenceApp({ context: { 'nomad:domainName': 'nomad.example.com' } })).toThrow(
      'nomad:domainName is set: also set nomad:hostedZoneId, nomad:hostedZoneName and nomad:allowedCidrs (comma-separated CIDRs).',
    );
  });
});

/** The fields of a job in the API's form that the tests read. */
interface ApiJob {
  readonly ID: string;
  readonly Type: string;
  readonly NodePool: string;
  readonly ParameterizedJob?: Record<string, unknown>;
  readonly TaskGroups: readonly {
    readonly Count: number;
    readonly Spreads: readonly { Attribute: string; Weight: number }[];
    readonly Update: Record<string, unknown>;
    readonly Services: readonly { Checks: readonly { Path: string }[] }[];
    readonly Tasks: readonly {
      Config: { image: string };
      Env: Record<string, string>;
      Identities?: readonly { Name: string; Audience: string[]; File: boolean }[];
    }[];
  }[];
}

describe('the sample images and jobs', () => {
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }
  >;
  const stack = defaultStack as NonNullable<typeof defaultStack>;
  const id = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  /** The job a NomadJob registers, with its deploy-time values as the template holds them. */
  const jobOf = (job: (typeof stack.jobs)['helloWorld']) => {
    const properties = resources[id(job.resource)]?.Properties as {
      Job: string;
      Substitutions?: Record<string, unknown>;
    };
    const text = JSON.stringify(JSON.parse(properties.Job));
    const filled = Object.entries(properties.Substitutions ?? {}).reduce(
      (result, [placeholder, value]) =>
        result.replaceAll(JSON.stringify(placeholder), JSON.stringify(JSON.stringify(value))),
      text,
    );
    return (JSON.parse(filled) as { Job: ApiJob }).Job;
  };

  it("builds both images with cdk deploy, for the pools' arm64 instances (proven by synthesis: no Docker engine here)", () => {
    const assets = JSON.parse(readFileSync(join(summary.outdir, `${REFERENCE_STACK_NAME}.assets.json`), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile?: string; platform?: string } }>;
    };
    const sources = Object.entries(assets.dockerImages).map(([hash, image]) => ({ hash, ...image.source }));
    expect(
      sources
        .map(({ hash: _, directory: __, ...source }) => source)
        .sort((a, b) => String(a.dockerFile).localeCompare(String(b.dockerFile))),
    ).toEqual([{ dockerFile: 'packages/trainer/Dockerfile', platform: 'linux/arm64' }, { platform: 'linux/arm64' }]);
    // The hello-world context is the Dockerfile and the package's npm tarball; the trainer's, the two packages' sources.
    const helloWorld = sources.find((source) => source.dockerFile === undefined);
    expect(readdirSync(join(summary.outdir, helloWorld?.directory ?? '', 'dist', 'image'))).toEqual([
      'org-hello-world-app-0.0.0.tgz',
    ]);
    const trainer = sources.find((source) => source.dockerFile !== undefined);
    expect(readdirSync(join(summary.outdir, trainer?.directory ?? '', 'packages')).sort()).toEqual([
      'e2e',
      'hello-world-app',
      'jobspec-builder',
      'nomad-constructs',
      'trainer',
    ]);
    expect(readdirSync(join(summary.outdir, trainer?.directory ?? '', 'packages', 'e2e'))).toEqual(['package.json']);
    const builder = readdirSync(join(summary.outdir, trainer?.directory ?? '', 'packages', 'jobspec-builder'));
    expect(builder).toEqual(expect.arrayContaining(['package.json', 'tsconfig.json', 'src']));
    // Nothing the build does not read: no tests, benchmarks, build output or scratch files at the package root.
    expect(
      builder.filter((entry) => ['test', 'bench', 'node_modules', 'lib'].includes(entry) || entry.endsWith('.ts')),
    ).toEqual([]);
  });

  it('publishes them into the app repositories, scan-gated on CRITICAL findings, and the jobs run them by digest', () => {
    for (const [image, repository] of [
      [stack.images.helloWorldApp, stack.repositories.helloWorldApp],
      [stack.images.trainer, stack.repositories.trainer],
    ] as const) {
      expect(resources[id(image.resource)]?.Properties).toMatchObject({
        TargetRepositoryName: { Ref: id(repository) },
        Platform: 'linux/arm64',
        ScanGate: true,
        FailOnSeverity: 'CRITICAL',
      });
    }
    const image = (job: ApiJob) => job.TaskGroups[0]?.Tasks[0]?.Config.image ?? '';
    expect(image(jobOf(stack.jobs.helloWorld))).toContain(
      `{"Ref":"${id(stack.repositories.helloWorldApp)}"},"@",{"Fn::GetAtt":["${id(stack.images.helloWorldApp.resource)}","ImageDigest"]}`,
    );
    expect(image(jobOf(stack.jobs.trainer))).toContain(
      `{"Fn::GetAtt":["${id(stack.images.trainer.resource)}","ImageDigest"]}`,
    );
  });

  it('deploys hello-world on the On-Demand pool: a service of 2 over the zones, canary and auto_revert, checked on /ready and /health', () => {
    const job = jobOf(stack.jobs.helloWorld);
    expect(job).toMatchObject({ ID: 'hello-world', Type: 'service', NodePool: 'general' });
    const [group] = job.TaskGroups;
    expect(group?.Count).toBe(2);
    expect(group?.Spreads[0]).toEqual({ Attribute: '${attr.platform.aws.placement.availability-zone}', Weight: 100 });
    expect(group?.Update).toMatchObject({ Canary: 1, AutoPromote: true, AutoRevert: true });
    expect(group?.Services[0]?.Checks.map((check) => check.Path)).toEqual(['/ready', '/health']);
    expect(resources[id(stack.jobs.helloWorld.resource)]?.DependsOn).toEqual(
      expect.arrayContaining([id(stack.cluster.acl.resource), id(stack.cluster.pools[0]?.autoScalingGroup as never)]),
    );
  });

  it('deploys the trainer on the Spot pool: a parameterized batch job writing to the data bucket', () => {
    const job = jobOf(stack.jobs.trainer);
    expect(job).toMatchObject({
      ID: 'trainer',
      Type: 'batch',
      NodePool: 'spot',
      ParameterizedJob: { Payload: 'forbidden' },
    });
    expect(JSON.parse(job.TaskGroups[0]?.Tasks[0]?.Env.OUTPUT_LOCATION ?? '')).toEqual({
      'Fn::Join': ['', ['s3://', { Ref: id(stack.dataBucket) }, '/trainer']],
    });
    // S3 with the trainer role, assumed with the task's workload identity (the role trusts exactly this task).
    expect(JSON.parse(job.TaskGroups[0]?.Tasks[0]?.Env.AWS_ROLE_ARN ?? '')).toEqual({
      'Fn::GetAtt': [id(stack.trainerRole), 'Arn'],
    });
    expect(job.TaskGroups[0]?.Tasks[0]?.Env.AWS_WEB_IDENTITY_TOKEN_FILE).toBe('${NOMAD_SECRETS_DIR}/nomad_aws.jwt');
    expect(job.TaskGroups[0]?.Tasks[0]?.Identities).toEqual([
      expect.objectContaining({ Name: 'aws', Audience: ['sts.amazonaws.com'], File: true }),
    ]);
    const trust = Object.values(resources).find(
      (resource) =>
        resource.Type === 'Custom::AWSCDKCfnJson' &&
        JSON.stringify(resource.Properties.Value).includes('global:default:trainer:trainer:trainer:aws'),
    );
    expect(trust).toBeDefined();
    expect(resources[id(stack.jobs.trainer.resource)]?.DependsOn).toContain(
      id(stack.cluster.pools[1]?.autoScalingGroup as never),
    );
  });

  it('has no placeholder image, registry or bucket', () => {
    const text = JSON.stringify(template.toJSON());
    for (const placeholder of [
      'example-trainer-runs',
      'ghcr.io/org',
      'hello-world-app:local',
      'trainer:latest',
      'example.com',
    ]) {
      expect(text).not.toContain(placeholder);
    }
  });
});

describe('the reference cluster is secure by default', () => {
  it('bootstraps ACLs, with a read-only UI token, and keeps its CA, gossip key and management token', () => {
    template.resourceCountIs('Custom::NomadAcl', 1);
    template.resourceCountIs('Custom::NomadClusterSecrets', 1);
    const retained = Object.entries(template.findResources('AWS::SecretsManager::Secret'))
      .filter(([, secret]) => secret.DeletionPolicy === 'Retain')
      .map(([logicalId]) => logicalId.replace(/[0-9A-F]{8}$/, ''))
      .sort();
    expect(retained).toEqual([
      'NomadSecretsCertificateAuthority',
      'NomadSecretsGossipKey',
      'NomadSecretsManagementToken',
    ]);
    expect(defaultStack?.cluster.secrets.uiToken).toBeDefined();
    const outputs = Object.keys(template.toJSON().Outputs as object);
    for (const output of ['ManagementTokenSecretArn', 'CaCertificateSecretArn', 'UiTokenSecretArn', 'EnvConfig']) {
      expect(
        outputs.some((key) => key.startsWith(`Nomad${output}`)),
        output,
      ).toBe(true);
    }
  });

  it('re-encrypts from the load balancer to the servers, and creates the HTTPS listener after the ACL bootstrap', () => {
    uiTemplate.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Protocol: 'HTTPS',
      HealthCheckProtocol: 'HTTPS',
    });
    const acl = uiStack?.getLogicalId(uiStack.cluster.acl.resource.node.defaultChild as never) ?? '';
    const listener = Object.values(uiTemplate.findResources('AWS::ElasticLoadBalancingV2::Listener')).find(
      (candidate) => candidate.Properties.Protocol === 'HTTPS',
    );
    expect(listener?.DependsOn).toContain(acl);
  });
});

describe('cdk-nag AwsSolutions and NIST 800-53 rev 5 on the reference app', () => {
  it.each([
    ['without a UI', () => summary],
    ['with the UI', () => uiSummary],
  ])('finds no unsuppressed error or warning %s', (_, result) => {
    expect(result().findings.filter((finding) => finding.suppressedBecause === undefined)).toEqual([]);
    expect(result().stacks.flatMap((stack) => [...stack.errors, ...stack.warnings])).toEqual([]);
  });

  it('runs both packs (their rules report on this app)', () => {
    const packs = new Set(uiSummary.findings.map((finding) => finding.ruleId.split('-')[0]));
    expect(packs).toEqual(new Set(['AwsSolutions', 'NIST.800.53.R5', 'CdkNagValidationFailure']));
  });

  it('suppresses only on resources (never a whole stack), each with a reason', () => {
    for (const finding of uiSummary.findings) {
      expect(finding.path).toMatch(
        /^NomadReference\/(Nomad\/(Servers|general|spot|observability|Secrets|Acl|CertificateRenewal|NodeDrain|Snapshots|Artifacts|Vpc|Ui|JobDeployer|ImagePublisher|WorkloadIdentity)\/|AccessLogsBucket\/|DataBucket\/|Observability\/GrafanaAdminPassword\/)/,
      );
      expect(finding.suppressedBecause?.length ?? 0).toBeGreaterThan(40);
    }
    const stackMetadata = JSON.stringify(template.toJSON().Metadata ?? {});
    expect(stackMetadata).not.toContain('cdk_nag');
  });

  it('suppresses exactly the reviewed findings, on exactly these resources', () => {
    const rows = uiSummary.findings.map(
      (finding) =>
        `${finding.ruleId}${finding.failedRule ? `(${finding.failedRule})` : ''} ${finding.path.replace(/^NomadReference\//, '').replace(/\/Resource$/, '')}${finding.findingId ? ` ${finding.findingId}` : ''}`,
    );
    const dataBucket = uiStack?.getLogicalId(uiStack.dataBucket.node.defaultChild as never);
    const secrets = [
      'CertificateAuthority',
      'CaCertificate',
      'ServerTls',
      'ClientTls',
      'GossipKey',
      'ManagementToken',
      'ServerToken',
      'ClientToken',
      'UiToken',
      'DeployerToken-default',
      'NodeDrainerToken',
      'SnapshotToken',
    ];
    // The custom resources' functions, the certificate renewal and the node drain.
    const functions = [
      'Secrets/KeyMaterialFunction',
      'Acl/Function',
      'CertificateRenewal/Function',
      'NodeDrain/Function',
      'Snapshots/Function',
      'Artifacts/Function',
    ];
    // The NomadJob deployer and the NomadImage publisher: a handler behind CDK's provider framework.
    const providers =
      uiStack === undefined ? [] : [uiStack.jobs.helloWorld.deployer.provider, uiStack.images.trainer.publisher];
    const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
      uiStack?.getLogicalId(construct.node.defaultChild as never) ?? '';
    const providerRows = providers.flatMap((provider) => {
      const at = provider.node.path.replace(/^NomadReference\//, '');
      const handlerArn = `Resource::<${logicalId(provider.handler.function as never)}.Arn>:*`;
      const [, isComplete, onTimeout] = provider.frameworkFunctions.map(
        (fn) => `Resource::<${logicalId(fn as never)}.Arn>:*`,
      );
      return [
        `AwsSolutions-IAM5 ${at}/Handler/Role/DefaultPolicy Resource::*`,
        `NIST.800.53.R5-IAMNoInlinePolicy ${at}/Handler/Role/DefaultPolicy`,
        `NIST.800.53.R5-LambdaConcurrency ${at}/Handler/Resource`,
        `NIST.800.53.R5-LambdaDLQ ${at}/Handler/Resource`,
        ...['FrameworkOnEventRole', 'FrameworkCompleteRole'].flatMap((role) => [
          `AwsSolutions-IAM5 ${at}/${role}/DefaultPolicy Resource::*`,
          `AwsSolutions-IAM5 ${at}/${role}/DefaultPolicy ${handlerArn}`,
          `NIST.800.53.R5-IAMNoInlinePolicy ${at}/${role}/DefaultPolicy`,
        ]),
        ...['framework-onEvent', 'framework-isComplete', 'framework-onTimeout'].flatMap((fn) => [
          `NIST.800.53.R5-LambdaConcurrency ${at}/Provider/${fn}`,
          `NIST.800.53.R5-LambdaDLQ ${at}/Provider/${fn}`,
        ]),
        `AwsSolutions-SF2 ${at}/Provider/waiter-state-machine`,
        `AwsSolutions-IAM5 ${at}/Provider/waiter-state-machine/Role/DefaultPolicy Resource::*`,
        `AwsSolutions-IAM5 ${at}/Provider/waiter-state-machine/Role/DefaultPolicy ${isComplete}`,
        `AwsSolutions-IAM5 ${at}/Provider/waiter-state-machine/Role/DefaultPolicy ${onTimeout}`,
        `NIST.800.53.R5-IAMNoInlinePolicy ${at}/Provider/waiter-state-machine/Role/DefaultPolicy`,
      ];
    });
    const nodeGroups = ['Servers', 'general', 'spot', 'observability'];
    const pools = ['general', 'spot', 'observability'];
    expect(rows.sort()).toEqual(
      [
        ...nodeGroups.map((group) => `AwsSolutions-AS3 Nomad/${group}/AutoScalingGroup/ASG`),
        ...nodeGroups.map((group) => `AwsSolutions-IAM5 Nomad/${group}/InstanceRole/DefaultPolicy Resource::*`),
        ...nodeGroups.map((group) => `NIST.800.53.R5-IAMNoInlinePolicy Nomad/${group}/InstanceRole/DefaultPolicy`),
        // The workload identity issuer (reviewed in nomad-constructs) and the trainer's workload role.
        'AwsSolutions-CFR1 Nomad/WorkloadIdentity/Distribution',
        'AwsSolutions-CFR2 Nomad/WorkloadIdentity/Distribution',
        'AwsSolutions-CFR4 Nomad/WorkloadIdentity/Distribution',
        'NIST.800.53.R5-S3BucketReplicationEnabled Nomad/WorkloadIdentity/Bucket',
        'NIST.800.53.R5-S3DefaultEncryptionKMS Nomad/WorkloadIdentity/Bucket',
        `AwsSolutions-IAM5 Nomad/WorkloadIdentity/Trainer/Role/DefaultPolicy Resource::<${dataBucket}.Arn>/trainer/*`,
        'NIST.800.53.R5-IAMNoInlinePolicy Nomad/WorkloadIdentity/Trainer/Role/DefaultPolicy',
        ...pools.map((pool) => `CdkNagValidationFailure(AwsSolutions-EC26) Nomad/${pool}/AutoScalingGroup/ASG`),
        ...pools.map((pool) => `NIST.800.53.R5-EC2IMDSv2Enabled Nomad/${pool}/AutoScalingGroup/ASG`),
        ...secrets.flatMap((secret) => [
          `AwsSolutions-SMG4 Nomad/Secrets/${secret}`,
          `NIST.800.53.R5-SecretsManagerRotationEnabled Nomad/Secrets/${secret}`,
        ]),
        ...functions.flatMap((fn) => [
          `AwsSolutions-IAM5 Nomad/${fn}/Role/DefaultPolicy Resource::*`,
          `NIST.800.53.R5-IAMNoInlinePolicy Nomad/${fn}/Role/DefaultPolicy`,
          `NIST.800.53.R5-LambdaConcurrency Nomad/${fn}/Resource`,
          `NIST.800.53.R5-LambdaDLQ Nomad/${fn}/Resource`,
        ]),
        'NIST.800.53.R5-IAMNoInlinePolicy Nomad/Vpc/FlowLog/IAMRole/DefaultPolicy',
        `AwsSolutions-IAM5 Nomad/Snapshots/Function/Role/DefaultPolicy Resource::<${logicalId(uiStack?.cluster.snapshots?.bucket as never)}.Arn>/snapshots/*`,
        'NIST.800.53.R5-S3BucketReplicationEnabled Nomad/Snapshots/Bucket',
        `AwsSolutions-IAM5 Nomad/Artifacts/Function/Role/DefaultPolicy Resource::<${logicalId(uiStack?.cluster.artifacts.bucket as never)}.Arn>/artifacts/*`,
        'NIST.800.53.R5-S3BucketReplicationEnabled Nomad/Artifacts/Bucket',
        ...[1, 2, 3].map(
          (index) => `NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW Nomad/Vpc/PublicSubnet${index}/DefaultRoute`,
        ),
        'NIST.800.53.R5-AutoScalingGroupELBHealthCheckRequired Nomad/Servers/AutoScalingGroup/ASG',
        'NIST.800.53.R5-AutoScalingGroupELBHealthCheckRequired Nomad/observability/AutoScalingGroup/ASG',
        'NIST.800.53.R5-AutoScalingGroupELBHealthCheckRequired Nomad/general/AutoScalingGroup/ASG',
        ...[
          'AwsSolutions-EC28',
          'AwsSolutions-EC29',
          'NIST.800.53.R5-EC2InstanceNoPublicIp',
          'NIST.800.53.R5-EC2InstancesInVPC',
        ].map((rule) => `${rule} Nomad/Vpc/PublicSubnet1/NatInstance`),
        ...['AwsSolutions-EC23', 'NIST.800.53.R5-EC2RestrictedCommonPorts', 'NIST.800.53.R5-EC2RestrictedSSH'].map(
          (rule) => `CdkNagValidationFailure(${rule}) Nomad/Vpc/NatSecurityGroup`,
        ),
        'AwsSolutions-SMG4 Observability/GrafanaAdminPassword',
        'NIST.800.53.R5-SecretsManagerRotationEnabled Observability/GrafanaAdminPassword',
        'NIST.800.53.R5-ALBWAFEnabled Nomad/Ui/LoadBalancer',
        'NIST.800.53.R5-ELBv2ACMCertificateRequired Nomad/Ui/LoadBalancer/Redirect80To443',
        'NIST.800.53.R5-S3BucketReplicationEnabled AccessLogsBucket',
        'NIST.800.53.R5-S3BucketReplicationEnabled DataBucket',
        'NIST.800.53.R5-S3DefaultEncryptionKMS AccessLogsBucket',
        ...providerRows,
      ].sort(),
    );
    // Without a UI, the same minus the load balancer's three and the observability and general pools' health checks.
    expect(summary.findings).toHaveLength(uiSummary.findings.length - 5);
  });
});
