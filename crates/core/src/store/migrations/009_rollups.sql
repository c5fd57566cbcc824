-- Roll-up tickets (issue 17): when many new failures of one sync share a
-- cause, one ticket in `storm.rollup_company` lists them. The roll-up's own
-- ticket is a ledger row (event id `rollup:<id>`, source `rollup`), so it is
-- created, noted and closed through the outbox like any other (rule 9); this
-- table keeps what the ledger cannot: the cause and who belongs to it.
-- `closed_at` is set once its ticket is closed; closed ones are kept 30 days
-- (rule 17). Times are UTC RFC 3339 text.
CREATE TABLE rollups (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    cause         TEXT NOT NULL,
    cw_company_id INTEGER NOT NULL,
    cw_identifier TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    closed_at     TEXT
);
-- The failures of a roll-up: an event joins once, with what its ticket
-- listing shows.
CREATE TABLE rollup_members (
    rollup_id  INTEGER NOT NULL REFERENCES rollups (id) ON DELETE CASCADE,
    event_id   TEXT NOT NULL,
    company    TEXT NOT NULL,
    computer   TEXT NOT NULL,
    joined_at  TEXT NOT NULL,
    PRIMARY KEY (rollup_id, event_id)
);
CREATE INDEX rollup_members_event ON rollup_members (event_id);
