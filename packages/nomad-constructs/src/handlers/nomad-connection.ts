import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { NomadApiError, NomadClient, type RetryOptions } from '@org/jobspec-builder/client';
import type { ClusterApiAccess } from '../cluster/cluster-api-contract';
import { isPlaceholder, parseTokenSecret } from '../security/secret-formats';
import { CustomResourceError, log } from './custom-resource';
import { readSecret } from './secrets-manager';

/** Where a cluster's servers are and how to trust and authenticate to them. */
export interface ClusterEndpoint {
  /** The servers' cloud auto-join tag. */
  readonly tagKey: string;
  readonly tagValue: string;
  readonly port: number;
  /** The Nomad region: the servers' certificates name `server.<region>.nomad`. */
  readonly nomadRegion: string;
  readonly caSecretArn: string;
  /** An ACL token secret (JSON `accessorId`, `secretId`). */
  readonly tokenSecretArn: string;
}

/** The endpoint of a function configured with {@link ClusterApiAccess} (node drain, snapshots). */
export function endpointOf(access: ClusterApiAccess): ClusterEndpoint {
  return {
    tagKey: access.serverTagKey,
    tagValue: access.serverTagValue,
    port: access.httpPort,
    nomadRegion: access.nomadRegion,
    caSecretArn: access.caSecretArn,
    tokenSecretArn: access.tokenSecretArn,
  };
}

/** The AWS clients a connection needs (tests pass mocked ones). */
export interface ConnectionClients {
  readonly secrets: SecretsManagerClient;
  readonly ec2: EC2Client;
}

/** Test hooks of the Nomad client. */
export interface ConnectionOptions {
  /** Addresses to use instead of `<private IP>:<port>` (tests point them at loopback). */
  readonly addressOf?: (privateIp: string, port: number) => string;
  /** Per-request timeout. @default 30 s */
  readonly requestTimeoutMs?: number;
  /** The largest answer accepted (a snapshot can be large). @default - the client's default (64 MiB) */
  readonly maxResponseBytes?: number;
}

/**
 * A connection to the cluster's HTTP API with `@org/jobspec-builder`'s `NomadClient`: the servers
 * found by their tag, their certificates verified against the cluster CA and the name
 * `server.<region>.nomad`, with a token read from Secrets Manager. A call that gets no answer from
 * one server is tried on the next when it is safe to repeat.
 *
 * The token is only ever in the client's request header: never in a log line or an error message.
 */
export class NomadConnection {
  /**
   * Opens a connection, or returns undefined when no server runs (the cluster is gone).
   */
  public static async open(
    endpoint: ClusterEndpoint,
    clients: ConnectionClients,
    options: ConnectionOptions = {},
  ): Promise<NomadConnection | undefined> {
    const addresses = await serverAddresses(clients.ec2, endpoint.tagKey, endpoint.tagValue);
    if (addresses.length === 0) {
      return undefined;
    }
    const ca = await readSecret(clients.secrets, endpoint.caSecretArn);
    if (ca === undefined || isPlaceholder(ca)) {
      throw new CustomResourceError(`the cluster CA certificate in ${endpoint.caSecretArn} has not been generated yet`);
    }
    const token = parseTokenSecret(await readSecret(clients.secrets, endpoint.tokenSecretArn));
    if (token === undefined) {
      throw new CustomResourceError(
        `the deployer token in ${endpoint.tokenSecretArn} has not been created yet: the cluster's ACL resource (Custom::NomadAcl) writes it; deploy it first`,
      );
    }
    const nomadClients = serverClients(addresses, {
      port: endpoint.port,
      ca,
      nomadRegion: endpoint.nomadRegion,
      token: token.secretId,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      ...(options.addressOf === undefined ? {} : { addressOf: options.addressOf }),
      ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
      // One quick retry on the same server, then the next server: a stopped server costs little.
      retry: { maxAttempts: 2, baseDelayMs: 100 },
    });
    return new NomadConnection(nomadClients);
  }

  private current = 0;

  private constructor(private readonly clients: readonly NomadClient[]) {}

  /**
   * Runs a call on the current server. With `failover` (calls safe to repeat: reads, plan,
   * deregister) a call that gets no answer is tried on the other servers in turn.
   */
  public async call<T>(run: (client: NomadClient) => Promise<T>, options: { failover: boolean }): Promise<T> {
    const attempts = options.failover ? this.clients.length : 1;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const client = this.clients[this.current] as NomadClient;
      try {
        return await run(client);
      } catch (error) {
        lastError = error;
        if (!isNoAnswer(error) || attempt === attempts - 1) {
          throw error;
        }
        log('warn', 'no answer from a server: trying the next one', { server: client.address });
        this.current = (this.current + 1) % this.clients.length;
      }
    }
    throw lastError;
  }

  public close(): void {
    for (const client of this.clients) {
      client.close();
    }
  }
}

/** Whether the call got no HTTP answer at all (the request may or may not have reached Nomad). */
export function isNoAnswer(error: unknown): boolean {
  return error instanceof NomadApiError && error.code === 'connection';
}

/** How to reach and trust the servers. */
export interface ServerClientOptions {
  readonly port: number;
  /** The cluster CA bundle (PEM): the servers' certificates must chain to it. */
  readonly ca: string;
  /** The Nomad region: the servers' certificates carry `server.<region>.nomad`, checked instead of the IP. */
  readonly nomadRegion: string;
  /** @default - none: anonymous requests (a call may give its own) */
  readonly token?: string;
  readonly requestTimeoutMs: number;
  readonly retry: RetryOptions;
  /** @default - `https://<private IP>:<port>` */
  readonly addressOf?: (privateIp: string, port: number) => string;
  /** @default - the client's default */
  readonly maxResponseBytes?: number;
}

/** One `NomadClient` per server, in the order of `addresses`. */
export function serverClients(addresses: readonly string[], options: ServerClientOptions): NomadClient[] {
  const addressOf = options.addressOf ?? ((ip: string, port: number) => `https://${ip}:${port}`);
  return addresses.map(
    (ip) =>
      new NomadClient({
        address: addressOf(ip, options.port),
        caCertPem: options.ca,
        tlsServerName: `server.${options.nomadRegion}.nomad`,
        ...(options.token === undefined ? {} : { token: options.token }),
        requestTimeoutMs: options.requestTimeoutMs,
        ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
        retry: options.retry,
      }),
  );
}

/** The private IPs of the running servers, found by the tag cloud auto-join uses. */
export async function serverAddresses(ec2: EC2Client, tagKey: string, tagValue: string): Promise<string[]> {
  const result = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: `tag:${tagKey}`, Values: [tagValue] },
        { Name: 'instance-state-name', Values: ['running'] },
      ],
    }),
  );
  return (result.Reservations ?? [])
    .flatMap((reservation) => reservation.Instances ?? [])
    .map((instance) => instance.PrivateIpAddress)
    .filter((address): address is string => address !== undefined)
    .sort();
}
