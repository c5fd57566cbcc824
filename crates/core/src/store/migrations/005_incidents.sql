-- The incident deriver's state (design §8), per source (kind + address):
-- each plan's latest run and incident, the incidents a new failure retired
-- (they leave the listing without being removed), and where the next poll
-- starts. Switching source.kind leaves another source's rows alone.
CREATE TABLE source_plans (
    source TEXT NOT NULL,
    key TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (source, key)
) WITHOUT ROWID;
CREATE TABLE source_retired (
    source TEXT NOT NULL,
    event_id TEXT NOT NULL,
    retired_at TEXT NOT NULL,
    PRIMARY KEY (source, event_id)
) WITHOUT ROWID;
CREATE TABLE source_cursor (
    source TEXT PRIMARY KEY,
    cursor TEXT NOT NULL
);
