-- CONDITION_OCCURRENCE: the stem events routed to conditions (PMSI diagnoses, ALD).
SELECT
  event_id AS condition_occurrence_id,
  person_id,
  concept_id AS condition_concept_id,
  start_date AS condition_start_date,
  end_date AS condition_end_date,
  {{ CLAIM }} AS condition_type_concept_id,
  status_concept_id AS condition_status_concept_id,
  provider_id,
  visit_occurrence_id,
  visit_detail_id,
  source_value AS condition_source_value,
  source_concept_id AS condition_source_concept_id,
  status_source_value AS condition_status_source_value
FROM event_routes
WHERE target_table = 'condition_occurrence'
