import type { Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { Lifecycle } from '../src/lifecycle';
import { createLogger } from '../src/logger';
import { HttpMetrics } from '../src/metrics';
import { createHelloWorldServer } from '../src/server';
import { startTestApp, type TestApp } from './support/app';
import { call, rawExchange } from './support/http';

/** node:http's own field (set by the `connectionsCheckingInterval` option), which @types/node 20 does not declare. */
function connectionsCheckingInterval(server: Server): number {
  return (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval;
}

describe('hello-world server', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      NOMAD_ALLOC_ID: 'a1b2c3d4',
      NOMAD_TASK_NAME: 'hello-world',
      NODE_NAME: 'node-7',
      MAX_BODY_BYTES: '1024',
      MAX_HEADER_BYTES: '2048',
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  describe('GET /', () => {
    it('greets with the instance, as text, with a request id', async () => {
      const answer = await call(app.port, { path: '/' });
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('Hello from allocation a1b2c3d4 (task hello-world, node node-7)\n');
      expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(answer.headers['content-length']).toBe(String(answer.body.length));
      expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f]{16}-[0-9a-z]+$/);
    });

    it('gives every request its own id', async () => {
      const ids = await Promise.all([1, 2, 3].map(async () => (await call(app.port)).headers['x-request-id']));
      expect(new Set(ids).size).toBe(3);
    });

    it('keeps an incoming X-Request-Id (from a load balancer)', async () => {
      const answer = await call(app.port, { headers: { 'x-request-id': 'lb-7f3a:42' } });
      expect(answer.headers['x-request-id']).toBe('lb-7f3a:42');
    });

    it('replaces an incoming X-Request-Id that does not look like an id', async () => {
      const answer = await call(app.port, { headers: { 'x-request-id': 'a b <script>' } });
      expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f]{16}-[0-9a-z]+$/);
    });

    it('ignores the query string when routing', async () => {
      expect((await call(app.port, { path: '/?name=x' })).status).toBe(200);
    });

    it('answers HEAD with the headers and no body', async () => {
      const answer = await call(app.port, { method: 'HEAD' });
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('');
      expect(Number(answer.headers['content-length'])).toBeGreaterThan(0);
    });

    it('keeps connections alive longer than a load balancer keeps them idle', async () => {
      const answer = await call(app.port, { headers: { connection: 'keep-alive' } });
      expect(answer.headers['keep-alive']).toBe('timeout=95');
    });
  });

  describe('probes', () => {
    it('GET /health answers ok', async () => {
      const answer = await call(app.port, { path: '/health' });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ status: 'ok' });
    });

    it('GET /ready answers ready once listening', async () => {
      const answer = await call(app.port, { path: '/ready' });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ status: 'ready' });
    });
  });

  describe('errors', () => {
    it('answers an unknown path with 404 in JSON, naming the path and the request id', async () => {
      const answer = await call(app.port, { path: '/nope?x=1' });
      expect(answer.status).toBe(404);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(JSON.parse(answer.body)).toEqual({
        error: 'Not Found',
        message: 'no route for /nope',
        requestId: answer.headers['x-request-id'],
      });
    });

    it.each(['POST', 'PUT', 'DELETE', 'OPTIONS'])('answers %s on a route with 405 and Allow', async (method) => {
      const answer = await call(app.port, { method, path: '/health' });
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe('GET, HEAD');
      expect(JSON.parse(answer.body)).toMatchObject({
        error: 'Method Not Allowed',
        message: `${method} is not allowed here; allowed: GET, HEAD`,
      });
    });

    it('reads and ignores a body within the limit', async () => {
      const answer = await call(app.port, { method: 'GET', body: 'x'.repeat(1024) });
      expect(answer.status).toBe(200);
    });

    it('rejects a declared body over the limit with 413 without reading it, and closes the connection', async () => {
      // Headers only: the server must answer without waiting for the 1 MB it was promised.
      const answer = await rawExchange(
        app.port,
        'POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 1000000\r\nContent-Type: text/plain\r\n\r\n',
      );
      expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
      expect(answer).toMatch(/\r\nconnection: close\r\n/i);
      expect(answer).toContain('"message":"the request body exceeds 1024 bytes"');
    });

    it('rejects a chunked body with 413 as soon as it passes the limit', async () => {
      const chunk = 'y'.repeat(600);
      const twoChunks = `${(600).toString(16)}\r\n${chunk}\r\n`.repeat(2);
      // The body is never terminated: the answer must come from the limit, not from the end of the body.
      const answer = await rawExchange(
        app.port,
        `POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n${twoChunks}`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    });

    it('answers a 10 MB chunked body with 413 and reads the rest, so that its client, still sending, is not reset', async () => {
      // A client that sends its whole body before it reads the answer; it keeps sending after the server's end.
      const socket = connect({ port: app.port, host: '127.0.0.1', allowHalfOpen: true });
      const received: Buffer[] = [];
      const errors: string[] = [];
      socket.on('data', (chunk) => received.push(chunk));
      socket.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message));
      const closed = new Promise((resolve) => socket.once('close', resolve));
      await new Promise((resolve) => socket.once('connect', resolve));

      const chunk = `${(64 * 1024).toString(16)}\r\n${'b'.repeat(64 * 1024)}\r\n`;
      // Waits for the socket to take more, or for it to fail.
      const write = (data: string) =>
        socket.write(data)
          ? Promise.resolve()
          : new Promise((resolve) => {
              socket.once('drain', resolve);
              socket.once('close', resolve);
            });
      await write('POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n');
      for (let sent = 0; sent < 10 * 1024 * 1024 && !socket.destroyed; sent += 64 * 1024) await write(chunk);
      socket.end('0\r\n\r\n');
      await closed;

      expect(errors).toEqual([]);
      const answer = Buffer.concat(received).toString('latin1');
      expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n[\s\S]*\r\nconnection: close\r\n/i);
      expect(answer).toContain('"message":"the request body exceeds 1024 bytes"');
    });

    it('closes the connection after a 413 once its client has sent nothing for a while', async () => {
      const serverSide = new Promise<Socket>((resolve) => app.server.once('connection', resolve));
      // A client that sends its whole body, keeps its side open after the answer, and goes silent: nothing but the
      // server's own limit would ever close this connection.
      const socket = connect({ port: app.port, host: '127.0.0.1', allowHalfOpen: true });
      socket.on('error', () => undefined);
      socket.write(
        `POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n${'c'.repeat(2000)}\r\n0\r\n\r\n`,
      );
      const answer = await new Promise<string>((resolve) => {
        const received: Buffer[] = [];
        socket.on('data', (chunk) => received.push(chunk));
        socket.once('end', () => resolve(Buffer.concat(received).toString('latin1')));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
      // The server has ended its side; it lets go of the connection after LINGER_IDLE_TIMEOUT_MS without data.
      const server = await serverSide;
      await new Promise((resolve) => (server.closed ? resolve(undefined) : server.once('close', resolve)));
      expect(server.destroyed).toBe(true);
      socket.destroy();
    });

    it('accepts a chunked body within the limit', async () => {
      const answer = await rawExchange(
        app.port,
        'GET / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
      );
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    });

    it('rejects request headers over the limit with 431', async () => {
      const answer = await rawExchange(app.port, `GET / HTTP/1.1\r\nHost: test\r\nX-Big: ${'z'.repeat(4096)}\r\n\r\n`);
      expect(answer).toBe(
        'HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\n\r\n',
      );
    });

    it('rejects a malformed request with 400', async () => {
      const answer = await rawExchange(app.port, 'NONSENSE\r\n\r\n');
      expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    });
  });

  describe('timeouts', () => {
    it('has node:http check the headers and request timeouts every second, not every 30 s', () => {
      expect(app.server.headersTimeout).toBe(10_000);
      expect(connectionsCheckingInterval(app.server)).toBe(1000);
    });
  });

  describe('logs', () => {
    it('writes JSON lines with the level as a word, the service and the instance', async () => {
      const line = app.logs.find((l) => l.msg === 'ready to serve');
      expect(line).toMatchObject({
        level: 'info',
        service: 'hello-world-app',
        allocId: 'a1b2c3d4',
        task: 'hello-world',
        node: 'node-7',
        port: app.port,
      });
      expect(new Date(String(line?.time)).toISOString()).toBe(line?.time);
    });

    it('logs failed requests at info level with their request id', async () => {
      const answer = await call(app.port, { path: '/missing-for-logs' });
      expect(await app.log.next((l) => l.url === '/missing-for-logs')).toMatchObject({
        level: 'info',
        msg: 'request completed',
        reqId: answer.headers['x-request-id'],
        method: 'GET',
        status: 404,
      });
    });

    it('does not log successful requests at info level (the metrics count them)', async () => {
      const answer = await call(app.port, { path: '/?for=logs' });
      await call(app.port, { path: '/missing-after' });
      // Lines are written in order: once the later failure is logged, the success would have been.
      await app.log.next((l) => l.url === '/missing-after');
      expect(app.logs.some((l) => l.reqId === answer.headers['x-request-id'])).toBe(false);
    });

    it('logs rejected malformed requests', async () => {
      await rawExchange(app.port, 'NONSENSE\r\n\r\n');
      expect(await app.log.next((l) => l.code === 'HPE_INVALID_METHOD')).toMatchObject({
        level: 'info',
        msg: 'rejected a request the HTTP parser could not accept',
        status: 400,
      });
    });
  });
});

