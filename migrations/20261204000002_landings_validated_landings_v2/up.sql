-- Version 2 of the validated landings product: v1 plus what an estimate needs, the
-- landing's value as the summaries count it (summary_value_usd: the reported value when it
-- passed the rule set's checks, none otherwise; v1's catch_value_usd is the value as
-- reported, including the 9,401,328 USD the PeskAAS data holds) and whether the landing
-- counts in summaries (canoes and motor boats). v1 stays for its readers.
CREATE VIEW landings.v2_validated_landings WITH (security_invoker = true) AS
    SELECT id, source, source_id, landing_date, site_path, municipality, boat_code, gear_code,
           summary_habitat_code, imei, effort_fisher_hours, catch_kg, catch_value_usd,
           summary_value_usd, counts_in_summaries, rule_set
    FROM landings.surveyed_landings WHERE is_valid;
GRANT SELECT ON landings.v2_validated_landings TO tasi_app;
