import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { BOOTSTRAP_SCRIPT_PATH } from '../../src/boot/node-user-data';

/**
 * What the boot script does when a boot fails or succeeds, run for real against a fake `aws` CLI
 * that records every call and answers `describe-stack-resource` with the status in
 * FAKE_RESOURCE_STATUS (IMDS is a function the test defines).
 */
describe('nomad-bootstrap.sh: failed boots', () => {
  let dir: string;
  const calls = (): string[] =>
    existsSync(join(dir, 'aws-calls')) ? readFileSync(join(dir, 'aws-calls'), 'utf8').trim().split('\n') : [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nomad-boot-failure-'));
    mkdirSync(join(dir, 'bin'));
    writeFileSync(
      join(dir, 'bin', 'aws'),
      [
        '#!/bin/bash',
        `printf '%s\\n' "$*" >>"${join(dir, 'aws-calls')}"`,
        'if [ "$1 $2" = "cloudformation describe-stack-resource" ]; then',
        '  [ -n "${FAKE_RESOURCE_STATUS:-}" ] || { echo "An error occurred (ValidationError)" >&2; exit 254; }',
        '  echo "$FAKE_RESOURCE_STATUS"',
        'fi',
        '',
      ].join('\n'),
    );
    chmodSync(join(dir, 'bin', 'aws'), 0o755);
    return () => rmSync(dir, { recursive: true, force: true });
  });

  const run = (command: string, env: Record<string, string> = {}) =>
    spawnSync(
      'bash',
      [
        '-c',
        `source "$1"; imds() { case "$1" in instance-id) echo i-0123456789abcdef0 ;; placement/region) echo eu-west-1 ;; esac; }; ${command}`,
        'test',
        BOOTSTRAP_SCRIPT_PATH,
      ],
      {
        encoding: 'utf8',
        env: {
          PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
          CFN_STACK_NAME: 'Nomad',
          CFN_LOGICAL_ID: 'ClusterPoolAutoScalingGroupABC',
          ...env,
        },
      },
    );

  const UNHEALTHY =
    'autoscaling set-instance-health --region eu-west-1 --instance-id i-0123456789abcdef0 --health-status Unhealthy --no-should-respect-grace-period';
  const DESCRIBE =
    'cloudformation describe-stack-resource --region eu-west-1 --stack-name Nomad --logical-resource-id ClusterPoolAutoScalingGroupABC --query StackResourceDetail.ResourceStatus --output text';
  const SIGNAL = (status: string) =>
    `cloudformation signal-resource --region eu-west-1 --stack-name Nomad --logical-resource-id ClusterPoolAutoScalingGroupABC --unique-id i-0123456789abcdef0 --status ${status}`;

  it('marks the instance unhealthy and signals FAILURE while CloudFormation waits for it', () => {
    for (const status of ['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS']) {
      rmSync(join(dir, 'aws-calls'), { force: true });
      const result = run('on_exit 1', { AWS_REGION: 'eu-west-1', FAKE_RESOURCE_STATUS: status });
      expect(result.status).toBe(0);
      expect(calls()).toEqual([UNHEALTHY, DESCRIBE, SIGNAL('FAILURE')]);
    }
  });

  it('marks the instance unhealthy but sends no signal outside a stack operation (scale-out, Spot replacement)', () => {
    const result = run('on_exit 1', { AWS_REGION: 'eu-west-1', FAKE_RESOURCE_STATUS: 'UPDATE_COMPLETE' });
    expect(calls()).toEqual([UNHEALTHY, DESCRIBE]);
    expect(result.stderr).toContain(
      'CloudFormation is not waiting for ClusterPoolAutoScalingGroupABC: no FAILURE signal',
    );
  });

  it('still marks the instance unhealthy when CloudFormation cannot be asked', () => {
    run('on_exit 1', { AWS_REGION: 'eu-west-1' });
    expect(calls()).toEqual([UNHEALTHY, DESCRIBE]);
  });

  it('does nothing after a successful boot', () => {
    expect(run('on_exit 0', { AWS_REGION: 'eu-west-1' }).status).toBe(0);
    expect(calls()).toEqual([]);
  });

  it('signals SUCCESS only while CloudFormation waits', () => {
    run('signal_cloudformation SUCCESS', { AWS_REGION: 'eu-west-1', FAKE_RESOURCE_STATUS: 'CREATE_IN_PROGRESS' });
    expect(calls()).toEqual([DESCRIBE, SIGNAL('SUCCESS')]);
    rmSync(join(dir, 'aws-calls'));
    const outside = run('signal_cloudformation SUCCESS', {
      AWS_REGION: 'eu-west-1',
      FAKE_RESOURCE_STATUS: 'CREATE_COMPLETE',
    });
    // A healthy scale-out instance does not fail on a signal nobody waits for.
    expect(outside.status).toBe(0);
    expect(calls()).toEqual([DESCRIBE]);
  });

  it('sets the trap before the first command that can fail: a missing env file marks the instance unhealthy', () => {
    // No AWS_REGION yet (it comes from the env file): the trap finds it in the instance metadata.
    const result = run('main /nonexistent/bootstrap.env');
    expect(result.status).not.toBe(0);
    expect(calls()[0]).toBe(UNHEALTHY);
    const usage = run('main');
    expect(usage.stderr).toContain('usage: nomad-bootstrap <env-file>');
    expect(calls().filter((call) => call === UNHEALTHY)).toHaveLength(2);
  });
});
