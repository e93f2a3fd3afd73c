import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NomadApiError, NomadClient, type NomadClientProps } from '../../src/client';
import { FakeNomad } from './fake-nomad';

// Certificates are made with the openssl CLI for each run: a CA, a server certificate that
// names only server.global.nomad (as Nomad's own certificates do), and a client certificate.
// The server asks for the client certificate and refuses connections without one.

let dir: string;
let files: { ca: string; clientCert: string; clientKey: string };
let nomad: FakeNomad;
const clients: NomadClient[] = [];

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function issue(name: string, commonName: string, extensions: string): void {
  openssl(
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}-key.pem`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${commonName}`,
  );
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca-key.pem',
    '-set_serial',
    String(Date.now()),
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nomad-client-tls-'));
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'ca-key.pem',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Test Nomad CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  issue('server', 'server.global.nomad', 'subjectAltName=DNS:server.global.nomad\nextendedKeyUsage=serverAuth\n');
  issue('cli', 'cli.global.nomad', 'extendedKeyUsage=clientAuth\n');
  files = { ca: join(dir, 'ca.pem'), clientCert: join(dir, 'cli.pem'), clientKey: join(dir, 'cli-key.pem') };
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  nomad = await FakeNomad.start({
    tls: {
      key: readFileSync(join(dir, 'server-key.pem')),
      cert: readFileSync(join(dir, 'server.pem')),
      ca: readFileSync(files.ca),
      requestCert: true,
      rejectUnauthorized: true,
    },
  });
  nomad.on('GET', '/v1/job/web', { json: { ID: 'web' } });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await nomad.close();
});

function client(props: NomadClientProps): NomadClient {
  const made = new NomadClient({ address: nomad.address, retry: { maxAttempts: 2, baseDelayMs: 1 }, ...props });
  clients.push(made);
  return made;
}

async function rejection(promise: Promise<unknown>): Promise<NomadApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(NomadApiError);
  return error as NomadApiError;
}

const mutualTls: NomadClientProps = {};

describe('NomadClient over TLS', () => {
  beforeAll(() => {
    Object.assign(mutualTls, {
      caCert: files.ca,
      clientCert: files.clientCert,
      clientKey: files.clientKey,
      tlsServerName: 'server.global.nomad',
    });
  });

  it('verifies the server with the CA, presents the client certificate and sends the TLS server name', async () => {
    const result = await client(mutualTls).readJob('web');

    expect(result.ID).toBe('web');
    expect(nomad.requests[0]).toMatchObject({ clientCertCn: 'cli.global.nomad', servername: 'server.global.nomad' });
  });

  it('reads the same from NOMAD_CACERT, NOMAD_CLIENT_CERT, NOMAD_CLIENT_KEY and NOMAD_TLS_SERVER_NAME', async () => {
    const fromEnv = NomadClient.fromEnv(
      { retry: { maxAttempts: 1 } },
      {
        NOMAD_ADDR: nomad.address,
        NOMAD_CACERT: files.ca,
        NOMAD_CLIENT_CERT: files.clientCert,
        NOMAD_CLIENT_KEY: files.clientKey,
        NOMAD_TLS_SERVER_NAME: 'server.global.nomad',
      },
    );
    clients.push(fromEnv);

    expect((await fromEnv.readJob('web')).ID).toBe('web');
    expect(nomad.requests[0]?.clientCertCn).toBe('cli.global.nomad');
  });

  it('accepts certificates given as PEM content', async () => {
    const pem = client({
      caCertPem: readFileSync(files.ca, 'utf8'),
      clientCertPem: readFileSync(files.clientCert, 'utf8'),
      clientKeyPem: readFileSync(files.clientKey, 'utf8'),
      tlsServerName: 'server.global.nomad',
    });

    expect((await pem.readJob('web')).ID).toBe('web');
  });

  it('is refused by a server that requires a client certificate when it has none', async () => {
    const error = await rejection(client({ caCert: files.ca, tlsServerName: 'server.global.nomad' }).readJob('web'));

    expect(error).toMatchObject({
      code: 'connection',
      errorCode: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
      attempts: 1,
    });
    expect(nomad.requests).toHaveLength(0);
    expect(error.message).toMatch(/^Nomad API error: GET \/v1\/job\/web: no answer from https:\/\/127\.0\.0\.1:\d+/);
    expect(error.message).toContain(
      '(the server asks for a client certificate: set NOMAD_CLIENT_CERT and NOMAD_CLIENT_KEY)',
    );
  });

  it('rejects a server certificate that no CA it trusts signed, without retrying', async () => {
    const error = await rejection(
      client({
        clientCert: files.clientCert,
        clientKey: files.clientKey,
        tlsServerName: 'server.global.nomad',
      }).readJob('web'),
    );

    // The test server sends its CA along with its certificate, hence "in chain".
    expect(error).toMatchObject({ code: 'connection', errorCode: 'SELF_SIGNED_CERT_IN_CHAIN', attempts: 1 });
    expect(error.message).toContain(
      '(set NOMAD_CACERT to the CA that signed the server certificate, and NOMAD_TLS_SERVER_NAME to a name in it, e.g. server.global.nomad)',
    );
    expect(nomad.requests).toHaveLength(0);
  });

  it('rejects a server certificate that does not name the host it connects to, unless tlsServerName names it', async () => {
    const byAddress = client({ caCert: files.ca, clientCert: files.clientCert, clientKey: files.clientKey });

    const error = await rejection(byAddress.readJob('web'));

    expect(error).toMatchObject({ code: 'connection', errorCode: 'ERR_TLS_CERT_ALTNAME_INVALID', attempts: 1 });
    expect(error.message).toContain("IP: 127.0.0.1 is not in the cert's list");
  });

  it('accepts any server certificate with NOMAD_SKIP_VERIFY, still presenting the client certificate', async () => {
    const insecure = NomadClient.fromEnv(
      {},
      {
        NOMAD_ADDR: nomad.address,
        NOMAD_CLIENT_CERT: files.clientCert,
        NOMAD_CLIENT_KEY: files.clientKey,
        NOMAD_SKIP_VERIFY: 'true',
      },
    );
    clients.push(insecure);

    expect((await insecure.readJob('web')).ID).toBe('web');
    expect(nomad.requests[0]?.clientCertCn).toBe('cli.global.nomad');
  });
});
