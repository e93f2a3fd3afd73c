import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The cluster a fake Nomad agent describes; tests change it to make a check fail. */
export interface FakeClusterState {
  leader: string;
  peers: Array<{ Node: string; Voter: boolean }>;
  pools: string[];
  nodes: Array<{ ID: string; NodePool: string; Status: string; SchedulingEligibility: string }>;
  jobs: Array<Record<string, unknown>>;
  /** Latest deployment by job ID. */
  deployments: Record<string, Record<string, unknown>>;
  /** What a dispatched trainer job ends as: `complete` or `failed`. */
  trainerOutcome: 'complete' | 'failed';
  /** How many reads of the dispatched job answer `running` before `dead`. */
  runningReads: number;
  /** Registrations by service name (`GET /v1/service/:name`). */
  services: Record<string, Array<{ Address: string; Port: number }>>;
}

/** A healthy reference cluster: 3 voters, three pools with ready clients, healthy jobs. */
export function healthyCluster(): FakeClusterState {
  return {
    leader: '10.0.1.10:4647',
    peers: [
      { Node: 'server-a', Voter: true },
      { Node: 'server-b', Voter: true },
      { Node: 'server-c', Voter: true },
    ],
    pools: ['all', 'default', 'general', 'observability', 'spot'],
    nodes: [
      { ID: 'n1', NodePool: 'general', Status: 'ready', SchedulingEligibility: 'eligible' },
      { ID: 'n2', NodePool: 'general', Status: 'ready', SchedulingEligibility: 'eligible' },
      { ID: 'n3', NodePool: 'spot', Status: 'ready', SchedulingEligibility: 'eligible' },
      { ID: 'n4', NodePool: 'observability', Status: 'ready', SchedulingEligibility: 'eligible' },
    ],
    jobs: [
      {
        ID: 'hello-world',
        Type: 'service',
        Status: 'running',
        JobSummary: { Summary: { 'hello-world': { Running: 2 } } },
      },
      { ID: 'traefik', Type: 'system', Status: 'running', JobSummary: { Summary: { traefik: { Running: 2 } } } },
      { ID: 'trainer', Type: 'batch', Status: 'running', ParameterizedJob: true, JobSummary: { Summary: {} } },
    ],
    deployments: {
      'hello-world': {
        ID: 'd1e2f3a4-0000-0000-0000-000000000000',
        JobID: 'hello-world',
        Status: 'successful',
        StatusDescription: 'Deployment completed successfully',
        TaskGroups: { 'hello-world': { DesiredTotal: 2, PlacedAllocs: 2, HealthyAllocs: 2, UnhealthyAllocs: 0 } },
      },
    },
    trainerOutcome: 'complete',
    runningReads: 1,
    services: {},
  };
}

/** A request the fake received: method, path and body. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly token: string | undefined;
  readonly body: unknown;
}

/**
 * A loopback HTTP server answering the Nomad API endpoints `nomad-e2e` calls, as documented
 * (https://developer.hashicorp.com/nomad/api-docs): status/leader, operator/raft/configuration,
 * node/pools, nodes, jobs, job/:id/deployment, job/:id/dispatch, job/:id, job/:id/allocations.
 */
