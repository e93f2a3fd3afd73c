import { randomUUID } from 'node:crypto';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AclToken, NomadApiError, type NomadClient, withRetries } from '@org/jobspec-builder/client';
import { type AclPolicySpec, type AclTokenSpec, NomadAclProperties } from '../security/acl-contract';
import { isPlaceholder, parseTokenSecret, type TokenSecretValue, UUID_PATTERN } from '../security/secret-formats';
import {
  CustomResourceError,
  type CustomResourceEvent,
  type CustomResourceResult,
  customResourceHandler,
  log,
  parseProperties,
} from './custom-resource';
import { isNoAnswer, serverAddresses, serverClients } from './nomad-connection';
import { readSecret, writeSecret } from './secrets-manager';

/** The AWS clients the handler uses (tests pass mocked ones). */
export interface AclClients {
  readonly secrets: SecretsManagerClient;
  readonly ec2: EC2Client;
}

/** Test hooks: how long to wait between attempts. */
export interface AclOptions {
  readonly retryDelayMs?: number;
}

/**
 * Locks the cluster down once it has a leader (`Custom::NomadAcl`), from inside the VPC:
 *
 * 1. bootstraps the ACL system exactly once, with the operator secret generated at deploy time and
 *    stored in Secrets Manager before the call (`BootstrapSecret`). Nomad accepts a bootstrap once
 *    per cluster: "already bootstrapped" plus a stored secret that `/v1/acl/token/self` accepts as
 *    a management token is success (a re-run, or a lost response); any other token is an error;
 * 2. creates the namespaces and node pools the jobs need when they are missing, writes the ACL
 *    policies (among them `anonymous`, which denies everything) and checks that an anonymous
 *    request is denied;
 * 3. keeps one client token per entry of `Tokens` (the nodes' readiness checks, the read-only UI)
 *    and stores it in its secret, finding a token created by an earlier attempt whose answer was
 *    lost instead of creating another;
 * 4. on Update, deletes the tokens and policies an earlier version created and this one does not.
 *
 * Tokens and secrets never appear in the response `Data` or in the logs.
 */
