-- Every ER_PRS_F line with the first visit rule it breaks (_reason), its flux key, its visit
-- id (patient, dates, PRS_NAT_REF, executing practitioner, establishment) and its provider;
-- only what later steps read is kept.
SELECT
  v._reason, v.fkey, v.visit_occurrence_id, v.person_id, v.start_date, v.end_date,
  v.PRS_NAT_REF, v.care_site_source_value, v.PRS_ACT_QTE, v.provider_source_value,
  v.PRS_PAI_MNT, v.BSE_REM_MNT, v.BSE_REM_BSE,
  {{ flux_keys }}
FROM (
  SELECT
    l.*,
    stable_id(l.psv, l.start_date, l.end_date, l.PRS_NAT_REF, l.PFS_EXE_NUM, l.care_site_source_value)
      AS visit_occurrence_id,
    CASE
      WHEN l.DPN_QLF = {{ INFO_ONLY_QUALIFIER }} OR l.PRS_DPN_QLP = {{ INFO_ONLY_QUALIFIER }} THEN 'info_line'
      WHEN l.BEN_NIR_PSA IS NULL THEN 'no_pseudonym'
      WHEN l.person_id IS NULL AND l._dropped THEN 'patient_dropped'
      WHEN l.person_id IS NULL THEN 'patient_unknown'
      WHEN l.start_date IS NULL THEN 'no_start'
      WHEN l.start_date > l.end_date THEN 'start_after_end'
      WHEN l.start_date < {{ window_start }} OR l.start_date > {{ window_end }} THEN 'outside_window'
    END AS _reason
  FROM (
    SELECT
      p.*,
      s.person_id,
      COALESCE(s._dropped, FALSE) AS _dropped,
      COALESCE(p.EXE_SOI_DTF, p.start_date) AS end_date,
      e.finess AS care_site_source_value,
      CASE
        WHEN p.PSE_SPE_COD IS NOT NULL AND p.PSE_SPE_COD NOT IN {{ NOT_FILLED }} THEN 'SPE:' || p.PSE_SPE_COD
        WHEN p.PSE_ACT_NAT IS NOT NULL AND p.PSE_ACT_NAT NOT IN {{ NOT_FILLED }} THEN 'ACT:' || p.PSE_ACT_NAT
      END AS provider_source_value
    FROM (
      SELECT
        r.*,
        CASE
          WHEN {{ prs_has_rank }} AND r.BEN_RNG_GEM IS NOT NULL AND r.BEN_RNG_GEM <> '1'
            THEN r.BEN_NIR_PSA || '_' || r.BEN_RNG_GEM
          ELSE r.BEN_NIR_PSA
        END AS psv,
        COALESCE(r.EXE_SOI_DTD, r.PRE_PRE_DTD) AS start_date,
        flux_key(r) AS fkey
      FROM er_prs_f AS r
    ) AS p
    LEFT JOIN person_status AS s ON s.psv = p.psv
    LEFT JOIN ete_finess AS e ON e.fkey = p.fkey
  ) AS l
) AS v
