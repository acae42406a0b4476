-- OBSERVATION: the stem events whose standard concept is an observation (in Athena, CIM-10
-- codes of factors influencing health, such as Z72.0 tobacco use); empty without a
-- vocabulary, since every event then stays in its natural table.
SELECT
  event_id AS observation_id,
  person_id,
  concept_id AS observation_concept_id,
  start_date AS observation_date,
  {{ CLAIM }} AS observation_type_concept_id,
  provider_id,
  visit_occurrence_id,
  visit_detail_id,
  source_value AS observation_source_value,
  source_concept_id AS observation_source_concept_id
FROM event_routes
WHERE target_table = 'observation'
