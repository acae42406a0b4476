-- The cost of each drug event: the amounts of its ER_PRS_F lines, in the domain of the table
-- its concept sent it to. The event is found by its natural key (visit, code), the way
-- drug_events grouped it, and keeps the id that step gave it.
WITH drug_lines AS (
  SELECT r.visit_occurrence_id, r.code,
    SUM(l.charge) AS charge, SUM(l.paid) AS paid, SUM(l.allowed) AS allowed
  FROM (SELECT DISTINCT visit_occurrence_id, code, line_key FROM drug_rows WHERE _reason IS NULL) AS r
  JOIN line_costs AS l ON l.fkey = r.line_key AND l.visit_occurrence_id = r.visit_occurrence_id
  GROUP BY r.visit_occurrence_id, r.code
)
SELECT
  CASE d.target_table {{ table_domains }} END AS cost_domain_id,
  d.drug_exposure_id AS cost_event_id, x.charge, x.paid, x.allowed
FROM drug_lines AS x
JOIN drug_events AS d
  ON d.visit_occurrence_id = x.visit_occurrence_id AND d.drug_source_value = x.code
LEFT JOIN cost_targets AS t ON t.vocabulary = 'BDPM' AND t.source_value = x.code
WHERE t.concept_id IS NULL OR t.concept_id = d.drug_concept_id
