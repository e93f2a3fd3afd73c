import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOOTSTRAP_SCRIPT_PATH } from '../../src/boot/node-user-data';
import { shellcheck } from '../helpers';

const ISSUER = 'https://d111111abcdef8.cloudfront.net';
const DISCOVERY = {
  issuer: ISSUER,
  jwks_uri: `${ISSUER}/.well-known/jwks.json`,
  response_types_supported: ['code'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
};
const JWKS = { keys: [{ kty: 'RSA', kid: 'a1b2', use: 'sig', alg: 'RS256', n: 'sXch', e: 'AQAB' }] };

/**
 * `nomad-bootstrap publish-oidc` on a server, run for real against a loopback server that answers
 * like Nomad's `/.well-known/openid-configuration` and `/.well-known/jwks.json`, with a fake `aws`
 * that records the uploads.
 */
describe('nomad-bootstrap.sh publish-oidc', () => {
  let dir: string;
  let nomad: Server;
  let answers: Record<string, { status: number; body: unknown }>;
  let requests: string[];
  const file = (path: string) => join(dir, path);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nomad-oidc-publish-'));
    mkdirSync(file('bin'));
    mkdirSync(file('bucket'));
    // The fake aws keeps what `s3 cp` uploads under bucket/<key>, and its arguments in `calls`.
    writeFileSync(
      file('bin/aws'),
      [
        '#!/bin/bash',
        `printf '%s\\n' "$*" >>"${file('calls')}"`,
        `[ -f "${file('s3-fails')}" ] && { echo "upload failed: AccessDenied" >&2; exit 1; }`,
        'args=("$@"); n=${#args[@]}',
        'src=${args[$((n - 2))]}; dst=${args[$((n - 1))]}',
        `key=\${dst#s3://*/}; mkdir -p "${file('bucket')}/$(dirname "$key")"; cp "$src" "${file('bucket')}/$key"`,
        '',
      ].join('\n'),
    );
    chmodSync(file('bin/aws'), 0o755);
    answers = {
      '/.well-known/openid-configuration': { status: 200, body: DISCOVERY },
      '/.well-known/jwks.json': { status: 200, body: JWKS },
    };
    requests = [];
    nomad = createServer((request, response) => {
      requests.push(`${request.method} ${request.url} token=${request.headers['x-nomad-token'] ?? ''}`);
      const answer = answers[request.url ?? ''] ?? { status: 404, body: 'not found' };
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => nomad.listen(0, '127.0.0.1', resolve));
    writeFileSync(file('ca.pem'), '');
    writeFileSync(
      file('bootstrap.env'),
      [
        "NOMAD_ROLE='server'",
        "AWS_REGION='eu-west-1'",
        `NOMAD_TLS_CA_FILE='${file('ca.pem')}'`,
        `NOMAD_OIDC_ISSUER='${ISSUER}'`,
        "NOMAD_OIDC_BUCKET='issuer-bucket'",
        '',
      ].join('\n'),
    );
  });

  afterEach(async () => {
    await new Promise((resolve) => nomad.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  // Asynchronous, so the loopback server answers while the script runs.
  const publish = () =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn('bash', [BOOTSTRAP_SCRIPT_PATH, 'publish-oidc', file('bootstrap.env')], {
        env: {
          PATH: `${file('bin')}:${process.env.PATH}`,
          NOMAD_ADDR: `http://127.0.0.1:${(nomad.address() as AddressInfo).port}`,
        },
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.on('close', (status) => resolve({ status, stderr }));
    });
  const uploaded = (key: string) => JSON.parse(readFileSync(file(`bucket/${key}`), 'utf8'));

  it('copies the discovery document and the keys into the bucket, as JSON cached for 5 minutes, without a token', async () => {
    const result = await publish();
    expect(result.stderr).toContain(`published the OIDC discovery document and 1 key(s) for ${ISSUER}`);
    expect(result.status).toBe(0);
    expect(uploaded('.well-known/openid-configuration')).toEqual(DISCOVERY);
    expect(uploaded('.well-known/jwks.json')).toEqual(JWKS);
    const calls = readFileSync(file('calls'), 'utf8').trim().split('\n');
    expect(calls.map((call) => call.replace(/ \/\S+\/(openid-configuration|jwks\.json) /, ' <file> '))).toEqual([
      's3 cp --only-show-errors --region eu-west-1 --content-type application/json --cache-control max-age=300 <file> s3://issuer-bucket/.well-known/openid-configuration',
      's3 cp --only-show-errors --region eu-west-1 --content-type application/json --cache-control max-age=300 <file> s3://issuer-bucket/.well-known/jwks.json',
    ]);
    expect(requests).toEqual(['GET /.well-known/openid-configuration token=', 'GET /.well-known/jwks.json token=']);
  });

  it('publishes nothing when the agent names another issuer (oidc_issuer not set: Nomad answers 404)', async () => {
    answers['/.well-known/openid-configuration'] = { status: 200, body: { ...DISCOVERY, issuer: 'https://other' } };
    let result = await publish();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`the discovery document names the issuer 'https://other', not ${ISSUER}`);
    delete answers['/.well-known/openid-configuration'];
    result = await publish();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cannot read /.well-known/openid-configuration from the local Nomad agent');
    expect(existsSync(file('calls'))).toBe(false);
  });

  it('publishes nothing when the key set is empty (a keyring not initialized yet), and fails so the timer tries again', async () => {
    answers['/.well-known/jwks.json'] = { status: 200, body: { keys: [] } };
    const result = await publish();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('/.well-known/jwks.json holds no keys: not published');
    expect(existsSync(file('calls'))).toBe(false);
  });

  it('fails, naming the bucket, when the upload is refused', async () => {
    writeFileSync(file('s3-fails'), '');
    const result = await publish();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cannot write .well-known/openid-configuration to the bucket issuer-bucket');
  });

  it('runs from a timer every 5 minutes on servers of a cluster with workload identity (shellcheck clean)', () => {
    const script = readFileSync(BOOTSTRAP_SCRIPT_PATH, 'utf8');
    expect(script).toContain(
      'ExecStart=/usr/local/sbin/nomad-bootstrap publish-oidc /etc/nomad-bootstrap/bootstrap.env',
    );
    expect(script).toContain('OnUnitActiveSec=5min');
    expect(script).toContain('systemctl enable --now nomad-oidc-publish.timer');
    expect(shellcheck(script, 'nomad-bootstrap.sh')).toBe('');
  });
});
