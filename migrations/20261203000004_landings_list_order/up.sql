-- The landings lists' order, newest first (no date last), for keyset pagination: a page
-- starts at its position in this index, however deep it is (issue 9, item 9).
--
-- The order's date is a stored column rather than an expression: under row-level security
-- PostgreSQL uses a condition as an index condition only when it is leakproof, and
-- `coalesce(landing_date, …) <= $1` is not, where `list_date <= $1` is.
ALTER TABLE landings.surveyed_landings
    ADD COLUMN list_date date GENERATED ALWAYS AS (coalesce(landing_date, DATE '0001-01-01')) STORED;
CREATE INDEX surveyed_landings_list ON landings.surveyed_landings
    (list_date DESC, source_id DESC, id DESC);
