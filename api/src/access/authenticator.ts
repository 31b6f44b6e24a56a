import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { ApiTokenRecord, CredentialStore, TokenScope } from '../store/credential-store.js';
import type { StateStore } from '../store/state-store.js';
import { attemptSource, AttemptWindow } from './attempt-window.js';
import { CredentialError, type Principal } from './principal.js';
import { ExpectedSecret, generateSecret, hashPassword, PresentedSecret, tokenHash, verifyPassword } from './secret.js';

export class LoginRefused extends Error {
  override name = 'LoginRefused';
  constructor(
    message: string,
    readonly retryAfterSeconds: number | null,
  ) {
    super(message);
  }
}

export interface AuthenticatorOptions {
  /** Accepted from adapters (`CC_ADAPTER_TOKEN`, or the one-process start's own). */
  adapterToken: string;
  /** Accepted as an admin API token (`CC_API_TOKEN`). */
  configuredAdminToken?: string | undefined;
  clock: Clock;
  /** How long a login lasts. Default 30 days. */
  sessionLifetimeMs?: number;
}

/** Failed logins allowed per address (an IPv6 client's /64) within the window. */
const MAX_FAILED_LOGINS = 5;
const FAILED_LOGIN_WINDOW_MS = 15 * 60_000;
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Turns credentials into principals: the admin password (for sessions), API tokens, the
 * configured admin token and the adapter token. Emits `revoked` with a credential id when a
 * session ends or a token is revoked, so connections it opened can be closed.
 */
export class Authenticator extends EventEmitter<{ revoked: [credentialId: string] }> {
  // Kept in memory: a restart forgets it, which costs an attacker a restart they cannot cause.
  readonly #failedLogins: AttemptWindow;
  readonly #sessionLifetimeMs: number;
  readonly #adapterToken: ExpectedSecret;
  readonly #configuredAdminToken: ExpectedSecret | null;

  constructor(
    private readonly credentials: CredentialStore,
    private readonly state: StateStore,
    private readonly options: AuthenticatorOptions,
  ) {
    super();
    this.#failedLogins = new AttemptWindow(MAX_FAILED_LOGINS, FAILED_LOGIN_WINDOW_MS);
    this.#sessionLifetimeMs = options.sessionLifetimeMs ?? 30 * 24 * 3600_000;
    this.#adapterToken = new ExpectedSecret(options.adapterToken);
    this.#configuredAdminToken = options.configuredAdminToken ? new ExpectedSecret(options.configuredAdminToken) : null;
  }

  /**
   * Makes sure an admin password exists. With `configured` (CC_ADMIN_PASSWORD) it becomes the
   * password; otherwise one is generated on first start. Returns a generated password, which
   * is shown once and never stored in clear.
   */
  async ensureAdminPassword(configured?: string, regenerate = false): Promise<string | null> {
    if (configured !== undefined) {
      const stored = this.state.readSetting('admin_password_hash');
      if (!stored || !(await verifyPassword(configured, stored))) {
        this.state.writeSetting('admin_password_hash', await hashPassword(configured));
      }
      return null;
    }
    if (this.state.readSetting('admin_password_hash') && !regenerate) return null;
    const generated = generateSecret().slice(0, 20);
    this.state.writeSetting('admin_password_hash', await hashPassword(generated));
    return generated;
  }

  /** `Authorization: Bearer …` → principal; a malformed header or unknown token is an error. */
  fromAuthorization(header: string, adapterId: string | null = null): Principal {
    const token = BEARER.exec(header)?.[1];
    if (!token) throw new CredentialError('the Authorization header must be "Bearer <token>"');
    const presented = new PresentedSecret(token);
    if (this.#adapterToken.matches(presented)) {
      return { kind: 'authenticated', role: 'ADAPTER', credential: 'adapter-token', credentialId: null, adapterId };
    }
    if (this.#configuredAdminToken?.matches(presented)) {
      return { kind: 'authenticated', role: 'ADMIN', credential: 'configured-token', credentialId: null, adapterId: null };
    }
    const record = this.credentials.findActiveToken(tokenHash(token));
    if (!record) throw new CredentialError('the API token is not valid (unknown or revoked)');
    this.credentials.markTokenUsed(record.id, this.options.clock.now());
    return {
      kind: 'authenticated',
      role: record.scope,
      credential: 'api-token',
      credentialId: record.id,
      adapterId: record.scope === 'ADAPTER' ? adapterId : null,
    };
  }

