DROP INDEX tracking.positions_trip_at;
