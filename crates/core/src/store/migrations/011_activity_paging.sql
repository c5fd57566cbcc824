-- The Activity list at scale (issue 18): its filters, sort and page run in
-- SQL, and a refresh reads only the rows changed since the last one.
--
-- `seq` is the ledger revision a row was last written at (every writer sets
-- it from `ledger_revision`, which only grows): the rows written after a
-- read that saw revision R are exactly those with `seq >= R`.
ALTER TABLE ledger ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ledger_seq ON ledger (seq);

-- The list's order (newest change first), whole and per state ("Open
-- tickets", and the kept-history bound on closed and removed rows).
CREATE INDEX ledger_updated ON ledger (updated_at DESC, event_id);
CREATE INDEX ledger_state_updated ON ledger (state, updated_at DESC, event_id);
-- "With errors": few rows, so a partial index.
CREATE INDEX ledger_errors ON ledger (updated_at DESC, event_id)
    WHERE last_error IS NOT NULL AND last_error <> '';

-- An event's create calls: its ticket's creation time, and the storm's
-- "Created since" filter.
CREATE INDEX outbox_event_kind ON outbox (event_id, kind);
