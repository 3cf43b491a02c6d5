-- The landings lists' order, newest first (no date last), for keyset pagination: a page
-- starts at its position in this index, however deep it is (issue 9, item 9).
CREATE INDEX surveyed_landings_list ON landings.surveyed_landings
    ((coalesce(landing_date, DATE '0001-01-01')) DESC, source_id DESC, id DESC);
