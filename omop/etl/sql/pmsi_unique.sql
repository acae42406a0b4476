-- One stay per (ETA_NUM, RSA_NUM): later rows (by patient, start, end) are duplicates.
SELECT
  ETA_NUM, RSA_NUM, person_id, start_date, end_date,
  CASE WHEN _n > 1 THEN 'duplicate_stay' END AS _reason
FROM (
  SELECT
    s.*,
    ROW_NUMBER() OVER (
      PARTITION BY s.ETA_NUM, s.RSA_NUM ORDER BY s.person_id, s.start_date, s.end_date
    ) AS _n
  FROM pmsi_stays AS s
  WHERE s._reason IS NULL
) AS d
