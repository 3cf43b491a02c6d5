-- Geography context: the jurisdiction tree and boundaries.
CREATE SCHEMA geography;

CREATE TABLE geography.jurisdictions (
    id          uuid PRIMARY KEY,
    parent_id   uuid REFERENCES geography.jurisdictions (id),
    path        text NOT NULL UNIQUE,
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('country', 'municipality', 'landing_site')),
    source_code text,
    boundary    jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jurisdictions_parent ON geography.jurisdictions (parent_id);

-- Published views (data products). Other contexts read these, never the table.
CREATE VIEW geography.v1_jurisdictions AS
    SELECT id, parent_id, path, name, kind, source_code FROM geography.jurisdictions;
CREATE VIEW geography.v1_boundaries AS
    SELECT path, name, kind, boundary FROM geography.jurisdictions WHERE boundary IS NOT NULL;
