-- Every PMSI MCO act (T_MCOaaA, CCAM) with its stay and date (stay start + ENT_DAT_DEL
-- days), or the reason it is rejected: only phases 0 and 1 are acts of their own.
SELECT
  a.*,
  CASE
    WHEN a.code IS NULL THEN 'no_code'
    WHEN a._known IS NULL THEN 'no_stay'
    WHEN a.visit_occurrence_id IS NULL THEN 'stay_rejected'
    WHEN a.PHA_ACT IS NOT NULL AND a.PHA_ACT NOT IN {{ PMSI_ACT_PHASES }} THEN 'act_phase'
    WHEN a.act_date > a.visit_end_date THEN 'after_stay'
  END AS _reason
FROM (
  SELECT
    clean_code(t.CDC_ACT) AS code, t.PHA_ACT,
    TRY_CAST(t.NBR_EXE_ACT AS DOUBLE) AS quantity,
    k.ETA_NUM AS _known, k.visit_occurrence_id, k.person_id, k.visit_end_date,
    add_days(k.visit_start_date, CAST(COALESCE(TRY_CAST(t.ENT_DAT_DEL AS BIGINT), 0) AS INT))
      AS act_date
  FROM t_mcoaaa AS t
  LEFT JOIN pmsi_kept AS k ON k.ETA_NUM = t.ETA_NUM AND k.RSA_NUM = t.RSA_NUM
) AS a
