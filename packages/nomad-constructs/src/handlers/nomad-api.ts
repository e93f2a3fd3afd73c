import { request } from 'node:https';

/** Where a cluster's HTTP API answers, and how to trust it. */
export interface NomadEndpoint {
  /** Server addresses (private IPs), tried in order. Any server forwards writes to the leader. */
  readonly addresses: readonly string[];
  readonly port: number;
  /** The cluster CA bundle (PEM): the servers' certificates must chain to it. */
  readonly ca: string;
  /** The name the servers' certificates carry (`server.<region>.nomad`): checked instead of the IP. */
  readonly serverName: string;
  /** Per-request timeout. @default 10 s */
  readonly timeoutMs?: number;
}

/** An HTTP answer of the API. */
export interface NomadResponse {
  readonly status: number;
  readonly body: string;
}

/** No server answered (connection refused, reset, TLS failure or timeout on every address). */
export class NomadUnreachableError extends Error {
  public override readonly name = 'NomadUnreachableError';
}

export interface NomadRequestOptions {
  /** The ACL token (`X-Nomad-Token`); none for anonymous requests. */
  readonly token?: string;
  readonly body?: unknown;
}

/**
 * A minimal client of Nomad's HTTP API over TLS, verifying the servers' certificates against the
 * cluster CA and the name `server.<region>.nomad` (the certificates carry no IP addresses but
 * 127.0.0.1).
 */
export class NomadApi {
  public constructor(private readonly endpoint: NomadEndpoint) {}

  public async request(method: string, path: string, options: NomadRequestOptions = {}): Promise<NomadResponse> {
    const failures: string[] = [];
    for (const address of this.endpoint.addresses) {
      try {
        return await this.send(address, method, path, options);
      } catch (error) {
        failures.push(`${address}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    throw new NomadUnreachableError(
      `no Nomad server answered ${method} ${path} on port ${this.endpoint.port} (${failures.join('; ') || 'no addresses'})`,
    );
  }

  private send(address: string, method: string, path: string, options: NomadRequestOptions): Promise<NomadResponse> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: address,
          port: this.endpoint.port,
          method,
          path,
          ca: this.endpoint.ca,
          servername: this.endpoint.serverName,
          rejectUnauthorized: true,
          timeout: this.endpoint.timeoutMs ?? 10_000,
          headers: {
            accept: 'application/json',
            ...(options.token === undefined ? {} : { 'x-nomad-token': options.token }),
            ...(body === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end(body);
    });
  }
}
