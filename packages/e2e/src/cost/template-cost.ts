import { type PriceTable, US_EAST_1_PRICES, USAGE_NOT_PRICED } from './price-table';

/** A CloudFormation template, as far as pricing reads it. */
export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, CfnResource>>;
}

/** The parts of `AWS::AutoScaling::AutoScalingGroup.MixedInstancesPolicy` that decide the price. */
interface MixedInstancesPolicy {
  readonly LaunchTemplate?: {
    readonly LaunchTemplateSpecification?: { readonly LaunchTemplateId?: unknown };
    readonly Overrides?: ReadonlyArray<{ readonly InstanceType?: string }>;
  };
  readonly InstancesDistribution?: {
    readonly OnDemandBaseCapacity?: number | string;
    readonly OnDemandPercentageAboveBaseCapacity?: number | string;
  };
}

interface AlarmMetric {
  readonly MetricStat?: { readonly Period?: number | string };
}

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

/** One priced resource. */
export interface CostLine {
  /** The construct path (`aws:cdk:path` metadata) or, without it, the logical id. */
  readonly resource: string;
  readonly type: string;
  /** What is paid for, e.g. `2 x t4g.small On-Demand`. */
  readonly quantity: string;
  /** Monthly list price, rounded to cents. */
  readonly monthly: number;
}

export interface TemplateCost {
  readonly region: string;
  readonly priceDate: string;
  readonly currency: 'USD';
  /** The sum of `lines`, rounded to cents. */
  readonly total: number;
  /** Sorted by price, highest first; ties by resource. */
  readonly lines: readonly CostLine[];
  /** How the figures were computed. */
  readonly assumptions: readonly string[];
  /** Resource types of the template without a fixed monthly price in the table (usage-priced or unknown). */
  readonly notPriced: readonly string[];
}

/** Types with no fixed monthly charge (free, or priced by use only: see USAGE_NOT_PRICED). */
const NO_FIXED_PRICE = new Set([
  'AWS::AutoScaling::LifecycleHook',
  'AWS::AutoScaling::ScalingPolicy',
  'AWS::CertificateManager::Certificate',
  'AWS::CloudFormation::WaitCondition',
  'AWS::CloudFormation::WaitConditionHandle',
  'AWS::CDK::Metadata',
  'AWS::ECR::Repository',
  'AWS::EC2::FlowLog',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::LaunchTemplate',
  'AWS::EC2::Route',
  'AWS::EC2::RouteTable',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::Subnet',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::VPC',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::Events::Rule',
  'AWS::IAM::InstanceProfile',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::KMS::Alias',
  'AWS::Lambda::Function',
  'AWS::Lambda::Permission',
  'AWS::Logs::LogGroup',
  'AWS::Route53::RecordSet',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::Scheduler::Schedule',
  'AWS::SecretsManager::ResourcePolicy',
  'AWS::SNS::Subscription',
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  'AWS::StepFunctions::StateMachine',
]);

export interface PriceTemplateOptions {
  readonly prices?: PriceTable;
  /** Overrides the table's Spot discount (0 to 1). */
  readonly spotDiscount?: number;
}

/**
 * The monthly list price of what a synthesized template runs before any traffic: instances (by
 * Auto Scaling group capacity, On-Demand and Spot), EBS, NAT gateways, public IPv4 addresses, load
 * balancers, interface endpoints, secrets, KMS keys, alarms and dashboards. Usage-priced charges are
 * named in the assumptions, not estimated. Custom resources are priced by the Lambda functions they
 * run (usage). Throws on an instance or volume type the table does not list, naming it.
 */
