-- Paged company list (issue 18): the Companies screen reads one page at a
-- time in name order (case-insensitive, then id) and starts each page after
-- the last row of the one before. This index serves that order and that
-- start without sorting the table. The search words (substring matches) and
-- the `is:` flags are checked on the rows as they are read in this order.
CREATE INDEX companies_by_name ON companies (name COLLATE NOCASE, id);
