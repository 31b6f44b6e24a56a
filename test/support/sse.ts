/** One server-sent event of a GraphQL subscription: `next` with a result, or `complete`. */
export interface StreamEvent {
  event: string;
  data: { data?: Record<string, any>; errors?: { message: string; extensions?: Record<string, any> }[] } | null;
}

/**
 * A GraphQL subscription over server-sent events, as curl or an SSE client opens it: a POST
 * with `Accept: text/event-stream` that stays open.
 */
export interface EventStream {
  readonly status: number;
  /** The next event, or null once the server has ended the stream. */
  next(): Promise<StreamEvent | null>;
  /** Every event until the server ends the stream. */
  rest(): Promise<StreamEvent[]>;
  close(): void;
}

export async function openEventStream(httpPort: number, query: string, headers: Record<string, string>): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(`http://127.0.0.1:${httpPort}/graphql`, {
    method: 'POST',
    headers: { accept: 'text/event-stream', 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;

  async function next(): Promise<StreamEvent | null> {
    for (;;) {
      const boundary = buffer.indexOf('\n\n');
      if (boundary !== -1) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const event = parseEvent(block);
        if (event) return event;
        continue;
      }
      if (ended) return null;
      const chunk = await reader.read();
      if (chunk.done) ended = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
    }
  }

  return {
    status: response.status,
    next,
    async rest() {
      const events: StreamEvent[] = [];
      for (let event = await next(); event; event = await next()) events.push(event);
      return events;
    },
    close: () => controller.abort(),
  };
}

function parseEvent(block: string): StreamEvent | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue; // keep-alive comment
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trim());
  }
  if (data.length === 0 && event === 'message') return null;
  return { event, data: data.length > 0 && data.join('') !== '' ? JSON.parse(data.join('\n')) : null };
}