export async function aclBootstrap(
  event: CustomResourceEvent,
  deadline: number,
  clients: AclClients,
  options: AclOptions = {},
): Promise<CustomResourceResult> {
  if (event.RequestType === 'Delete') {
    // The ACL state lives in the cluster's raft log: it goes with the servers, not with this resource.
    // Nothing is read from the properties: the Delete after a Create that failed on them succeeds too.
    log('info', 'nothing to delete: the ACL state belongs to the cluster');
    return { physicalResourceId: event.PhysicalResourceId ?? `failed-${event.RequestId}` };
  }
  const props = parseProperties(NomadAclProperties, event);
  const physicalResourceId = `nomad-acl:${props.ServerTagValue}`;
  const retry = new Retry(deadline, options.retryDelayMs ?? 5000);
  const { Policies: policies, Tokens: tokens } = props;

  const caArn = props.CaCertificateSecretArn;
  const ca = await readSecret(clients.secrets, caArn);
  if (ca === undefined || isPlaceholder(ca)) {
    throw new CustomResourceError(`the cluster CA certificate in ${caArn} has not been generated yet`);
  }
  const addresses = await retry.until('the servers to be running', async () => {
    const found = await serverAddresses(clients.ec2, props.ServerTagKey, props.ServerTagValue);
    return found.length > 0 ? found : undefined;
  });
  const api = new Servers(addresses, props.HttpPort, ca, props.NomadRegion);
  try {
    const managementArn = props.ManagementTokenSecretArn;
    const management = await managementSecret(clients.secrets, managementArn);
    await bootstrap(api, retry, management, managementArn);

    for (const namespace of props.Namespaces) {
      await ensureExists(retry, {
        what: `the namespace ${namespace}`,
        read: () => api.call((client) => client.readNamespace(namespace, { token: management })),
        create: () =>
          api.call((client) =>
            client.upsertNamespace(
              { Name: namespace, Description: 'Jobs deployed by NomadJob (created by @org/nomad-constructs)' },
              { token: management },
            ),
          ),
      });
    }
    for (const pool of props.NodePools) {
      if (BUILT_IN_NODE_POOLS.has(pool)) {
        continue;
      }
      await ensureExists(retry, {
        what: `the node pool ${pool}`,
        read: () => api.call((client) => client.readNodePool(pool, { token: management })),
        create: () =>
          api.call((client) =>
            client.upsertNodePool(
              { Name: pool, Description: 'A client pool of the cluster (created by @org/nomad-constructs)' },
              { token: management },
            ),
          ),
      });
    }
    for (const policy of policies) {
      await ensurePolicy(api, retry, management, policy);
    }
    await checkAnonymousDenied(api, retry);
    for (const token of tokens) {
      await ensureToken(api, retry, clients.secrets, management, token);
    }

    const old = event.OldResourceProperties;
    if (event.RequestType === 'Update' && old !== undefined) {
      // The old properties were written by an earlier version: only their names matter here.
      const oldNames = (list: unknown) =>
        (Array.isArray(list) ? list : [])
          .map((entry) => (entry as { Name?: unknown } | null)?.Name)
          .filter((name): name is string => typeof name === 'string');
      const keptTokens = new Set(tokens.map((token) => token.Name));
      for (const name of oldNames(old.Tokens).filter((name) => !keptTokens.has(name))) {
        await deleteTokensNamed(api, retry, management, name);
      }
      const keptPolicies = new Set(policies.map((policy) => policy.Name));
      for (const name of oldNames(old.Policies).filter((name) => !keptPolicies.has(name))) {
        await retry.call(
          `delete the policy ${name}`,
          () => api.call((client) => client.deleteAclPolicy(name, { token: management })),
          [404],
        );
        log('info', 'deleted a policy this version no longer has', { policy: name });
      }
    }
  } finally {
    api.close();
  }
  return {
    physicalResourceId,
    data: {
      Policies: policies.map((policy) => policy.Name).join(','),
      Tokens: tokens.map((token) => token.Name).join(','),
    },
  };
}

/** No server answered (connection refused, reset, TLS failure or timeout on every address). */
class NomadUnreachableError extends Error {
  public override readonly name = 'NomadUnreachableError';
}

/**
 * The servers, one `NomadClient` each (no retries of its own: the deadline-bound {@link Retry}
 * retries), tried in order: any server forwards writes to the leader.
 */
class Servers {
  private readonly clients: NomadClient[];

  public constructor(
    private readonly addresses: readonly string[],
    private readonly port: number,
    ca: string,
    nomadRegion: string,
  ) {
    this.clients = serverClients(addresses, {
      port,
      ca,
      nomadRegion,
      requestTimeoutMs: 10_000,
      retry: { maxAttempts: 1 },
    });
  }

  /** Runs a call on the first server that answers; no answer from any is a {@link NomadUnreachableError}. */
  public async call<T>(run: (client: NomadClient) => Promise<T>): Promise<T> {
    const failures: string[] = [];
    let request = '';
    for (const [index, client] of this.clients.entries()) {
      try {
        return await run(client);
      } catch (error) {
        if (!isNoAnswer(error)) {
          throw error;
        }
        const failure = error as NomadApiError;
        request = `${failure.method} ${failure.path}`;
        const cause = failure.cause instanceof Error ? failure.cause.message : failure.message;
        failures.push(`${this.addresses[index]}: ${cause}`);
      }
    }
    throw new NomadUnreachableError(
      `no Nomad server answered ${request} on port ${this.port} (${failures.join('; ') || 'no addresses'})`,
    );
  }

  public close(): void {
    for (const client of this.clients) {
      client.close();
    }
  }
}

