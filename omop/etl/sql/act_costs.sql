-- The cost of each DCIR CCAM act (dcir_acts: visit, code, date), in the domain of the table
-- its concept sent it to.
WITH act_lines AS (
  SELECT visit_occurrence_id, code, visit_start_date,
    SUM(line_charge) AS charge, SUM(line_paid) AS paid, SUM(line_allowed) AS allowed
  FROM (
    SELECT DISTINCT visit_occurrence_id, code, visit_start_date, line_key,
      line_charge, line_paid, line_allowed
    FROM procedure_rows WHERE _reason IS NULL
  ) AS r
  GROUP BY visit_occurrence_id, code, visit_start_date
)
SELECT
  CASE a.target_table {{ table_domains }} END AS cost_domain_id,
  a.procedure_occurrence_id AS cost_event_id, x.charge, x.paid, x.allowed
FROM act_lines AS x
JOIN dcir_acts AS a
  ON a.visit_occurrence_id = x.visit_occurrence_id AND a.procedure_source_value = x.code
  AND a.procedure_date = x.visit_start_date
LEFT JOIN cost_targets AS t ON t.vocabulary = 'CCAM' AND t.source_value = x.code
WHERE t.concept_id IS NULL OR t.concept_id = a.procedure_concept_id
