-- The cost of the DCIR events of the stem: NGAP acts (the lines of the visit with that
-- prestation) and LPP devices (the lines of their ER_TIP_F rows), each found in
-- event_routes by (source table, visit, source value).
WITH stem_lines AS (
  SELECT 'ER_PRS_F' AS source_table, visit_occurrence_id,
    {{ NGAP_PREFIX }} || PRS_NAT_REF AS source_value,
    SUM(charge) AS charge, SUM(paid) AS paid, SUM(allowed) AS allowed
  FROM line_costs
  WHERE PRS_NAT_REF IN {{ NGAP_ACT_CODES }}
  GROUP BY visit_occurrence_id, PRS_NAT_REF
  UNION ALL
  SELECT 'ER_TIP_F', r.visit_occurrence_id, r.code, SUM(l.charge), SUM(l.paid), SUM(l.allowed)
  FROM (SELECT DISTINCT visit_occurrence_id, code, line_key FROM tip_rows WHERE _reason IS NULL) AS r
  JOIN line_costs AS l ON l.fkey = r.line_key AND l.visit_occurrence_id = r.visit_occurrence_id
  GROUP BY r.visit_occurrence_id, r.code
)
SELECT
  CASE e.target_table {{ table_domains }} END AS cost_domain_id,
  e.event_id AS cost_event_id, x.charge, x.paid, x.allowed
FROM stem_lines AS x
JOIN event_routes AS e
  ON e.source_table = x.source_table AND e.visit_occurrence_id = x.visit_occurrence_id
  AND e.source_value = x.source_value
LEFT JOIN cost_targets AS t ON t.vocabulary = e.vocabulary AND t.source_value = e.source_value
WHERE t.concept_id IS NULL OR t.concept_id = e.concept_id
