import { connect, type Socket } from 'node:net';

/** A complete request sent ahead of the slow one on the same connection: its answer tells the test the server has read both. */
const PROBE = 'GET /health HTTP/1.1\r\nHost: test\r\n\r\n';

/**
 * A request kept in flight for as long as the test wants: its headers are
 * sent, its chunked body is not finished until `finish()`. The server answers
 * only once the body has ended, so the request is in flight in between.
 *
 * `open()` resolves once the server is known to have the request: it goes out
 * in one write right behind a complete probe request, which node:http parses
 * in the same pass, so the probe's answer arriving means the slow request's
 * headers have been read too. No waiting on the clock.
 */
export class SlowRequest {
  readonly socket: Socket;
  private readonly received: Buffer[] = [];
  /** Length of the probe's answer at the start of what the server sent. */
  private probeAnswerLength: number | undefined;
  /** Resolves with everything the server sent for the slow request, once the connection has closed. */
  readonly closed: Promise<string>;

  static async open(port: number, path = '/'): Promise<SlowRequest> {
    const request = new SlowRequest(port, path);
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        request.probeAnswerLength ??= probeAnswerLength(Buffer.concat(request.received).toString('latin1'));
        if (request.probeAnswerLength !== undefined) {
          request.socket.off('data', check);
          resolve();
        }
      };
      request.socket.on('data', check);
      request.socket.once('close', () => reject(new Error('the connection closed before the probe was answered')));
    });
    return request;
  }

  private constructor(port: number, path: string) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (chunk) => this.received.push(chunk));
    this.closed = new Promise((resolve) => {
      this.socket.on('close', () => resolve(this.answer));
    });
    this.socket.on('error', () => undefined); // a reset shows as a missing answer, which the tests check
    this.socket.write(
      `${PROBE}GET ${path} HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n`,
    );
  }

  /** Ends the body: the server answers now. */
  finish(): void {
    this.socket.write('0\r\n\r\n');
  }

  /** What the server has sent so far for the slow request (after the probe's answer). */
  get answer(): string {
    return Buffer.concat(this.received)
      .toString('latin1')
      .slice(this.probeAnswerLength ?? 0);
  }

  /** Resolves with what the server has sent once it matches `pattern`; rejects if the connection closes first. */
  until(pattern: RegExp): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (pattern.test(this.answer)) {
          this.socket.off('data', check);
          this.socket.off('close', closed);
          resolve(this.answer);
        }
      };
      const closed = () => {
        this.socket.off('data', check);
        reject(new Error(`the connection closed before the answer matched ${pattern}: ${JSON.stringify(this.answer)}`));
      };
      this.socket.on('data', check);
      this.socket.once('close', closed);
      check();
      if (this.socket.closed) closed();
    });
  }
}

/** The length of the first complete answer in `text` (head and Content-Length body), or undefined if it is not all there. */
function probeAnswerLength(text: string): number | undefined {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text.slice(0, headEnd))?.[1] ?? 0);
  const total = headEnd + 4 + length;
  return text.length >= total ? total : undefined;
}
