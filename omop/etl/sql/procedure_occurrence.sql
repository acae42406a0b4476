-- PROCEDURE_OCCURRENCE: the DCIR CCAM acts, one row per (visit, CCAM code, date) whose
-- quantity is the sum of PRS_ACT_QTE of the lines that give the same procedure; then the
-- stem events routed to procedures (PMSI acts, NGAP acts).
SELECT
  stable_id(visit_occurrence_id, code, visit_start_date) AS procedure_occurrence_id,
  MIN(person_id) AS person_id,
  {{ NO_MATCH }} AS procedure_concept_id,
  visit_start_date AS procedure_date,
  CAST(NULL AS DATE) AS procedure_end_date,
  {{ CLAIM }} AS procedure_type_concept_id,
  CAST(round_half_even(SUM(TRY_CAST(PRS_ACT_QTE AS DOUBLE))) AS BIGINT) AS quantity,
  MAX(provider_id) AS provider_id,
  visit_occurrence_id,
  CAST(NULL AS BIGINT) AS visit_detail_id,
  code AS procedure_source_value,
  CAST(NULL AS BIGINT) AS procedure_source_concept_id
FROM procedure_rows
WHERE _reason IS NULL
GROUP BY visit_occurrence_id, code, visit_start_date
UNION ALL
SELECT
  event_id, person_id, concept_id, start_date, end_date, {{ CLAIM }},
  CAST(round_half_even(quantity) AS BIGINT), provider_id, visit_occurrence_id, visit_detail_id,
  source_value, source_concept_id
FROM event_routes
WHERE target_table = 'procedure_occurrence'
