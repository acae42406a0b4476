-- The cost of the DCIR events of the stem (stem_lines), each found in event_routes by
-- (source table, visit, source value).
SELECT
  CASE e.target_table {{ table_domains }} END AS cost_domain_id,
  e.event_id AS cost_event_id, x.charge, x.paid, x.allowed
FROM stem_lines AS x
JOIN event_routes AS e
  ON e.source_table = x.source_table AND e.visit_occurrence_id = x.visit_occurrence_id
  AND e.source_value = x.source_value
LEFT JOIN cost_targets AS t ON t.vocabulary = e.vocabulary AND t.source_value = e.source_value
WHERE t.concept_id IS NULL OR t.concept_id = e.concept_id
