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
  /* 2: firmware images, which lamp gets which, and every update check */ `
  CREATE TABLE firmware_images (
    id          TEXT PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    md5         TEXT NOT NULL,
    size        INTEGER NOT NULL,
    version     TEXT NOT NULL,
    target      TEXT,
    format      TEXT NOT NULL CHECK (format IN ('esp', 'gzip')),
    project     TEXT,
    notes       TEXT,
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT NOT NULL
  );

  -- mac is 'AA:BB:CC:DD:EE:FF', or '*' for the default every other lamp gets.
  CREATE TABLE firmware_assignments (
    mac         TEXT PRIMARY KEY,
    firmware_id TEXT NOT NULL REFERENCES firmware_images (id),
    assigned_at TEXT NOT NULL
  );

  CREATE TABLE lamp_firmware (
    mac                 TEXT PRIMARY KEY,
    family              TEXT NOT NULL,
    running_version     TEXT,
    sketch_md5          TEXT,
    sdk_version         TEXT,
    last_check_at       TEXT NOT NULL,
    last_address        TEXT NOT NULL,
    state               TEXT NOT NULL,
    pending_firmware_id TEXT REFERENCES firmware_images (id),
    username            TEXT,
    password_hash       TEXT
  );

  CREATE TABLE update_checks (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    mac              TEXT NOT NULL,
    at               TEXT NOT NULL,
    reported_version TEXT,
    outcome          TEXT NOT NULL,
    firmware_id      TEXT,
    detail           TEXT NOT NULL
  );
  CREATE INDEX update_checks_by_mac ON update_checks (mac, id);
  `,
  /* 3: what a lamp runs after flashing an image (the unpacked image for gzip), what a lamp was
        sent kept on its record (so that the image can be deleted before it checks back), and
        an index to age out records of lamps never seen again */ `
  ALTER TABLE firmware_images ADD COLUMN sketch_md5 TEXT;
  UPDATE firmware_images SET sketch_md5 = md5 WHERE format = 'esp';

  ALTER TABLE lamp_firmware ADD COLUMN pending_version TEXT;
  ALTER TABLE lamp_firmware ADD COLUMN pending_sketch_md5 TEXT;
  UPDATE lamp_firmware SET
    pending_version = (SELECT version FROM firmware_images WHERE id = pending_firmware_id),
    pending_sketch_md5 = (SELECT sketch_md5 FROM firmware_images WHERE id = pending_firmware_id)
  WHERE pending_firmware_id IS NOT NULL;
  CREATE INDEX lamp_firmware_by_last_check ON lamp_firmware (last_check_at);
  `,
  /* 4: rooms, each with its own display state (the one display state becomes the default room
        'home'; the weather it held stays global, as a setting); every lamp gets a record of its
        own with a room and what is known of its identity (registered lamps keep their ids);
        debug lines of shared-secret connections, which nobody could reach, are dropped */ `
  CREATE TABLE rooms (
    id         TEXT    PRIMARY KEY,
    name       TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    mode       TEXT    NOT NULL CHECK (mode IN ('OFF', 'WEATHER', 'MANUAL')),
    red        INTEGER NOT NULL CHECK (red BETWEEN 0 AND 255),
    green      INTEGER NOT NULL CHECK (green BETWEEN 0 AND 255),
    blue       INTEGER NOT NULL CHECK (blue BETWEEN 0 AND 255),
    pulse      INTEGER NOT NULL CHECK (pulse BETWEEN 0 AND 9),
    revision   INTEGER NOT NULL,
    updated_at TEXT    NOT NULL
  );
  CREATE UNIQUE INDEX rooms_by_name ON rooms (name COLLATE NOCASE);

  INSERT INTO rooms (id, name, position, mode, red, green, blue, pulse, revision, updated_at)
    SELECT 'home', 'Home', 0, mode, red, green, blue, pulse, revision, updated_at FROM display_state WHERE id = 1;
  INSERT INTO rooms (id, name, position, mode, red, green, blue, pulse, revision, updated_at)
    SELECT 'home', 'Home', 0, 'OFF', 255, 255, 255, 0, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    WHERE NOT EXISTS (SELECT 1 FROM rooms);
  INSERT INTO settings (key, value)
    SELECT 'weather_display', json_object('state', weather_state, 'intensity', weather_intensity)
    FROM display_state WHERE id = 1;
  DROP TABLE display_state;

  CREATE TABLE lamps_with_identity (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    room_id          TEXT NOT NULL REFERENCES rooms (id),
    identity         TEXT NOT NULL CHECK (identity IN ('OWN_SECRET', 'MAC', 'ADDRESS')),
    secret_hash      TEXT UNIQUE,
    mac              TEXT UNIQUE,
    firmware_version TEXT,
    last_address     TEXT,
    created_at       TEXT NOT NULL,
    last_seen_at     TEXT,
    status_since     TEXT NOT NULL,
    revoked_at       TEXT
  );
  INSERT INTO lamps_with_identity (id, name, room_id, identity, secret_hash, created_at, status_since, revoked_at)
    SELECT id, name, 'home', 'OWN_SECRET', secret_hash, created_at, COALESCE(revoked_at, created_at), revoked_at FROM lamps;
  DROP TABLE lamps;
  ALTER TABLE lamps_with_identity RENAME TO lamps;
  -- Revoked lamps may share a name with an active one (earlier versions allowed it); new names
  -- are checked against every lamp.
  CREATE UNIQUE INDEX lamps_active_name ON lamps (name) WHERE revoked_at IS NULL;
  CREATE INDEX lamps_by_room ON lamps (room_id);

  DELETE FROM debug_messages WHERE lamp_key LIKE 'connection:%';
  `,
  /* 5: fades, wake-up lights and sleep timers running in rooms, so that a restart resumes them
        (the room's display keeps what it showed last; this is where it was going and when) */ `
  CREATE TABLE room_fades (
    room_id       TEXT    PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('FADE', 'WAKE_UP', 'SLEEP')),
    from_mode     TEXT    NOT NULL CHECK (from_mode IN ('OFF', 'WEATHER', 'MANUAL')),
    from_red      INTEGER NOT NULL CHECK (from_red BETWEEN 0 AND 255),
    from_green    INTEGER NOT NULL CHECK (from_green BETWEEN 0 AND 255),
    from_blue     INTEGER NOT NULL CHECK (from_blue BETWEEN 0 AND 255),
    from_pulse    INTEGER NOT NULL CHECK (from_pulse BETWEEN 0 AND 9),
    target_mode   TEXT    NOT NULL CHECK (target_mode IN ('OFF', 'WEATHER', 'MANUAL')),
    target_red    INTEGER NOT NULL CHECK (target_red BETWEEN 0 AND 255),
    target_green  INTEGER NOT NULL CHECK (target_green BETWEEN 0 AND 255),
    target_blue   INTEGER NOT NULL CHECK (target_blue BETWEEN 0 AND 255),
    target_pulse  INTEGER NOT NULL CHECK (target_pulse BETWEEN 0 AND 9),
    started_at    TEXT    NOT NULL,
    ends_at       TEXT    NOT NULL,
    off_at        TEXT
  );
  `,
  /* scenes: named looks for one or more rooms (a room's part goes when the room is deleted), and
     the favourite colours, seeded with the colour presets the web UI offered before */ `
  CREATE TABLE scenes (
    id         TEXT    PRIMARY KEY,
    name       TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    created_at TEXT    NOT NULL
  );
  CREATE UNIQUE INDEX scenes_by_name ON scenes (name COLLATE NOCASE);

  CREATE TABLE scene_rooms (
    scene_id TEXT    NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,
    room_id  TEXT    NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    mode     TEXT    NOT NULL CHECK (mode IN ('OFF', 'WEATHER', 'MANUAL')),
    red      INTEGER NOT NULL CHECK (red BETWEEN 0 AND 255),
    green    INTEGER NOT NULL CHECK (green BETWEEN 0 AND 255),
    blue     INTEGER NOT NULL CHECK (blue BETWEEN 0 AND 255),
    pulse    INTEGER NOT NULL CHECK (pulse BETWEEN 0 AND 9),
    PRIMARY KEY (scene_id, room_id)
  );
  CREATE INDEX scene_rooms_by_room ON scene_rooms (room_id);

  CREATE TABLE favorite_colors (
    id       TEXT    PRIMARY KEY,
    name     TEXT    NOT NULL,
    position INTEGER NOT NULL,
    red      INTEGER NOT NULL CHECK (red BETWEEN 0 AND 255),
    green    INTEGER NOT NULL CHECK (green BETWEEN 0 AND 255),
    blue     INTEGER NOT NULL CHECK (blue BETWEEN 0 AND 255)
  );
  CREATE UNIQUE INDEX favorite_colors_by_name ON favorite_colors (name COLLATE NOCASE);
  INSERT INTO favorite_colors (id, name, position, red, green, blue) VALUES
    ('color-warm-white', 'Warm white', 0, 255, 180, 107),
    ('color-daylight', 'Daylight', 1, 255, 255, 255),
    ('color-pink', 'Pink', 2, 255, 65, 174),
    ('color-red', 'Red', 3, 255, 26, 26),
    ('color-orange', 'Orange', 4, 255, 122, 0),
    ('color-yellow', 'Yellow', 5, 255, 208, 0),
    ('color-green', 'Green', 6, 0, 214, 92),
    ('color-cyan', 'Cyan', 7, 0, 200, 255),
    ('color-blue', 'Blue', 8, 42, 77, 255),
    ('color-violet', 'Violet', 9, 138, 43, 226);
  `,
  /* 7: schedules: when and what (JSON, checked on load), how far each has been handled, and
        every run with its outcome; the home's time zone is a settings row once chosen */ `
  CREATE TABLE schedules (
    id            TEXT    PRIMARY KEY,
    name          TEXT,
    enabled       INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    when_json     TEXT    NOT NULL,
    what_json     TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    handled_until TEXT    NOT NULL
  );

  CREATE TABLE schedule_runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    schedule_id   TEXT    NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    scheduled_for TEXT    NOT NULL,
    ran_at        TEXT    NOT NULL,
    outcome       TEXT    NOT NULL CHECK (outcome IN ('SUCCEEDED', 'FAILED', 'SKIPPED')),
    message       TEXT    NOT NULL,
    catch_up      INTEGER NOT NULL CHECK (catch_up IN (0, 1))
  );
  CREATE INDEX schedule_runs_by_schedule ON schedule_runs (schedule_id, id);
  `,
];
