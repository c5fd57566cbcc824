-- Issue 17: what each run held back, for the Activity screen and `status`:
-- new tickets the storm guard left for later cycles, and events a snooze
-- covered.
ALTER TABLE sync_runs ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_runs ADD COLUMN snoozed INTEGER NOT NULL DEFAULT 0;
