-- The cost of each DCIR CCAM act (dcir_acts: visit, code, date), in the domain of the table
-- its concept sent it to.
WITH act_lines AS (
  SELECT r.visit_occurrence_id, r.code, r.visit_start_date,
    SUM(l.charge) AS charge, SUM(l.paid) AS paid, SUM(l.allowed) AS allowed
  FROM (
    SELECT DISTINCT visit_occurrence_id, code, visit_start_date, line_key
    FROM procedure_rows WHERE _reason IS NULL
  ) AS r
  JOIN line_costs AS l ON l.fkey = r.line_key AND l.visit_occurrence_id = r.visit_occurrence_id
  GROUP BY r.visit_occurrence_id, r.code, r.visit_start_date
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