export function priceTemplate(template: CfnTemplate, options: PriceTemplateOptions = {}): TemplateCost {
  const prices = options.prices ?? US_EAST_1_PRICES;
  const spotDiscount = options.spotDiscount ?? prices.spotDiscount;
  if (!(spotDiscount >= 0 && spotDiscount < 1)) {
    throw new Error(`spotDiscount: expected a fraction from 0 to below 1 (0.65 = 65% off), received ${spotDiscount}.`);
  }
  const resources = template.Resources ?? {};
  const month = prices.hoursPerMonth;
  const lines: CostLine[] = [];
  const notPriced = new Set<string>();
  const cents = (value: number) => Math.round(value * 100) / 100;
  const add = (id: string, resource: CfnResource, quantity: string, monthly: number) =>
    lines.push({ resource: displayName(id, resource), type: resource.Type, quantity, monthly: cents(monthly) });
  const hourly = (type: string, where: string): number => {
    const price = prices.ec2Hourly[type];
    if (price === undefined) {
      throw new Error(
        `${where}: no price for instance type ${type} in the ${prices.region} table of ${prices.date}. Add it to src/cost/price-table.ts (Linux On-Demand, per hour).`,
      );
    }
    return price;
  };
  const volumes = (mappings: unknown, where: string): { gib: number; monthly: number; text: string } => {
    const list = Array.isArray(mappings) ? (mappings as Array<{ Ebs?: Record<string, unknown> }>) : [];
    const ebs = list.map((mapping) => mapping.Ebs).filter((value) => value !== undefined);
    if (ebs.length === 0) {
      // The AMI's own root volume: Amazon Linux 2023 ships an 8 GiB gp3 snapshot.
      return { gib: 8, monthly: 8 * ebsPrice('gp3', where), text: '8 GiB gp3 (AMI default)' };
    }
    let gib = 0;
    let monthly = 0;
    const parts: string[] = [];
    for (const volume of ebs) {
      const size = Number(volume.VolumeSize ?? 8);
      const type = String(volume.VolumeType ?? 'gp2');
      gib += size;
      monthly += size * ebsPrice(type, where);
      parts.push(`${size} GiB ${type}`);
    }
    return { gib, monthly, text: parts.join(' + ') };
  };
  const ebsPrice = (type: string, where: string): number => {
    const price = prices.ebsGbMonth[type];
    if (price === undefined) {
      throw new Error(
        `${where}: no price for EBS volume type ${type}. Add it to src/cost/price-table.ts (per GB-month).`,
      );
    }
    return price;
  };
  const launchTemplateData = (reference: unknown): Record<string, unknown> => {
    const id = logicalIdOf(reference);
    const data = id === undefined ? undefined : resources[id]?.Properties?.LaunchTemplateData;
    return (data ?? {}) as Record<string, unknown>;
  };

  for (const [id, resource] of Object.entries(resources).sort(([a], [b]) => a.localeCompare(b))) {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::AutoScaling::AutoScalingGroup': {
        const count = Number(props.DesiredCapacity ?? props.MinSize ?? 0);
        const mixed = props.MixedInstancesPolicy as MixedInstancesPolicy | undefined;
        const template =
          mixed?.LaunchTemplate?.LaunchTemplateSpecification ??
          (props.LaunchTemplate as { readonly LaunchTemplateId?: unknown } | undefined);
        const data = launchTemplateData(template?.LaunchTemplateId);
        const overrides = mixed?.LaunchTemplate?.Overrides ?? [];
        const override = overrides[0]?.InstanceType;
        const type = override ?? (data.InstanceType as string | undefined);
        if (type === undefined) {
          throw new Error(`${id}: an Auto Scaling group without an instance type the template names.`);
        }
        const distribution = mixed?.InstancesDistribution ?? {};
        const base = Math.min(count, Number(distribution.OnDemandBaseCapacity ?? 0));
        const percentage = mixed === undefined ? 100 : Number(distribution.OnDemandPercentageAboveBaseCapacity ?? 100);
        // Auto Scaling rounds the On-Demand share up.
        const onDemand = base + Math.ceil(((count - base) * percentage) / 100);
        const spot = count - onDemand;
        const price = hourly(type, id);
        const disks = volumes(data.BlockDeviceMappings, id);
        const parts = [
          onDemand > 0 ? `${onDemand} x ${type} On-Demand` : '',
          spot > 0 ? `${spot} x ${type} Spot` : '',
        ].filter((part) => part !== '');
        add(
          id,
          resource,
          `${parts.join(' + ') || `0 x ${type}`}${overrides.length > 1 ? ' (first of its types)' : ''}, ${disks.text} each`,
          (onDemand * price + spot * price * (1 - spotDiscount)) * month + count * disks.monthly,
        );
        break;
      }
      case 'AWS::EC2::Instance': {
        const data = launchTemplateData(
          (props.LaunchTemplate as Record<string, unknown> | undefined)?.LaunchTemplateId,
        );
        const type = (props.InstanceType ?? data.InstanceType) as string | undefined;
        if (type === undefined) {
          throw new Error(`${id}: an instance without an instance type the template names.`);
        }
        const disks = volumes(props.BlockDeviceMappings ?? data.BlockDeviceMappings, id);
        const interfaces = (props.NetworkInterfaces ?? []) as Array<Record<string, unknown>>;
        const publicIp = interfaces.some((value) => value.AssociatePublicIpAddress === true);
        add(
          id,
          resource,
          `1 x ${type} On-Demand, ${disks.text}${publicIp ? ', 1 public IPv4' : ''}`,
          hourly(type, id) * month + disks.monthly + (publicIp ? prices.publicIpv4Hourly * month : 0),
        );
        break;
      }
      case 'AWS::EC2::NatGateway':
        add(id, resource, '1 NAT gateway (hours)', prices.natGatewayHourly * month);
        break;
      case 'AWS::EC2::EIP':
        add(id, resource, '1 public IPv4', prices.publicIpv4Hourly * month);
        break;
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        const zones = Array.isArray(props.Subnets)
          ? props.Subnets.length
          : Array.isArray(props.SubnetMappings)
            ? props.SubnetMappings.length
            : 2;
        const internetFacing = (props.Scheme ?? 'internet-facing') === 'internet-facing';
        const ipv4 = internetFacing && props.IpAddressType !== 'dualstack-without-public-ipv4' ? zones : 0;
        add(
          id,
          resource,
          `1 ${String(props.Type ?? 'application')} load balancer (hours)${ipv4 > 0 ? `, ${ipv4} public IPv4 (one per zone)` : ''}`,
          prices.loadBalancerHourly * month + ipv4 * prices.publicIpv4Hourly * month,
        );
        break;
      }
      case 'AWS::EC2::VPCEndpoint': {
        if (props.VpcEndpointType === 'Interface') {
          const zones = Array.isArray(props.SubnetIds) ? props.SubnetIds.length : 1;
          add(
            id,
            resource,
            `interface endpoint in ${zones} zone(s)`,
            zones * prices.interfaceEndpointHourlyPerAz * month,
          );
        } else {
          add(id, resource, 'gateway endpoint (free)', 0);
        }
        break;
      }
      case 'AWS::SecretsManager::Secret':
        add(id, resource, '1 secret', prices.secretMonthly);
        break;
      case 'AWS::KMS::Key':
        add(id, resource, '1 customer managed key', prices.kmsKeyMonthly);
        break;
      case 'AWS::CloudWatch::Alarm': {
        const stats = Array.isArray(props.Metrics)
          ? (props.Metrics as AlarmMetric[]).filter((metric) => metric.MetricStat !== undefined)
          : undefined;
        const metrics = stats?.length ?? 1;
        const periods = stats?.map((metric) => Number(metric.MetricStat?.Period ?? 60)) ?? [Number(props.Period ?? 60)];
        const highResolution = periods.some((period) => period < 60);
        const unit = highResolution ? prices.highResolutionAlarmMetricMonthly : prices.alarmMetricMonthly;
        add(id, resource, `alarm on ${metrics} metric(s)${highResolution ? ', high resolution' : ''}`, metrics * unit);
        break;
      }
      case 'AWS::CloudWatch::CompositeAlarm':
        add(id, resource, '1 composite alarm', prices.compositeAlarmMonthly);
        break;
      case 'AWS::CloudWatch::Dashboard':
        add(id, resource, '1 dashboard', prices.dashboardMonthly);
        break;
      case 'AWS::Route53::HostedZone':
        add(id, resource, '1 hosted zone', prices.hostedZoneMonthly);
        break;
      default:
        if (!NO_FIXED_PRICE.has(resource.Type) && !resource.Type.startsWith('Custom::')) {
          notPriced.add(resource.Type);
        }
    }
  }
  lines.sort((a, b) => b.monthly - a.monthly || a.resource.localeCompare(b.resource));
  return {
    region: prices.region,
    priceDate: prices.date,
    currency: prices.currency,
    total: cents(lines.reduce((sum, line) => sum + line.monthly, 0)),
    lines,
    assumptions: [
      `list prices of ${prices.region} (Linux, On-Demand) read on ${prices.date}, in ${prices.currency}`,
      `${prices.hoursPerMonth} hours per month, every resource running all month`,
      'Auto Scaling groups at their desired capacity (or their minimum when none is set), priced at their first instance type',
      `Spot instances at ${Math.round(spotDiscount * 100)}% below On-Demand`,
      'one public IPv4 address per zone of an internet-facing load balancer (more when it scales out)',
      'before traffic: charges that grow with use are not included, namely',
      ...USAGE_NOT_PRICED.map((item) => `  - ${item}`),
    ],
    notPriced: [...notPriced].sort(),
  };
}

