ALTER TABLE landings.imports DROP COLUMN jurisdiction_path;
