import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { US_EAST_1_PRICES } from '../../src/cost/price-table';
import { type CfnTemplate, formatCost, priceTemplate } from '../../src/cost/template-cost';

const fixture = (name: string): CfnTemplate =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.template.json`), 'utf8')) as CfnTemplate;

describe('priceTemplate', () => {
  const cost = priceTemplate(fixture('small-cluster'));
  const line = (resource: string) => {
    const found = cost.lines.find((candidate) => candidate.resource === resource);
    expect(found, resource).toBeDefined();
    return found as NonNullable<typeof found>;
  };

  it('prices an Auto Scaling group at its capacity and the instance type of its launch template, with its volumes', () => {
    // 3 x t4g.micro x 730 h + 3 x 10 GiB gp3; named by its construct path without the stack.
    expect(line('Cluster/Servers/AutoScalingGroup/ASG')).toEqual({
      resource: 'Cluster/Servers/AutoScalingGroup/ASG',
      type: 'AWS::AutoScaling::AutoScalingGroup',
      quantity: '3 x t4g.micro On-Demand, 10 GiB gp3 each',
      monthly: 20.8,
    });
  });

  it('splits a mixed instances policy into On-Demand (base, rounded up) and Spot at the assumed discount', () => {
    // Desired 3: 1 On-Demand base, 0% above it -> 2 Spot at 35% of $0.0168.
    expect(line('SpotGroup')).toMatchObject({
      quantity: '1 x t4g.small On-Demand + 2 x t4g.small Spot (first of its types), 20 GiB gp3 each',
      monthly: 25.65,
    });
    const noDiscount = priceTemplate(fixture('small-cluster'), { spotDiscount: 0 });
    expect(noDiscount.lines.find((candidate) => candidate.resource === 'SpotGroup')?.monthly).toBe(41.59);
  });

  it('prices NAT gateways, addresses, NAT instances with their public address, load balancers by zone', () => {
    expect(line('NatGateway').monthly).toBe(32.85);
    expect(line('NatAddress').monthly).toBe(3.65);
    // t4g.nano + the AMI's 8 GiB + one public IPv4.
    expect(line('NatInstance')).toMatchObject({
      quantity: '1 x t4g.nano On-Demand, 8 GiB gp3 (AMI default), 1 public IPv4',
      monthly: 7.36,
    });
    expect(line('LoadBalancer').quantity).toBe('1 application load balancer (hours), 3 public IPv4 (one per zone)');
    expect(line('LoadBalancer').monthly).toBeCloseTo(27.38, 1);
    expect(line('InternalLoadBalancer').monthly).toBeCloseTo(16.43, 1);
  });

  it('prices interface endpoints per zone and gateway endpoints at nothing', () => {
    expect(line('EcrEndpoint')).toMatchObject({ quantity: 'interface endpoint in 3 zone(s)', monthly: 21.9 });
    expect(line('S3Endpoint')).toMatchObject({ quantity: 'gateway endpoint (free)', monthly: 0 });
  });

  it('prices secrets, keys, alarms per metric (high resolution at its own price) and dashboards', () => {
    expect(line('Token').monthly).toBe(0.4);
    expect(line('Key').monthly).toBe(1);
    expect(line('NoLeaderAlarm').monthly).toBe(0.1);
    expect(line('MathAlarm')).toMatchObject({ quantity: 'alarm on 2 metric(s)', monthly: 0.2 });
    expect(line('FastAlarm')).toMatchObject({ quantity: 'alarm on 1 metric(s), high resolution', monthly: 0.3 });
    expect(line('Dashboard').monthly).toBe(3);
  });

  it('totals the lines, sorts them by price and names the types it does not price', () => {
    expect(cost.total).toBeCloseTo(161.02, 1);
    expect(cost.total).toBeCloseTo(
      cost.lines.reduce((sum, entry) => sum + entry.monthly, 0),
      2,
    );
    expect(cost.lines[0]?.resource).toBe('NatGateway');
    const prices = cost.lines.map((entry) => entry.monthly);
    expect(prices).toEqual([...prices].sort((a, b) => b - a));
    // Buckets and custom resources are usage-priced; an unknown type is listed.
    expect(cost.notPriced).toEqual(['AWS::Kinesis::Stream']);
    expect(cost.region).toBe('us-east-1');
    expect(cost.priceDate).toBe(US_EAST_1_PRICES.date);
  });

  it('states its assumptions: region and date, hours, capacity, the Spot discount, what usage it leaves out', () => {
    expect(cost.assumptions).toEqual(
      expect.arrayContaining([
        `list prices of us-east-1 (Linux, On-Demand) read on ${US_EAST_1_PRICES.date}, in USD`,
        '730 hours per month, every resource running all month',
        'Spot instances at 65% below On-Demand',
      ]),
    );
    expect(cost.assumptions.join('\n')).toContain('NAT gateway data processing');
  });

  it('throws on an instance type the table does not list, naming it and the file to extend', () => {
    expect(() => priceTemplate(fixture('unknown-instance'))).toThrow(
      'Group: no price for instance type x9z.huge in the us-east-1 table of 2026-12-01. Add it to src/cost/price-table.ts (Linux On-Demand, per hour).',
    );
  });

  it('rejects a Spot discount outside 0 to 1', () => {
    expect(() => priceTemplate(fixture('small-cluster'), { spotDiscount: 1.5 })).toThrow(
      'spotDiscount: expected a fraction from 0 to below 1 (0.65 = 65% off), received 1.5.',
    );
  });
});

describe('formatCost', () => {
  it('prints one row per resource, the total and the assumptions', () => {
    const text = formatCost(priceTemplate(fixture('small-cluster')), 'Monthly list price of Stack');
    const lines = text.split('\n');
    expect(lines[0]).toBe('Monthly list price of Stack');
    expect(lines[2]).toMatch(/^Resource +What +Per month$/);
    expect(text).toMatch(/^NatGateway +1 NAT gateway \(hours\) +\$32\.85$/m);
    expect(text).toMatch(/^Total +\$161\.0\d$/m);
    expect(text).toContain('Assumptions:\n  - list prices of us-east-1');
    expect(text).toContain('Not priced (no fixed monthly price in the table): AWS::Kinesis::Stream');
  });
});
