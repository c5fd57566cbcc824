-- The kind of each intended ConnectWise call (create, note, update) in its
-- own column, written with the call, so the creates still to confirm
-- (rule 9) are found by a column rather than by the payload's text. Rows
-- recorded before this get their kind from their payload once, here.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT '';
UPDATE outbox SET kind = 'create' WHERE payload LIKE '{"kind":"create"%';
UPDATE outbox SET kind = 'note' WHERE payload LIKE '{"kind":"note"%';
UPDATE outbox SET kind = 'update' WHERE payload LIKE '{"kind":"update"%';
CREATE INDEX outbox_state_kind ON outbox (state, kind);
