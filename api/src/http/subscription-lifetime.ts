import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Authenticator } from '../access/authenticator.js';
import type { ApiContext } from '../context.js';
import { ApiErrorCode } from '../schema/errors.js';

/** Streams one credential may hold open at once over HTTP (server-sent events). */
export const MAX_HTTP_STREAMS_PER_CREDENTIAL = 50;

/**
 * Gives every subscription a lifetime that ends when it should, whatever carries it (graphql-ws
 * or server-sent events): when the credential that opened it is revoked or logged out, when the
 * client goes away. Either ends the source at once
 * (through the `signal` subscription resolvers pass on), so nothing keeps listening for a stream
 * that is gone. Over HTTP it also bounds how many streams one credential holds open; graphql-ws
 * bounds them per connection.
 */
export function useSubscriptionLifetime(authenticator: Authenticator): Plugin<ApiContext> {
  const byCredential = new Map<string, Set<Lifetime>>();
  authenticator.on('revoked', (credentialId) => {
    for (const lifetime of byCredential.get(credentialId) ?? []) lifetime.end('revoked');
  });

  return {
    onSubscribe({ args, extendContext, setResultAndStopExecution }) {
      const context = args.contextValue;
      const { principal } = context;
      const holder = principal.kind === 'authenticated' ? (principal.credentialId ?? principal.credential) : null;
      const held = holder ? (byCredential.get(holder) ?? new Set<Lifetime>()) : null;
      if (held && context.transport === 'http' && countOverHttp(held) >= MAX_HTTP_STREAMS_PER_CREDENTIAL) {
        setResultAndStopExecution({ errors: [tooManyStreams()] });
        return;
      }
      const lifetime = new Lifetime(context.transport, () => {
        if (!holder || !held) return;
        held.delete(lifetime);
        if (held.size === 0) byCredential.delete(holder);
      });
      if (holder && held) {
        held.add(lifetime);
        byCredential.set(holder, held);
      }
      extendContext({ signal: lifetime.signal });
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(lifetime.guard(result));
          else lifetime.release();
        },
        onSubscribeError: () => lifetime.release(),
      };
    },
  };
}

function countOverHttp(lifetimes: Set<Lifetime>): number {
  let count = 0;
  for (const lifetime of lifetimes) if (lifetime.transport === 'http') count += 1;
  return count;
}

type EndReason = 'revoked' | 'closed';

/** One subscription's lifetime: its abort signal, and the stream as the client sees it. */
class Lifetime {
  readonly #controller = new AbortController();
  #reason: EndReason | null = null;
  #released = false;

  constructor(
    readonly transport: ApiContext['transport'],
    private readonly onRelease: () => void,
  ) {}

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  end(reason: EndReason): void {
    this.#reason ??= reason;
    this.#controller.abort();
    this.release();
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.onRelease();
  }

  /**
   * The source's results, then one last error result saying why the stream ended, when it was
   * not the client's own doing. `return()` ends the source at once instead of waiting for its
   * next event.
   */
  guard(source: AsyncIterable<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
    const iterator = source[Symbol.asyncIterator]();
    let finished = false;
    const finish = (): IteratorResult<ExecutionResult> => {
      finished = true;
      this.release();
      return { done: true, value: undefined };
    };
    const lastWord = (error: GraphQLError): IteratorResult<ExecutionResult> => {
      finish();
      return { done: false, value: { errors: [error] } };
    };
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next: async () => {
        if (finished) return { done: true, value: undefined };
        let step: IteratorResult<ExecutionResult>;
        try {
          step = await iterator.next();
        } catch (error) {
          finish();
          throw error;
        }
        if (!step.done) return step;
        if (this.#reason === 'revoked') return lastWord(credentialsRevoked());
        return finish();
      },
      return: async () => {
        this.end('closed');
        finish();
        await iterator.return?.();
        return { done: true, value: undefined };
      },
      throw: async (error: unknown) => {
        this.end('closed');
        finish();
        await iterator.return?.();
        throw error;
      },
    };
  }
}

function credentialsRevoked(): GraphQLError {
  return new GraphQLError('the credentials this subscription was opened with were revoked, logged out or have expired', {
    extensions: { code: ApiErrorCode.Unauthenticated },
  });
}

function tooManyStreams(): GraphQLError {
  return new GraphQLError(
    `too many open subscriptions for these credentials over HTTP (at most ${MAX_HTTP_STREAMS_PER_CREDENTIAL}); close one, or use graphql-ws`,
    { extensions: { code: ApiErrorCode.LimitExceeded, limit: MAX_HTTP_STREAMS_PER_CREDENTIAL, http: { status: 429 } } },
  );
}
