import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler, renewCertificates } from '../../src/handlers/certificate-renewal';
import { type CertificateAndKey, createCa } from '../../src/handlers/certificates';
import { issueNodeTls } from '../../src/handlers/node-tls';
import type { CertificateRenewalInput } from '../../src/security/certificate-renewal-contract';
import type { TlsSecretValue } from '../../src/security/secret-formats';
import { captureLogs, FakeSecrets, PLACEHOLDER } from './fakes';

const DAY = 24 * 60 * 60 * 1000;
const INPUT: CertificateRenewalInput = {
  caSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:CertificateAuthority',
  caCertificateSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:CaCertificate',
  serverTlsSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:ServerTls',
  clientTlsSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:ClientTls',
  nomadRegion: 'global',
  certificateValidityDays: 365,
  renewBeforeDays: 30,
};
/**
 * The deploy issued the certificates 340 days ago: renewal is due today, and the handshakes below
 * run today (TLS checks validity against the clock).
 */
const TODAY = new Date();
const ISSUED = new Date(TODAY.getTime() - 340 * DAY);

/**
 * A real mutual-TLS handshake on loopback, as two Nomad agents make: each side checks the other's
 * certificate against the CA. True only when both sides accepted (with TLS 1.3 the client finishes
 * before the server has checked the client's certificate: the server's verdict is awaited too).
 */
async function handshake(server: TlsSecretValue, client: TlsSecretValue, ca: string): Promise<boolean> {
  const listener = createServer({
    key: server.privateKey,
    cert: server.certificate,
    ca,
    requestCert: true,
    rejectUnauthorized: true,
  });
  const serverVerdict = new Promise<boolean>((resolve) => {
    listener.on('secureConnection', (socket) => {
      resolve(socket.authorized);
      socket.end();
    });
    listener.on('tlsClientError', () => resolve(false));
  });
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  try {
    const socket = connect({
      host: '127.0.0.1',
      port: (listener.address() as AddressInfo).port,
      key: client.privateKey,
      cert: client.certificate,
      ca,
      servername: 'server.global.nomad',
    });
    socket.on('error', () => undefined);
    const clientVerdict = await new Promise<boolean>((resolve) => {
      socket.once('secureConnect', () => resolve(socket.authorized));
      socket.once('error', () => resolve(false));
    });
    const verdict = clientVerdict && (await serverVerdict);
    socket.destroy();
    return verdict;
  } finally {
    listener.close();
  }
}