/** The bootstrap secret: generated and stored before the first bootstrap call, then read back. */
async function managementSecret(client: SecretsManagerClient, secretArn: string): Promise<string> {
  const stored = await readSecret(client, secretArn);
  if (isPlaceholder(stored)) {
    const secret = randomUUID();
    // Stored first: if the bootstrap answer is lost, the next attempt still knows the secret.
    await writeSecret(client, secretArn, secret);
    log('info', 'generated the management token secret');
    return secret;
  }
  if (!UUID_PATTERN.test(stored ?? '')) {
    throw new CustomResourceError(
      `the management token in ${secretArn} is not a Nomad secret ID (a UUID). Put the cluster's management token back into the secret.`,
    );
  }
  return stored as string;
}

async function bootstrap(api: Servers, retry: Retry, secret: string, secretArn: string): Promise<void> {
  const answer = await retry.call(
    'bootstrap the ACL system',
    () => api.call((client) => client.bootstrapAcl({ bootstrapSecret: secret })),
    [400],
  );
  if (!(answer instanceof NomadApiError)) {
    log('info', 'bootstrapped the ACL system with the stored management token');
    return;
  }
  if (/ACL support disabled/i.test(answer.body)) {
    throw new CustomResourceError('the servers run without ACLs (acl.enabled is false): nothing can be bootstrapped');
  }
  if (!/ACL bootstrap already done/i.test(answer.body)) {
    throw new CustomResourceError(`Nomad refused the ACL bootstrap: HTTP 400 ${excerpt(answer.body)}`);
  }
  const self = await retry.call(
    'check the stored management token',
    () => api.call((client) => client.readAclTokenSelf({ token: secret })),
    [403, 404],
  );
  const token = self instanceof NomadApiError ? undefined : self;
  if (token?.Type !== 'management') {
    throw new CustomResourceError(
      `the cluster's ACL system was bootstrapped, but not with the management token stored in ${secretArn} (Nomad ${token !== undefined ? `accepts it as a ${token.Type} token` : 'does not know it'}). Something else bootstrapped the cluster: treat it as compromised, and see "ACL bootstrap" in the @org/nomad-constructs README.`,
    );
  }
  log('info', 'the ACL system was already bootstrapped with the stored management token');
}

async function ensurePolicy(api: Servers, retry: Retry, management: string, policy: AclPolicySpec): Promise<void> {
  const current = await retry.call(
    `read the policy ${policy.Name}`,
    () => api.call((client) => client.readAclPolicy(policy.Name, { token: management })),
    [404],
  );
  const exists = !(current instanceof NomadApiError);
  if (exists && current.Rules === policy.Rules && current.Description === policy.Description) {
    log('info', 'policy unchanged', { policy: policy.Name });
    return;
  }
  await retry.call(`write the policy ${policy.Name}`, () =>
    api.call((client) =>
      client.upsertAclPolicy(
        { Name: policy.Name, Description: policy.Description, Rules: policy.Rules },
        { token: management },
      ),
    ),
  );
  log('info', exists ? 'updated a policy' : 'created a policy', { policy: policy.Name });
}

/** Nomad's own node pools: they always exist and cannot be written. */
const BUILT_IN_NODE_POOLS = new Set(['default', 'all']);

/**
 * Creates a namespace or node pool unless it exists (an existing one, with its description and
 * metadata, is left as it is). Jobs are refused for a namespace or node pool that does not exist,
 * and Nomad creates a node pool only when its first client registers.
 */
async function ensureExists(
  retry: Retry,
  target: { what: string; read: () => Promise<unknown>; create: () => Promise<unknown> },
): Promise<void> {
  const current = await retry.call(`read ${target.what}`, target.read, [404]);
  if (!(current instanceof NomadApiError)) {
    log('info', 'exists', { what: target.what });
    return;
  }
  await retry.call(`create ${target.what}`, target.create);
  log('info', 'created', { what: target.what });
}

