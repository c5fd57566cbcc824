-- 001_init: settings, the Dashboard company mapping, and sync run history.
-- Never edit a released migration: add a new numbered file instead.

-- Plain key/value settings (design §2). Never a secret: those live in the OS keychain.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- Dashboard companies and their ConnectWise mapping (design §3).
-- For event_types / backup_types / agreement_condition, NULL means "Default"
-- (inherit the global setting); an empty agreement_condition is an explicit
-- "no agreement" override.
CREATE TABLE companies (
    id                  TEXT PRIMARY KEY NOT NULL,
    name                TEXT NOT NULL,
    present             INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1)),
    cw_identifier       TEXT,
    cw_company_id       INTEGER,
    cw_company_name     TEXT,
    event_types         TEXT,
    backup_types        TEXT,
    agreement_condition TEXT,
    last_ok             INTEGER CHECK (last_ok IN (0, 1)),
    last_at             TEXT,
    last_message        TEXT,
    first_seen_at       TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    -- A mapping is all or nothing: identifier, numeric id and name together.
    CHECK ((cw_identifier IS NULL) = (cw_company_id IS NULL)),
    CHECK ((cw_identifier IS NULL) = (cw_company_name IS NULL))
) STRICT;

-- One row per sync cycle; finished_at stays NULL while it runs (or if the app stopped mid-run).
CREATE TABLE sync_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    created     INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    notes       INTEGER NOT NULL DEFAULT 0,
    closed      INTEGER NOT NULL DEFAULT 0,
    reopened    INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    errors      INTEGER NOT NULL DEFAULT 0,
    -- JSON array of error sentences.
    error_messages TEXT NOT NULL DEFAULT '[]'
) STRICT;

CREATE INDEX sync_runs_started ON sync_runs (started_at);
