import { randomUUID } from 'node:crypto';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { isPlaceholder, type TokenSecretValue, UUID_PATTERN } from '../security/secret-formats';
import {
  CustomResourceError,
  type CustomResourceEvent,
  type CustomResourceResult,
  customResourceHandler,
  integerProperty,
  log,
  sleep,
  stringProperty,
} from './custom-resource';
import { NomadApi, type NomadResponse, NomadUnreachableError } from './nomad-api';
import { readSecret, writeSecret } from './secrets-manager';

/** An ACL policy the custom resource keeps in the cluster (`Policies` property). */
export interface AclPolicySpec {
  readonly Name: string;
  readonly Description: string;
  /** The policy rules, HCL. */
  readonly Rules: string;
}

/** A client token the custom resource keeps in the cluster and stores in a secret (`Tokens` property). */
export interface AclTokenSpec {
  readonly Name: string;
  readonly Policies: readonly string[];
  readonly SecretArn: string;
}

/** The AWS clients the handler uses (tests pass mocked ones). */
export interface AclClients {
  readonly secrets: SecretsManagerClient;
  readonly ec2: EC2Client;
}

/** Test hooks: how long to wait between attempts. */
export interface AclOptions {
  readonly retryDelayMs?: number;
}

interface NomadToken {
  readonly AccessorID: string;
  readonly SecretID?: string;
  readonly Name?: string;
  readonly Type?: string;
  readonly Policies?: readonly string[] | null;
  readonly CreateIndex?: number;
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
  const tagKey = stringProperty(event, 'ServerTagKey');
  const tagValue = stringProperty(event, 'ServerTagValue');
  const physicalResourceId = `nomad-acl:${tagValue}`;
  if (event.RequestType === 'Delete') {
    // The ACL state lives in the cluster's raft log: it goes with the servers, not with this resource.
    log('info', 'nothing to delete: the ACL state belongs to the cluster');
    return { physicalResourceId: event.PhysicalResourceId ?? physicalResourceId };
  }
  const retry = new Retry(deadline, options.retryDelayMs ?? 5000);
  const policies = specs<AclPolicySpec>(event.ResourceProperties.Policies, 'Policies');
  const tokens = specs<AclTokenSpec>(event.ResourceProperties.Tokens, 'Tokens');

  const caArn = stringProperty(event, 'CaCertificateSecretArn');
  const ca = await readSecret(clients.secrets, caArn);
  if (ca === undefined || isPlaceholder(ca)) {
    throw new CustomResourceError(`the cluster CA certificate in ${caArn} has not been generated yet`);
  }
  const addresses = await retry.until('the servers to be running', () =>
    serverAddresses(clients.ec2, tagKey, tagValue),
  );
  const api = new NomadApi({
    addresses,
    port: integerProperty(event, 'HttpPort'),
    ca,
    serverName: `server.${stringProperty(event, 'NomadRegion')}.nomad`,
  });

  const managementArn = stringProperty(event, 'ManagementTokenSecretArn');
  const management = await managementSecret(clients.secrets, managementArn);
  await bootstrap(api, retry, management, managementArn);

