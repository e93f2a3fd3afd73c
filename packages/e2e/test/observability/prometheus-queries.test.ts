import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type RunningApp, startApp } from '@org/hello-world-app';
import {
  documentedPrometheusNames,
  EXPORTED_METRICS,
  NOMAD_CLIENTS_SCRAPE_JOB,
  NOMAD_SERVERS_SCRAPE_JOB,
  prometheusAlertRules,
  renderPrometheusRuleFile,
  shippedDashboards,
} from '@org/nomad-constructs';
import { DEFAULT_DATA, silentLogger, train } from '@org/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The queries of the shipped Grafana dashboards and Prometheus alert rules, run for real: Debian's
 * Prometheus on loopback scrapes a running hello-world-app and Debian's Pushgateway, to which a
 * short training run has pushed, while the test sends the app some traffic. Every expression must
 * return at least one series, except those over Nomad's own metrics (no Nomad agent runs here),
 * whose metric names are checked against Nomad's documented telemetry instead.
 *
 * Every wait is on an event (a log line saying a process listens, Prometheus's scrape of the app);
 * the vitest timeout is the only bound.
 */

const PROMETHEUS = '/usr/bin/prometheus';
const PUSHGATEWAY = '/usr/bin/prometheus-pushgateway';

/** Resolves with the address a Prometheus program logs once it listens; rejects with its output if it exits first. */
function listeningAddress(child: ChildProcess, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      output += chunk;
      const address = /msg="Listening on" address=(\S+)/.exec(output)?.[1];
      if (address) resolve(address);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`${name} exited (${signal ?? code}) before listening:\n${output}`)),
    );
  });
}

