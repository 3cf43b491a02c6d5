-- The positions of a trip in time order: the importer's replacement of a re-imported trip
-- (DELETE … WHERE trip_source_id = ANY(…)) and every reader of a track use it. Declared on
-- the partitioned parent: a partition created with PARTITION OF gets it, and the importer
-- builds it on a month's rows after loading them, then attaches it with the partition
-- (see src/adapters/persistence/diesel_positions.rs for the measurement behind that).
CREATE INDEX positions_trip_at ON tracking.positions (trip_source_id, at);
