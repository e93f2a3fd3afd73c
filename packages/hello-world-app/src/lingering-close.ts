import type { IncomingMessage, ServerResponse } from 'node:http';

/** A lingering connection on which nothing arrives for this long is closed (nginx's `lingering_timeout`). */
export const LINGER_IDLE_TIMEOUT_MS = 5_000;

/**
 * Closes the connection of an answer sent before its request's body was
 * read (a 413) without resetting it, like nginx's lingering close.
 *
 * node:http ends such a connection once the answer is written and destroys
 * it as soon as that end is sent. The client is usually still sending the
 * body: the unread bytes make the kernel reset the connection, and the client
 * gets EPIPE or ECONNRESET on its next write, often before it has read the
 * answer. Instead the connection stays half-closed: the client reads the
 * answer and the end of the stream, the server reads and discards whatever
 * the client still sends, and the connection closes once the client closes
 * its side. Bounded by `LINGER_IDLE_TIMEOUT_MS` without data, node:http's own
 * `REQUEST_TIMEOUT_MS` check on the unfinished request, and the drain deadline.
 *
 * Call it before the answer is written.
 */
export function closeAfterLingering(request: IncomingMessage, response: ServerResponse): void {
  const socket = request.socket;
  // node:http's own 'finish' listener, added before the request was handed over, has run by now: it ended
  // the socket and asked for it to be destroyed once that end is written (net.Socket#destroySoon).
  response.once('finish', () => {
    socket.removeListener('finish', socket.destroy);
    socket.setTimeout(LINGER_IDLE_TIMEOUT_MS); // node:http destroys a socket whose timeout nobody else handles
    request.removeAllListeners('data');
    request.resume(); // read and discard the rest of the body
  });
}
