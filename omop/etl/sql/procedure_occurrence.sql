-- PROCEDURE_OCCURRENCE: the DCIR CCAM acts whose concept is a procedure or that have none
-- (``dcir_acts``); then the stem events routed to procedures (PMSI acts, NGAP acts).
SELECT
  procedure_occurrence_id, person_id, procedure_concept_id, procedure_date, procedure_end_date,
  procedure_type_concept_id, quantity, provider_id, visit_occurrence_id, visit_detail_id,
  procedure_source_value, procedure_source_concept_id
FROM dcir_acts
WHERE target_table = 'procedure_occurrence'
UNION ALL
SELECT
  event_id, person_id, concept_id, start_date, end_date, {{ CLAIM }},
  CAST(round_half_even(quantity) AS BIGINT), provider_id, visit_occurrence_id, visit_detail_id,
  source_value, source_concept_id
FROM event_routes
WHERE target_table = 'procedure_occurrence'
