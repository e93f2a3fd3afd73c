import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@cdktn/hcl2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOSSIP_CONFIG_FILE, TLS_CA_FILE, TLS_CERT_FILE, TLS_KEY_FILE } from '../../src/boot/node-files';
import { BOOTSTRAP_SCRIPT_PATH } from '../../src/boot/node-user-data';
import { type CertificateAndKey, createCa, createLeaf } from '../../src/handlers/certificates';
import { PLACEHOLDER } from '../handlers/fakes';

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The boot script's secret handling, run for real against a fake `aws` CLI (a script that prints
 * the secret of a file named after the ARN) and a local HTTPS server standing in for the agent.
 */
describe('nomad-bootstrap.sh: secrets and the local API', () => {
  let dir: string;
  let ca: CertificateAndKey;
  let server: CertificateAndKey;
  let api: Server;
  let apiPort = 0;
  /** What the fake agent saw: path and X-Nomad-Token of each request. */
  const seen: { path: string; token?: string }[] = [];
  /** What the fake agent answers, by path. */
  const answers = new Map<string, unknown>();
  const gossipKey = Buffer.alloc(32, 7).toString('base64');

  /** Sources the script, overrides what only an instance has, and runs a command (asynchronously: the API is in this process). */
  const call = (command: string, env: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        'bash',
        ['-c', `source "$1"; imds() { echo 127.0.0.1; }; ${command}`, 'test', BOOTSTRAP_SCRIPT_PATH],
        {
          env: {
            // The fake aws and the curl wrapper first.
            PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
            HOME: dir,
            AWS_REGION: 'eu-west-1',
            FAKE_SECRETS: join(dir, 'secrets'),
            NOMAD_TLS_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:tls',
            NOMAD_GOSSIP_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:gossip',
            NOMAD_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:token',
            NOMAD_TLS_CA_FILE: join(dir, TLS_CA_FILE),
            NOMAD_TLS_CERT_FILE: join(dir, TLS_CERT_FILE),
            NOMAD_TLS_KEY_FILE: join(dir, TLS_KEY_FILE),
            NOMAD_GOSSIP_CONFIG_FILE: join(dir, GOSSIP_CONFIG_FILE),
            NOMAD_ADDR: `https://127.0.0.1:${apiPort}`,
            ...env,
          },
        },
        (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const secret = (name: string, value: string) => writeFileSync(join(dir, 'secrets', name), value);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nomad-boot-secrets-'));
    mkdirSync(join(dir, 'secrets'));
    mkdirSync(join(dir, 'bin'));
    // `aws secretsmanager get-secret-value --region R --secret-id <arn> --query SecretString --output text`
    writeFileSync(
      join(dir, 'bin', 'aws'),
      '#!/bin/bash\nset -eu\n[ "$1 $2" = "secretsmanager get-secret-value" ] || exit 2\nwhile [ "$#" -gt 0 ]; do [ "$1" = --secret-id ] && id=$2; shift; done\nfile="$FAKE_SECRETS/${id##*:}"\n[ -f "$file" ] || { echo "An error occurred (AccessDeniedException)" >&2; exit 254; }\ncat "$file"; echo\n',
    );
    // Records curl's arguments (everyone on the instance can read them in /proc), then runs curl.
    writeFileSync(
      join(dir, 'bin', 'curl'),
      `#!/bin/bash\nprintf '%s\\n' "$*" >>"${join(dir, 'curl-args')}"\nexec /usr/bin/curl "$@"\n`,
    );
    chmodSync(join(dir, 'bin', 'aws'), 0o755);
    chmodSync(join(dir, 'bin', 'curl'), 0o755);

    ca = await createCa({ commonName: 'Test CA', validityDays: 30 });
    server = await createLeaf({
      ca,
      commonName: 'server.global.nomad',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      validityDays: 7,
    });
    api = createServer({ key: server.privateKey, cert: server.certificate }, (req, res) => {
      const token = req.headers['x-nomad-token'];
      seen.push({ path: req.url ?? '', token: typeof token === 'string' ? token : undefined });
      const answer = answers.get(req.url ?? '');
      res.writeHead(answer === undefined ? 404 : 200).end(JSON.stringify(answer ?? null));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiPort = (api.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));

  describe('install_tls_material', () => {
    it('writes the CA bundle, certificate and key where the agent configuration looks, the key readable by the group only', async () => {
      secret(
        'tls',
        JSON.stringify({ ca: ca.certificate, certificate: server.certificate, privateKey: server.privateKey }),
      );
      const run = await call('install_tls_material root');
      expect(run.stderr).toContain('installed the TLS certificate and key (subject=CN = server.global.nomad');
      expect(run.status).toBe(0);
      const file = (path: string) => join(dir, path);
      expect(readFileSync(file(TLS_CA_FILE), 'utf8')).toBe(ca.certificate);
      expect(readFileSync(file(TLS_CERT_FILE), 'utf8')).toBe(server.certificate);
      expect(readFileSync(file(TLS_KEY_FILE), 'utf8')).toBe(server.privateKey);
      expect(statSync(file(TLS_KEY_FILE)).mode & 0o777).toBe(0o640);
      expect(statSync(file(TLS_CA_FILE)).mode & 0o777).toBe(0o644);
      expect(statSync(join(dir, '/etc/nomad.d/tls')).mode & 0o777).toBe(0o750);
      // Nothing secret in the log.
      expect(run.stderr).not.toContain('PRIVATE KEY');
    });

    it('refuses a secret without a certificate yet (the placeholder), and an unreadable one', async () => {
      secret('tls', PLACEHOLDER);
      const placeholder = await call('install_tls_material root');
      expect(placeholder.status).toBe(1);
      expect(placeholder.stderr).toContain(
        'arn:aws:secretsmanager:eu-west-1:1:secret:tls holds no certificate (has the key-material custom resource run?)',
      );
      expect(placeholder.stderr).toContain('ERROR: no TLS material to start with');
      const denied = await call('install_tls_material root', {
        NOMAD_TLS_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:other',
      });
      expect(denied.status).toBe(1);
      expect(denied.stderr).toContain(
        'cannot read the TLS material from arn:aws:secretsmanager:eu-west-1:1:secret:other',
      );
      expect(denied.stderr).toContain('ERROR: no TLS material to start with');
    });
  });

  describe('install_gossip_key', () => {
    it("writes server { encrypt } into a file of its own, which HashiCorp's parser reads", async () => {
      secret('gossip', gossipKey);
      const run = await call('install_gossip_key root');
      expect(run.status).toBe(0);
      const text = readFileSync(join(dir, GOSSIP_CONFIG_FILE), 'utf8');
      expect(await parse('gossip.hcl', text)).toEqual({ server: [{ encrypt: gossipKey }] });
      expect(statSync(join(dir, GOSSIP_CONFIG_FILE)).mode & 0o777).toBe(0o640);
      expect(run.stderr).not.toContain(gossipKey);
    });

    it('refuses anything but a 32-byte base64 key (nothing else reaches the HCL file)', async () => {
      for (const value of [PLACEHOLDER, 'AAAA"}\nacl { enabled = false }\n#', 'c2hvcnQ=']) {
        secret('gossip', value);
        const run = await call(`install_gossip_key root`, { NOMAD_GOSSIP_CONFIG_FILE: join(dir, 'rejected.hcl') });
        expect(run.status).toBe(1);
        expect(run.stderr).toContain('holds no gossip key (32 bytes, base64)');
        expect(existsSync(join(dir, 'rejected.hcl'))).toBe(false);
      }
    });
  });

  describe('read_node_token', () => {
    it('reads the readiness token, or nothing while the cluster has none', async () => {
      secret('token', JSON.stringify({ accessorId: 'a', secretId: 'token-1' }));
      expect((await call('read_node_token; printf %s "$NOMAD_TOKEN"')).stdout).toBe('token-1');
      secret('token', PLACEHOLDER);
      const none = await call('read_node_token; printf %s "${NOMAD_TOKEN-unset}"');
      expect(none).toMatchObject({ status: 0, stdout: '' });
    });
  });

  describe('readiness against the local API (TLS with the cluster CA)', () => {
    const caFile = () => join(dir, 'api-ca.pem');

    it('passes the token to curl on stdin, never on its command line', async () => {
      writeFileSync(caFile(), ca.certificate);
      answers.set('/v1/agent/self', { member: { Name: 'server-1' } });
      const run = await call('nomad_api /v1/agent/self', { NOMAD_CACERT: caFile(), NOMAD_TOKEN: 'secret-token-42' });
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ member: { Name: 'server-1' } });
      expect(seen.at(-1)).toEqual({ path: '/v1/agent/self', token: 'secret-token-42' });
      expect(readFileSync(join(dir, 'curl-args'), 'utf8')).not.toContain('secret-token-42');
    });

    it('refuses an agent whose certificate the cluster CA did not sign', async () => {
      const other = await createCa({ commonName: 'Other', validityDays: 1 });
      writeFileSync(join(dir, 'other-ca.pem'), other.certificate);
      const run = await call('nomad_api /v1/agent/self', { NOMAD_CACERT: join(dir, 'other-ca.pem') });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/curl: \(60\)/);
    });

    it('counts a new cluster server ready with a leader and itself among the peers, without a token (before the ACL bootstrap)', async () => {
      writeFileSync(caFile(), ca.certificate);
      answers.set('/v1/status/leader', '10.0.0.1:4647');
      answers.set('/v1/status/peers', ['10.0.0.1:4647', '127.0.0.1:4647']);
      const before = seen.length;
      expect((await call('server_ready', { NOMAD_CACERT: caFile() })).status).toBe(0);
      expect(seen.slice(before)).toEqual([{ path: '/v1/status/leader' }, { path: '/v1/status/peers' }]);
      answers.set('/v1/status/peers', ['10.0.0.1:4647']);
      expect((await call('server_ready', { NOMAD_CACERT: caFile() })).status).toBe(1);
      answers.set('/v1/status/leader', '');
      expect((await call('server_ready', { NOMAD_CACERT: caFile() })).status).toBe(1);
    });

    it('asks autopilot, with the token, once the cluster has ACLs: a healthy voter in a healthy cluster', async () => {
      writeFileSync(caFile(), ca.certificate);
      answers.set('/v1/agent/self', { member: { Name: 'server-1' } });
      const health = (healthy: boolean, voter: boolean) => ({
        Healthy: healthy,
        Servers: [{ Name: 'server-1', Healthy: true, Voter: voter }],
      });
      answers.set('/v1/operator/autopilot/health', health(true, true));
      const env = { NOMAD_CACERT: caFile(), NOMAD_TOKEN: 'server-token' };
      expect((await call('server_ready', env)).status).toBe(0);
      expect(seen.at(-1)).toEqual({ path: '/v1/operator/autopilot/health', token: 'server-token' });
      answers.set('/v1/operator/autopilot/health', health(true, false));
      expect((await call('server_ready', env)).status).toBe(1);
      answers.set('/v1/operator/autopilot/health', health(false, true));
      expect((await call('server_ready', env)).status).toBe(1);
    });
  });
});
