import { connect, type Socket } from 'node:net';

/**
 * A request kept in flight for as long as the test wants: its headers are
 * sent, its chunked body is not finished until `finish()`. The server answers
 * only once the body has ended, so the request is in flight in between.
 */
export class SlowRequest {
  readonly socket: Socket;
  private readonly received: Buffer[] = [];
  /** Resolves with everything the server sent, once the connection has closed. */
  readonly closed: Promise<string>;

  static async open(port: number, path = '/'): Promise<SlowRequest> {
    const request = new SlowRequest(port, path);
    await new Promise<void>((resolve, reject) => {
      request.socket.once('connect', resolve);
      request.socket.once('error', reject);
    });
    return request;
  }

  private constructor(port: number, path: string) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (chunk) => this.received.push(chunk));
    this.closed = new Promise((resolve) => {
      this.socket.on('close', () => resolve(Buffer.concat(this.received).toString('latin1')));
    });
    this.socket.on('error', () => undefined); // a reset shows as a missing answer, which the tests check
    this.socket.write(
      `GET ${path} HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n`,
    );
  }

  /** Ends the body: the server answers now. */
  finish(): void {
    this.socket.write('0\r\n\r\n');
  }

  /** What the server has sent so far. */
  get answer(): string {
    return Buffer.concat(this.received).toString('latin1');
  }
}