  /** A session cookie's value → principal, or null when it is unknown or expired. */
  fromSessionToken(token: string): Principal | null {
    const session = this.credentials.findSession(tokenHash(token), this.options.clock.now());
    if (!session) return null;
    return { kind: 'authenticated', role: 'ADMIN', credential: 'session', credentialId: session.id, adapterId: null };
  }

  async login(password: string, address: string): Promise<{ token: string; expiresAt: Date }> {
    const now = this.options.clock.now();
    const source = attemptSource(address);
    const wait = this.#failedLogins.retryAfterMs(source, now.getTime());
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new LoginRefused(`too many failed logins from this address; try again in ${durationInWords(seconds)}`, seconds);
    }
    // Counted as a failure before the slow check, so that attempts made in parallel cannot all
    // pass the limit while the first ones are still being checked; a success clears it again.
    this.#failedLogins.count(source, now.getTime());
    const stored = this.state.readSetting('admin_password_hash');
    if (!stored || !(await verifyPassword(password, stored))) throw new LoginRefused('wrong password', null);
    this.#failedLogins.clear(source);
    this.expireSessions();
    const token = generateSecret();
    const expiresAt = new Date(now.getTime() + this.#sessionLifetimeMs);
    this.credentials.addSession({ id: randomUUID(), tokenHash: tokenHash(token), createdAt: now, expiresAt });
    return { token, expiresAt };
  }

  /**
   * Ends the sessions whose time is up like a logout: what they opened (graphql-ws connections,
   * server-sent-event streams) is closed too, not only their next request refused.
   */
  expireSessions(): void {
    for (const id of this.credentials.deleteExpiredSessions(this.options.clock.now())) this.emit('revoked', id);
  }

  logout(sessionId: string): void {
    this.credentials.deleteSession(sessionId);
    this.emit('revoked', sessionId);
  }

  async changePassword(current: string, next: string): Promise<void> {
    const stored = this.state.readSetting('admin_password_hash');
    if (!stored || !(await verifyPassword(current, stored))) throw new LoginRefused('the current password is wrong', null);
    this.state.writeSetting('admin_password_hash', await hashPassword(next));
  }

  createApiToken(name: string, scope: TokenScope): { token: string; record: ApiTokenRecord } {
    const token = `cc_${generateSecret()}`;
    const id = randomUUID();
    this.credentials.addToken({ id, name, scope, tokenHash: tokenHash(token), createdAt: this.options.clock.now() });
    return { token, record: this.credentials.findToken(id)! };
  }

  revokeApiToken(id: string): ApiTokenRecord | undefined {
    if (!this.credentials.findToken(id)) return undefined;
    if (this.credentials.revokeToken(id, this.options.clock.now())) this.emit('revoked', id);
    return this.credentials.findToken(id);
  }

  /** Who a principal is, in words for records such as "uploaded by". */
  nameOf(principal: Principal): string {
    if (principal.kind !== 'authenticated') return 'unknown';
    switch (principal.credential) {
      case 'session':
        return 'admin (logged in)';
      case 'configured-token':
        return 'admin (CC_API_TOKEN)';
      case 'api-token': {
        const token = this.listApiTokens().find((t) => t.id === principal.credentialId);
        return `API token "${token?.name ?? principal.credentialId}"`;
      }
      case 'adapter-token':
        return 'adapter';
    }
  }

  listApiTokens(): ApiTokenRecord[] {
    return this.credentials.listTokens();
  }
}

/** "40 seconds", "1 minute", "15 minutes": how long, as a person says it. */
export function durationInWords(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
