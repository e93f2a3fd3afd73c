import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import { type CertificateAndKey, createCa, createLeaf } from '../../src/handlers/certificates';
import type { CustomResourceEvent } from '../../src/handlers/custom-resource';
import { PLACEHOLDER_TEMPLATE } from '../../src/security/secret-formats';

/** The placeholder a secret holds when CloudFormation creates it. */
export const PLACEHOLDER = JSON.stringify({ ...JSON.parse(PLACEHOLDER_TEMPLATE), nonce: 'abcdefghijklmnop' });

/** An in-memory Secrets Manager behind aws-sdk-client-mock: values by ARN, and every write in order. */
export class FakeSecrets {
  public readonly client = new SecretsManagerClient({ region: 'eu-west-1' });
  public readonly values = new Map<string, string>();
  public readonly writes: { arn: string; value: string }[] = [];
  private readonly mock = mockClient(SecretsManagerClient);

  public constructor(initial: Record<string, string> = {}) {
    for (const [arn, value] of Object.entries(initial)) {
      this.values.set(arn, value);
    }
    this.mock.on(GetSecretValueCommand).callsFake((input: { SecretId: string }) => {
      const value = this.values.get(input.SecretId);
      if (value === undefined) {
        throw new ResourceNotFoundException({
          message: 'Secrets Manager can’t find the specified secret.',
          $metadata: {},
        });
      }
      return { ARN: input.SecretId, SecretString: value };
    });
    this.mock.on(PutSecretValueCommand).callsFake((input: { SecretId: string; SecretString: string }) => {
      this.values.set(input.SecretId, input.SecretString);
      this.writes.push({ arn: input.SecretId, value: input.SecretString });
      return { ARN: input.SecretId };
    });
  }

  public get(arn: string): string {
    const value = this.values.get(arn);
    if (value === undefined) {
      throw new Error(`no secret ${arn}`);
    }
    return value;
  }

  public restore(): void {
    this.mock.restore();
  }
}

/** A custom resource request. */
export function requestEvent(
  type: CustomResourceEvent['RequestType'],
  properties: Record<string, unknown>,
  extra: Partial<CustomResourceEvent> = {},
): CustomResourceEvent {
  return {
    RequestType: type,
    ResponseURL: 'https://cloudformation-custom-resource-response.example/response',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Test/1',
    RequestId: randomUUID(),
    LogicalResourceId: 'Resource',
    ResourceType: 'Custom::Test',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:f', ...properties },
    ...(type === 'Create' ? {} : { PhysicalResourceId: 'physical' }),
    ...extra,
  };
}

/** Captures what the handlers log (console.log), so tests can check that no secret is in it. */
export function captureLogs(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const spies = (['log', 'info', 'warn', 'error'] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    }),
  );
  return {
    lines,
    restore: () => {
      for (const spy of spies) {
        spy.mockRestore();
      }
    },
  };
}

