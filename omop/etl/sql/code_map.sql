-- The concepts of each source code ({{ codes }}: vocabulary, source_value), one row per
-- standard target (OMOP_MAPPING.md Part 2, "Vocabularies"):
-- * the code as the vocabulary writes it (``concept_code``, dialect.py: CIM-10 with its dot,
--   E110 → E11.0; NGAP without its prefix; a CIP13 as its CIP7 in BDPM), the same rule the
--   alignment report reads the output with;
-- * source_concept_id: the concept of (vocabulary_id, concept_code), else 0;
-- * concept_id: each valid "Maps to" to a valid standard concept, else the curated
--   SOURCE_TO_CONCEPT_MAP (stcm) target, else 0; domain_id: the standard concept's domain;
-- * targets: how many rows the code gives (ids of its events are derived from the target
--   only when there are several).
-- Without a vocabulary, voc_* and stcm are empty views: every code gets 0 and no domain.
WITH keyed AS (
  SELECT
    c.vocabulary, c.source_value,
    concept_code(c.vocabulary, c.source_value) AS concept_code
  FROM (SELECT DISTINCT vocabulary, source_value FROM {{ codes }} WHERE source_value IS NOT NULL) AS c
),
sourced AS (
  SELECT k.vocabulary, k.source_value, k.concept_code, MIN(s.concept_id) AS source_concept_id
  FROM keyed AS k
  LEFT JOIN voc_concept AS s ON s.vocabulary_id = k.vocabulary AND s.concept_code = k.concept_code
  GROUP BY k.vocabulary, k.source_value, k.concept_code
),
maps AS (
  SELECT DISTINCT r.concept_id_1, t.concept_id, t.domain_id
  FROM voc_concept_relationship AS r
  JOIN sourced AS s ON s.source_concept_id = r.concept_id_1
  JOIN voc_concept AS t ON t.concept_id = r.concept_id_2
  WHERE r.relationship_id = 'Maps to' AND r.invalid_reason IS NULL
    AND t.standard_concept = 'S' AND t.invalid_reason IS NULL
),
curated AS (
  SELECT source_vocabulary_id, source_code, MIN(target_concept_id) AS target
  FROM stcm
  WHERE target_concept_id <> 0
  GROUP BY source_vocabulary_id, source_code
)
SELECT
  s.vocabulary, s.source_value,
  COALESCE(s.source_concept_id, {{ NO_MATCH }}) AS source_concept_id,
  COALESCE(m.concept_id, c.target, {{ NO_MATCH }}) AS concept_id,
  CASE WHEN m.concept_id IS NOT NULL THEN m.domain_id ELSE t.domain_id END AS domain_id,
  COUNT(*) OVER (PARTITION BY s.vocabulary, s.source_value) AS targets
FROM sourced AS s
LEFT JOIN maps AS m ON m.concept_id_1 = s.source_concept_id
LEFT JOIN curated AS c ON c.source_vocabulary_id = s.vocabulary AND c.source_code = s.concept_code
LEFT JOIN voc_concept AS t ON t.concept_id = c.target