/** An anonymous request must be denied: the `anonymous` policy denies everything. */
async function checkAnonymousDenied(api: Servers, retry: Retry): Promise<void> {
  const answer = await retry.call(
    'check that anonymous requests are denied',
    () => api.call((client) => client.query('/v1/jobs')),
    [403],
  );
  if (!(answer instanceof NomadApiError)) {
    throw new CustomResourceError(
      'an anonymous request to /v1/jobs got HTTP 200 instead of 403: the anonymous policy does not deny everything',
    );
  }
  log('info', 'anonymous requests are denied');
}

async function ensureToken(
  api: Servers,
  retry: Retry,
  secrets: SecretsManagerClient,
  management: string,
  spec: AclTokenSpec,
): Promise<void> {
  const stored = await readSecret(secrets, spec.SecretArn);
  const current = parseTokenSecret(stored);
  let token: AclToken | undefined;
  if (current !== undefined) {
    const self = await retry.call(
      `check the token ${spec.Name}`,
      () => api.call((client) => client.readAclTokenSelf({ token: current.secretId })),
      [403, 404],
    );
    token = self instanceof NomadApiError ? undefined : { ...self, SecretID: current.secretId };
  }
  if (token === undefined) {
    // Before each attempt, look for the token by name: an attempt whose answer was lost may have
    // created it, and it is adopted rather than created twice.
    token = await retry.until(
      `the token ${spec.Name} to exist`,
      async () =>
        (await findTokenNamed(api, retry, management, spec.Name)) ?? (await createToken(api, management, spec)),
    );
  } else if (!samePolicies(token.Policies ?? [], spec.Policies)) {
    const accessorId = token.AccessorID;
    await retry.call(`update the policies of the token ${spec.Name}`, () =>
      api.call((client) =>
        client.updateAclToken(
          accessorId,
          { Name: spec.Name, Type: 'client', Policies: spec.Policies, Global: false },
          { token: management },
        ),
      ),
    );
    log('info', 'updated the policies of a token', { token: spec.Name, accessorId });
  } else {
    log('info', 'token unchanged', { token: spec.Name, accessorId: token.AccessorID });
  }
  if (token.SecretID === undefined) {
    throw new CustomResourceError(`Nomad returned the token ${spec.Name} without its secret ID`);
  }
  const value: TokenSecretValue = { accessorId: token.AccessorID, secretId: token.SecretID };
  await writeSecret(secrets, spec.SecretArn, JSON.stringify(value), stored);
}

/** One attempt to create a token: undefined when no answer came (the next attempt looks for it first). */
async function createToken(api: Servers, management: string, spec: AclTokenSpec): Promise<AclToken | undefined> {
  let token: AclToken;
  try {
    token = await api.call((client) =>
      client.createAclToken(
        { Name: spec.Name, Type: 'client', Policies: spec.Policies, Global: false },
        { token: management },
      ),
    );
  } catch (error) {
    if (error instanceof NomadUnreachableError) {
      log('warn', 'no answer to a token creation: looking for the token before trying again', { token: spec.Name });
      return undefined;
    }
    if (error instanceof NomadApiError && error.status !== undefined) {
      if (error.status >= 500) {
        return undefined;
      }
      throw new CustomResourceError(
        `cannot create the token ${spec.Name}: Nomad answered HTTP ${error.status} ${excerpt(error.body)}`,
      );
    }
    throw error;
  }
  log('info', 'created a token', { token: spec.Name, accessorId: token.AccessorID });
  return token;
}

async function tokensNamed(api: Servers, retry: Retry, management: string, name: string) {
  const list = await retry.call('list the tokens', () =>
    api.call((client) => client.listAclTokens({ token: management })),
  );
  return list.filter((token) => token.Name === name);
}

