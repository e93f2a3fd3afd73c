import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from '@cdktn/hcl-tools';
import { parse } from '@cdktn/hcl2json';
import { Testing } from '@org/jobspec-builder';
import { describe, expect, it } from 'vitest';
import { renderJobFiles } from '../../scripts/job-files';
import { DEFAULT_DRAIN_TIMEOUT_MS, DEFAULT_PORT } from '../../src/defaults';
import { HELLO_WORLD_KILL_TIMEOUT, HELLO_WORLD_SHUTDOWN_DELAY, helloWorldJob } from '../../src/job';

const PACKAGE_DIR = join(__dirname, '..', '..');
/** Nomad clients cap kill_timeout at max_kill_timeout, 30 s unless configured otherwise. */
const DEFAULT_MAX_KILL_TIMEOUT_MS = 30_000;

describe('helloWorldJob', () => {
  const job = helloWorldJob({ image: 'ghcr.io/acme/hello-world-app:1.0.0' });
  const group = job.props.groups?.[0];
  const task = group?.tasks?.[0];
  const service = group?.services?.[0];

  it('is a valid Nomad job', () => {
    expect(Testing.issues(job)).toEqual([]);
  });

  it('runs 3 instances of a service job, spread over nodes', () => {
    expect(job.props.type).toBe('service');
    expect(group?.count).toBe(3);
    expect(group?.spreads).toEqual([{ attribute: '${node.unique.id}', weight: 100 }]);
  });

  it('maps the dynamic port "http" to the port the server listens on', () => {
    expect(group?.networks?.[0]?.ports).toEqual([{ label: 'http', to: DEFAULT_PORT }]);
    expect(task?.config).toEqual({ image: 'ghcr.io/acme/hello-world-app:1.0.0', ports: ['http'] });
    expect(task?.env?.PORT).toBe(String(DEFAULT_PORT));
  });

  it("registers the service with Nomad's own provider, checked on /ready, with Traefik routing tags", () => {
    expect(service).toMatchObject({ name: 'hello-world', port: 'http', provider: 'nomad' });
    expect(service?.checks?.map((c) => [c.name, c.type, c.path])).toEqual([
      ['ready', 'http', '/ready'],
      ['alive', 'http', '/health'],
    ]);
    expect(service?.checks?.[1]?.checkRestart).toMatchObject({ limit: 3 });
    expect(service?.tags).toEqual(
      expect.arrayContaining(['traefik.enable=true', 'traefik.http.routers.hello-world.rule=PathPrefix(`/`)']),
    );
  });

  it('rolls out through one canary, promoted and reverted automatically', () => {
    expect(group?.update).toMatchObject({
      canary: 1,
      autoPromote: true,
      autoRevert: true,
      maxParallel: 1,
      healthCheck: 'checks',
    });
  });

  it('has restart and reschedule policies', () => {
    expect(group?.restart).toMatchObject({ attempts: 2, mode: 'fail' });
    expect(group?.reschedule).toMatchObject({ unlimited: true, delayFunction: 'exponential' });
  });

  it("gives the server's drain time to finish before Nomad kills the task, within the client's cap", () => {
    expect(task?.env?.DRAIN_TIMEOUT_MS).toBe(String(DEFAULT_DRAIN_TIMEOUT_MS));
    expect(task?.killSignal).toBe('SIGTERM');
    const killTimeoutMs = Number(HELLO_WORLD_KILL_TIMEOUT.toNanosBigInt() / 1_000_000n);
    expect(task?.killTimeout).toBe(HELLO_WORLD_KILL_TIMEOUT);
    expect(killTimeoutMs).toBeGreaterThan(DEFAULT_DRAIN_TIMEOUT_MS);
    expect(killTimeoutMs).toBeLessThanOrEqual(DEFAULT_MAX_KILL_TIMEOUT_MS);
    expect(group?.shutdownDelay).toBe(HELLO_WORLD_SHUTDOWN_DELAY);
  });

  it('passes the node name, which Nomad sets no variable for', () => {
    expect(task?.env?.NODE_NAME).toBe('${node.unique.name}');
  });

  it('takes its id, count, datacenters, router rule and log level from the options', () => {
    const custom = helloWorldJob({
      image: 'hello:2',
      id: 'greeter',
      count: 5,
      datacenters: ['eu-west-1a'],
      routerRule: 'Host(`hello.example.com`)',
      logLevel: 'debug',
    });
    const customGroup = custom.props.groups?.[0];
    expect(custom.props.id).toBe('greeter');
    expect(custom.props.datacenters).toEqual(['eu-west-1a']);
    expect(customGroup?.name).toBe('greeter');
    expect(customGroup?.count).toBe(5);
    expect(customGroup?.services?.[0]?.tags).toContain('traefik.http.routers.greeter.rule=Host(`hello.example.com`)');
    expect(customGroup?.tasks?.[0]?.env?.LOG_LEVEL).toBe('debug');
    expect(Testing.issues(custom)).toEqual([]);
  });
});

describe('helloWorldJob on a cluster', () => {
  it('runs in the given node pool, spread over availability zones, then nodes', () => {
    const job = helloWorldJob({ image: 'hello:2', nodePool: 'general', count: 2, spreadOverZones: true });
    expect(job.props.nodePool).toBe('general');
    expect(job.props.groups?.[0]?.spreads).toEqual([
      { attribute: '${attr.platform.aws.placement.availability-zone}', weight: 100 },
      { attribute: '${node.unique.id}', weight: 50 },
    ]);
    expect(Testing.issues(job)).toEqual([]);
  });

  it("leaves the node pool to Nomad's default when none is given", () => {
    expect(helloWorldJob({ image: 'hello:2' }).toApiJson().Job.NodePool).toBeUndefined();
  });
});

describe('rendered job files', () => {
  const files = renderJobFiles();

  it.each(Object.keys(files))('%s is current (regenerate with `npx projen render-job`)', (name) => {
    expect(readFileSync(join(PACKAGE_DIR, name), 'utf8')).toBe(files[name]);
  });

  it("hello-world.nomad.hcl is formatted as `nomad fmt` leaves it and parses with HashiCorp's parser", async () => {
    const hcl = readFileSync(join(PACKAGE_DIR, 'hello-world.nomad.hcl'), 'utf8');
    expect(await format(hcl)).toBe(hcl);
    const parsed = (await parse('hello-world.nomad.hcl', hcl)) as {
      variable: Record<string, { default: string }[]>;
      job: Record<string, { group: Record<string, { count: number; task: Record<string, unknown> }[]> }[]>;
    };
    expect(parsed.variable.image?.[0]?.default).toBe('hello-world-app:local');
    expect(parsed.variable.node_pool?.[0]?.default).toBe('default');
    const group = parsed.job['hello-world']?.[0]?.group['hello-world']?.[0];
    expect(group?.count).toBe(3);
    expect(Object.keys(group?.task ?? {})).toEqual(['hello-world']);
  });

  it('hello-world.api.json is the API form of the same job', () => {
    const api = JSON.parse(readFileSync(join(PACKAGE_DIR, 'hello-world.api.json'), 'utf8')) as {
      Job: { ID: string; TaskGroups: { Count: number; Tasks: { Config: { image: string }; KillTimeout: number }[] }[] };
    };
    expect(api.Job.ID).toBe('hello-world');
    expect(api.Job.TaskGroups[0]?.Count).toBe(3);
    expect(api.Job.TaskGroups[0]?.Tasks[0]?.Config.image).toBe('hello-world-app:local');
    expect(api.Job.TaskGroups[0]?.Tasks[0]?.KillTimeout).toBe(15_000_000_000);
  });
});
