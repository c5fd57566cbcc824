-- Which source each ledger row came from (design §4 rule 15): a listing from
-- another source (a changed dashboard.url, another account) never removes it.
-- '' = written before this migration: the engine stamps such rows with the
-- source of its next listing.
ALTER TABLE ledger ADD COLUMN source TEXT NOT NULL DEFAULT '';
CREATE INDEX ledger_source ON ledger (source, state);
