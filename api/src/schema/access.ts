import { serialize } from 'cookie';
import { GraphQLError } from 'graphql';
import { MIN_ADMIN_PASSWORD_LENGTH } from '@cloud-cloud/contract/credentials';
import { LoginRefused } from '../access/authenticator.js';
import type { CredentialKind } from '../access/principal.js';
import { SESSION_COOKIE } from '../access/session-cookie.js';
import type { ApiTokenRecord, TokenScope } from '../store/credential-store.js';
import { builder } from './builder.js';
import { atLeastCharacters, checkArguments, trimmedText } from './arguments.js';
import { ApiErrorCode, forbidden, invalidArgument } from './errors.js';

const ScopeEnum = builder.enumType('Scope', {
  description: 'What a credential allows.',
  values: {
    ADMIN: { description: 'Everything: control the lamps and manage lamps and tokens.' },
    READ_ONLY: { description: 'Watch rooms, lamps and events; change nothing (for dashboards).' },
    ADAPTER: { description: 'Run a device adapter.' },
  } as const,
});

const CredentialKindEnum = builder.enumType('CredentialKind', {
  description: 'How a caller authenticated.',
  values: {
    SESSION: { value: 'session', description: 'A login session (the admin password), by its cookie.' },
    API_TOKEN: { value: 'api-token', description: 'An API token created through the API.' },
    CONFIGURED_TOKEN: { value: 'configured-token', description: 'The admin token set by CC_API_TOKEN.' },
    ADAPTER_TOKEN: { value: 'adapter-token', description: "The device adapters' token (CC_ADAPTER_TOKEN)." },
  } as const,
});

const ViewerRef = builder.objectRef<{ scope: TokenScope; credential: CredentialKind }>('Viewer').implement({
  description: 'Who the API takes the caller for.',
  fields: (t) => ({
    scope: t.field({ type: ScopeEnum, description: 'What the credential allows.', resolve: (v) => v.scope }),
    credential: t.field({ type: CredentialKindEnum, description: 'How the caller authenticated.', resolve: (v) => v.credential }),
  }),
});

const SessionRef = builder.objectRef<{ expiresAt: Date }>('Session').implement({
  description: 'A login session; its token is in an HttpOnly cookie.',
  fields: (t) => ({ expiresAt: t.field({ type: 'DateTime', description: 'When it ends.', resolve: (s) => s.expiresAt }) }),
});

const ApiTokenRef = builder.objectRef<ApiTokenRecord>('ApiToken').implement({
  description: 'An API token for a program. Its value is shown once, when it is created.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id.' }),
    name: t.exposeString('name', { description: 'What it is for.' }),
    scope: t.field({ type: ScopeEnum, description: 'What it allows.', resolve: (r) => r.scope }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was created.', resolve: (r) => r.createdAt }),
    lastUsedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was last used; null if never.',
      resolve: (r) => r.lastUsedAt,
    }),
    revokedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was revoked; null while it is valid.',
      resolve: (r) => r.revokedAt,
    }),
  }),
});

const CreatedApiTokenRef = builder.objectRef<{ token: string; record: ApiTokenRecord }>('CreatedApiToken').implement({
  description: 'A new API token, with its value shown this once.',
  fields: (t) => ({
    token: t.exposeString('token', {
      description: 'Send as "Authorization: Bearer <token>". Shown only here: it is stored hashed.',
    }),
    apiToken: t.field({ type: ApiTokenRef, description: 'The token as it is listed.', resolve: (c) => c.record }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: ViewerRef,
    description: 'Who the API takes the caller for.',
    authScopes: { observe: true },
    resolve: (_root, _args, { principal }) => {
      if (principal.kind === 'anonymous') throw forbidden('not logged in');
      return { scope: principal.role, credential: principal.credential };
    },
  }),
  apiTokens: t.field({
    type: [ApiTokenRef],
    description: 'Every API token created, revoked ones too.',
    authScopes: { manage: true },
    resolve: (_root, _args, { authenticator }) => authenticator.listApiTokens(),
  }),
}));

