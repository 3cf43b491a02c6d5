DROP INDEX landings.surveyed_landings_list;
