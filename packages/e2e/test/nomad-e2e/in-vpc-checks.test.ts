import { NomadClient } from '@org/jobspec-builder';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpGet } from '../../src/cli/aws';
import { trainerRunCheck } from '../../src/verify/aws-checks';
import { serviceCheck } from '../../src/verify/service-check';
import { FakeLoadBalancer, FakeNomad } from './fake-nomad';
import { mockDeployedStack, mocks, testDeps } from './test-deps';

let nomad: FakeNomad;
let service: FakeLoadBalancer;
let client: NomadClient;
beforeAll(async () => {
  nomad = await FakeNomad.start();
  service = await FakeLoadBalancer.start();
  client = new NomadClient({ address: nomad.address, token: 'token' });
});
afterAll(async () => {
  client.close();
  await nomad.close();
  await service.close();
});
beforeEach(() => {
  nomad.reset();
  service.status = 200;
  mockDeployedStack(nomad.address, undefined);
});

describe('serviceCheck (the verifier in the VPC)', () => {
  const port = () => Number(new URL(service.url).port);

  it('gets / from every registered instance of the service', async () => {
    nomad.state.services['hello-world'] = [
      { Address: '127.0.0.1', Port: port() },
      { Address: '127.0.0.1', Port: port() },
    ];
    await expect(serviceCheck(client, { httpGet }, 'hello-world').run()).resolves.toBe(
      `2 instance(s) answer (${service.url}, ${service.url})`,
    );
  });

  it('fails when no instance is registered, or one answers 502', async () => {
    await expect(serviceCheck(client, { httpGet }, 'hello-world').run()).rejects.toThrow(
      'no instance of hello-world is registered: `nomad service info hello-world`.',
    );
    nomad.state.services['hello-world'] = [{ Address: '127.0.0.1', Port: port() }];
    service.status = 502;
    await expect(serviceCheck(client, { httpGet }, 'hello-world').run()).rejects.toThrow(
      `${service.url} answered HTTP 502.`,
    );
  });
});

describe('trainerRunCheck, idempotent (called until it passes)', () => {
  it('dispatches with the run id as idempotency token and looks once: still running, then complete on the next call', async () => {
    nomad.state.runningReads = 1;
    const check = trainerRunCheck(client, testDeps(), {
      bucket: 'nomadreference-databucket',
      runId: 'integ',
      maxPolls: 1,
      idempotent: true,
    });
    await expect(check.run()).rejects.toThrow(
      "run integ (trainer/dispatch-1700000000-abcdef12) still running after 1 polls: is the spot pool's client ready? `nomad job status trainer/dispatch-1700000000-abcdef12`",
    );
    await expect(check.run()).resolves.toBe(
      'run integ complete, s3://nomadreference-databucket/trainer/integ/ has model.json and metrics.json',
    );
    const dispatches = nomad.requests.filter((request) => request.path === '/v1/job/trainer/dispatch');
    expect(dispatches).toHaveLength(2);
    expect(mocks.s3.calls()).toHaveLength(2);
  });
});