builder.mutationFields((t) => ({
  login: t.field({
    type: SessionRef,
    description: 'Logs in with the admin password and sets an HttpOnly session cookie. Over HTTP only.',
    args: { password: t.arg.string({ required: true, description: 'The admin password.' }) },
    resolve: async (_root, { password }, context) => {
      if (!context.responseCookies) throw forbidden('log in over HTTP: a graphql-ws connection cannot receive a cookie');
      try {
        const session = await context.authenticator.login(password, context.origin.remoteAddress);
        context.responseCookies.push(
          serialize(SESSION_COOKIE, session.token, {
            httpOnly: true,
            sameSite: 'strict',
            path: '/',
            secure: context.origin.secure,
            expires: session.expiresAt,
          }),
        );
        return { expiresAt: session.expiresAt };
      } catch (error) {
        if (!(error instanceof LoginRefused)) throw error;
        context.logger.warn({ address: context.origin.remoteAddress, reason: error.message }, 'login refused');
        throw loginError(error);
      }
    },
  }),
  logout: t.boolean({
    description: 'Ends this session and clears its cookie.',
    authScopes: { observe: true },
    resolve: (_root, _args, context) => {
      const { principal } = context;
      if (principal.kind !== 'authenticated' || principal.credential !== 'session' || !principal.credentialId) {
        throw forbidden('only a login session can log out; revoke API tokens instead');
      }
      context.authenticator.logout(principal.credentialId);
      context.responseCookies?.push(serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0 }));
      return true;
    },
  }),
  changeAdminPassword: t.boolean({
    description: 'Replaces the admin password. Answers true.',
    authScopes: { manage: true },
    args: {
      currentPassword: t.arg.string({ required: true, description: 'The password in force.' }),
      newPassword: t.arg.string({ required: true, description: `At least ${MIN_ADMIN_PASSWORD_LENGTH} characters.` }),
    },
    resolve: async (_root, args, { authenticator }) => {
      const { currentPassword, newPassword } = checkArguments(args, { newPassword: atLeastCharacters(MIN_ADMIN_PASSWORD_LENGTH) });
      try {
        await authenticator.changePassword(currentPassword, newPassword);
      } catch (error) {
        if (error instanceof LoginRefused) throw invalidArgument('currentPassword', error.message);
        throw error;
      }
      return true;
    },
  }),
  createApiToken: t.field({
    type: CreatedApiTokenRef,
    description: 'Creates an API token; its value is in the answer and nowhere else.',
    authScopes: { manage: true },
    args: {
      name: t.arg.string({ required: true, description: 'What the token is for, e.g. "kitchen dashboard".' }),
      scope: t.arg({ type: ScopeEnum, required: true, description: 'What it allows.' }),
    },
    resolve: (_root, args, { authenticator }) => {
      const { name, scope } = checkArguments(args, { name: trimmedText(100, { showAllowed: true }) });
      return authenticator.createApiToken(name, scope);
    },
  }),
  revokeApiToken: t.field({
    type: ApiTokenRef,
    description: 'Revokes a token at once; connections it opened are closed.',
    authScopes: { manage: true },
    args: { apiTokenId: t.arg.id({ required: true, description: 'The token.' }) },
    resolve: (_root, { apiTokenId }, { authenticator }) => {
      const record = authenticator.revokeApiToken(apiTokenId);
      if (!record) throw invalidArgument('apiTokenId', `no API token with id ${apiTokenId}`);
      return record;
    },
  }),
}));

function loginError(error: LoginRefused): GraphQLError {
  if (error.retryAfterSeconds !== null) {
    return new GraphQLError(error.message, {
      extensions: {
        code: ApiErrorCode.RateLimited,
        retryAfterSeconds: error.retryAfterSeconds,
        http: { status: 429, headers: { 'retry-after': String(error.retryAfterSeconds) } },
      },
    });
  }
  return new GraphQLError(error.message, { extensions: { code: ApiErrorCode.Unauthenticated } });
}
