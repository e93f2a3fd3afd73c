import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TLS_CA_FILE, TLS_CERT_FILE, TLS_KEY_FILE } from '../../src/boot/node-files';
import { BOOTSTRAP_SCRIPT_PATH } from '../../src/boot/node-user-data';
import { type CertificateAndKey, createCa } from '../../src/handlers/certificates';
import { issueNodeTls } from '../../src/handlers/node-tls';
import type { TlsSecretValue } from '../../src/security/secret-formats';
import { shellcheck } from '../helpers';

const DAY = 24 * 60 * 60 * 1000;

/**
 * The node side of certificate renewal (`nomad-bootstrap refresh-tls`, hourly), run for real with
 * openssl against a fake `aws` (secrets from files, metrics recorded) and a fake `systemctl`.
 */
describe('nomad-bootstrap.sh refresh-tls', () => {
  let dir: string;
  let ca: CertificateAndKey;
  let installed: TlsSecretValue;
  let renewed: TlsSecretValue;
  const file = (path: string) => join(dir, path);
  const lines = (name: string) =>
    existsSync(file(name)) ? readFileSync(file(name), 'utf8').trim().split('\n').filter(Boolean) : [];

  beforeAll(async () => {
    ca = await createCa({
      commonName: 'Nomad Agent CA (global)',
      validityDays: 3650,
      now: new Date(Date.now() - 400 * DAY),
    });
    installed = await issueNodeTls({
      ca,
      role: 'client',
      region: 'global',
      validityDays: 365,
      // Half a day off whole days, so the whole days left do not depend on when the script runs.
      now: new Date(Date.now() - 340.5 * DAY),
    });
    renewed = await issueNodeTls({
      ca,
      role: 'client',
      region: 'global',
      validityDays: 365,
      now: new Date(Date.now() - 0.5 * DAY),
    });
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nomad-tls-refresh-'));
    mkdirSync(file('bin'));
    mkdirSync(file('secrets'));
    writeFileSync(
      file('bin/aws'),
      [
        '#!/bin/bash',
        'case "$1 $2" in',
        `  "cloudwatch put-metric-data") printf '%s\\n' "$*" >>"${file('metrics')}" ;;`,
        '  "secretsmanager get-secret-value")',
        '    while [ "$#" -gt 0 ]; do [ "$1" = --secret-id ] && id=$2; shift; done',
        `    f="${file('secrets')}/\${id##*:}"`,
        '    [ -f "$f" ] || { echo "Could not connect to the endpoint URL" >&2; exit 255; }',
        '    cat "$f"; echo ;;',
        '  *) exit 2 ;;',
        'esac',
        '',
      ].join('\n'),
    );
    writeFileSync(file('bin/systemctl'), `#!/bin/sh\nprintf '%s\\n' "$*" >>"${file('systemctl')}"\n`);
    chmodSync(file('bin/aws'), 0o755);
    chmodSync(file('bin/systemctl'), 0o755);
    // The node as it booted 340 days ago.
    mkdirSync(file('etc/nomad.d/tls'), { recursive: true });
    writeFileSync(file(TLS_CA_FILE), installed.ca);
    writeFileSync(file(TLS_CERT_FILE), installed.certificate);
    writeFileSync(file(TLS_KEY_FILE), installed.privateKey);
    writeFileSync(
      file('bootstrap.env'),
      [
        "NOMAD_ROLE='client'",
        "AWS_REGION='eu-west-1'",
        "NOMAD_TLS_SECRET_ARN='arn:aws:secretsmanager:eu-west-1:1:secret:tls'",
        `NOMAD_TLS_CA_FILE='${file(TLS_CA_FILE)}'`,
        `NOMAD_TLS_CERT_FILE='${file(TLS_CERT_FILE)}'`,
        `NOMAD_TLS_KEY_FILE='${file(TLS_KEY_FILE)}'`,
        "NOMAD_CLUSTER_NAME='prod'",
        "NOMAD_METRICS_NAMESPACE='Nomad/Instances'",
        '',
      ].join('\n'),
    );
    return () => rmSync(dir, { recursive: true, force: true });
  });

  const refresh = () =>
    spawnSync('bash', [BOOTSTRAP_SCRIPT_PATH, 'refresh-tls', file('bootstrap.env')], {
      encoding: 'utf8',
      env: { PATH: `${file('bin')}:${process.env.PATH}` },
    });
  const secret = (value: unknown) => writeFileSync(file('secrets/tls'), JSON.stringify(value));
  const metric = (days: number) =>
    `cloudwatch put-metric-data --region eu-west-1 --namespace Nomad/Instances --metric-name TlsCertificateDaysLeft --dimensions NomadCluster=prod --value ${days} --unit Count`;

  it('installs a renewed certificate that verifies against the CA, reloads Nomad (SIGHUP) and reports 364 days left', () => {
    secret(renewed);
    const run = refresh();
    expect(run.stderr).toContain('installed the renewed TLS certificate');
    expect(run.status).toBe(0);
    expect(readFileSync(file(TLS_CERT_FILE), 'utf8')).toBe(renewed.certificate);
    expect(readFileSync(file(TLS_KEY_FILE), 'utf8')).toBe(renewed.privateKey);
    // `systemctl reload nomad` is the unit's ExecReload: kill -HUP, Nomad reloads its TLS files in place.
    expect(lines('systemctl')).toEqual(['reload nomad']);
    expect(lines('metrics')).toEqual([metric(364)]);
  });

  it('does nothing but report when the installed certificate is current (24 days left here)', () => {
    secret(installed);
    expect(refresh().status).toBe(0);
    expect(lines('systemctl')).toEqual([]);
    expect(lines('metrics')).toEqual([metric(24)]);
  });

  it('keeps the installed certificate, and still reports it, when the node cannot reach Secrets Manager (offline)', () => {
    const run = refresh();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cannot read the TLS material from arn:aws:secretsmanager:eu-west-1:1:secret:tls');
    expect(readFileSync(file(TLS_CERT_FILE), 'utf8')).toBe(installed.certificate);
    expect(lines('systemctl')).toEqual([]);
    // Still valid through the overlap, and visible to the alarm.
    expect(lines('metrics')).toEqual([metric(24)]);
  });

  it('refuses a certificate of another CA, one with a foreign key, or an expired one, and keeps the installed one', async () => {
    const stranger = await createCa({ commonName: 'Not the cluster CA', validityDays: 30 });
    const foreign = await issueNodeTls({
      ca: stranger,
      role: 'client',
      region: 'global',
      validityDays: 30,
      now: new Date(),
    });
    const expired = await issueNodeTls({
      ca,
      role: 'client',
      region: 'global',
      validityDays: 1,
      now: new Date(Date.now() - 10 * DAY),
    });
    const cases: [unknown, string][] = [
      [{ ...foreign, ca: renewed.ca }, 'it does not verify against its CA bundle'],
      [{ ...renewed, privateKey: foreign.privateKey }, 'its private key does not belong to it'],
      [expired, 'it does not verify against its CA bundle'],
    ];
    for (const [value, reason] of cases) {
      secret(value);
      const run = refresh();
      expect(run.status, reason).toBe(1);
      expect(run.stderr).toContain(
        `refused the certificate in arn:aws:secretsmanager:eu-west-1:1:secret:tls: ${reason}`,
      );
      expect(readFileSync(file(TLS_CERT_FILE), 'utf8')).toBe(installed.certificate);
    }
    expect(lines('systemctl')).toEqual([]);
  });

  it('writes units that run it every hour, which pass shellcheck with the script', () => {
    const script = readFileSync(BOOTSTRAP_SCRIPT_PATH, 'utf8');
    expect(script).toContain(
      'ExecStart=/usr/local/sbin/nomad-bootstrap refresh-tls /etc/nomad-bootstrap/bootstrap.env',
    );
    expect(script).toContain('OnUnitActiveSec=1h');
    expect(script).toContain('systemctl enable --now nomad-tls-refresh.timer');
    expect(shellcheck(script, 'nomad-bootstrap.sh')).toBe('');
  });
});
