-- Per flux key, the visit of its kept ER_PRS_F line (the first by visit id, then quantity,
-- when several share the key), with what events take from the visit.
SELECT
  l.fkey, l.visit_occurrence_id, l.PRS_ACT_QTE, v.person_id, v.visit_start_date, v.provider_id
FROM (
  SELECT
    fkey, visit_occurrence_id, PRS_ACT_QTE,
    ROW_NUMBER() OVER (
      PARTITION BY fkey ORDER BY visit_occurrence_id, COALESCE(PRS_ACT_QTE, '')
    ) AS _n
  FROM dcir_lines
  WHERE _reason IS NULL
) AS l
LEFT JOIN visits AS v ON v.visit_occurrence_id = l.visit_occurrence_id
WHERE l._n = 1