/** A local HTTP server that records the responses a custom resource runtime PUTs to CloudFormation. */
export async function responseCollector(): Promise<{ url: string; bodies: unknown[]; close: () => Promise<void> }> {
  const bodies: unknown[] = [];
  const server = createHttpServer((req, res) => {
    readBody(req).then((body) => {
      bodies.push({ method: req.method, contentType: req.headers['content-type'], body: JSON.parse(body) });
      res.writeHead(200).end();
    });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/response?signature=x`, bodies, close: () => close(server) };
}

interface Token {
  AccessorID: string;
  SecretID: string;
  Name: string;
  Type: 'management' | 'client';
  Policies: string[] | null;
  Global: boolean;
  CreateIndex: number;
  ModifyIndex: number;
}

interface Policy {
  Name: string;
  Description: string;
  Rules: string;
  CreateIndex: number;
  ModifyIndex: number;
}

/**
 * A Nomad server's ACL API over HTTPS, answering with Nomad's shapes and status codes
 * (command/agent/acl_endpoint.go, nomad/acl_endpoint.go): bootstrap once, then "ACL bootstrap
 * already done"; `/v1/acl/token/self`; policies and tokens for management tokens only; list stubs
 * without secret IDs; `/v1/jobs` for the anonymous check. Its certificate comes from a cluster CA
 * and names `server.global.nomad` and 127.0.0.1, as the servers' certificates do.
 */
export class FakeNomad {
  public readonly tokens = new Map<string, Token>();
  public readonly policies = new Map<string, Policy>();
  /** Namespaces (Nomad's `default` always exists). */
  public readonly namespaces = new Map<string, { Name: string; Description: string }>([
    ['default', { Name: 'default', Description: 'Default shared namespace' }],
  ]);
  /** Node pools (Nomad's built-in `default` and `all` always exist). */
  public readonly nodePools = new Map<string, { Name: string; Description: string }>([
    ['all', { Name: 'all', Description: 'Node pool with all nodes in the cluster.' }],
    ['default', { Name: 'default', Description: 'Default node pool.' }],
  ]);
  /** Every request, as "METHOD /path" plus whether it carried a token. */
  public readonly requests: { line: string; token: boolean }[] = [];
  /** Requests ("METHOD /path") whose effect happens but whose answer is lost (the connection drops). */
  public readonly dropAnswer = new Set<string>();
  /** How many requests answer HTTP 500 "No cluster leader" first (an election in progress). */
  public noLeaderFor = 0;
  /** Policy writes are accepted but change nothing (to fake a cluster that ignores them). */
  public ignorePolicyWrites = false;
  public port = 0;
  private index = 10;
  private server?: Server;

  public constructor(
    public readonly ca: CertificateAndKey,
    private readonly certificate: CertificateAndKey,
  ) {}

  /** A CA and a server certificate with the names Nomad's servers carry. */
  public static async create(serverName = 'server.global.nomad'): Promise<FakeNomad> {
    const ca = await createCa({ commonName: 'Test CA', validityDays: 30 });
    const leaf = await createLeaf({
      ca,
      commonName: serverName,
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      validityDays: 7,
    });
    const nomad = new FakeNomad(ca, leaf);
    await nomad.start();
    return nomad;
  }

  /** Bootstraps as someone else would have: a management token with another secret. */
  public bootstrapWith(secretId: string): Token {
    const token = this.addToken(
      { Name: 'Bootstrap Token', Type: 'management', Policies: null, Global: true },
      secretId,
    );
    return token;
  }

  public get bootstrapped(): boolean {
    return [...this.tokens.values()].some((token) => token.Name === 'Bootstrap Token');
  }

  public tokensNamed(name: string): Token[] {
    return [...this.tokens.values()].filter((token) => token.Name === name);
  }

  public async close(): Promise<void> {
    if (this.server !== undefined) {
      await close(this.server);
    }
  }

  private async start(): Promise<void> {
    this.server = createHttpsServer(
      { key: this.certificate.privateKey, cert: this.certificate.certificate },
      (req, res) => {
        readBody(req).then((text) => {
          const secret = req.headers['x-nomad-token'];
          const path = (req.url ?? '').split('?')[0] ?? '';
          const line = `${req.method} ${path}`;
          this.requests.push({ line, token: typeof secret === 'string' });
          if (this.noLeaderFor > 0) {
            this.noLeaderFor--;
            res.writeHead(500).end('No cluster leader');
            return;
          }
          const [status, body] = this.route(
            req.method ?? '',
            path,
            typeof secret === 'string' ? secret : undefined,
            text,
          );
          if (this.dropAnswer.delete(line)) {
            req.socket.destroy();
            return;
          }
          res
            .writeHead(status, { 'content-type': 'application/json' })
            .end(typeof body === 'string' ? body : JSON.stringify(body));
        });
      },
    );
    this.port = await listen(this.server);
  }

  private route(method: string, path: string, secret: string | undefined, text: string): [number, unknown] {
    const body = text.length > 0 ? (JSON.parse(text) as Record<string, unknown>) : {};
    const caller = [...this.tokens.values()].find((token) => token.SecretID === secret);
    const management = caller?.Type === 'management';
    if (method === 'POST' && path === '/v1/acl/bootstrap') {
      if (this.bootstrapped) {
        return [400, 'ACL bootstrap already done (reset index: 7)'];
      }
      const provided = body.BootstrapSecret;
      if (typeof provided === 'string' && !/^[0-9a-f-]{36}$/.test(provided)) {
        return [400, 'invalid acl token'];
      }
      return [200, this.bootstrapWith(typeof provided === 'string' ? provided : randomUUID())];
    }
    if (method === 'GET' && path === '/v1/acl/token/self') {
      return caller === undefined ? [403, 'ACL token not found'] : [200, caller];
    }
    if (method === 'GET' && path === '/v1/jobs') {
      if (caller !== undefined) {
        return [200, []];
      }
      const anonymous = this.policies.get('anonymous');
      return anonymous !== undefined && /namespace "\*" \{\s+policy = "read"/.test(anonymous.Rules)
        ? [200, []]
        : [403, 'Permission denied'];
    }
    if (!management) {
      return [403, caller === undefined && secret !== undefined ? 'ACL token not found' : 'Permission denied'];
    }
    // command/agent/namespace_endpoint.go, node_pool_endpoint.go: upserts for management tokens.
    const namespace = /^\/v1\/namespace\/([^/]+)$/.exec(path);
    if (namespace) {
      const name = decodeURIComponent(namespace[1] ?? '');
      if (method === 'GET') {
        const found = this.namespaces.get(name);
        return found === undefined ? [404, 'namespace not found'] : [200, found];
      }
      if (method === 'POST' || method === 'PUT') {
        this.namespaces.set(name, { Name: String(body.Name ?? name), Description: String(body.Description ?? '') });
        return [200, ''];
      }
    }
    const pool = /^\/v1\/node\/pool\/([^/]+)$/.exec(path);
    if (pool && method === 'GET') {
      const found = this.nodePools.get(decodeURIComponent(pool[1] ?? ''));
      return found === undefined ? [404, 'node pool not found'] : [200, found];
    }
    if (path === '/v1/node/pools' && (method === 'POST' || method === 'PUT')) {
      const name = String(body.Name ?? '');
      if (name === 'all' || name === 'default') {
        return [400, `modifying node pool "${name}" is not allowed`];
      }
      this.nodePools.set(name, { Name: name, Description: String(body.Description ?? '') });
      return [200, ''];
    }
    const policy = /^\/v1\/acl\/policy\/([^/]+)$/.exec(path);
    if (policy) {
      const name = decodeURIComponent(policy[1] ?? '');
      if (method === 'GET') {
        const found = this.policies.get(name);
        return found === undefined ? [404, 'ACL policy not found'] : [200, found];
      }
      if (method === 'POST') {
        if (!this.ignorePolicyWrites) {
          const existing = this.policies.get(name);
          this.policies.set(name, {
            Name: name,
            Description: String(body.Description ?? ''),
            Rules: String(body.Rules ?? ''),
            CreateIndex: existing?.CreateIndex ?? ++this.index,
            ModifyIndex: ++this.index,
          });
        }
        return [200, ''];
      }
      if (method === 'DELETE') {
        this.policies.delete(name);
        return [200, ''];
      }
    }
    if (method === 'GET' && path === '/v1/acl/tokens') {
      return [200, [...this.tokens.values()].map(({ SecretID: _, ...stub }) => stub)];
    }
    if (method === 'POST' && path === '/v1/acl/token') {
      const policies = (body.Policies as string[] | undefined) ?? [];
      const missing = policies.filter((name) => !this.policies.has(name));
      if (missing.length > 0) {
        return [400, `token 0 invalid: policy ${missing.join(', ')} does not exist`];
      }
      return [200, this.addToken({ Name: String(body.Name), Type: 'client', Policies: policies, Global: false })];
    }
    const token = /^\/v1\/acl\/token\/([^/]+)$/.exec(path);
    if (token) {
      const found = this.tokens.get(decodeURIComponent(token[1] ?? ''));
      if (found === undefined) {
        return [404, 'ACL token not found'];
      }
      if (method === 'GET') {
        return [200, found];
      }
      if (method === 'POST') {
        found.Policies = (body.Policies as string[] | undefined) ?? [];
        found.ModifyIndex = ++this.index;
        return [200, found];
      }
      if (method === 'DELETE') {
        this.tokens.delete(found.AccessorID);
        return [200, ''];
      }
    }
    return [404, `no route ${method} ${path}`];
  }

  private addToken(
    fields: Pick<Token, 'Name' | 'Type' | 'Policies' | 'Global'>,
    secretId: string = randomUUID(),
  ): Token {
    const index = ++this.index;
    const token: Token = {
      AccessorID: randomUUID(),
      SecretID: secretId,
      ...fields,
      CreateIndex: index,
      ModifyIndex: index,
    };
    this.tokens.set(token.AccessorID, token);
    return token;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: Server & { closeAllConnections?: () => void }): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}
