DROP INDEX landings.surveyed_landings_list;
ALTER TABLE landings.surveyed_landings DROP COLUMN list_date;
