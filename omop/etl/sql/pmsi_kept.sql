-- Every PMSI stay key (ETA_NUM, RSA_NUM) of T_MCOaaC, with its visit when the stay was kept:
-- what diagnoses, acts and medical units of the stay link to (or the reason they cannot).
SELECT
  k.ETA_NUM, k.RSA_NUM,
  v.visit_occurrence_id, v.person_id, v.visit_start_date, v.visit_end_date, v.care_site_id
FROM (SELECT DISTINCT ETA_NUM, RSA_NUM FROM t_mcoaac) AS k
LEFT JOIN (
  SELECT ETA_NUM, RSA_NUM, stable_id(ETA_NUM, RSA_NUM) AS visit_occurrence_id
  FROM pmsi_unique
  WHERE _reason IS NULL
) AS u ON u.ETA_NUM = k.ETA_NUM AND u.RSA_NUM = k.RSA_NUM
LEFT JOIN visits AS v ON v.visit_occurrence_id = u.visit_occurrence_id