function start(binary: string, args: string[]): ChildProcess {
  if (!existsSync(binary)) {
    throw new Error(
      `${binary} is missing: apt-get install -y --no-install-recommends prometheus prometheus-pushgateway`,
    );
  }
  return spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

interface QueryResult {
  readonly status: string;
  readonly error?: string;
  readonly data?: { resultType: string; result: unknown[] };
}

/** A query to check, where it comes from, and whether it reads Nomad's own metrics. */
interface Check {
  readonly where: string;
  readonly expr: string;
  readonly nomad: boolean;
}

const NOMAD_JOBS = [NOMAD_SERVERS_SCRAPE_JOB, NOMAD_CLIENTS_SCRAPE_JOB];

/** Nomad metrics an expression reads (every Nomad metric starts with `nomad_`; no label or function does). */
function nomadMetrics(expr: string): string[] {
  return [...expr.matchAll(/\bnomad_[A-Za-z0-9_:]+/g)].map((match) => match[0]);
}

function isNomad(expr: string): boolean {
  return nomadMetrics(expr).length > 0 || NOMAD_JOBS.some((job) => expr.includes(`job="${job}"`));
}

/** Every PromQL expression of the shipped dashboards, with their variables at "All" (`.+`), and of the alert rules. */
function checks(): Check[] {
  const list: Check[] = [];
  for (const file of shippedDashboards()) {
    const dashboard = JSON.parse(file.json) as {
      panels?: { title?: string; targets?: { expr?: string; refId?: string }[] }[];
    };
    for (const panel of dashboard.panels ?? []) {
      for (const target of panel.targets ?? []) {
        if (target.expr === undefined) continue;
        const expr = target.expr.replace(/\$[a-z_]+/g, '.+');
        list.push({ where: `${file.fileName}: ${panel.title} (${target.refId})`, expr, nomad: isNomad(expr) });
      }
    }
  }
  for (const group of prometheusAlertRules()) {
    for (const rule of group.rules) {
      // The alert expression compares its measure with a threshold (promtool's tests prove the thresholds);
      // here the measure must return series. An alert without one (absent()) is about Nomad.
      const expr = rule.measure === '' ? rule.expr : rule.measure;
      list.push({ where: `alert ${rule.alert}`, expr, nomad: rule.measure === '' || isNomad(expr) });
    }
  }
  return list;
}

describe("the shipped dashboards' and alert rules' PromQL against a real Prometheus", () => {
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-e2e-'));
  let pushgateway: ChildProcess;
  let prometheus: ChildProcess;
  let app: RunningApp;
  let appUrl: string;
  let prometheusUrl: string;
  /** Resolvers waiting for Prometheus's next scrape of the app. */
  const scrapeWaiters: (() => void)[] = [];

  const nextScrape = () => new Promise<void>((resolve) => scrapeWaiters.push(resolve));

  async function query(expr: string): Promise<QueryResult> {
    const response = await fetch(`${prometheusUrl}/api/v1/query`, {
      method: 'POST',
      body: new URLSearchParams({ query: expr }),
    });
    return (await response.json()) as QueryResult;
  }

  async function metricNames(selector: string): Promise<string[]> {
    const response = await fetch(
      `${prometheusUrl}/api/v1/label/__name__/values?${new URLSearchParams({ 'match[]': selector })}`,
    );
    return ((await response.json()) as { data: string[] }).data;
  }

  async function traffic(): Promise<void> {
    for (const path of ['/', '/', '/health', '/ready', '/no-such-route']) {
      const response = await fetch(`${appUrl}${path}`);
      await response.arrayBuffer();
    }
  }

  beforeAll(async () => {
    pushgateway = start(PUSHGATEWAY, ['--web.listen-address=127.0.0.1:0']);
    const pushgatewayAddress = await listeningAddress(pushgateway, PUSHGATEWAY);

    app = await startApp({ config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }) });
    appUrl = `http://127.0.0.1:${app.port}`;
    app.server.on('request', (request: IncomingMessage) => {
      if (request.url === '/metrics' && request.headers['user-agent']?.startsWith('Prometheus')) {
        request.once('end', () => {
          for (const resolve of scrapeWaiters.splice(0)) resolve();
        });
        request.resume();
      }
    });

    // A short training run, which pushes its final metrics to the Pushgateway.
    await train(
      {
        data: DEFAULT_DATA,
        out: join(dir, 'runs'),
        runId: 'e2e',
        pushgatewayUrl: `http://${pushgatewayAddress}`,
        checkpointIntervalSeconds: 1,
        hyperparameters: { epochs: 3 },
      },
      { logger: silentLogger, env: {} },
    );

    writeFileSync(join(dir, 'rules.yml'), renderPrometheusRuleFile(prometheusAlertRules()));
    const config = {
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      rule_files: [join(dir, 'rules.yml')],
      scrape_configs: [
        { job_name: 'hello-world', static_configs: [{ targets: [`127.0.0.1:${app.port}`] }] },
        { job_name: 'pushgateway', honor_labels: true, static_configs: [{ targets: [pushgatewayAddress] }] },
      ],
    };
    writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
    prometheus = start(PROMETHEUS, [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--web.listen-address=127.0.0.1:0',
    ]);
    prometheusUrl = `http://${await listeningAddress(prometheus, PROMETHEUS)}`;
  });

  afterAll(async () => {
    prometheus?.kill();
    pushgateway?.kill();
    await app?.stop();
  });

  it('returns at least one series for every expression over the workloads, Prometheus and the Pushgateway', async ({
    onTestFailed,
  }) => {
    const all = checks();
    const own = all.filter((check) => !check.nomad);
    expect(own.length).toBeGreaterThan(20);
    let empty: string[] = own.map((check) => check.where);
    let rulesLoaded = false;
    // A timeout (the only bound) says which expressions were still empty.
    onTestFailed(() => console.error(`still without series:\n${empty.join('\n')}`));
    // Each round follows a scrape of the app: the samples of that scrape (and the traffic before it) are in.
    while (empty.length > 0 || !rulesLoaded) {
      await traffic();
      await nextScrape();
      const results = await Promise.all(own.map(async (check) => ({ check, result: await query(check.expr) })));
      const failed = results.filter(({ result }) => result.status !== 'success');
      expect(failed.map(({ check, result }) => `${check.where}: ${result.error}`)).toEqual([]);
      empty = results
        .filter(({ result }) => (result.data?.result.length ?? 0) === 0)
        .map(({ check }) => `${check.where}: ${check.expr}`);
      const rules = (await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as {
        data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
      };
      const loaded = rules.data.groups.flatMap((group) => group.rules);
      expect(loaded.filter((rule) => rule.health === 'err').map((rule) => `${rule.name}: ${rule.lastError}`)).toEqual(
        [],
      );
      rulesLoaded =
        loaded.length === all.filter((check) => check.where.startsWith('alert ')).length &&
        loaded.every((rule) => rule.health === 'ok');
    }
    expect(empty).toEqual([]);
  });

  it("reads Nomad's documented metrics only, in the expressions no Nomad agent here can answer", () => {
    const documented = documentedPrometheusNames();
    const nomad = checks().filter((check) => check.nomad);
    expect(nomad.length).toBeGreaterThan(30);
    const undocumented = nomad.flatMap((check) =>
      nomadMetrics(check.expr)
        .filter((name) => !documented.has(name))
        .map((name) => `${check.where}: ${name}`),
    );
    expect(undocumented).toEqual([]);
  });

  it('finds every metric name the queries expect from hello-world-app and the trainer in what they really export', async () => {
    const expected = (names: readonly string[], seen: string[]) => names.filter((name) => !seen.includes(name));
    let helloWorld: string[] = [];
    let trainer: string[] = [];
    // Until both jobs have been scraped once (each round follows a scrape of the app).
    while (expected(EXPORTED_METRICS.helloWorld, helloWorld).length > 0 || !trainer.includes('push_time_seconds')) {
      await traffic();
      await nextScrape();
      helloWorld = await metricNames('{job="hello-world"}');
      trainer = await metricNames('{job="trainer"}');
    }
    expect(EXPORTED_METRICS.helloWorld.filter((name) => !helloWorld.includes(name))).toEqual([]);
    expect(EXPORTED_METRICS.trainer.filter((name) => !trainer.includes(name))).toEqual([]);
    expect(EXPORTED_METRICS.pushgateway.filter((name) => !trainer.includes(name))).toEqual([]);
    expect(EXPORTED_METRICS.prometheus.filter((name) => !helloWorld.includes(name))).toEqual([]);
  });
});
