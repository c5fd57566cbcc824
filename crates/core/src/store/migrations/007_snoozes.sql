-- Snoozes (maintenance windows, issue 17): while one covers an event, the
-- event gets no new ticket and no notes. `until_at` and the other times are
-- UTC RFC 3339 text (`2026-12-07T06:00:00Z`); `removed_at` is set when a
-- person ends one early. Ended ones are kept 30 days (rule 17).
CREATE TABLE snoozes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    scope      TEXT NOT NULL CHECK (scope IN ('company', 'computer', 'plan')),
    value      TEXT NOT NULL,
    until_at   TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    removed_at TEXT
);
CREATE INDEX snoozes_until ON snoozes (until_at);

-- The snooze whose start note is on the event's ticket (NULL: none). Set
-- with the start note's confirmation and cleared with the end note's, in the
-- same transaction as the outbox row (rule 9), so each note goes once.
ALTER TABLE ledger ADD COLUMN snoozed INTEGER;
