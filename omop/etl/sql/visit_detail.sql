-- VISIT_DETAIL: one row per medical-unit stay of a kept PMSI MCO stay, in UM_ORD_NUM order.
-- A unit starts when the previous ones have used their PAR_DUR_SEJ days and lasts its own,
-- within the stay's dates (a unit without a duration ends with the stay); its care site is
-- the geographic establishment ETA_NUM_GEO when given, else the stay's.
SELECT
  d.visit_detail_id,
  d.person_id,
  {{ INPATIENT }} AS visit_detail_concept_id,
  d.visit_detail_start_date,
  CASE
    WHEN d.PAR_DUR_SEJ IS NULL THEN d.stay_end
    ELSE LEAST(add_days(d.visit_detail_start_date, CAST(d.PAR_DUR_SEJ AS INT)), d.stay_end)
  END AS visit_detail_end_date,
  {{ CLAIM }} AS visit_detail_type_concept_id,
  CASE WHEN d.geo IS NOT NULL THEN stable_id(d.geo) ELSE d.care_site_id END AS care_site_id,
  d.geo AS care_site_source_value,
  d.UM_TYP AS visit_detail_source_value,
  d.preceding_visit_detail_id,
  d.visit_occurrence_id,
  d.ETA_NUM, d.RSA_NUM, d._order, d.DGN_PAL, d.DGN_REL
FROM (
  SELECT
    r.*,
    LEAST(add_days(r.stay_start, CAST(COALESCE(r._before, 0) AS INT)), r.stay_end)
      AS visit_detail_start_date
  FROM (
    SELECT
      u.*,
      SUM(COALESCE(u.PAR_DUR_SEJ, 0)) OVER (
        PARTITION BY u.visit_occurrence_id ORDER BY u._order, u.UM_ORD_NUM
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
      ) AS _before,
      LAG(u.visit_detail_id) OVER (PARTITION BY u.visit_occurrence_id ORDER BY u._order, u.UM_ORD_NUM)
        AS preceding_visit_detail_id
    FROM visit_detail_rows AS u
    WHERE u._reason IS NULL
  ) AS r
) AS d
