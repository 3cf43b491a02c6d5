ALTER TABLE landings.quality_flags DROP COLUMN reviewed;
ALTER TABLE landings.surveyed_landings DROP COLUMN review_status;
DROP TABLE landings.reviews;
DROP FUNCTION landings.reviews_append_only();
