import { CSRF_HEADER } from '@cloud-cloud/contract/http';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ApiErrorCode } from '../schema/errors.js';

export { CSRF_HEADER };

/** Largest operations accepted, over every transport. */
export const QUERY_LIMITS = { depth: 10, aliases: 20, tokens: 2000 } as const;

// Content types a browser may send cross-origin without asking first (no CORS preflight).
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * Cross-site request forgery works through what a browser sends on its own: cookies, on a
 * request it may make without a preflight (a GET, a form post). Such a request must carry the
 * CSRF header, which a page from another origin cannot set. A request with an `Authorization`
 * header cannot be forged by a browser (that header forces a preflight, which we never grant),
 * so scripts and clients such as urql, which send queries as GET, need no extra header.
 */
export function useCsrfPrevention(): Plugin {
  return {
    onRequestParse({ request }) {
      if (!isSimpleRequest(request) || request.headers.has('authorization') || request.headers.has(CSRF_HEADER)) return;
      throw new GraphQLError(
        `this request could come from another site: send the "${CSRF_HEADER}" header (any value), or authenticate with "Authorization: Bearer <token>"`,
        { extensions: { code: ApiErrorCode.CsrfHeaderRequired, header: CSRF_HEADER, http: { status: 403 } } },
      );
    },
  };
}

function isSimpleRequest(request: Request): boolean {
  const contentType = request.headers.get('content-type')?.toLowerCase();
  if (!contentType) return true;
  return SIMPLE_CONTENT_TYPES.some((simple) => contentType.startsWith(simple));
}

type QueryLimit = keyof typeof QUERY_LIMITS;

/**
 * graphql-armor's limits on the shape of an operation, answered as what they are: a query over
 * a limit (`QUERY_TOO_COMPLEX`, naming the limit), not a syntax error.
 */
export function queryLimitPlugins(): Plugin[] {
  const reject = (limit: QueryLimit) => [
    (_context: unknown, error: GraphQLError) => {
      throw queryTooComplex(limit, error);
    },
  ];
  return [
    maxDepthPlugin({ n: QUERY_LIMITS.depth, ignoreIntrospection: true, onReject: reject('depth') }),
    maxAliasesPlugin({ n: QUERY_LIMITS.aliases, onReject: reject('aliases') }),
    maxTokensPlugin({ n: QUERY_LIMITS.tokens, onReject: reject('tokens') }),
  ];
}

const LIMIT_WORDS: Record<QueryLimit, string> = {
  depth: 'nests fields too deep',
  aliases: 'uses too many aliases',
  tokens: 'is too long',
};

function queryTooComplex(limit: QueryLimit, rejection: GraphQLError): GraphQLError {
  const found = /found (\d+)/.exec(rejection.message)?.[1];
  const max = QUERY_LIMITS[limit];
  const unit = limit === 'depth' ? 'levels' : limit;
  return new GraphQLError(`the operation ${LIMIT_WORDS[limit]}: at most ${max} ${unit} are allowed${found ? `, it has ${found}` : ''}`, {
    extensions: { code: ApiErrorCode.QueryTooComplex, limit, max, ...(found ? { found: Number(found) } : {}), http: { status: 400 } },
  });
}
