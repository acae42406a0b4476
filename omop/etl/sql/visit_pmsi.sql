-- PMSI MCO stays: inpatient visits (through emergency when ENT_PRV = 5); the care site is
-- the establishment's FINESS from T_MCOaaE, else the first 8 characters of ETA_NUM.
SELECT
  stable_id(s.ETA_NUM, s.RSA_NUM) AS visit_occurrence_id,
  s.person_id,
  CASE WHEN b.ENT_PRV = '5' THEN {{ ER_INPATIENT }} ELSE {{ INPATIENT }} END AS visit_concept_id,
  s.start_date AS visit_start_date,
  s.end_date AS visit_end_date,
  {{ CLAIM }} AS visit_type_concept_id,
  CAST(NULL AS VARCHAR) AS provider_source_value,
  COALESCE(e.finess, SUBSTRING(s.ETA_NUM, 1, 8)) AS care_site_source_value,
  'MCO' AS visit_source_value
FROM pmsi_unique AS s
LEFT JOIN (
  SELECT ETA_NUM, RSA_NUM, MIN(ENT_PRV) AS ENT_PRV FROM t_mcoaab GROUP BY ETA_NUM, RSA_NUM
) AS b ON b.ETA_NUM = s.ETA_NUM AND b.RSA_NUM = s.RSA_NUM
LEFT JOIN (
  SELECT ETA_NUM, SUBSTRING(MIN(ETB_EXE_FIN), 1, 8) AS finess
  FROM t_mcoaae WHERE ETB_EXE_FIN IS NOT NULL GROUP BY ETA_NUM
) AS e ON e.ETA_NUM = s.ETA_NUM
WHERE s._reason IS NULL
