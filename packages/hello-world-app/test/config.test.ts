import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

describe('loadConfig', () => {
  it('uses the defaults when no variable is set', () => {
    expect(loadConfig({}, 'host-1')).toEqual({
      port: 8080,
      logLevel: 'info',
      drainWindowMs: 1000,
      drainTimeoutMs: 10_000,
      keepAliveTimeoutMs: 95_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxHeaderBytes: 16_384,
      maxBodyBytes: 65_536,
      instance: { hostname: 'host-1' },
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '9000',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'debug',
        DRAIN_WINDOW_MS: '2500',
        DRAIN_TIMEOUT_MS: '5000',
        KEEP_ALIVE_TIMEOUT_MS: '65000',
        HEADERS_TIMEOUT_MS: '5000',
        REQUEST_TIMEOUT_MS: '20000',
        MAX_HEADER_BYTES: '8192',
        MAX_BODY_BYTES: '1024',
        NOMAD_ALLOC_ID: '5f1c2a3b-0000-4000-8000-000000000001',
        NOMAD_TASK_NAME: 'hello-world',
        NODE_NAME: 'ip-10-0-1-23',
        UNRELATED: 'ignored',
      },
      'host-1',
    );
    expect(config).toEqual({
      port: 9000,
      host: '127.0.0.1',
      logLevel: 'debug',
      drainWindowMs: 2500,
      drainTimeoutMs: 5000,
      keepAliveTimeoutMs: 65_000,
      headersTimeoutMs: 5000,
      requestTimeoutMs: 20_000,
      maxHeaderBytes: 8192,
      maxBodyBytes: 1024,
      instance: {
        allocId: '5f1c2a3b-0000-4000-8000-000000000001',
        taskName: 'hello-world',
        nodeName: 'ip-10-0-1-23',
        hostname: 'host-1',
      },
    });
  });

  it('accepts port 0 (any free port)', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
  });

  it.each([
    ['PORT', 'abc', 'PORT: expected a whole number from 0 to 65535, received "abc"'],
    ['PORT', '65536', 'PORT: expected a whole number from 0 to 65535, received "65536"'],
    ['PORT', '-1', 'PORT: expected a whole number from 0 to 65535, received "-1"'],
    ['PORT', '80.5', 'PORT: expected a whole number from 0 to 65535, received "80.5"'],
    ['PORT', '', 'PORT: expected a whole number from 0 to 65535, received ""'],
    ['DRAIN_TIMEOUT_MS', '10s', 'DRAIN_TIMEOUT_MS: expected a whole number from 0 to 600000, received "10s"'],
    ['MAX_HEADER_BYTES', '100', 'MAX_HEADER_BYTES: expected a whole number from 1024 to 1048576, received "100"'],
    [
      'LOG_LEVEL',
      'verbose',
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, received "verbose"',
    ],
    ['NOMAD_ALLOC_ID', '', 'NOMAD_ALLOC_ID: expected a non-empty value, received ""'],
  ])('rejects %s=%j naming the variable', (variable, value, problem) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(new ConfigError(`Invalid configuration: ${problem}`));
  });

  it('reports every bad variable in one line', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      'Invalid configuration: PORT: expected a whole number from 0 to 65535, received "x"; ' +
        'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, received "loud"',
    );
    expect(message).not.toContain('\n');
  });

  it('shortens the default drain window to a shorter drain timeout', () => {
    expect(loadConfig({ DRAIN_TIMEOUT_MS: '300' })).toMatchObject({ drainWindowMs: 300, drainTimeoutMs: 300 });
    expect(loadConfig({ DRAIN_TIMEOUT_MS: '0' })).toMatchObject({ drainWindowMs: 0, drainTimeoutMs: 0 });
  });

  it('rejects a drain window longer than the drain timeout, saying how to fix it', () => {
    expect(() => loadConfig({ DRAIN_WINDOW_MS: '20000' })).toThrow(
      'Invalid configuration: DRAIN_WINDOW_MS: must not exceed DRAIN_TIMEOUT_MS (10000); lower it or raise DRAIN_TIMEOUT_MS, received "20000"',
    );
  });

  it('rejects a headers timeout longer than the request timeout', () => {
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '40000', REQUEST_TIMEOUT_MS: '30000' })).toThrow(
      'Invalid configuration: HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS (30000), received "40000"',
    );
  });
});
