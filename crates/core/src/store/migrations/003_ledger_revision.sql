-- A counter that moves on every change to the ledger or the outbox, from any
-- connection: a cycle whose inputs all match the last in-step cycle, this
-- counter included, has nothing to do (design §4 rule 10).
CREATE TABLE ledger_revision (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
) STRICT;
INSERT INTO ledger_revision (id, value) VALUES (1, 0);

CREATE TRIGGER ledger_revision_insert AFTER INSERT ON ledger
BEGIN UPDATE ledger_revision SET value = value + 1; END;
CREATE TRIGGER ledger_revision_update AFTER UPDATE ON ledger
BEGIN UPDATE ledger_revision SET value = value + 1; END;
CREATE TRIGGER ledger_revision_delete AFTER DELETE ON ledger
BEGIN UPDATE ledger_revision SET value = value + 1; END;
CREATE TRIGGER outbox_revision_insert AFTER INSERT ON outbox
BEGIN UPDATE ledger_revision SET value = value + 1; END;
CREATE TRIGGER outbox_revision_update AFTER UPDATE ON outbox
BEGIN UPDATE ledger_revision SET value = value + 1; END;
CREATE TRIGGER outbox_revision_delete AFTER DELETE ON outbox
BEGIN UPDATE ledger_revision SET value = value + 1; END;
