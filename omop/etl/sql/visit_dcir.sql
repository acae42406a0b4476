-- DCIR visits: the first kept line of each visit (every other visit field is in its id).
SELECT
  l.visit_occurrence_id,
  l.person_id,
  COALESCE(c.concept_id, {{ OUTPATIENT }}) AS visit_concept_id,
  l.start_date AS visit_start_date,
  l.end_date AS visit_end_date,
  {{ CLAIM }} AS visit_type_concept_id,
  l.provider_source_value,
  l.care_site_source_value,
  l.PRS_NAT_REF AS visit_source_value
FROM dcir_lines AS l
LEFT JOIN visit_concept AS c ON c.code = l.PRS_NAT_REF
WHERE l._reason IS NULL AND l._head
