DROP TABLE landings.read_models_version;
DROP TABLE landings.site_counts;
DROP TABLE landings.flag_counts;
