/**
 * Schema changes, in order. A database records how many it has applied (`user_version`);
 * on start the rest run, each in its own transaction. Never edit one that has shipped: add
 * the next.
 */
export const MIGRATIONS: readonly string[] = [
  /* 1: display state, settings, registered lamps, API credentials, debug lines */ `
  CREATE TABLE display_state (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    mode              TEXT    NOT NULL CHECK (mode IN ('OFF', 'WEATHER', 'MANUAL')),
    red               INTEGER NOT NULL CHECK (red BETWEEN 0 AND 255),
    green             INTEGER NOT NULL CHECK (green BETWEEN 0 AND 255),
    blue              INTEGER NOT NULL CHECK (blue BETWEEN 0 AND 255),
    pulse             INTEGER NOT NULL CHECK (pulse BETWEEN 0 AND 9),
    weather_state     INTEGER NOT NULL CHECK (weather_state BETWEEN 1 AND 9),
    weather_intensity REAL    NOT NULL CHECK (weather_intensity BETWEEN 0 AND 10),
    revision          INTEGER NOT NULL,
    updated_at        TEXT    NOT NULL
  );

  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  CREATE TABLE lamps (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
  );
  CREATE UNIQUE INDEX lamps_active_name ON lamps (name) WHERE revoked_at IS NULL;

  CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    scope        TEXT NOT NULL CHECK (scope IN ('ADMIN', 'READ_ONLY', 'ADAPTER')),
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
  );

  CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
  );

  CREATE TABLE debug_messages (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    lamp_key TEXT NOT NULL,
    at       TEXT NOT NULL,
    text     TEXT NOT NULL
  );
  CREATE INDEX debug_messages_by_lamp ON debug_messages (lamp_key, id);
  `,
];
