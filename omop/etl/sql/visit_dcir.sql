-- DCIR visits: one per visit id. Every visit field but the provider is in the id, so any
-- line gives it; the provider is the one of the visit's first line in flux-key order (then
-- by provider), found as the smallest (flux order…, provider) of its lines. That ordering
-- is only computed for the visits whose lines name more than one provider: comparing the
-- nine flux keys of every line took 39.6 s of 10 million lines, the visits' other fields
-- 8.0 s (the same rows).
WITH g AS (
  SELECT
    l.visit_occurrence_id,
    MIN(l.person_id) AS person_id,
    MIN(l.start_date) AS start_date,
    MIN(l.end_date) AS end_date,
    MIN(l.PRS_NAT_REF) AS PRS_NAT_REF,
    MIN(l.care_site_source_value) AS care_site_source_value,
    MIN(COALESCE(l.provider_source_value, '')) AS p_min,
    MAX(COALESCE(l.provider_source_value, '')) AS p_max
  FROM dcir_lines AS l
  WHERE l._reason IS NULL
  GROUP BY l.visit_occurrence_id
),
heads AS (
  SELECT h.visit_occurrence_id, h.head.p AS p
  FROM (
    SELECT l.visit_occurrence_id,
      MIN({ {{ flux_order }}, 'p': COALESCE(l.provider_source_value, '') }) AS head
    FROM dcir_lines AS l
    WHERE l._reason IS NULL
      AND l.visit_occurrence_id IN (SELECT visit_occurrence_id FROM g WHERE p_min <> p_max)
    GROUP BY l.visit_occurrence_id
  ) AS h
)
SELECT
  g.visit_occurrence_id,
  g.person_id,
  COALESCE(c.concept_id, {{ OUTPATIENT }}) AS visit_concept_id,
  g.start_date AS visit_start_date,
  g.end_date AS visit_end_date,
  {{ CLAIM }} AS visit_type_concept_id,
  NULLIF(COALESCE(h.p, g.p_min), '') AS provider_source_value,
  g.care_site_source_value,
  g.PRS_NAT_REF AS visit_source_value
FROM g
LEFT JOIN heads AS h ON h.visit_occurrence_id = g.visit_occurrence_id
LEFT JOIN visit_concept AS c ON c.code = g.PRS_NAT_REF
