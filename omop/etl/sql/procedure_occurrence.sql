-- PROCEDURE_OCCURRENCE: one row per (visit, CCAM code, date); the quantity is the sum of
-- PRS_ACT_QTE of the lines that give the same procedure.
SELECT
  stable_id(visit_occurrence_id, code, visit_start_date) AS procedure_occurrence_id,
  MIN(person_id) AS person_id,
  {{ NO_MATCH }} AS procedure_concept_id,
  visit_start_date AS procedure_date,
  {{ CLAIM }} AS procedure_type_concept_id,
  CAST(round_half_even(SUM(TRY_CAST(PRS_ACT_QTE AS DOUBLE))) AS BIGINT) AS quantity,
  MAX(provider_id) AS provider_id,
  visit_occurrence_id,
  code AS procedure_source_value
FROM procedure_rows
WHERE _reason IS NULL
GROUP BY visit_occurrence_id, code, visit_start_date
