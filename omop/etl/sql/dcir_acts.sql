-- The DCIR CCAM acts (ER_CAM_F), one row per (visit, CCAM code, date) whose quantity is the
-- sum of PRS_ACT_QTE of the lines that give the same procedure, with their concepts from
-- ``code_map`` (CCAM) and the table their concept's domain sends them to: procedure_occurrence,
-- or another event table (an ECG is a measurement), through ``event_routes``.
SELECT
  CASE WHEN c.targets > 1 THEN stable_id(p.procedure_occurrence_id, c.concept_id)
    ELSE p.procedure_occurrence_id END AS procedure_occurrence_id,
  p.person_id, COALESCE(c.concept_id, {{ NO_MATCH }}) AS procedure_concept_id,
  p.procedure_date, p.procedure_end_date, p.procedure_type_concept_id, p.quantity,
  p.provider_id, p.visit_occurrence_id, p.visit_detail_id, p.procedure_source_value,
  COALESCE(c.source_concept_id, {{ NO_MATCH }}) AS procedure_source_concept_id,
  c.domain_id,
  CASE c.domain_id {{ domain_cases }} ELSE 'procedure_occurrence' END AS target_table,
  p._rows
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
    code AS procedure_source_value,
    COUNT(*) AS _rows
  FROM procedure_rows
  WHERE _reason IS NULL
  GROUP BY visit_occurrence_id, code, visit_start_date
) AS p
LEFT JOIN code_map AS c ON c.vocabulary = 'CCAM' AND c.source_value = p.procedure_source_value