describe('certificate-renewal handler', () => {
  let ca: CertificateAndKey;
  let secrets: FakeSecrets;
  let logs: ReturnType<typeof captureLogs>;
  let deployed: Record<'server' | 'client', TlsSecretValue>;

  beforeEach(async () => {
    logs = captureLogs();
    ca = await createCa({ commonName: 'Nomad Agent CA (global)', validityDays: 3650, now: ISSUED });
    deployed = {
      server: await issueNodeTls({ ca, role: 'server', region: 'global', validityDays: 365, now: ISSUED }),
      client: await issueNodeTls({ ca, role: 'client', region: 'global', validityDays: 365, now: ISSUED }),
    };
    secrets = new FakeSecrets({
      [INPUT.caSecretArn]: JSON.stringify(ca),
      [INPUT.caCertificateSecretArn]: ca.certificate,
      [INPUT.serverTlsSecretArn]: JSON.stringify(deployed.server),
      [INPUT.clientTlsSecretArn]: JSON.stringify(deployed.client),
    });
  });
  afterEach(() => {
    logs.restore();
    secrets.restore();
  });

  it('keeps certificates with more than renewBeforeDays left, and writes nothing', async () => {
    const results = await renewCertificates(INPUT, secrets.client, new Date(ISSUED.getTime() + 300 * DAY));
    expect(results.map((result) => result.action)).toEqual(['kept', 'kept']);
    expect(secrets.writes).toEqual([]);
  });

  it('renews both certificates under the same CA once fewer than renewBeforeDays are left: old and new leaves both verify during the overlap', async () => {
    const now = TODAY;
    const results = await renewCertificates(INPUT, secrets.client, now);
    expect(results.map((result) => [result.role, result.action])).toEqual([
      ['server', 'renewed'],
      ['client', 'renewed'],
    ]);
    const authority = new X509Certificate(ca.certificate);
    for (const role of ['server', 'client'] as const) {
      const renewed = JSON.parse(secrets.get(role === 'server' ? INPUT.serverTlsSecretArn : INPUT.clientTlsSecretArn));
      const oldLeaf = new X509Certificate(deployed[role].certificate);
      const newLeaf = new X509Certificate(renewed.certificate);
      expect(newLeaf.fingerprint256).not.toBe(oldLeaf.fingerprint256);
      expect(newLeaf.subject).toBe(`CN=${role}.global.nomad`);
      // Both are signed by the one CA and both are valid now: the overlap.
      for (const leaf of [oldLeaf, newLeaf]) {
        expect(leaf.checkIssued(authority)).toBe(true);
        expect(leaf.verify(authority.publicKey)).toBe(true);
        expect(new Date(leaf.validFrom).getTime()).toBeLessThanOrEqual(now.getTime());
        expect(new Date(leaf.validTo).getTime()).toBeGreaterThan(now.getTime());
      }
      // The old one has 25 days left; the new one a full validity.
      expect(Math.round((new Date(oldLeaf.validTo).getTime() - now.getTime()) / DAY)).toBe(25);
      expect(Math.round((new Date(newLeaf.validTo).getTime() - now.getTime()) / DAY)).toBe(365);
      expect(renewed.ca).toBe(ca.certificate);
    }
    // Nothing secret in the logs or the result.
    expect(logs.lines.join('\n')).not.toContain('PRIVATE KEY');
    expect(logs.lines.join('\n')).toContain('renewed the server certificate');
    expect(JSON.stringify(results)).not.toContain('PRIVATE KEY');
  });

  it('renews while a node is offline: a node still on the old leaf and a node on the new one complete mutual TLS with each other', async () => {
    await renewCertificates(INPUT, secrets.client, TODAY);
    const renewedServer = JSON.parse(secrets.get(INPUT.serverTlsSecretArn)) as TlsSecretValue;
    const renewedClient = JSON.parse(secrets.get(INPUT.clientTlsSecretArn)) as TlsSecretValue;
    // Real handshakes today (the leaves were made to be valid now): old server with a renewed client,
    // renewed server with an old client.
    expect(await handshake(deployed.server, renewedClient, ca.certificate)).toBe(true);
    expect(await handshake(renewedServer, deployed.client, ca.certificate)).toBe(true);
    // The check can fail: a leaf of another CA is refused.
    const stranger = await createCa({ commonName: 'Another CA', validityDays: 30 });
    const foreign = await issueNodeTls({ ca: stranger, role: 'client', region: 'global', validityDays: 7, now: TODAY });
    expect(await handshake(renewedServer, foreign, ca.certificate)).toBe(false);
  });

  it('renews a certificate it cannot parse, and leaves a secret the deploy has not filled', async () => {
    secrets.values.set(INPUT.serverTlsSecretArn, JSON.stringify({ ca: 'x', certificate: 'garbage', privateKey: 'y' }));
    secrets.values.set(INPUT.clientTlsSecretArn, PLACEHOLDER);
    const results = await renewCertificates(INPUT, secrets.client, new Date(ISSUED.getTime() + DAY));
    expect(results.map((result) => result.action)).toEqual(['renewed', 'not-issued-yet']);
    expect(secrets.get(INPUT.clientTlsSecretArn)).toBe(PLACEHOLDER);
  });

  it('fails, saying why and what to do, when the CA cannot sign certificates that long, and keeps the current ones', async () => {
    const shortCa = await createCa({ commonName: 'Short', validityDays: 370, now: ISSUED });
    secrets.values.set(INPUT.caSecretArn, JSON.stringify(shortCa));
    await expect(renewCertificates(INPUT, secrets.client, TODAY)).rejects.toThrow(
      /cannot sign the renewed certificates: it expires on .* follow "Rotating the CA"/,
    );
    expect(secrets.writes).toEqual([]);
  });

  it('rejects an event that is not the schedule input (the construct and the handler share one schema)', async () => {
    await expect(handler({ caSecretArn: 'x' })).rejects.toThrow(/serverTlsSecretArn/);
  });
});
