import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

/** For files whose names carry a hash of their content: a new build gives them new names. */
export const CACHE_FOR_GOOD = 'public, max-age=31536000, immutable';
/** For everything else (pages, the app manifest, icons): asked again each time, 304 if unchanged. */
export const CACHE_REVALIDATE = 'no-cache';

interface BuiltFilesOptions {
  /** Whether the file at `path` (as requested) is named by its content. */
  hashed: (path: string) => boolean;
  /** Serve index.html for paths that name no file (a single-page app's own routes). */
  single: boolean;
}

/** Answers a request for `path` under the directory; `notFound` when there is no such file. */
export type ServeBuiltFile = (req: IncomingMessage, res: ServerResponse, path: string, notFound: () => void) => void;

/**
 * Serves a build's files: the brotli or gzip copy the build wrote next to each file when the
 * request accepts it (with `Vary: Accept-Encoding`), else the file itself; ETags, and caching
 * for good or revalidation by `hashed`.
 */
export function serveBuiltFiles(directory: string, { hashed, single }: BuiltFilesOptions): ServeBuiltFile {
  const serve = sirv(directory, {
    single,
    etag: true,
    brotli: true,
    gzip: true,
    setHeaders: (res, path) => res.setHeader('Cache-Control', hashed(path) ? CACHE_FOR_GOOD : CACHE_REVALIDATE),
  });
  return (req, res, path, notFound) => {
    // sirv reads the path from `req.url`; a view with the path under this directory leaves the
    // request itself as it was.
    const request = Object.create(req, { url: { value: path } }) as IncomingMessage;
    serve(request, res, notFound);
  };
}
