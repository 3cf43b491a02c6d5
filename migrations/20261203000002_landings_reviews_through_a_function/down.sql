DROP FUNCTION landings.record_review(uuid, timestamptz, text, text, text, jsonb, jsonb, text,
    boolean, boolean, double precision, double precision, smallint, double precision,
    double precision, integer, integer, jsonb);
GRANT UPDATE ON landings.surveyed_landings TO tasi_app;
GRANT INSERT, DELETE ON landings.quality_flags TO tasi_app;
GRANT INSERT ON landings.reviews TO tasi_app;
GRANT USAGE ON SEQUENCE landings.reviews_id_seq TO tasi_app;