describe('hello-world server at debug level', () => {
  it('logs successful requests too', async () => {
    const app = await startTestApp({ LOG_LEVEL: 'debug' });
    try {
      const answer = await call(app.port, { path: '/health' });
      expect(await app.log.next((l) => l.reqId === answer.headers['x-request-id'])).toMatchObject({
        level: 'debug',
        status: 200,
        url: '/health',
      });
    } finally {
      await app.stop();
    }
  });
});

describe('hello-world server with a short headers timeout', () => {
  it('checks it as often as it is long, and answers a client that never finishes its headers with 408', async () => {
    const app = await startTestApp({ HEADERS_TIMEOUT_MS: '200', REQUEST_TIMEOUT_MS: '200' });
    try {
      expect(connectionsCheckingInterval(app.server)).toBe(200);
      // A slow-loris client: a request line and one header, then nothing.
      const answer = await rawExchange(app.port, 'GET / HTTP/1.1\r\nHost: test\r\n');
      expect(answer).toBe('HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    } finally {
      await app.stop();
    }
  });
});

describe('readiness through the lifecycle', () => {
  it('answers 503 "starting" until the instance is marked ready', async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    const lifecycle = new Lifecycle();
    const server = createHelloWorldServer({
      config,
      logger: createLogger({ level: 'silent', instance: config.instance }),
      metrics: new HttpMetrics(),
      lifecycle,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const starting = await call(port, { path: '/ready' });
      expect(starting.status).toBe(503);
      expect(JSON.parse(starting.body)).toEqual({ status: 'starting' });
      expect((await call(port, { path: '/health' })).status).toBe(200);

      lifecycle.markReady();
      expect((await call(port, { path: '/ready' })).status).toBe(200);
    } finally {
      server.close();
    }
  });

  it('never turns ready again once draining', () => {
    const lifecycle = new Lifecycle();
    lifecycle.markReady();
    lifecycle.startDraining();
    lifecycle.markReady();
    expect(lifecycle.state).toBe('draining');
    expect(lifecycle.isReady).toBe(false);
  });
});
