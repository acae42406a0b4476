-- The first standard target of each code that has several: a code with several targets
-- gives several rows of one event, and its cost goes to the row of its first target only,
-- so that summing the cost table never counts an amount twice.
SELECT vocabulary, source_value, MIN(concept_id) AS concept_id
FROM (
  SELECT vocabulary, source_value, concept_id, targets FROM drug_codes
  UNION ALL
  SELECT vocabulary, source_value, concept_id, targets FROM code_map
) AS c
WHERE targets > 1
GROUP BY vocabulary, source_value
