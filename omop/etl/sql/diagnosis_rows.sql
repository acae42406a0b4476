-- Every PMSI MCO diagnosis with its stay, or the reason it has none: the principal (DGN_PAL)
-- and related (DGN_REL) diagnoses of T_MCOaaB and the associated ones of T_MCOaaD (an empty
-- DGN_PAL / DGN_REL is no diagnosis; an empty ASS_DGN row is one without a code).
SELECT
  d.source_table, d.code, d.status_concept_id, d.status_source_value, d._rank,
  k.visit_occurrence_id, k.person_id, k.visit_start_date, k.visit_end_date,
  CASE
    WHEN d.code IS NULL THEN 'no_code'
    WHEN k.ETA_NUM IS NULL THEN 'no_stay'
    WHEN k.visit_occurrence_id IS NULL THEN 'stay_rejected'
  END AS _reason
FROM (
  SELECT 'T_MCOaaB' AS source_table, ETA_NUM, RSA_NUM, clean_code(DGN_PAL) AS code,
    {{ PRIMARY_DIAGNOSIS }} AS status_concept_id, 'DGN_PAL' AS status_source_value, 1 AS _rank
  FROM t_mcoaab WHERE clean_code(DGN_PAL) IS NOT NULL
  UNION ALL
  SELECT 'T_MCOaaB', ETA_NUM, RSA_NUM, clean_code(DGN_REL), {{ SECONDARY_DIAGNOSIS }}, 'DGN_REL', 2
  FROM t_mcoaab WHERE clean_code(DGN_REL) IS NOT NULL
  UNION ALL
  SELECT 'T_MCOaaD', ETA_NUM, RSA_NUM, clean_code(ASS_DGN), {{ SECONDARY_DIAGNOSIS }}, 'ASS_DGN', 3
  FROM t_mcoaad
) AS d
LEFT JOIN pmsi_kept AS k ON k.ETA_NUM = d.ETA_NUM AND k.RSA_NUM = d.RSA_NUM
