import { Annotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { NomadError } from '../errors';
import { acceptUiFindings } from '../nag/reviewed-findings';
import { NomadPorts } from './nomad-ports';
import type { NomadServers } from './nomad-servers';

/** Options for the HTTPS load balancer in front of the Nomad API and UI. */
export interface NomadUiOptions {
  /**
   * Whether the load balancer has a public DNS name in public subnets. Then `allowedCidrs` is required.
   *
   * @default false (internal, reachable from the VPC)
   */
  readonly internetFacing?: boolean;
  /**
   * The networks that may reach the UI and API (IPv4 or IPv6 CIDRs). Required when internet-facing:
   * nothing is open to the whole internet unless `0.0.0.0/0` is listed, which is reported as a warning.
   *
   * @default - the VPC's CIDR, for an internal load balancer
   */
  readonly allowedCidrs?: string[];
  /**
   * The certificate the load balancer presents.
   *
   * @default - a certificate for `domainName`, validated by DNS in `hostedZone`
   */
  readonly certificate?: acm.ICertificate;
  /**
   * The UI's domain name, e.g. `nomad.example.com`. With `hostedZone`, an alias record is created
   * (and the certificate, when none is given).
   *
   * @default - the load balancer's own DNS name (then `certificate` must be valid for it)
   */
  readonly domainName?: string;
  /**
   * The public hosted zone of `domainName`.
   *
   * @default - no DNS record; point `domainName` at the load balancer yourself
   */
  readonly hostedZone?: route53.IHostedZone;
  /**
   * How long an idle connection stays open. Nomad's blocking queries wait up to 5 minutes (10 at
   * most) and `alloc exec` sessions sit idle between keystrokes, so the ALB default of 60 s cuts them.
   *
   * @default Duration.hours(1)
   */
  readonly idleTimeout?: Duration;
  /**
   * The TLS policy of the HTTPS listener.
   *
   * @default elbv2.SslPolicy.RECOMMENDED_TLS (TLS 1.2 and 1.3)
   */
  readonly sslPolicy?: elbv2.SslPolicy;
  /**
   * Where the load balancer runs.
   *
   * @default - public subnets when internet-facing, private subnets otherwise
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Whether the load balancer refuses to be deleted (turn it off and deploy before `cdk destroy`).
   *
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Where the load balancer writes its access logs (who called the API, from where, with what
   * result): a bucket of yours with an optional key prefix, or `false` for none. Load balancer
   * access logs support only SSE-S3 encryption, not SSE-KMS.
   *
   * @default - a new bucket: SSE-S3, TLS only, no public access, versioned, objects expire after
   *   365 days, retained when the stack is deleted. In a stack without a region
   *   (environment-agnostic) there are none, with a warning: ELB delivers logs from a per-region account.
   */
  readonly accessLogs?: NomadUiAccessLogs | false;
}

/** Where the UI load balancer writes its access logs. */
export interface NomadUiAccessLogs {
  readonly bucket: s3.IBucket;
  /**
   * Key prefix of the log objects.
   *
   * @default - none
   */
  readonly prefix?: string;
}

/** Props of {@link NomadUi}. */
export interface NomadUiProps extends NomadUiOptions {
  readonly vpc: ec2.IVpc;
  /** The servers behind the load balancer. */
  readonly servers: NomadServers;
}

/**
 * An Application Load Balancer in front of the Nomad servers' HTTP API and UI: HTTPS only (HTTP
 * redirects), TLS 1.2+, websockets for `alloc exec`, an idle timeout that fits blocking queries, and
 * access limited to the given networks. It re-encrypts to the servers (HTTPS to port 4646, where
 * Nomad serves its certificate from the cluster CA; the load balancer does not validate target
 * certificates, and Nomad asks for no client certificate on HTTP). The servers' health check is
 * `/v1/agent/health` over HTTPS, which needs no ACL token.
 */
export class NomadUi extends Construct implements ec2.IConnectable {
  /** The load balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The bucket of the load balancer's access logs, unless `accessLogs` is `false`. */
  public readonly accessLogsBucket?: s3.IBucket;
  /** The target group of the servers. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The HTTPS listener. */
  public readonly listener: elbv2.ApplicationListener;
  /** The certificate the load balancer presents. */
  public readonly certificate: acm.ICertificate;
  /** The URL of the UI and API, `https://<domainName or load balancer DNS name>`: the `NOMAD_ADDR`. */
  public readonly url: string;
  /** Connections to the load balancer (port 443). */
  public readonly connections: ec2.Connections;

  public constructor(scope: Construct, id: string, props: NomadUiProps) {
    super(scope, id);
    const path = this.node.path;
    const internetFacing = props.internetFacing ?? false;
    const certificate = this.resolveCertificate(props, path);
    const allowedCidrs = this.resolveAllowedCidrs(props, internetFacing, path);
    const idleTimeout = props.idleTimeout ?? Duration.hours(1);
    if (
      !Token.isUnresolved(idleTimeout.toSeconds()) &&
      (idleTimeout.toSeconds() < 1 || idleTimeout.toSeconds() > 4000)
    ) {
      throw new NomadError(
        'invalid-prop',
        `${path}.idleTimeout`,
        `expected 1 to 4000 seconds (the ALB limits), received ${idleTimeout.toSeconds()} seconds.`,
      );
    }

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Nomad UI load balancer: HTTPS from the allowed networks only',
      allowAllOutbound: false,
    });
    for (const cidr of allowedCidrs) {
      const peer = cidr.includes(':') ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr);
      securityGroup.addIngressRule(peer, ec2.Port.tcp(443), 'HTTPS to the Nomad UI and API');
      securityGroup.addIngressRule(peer, ec2.Port.tcp(80), 'HTTP, redirected to HTTPS');
    }
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing,
      securityGroup,
      vpcSubnets: props.subnets ?? {
        subnetType: internetFacing ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS,
      },
      idleTimeout,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? true,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(443) });
    // ELB writes access logs as a per-region AWS account, so CDK needs the stack's region for the bucket policy.
    const regionKnown = !Token.isUnresolved(Stack.of(this).region);
    if (props.accessLogs !== undefined && props.accessLogs !== false && !regionKnown) {
      throw new NomadError(
        'invalid-prop',
        `${path}.accessLogs`,
        'load balancer access logs need the stack region (ELB delivers them from a per-region account): set env.region on the stack, or pass accessLogs: false.',
      );
    }
    if (props.accessLogs !== false && regionKnown) {
      const accessLogs = props.accessLogs ?? { bucket: this.createAccessLogsBucket() };
      this.loadBalancer.logAccessLogs(accessLogs.bucket, accessLogs.prefix);
      this.accessLogsBucket = accessLogs.bucket;
    } else if (props.accessLogs === undefined) {
      Annotations.of(this).addWarningV2(
        '@org/nomad-constructs:uiAccessLogsNeedRegion',
        'The UI load balancer keeps no access logs: this stack has no region (environment-agnostic), which ELB access logs need. Set env.region on the stack to get them, or pass accessLogs: false to silence this.',
      );
    }

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Servers', {
      vpc: props.vpc,
      port: NomadPorts.HTTP,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      targetType: elbv2.TargetType.INSTANCE,
      targets: [props.servers.autoScalingGroup],
      healthCheck: {
        protocol: elbv2.Protocol.HTTPS,
        path: '/v1/agent/health',
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
      deregistrationDelay: Duration.seconds(30),
    });
    this.listener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [certificate],
      sslPolicy: props.sslPolicy ?? elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultTargetGroups: [this.targetGroup],
      open: false,
    });
    this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443, open: false });
    // The load balancer reaches the servers' HTTP API, and nothing else.
    props.servers.connections.allowFrom(
      this.loadBalancer,
      ec2.Port.tcp(NomadPorts.HTTP),
      'Nomad HTTP API from the UI load balancer',
    );
    this.certificate = certificate;

    if (props.domainName !== undefined && props.hostedZone !== undefined) {
      new route53.ARecord(this, 'AliasRecord', {
        zone: props.hostedZone,
        recordName: props.domainName,
        target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(this.loadBalancer)),
      });
    }
    this.url = `https://${props.domainName ?? this.loadBalancer.loadBalancerDnsName}`;
    acceptUiFindings(this.loadBalancer, props.servers.autoScalingGroup, this.node.tryFindChild('AccessLogs'));
  }

  /** The default access-log bucket: the audit trail of the API outlives the stack. */
  private createAccessLogsBucket(): s3.Bucket {
    return new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Servers that fail `/v1/agent/health`, as the load balancer sees them. */
  public metricUnhealthyServers(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.unhealthyHostCount({ statistic: 'Maximum', ...props });
  }

  /** 5xx responses from the servers. */
  public metricServerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, props);
  }

  private resolveCertificate(props: NomadUiProps, path: string): acm.ICertificate {
    if (props.hostedZone !== undefined && props.domainName === undefined) {
      throw new NomadError(
        'invalid-prop',
        `${path}.hostedZone`,
        'expected domainName with hostedZone, received hostedZone alone. Set the domain name the UI is served on, e.g. nomad.example.com.',
      );
    }
    if (props.certificate !== undefined) {
      return props.certificate;
    }
    if (props.domainName === undefined || props.hostedZone === undefined) {
      throw new NomadError(
        'invalid-prop',
        `${path}.certificate`,
        'expected a certificate, or a domainName and its hostedZone to create one, received neither. The UI is served over HTTPS only.',
      );
    }
    return new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(props.hostedZone),
    });
  }

  private resolveAllowedCidrs(props: NomadUiProps, internetFacing: boolean, path: string): string[] {
    if (props.allowedCidrs === undefined) {
      if (internetFacing) {
        throw new NomadError(
          'invalid-prop',
          `${path}.allowedCidrs`,
          'expected the networks that may reach an internet-facing UI, received none. List them (e.g. your office or VPN range); list "0.0.0.0/0" only if the API must really be open to everyone.',
        );
      }
      return [props.vpc.vpcCidrBlock];
    }
    if (props.allowedCidrs.length === 0) {
      throw new NomadError(
        'invalid-prop',
        `${path}.allowedCidrs`,
        'expected at least one CIDR, received []. Without one, nobody can reach the UI.',
      );
    }
    for (const cidr of props.allowedCidrs) {
      if (!Token.isUnresolved(cidr) && !isCidr(cidr)) {
        throw new NomadError(
          'invalid-prop',
          `${path}.allowedCidrs`,
          `expected IPv4 or IPv6 CIDRs such as "203.0.113.0/24", received ${JSON.stringify(cidr)}.`,
        );
      }
      if (cidr === '0.0.0.0/0' || cidr === '::/0') {
        Annotations.of(this).addWarningV2(
          '@org/nomad-constructs:uiOpenToWorld',
          `The Nomad UI and API accept connections from ${cidr}: anyone can reach them, and try tokens against them.`,
        );
      }
    }
    return props.allowedCidrs;
  }
}

function isCidr(value: string): boolean {
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (ipv4 !== null) {
    const [, ...parts] = ipv4;
    const octets = parts.slice(0, 4).map(Number);
    return octets.every((octet) => octet <= 255) && Number(parts[4]) <= 32;
  }
  const ipv6 = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(value);
  return ipv6 !== null && (ipv6[1] ?? '').includes(':') && Number(ipv6[2]) <= 128;
}
