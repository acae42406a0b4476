-- Per flux key, the visit of its kept ER_PRS_F line (the smallest visit id, then quantity,
-- when several share the key), with what events take from the visit.
SELECT
  l.fkey, l.head.v AS visit_occurrence_id, NULLIF(l.head.q, '') AS PRS_ACT_QTE,
  v.person_id, v.visit_start_date, v.provider_id
FROM (
  SELECT fkey, MIN({'v': visit_occurrence_id, 'q': COALESCE(PRS_ACT_QTE, '')}) AS head
  FROM dcir_lines
  WHERE _reason IS NULL
  GROUP BY fkey
) AS l
LEFT JOIN visits AS v ON v.visit_occurrence_id = l.head.v
