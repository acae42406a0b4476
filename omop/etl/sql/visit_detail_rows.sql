-- Every T_MCOaaUM row (a medical-unit stay) with its stay, or the reason it has none.
SELECT
  r.*,
  CASE
    WHEN r._known IS NULL THEN 'no_stay'
    WHEN r.visit_occurrence_id IS NULL THEN 'stay_rejected'
    WHEN r._n > 1 THEN 'duplicate_unit'
  END AS _reason
FROM (
  SELECT
    m.ETA_NUM, m.RSA_NUM, m.UM_ORD_NUM, m.UM_TYP, m.DGN_PAL, m.DGN_REL,
    TRY_CAST(m.PAR_DUR_SEJ AS BIGINT) AS PAR_DUR_SEJ,
    TRY_CAST(m.UM_ORD_NUM AS BIGINT) AS _order,
    stable_id(m.ETA_NUM, m.RSA_NUM, m.UM_ORD_NUM) AS visit_detail_id,
    SUBSTRING(m.ETA_NUM_GEO, 1, 8) AS geo,
    k.ETA_NUM AS _known,
    k.visit_occurrence_id, k.person_id, k.care_site_id,
    k.visit_start_date AS stay_start, k.visit_end_date AS stay_end,
    ROW_NUMBER() OVER (
      PARTITION BY m.ETA_NUM, m.RSA_NUM, m.UM_ORD_NUM
      ORDER BY m.UM_TYP, m.PAR_DUR_SEJ, m.ETA_NUM_GEO, m.DGN_PAL, m.DGN_REL
    ) AS _n
  FROM t_mcoaaum AS m
  LEFT JOIN pmsi_kept AS k ON k.ETA_NUM = m.ETA_NUM AND k.RSA_NUM = m.RSA_NUM
) AS r