  for (const namespace of specs<string>(event.ResourceProperties.Namespaces, 'Namespaces')) {
    await ensureExists(api, retry, management, {
      what: `the namespace ${namespace}`,
      readPath: `/v1/namespace/${encodeURIComponent(namespace)}`,
      createPath: `/v1/namespace/${encodeURIComponent(namespace)}`,
      body: { Name: namespace, Description: 'Jobs deployed by NomadJob (created by @org/nomad-constructs)' },
    });
  }
  for (const pool of specs<string>(event.ResourceProperties.NodePools, 'NodePools')) {
    if (BUILT_IN_NODE_POOLS.has(pool)) {
      continue;
    }
    await ensureExists(api, retry, management, {
      what: `the node pool ${pool}`,
      readPath: `/v1/node/pool/${encodeURIComponent(pool)}`,
      createPath: '/v1/node/pools',
      body: { Name: pool, Description: 'A client pool of the cluster (created by @org/nomad-constructs)' },
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
    const keptTokens = new Set(tokens.map((token) => token.Name));
    for (const token of specs<AclTokenSpec>(old.Tokens, 'Tokens').filter((t) => !keptTokens.has(t.Name))) {
      await deleteTokensNamed(api, retry, management, token.Name);
    }
    const keptPolicies = new Set(policies.map((policy) => policy.Name));
    for (const policy of specs<AclPolicySpec>(old.Policies, 'Policies').filter((p) => !keptPolicies.has(p.Name))) {
      await retry.call(
        `delete the policy ${policy.Name}`,
        () => api.request('DELETE', `/v1/acl/policy/${encodeURIComponent(policy.Name)}`, { token: management }),
        [200, 404],
      );
      log('info', 'deleted a policy this version no longer has', { policy: policy.Name });
    }
  }
  return {
    physicalResourceId,
    data: {
      Policies: policies.map((policy) => policy.Name).join(','),
      Tokens: tokens.map((token) => token.Name).join(','),
    },
  };
}

function specs<T>(value: unknown, name: string): T[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw new CustomResourceError(`expected the property ${name} to be a list, received ${JSON.stringify(value)}`);
  }
  return value as T[];
}

/** The private IPs of the running servers, found by the tag cloud auto-join uses. */
async function serverAddresses(ec2: EC2Client, tagKey: string, tagValue: string): Promise<string[] | undefined> {
  const result = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: `tag:${tagKey}`, Values: [tagValue] },
        { Name: 'instance-state-name', Values: ['running'] },
      ],
    }),
  );
  const addresses = (result.Reservations ?? [])
    .flatMap((reservation) => reservation.Instances ?? [])
    .map((instance) => instance.PrivateIpAddress)
    .filter((address): address is string => address !== undefined)
    .sort();
  return addresses.length > 0 ? addresses : undefined;
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

async function bootstrap(api: NomadApi, retry: Retry, secret: string, secretArn: string): Promise<void> {
  const response = await retry.call(
    'bootstrap the ACL system',
    () => api.request('POST', '/v1/acl/bootstrap', { body: { BootstrapSecret: secret } }),
    [200, 400],
  );
  if (response.status === 200) {
    log('info', 'bootstrapped the ACL system with the stored management token');
    return;
  }
  if (/ACL support disabled/i.test(response.body)) {
    throw new CustomResourceError('the servers run without ACLs (acl.enabled is false): nothing can be bootstrapped');
  }
  if (!/ACL bootstrap already done/i.test(response.body)) {
    throw new CustomResourceError(`Nomad refused the ACL bootstrap: HTTP 400 ${excerpt(response.body)}`);
  }
  const self = await retry.call(
    'check the stored management token',
    () => api.request('GET', '/v1/acl/token/self', { token: secret }),
    [200, 403, 404],
  );
  const token = self.status === 200 ? (JSON.parse(self.body) as NomadToken) : undefined;
  if (token?.Type !== 'management') {
    throw new CustomResourceError(
      `the cluster's ACL system was bootstrapped, but not with the management token stored in ${secretArn} (Nomad ${self.status === 200 ? `accepts it as a ${token?.Type} token` : 'does not know it'}). Something else bootstrapped the cluster: treat it as compromised, and see "ACL bootstrap" in the @org/nomad-constructs README.`,
    );
  }
  log('info', 'the ACL system was already bootstrapped with the stored management token');
}

async function ensurePolicy(api: NomadApi, retry: Retry, management: string, policy: AclPolicySpec): Promise<void> {
  const path = `/v1/acl/policy/${encodeURIComponent(policy.Name)}`;
  const current = await retry.call(
    `read the policy ${policy.Name}`,
    () => api.request('GET', path, { token: management }),
    [200, 404],
  );
  if (current.status === 200) {
    const existing = JSON.parse(current.body) as { Rules?: string; Description?: string };
    if (existing.Rules === policy.Rules && existing.Description === policy.Description) {
      log('info', 'policy unchanged', { policy: policy.Name });
      return;
    }
  }
  await retry.call(
    `write the policy ${policy.Name}`,
    () =>
      api.request('POST', path, {
        token: management,
        body: { Name: policy.Name, Description: policy.Description, Rules: policy.Rules },
      }),
    [200],
  );
  log('info', current.status === 200 ? 'updated a policy' : 'created a policy', { policy: policy.Name });
}

