/**
 * List prices of the AWS resources the reference deployment creates, in one region, as published on
 * the AWS pricing pages on the date below. `nomad-e2e cost` prices a synthesized template with them.
 * Update the date with the figures: the table is deliberately small (what our templates hold).
 */
export interface PriceTable {
  /** When the figures were read from the AWS pricing pages (ISO date). */
  readonly date: string;
  readonly region: string;
  readonly currency: 'USD';
  /** Hours in a billing month, as AWS's own calculator counts them. */
  readonly hoursPerMonth: number;
  /** Linux On-Demand price per instance-hour, by instance type. */
  readonly ec2Hourly: Readonly<Record<string, number>>;
  /** EBS per GB-month, by volume type (gp3 includes 3,000 IOPS and 125 MB/s). */
  readonly ebsGbMonth: Readonly<Record<string, number>>;
  readonly natGatewayHourly: number;
  /** Every public IPv4 address (Elastic IP, a load balancer node, an instance's public IP), in use or not. */
  readonly publicIpv4Hourly: number;
  /** Application and Network Load Balancer hour (capacity units, LCU/NLCU, are usage). */
  readonly loadBalancerHourly: number;
  /** Interface VPC endpoint, per Availability Zone it is in. */
  readonly interfaceEndpointHourlyPerAz: number;
  readonly secretMonthly: number;
  /** Customer managed KMS key (rotated keys add $1 for each of their first two rotations: from year 2). */
  readonly kmsKeyMonthly: number;
  /** Standard-resolution alarm, per metric it evaluates. */
  readonly alarmMetricMonthly: number;
  /** High-resolution (period under 60 s) alarm, per metric. */
  readonly highResolutionAlarmMetricMonthly: number;
  readonly compositeAlarmMonthly: number;
  readonly dashboardMonthly: number;
  readonly hostedZoneMonthly: number;
  /**
   * The Spot discount assumed below On-Demand (0.65: Spot at 35% of On-Demand). Spot prices move with
   * supply and demand; this is a typical saving for the burstable and general-purpose families in
   * us-east-1 as the Spot Instance Advisor shows it, not a quote.
   */
  readonly spotDiscount: number;
}

/** us-east-1 list prices. */
export const US_EAST_1_PRICES: PriceTable = {
  date: '2026-12-01',
  region: 'us-east-1',
  currency: 'USD',
  hoursPerMonth: 730,
  ec2Hourly: {
    // Graviton burstable (the default profile; T4g instances launch in unlimited mode: CPU above
    // the baseline for long costs $0.04 per vCPU-hour, not included).
    't4g.nano': 0.0042,
    't4g.micro': 0.0084,
    't4g.small': 0.0168,
    't4g.medium': 0.0336,
    't4g.large': 0.0672,
    // x86 burstable (the seed topology we compare against).
    't3.nano': 0.0052,
    't3.micro': 0.0104,
    't3.small': 0.0208,
    't3.medium': 0.0416,
    't3.large': 0.0832,
    // General purpose (the production profile).
    'm7g.large': 0.0816,
    'm7g.xlarge': 0.1632,
    'm6g.large': 0.077,
    'm7i.large': 0.1008,
    'm7i.xlarge': 0.2016,
    'm6i.large': 0.096,
    'm5.large': 0.096,
    'c7g.large': 0.0725,
  },
  ebsGbMonth: { gp3: 0.08, gp2: 0.1, st1: 0.045, sc1: 0.015 },
  natGatewayHourly: 0.045,
  publicIpv4Hourly: 0.005,
  loadBalancerHourly: 0.0225,
  interfaceEndpointHourlyPerAz: 0.01,
  secretMonthly: 0.4,
  kmsKeyMonthly: 1,
  alarmMetricMonthly: 0.1,
  highResolutionAlarmMetricMonthly: 0.3,
  compositeAlarmMonthly: 0.5,
  dashboardMonthly: 3,
  hostedZoneMonthly: 0.5,
  spotDiscount: 0.65,
};

/** What a month of the template does not cost here: charges that grow with use, listed with every estimate. */
export const USAGE_NOT_PRICED: readonly string[] = [
  'data transfer out to the internet, and between Availability Zones',
  'NAT gateway data processing ($0.045/GB) or NAT instance traffic',
  'load balancer capacity units (LCU, $0.008 per LCU-hour) beyond idle',
  'S3 storage and requests (data bucket, access logs, assets), ECR image storage ($0.10/GB-month)',
  'CloudWatch Logs ingestion and storage, custom metrics the CloudWatch agents publish ($0.30 per metric-month)',
  'Lambda, Step Functions, EventBridge, SNS and Secrets Manager API calls',
  'T4g CPU credits above the baseline in unlimited mode ($0.04 per vCPU-hour)',
];
