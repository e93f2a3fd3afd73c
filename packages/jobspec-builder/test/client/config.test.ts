import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NomadApiError, NomadClient } from '../../src/client';
import { DEFAULT_MAX_RESPONSE_BYTES, propsFromEnv, resolveConfig } from '../../src/client/config';
import { FakeNomad } from './fake-nomad';

let nomad: FakeNomad;

beforeEach(async () => {
  nomad = await FakeNomad.start();
  nomad.on('GET', '/v1/job/web', { json: { ID: 'web' } });
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await nomad.close();
});

function configError(make: () => unknown): NomadApiError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(NomadApiError);
    expect((error as NomadApiError).code).toBe('invalid-config');
    return error as NomadApiError;
  }
  throw new Error('expected a configuration error');
}

describe('NomadClient configuration', () => {
  it('talks to http://127.0.0.1:4646 by default, like the Nomad CLI', () => {
    expect(new NomadClient().address).toBe('http://127.0.0.1:4646');
    expect(NomadClient.fromEnv({}, {}).address).toBe('http://127.0.0.1:4646');
  });

  it('reads NOMAD_ADDR, NOMAD_TOKEN, NOMAD_NAMESPACE and NOMAD_REGION in fromEnv()', async () => {
    const client = NomadClient.fromEnv(
      {},
      { NOMAD_ADDR: nomad.address, NOMAD_TOKEN: 'from-env', NOMAD_NAMESPACE: 'apps', NOMAD_REGION: 'eu' },
    );

    await client.readJob('web');
    client.close();

    expect(client.address).toBe(nomad.address);
    expect(nomad.requests[0]?.headers['x-nomad-token']).toBe('from-env');
    expect(nomad.requests[0]?.query).toEqual({ namespace: 'apps', region: 'eu' });
  });

  it('reads process.env by default in fromEnv(), and never in the constructor', async () => {
    vi.stubEnv('NOMAD_ADDR', nomad.address);
    vi.stubEnv('NOMAD_TOKEN', 'process-token');

    const fromEnv = NomadClient.fromEnv();
    await fromEnv.readJob('web');
    fromEnv.close();

    expect(nomad.requests[0]?.headers['x-nomad-token']).toBe('process-token');
    expect(new NomadClient().address).toBe('http://127.0.0.1:4646');
  });

  it('lets explicit options win over the environment', async () => {
    const client = NomadClient.fromEnv(
      { address: nomad.address, token: 'explicit', namespace: 'mine' },
      { NOMAD_ADDR: 'http://10.0.0.1:4646', NOMAD_TOKEN: 'from-env', NOMAD_NAMESPACE: 'apps', NOMAD_REGION: 'eu' },
    );

    await client.readJob('web');
    client.close();

    expect(nomad.requests[0]?.headers['x-nomad-token']).toBe('explicit');
    expect(nomad.requests[0]?.query).toEqual({ namespace: 'mine', region: 'eu' });
  });

  it('treats empty variables as unset, like the CLI', () => {
    expect(propsFromEnv({}, { NOMAD_ADDR: '', NOMAD_TOKEN: '', NOMAD_NAMESPACE: '' })).toMatchObject({
      address: undefined,
      token: undefined,
      namespace: undefined,
    });
  });

  it("reads NOMAD_SKIP_VERIFY as Go's strconv.ParseBool does, ignoring what it cannot parse", () => {
    const skip = (value: string) => propsFromEnv({}, { NOMAD_SKIP_VERIFY: value }).tlsSkipVerify;

    expect(['1', 't', 'T', 'true', 'TRUE', 'True'].map(skip)).toEqual([true, true, true, true, true, true]);
    expect(['0', 'f', 'F', 'false', 'FALSE', 'False'].map(skip)).toEqual([false, false, false, false, false, false]);
    expect(['yes', 'on', 'tRuE'].map(skip)).toEqual([undefined, undefined, undefined]);
    expect(propsFromEnv({ tlsSkipVerify: false }, { NOMAD_SKIP_VERIFY: 'true' }).tlsSkipVerify).toBe(false);
  });

  it('maps the TLS variables to their options', () => {
    expect(
      propsFromEnv(
        {},
        {
          NOMAD_CACERT: '/etc/nomad/ca.pem',
          NOMAD_CLIENT_CERT: '/etc/nomad/cli.pem',
          NOMAD_CLIENT_KEY: '/etc/nomad/cli-key.pem',
          NOMAD_TLS_SERVER_NAME: 'server.global.nomad',
        },
      ),
    ).toMatchObject({
      caCert: '/etc/nomad/ca.pem',
      clientCert: '/etc/nomad/cli.pem',
      clientKey: '/etc/nomad/cli-key.pem',
      tlsServerName: 'server.global.nomad',
    });
  });

  it("takes a CA or a client certificate from the options as a whole, never pairing it with the environment's", () => {
    const env = {
      NOMAD_CACERT: '/env/ca.pem',
      NOMAD_CLIENT_CERT: '/env/cli.pem',
      NOMAD_CLIENT_KEY: '/env/cli-key.pem',
    };

    const props = propsFromEnv({ caCertPem: 'CA PEM', clientCertPem: 'CERT PEM', clientKeyPem: 'KEY PEM' }, env);

    expect(props).toMatchObject({ caCert: undefined, clientCert: undefined, clientKey: undefined });
    expect(propsFromEnv({ clientCert: '/mine/cli.pem' }, env)).toMatchObject({
      clientCert: '/mine/cli.pem',
      clientKey: undefined,
    });
  });

  it('rejects an address without a scheme, saying how to write it', () => {
    const error = configError(() => NomadClient.fromEnv({}, { NOMAD_ADDR: '127.0.0.1:4646' }));

    expect(error.message).toBe(
      'Nomad client configuration: address (NOMAD_ADDR): expected an http:// or https:// URL such as http://127.0.0.1:4646, received "127.0.0.1:4646"; include the scheme and host',
    );
    expect(() => new NomadClient({ address: 'ftp://nomad:4646' })).toThrow(/expected an http:\/\/ or https:\/\/ URL/);
  });

  it('rejects a CA file it cannot read, naming the variable and the path', () => {
    const error = configError(() =>
      NomadClient.fromEnv({}, { NOMAD_ADDR: 'https://nomad:4646', NOMAD_CACERT: '/nonexistent/ca.pem' }),
    );

    expect(error.message).toMatch(
      /^Nomad client configuration: caCert \(NOMAD_CACERT\): cannot read "\/nonexistent\/ca\.pem": ENOENT: no such file or directory.*; give the path of a PEM file$/,
    );
  });

  it('rejects a client certificate without its key', () => {
    const error = configError(() => new NomadClient({ address: 'https://nomad:4646', clientCertPem: 'CERT PEM' }));

    expect(error.message).toBe(
      'Nomad client configuration: clientCert and clientKey (NOMAD_CLIENT_CERT, NOMAD_CLIENT_KEY): expected both or neither, received only the certificate; set the other one too',
    );
  });

  it('rejects timeouts that are not positive', () => {
    expect(() => new NomadClient({ requestTimeoutMs: 0 })).toThrow(
      'Nomad client configuration: requestTimeoutMs: expected a number of milliseconds > 0, received 0',
    );
  });

  it('accepts response bodies up to 64 MiB by default, as the README and the option docs say', () => {
    expect(resolveConfig({}).maxResponseBytes).toBe(64 * 1024 * 1024);
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(64 * 1024 * 1024);
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    expect(readme).toContain('`maxResponseBytes` (default 64 MiB)');
    const docs = readFileSync(join(__dirname, '../../src/client/config.ts'), 'utf8');
    expect(docs).toContain('@default 67108864 (64 MiB)');
  });

  it('rejects a maxResponseBytes that is not a whole number of bytes a string can hold', () => {
    expect(configError(() => new NomadClient({ maxResponseBytes: 0 })).message).toBe(
      'Nomad client configuration: maxResponseBytes: expected an integer from 1 to 536870888 (about 512 MiB, the longest string Node.js can hold), received 0',
    );
    configError(() => new NomadClient({ maxResponseBytes: 1.5 }));
    configError(() => new NomadClient({ maxResponseBytes: 1024 ** 3 }));
  });
});