/** Nomad's own node pools: they always exist and cannot be written. */
const BUILT_IN_NODE_POOLS = new Set(['default', 'all']);

/**
 * Creates a namespace or node pool unless it exists (an existing one, with its description and
 * metadata, is left as it is). Jobs are refused for a namespace or node pool that does not exist,
 * and Nomad creates a node pool only when its first client registers.
 */
async function ensureExists(
  api: NomadApi,
  retry: Retry,
  management: string,
  target: { what: string; readPath: string; createPath: string; body: Record<string, string> },
): Promise<void> {
  const current = await retry.call(
    `read ${target.what}`,
    () => api.request('GET', target.readPath, { token: management }),
    [200, 404],
  );
  if (current.status === 200) {
    log('info', 'exists', { what: target.what });
    return;
  }
  await retry.call(
    `create ${target.what}`,
    () => api.request('POST', target.createPath, { token: management, body: target.body }),
    [200],
  );
  log('info', 'created', { what: target.what });
}

/** An anonymous request must be denied: the `anonymous` policy denies everything. */
async function checkAnonymousDenied(api: NomadApi, retry: Retry): Promise<void> {
  const response = await retry.call(
    'check that anonymous requests are denied',
    () => api.request('GET', '/v1/jobs'),
    [200, 403],
  );
  if (response.status !== 403) {
    throw new CustomResourceError(
      `an anonymous request to /v1/jobs got HTTP ${response.status} instead of 403: the anonymous policy does not deny everything`,
    );
  }
  log('info', 'anonymous requests are denied');
}

