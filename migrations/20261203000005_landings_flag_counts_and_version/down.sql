DROP TABLE landings.read_models_version;
DROP TABLE landings.flag_counts;
