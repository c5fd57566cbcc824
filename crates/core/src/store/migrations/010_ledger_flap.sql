-- Flap damping (issue 17): the event's flap record as JSON text (NULL: it
-- has not flapped lately). Before flapping it keeps the reopens within
-- `ticket.flap_window_mins`; once flapping, the counts its one note gives.
-- A record is a few dozen bytes and never grows with the flaps: the reopens
-- it keeps are fewer than the four that start flapping.
ALTER TABLE ledger ADD COLUMN flap TEXT;