async function ensureToken(
  api: NomadApi,
  retry: Retry,
  secrets: SecretsManagerClient,
  management: string,
  spec: AclTokenSpec,
): Promise<void> {
  const stored = await readSecret(secrets, spec.SecretArn);
  const current = parseToken(stored);
  let token: NomadToken | undefined;
  if (current !== undefined) {
    const self = await retry.call(
      `check the token ${spec.Name}`,
      () => api.request('GET', '/v1/acl/token/self', { token: current.secretId }),
      [200, 403, 404],
    );
    token = self.status === 200 ? (JSON.parse(self.body) as NomadToken) : undefined;
    if (token !== undefined) {
      token = { ...token, SecretID: current.secretId };
    }
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
    await retry.call(
      `update the policies of the token ${spec.Name}`,
      () =>
        api.request('POST', `/v1/acl/token/${encodeURIComponent(token?.AccessorID ?? '')}`, {
          token: management,
          body: {
            AccessorID: token?.AccessorID,
            Name: spec.Name,
            Type: 'client',
            Policies: spec.Policies,
            Global: false,
          },
        }),
      [200],
    );
    log('info', 'updated the policies of a token', { token: spec.Name, accessorId: token.AccessorID });
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
async function createToken(api: NomadApi, management: string, spec: AclTokenSpec): Promise<NomadToken | undefined> {
  let created: NomadResponse;
  try {
    created = await api.request('POST', '/v1/acl/token', {
      token: management,
      body: { Name: spec.Name, Type: 'client', Policies: spec.Policies, Global: false },
    });
  } catch (error) {
    if (error instanceof NomadUnreachableError) {
      log('warn', 'no answer to a token creation: looking for the token before trying again', { token: spec.Name });
      return undefined;
    }
    throw error;
  }
  if (created.status >= 500) {
    return undefined;
  }
  if (created.status !== 200) {
    throw new CustomResourceError(
      `cannot create the token ${spec.Name}: Nomad answered HTTP ${created.status} ${excerpt(created.body)}`,
    );
  }
  const token = JSON.parse(created.body) as NomadToken;
  log('info', 'created a token', { token: spec.Name, accessorId: token.AccessorID });
  return token;
}

function parseToken(stored: string | undefined): TokenSecretValue | undefined {
  if (stored === undefined || isPlaceholder(stored)) {
    return undefined;
  }
  try {
    const value = JSON.parse(stored) as Partial<TokenSecretValue>;
    return typeof value.accessorId === 'string' && typeof value.secretId === 'string'
      ? { accessorId: value.accessorId, secretId: value.secretId }
      : undefined;
  } catch {
    return undefined;
  }
}

async function tokensNamed(api: NomadApi, retry: Retry, management: string, name: string): Promise<NomadToken[]> {
  const list = await retry.call(
    'list the tokens',
    () => api.request('GET', '/v1/acl/tokens', { token: management }),
    [200],
  );
  return (JSON.parse(list.body) as NomadToken[]).filter((token) => token.Name === name);
}

/** The newest token with this name, read in full (with its secret ID). */
async function findTokenNamed(
  api: NomadApi,
  retry: Retry,
  management: string,
  name: string,
): Promise<NomadToken | undefined> {
  const [newest] = (await tokensNamed(api, retry, management, name)).sort(
    (a, b) => (b.CreateIndex ?? 0) - (a.CreateIndex ?? 0),
  );
  if (newest === undefined) {
    return undefined;
  }
  const full = await retry.call(
    `read the token ${name}`,
    () => api.request('GET', `/v1/acl/token/${encodeURIComponent(newest.AccessorID)}`, { token: management }),
    [200],
  );
  log('info', 'adopted an existing token', { token: name, accessorId: newest.AccessorID });
  return JSON.parse(full.body) as NomadToken;
}

async function deleteTokensNamed(api: NomadApi, retry: Retry, management: string, name: string): Promise<void> {
  for (const token of await tokensNamed(api, retry, management, name)) {
    await retry.call(
      `delete the token ${name}`,
      () => api.request('DELETE', `/v1/acl/token/${encodeURIComponent(token.AccessorID)}`, { token: management }),
      [200, 400, 404],
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

/**
 * Retries what can get better by waiting (no server answers yet, no leader elected, HTTP 5xx)
 * until the deadline; an answer with an expected status returns; any other status is an error.
 */
class Retry {
  private lastProblem = '';

  public constructor(
    private readonly deadline: number,
    private readonly delayMs: number,
  ) {}

  public async call(what: string, send: () => Promise<NomadResponse>, expected: number[]): Promise<NomadResponse> {
    return this.attempts(`trying to ${what}`, async () => {
      let response: NomadResponse;
      try {
        response = await send();
      } catch (error) {
        if (error instanceof NomadUnreachableError) {
          return this.notYet(what, error.message);
        }
        throw error;
      }
      if (expected.includes(response.status)) {
        return response;
      }
      if (response.status >= 500 || response.status === 429) {
        return this.notYet(what, `HTTP ${response.status} ${excerpt(response.body)}`);
      }
      throw new CustomResourceError(`cannot ${what}: Nomad answered HTTP ${response.status} ${excerpt(response.body)}`);
    });
  }

  /** Calls `attempt` until it returns a value. */
  public async until<T>(what: string, attempt: () => Promise<T | undefined>): Promise<T> {
    return this.attempts(`waiting for ${what}`, async () => (await attempt()) ?? this.notYet(what, 'not yet'));
  }

  private async attempts<T>(doing: string, attempt: () => Promise<T | undefined>): Promise<T> {
    for (;;) {
      const result = await attempt();
      if (result !== undefined) {
        return result;
      }
      if (Date.now() + this.delayMs >= this.deadline) {
        throw new CustomResourceError(
          `gave up ${doing} before the function timed out; last answer: ${this.lastProblem}`,
        );
      }
      await sleep(this.delayMs);
    }
  }

  private notYet(what: string, problem: string): undefined {
    this.lastProblem = problem;
    log('warn', 'not yet', { what, problem });
    return undefined;
  }
}

/** The Lambda entry point. */
export const handler = customResourceHandler((event, deadline) =>
  aclBootstrap(event, deadline, { secrets: new SecretsManagerClient({}), ec2: new EC2Client({}) }),
);
