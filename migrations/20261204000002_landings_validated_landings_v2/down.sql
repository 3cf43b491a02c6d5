DROP VIEW landings.v2_validated_landings;