function logicalIdOf(reference: unknown): string | undefined {
  if (typeof reference !== 'object' || reference === null) {
    return undefined;
  }
  const value = reference as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
  if (typeof value.Ref === 'string') {
    return value.Ref;
  }
  const getAtt = value['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

function displayName(id: string, resource: CfnResource): string {
  const path = resource.Metadata?.['aws:cdk:path'];
  if (typeof path !== 'string') {
    return id;
  }
  // Drop the stack name and the L1 child ("Resource", "Default"): the construct a reader recognizes.
  return path
    .split('/')
    .slice(1)
    .filter((part, index, parts) => !(index === parts.length - 1 && (part === 'Resource' || part === 'Default')))
    .join('/');
}

/** The cost as a table: one row per resource, the total, the assumptions. */
export function formatCost(cost: TemplateCost, title: string): string {
  const money = (value: number) => `$${value.toFixed(2)}`;
  const rows = cost.lines.map((line) => [line.resource, line.quantity, money(line.monthly)] as const);
  const width = (index: 0 | 1 | 2, header: string) => Math.max(header.length, ...rows.map((row) => row[index].length));
  const widths = [width(0, 'Resource'), width(1, 'What'), width(2, 'Per month')] as const;
  const row = (cells: readonly [string, string, string]) =>
    `${cells[0].padEnd(widths[0])}  ${cells[1].padEnd(widths[1])}  ${cells[2].padStart(widths[2])}`;
  const rule = '-'.repeat(widths[0] + widths[1] + widths[2] + 4);
  return [
    title,
    '',
    row(['Resource', 'What', 'Per month']),
    rule,
    ...rows.map(row),
    rule,
    row(['Total', '', money(cost.total)]),
    '',
    'Assumptions:',
    ...cost.assumptions.map((assumption) => (assumption.startsWith('  ') ? `  ${assumption}` : `  - ${assumption}`)),
    ...(cost.notPriced.length > 0
      ? ['', `Not priced (no fixed monthly price in the table): ${cost.notPriced.join(', ')}`]
      : []),
  ].join('\n');
}
