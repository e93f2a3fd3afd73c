import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NomadApiError, NomadClient } from '../../src/client';
import { FakeNomad } from './fake-nomad';

let nomad: FakeNomad;
let client: NomadClient;

beforeEach(async () => {
  nomad = await FakeNomad.start();
  client = new NomadClient({ address: nomad.address, token: 'management', retry: { maxAttempts: 2, baseDelayMs: 1 } });
});

afterEach(async () => {
  client.close();
  await nomad.close();
});

/** The documented sample token of the ACL token API. */
const token = {
  AccessorID: 'aa534e09-6a07-0a45-2295-a7f77063d429',
  SecretID: '8176afd3-772d-0b71-8f85-7fa5d903e9d4',
  Name: 'Readonly token',
  Type: 'client',
  Policies: ['readonly'],
  Global: false,
  CreateIndex: 7,
  ModifyIndex: 7,
};

describe('NomadClient ACL, namespace and node pool calls', () => {
  it('bootstraps with a chosen secret and answers the management token, sending no body without one', async () => {
    nomad.on('POST', '/v1/acl/bootstrap', { json: { ...token, Type: 'management', Name: 'Bootstrap Token' } });
    const answer = await client.bootstrapAcl({ bootstrapSecret: token.SecretID });
    expect(answer.Type).toBe('management');
    expect(nomad.requests[0]?.body).toEqual({ BootstrapSecret: token.SecretID });
    await client.bootstrapAcl();
    expect(nomad.requests[1]?.body).toBeUndefined();
  });

  it('never retries a bootstrap, and reports "already done" as a 400 with its message', async () => {
    nomad.on('POST', '/v1/acl/bootstrap', [{ status: 503, text: 'No cluster leader' }]);
    await expect(client.bootstrapAcl()).rejects.toMatchObject({ code: 'http-status', status: 503 });
    expect(nomad.requestsTo('POST', '/v1/acl/bootstrap')).toHaveLength(1);
    nomad.on('POST', '/v1/acl/bootstrap', { status: 400, text: 'ACL bootstrap already done (reset index: 7)' });
    const error = await client.bootstrapAcl().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NomadApiError);
    expect((error as NomadApiError).body).toBe('ACL bootstrap already done (reset index: 7)');
  });

  it("reads the token a call is made with: the call's own token wins over the client's", async () => {
    nomad.on('GET', '/v1/acl/token/self', { json: token });
    expect(await client.readAclTokenSelf({ token: token.SecretID })).toEqual(token);
    await client.readAclTokenSelf();
    expect(nomad.requests.map((request) => request.headers['x-nomad-token'])).toEqual([token.SecretID, 'management']);
  });

  it('lists, reads, creates, updates and deletes tokens on the documented paths', async () => {
    const stub = { AccessorID: token.AccessorID, Name: token.Name, Type: 'client', Policies: ['readonly'] };
    nomad
      .on('GET', '/v1/acl/tokens', { json: [stub] })
      .on('GET', `/v1/acl/token/${token.AccessorID}`, { json: token })
      .on('POST', '/v1/acl/token', { json: token })
      .on('POST', `/v1/acl/token/${token.AccessorID}`, { json: token })
      .on('DELETE', `/v1/acl/token/${token.AccessorID}`, { json: null });
    expect(await client.listAclTokens()).toEqual([stub]);
    expect(await client.readAclToken(token.AccessorID)).toEqual(token);
    await client.createAclToken({ Name: 'Readonly token', Type: 'client', Policies: ['readonly'] });
    await client.updateAclToken(token.AccessorID, { Name: 'Readonly token', Type: 'client', Policies: ['all'] });
    await client.deleteAclToken(token.AccessorID);
    expect(nomad.requests.map((request) => [`${request.method} ${request.path}`, request.body])).toEqual([
      ['GET /v1/acl/tokens', undefined],
      [`GET /v1/acl/token/${token.AccessorID}`, undefined],
      ['POST /v1/acl/token', { Name: 'Readonly token', Type: 'client', Policies: ['readonly'] }],
      [
        `POST /v1/acl/token/${token.AccessorID}`,
        { Name: 'Readonly token', Type: 'client', Policies: ['all'], AccessorID: token.AccessorID },
      ],
      [`DELETE /v1/acl/token/${token.AccessorID}`, undefined],
    ]);
  });

  it('never retries a token creation (each call creates a token), but retries reads', async () => {
    nomad.on('POST', '/v1/acl/token', { status: 500, text: 'rpc error' });
    nomad.on('GET', '/v1/acl/tokens', [{ status: 500, text: 'rpc error' }, { json: null }]);
    await expect(client.createAclToken({ Type: 'client', Policies: ['readonly'] })).rejects.toMatchObject({
      status: 500,
    });
    expect(await client.listAclTokens()).toEqual([]);
    expect(nomad.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /v1/acl/token',
      'GET /v1/acl/tokens',
      'GET /v1/acl/tokens',
    ]);
  });

  it('reads, writes and deletes policies; a missing one is a 404', async () => {
    const policy = { Name: 'read only', Description: 'Read', Rules: 'node { policy = "read" }' };
    nomad
      .on('GET', '/v1/acl/policy/read%20only', [{ status: 404, text: 'ACL policy not found' }, { json: policy }])
      .on('POST', '/v1/acl/policy/read%20only', {})
      .on('DELETE', '/v1/acl/policy/read%20only', {});
    const missing = await client.readAclPolicy('read only').catch((caught: unknown) => caught);
    expect((missing as NomadApiError).isNotFound).toBe(true);
    await client.upsertAclPolicy(policy);
    expect(await client.readAclPolicy('read only')).toEqual(policy);
    await client.deleteAclPolicy('read only');
    expect(nomad.requestsTo('POST', '/v1/acl/policy/read%20only')[0]?.body).toEqual(policy);
    expect(nomad.requestsTo('DELETE', '/v1/acl/policy/read%20only')).toHaveLength(1);
  });

  it('reads and writes namespaces and node pools on the documented paths', async () => {
    nomad
      .on('GET', '/v1/namespace/ml', { json: { Name: 'ml', Description: 'ML jobs' } })
      .on('POST', '/v1/namespace/ml', {})
      .on('GET', '/v1/node/pool/gpu', { json: { Name: 'gpu' } })
      .on('POST', '/v1/node/pools', {});
    expect(await client.readNamespace('ml')).toEqual({ Name: 'ml', Description: 'ML jobs' });
    await client.upsertNamespace({ Name: 'ml', Description: 'ML jobs' });
    expect(await client.readNodePool('gpu')).toEqual({ Name: 'gpu' });
    await client.upsertNodePool({ Name: 'gpu', Description: 'GPU nodes' });
    expect(nomad.requests.map((request) => [`${request.method} ${request.path}`, request.body])).toEqual([
      ['GET /v1/namespace/ml', undefined],
      ['POST /v1/namespace/ml', { Name: 'ml', Description: 'ML jobs' }],
      ['GET /v1/node/pool/gpu', undefined],
      ['POST /v1/node/pools', { Name: 'gpu', Description: 'GPU nodes' }],
    ]);
  });

  it('refuses empty names, sending nothing', async () => {
    await expect(client.readAclToken('')).rejects.toThrow(
      'Nomad client: accessorId: expected a non-empty string, received ""',
    );
    await expect(client.upsertNodePool({ Name: '' })).rejects.toThrow(
      'Nomad client: pool.Name: expected a non-empty string, received ""',
    );
    await expect(client.upsertAclPolicy({ Name: '', Rules: '' })).rejects.toThrow('policy.Name');
    expect(nomad.requests).toEqual([]);
  });
});
