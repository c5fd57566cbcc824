-- The sync ledger: one row per ticketed dashboard event.
CREATE TABLE ledger (
    event_id       TEXT PRIMARY KEY NOT NULL,
    company_id     TEXT NOT NULL,
    ticket_id      INTEGER NOT NULL,
    state          TEXT NOT NULL,
    anomaly        INTEGER NOT NULL DEFAULT 0,
    event_type     TEXT NOT NULL,
    job_status     TEXT NOT NULL,
    message        TEXT NOT NULL,
    summary        TEXT NOT NULL,
    priority       TEXT,
    content_hash   TEXT NOT NULL,
    pushed_details TEXT NOT NULL DEFAULT '[]',
    last_action    TEXT,
    last_error     TEXT,
    updated_at     TEXT NOT NULL
);
CREATE INDEX ledger_ticket ON ledger (ticket_id);

-- Every ConnectWise call, recorded as intended before it is sent.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    TEXT NOT NULL,
    payload     TEXT NOT NULL,
    state       TEXT NOT NULL,
    error       TEXT,
    created_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX outbox_state ON outbox (state);
