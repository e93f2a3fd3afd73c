import { Check, Duration, Job, Port, Size } from '@org/jobspec-builder';
import { NomadPorts } from '../cluster/nomad-ports';
import { NomadError } from '../errors';
import { fetchSecretTask } from '../observability/jobs/job-parts';

/** The Traefik image the ingress runs, pinned by tag. */
export const DEFAULT_TRAEFIK_IMAGE = 'docker.io/library/traefik:v3.5.3';

/** The port Traefik listens on for the load balancer, on every client of its pool (host networking). */
export const DEFAULT_INGRESS_PORT = 8080;

/** Traefik's health endpoint on the ingress entry point (`--ping`). */
export const TRAEFIK_PING_PATH = '/ping';

/** Options of {@link traefikJob}. */
export interface TraefikJobOptions {
  /** @default 'traefik' */
  readonly id?: string;
  /** The node pool whose every client runs Traefik. */
  readonly nodePool: string;
  /** @default ['*'] */
  readonly datacenters?: readonly string[];
  /** The port Traefik listens on, on each client. @default 8080 */
  readonly port?: number;
  /** The secret holding the cluster CA (PEM): Traefik checks the local agent's certificate with it. */
  readonly caSecretArn: string;
  readonly awsRegion: string;
  /** Namespaces whose services Traefik routes to. @default ['default'] */
  readonly namespaces?: readonly string[];
  /** The networks whose `X-Forwarded-*` headers Traefik keeps (the load balancer's subnets). */
  readonly trustedCidrs: readonly string[];
  /** @default DEFAULT_TRAEFIK_IMAGE */
  readonly image?: string;
  /** The AWS CLI image of the prestart task that reads the CA. @default - the observability jobs' */
  readonly awsCliImage?: string;
}

/**
 * Traefik as a Nomad system job: one instance on every client of a node pool, on a static port with
 * host networking, routing by the `traefik.*` tags of Nomad services (Nomad's native service
 * discovery, `provider = "nomad"`: no Consul). It reads the service catalog from the local agent
 * over TLS (the cluster CA, fetched before it starts) with the task's workload identity, whose
 * implicit ACL policy lists and reads service registrations and nothing more. Only services tagged
 * `traefik.enable=true` are exposed. `/ping` on the same port answers the load balancer's health check.
 *
 * @see https://doc.traefik.io/traefik/providers/nomad/
 */
export function traefikJob(options: TraefikJobOptions): Job {
  const id = options.id ?? 'traefik';
  const port = options.port ?? DEFAULT_INGRESS_PORT;
  if (
    !Number.isInteger(port) ||
    port < 1024 ||
    port > 65535 ||
    (port >= NomadPorts.DYNAMIC_MIN && port <= NomadPorts.DYNAMIC_MAX) ||
    [NomadPorts.HTTP, NomadPorts.RPC, NomadPorts.SERF].includes(port)
  ) {
    throw new NomadError(
      'invalid-prop',
      'traefikJob.port',
      `expected a port from 1024 to 65535 outside Nomad's own (4646-4648) and its dynamic range (${NomadPorts.DYNAMIC_MIN}-${NomadPorts.DYNAMIC_MAX}), received ${port}.`,
    );
  }
  const namespaces = options.namespaces ?? ['default'];
  return new Job({
    id,
    type: 'system',
    datacenters: options.datacenters ?? ['*'],
    nodePool: options.nodePool,
    groups: [
      {
        name: 'traefik',
        networks: [{ mode: 'host', ports: [Port.static('http', port)] }],
        services: [
          {
            name: id,
            port: 'http',
            provider: 'nomad',
            checks: [
              Check.http(TRAEFIK_PING_PATH, {
                name: 'ping',
                interval: Duration.seconds(10),
                timeout: Duration.seconds(2),
              }),
            ],
          },
        ],
        restart: { attempts: 3, interval: Duration.minutes(5), delay: Duration.seconds(10), mode: 'delay' },
        update: { maxParallel: 1, healthCheck: 'checks', minHealthyTime: Duration.seconds(10) },
        tasks: [
          fetchSecretTask({
            name: 'fetch-nomad-ca',
            image: options.awsCliImage ?? 'public.ecr.aws/aws-cli/aws-cli:2.31.3',
            secretArn: options.caSecretArn,
            awsRegion: options.awsRegion,
            fileName: 'nomad-ca.pem',
          }),
          {
            name: 'traefik',
            driver: 'docker',
            config: {
              image: options.image ?? DEFAULT_TRAEFIK_IMAGE,
              network_mode: 'host',
              args: [
                `--entryPoints.web.address=:${port}`,
                `--entryPoints.web.forwardedHeaders.trustedIPs=${options.trustedCidrs.join(',')}`,
                '--ping=true',
                '--ping.entryPoint=web',
                '--providers.nomad=true',
                '--providers.nomad.exposedByDefault=false',
                '--providers.nomad.watch=true',
                `--providers.nomad.namespaces=${namespaces.join(',')}`,
                // The local agent serves the API over TLS; its certificate names 127.0.0.1.
                `--providers.nomad.endpoint.address=https://127.0.0.1:${NomadPorts.HTTP}`,
                '--providers.nomad.endpoint.tls.ca=/alloc/nomad-ca.pem',
                // The workload identity (identity { env = true }), interpolated by Nomad.
                '--providers.nomad.endpoint.token=${NOMAD_TOKEN}',
                '--accessLog=true',
                '--log.level=INFO',
              ],
            },
            identities: [{ env: true }],
            resources: { cpu: 200, memory: Size.mebibytes(96), memoryMax: Size.mebibytes(192) },
            // Requests in flight finish before Traefik stops (its default grace period is 10 s).
            killTimeout: Duration.seconds(15),
            logs: { maxFiles: 3, maxFileSize: Size.mebibytes(10) },
          },
        ],
      },
    ],
  });
}
