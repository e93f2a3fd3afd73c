import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Job, JobspecError } from '../../src';
import { NomadApiError, NomadClient } from '../../src/client';
import { FakeNomad } from './fake-nomad';

const webJob = new Job({
  id: 'web',
  groups: [{ name: 'web', tasks: [{ name: 'app', driver: 'docker', config: { image: 'nginx:1.27' } }] }],
});

/** The documented sample answer of `POST /v1/jobs`. */
const registerAnswer = { EvalID: 'd092fdc0-e1fd-2536-67d8-43af8ca798ac', EvalCreateIndex: 35, JobModifyIndex: 34 };

let nomad: FakeNomad;
let client: NomadClient;

beforeEach(async () => {
  nomad = await FakeNomad.start();
  client = new NomadClient({ address: nomad.address, token: 'secret-token', retry: { baseDelayMs: 1 } });
});

afterEach(async () => {
  client.close();
  await nomad.close();
});

async function rejection(promise: Promise<unknown>): Promise<NomadApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(NomadApiError);
  return error as NomadApiError;
}

describe('NomadClient', () => {
  describe('register', () => {
    it('sends a Job as POST /v1/jobs with the body toApiJson() renders and the X-Nomad-Token header', async () => {
      nomad.on('POST', '/v1/jobs', { json: registerAnswer, index: 35 });

      const answer = await client.register(webJob);

      expect(answer).toEqual(registerAnswer);
      const [request] = nomad.requests;
      expect(request?.method).toBe('POST');
      expect(request?.path).toBe('/v1/jobs');
      expect(request?.query).toEqual({});
      expect(request?.headers['x-nomad-token']).toBe('secret-token');
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.body).toEqual(webJob.toApiJson());
    });

    it('sends EnforceIndex with the JobModifyIndex for a check-and-set register', async () => {
      nomad.on('POST', '/v1/jobs', { json: registerAnswer });

      await client.register(webJob, {
        jobModifyIndex: 34,
        policyOverride: true,
        preserveCounts: true,
        evalPriority: 70,
      });

      expect(nomad.requests[0]?.body).toMatchObject({
        EnforceIndex: true,
        JobModifyIndex: 34,
        PolicyOverride: true,
        PreserveCounts: true,
        EvalPriority: 70,
      });
    });

    it('sends EnforceIndex with JobModifyIndex 0 to register only a new job', async () => {
      nomad.on('POST', '/v1/jobs', { json: registerAnswer });

      await client.register(webJob, { jobModifyIndex: 0 });

      expect(nomad.requests[0]?.body).toMatchObject({ EnforceIndex: true, JobModifyIndex: 0 });
    });

    it('sends a raw {Job} body as given, keeping its other request fields', async () => {
      nomad.on('POST', '/v1/jobs', { json: registerAnswer });
      const body = { Job: { ID: 'raw', Type: 'batch', TaskGroups: [] }, Submission: { Format: 'json', Source: '{}' } };

      await client.register(body);
      await client.register(webJob.toApiJson());

      expect(nomad.requests[0]?.body).toEqual(body);
      expect(nomad.requests[1]?.body).toEqual(webJob.toApiJson());
    });

    it('sends a job that names its namespace and region there, like nomad job run, unless the call names others', async () => {
      nomad.on('POST', '/v1/jobs', { json: registerAnswer });
      const job = { Job: { ID: 'web', Namespace: 'prod', Region: 'eu' } };

      await client.register(job);
      await client.register(job, { namespace: 'staging' });

      expect(nomad.requests.map((r) => r.query)).toEqual([
        { namespace: 'prod', region: 'eu' },
        { namespace: 'staging', region: 'eu' },
      ]);
    });

    it('rejects a body without a job ID before sending anything', async () => {
      await expect(client.register({ Job: { Name: 'no-id' } })).rejects.toThrow(JobspecError);
      await expect(client.register({ Job: { Name: 'no-id' } })).rejects.toThrow(
        /Job\.ID: expected the job ID as a non-empty string, received undefined; set Job\.ID \[required\]/,
      );
      await expect(client.register({ ID: 'bare' } as never)).rejects.toThrow(
        /expected a Job or a \{"Job": \{\.\.\.\}\} request body, received an object with keys \["ID"\]; wrap a bare API job as \{Job: job\}/,
      );
      expect(nomad.requests).toHaveLength(0);
    });

    it("reports a lost check-and-set race as an EnforceIndex conflict with Nomad's message", async () => {
      nomad.on('POST', '/v1/jobs', {
        status: 500,
        text: 'Enforcing job modify index 34: job exists with conflicting job modify index: 36',
      });

      const error = await rejection(client.register(webJob, { jobModifyIndex: 34 }));

      expect(error.isEnforceIndexConflict).toBe(true);
      expect(error.message).toBe(
        'Nomad API error: POST /v1/jobs returned 500 Internal Server Error: Enforcing job modify index 34: job exists with conflicting job modify index: 36',
      );
    });
  });

  describe('plan', () => {
    it('posts the job with Diff: true to /v1/job/:id/plan', async () => {
      nomad.on('POST', '/v1/job/web/plan', { json: { JobModifyIndex: 0, Diff: { Type: 'Added', ID: 'web' } } });

      const plan = await client.plan(webJob, { policyOverride: true });

      expect(plan.JobModifyIndex).toBe(0);
      expect(nomad.requests[0]?.body).toEqual({ Job: webJob.toApiJson().Job, Diff: true, PolicyOverride: true });
    });
  });

  describe('dispatch', () => {
    it('sends meta, the payload in base64 and the idempotency token as ?idempotency_token=', async () => {
      const answer = {
        Index: 13,
        JobCreateIndex: 12,
        EvalCreateIndex: 13,
        EvalID: 'e5f55fac-bc69-119d-528a-1fc7ade5e02c',
        DispatchedJobID: 'report/dispatch-1485408778-81644024',
      };
      nomad.on('POST', '/v1/job/report/dispatch', { json: answer });

      const result = await client.dispatch('report', {
        meta: { customer: 'acme' },
        payload: Buffer.from('{"rows": 10}'),
        idempotencyToken: 'nightly-2024-05-01',
        idPrefixTemplate: 'nightly',
      });

      expect(result.DispatchedJobID).toBe('report/dispatch-1485408778-81644024');
      const [request] = nomad.requests;
      expect(request?.query).toEqual({ idempotency_token: 'nightly-2024-05-01' });
      expect(request?.body).toEqual({
        Payload: Buffer.from('{"rows": 10}').toString('base64'),
        Meta: { customer: 'acme' },
        IdPrefixTemplate: 'nightly',
      });
    });

    it('sends an empty body and no token when none is given', async () => {
      nomad.on('POST', '/v1/job/report/dispatch', { json: { DispatchedJobID: 'report/dispatch-1', EvalID: 'e' } });

      await client.dispatch('report');

      expect(nomad.requests[0]?.query).toEqual({});
      expect(nomad.requests[0]?.body).toEqual({});
    });
  });

  describe('deregister', () => {
    it('sends DELETE /v1/job/:id with purge and the other documented parameters', async () => {
      nomad.on('DELETE', '/v1/job/web', { json: registerAnswer });

      await client.deregister('web');
      await client.deregister('web', { purge: true, global: true, evalPriority: 80, noShutdownDelay: true });

      expect(nomad.requests.map((r) => r.query)).toEqual([
        { purge: 'false' },
        { purge: 'true', global: 'true', eval_priority: '80', no_shutdown_delay: 'true' },
      ]);
    });
  });

  describe('reads', () => {
    it('reads a job, its allocations, deployments, latest deployment and evaluations from the documented paths', async () => {
      nomad
        .on('GET', '/v1/job/web', {
          json: {
            ID: 'web',
            Name: 'web',
            Namespace: 'default',
            Type: 'service',
            Status: 'running',
            Version: 2,
            JobModifyIndex: 7,
            ModifyIndex: 9,
            CreateIndex: 7,
          },
        })
        .on('GET', '/v1/job/web/allocations', {
          json: [
            {
              ID: 'ed344e0a',
              Name: 'web.web[0]',
              JobID: 'web',
              TaskGroup: 'web',
              DesiredStatus: 'run',
              ClientStatus: 'running',
            },
          ],
        })
        .on('GET', '/v1/job/web/deployments', {
          json: [
            { ID: 'd1', Status: 'running' },
            { ID: 'd0', Status: 'successful' },
          ],
        })
        .on('GET', '/v1/job/web/deployment', { json: { ID: 'd1', Status: 'running' } })
        .on('GET', '/v1/job/web/evaluations', {
          json: [{ ID: 'a9c5effc', JobID: 'web', Status: 'complete', TriggeredBy: 'job-register' }],
        });

      expect((await client.readJob('web')).Version).toBe(2);
      expect((await client.jobAllocations('web', { all: true })).map((a) => a.ClientStatus)).toEqual(['running']);
      expect((await client.jobDeployments('web')).map((d) => d.ID)).toEqual(['d1', 'd0']);
      expect((await client.latestDeployment('web'))?.ID).toBe('d1');
      expect((await client.jobEvaluations('web')).map((e) => e.TriggeredBy)).toEqual(['job-register']);

      expect(nomad.requests.map((r) => `${r.method} ${r.path} ${new URLSearchParams(r.query)}`)).toEqual([
        'GET /v1/job/web ',
        'GET /v1/job/web/allocations all=true',
        'GET /v1/job/web/deployments all=false',
        'GET /v1/job/web/deployment ',
        'GET /v1/job/web/evaluations ',
      ]);
    });

    it('returns undefined when a job has no deployment (Nomad answers null)', async () => {
      nomad.on('GET', '/v1/job/batch/deployment', { json: null });

      expect(await client.latestDeployment('batch')).toBeUndefined();
    });

    it('reads a deployment and an evaluation by ID', async () => {
      nomad
        .on('GET', '/v1/deployment/d1', { json: { ID: 'd1', Status: 'successful' } })
        .on('GET', '/v1/evaluation/e1', { json: { ID: 'e1', Status: 'complete', DeploymentID: 'd1' } });

      expect((await client.readDeployment('d1')).Status).toBe('successful');
      expect((await client.readEvaluation('e1')).DeploymentID).toBe('d1');
    });

    it('encodes a dispatched job ID, whose slash is part of the ID', async () => {
      nomad.on('GET', '/v1/job/report%2Fdispatch-1', { json: { ID: 'report/dispatch-1' } });

      expect((await client.readJob('report/dispatch-1')).ID).toBe('report/dispatch-1');
    });

    it('decodes gzip answers, which it asks for', async () => {
      nomad.on('GET', '/v1/job/web', { json: { ID: 'web', Version: 3 }, gzip: true });

      expect((await client.readJob('web')).Version).toBe(3);
      expect(nomad.requests[0]?.headers['accept-encoding']).toBe('gzip');
    });

    it('reads any endpoint with query(), returning the X-Nomad-Index for blocking queries', async () => {
      nomad.on('GET', '/v1/nodes', { json: [{ ID: 'n1' }], index: 42 });

      const first = await client.query<{ ID: string }[]>('/v1/nodes', { params: { prefix: 'n' } });
      await client.query('/v1/nodes', { index: first.index ?? 0, waitMs: 5000 });

      expect(first).toEqual({ data: [{ ID: 'n1' }], index: 42 });
      expect(nomad.requests.map((r) => r.query)).toEqual([{ prefix: 'n' }, { index: '42', wait: '5000ms' }]);
    });

    it('refuses a query() path outside /v1/ and an empty job ID, sending nothing', async () => {
      const bad = await rejection(client.query('/v2/jobs'));
      expect(bad.code).toBe('invalid-argument');
      expect(bad.message).toBe('Nomad client: path: expected an API path starting with "/v1/", received "/v2/jobs"');
      await expect(client.readJob('')).rejects.toThrow('Nomad client: jobId: expected a non-empty string, received ""');
      expect(nomad.requests).toHaveLength(0);
    });
  });

  describe('namespaces and regions', () => {
    it("adds the client's namespace and region to every call; a call's own win", async () => {
      const scoped = new NomadClient({ address: nomad.address, namespace: 'prod', region: 'eu-west' });
      nomad.on('GET', '/v1/job/web', { json: { ID: 'web' } });

      await scoped.readJob('web');
      await scoped.readJob('web', { namespace: 'staging', region: 'us-east' });
      scoped.close();

      expect(nomad.requests.map((r) => r.query)).toEqual([
        { region: 'eu-west', namespace: 'prod' },
        { region: 'us-east', namespace: 'staging' },
      ]);
    });

    it('keeps a path prefix of the address, for agents behind a reverse proxy', async () => {
      const proxied = new NomadClient({ address: `${nomad.address}/nomad/` });
      nomad.on('GET', '/nomad/v1/job/web', { json: { ID: 'web' } });

      expect((await proxied.readJob('web')).ID).toBe('web');
      proxied.close();
    });

    it('sends no token header without a token', async () => {
      const anonymous = new NomadClient({ address: nomad.address });
      nomad.on('GET', '/v1/job/web', { json: { ID: 'web' } });

      await anonymous.readJob('web');
      anonymous.close();

      expect(nomad.requests[0]?.headers['x-nomad-token']).toBeUndefined();
    });
  });

  describe('response bodies', () => {
    const KiB = 1024;
    let small: NomadClient;
    beforeEach(() => {
      small = new NomadClient({ address: nomad.address, maxResponseBytes: 64 * KiB, retry: { baseDelayMs: 1 } });
    });
    afterEach(() => small.close());

    it('rejects a body larger than maxResponseBytes, naming the limit', async () => {
      nomad.on('GET', '/v1/job/web', { json: { ID: 'web', Meta: { big: 'x'.repeat(100 * KiB) } } });

      const error = await rejection(small.readJob('web'));

      expect(error).toMatchObject({ code: 'response-too-large', status: 200, method: 'GET', path: '/v1/job/web' });
      expect(error.message).toBe(
        'Nomad API error: GET /v1/job/web returned 200 with a body larger than maxResponseBytes (64 KiB); nothing was kept. Raise maxResponseBytes if the agent really sends answers this large',
      );
      expect(nomad.requests).toHaveLength(1);
    });

    it('stops reading a body that never ends (no Content-Length) at the limit', async () => {
      nomad.on('GET', '/v1/job/web', { repeat: { chunk: Buffer.alloc(16 * KiB, 'a') } });

      const error = await rejection(small.readJob('web'));

      expect(error.code).toBe('response-too-large');
      expect(error.message).toContain('with a body larger than maxResponseBytes (64 KiB)');
    });

    it('accepts a body of exactly maxResponseBytes', async () => {
      const body = Buffer.from(JSON.stringify({ ID: 'web', Meta: { fill: '' } }));
      const filled = { ID: 'web', Meta: { fill: 'x'.repeat(64 * KiB - body.length) } };
      nomad.on('GET', '/v1/job/web', { json: filled });

      expect((await small.readJob('web')).Meta).toEqual(filled.Meta);
    });

    it('rejects a gzip bomb once it expands past the limit, without inflating the rest', async () => {
      // 4 MiB of zeros compress to about 4 KiB: far below the limit as received.
      const bomb = gzipSync(Buffer.alloc(4 * 1024 * KiB));
      expect(bomb.length).toBeLessThan(64 * KiB);
      nomad.on('GET', '/v1/job/web', { raw: bomb, headers: { 'Content-Encoding': 'gzip' } });

      const error = await rejection(small.readJob('web'));

      expect(error.code).toBe('response-too-large');
      expect(error.message).toBe(
        'Nomad API error: GET /v1/job/web returned 200 with a gzip body that expands to more than maxResponseBytes (64 KiB); nothing was kept. Raise maxResponseBytes if the agent really sends answers this large',
      );
    });

    it('rejects a body that is not gzip although it says so, as an invalid response', async () => {
      nomad.on('GET', '/v1/job/web', { raw: Buffer.from('not gzip'), headers: { 'Content-Encoding': 'gzip' } });

      const error = await rejection(small.readJob('web'));

      expect(error.code).toBe('invalid-response');
      expect(error.message).toMatch(/^Nomad API error: GET \/v1\/job\/web returned 200 but cannot gunzip the body: /);
    });

    it('rejects an answer cut off before its last byte as a connection error (and retries a read)', async () => {
      nomad.on('GET', '/v1/job/web', { json: { ID: 'web', Meta: { fill: 'x'.repeat(4 * KiB) } }, truncate: true });
      const once = new NomadClient({ address: nomad.address, retry: { maxAttempts: 2, baseDelayMs: 1 } });

      const error = await rejection(once.readJob('web').finally(() => once.close()));

      expect(error).toMatchObject({ code: 'connection', attempts: 2 });
      expect(nomad.requests).toHaveLength(2);
    });
  });

  describe('errors', () => {
    it("rejects with a NomadApiError carrying the status, method, path and Nomad's message", async () => {
      nomad.on('GET', '/v1/job/missing', { status: 404, text: 'job not found' });

      const error = await rejection(client.readJob('missing', { namespace: 'prod' }));

      expect(error).toMatchObject({
        code: 'http-status',
        status: 404,
        method: 'GET',
        path: '/v1/job/missing',
        body: 'job not found',
        attempts: 1,
        isNotFound: true,
      });
      expect(error.message).toBe('Nomad API error: GET /v1/job/missing returned 404 Not Found: job not found');
      expect(error.message).not.toContain('secret-token');
    });

    it('says to check NOMAD_TOKEN on a 403', async () => {
      nomad.on('POST', '/v1/jobs', { status: 403, text: 'Permission denied' });

      const error = await rejection(client.register(webJob));

      expect(error.message).toBe(
        'Nomad API error: POST /v1/jobs returned 403 Forbidden: Permission denied (check NOMAD_TOKEN: the token is missing, unknown or lacks the capability this call needs)',
      );
    });

    it('rejects a 200 whose body is not JSON as an invalid response', async () => {
      nomad.on('GET', '/v1/job/web', { text: '<html>proxy login</html>' });

      const error = await rejection(client.readJob('web'));

      expect(error.code).toBe('invalid-response');
      expect(error.message).toBe(
        'Nomad API error: GET /v1/job/web returned 200 but expected JSON, received "<html>proxy login</html>"',
      );
    });

    it("stops a call when its signal aborts, with the signal's reason", async () => {
      nomad.on('GET', '/v1/job/slow', { hang: true });
      const controller = new AbortController();
      const call = client.readJob('slow', { signal: controller.signal });
      // Abort while the request is at the server, never answered.
      await nomad.received(1);
      controller.abort(new Error('user pressed Ctrl-C'));

      await expect(call).rejects.toThrow('user pressed Ctrl-C');
    });
  });
});
