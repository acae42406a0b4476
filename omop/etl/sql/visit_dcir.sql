-- DCIR visits: one per visit id. Every visit field but the provider is in the id, so any
-- line gives it; the provider is the one of the visit's first line in flux-key order (then
-- by provider), found as the smallest (flux order…, provider) of its lines.
SELECT
  g.visit_occurrence_id,
  g.person_id,
  COALESCE(c.concept_id, {{ OUTPATIENT }}) AS visit_concept_id,
  g.start_date AS visit_start_date,
  g.end_date AS visit_end_date,
  {{ CLAIM }} AS visit_type_concept_id,
  NULLIF(g.head.p, '') AS provider_source_value,
  g.care_site_source_value,
  g.PRS_NAT_REF AS visit_source_value
FROM (
  SELECT
    l.visit_occurrence_id,
    MIN(l.person_id) AS person_id,
    MIN(l.start_date) AS start_date,
    MIN(l.end_date) AS end_date,
    MIN(l.PRS_NAT_REF) AS PRS_NAT_REF,
    MIN(l.care_site_source_value) AS care_site_source_value,
    MIN({ {{ flux_order }}, 'p': COALESCE(l.provider_source_value, '') }) AS head
  FROM dcir_lines AS l
  WHERE l._reason IS NULL
  GROUP BY l.visit_occurrence_id
) AS g
LEFT JOIN visit_concept AS c ON c.code = g.PRS_NAT_REF
