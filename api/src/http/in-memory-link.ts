import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { CloseCode, type Server, type WebSocket as ServerSocket } from 'graphql-ws';

/** What the server side of a link may do to it: the part of a socket the link code uses. */
export interface LinkSocket {
  close(code?: number, reason?: string): void;
}

/** What graphql-ws's server is given about each link: its socket and the request that opened it. */
export interface LinkExtra {
  readonly socket: LinkSocket;
  readonly request: IncomingMessage;
}

/** The WebSocket surface graphql-ws's client uses, as a class (its `webSocketImpl`). */
export type InMemoryWebSocketClass = new (url: string, protocol?: string | string[]) => InMemoryWebSocket;

export interface InMemoryLinks {
  /** Pass as graphql-ws's `webSocketImpl`: each instance is one link to the server, in this process. */
  readonly WebSocket: InMemoryWebSocketClass;
  /** Closes every open link (1001) and refuses new ones. */
  dispose(): void;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
/** ws's close code for a message over `maxPayload`. */
const MESSAGE_TOO_BIG = 1009;

interface CloseEventLike {
  code: number;
  reason: string;
  wasClean: boolean;
}

/**
 * The client end of an in-process link: graphql-ws's client speaks to it as to a WebSocket, and
 * graphql-ws's server reads it as one of its sockets, so everything between them (credentials,
 * link policy, limits, plugins) runs as over a network socket; only the bytes never leave the
 * process. Messages go each way in order, each in a microtask of its own, so neither side is
 * re-entered from inside its own send.
 */
export abstract class InMemoryWebSocket {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;

  readyState: number = CONNECTING;
  readonly protocol: string;
  onopen: ((event: object) => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: CloseEventLike) => void) | null = null;
  onerror: ((event: object) => void) | null = null;

  /** The server's message handler, once graphql-ws has attached it. */
  #toServer: ((data: string) => Promise<void>) | null = null;
  /** Tells graphql-ws's server the link has closed. */
  #serverClosed: ((code: number, reason: string) => void) | null = null;
  #end: ServerSocketEnd | null = null;

  constructor(_url: string, protocol?: string | string[]) {
    this.protocol = Array.isArray(protocol) ? (protocol[0] ?? '') : (protocol ?? '');
  }

  /** Links this end to a server (called once, by the class `inMemoryLinks` makes). */
  protected attach(server: Server<LinkExtra>, request: IncomingMessage, hooks: EndHooks): void {
    const end: ServerSocketEnd = {
      protocol: this.protocol,
      send: (data) => {
        if (this.readyState === OPEN) queueMicrotask(() => this.#deliver(data));
      },
      close: (code, reason) => this.#close(code ?? 1000, reason ?? ''),
      onMessage: (handler) => {
        this.#toServer = handler;
      },
      ...hooks,
    };
    this.#end = end;
    const socket: LinkSocket = { close: (code, reason) => end.close(code, reason) };
    const closed = server.opened(end, { socket, request });
    this.#serverClosed = (code, reason) => {
      closed(code, reason).catch(hooks.onInternalError);
    };
    queueMicrotask(() => {
      if (this.readyState !== CONNECTING) return;
      this.readyState = OPEN;
      this.onopen?.({});
    });
  }

  send(data: string): void {
    if (this.readyState === CONNECTING) throw new Error('the link is still opening');
    if (this.readyState !== OPEN) return;
    // As ws's maxPayload: a message over the server's limit ends the link.
    const limit = this.#end?.maxMessageBytes ?? Number.POSITIVE_INFINITY;
    if (data.length > limit / 3 && Buffer.byteLength(data) > limit) {
      this.#close(MESSAGE_TOO_BIG, 'Max payload size exceeded');
      return;
    }
    queueMicrotask(() => {
      const handler = this.#toServer;
      // Sent before a close: it arrives first, as on a network socket.
      if (this.readyState === CLOSED || !handler) return;
      handler(data).catch((error: unknown) => {
        // As graphql-ws's ws server does when its message handler throws.
        this.#end?.onInternalError(error);
        this.#close(CloseCode.InternalServerError, 'Internal server error');
      });
    });
  }

  close(code = 1000, reason = ''): void {
    this.#close(code, reason);
  }

  #deliver(data: string): void {
    if (this.readyState !== CLOSED) this.onmessage?.({ data });
  }

  /** Either side closing: both hear of it once, after what was sent before it. */
  #close(code: number, reason: string): void {
    if (this.readyState === CLOSING || this.readyState === CLOSED) return;
    this.readyState = CLOSING;
    queueMicrotask(() => {
      this.readyState = CLOSED;
      this.#serverClosed?.(code, reason);
      this.#end?.onEnd();
      this.onclose?.({ code, reason, wasClean: true });
    });
  }
}

interface EndHooks {
  /** The server's `maxPayload`. */
  readonly maxMessageBytes: number;
  /** The server failed on a message; the link closes (4500). */
  readonly onInternalError: (error: unknown) => void;
  /** The link has closed. */
  readonly onEnd: () => void;
}

interface ServerSocketEnd extends ServerSocket, EndHooks {
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket class whose instances are links to `server` in this process. Each link's request
 * is a request without a peer (no address, no headers): what a link is allowed comes from its
 * connectionParams, as for any other.
 */
export function inMemoryLinks(
  server: Server<LinkExtra>,
  { maxMessageBytes, onInternalError }: { maxMessageBytes: number; onInternalError: (error: unknown) => void },
): InMemoryLinks {
  const open = new Set<InMemoryWebSocket>();
  let disposed = false;

  class LinkWebSocket extends InMemoryWebSocket {
    constructor(url: string, protocol?: string | string[]) {
      super(url, protocol);
      if (disposed) {
        // As a server that is no longer listening: the link never opens.
        this.readyState = CLOSING;
        queueMicrotask(() => {
          this.readyState = CLOSED;
          this.onclose?.({ code: 1001, reason: 'Going away', wasClean: false });
        });
        return;
      }
      open.add(this);
      this.attach(server, linkRequest(), { maxMessageBytes, onInternalError, onEnd: () => open.delete(this) });
    }
  }

  return {
    WebSocket: LinkWebSocket,
    dispose: () => {
      disposed = true;
      for (const socket of open) socket.close(1001, 'Going away');
    },
  };
}

function linkRequest(): IncomingMessage {
  const request = new IncomingMessage(new Socket());
  request.method = 'GET';
  request.url = '/';
  request.headers = {};
  return request;
}
