import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { recordingIo, testDeps } from './test-deps';

const FIXTURE = join(__dirname, '..', 'cost', 'fixtures', 'small-cluster.template.json');

async function cost(args: string[]) {
  const io = recordingIo();
  const code = await main(['cost', ...args], io, testDeps());
  return { code, out: io.out(), err: io.err() };
}

describe('nomad-e2e', () => {
  it('answers --help with the commands and --version with the package version, and rejects an unknown command', async () => {
    const help = recordingIo();
    expect(await main(['--help'], help, testDeps())).toBe(0);
    expect(help.out()).toMatch(/^Usage: nomad-e2e <command> \[options\]/);
    expect(help.out()).toContain('  verify    Check the deployed cluster');
    const version = recordingIo();
    expect(await main(['--version'], version, testDeps())).toBe(0);
    expect(version.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
    const unknown = recordingIo();
    expect(await main(['launch'], unknown, testDeps())).toBe(2);
    expect(unknown.err()).toBe('nomad-e2e: unknown command "launch": expected cost, deploy, verify or destroy.\n');
    const context = recordingIo();
    expect(await main(['cost', '-c', 'nomad:profile'], context, testDeps())).toBe(2);
    expect(context.err()).toBe('nomad-e2e: -c: expected key=value, received "nomad:profile".\n');
  });
});

describe('nomad-e2e cost', () => {
  it('prices a template file as a table', async () => {
    const { code, out } = await cost(['--template', FIXTURE]);
    expect(out).toMatch(/^Monthly list price of .*small-cluster\.template\.json\n\nResource +What +Per month\n/);
    expect(out).toMatch(/^Total +\$161\.0\d$/m);
    expect(code).toBe(0);
  });

  it('--json gives the lines, the assumptions and a total', async () => {
    const { code, out } = await cost(['--template', FIXTURE, '--json', '--spot-discount', '0']);
    const parsed = JSON.parse(out) as { total: number; region: string; lines: unknown[]; assumptions: string[] };
    expect(parsed.total).toBeCloseTo(176.96, 1);
    expect(parsed.region).toBe('us-east-1');
    expect(parsed.lines.length).toBeGreaterThan(10);
    expect(parsed.assumptions).toContain('Spot instances at 0% below On-Demand');
    expect(code).toBe(0);
  });

  it('rejects a file that is not a template, and an unknown profile, in one line', async () => {
    const missing = await cost(['--template', join(__dirname, 'no-such.json')]);
    expect(missing.err).toMatch(
      /^nomad-e2e cost: --template: cannot read .*no-such\.json\. Give the path of a synthesized template \(cdk\.out\/<stack>\.template\.json\)\.\n$/,
    );
    expect(missing.code).toBe(1);
    const profile = await cost(['--profile', 'cheap']);
    expect(profile.err).toBe('nomad-e2e: --profile: expected default or production, received "cheap".\n');
    expect(profile.code).toBe(2);
  });

  // Each synthesizes the reference app with the HTTPS UI (about 15 s).
  it.concurrent('prices the reference app with the HTTPS UI within the goal of $100 a month', async () => {
    const { code, out } = await cost(['--json']);
    const parsed = JSON.parse(out) as {
      title: string;
      total: number;
      lines: Array<{ resource: string; quantity: string }>;
    };
    expect(parsed.title).toBe(
      'Monthly list price of NomadReference, profile default, with the HTTPS UI (priced as nomad.example.com)',
    );
    expect(parsed.total).toBeLessThanOrEqual(100);
    const quantities = parsed.lines.map((line) => line.quantity);
    expect(quantities).toContain('3 x t4g.micro On-Demand, 8 GiB gp3 each');
    expect(quantities).toContain('1 x t4g.small On-Demand + 1 x t4g.small Spot, 20 GiB gp3 each');
    expect(quantities).toContain('1 x t4g.nano On-Demand, 8 GiB gp3, 1 public IPv4');
    expect(quantities).toContain('1 application load balancer (hours), 3 public IPv4 (one per zone)');
    expect(quantities.some((quantity) => quantity.includes('NAT gateway'))).toBe(false);
    expect(parsed.lines.map((line) => line.resource)).toContain('Nomad/general/AutoScalingGroup/ASG');
    expect(code).toBe(0);
  });

  it.concurrent('--profile production prices the larger sizes and the NAT gateway', async () => {
    const { code, out } = await cost(['--profile', 'production', '--json']);
    const parsed = JSON.parse(out) as { total: number; lines: Array<{ quantity: string }> };
    const quantities = parsed.lines.map((line) => line.quantity);
    expect(quantities).toContain('3 x m7g.large On-Demand, 50 GiB gp3 each');
    expect(quantities).toContain('1 NAT gateway (hours)');
    expect(parsed.total).toBeGreaterThan(400);
    expect(code).toBe(0);
  });
});
