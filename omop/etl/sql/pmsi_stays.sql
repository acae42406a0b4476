-- Every T_MCOaaC row with the first stay rule it breaks (_reason).
SELECT
  c.*,
  CASE
    WHEN {{ pmsi_return_failed }} THEN 'pmsi_return'
    WHEN c.person_id IS NULL AND c._dropped THEN 'patient_dropped'
    WHEN c.person_id IS NULL THEN 'patient_unknown'
    WHEN c.start_date IS NULL THEN 'no_start'
    WHEN c.start_date > c.end_date THEN 'start_after_end'
    WHEN c.start_date < {{ window_start }} OR c.start_date > {{ window_end }} THEN 'outside_window'
  END AS _reason
FROM (
  SELECT
    m.*,
    s.person_id,
    COALESCE(s._dropped, FALSE) AS _dropped,
    COALESCE(m.EXE_SOI_DTD, m.ENT_DAT) AS start_date,
    COALESCE(m.EXE_SOI_DTF, m.SOR_DAT, m.EXE_SOI_DTD, m.ENT_DAT) AS end_date
  FROM t_mcoaac AS m
  LEFT JOIN person_status AS s ON s.psv = m.NIR_ANO_17
) AS c
