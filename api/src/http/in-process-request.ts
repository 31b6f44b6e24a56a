import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

/**
 * The Node request and response yoga's server context carries, for a Fetch API request answered
 * in-process: the request's method, path and headers, on a socket with no peer (the caller is
 * this process). Nothing is written to the response; the answer is the Fetch Response.
 */
export function inProcessServerContext(request: Request): { req: IncomingMessage; res: ServerResponse } {
  const req = new IncomingMessage(new Socket());
  const url = new URL(request.url);
  req.method = request.method;
  req.url = url.pathname + url.search;
  req.headers = Object.fromEntries(request.headers);
  return { req, res: new ServerResponse(req) };
}