export class FakeNomad {
  public static async start(state: FakeClusterState = healthyCluster()): Promise<FakeNomad> {
    const fake = new FakeNomad(state);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  public readonly requests: ReceivedRequest[] = [];
  /** Forgets the dispatched job (a new test's cluster). */
  public reset(state: FakeClusterState = healthyCluster()): void {
    this.state = state;
    this.dispatched = undefined;
    this.requests.length = 0;
  }
  private readonly server: Server;
  private dispatched: { id: string; reads: number } | undefined;

  private constructor(public state: FakeClusterState) {
    this.server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => {
        raw += chunk.toString();
      });
      request.on('end', () => this.answer(request, response, raw));
    });
  }

  public get address(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(request: IncomingMessage, response: ServerResponse, raw: string): void {
    const url = new URL(request.url ?? '/', 'http://fake');
    const path = url.pathname;
    this.requests.push({
      method: request.method ?? 'GET',
      path,
      token: request.headers['x-nomad-token'] as string | undefined,
      body: raw === '' ? undefined : JSON.parse(raw),
    });
    const [status, body] = this.route(request.method ?? 'GET', path, url.searchParams);
    response.writeHead(status, { 'Content-Type': 'application/json', 'X-Nomad-Index': '7' });
    response.end(JSON.stringify(body));
  }

  private route(method: string, path: string, query: URLSearchParams): [number, unknown] {
    const json = (status: number, body: unknown): [number, unknown] => [status, body];
    const state = this.state;
    if (path === '/v1/status/leader') return json(200, state.leader);
    if (path === '/v1/operator/raft/configuration') {
      return json(200, {
        Index: 7,
        Servers: state.peers.map((peer) => ({ ...peer, ID: peer.Node, Address: `${peer.Node}:4647` })),
      });
    }
    if (path === '/v1/node/pools')
      return json(
        200,
        state.pools.map((Name) => ({ Name })),
      );
    if (path === '/v1/nodes') return json(200, state.nodes);
    if (path === '/v1/jobs') return json(200, state.jobs);
    const deployment = /^\/v1\/job\/([^/]+)\/deployment$/.exec(path);
    if (deployment) return json(200, state.deployments[decodeURIComponent(deployment[1] ?? '')] ?? null);
    const service = /^\/v1\/service\/([^/]+)$/.exec(path);
    if (service) return json(200, state.services[decodeURIComponent(service[1] ?? '')] ?? []);
    if (path === '/v1/job/trainer/dispatch' && method === 'POST') {
      // An idempotency token that was used before finds the same dispatched job (Nomad keeps it).
      if (this.dispatched === undefined || query.get('idempotency_token') === null) {
        this.dispatched = { id: `trainer/dispatch-1700000000-abcdef12`, reads: 0 };
      }
      return json(200, { DispatchedJobID: this.dispatched.id, EvalID: 'e1', JobCreateIndex: 8, Index: 8 });
    }
    const dispatchedId = this.dispatched?.id;
    if (dispatchedId !== undefined && path === `/v1/job/${encodeURIComponent(dispatchedId)}`) {
      const dispatched = this.dispatched as { id: string; reads: number };
      dispatched.reads++;
      return json(200, { ID: dispatchedId, Status: dispatched.reads > state.runningReads ? 'dead' : 'running' });
    }
    if (dispatchedId !== undefined && path === `/v1/job/${encodeURIComponent(dispatchedId)}/allocations`) {
      const failed = state.trainerOutcome === 'failed';
      return json(200, [
        {
          ID: 'a1b2c3d4-0000-0000-0000-000000000000',
          ClientStatus: state.trainerOutcome,
          TaskStates: {
            trainer: {
              State: 'dead',
              Failed: failed,
              Events: failed
                ? [
                    { Type: 'Started', DisplayMessage: 'Task started by client' },
                    { Type: 'Terminated', DisplayMessage: 'Exit Code: 1, Exit Message: "training data not found"' },
                  ]
                : [{ Type: 'Terminated', DisplayMessage: 'Exit Code: 0' }],
            },
          },
        },
      ]);
    }
    return json(404, { error: `fake Nomad: no route for ${method} ${path}` });
  }
}

/** A loopback stand-in for the load balancer in front of hello-world: answers `/` with a status and body. */
export class FakeLoadBalancer {
  public static async start(
    status = 200,
    body = 'Hello from allocation 1a2b3c4d (node n1)\n',
  ): Promise<FakeLoadBalancer> {
    const fake = new FakeLoadBalancer(status, body);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  private readonly server: Server;

  private constructor(
    public status: number,
    public body: string,
  ) {
    this.server = createServer((_request, response) => {
      response.writeHead(this.status, { 'Content-Type': 'text/plain' });
      response.end(this.status === 200 ? this.body : '<html>502 Bad Gateway</html>');
    });
  }

  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  public close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
