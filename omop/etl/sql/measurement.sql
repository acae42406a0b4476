-- MEASUREMENT: the stem events routed to measurements (DCIR biology acts); the SNDS holds
-- no result, so value_as_number stays null.
SELECT
  event_id AS measurement_id,
  person_id,
  concept_id AS measurement_concept_id,
  start_date AS measurement_date,
  {{ CLAIM }} AS measurement_type_concept_id,
  provider_id,
  visit_occurrence_id,
  visit_detail_id,
  source_value AS measurement_source_value,
  source_concept_id AS measurement_source_concept_id
FROM event_routes
WHERE target_table = 'measurement'
