import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Refuses a request body over `maxBytes` before anything reads it. Bodies must declare their
 * length: a chunked body of unknown size is refused rather than buffered.
 * Returns true when the request was answered (refused).
 */
export function refuseOversizedBody(request: IncomingMessage, response: ServerResponse, maxBytes: number): boolean {
  const declared = request.headers['content-length'];
  if (declared === undefined) {
    if (request.headers['transfer-encoding'] === undefined) return false;
    return refuse(response, 411, 'LENGTH_REQUIRED', 'send the request body with a Content-Length header');
  }
  const length = Number(declared);
  if (!Number.isSafeInteger(length) || length < 0) return refuse(response, 400, 'BAD_REQUEST', 'invalid Content-Length');
  if (length > maxBytes) {
    return refuse(response, 413, 'PAYLOAD_TOO_LARGE', `the request body is ${length} bytes; the limit is ${maxBytes}`);
  }
  return false;
}

function refuse(response: ServerResponse, status: number, code: string, message: string): true {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  response.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
  return true;
}
