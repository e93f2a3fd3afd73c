// @peculiar/x509 (to read the extensions) needs the Reflect polyfill before it loads.
import 'reflect-metadata';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CertificateAndKey, caProblem, createCa, createLeaf } from '../../src/handlers/certificates';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2030-01-15T12:00:00Z');

/** The key usage bits and extended key usages of a certificate, as names. */
function usages(pem: string): { keyUsage: string[]; extended: string[]; basic: { ca: boolean; pathLength?: number } } {
  const certificate = new x509.X509Certificate(pem);
  const keyUsage = certificate.getExtension(x509.KeyUsagesExtension);
  const basic = certificate.getExtension(x509.BasicConstraintsExtension);
  const names = Object.entries(x509.KeyUsageFlags)
    .filter(([, flag]) => typeof flag === 'number' && ((keyUsage?.usages ?? 0) & flag) !== 0)
    .map(([name]) => name);
  return {
    keyUsage: names.sort(),
    extended: new X509Certificate(pem).keyUsage ?? [],
    basic: { ca: basic?.ca ?? false, pathLength: basic?.pathLength },
  };
}

/** A TLS handshake as a Nomad client makes it: trust the CA, expect `serverName`, connect to 127.0.0.1. */
async function handshake(server: CertificateAndKey, ca: string, serverName: string): Promise<string> {
  const listener = createServer({ key: server.privateKey, cert: server.certificate }, (socket) => socket.end());
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  try {
    const socket = connect({
      host: '127.0.0.1',
      port: (listener.address() as AddressInfo).port,
      ca,
      servername: serverName,
    });
    try {
      // `once` rejects with the socket's error: a refused certificate.
      await once(socket, 'secureConnect');
      return 'trusted';
    } catch (error) {
      return (error as Error).message;
    } finally {
      socket.destroy();
    }
  } finally {
    listener.close();
  }
}

describe('certificates', () => {
  let ca: CertificateAndKey;
  let server: CertificateAndKey;
  let client: CertificateAndKey;

  beforeAll(async () => {
    ca = await createCa({ commonName: 'Nomad Agent CA (global)', validityDays: 3650, now: NOW });
    const leaf = (role: string) =>
      createLeaf({
        ca,
        commonName: `${role}.global.nomad`,
        dnsNames: ['localhost'],
        ipAddresses: ['127.0.0.1'],
        validityDays: 365,
        now: NOW,
      });
    [server, client] = await Promise.all([leaf('server'), leaf('client')]);
  });

  it('makes a CA that may sign leaf certificates only, with an ECDSA P-256 key', () => {
    const certificate = new X509Certificate(ca.certificate);
    expect(certificate.ca).toBe(true);
    expect(certificate.subject).toBe('CN=Nomad Agent CA (global)');
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(usages(ca.certificate)).toEqual({
      keyUsage: ['cRLSign', 'digitalSignature', 'keyCertSign'],
      extended: [],
      basic: { ca: true, pathLength: 0 },
    });
    const key = createPrivateKey(ca.privateKey);
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(certificate.checkPrivateKey(key)).toBe(true);
  });

  it('issues server and client certificates that chain to the CA', () => {
    const authority = new X509Certificate(ca.certificate);
    for (const leaf of [server, client]) {
      const certificate = new X509Certificate(leaf.certificate);
      expect(certificate.verify(authority.publicKey)).toBe(true);
      expect(certificate.checkIssued(authority)).toBe(true);
      expect(certificate.ca).toBe(false);
      expect(certificate.checkPrivateKey(createPrivateKey(leaf.privateKey))).toBe(true);
    }
    // And not to another CA.
    return createCa({ commonName: 'Other', validityDays: 10 }).then((other) =>
      expect(new X509Certificate(server.certificate).verify(new X509Certificate(other.certificate).publicKey)).toBe(
        false,
      ),
    );
  });

  it('names server.<region>.nomad or client.<region>.nomad, localhost and 127.0.0.1', () => {
    expect(new X509Certificate(server.certificate).subjectAltName).toBe(
      'DNS:server.global.nomad, DNS:localhost, IP Address:127.0.0.1',
    );
    expect(new X509Certificate(client.certificate).subjectAltName).toBe(
      'DNS:client.global.nomad, DNS:localhost, IP Address:127.0.0.1',
    );
    expect(new X509Certificate(server.certificate).subject).toBe('CN=server.global.nomad');
  });

  it('allows TLS server and client authentication (mutual TLS on RPC), as nomad tls cert create does', () => {
    for (const leaf of [server, client]) {
      expect(usages(leaf.certificate)).toEqual({
        keyUsage: ['digitalSignature', 'keyAgreement', 'keyEncipherment'],
        extended: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
        basic: { ca: false, pathLength: undefined },
      });
    }
  });

  it('is valid from a few minutes before now for the days asked', () => {
    const certificate = new X509Certificate(server.certificate);
    expect(new Date(certificate.validFrom).getTime()).toBe(NOW.getTime() - 5 * 60 * 1000);
    expect(new Date(certificate.validTo).getTime()).toBe(NOW.getTime() + 365 * DAY);
    expect(new Date(new X509Certificate(ca.certificate).validTo).getTime()).toBe(NOW.getTime() + 3650 * DAY);
  });

  it('gives every certificate a fresh key and serial number', async () => {
    const again = await createLeaf({
      ca,
      commonName: 'server.global.nomad',
      dnsNames: [],
      ipAddresses: [],
      validityDays: 1,
    });
    expect(new X509Certificate(again.certificate).serialNumber).not.toBe(
      new X509Certificate(server.certificate).serialNumber,
    );
    expect(again.privateKey).not.toBe(server.privateKey);
  });

  it('passes the checks Nomad clients make: the server certificate is trusted as server.global.nomad, a client one is not', async () => {
    const current = await createCa({ commonName: 'Now', validityDays: 30 });
    const issue = (role: string) =>
      createLeaf({
        ca: current,
        commonName: `${role}.global.nomad`,
        dnsNames: ['localhost'],
        ipAddresses: ['127.0.0.1'],
        validityDays: 1,
      });
    const [liveServer, liveClient] = await Promise.all([issue('server'), issue('client')]);
    expect(await handshake(liveServer, current.certificate, 'server.global.nomad')).toBe('trusted');
    // verify_server_hostname: a client's certificate cannot pass for a server's.
    expect(await handshake(liveClient, current.certificate, 'server.global.nomad')).toMatch(
      /Hostname\/IP does not match certificate's altnames/,
    );
    expect(await handshake(liveServer, ca.certificate, 'server.global.nomad')).toMatch(
      /signature|unable to verify|self-signed/i,
    );
  });

  describe('caProblem', () => {
    it('accepts a CA that outlives the certificates it would sign', () => {
      expect(caProblem(ca, 365, NOW)).toBeUndefined();
    });

    it('refuses a CA that expires before them, a leaf, a foreign key and garbage, saying why', async () => {
      expect(caProblem(ca, 3651, NOW)).toMatch(
        /^it expires on 2040-\d\d-\d\dT.*, before certificates issued now for 3651 days would$/,
      );
      expect(caProblem(server, 1, NOW)).toBe('its certificate is not a CA certificate');
      const other = await createCa({ commonName: 'Other', validityDays: 10 });
      expect(caProblem({ certificate: ca.certificate, privateKey: other.privateKey }, 1, NOW)).toBe(
        'its private key does not belong to its certificate',
      );
      expect(caProblem({ certificate: 'nope', privateKey: 'nope' }, 1, NOW)).toMatch(
        /^it does not hold a PEM certificate and private key/,
      );
    });
  });
});
