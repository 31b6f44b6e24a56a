/**
 * What the web UI and GraphiQL cost on the wire at their first load: the page and every file
 * it names (scripts, stylesheets, GraphiQL's editor workers and icon), as sent for a browser
 * accepting brotli, only gzip, or neither. A repeat load costs the page alone: every other file
 * is named by its content and cached for good. The fonts GraphiQL's stylesheet names are left
 * out: a browser fetches only those a page uses (about 90 KB in Chromium). The editor workers
 * GraphiQL starts right after are counted apart.
 */
import { request } from 'node:http';

export type Encoding = 'br' | 'gzip' | 'identity';
export const ENCODINGS: Encoding[] = ['br', 'gzip', 'identity'];

export interface WebBytes {
  /** Bytes of the first load, by encoding: the page and the files it names but the workers. */
  graphiql: Record<Encoding, number>;
  /** GraphiQL's editor workers, which it loads right after. */
  graphiqlWorkers: Record<Encoding, number>;
  graphiqlPage: Record<Encoding, number>;
  ui: Record<Encoding, number>;
  uiPage: Record<Encoding, number>;
  graphiqlFiles: number;
  uiFiles: number;
}

function fetchRaw(url: string, encoding: Encoding, accept = '*/*'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { accept, 'accept-encoding': encoding } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) reject(new Error(`${url} answered HTTP ${response.statusCode}`));
        else resolve(Buffer.concat(chunks));
      });
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** The same-origin files a page names: src/href attributes and the paths in its inline scripts. */
function filesNamed(html: string, prefix: string): string[] {
  const pattern = new RegExp(`["'](${prefix}[^"'?#]+)["']`, 'g');
  return [...new Set([...html.matchAll(pattern)].map((match) => match[1]!))];
}

async function firstLoad(base: string, pagePath: string, prefix: string, accept: string) {
  const html = (await fetchRaw(`${base}${pagePath}`, 'identity', accept)).toString('utf8');
  const files = filesNamed(html, prefix);
  const total = {} as Record<Encoding, number>;
  const workers = {} as Record<Encoding, number>;
  const page = {} as Record<Encoding, number>;
  for (const encoding of ENCODINGS) {
    page[encoding] = (await fetchRaw(`${base}${pagePath}`, encoding, accept)).length;
    total[encoding] = page[encoding];
    workers[encoding] = 0;
    for (const file of files) {
      const bytes = (await fetchRaw(`${base}${file}`, encoding)).length;
      if (file.includes('-worker-')) workers[encoding] += bytes;
      else total[encoding] += bytes;
    }
  }
  return { total, workers, page, files: files.length };
}

export async function measureWebBytes(base: string): Promise<WebBytes> {
  const graphiql = await firstLoad(base, '/graphql', '/graphiql/', 'text/html');
  const ui = await firstLoad(base, '/', '/assets/', 'text/html');
  return {
    graphiql: graphiql.total,
    graphiqlWorkers: graphiql.workers,
    graphiqlPage: graphiql.page,
    ui: ui.total,
    uiPage: ui.page,
    graphiqlFiles: graphiql.files,
    uiFiles: ui.files,
  };
}
