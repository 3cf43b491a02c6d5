-- The jurisdiction an import covers (a PeskAAS import covers its country): only callers
-- whose scope covers it may see the import and its rejected rows.
ALTER TABLE landings.imports ADD COLUMN jurisdiction_path text NOT NULL DEFAULT '';
