-- The rows of an affined table (ER_PHA_F, ER_CAM_F, ER_BIO_F, ER_TIP_F) linked to their ER_PRS_F line on the
-- nine flux keys: no code, or no kept line, is a reject reason.
SELECT
  {{ code }} AS code,
  {{ quantity }} AS event_quantity,
  {{ event_start }} AS event_start, {{ event_end }} AS event_end,
  l.fkey AS line_key, l.visit_occurrence_id, l.PRS_ACT_QTE, l.person_id, l.visit_start_date, l.provider_id,
  l.line_charge, l.line_paid, l.line_allowed,
  CASE
    WHEN NOT {{ linkable }} THEN 'no_line'
    WHEN {{ code }} IS NULL THEN 'no_code'
    WHEN l.fkey IS NULL THEN 'no_line'
  END AS _reason
FROM {{ event_table }} AS e
LEFT JOIN line_visits AS l ON {{ linkable }} AND l.fkey = flux_key(e)