/** The newest token with this name, read in full (with its secret ID). */
async function findTokenNamed(
  api: Servers,
  retry: Retry,
  management: string,
  name: string,
): Promise<AclToken | undefined> {
  const [newest] = (await tokensNamed(api, retry, management, name)).sort(
    (a, b) => (b.CreateIndex ?? 0) - (a.CreateIndex ?? 0),
  );
  if (newest === undefined) {
    return undefined;
  }
  const full = await retry.call(`read the token ${name}`, () =>
    api.call((client) => client.readAclToken(newest.AccessorID, { token: management })),
  );
  log('info', 'adopted an existing token', { token: name, accessorId: newest.AccessorID });
  return full;
}

async function deleteTokensNamed(api: Servers, retry: Retry, management: string, name: string): Promise<void> {
  for (const token of await tokensNamed(api, retry, management, name)) {
    await retry.call(
      `delete the token ${name}`,
      () => api.call((client) => client.deleteAclToken(token.AccessorID, { token: management })),
      [400, 404],
    );
    log('info', 'deleted a token this version no longer has', { token: name, accessorId: token.AccessorID });
  }
}

function samePolicies(a: readonly string[], b: readonly string[]): boolean {
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

/** The start of an error body, for messages (error bodies are Nomad's error texts, never tokens). */
function excerpt(body: string): string {
  const text = body.trim().replace(/\s+/g, ' ');
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** An attempt that can get better by waiting; the loop tries again until the deadline. */
class NotYet extends Error {}

/**
 * Retries what can get better by waiting (no server answers yet, no leader elected, HTTP 5xx or
 * 429) until the deadline, with `withRetries`, the client's one retry loop. A call answers its
 * value, or the error of an `expected` HTTP status (a 404 that means "missing"); any other status
 * is an error.
 */
class Retry {
  private lastProblem = '';

  public constructor(
    private readonly deadline: number,
    private readonly delayMs: number,
  ) {}

  public async call<T>(what: string, send: () => Promise<T>): Promise<T>;
  public async call<T>(what: string, send: () => Promise<T>, expected: readonly number[]): Promise<T | NomadApiError>;
  public async call<T>(
    what: string,
    send: () => Promise<T>,
    expected: readonly number[] = [],
  ): Promise<T | NomadApiError> {
    return this.attempts(`trying to ${what}`, async () => {
      try {
        return await send();
      } catch (error) {
        if (error instanceof NomadUnreachableError) {
          return this.notYet(what, error.message);
        }
        if (!(error instanceof NomadApiError) || error.status === undefined) {
          throw error;
        }
        if (expected.includes(error.status)) {
          return error;
        }
        if (error.status >= 500 || error.status === 429) {
          return this.notYet(what, `HTTP ${error.status} ${excerpt(error.body)}`);
        }
        throw new CustomResourceError(`cannot ${what}: Nomad answered HTTP ${error.status} ${excerpt(error.body)}`);
      }
    });
  }

  /** Calls `attempt` until it returns a value. */
  public async until<T>(what: string, attempt: () => Promise<T | undefined>): Promise<T> {
    return this.attempts(`waiting for ${what}`, async () => (await attempt()) ?? this.notYet(what, 'not yet'));
  }

  private async attempts<T>(doing: string, attempt: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(attempt, (error) =>
        error instanceof NotYet && Date.now() + this.delayMs < this.deadline ? this.delayMs : undefined,
      );
    } catch (error) {
      if (error instanceof NotYet) {
        throw new CustomResourceError(
          `gave up ${doing} before the function timed out; last answer: ${this.lastProblem}`,
        );
      }
      throw error;
    }
  }

  private notYet(what: string, problem: string): never {
    this.lastProblem = problem;
    log('warn', 'not yet', { what, problem });
    throw new NotYet(problem);
  }
}

/** The Lambda entry point. */
export const handler = customResourceHandler((event, deadline) =>
  aclBootstrap(event, deadline, { secrets: new SecretsManagerClient({}), ec2: new EC2Client({}) }),
);
