import { Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';

/** The sizes the reference app deploys, chosen with `-c nomad:profile=<name>`. */
export const PROFILE_NAMES = ['default', 'production'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** One client pool's size. */
export interface PoolSize {
  /** Most preferred first; one architecture. */
  readonly instanceTypes: ec2.InstanceType[];
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly volumeSize: Size;
  /**
   * Instances above `onDemandBaseCapacity` run on Spot.
   *
   * @default false
   */
  readonly spot?: boolean;
  /**
   * Instances that are always On-Demand (with `spot`).
   *
   * @default 0
   */
  readonly onDemandBaseCapacity?: number;
}

/** What differs between the profiles: instance types, counts, volumes and the NAT. */
export interface ReferenceProfile {
  readonly name: ProfileName;
  readonly serverInstanceType: ec2.InstanceType;
  readonly serverVolumeSize: Size;
  /** hello-world and the Traefik ingress, spread over zones. */
  readonly general: PoolSize;
  /** The trainer's batch runs, on Spot. */
  readonly spot: PoolSize;
  /** Prometheus, the Pushgateway and Grafana. */
  readonly observability: PoolSize;
  /** Prometheus's memory reservation, MiB. */
  readonly prometheusMemoryMiB: number;
  /** The most disk Prometheus's samples take on the observability pool's volume, GiB. */
  readonly prometheusRetentionGiB: number;
  /** One NAT instance (aws-cdk-lib's NatInstanceProviderV2) or one NAT gateway. */
  readonly nat: { readonly kind: 'instance'; readonly instanceType: ec2.InstanceType } | { readonly kind: 'gateway' };
  /** CPU architecture of every node: the sample images are built for it. */
  readonly architecture: ec2.InstanceArchitecture;
}

const type = (name: string) => new ec2.InstanceType(name);

/**
 * The default profile: the cost goal at the seed topology's availability (3 servers over 3 zones,
 * 2 clients over 2 zones for the service, an HTTPS UI). Graviton burstable instances (servers
 * 2 vCPU/1 GiB, clients 2 vCPU/2 GiB); the service's second client, the batch pool and the
 * observability pool on Spot (the first service client stays On-Demand, so an interruption never
 * takes both); one NAT instance instead of a NAT gateway ($7.36/month against $36.50 with its
 * address, and no $0.045/GB processing charge); small gp3 volumes.
 */
export const DEFAULT_PROFILE: ReferenceProfile = {
  name: 'default',
  serverInstanceType: type('t4g.micro'),
  // Raft data of a cluster this size is megabytes; Nomad's own logs rotate at 500 MB.
  serverVolumeSize: Size.gibibytes(8),
  general: {
    instanceTypes: [type('t4g.small')],
    minCapacity: 2,
    maxCapacity: 3,
    volumeSize: Size.gibibytes(20),
    spot: true,
    onDemandBaseCapacity: 1,
  },
  spot: {
    instanceTypes: [type('t4g.small'), type('t4g.medium')],
    minCapacity: 1,
    maxCapacity: 4,
    // The trainer's image and a run's data.
    volumeSize: Size.gibibytes(16),
    spot: true,
  },
  observability: {
    instanceTypes: [type('t4g.small'), type('t4g.medium')],
    minCapacity: 1,
    maxCapacity: 2,
    volumeSize: Size.gibibytes(20),
    spot: true,
  },
  prometheusMemoryMiB: 512,
  prometheusRetentionGiB: 5,
  nat: { kind: 'instance', instanceType: type('t4g.nano') },
  architecture: ec2.InstanceArchitecture.ARM_64,
};

/**
 * The production profile: general-purpose instances (servers 2 vCPU/8 GiB as HashiCorp sizes small
 * production servers), larger volumes, On-Demand observability and a managed NAT gateway.
 */
export const PRODUCTION_PROFILE: ReferenceProfile = {
  name: 'production',
  serverInstanceType: type('m7g.large'),
  serverVolumeSize: Size.gibibytes(50),
  general: { instanceTypes: [type('m7g.large')], minCapacity: 2, maxCapacity: 4, volumeSize: Size.gibibytes(100) },
  spot: {
    instanceTypes: [type('m7g.large'), type('m6g.large'), type('c7g.large')],
    minCapacity: 1,
    maxCapacity: 6,
    volumeSize: Size.gibibytes(100),
    spot: true,
  },
  observability: {
    instanceTypes: [type('m7g.large')],
    minCapacity: 1,
    maxCapacity: 2,
    volumeSize: Size.gibibytes(100),
    spot: false,
  },
  prometheusMemoryMiB: 1024,
  prometheusRetentionGiB: 20,
  nat: { kind: 'gateway' },
  architecture: ec2.InstanceArchitecture.ARM_64,
};

/** The profile of `-c nomad:profile=<name>` (default: `default`); an unknown name is an error naming the allowed ones. */
export function profileFromContext(scope: Construct): ReferenceProfile {
  const raw: unknown = scope.node.tryGetContext('nomad:profile');
  if (raw === undefined || raw === '' || raw === 'default') {
    return DEFAULT_PROFILE;
  }
  if (raw === 'production') {
    return PRODUCTION_PROFILE;
  }
  throw new Error(
    `nomad:profile: expected one of ${PROFILE_NAMES.join(', ')}, received ${JSON.stringify(raw)}. Run with -c nomad:profile=production, or without it for the default.`,
  );
}
