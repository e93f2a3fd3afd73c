import { dirname, join } from 'node:path';
import { CustomResource, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { helloWorldAppImageContext, trainerImageContext } from '../sample-images';

/**
 * The reference deployment's topology written by hand in plain aws-cdk-lib, without
 * `@org/nomad-constructs`: the yardstick of the synth benchmark (bin/bench-synth.ts). The same
 * kinds and numbers of resources: a 3-zone VPC with a NAT instance, flow logs and the S3 endpoint;
 * 3 servers and 3 client pools (launch templates with user data, roles, security groups, Auto
 * Scaling groups); the HTTPS load balancer with the servers', Grafana's and the ingress's target
 * groups; the secrets, keys, log groups, buckets and repositories; Lambda-backed custom resources
 * (key material, ACL bootstrap, 5 job deployments and 2 image publications behind providers that
 * poll); the two images built from the same contexts; a dashboard and the alarms. It deploys
 * nothing meaningful (the functions are the constructs' bundles, the user data a stub): it
 * measures what synthesizing such a template costs in plain CDK.
 */
export class PlainTopologyStack extends Stack {
  public constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const key = new kms.Key(this, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    const nat = ec2.NatProvider.instanceV2({
      instanceType: new ec2.InstanceType('t4g.nano'),
      associatePublicIpAddress: true,
      defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
    });
    const vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: [0, 1, 2].map((index) => Fn.select(index, Fn.getAzs())),
      natGateways: 1,
      natGatewayProvider: nat,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    nat.connections.allowFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.allTraffic());
    const logGroup = (logId: string) =>
      new logs.LogGroup(this, logId, { retention: logs.RetentionDays.ONE_MONTH, encryptionKey: key });
    vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup('FlowLogs')) });
    const nomadLogs = logGroup('NomadLogs');
    logGroup('ContainerLogs');
    logGroup('MetricsEvents');

    const dataKey = new kms.Key(this, 'DataKey', { enableKeyRotation: true });
    const accessLogs = new s3.Bucket(this, 'AccessLogs', { enforceSSL: true, versioned: true });
    const data = new s3.Bucket(this, 'Data', {
      encryptionKey: dataKey,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
    });
    const repositories = ['HelloWorld', 'Trainer'].map(
      (name) => new ecr.Repository(this, `${name}Repository`, { imageScanOnPush: true }),
    );
    const secrets = Array.from(
      { length: 12 },
      (_, index) => new secretsmanager.Secret(this, `Secret${index}`, { encryptionKey: key }),
    );
    const constructsDir = dirname(require.resolve('@org/nomad-constructs/package.json'));
    const script = new s3assets.Asset(this, 'BootScript', {
      path: join(constructsDir, 'assets', 'scripts', 'nomad-bootstrap.sh'),
    });

    const group = (groupId: string, size: number, types: string[], spot: boolean) => {
      const securityGroup = new ec2.SecurityGroup(this, `${groupId}SecurityGroup`, { vpc });
      securityGroup.addIngressRule(securityGroup, ec2.Port.tcp(4647));
      securityGroup.addIngressRule(securityGroup, ec2.Port.tcpRange(20_000, 32_000));
      const role = new iam.Role(this, `${groupId}Role`, { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] }));
      nomadLogs.grantWrite(role);
      script.grantRead(role);
      for (const secret of secrets.slice(0, 4)) {
        secret.grantRead(role);
      }
      data.grantReadWrite(role);
      for (const repository of repositories) {
        repository.grantPull(role);
      }
      const userData = ec2.UserData.forLinux();
      userData.addS3DownloadCommand({ bucket: script.bucket, bucketKey: script.s3ObjectKey });
      userData.addCommands(`echo ${groupId} > /etc/nomad-role`, `NOMAD_TLS_SECRET_ARN=${secrets[0]?.secretArn}`);
      const launchTemplate = new ec2.LaunchTemplate(this, `${groupId}LaunchTemplate`, {
        machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
        instanceType: spot ? undefined : new ec2.InstanceType(types[0] ?? 't4g.small'),
        userData,
        role,
        securityGroup,
        requireImdsv2: true,
        blockDevices: [
          {
            deviceName: '/dev/xvda',
            volume: ec2.BlockDeviceVolume.ebs(20, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
          },
        ],
      });
      return new autoscaling.AutoScalingGroup(this, `${groupId}Group`, {
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        ...(spot
          ? {
              mixedInstancesPolicy: {
                launchTemplate,
                instancesDistribution: { onDemandPercentageAboveBaseCapacity: 0 },
                launchTemplateOverrides: types.map((type) => ({ instanceType: new ec2.InstanceType(type) })),
              },
            }
          : { launchTemplate }),
        minCapacity: size,
        maxCapacity: size + 1,
        signals: autoscaling.Signals.waitForMinCapacity({ timeout: Duration.minutes(15) }),
        updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
          maxBatchSize: 1,
          minInstancesInService: size,
          waitOnResourceSignals: true,
        }),
        groupMetrics: [autoscaling.GroupMetrics.all()],
      });
    };
    const servers = group('Servers', 3, ['t4g.micro'], false);
    const general = group('General', 2, ['t4g.small'], true);
    group('Spot', 1, ['t4g.small', 't4g.medium'], true);
    const observability = group('Observability', 1, ['t4g.small', 't4g.medium'], true);

    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: 'Z0EXAMPLE',
      zoneName: 'example.com',
    });
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: 'nomad.example.com',
      validation: acm.CertificateValidation.fromDns(zone),
    });
    const loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', { vpc, internetFacing: true });
    new route53.ARecord(this, 'Alias', {
      zone,
      recordName: 'nomad.example.com',
      target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(loadBalancer)),
    });
    const listener = loadBalancer.addListener('Https', { port: 443, certificates: [certificate], open: false });
    loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443, open: false });
    const serverTargets = new elbv2.ApplicationTargetGroup(this, 'ServerTargets', {
      vpc,
      port: 4646,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      targets: [servers],
      healthCheck: { path: '/v1/agent/health', protocol: elbv2.Protocol.HTTPS },
    });
    listener.addTargetGroups('Servers', { targetGroups: [serverTargets] });
    listener.addTargetGroups('Grafana', {
      priority: 10,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/grafana', '/grafana/*'])],
      targetGroups: [
        new elbv2.ApplicationTargetGroup(this, 'GrafanaTargets', {
          vpc,
          port: 3000,
          protocol: elbv2.ApplicationProtocol.HTTP,
          targets: [observability],
        }),
      ],
    });
    listener.addTargetGroups('Ingress', {
      priority: 20,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/'])],
      targetGroups: [
        new elbv2.ApplicationTargetGroup(this, 'IngressTargets', {
          vpc,
          port: 8080,
          protocol: elbv2.ApplicationProtocol.HTTP,
          targets: [general],
        }),
      ],
    });

    // Custom resources: two one-shot functions, and two providers that poll (jobs, images).
    const bundles = join(constructsDir, 'lib', 'lambda');
    const handler = (handlerId: string, bundle: string) => {
      const fn = new lambda.Function(this, handlerId, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromAsset(join(bundles, bundle)),
        vpc,
        timeout: Duration.minutes(5),
        logGroup: logGroup(`${handlerId}Logs`),
      });
      key.grantDecrypt(fn);
      return fn;
    };
    for (const [handlerId, bundle] of [
      ['KeyMaterial', 'cluster-secrets'],
      ['AclBootstrap', 'acl-bootstrap'],
    ] as const) {
      new CustomResource(this, `${handlerId}Resource`, { serviceToken: handler(handlerId, bundle).functionArn });
    }
    const provider = (providerId: string, bundle: string) =>
      new cr.Provider(this, providerId, {
        onEventHandler: handler(`${providerId}OnEvent`, bundle),
        isCompleteHandler: handler(`${providerId}IsComplete`, bundle),
        queryInterval: Duration.seconds(15),
        totalTimeout: Duration.minutes(30),
      });
    const jobs = provider('Jobs', 'nomad-job');
    for (const job of ['HelloWorld', 'Trainer', 'Prometheus', 'Grafana', 'Traefik']) {
      new CustomResource(this, `${job}Job`, { serviceToken: jobs.serviceToken, properties: { Job: job } });
    }
    const images = provider('Images', 'nomad-image');
    for (const [imageId, context] of [
      ['HelloWorld', helloWorldAppImageContext()],
      ['Trainer', trainerImageContext()],
    ] as const) {
      const asset = new ecrAssets.DockerImageAsset(this, `${imageId}Image`, {
        directory: context.directory,
        ...context.buildOptions,
        platform: ecrAssets.Platform.custom('linux/arm64'),
      });
      new CustomResource(this, `${imageId}Publish`, {
        serviceToken: images.serviceToken,
        properties: { Source: asset.imageUri },
      });
    }

    const topic = new sns.Topic(this, 'Alarms', { masterKey: key });
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard');
    for (let index = 0; index < 14; index++) {
      const metric = new cloudwatch.Metric({
        namespace: 'Nomad',
        metricName: `metric${index}`,
        dimensionsMap: { NomadCluster: 'plain' },
      });
      const alarm = metric.createAlarm(this, `Alarm${index}`, { threshold: 1, evaluationPeriods: 3 });
      alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
      dashboard.addWidgets(new cloudwatch.GraphWidget({ title: `metric ${index}`, left: [metric] }));
    }
  }
}
