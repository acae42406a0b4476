-- PROCEDURE_OCCURRENCE: the DCIR CCAM acts, one row per (visit, CCAM code, date) whose
-- quantity is the sum of PRS_ACT_QTE of the lines that give the same procedure; then the
-- stem events routed to procedures (PMSI acts, NGAP acts). The DCIR acts take their
-- concepts from ``code_map`` (CCAM) but stay procedures whatever their domain.
SELECT
  CASE WHEN c.targets > 1 THEN stable_id(p.procedure_occurrence_id, c.concept_id)
    ELSE p.procedure_occurrence_id END AS procedure_occurrence_id,
  p.person_id, COALESCE(c.concept_id, {{ NO_MATCH }}) AS procedure_concept_id,
  p.procedure_date, p.procedure_end_date, p.procedure_type_concept_id, p.quantity,
  p.provider_id, p.visit_occurrence_id, p.visit_detail_id, p.procedure_source_value,
  COALESCE(c.source_concept_id, {{ NO_MATCH }}) AS procedure_source_concept_id
FROM (
  SELECT
    stable_id(visit_occurrence_id, code, visit_start_date) AS procedure_occurrence_id,
    MIN(person_id) AS person_id,
    visit_start_date AS procedure_date,
    CAST(NULL AS DATE) AS procedure_end_date,
    {{ CLAIM }} AS procedure_type_concept_id,
    CAST(round_half_even(SUM(TRY_CAST(PRS_ACT_QTE AS DOUBLE))) AS BIGINT) AS quantity,
    MAX(provider_id) AS provider_id,
    visit_occurrence_id,
    CAST(NULL AS BIGINT) AS visit_detail_id,
    code AS procedure_source_value
  FROM procedure_rows
  WHERE _reason IS NULL
  GROUP BY visit_occurrence_id, code, visit_start_date
) AS p
LEFT JOIN code_map AS c ON c.vocabulary = 'CCAM' AND c.source_value = p.procedure_source_value
UNION ALL
SELECT
  event_id, person_id, concept_id, start_date, end_date, {{ CLAIM }},
  CAST(round_half_even(quantity) AS BIGINT), provider_id, visit_occurrence_id, visit_detail_id,
  source_value, source_concept_id
FROM event_routes
WHERE target_table = 'procedure_occurrence'
