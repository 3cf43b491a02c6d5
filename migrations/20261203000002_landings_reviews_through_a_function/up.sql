-- The application role cannot rewrite a landing (issue 9, item 8).
--
-- `tasi_app` loses UPDATE on surveyed landings and its writes on quality flags and reviews. A
-- review is applied by `landings.record_review`, which appends the review (append-only, with
-- the reviewer, reason and field changes) and stores its effect on the landing and its flags
-- in the same statement: no landing changes without a review saying who changed it and why.
-- The landing must lie inside the transaction's row-level-security scope (`tasi.scope`),
-- as the policies of the tables require for every read.

CREATE FUNCTION landings.record_review(
    landing uuid, decided timestamptz, by_reviewer text, new_decision text, why text,
    new_corrections jsonb, new_changes jsonb, new_rule_set text,
    valid boolean, counts boolean, effort double precision, hours double precision,
    habitat smallint, catch double precision, value_usd double precision,
    errors integer, warnings integer, flags jsonb)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    found_source text;
    found_source_id bigint;
BEGIN
    SELECT s.source, s.source_id INTO found_source, found_source_id
    FROM landings.surveyed_landings s
    WHERE s.id = landing
      AND (s.site_path = ANY (access.scope_paths())
           OR s.site_path LIKE ANY (access.scope_prefixes()))
    FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'review refused: landing % is not in the transaction''s scope', landing
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO landings.reviews (landing_id, source, source_id, decided_at, reviewer, decision,
                                  reason, corrections, changes, rule_set)
    VALUES (landing, found_source, found_source_id, decided, by_reviewer, new_decision, why,
            new_corrections, new_changes, new_rule_set);
    UPDATE landings.surveyed_landings
    SET is_valid = valid, counts_in_summaries = counts, effort_fisher_hours = effort,
        repaired_hours_at_sea = hours, summary_habitat_code = habitat, catch_kg = catch,
        summary_value_usd = value_usd, error_count = errors, warning_count = warnings,
        review_status = new_decision
    WHERE id = landing;
    DELETE FROM landings.quality_flags WHERE landing_id = landing;
    INSERT INTO landings.quality_flags (landing_id, seq, rule_set, code, severity, reason,
                                        "values", reviewed)
    SELECT landing, f.ordinality::integer, f.value ->> 'rule_set', f.value ->> 'code',
           f.value ->> 'severity', f.value ->> 'reason', f.value -> 'values', true
    FROM jsonb_array_elements(flags) WITH ORDINALITY AS f(value, ordinality);
END;
$$;

REVOKE ALL ON FUNCTION landings.record_review(uuid, timestamptz, text, text, text, jsonb, jsonb,
    text, boolean, boolean, double precision, double precision, smallint, double precision,
    double precision, integer, integer, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION landings.record_review(uuid, timestamptz, text, text, text, jsonb,
    jsonb, text, boolean, boolean, double precision, double precision, smallint,
    double precision, double precision, integer, integer, jsonb) TO tasi_app;

REVOKE UPDATE ON landings.surveyed_landings FROM tasi_app;
REVOKE INSERT, DELETE ON landings.quality_flags FROM tasi_app;
REVOKE INSERT ON landings.reviews FROM tasi_app;
REVOKE USAGE ON SEQUENCE landings.reviews_id_seq FROM tasi_app;
