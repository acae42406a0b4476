-- Per output table and source vocabulary: distinct source codes, those with a standard
-- concept, rows, and rows with a standard concept (the report's vocabulary_mapping). The
-- stem's events by their routes (with the drugs and DCIR acts sent to another table), the
-- drugs and the DCIR acts that stay in their own tables.
SELECT
  target_table, vocabulary,
  COUNT(DISTINCT source_value) AS codes,
  COUNT(DISTINCT CASE WHEN concept_id <> {{ NO_MATCH }} THEN source_value END) AS codes_mapped,
  COUNT(*) AS rows_total,
  SUM(CASE WHEN concept_id <> {{ NO_MATCH }} THEN 1 ELSE 0 END) AS rows_mapped
FROM (
  SELECT target_table, vocabulary, source_value, concept_id FROM event_routes
  UNION ALL
  SELECT 'drug_exposure', 'BDPM', drug_source_value, drug_concept_id FROM drug_exposure
  UNION ALL
  SELECT 'procedure_occurrence', 'CCAM', procedure_source_value, procedure_concept_id
  FROM dcir_acts
  WHERE target_table = 'procedure_occurrence'
) AS r
GROUP BY target_table, vocabulary
