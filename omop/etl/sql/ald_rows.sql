-- Every long-term condition (ALD, IR_IMB_R) with its patient and dates, or the reason it is
-- rejected. Start IMB_ALD_DTD, else INS_DTE; the end IMB_ALD_DTF unless it is empty or a
-- placeholder, then the end of the extraction, or the death date when earlier. A condition
-- that started before the window is still one the patient has in it: only a start after the
-- window rejects it.
SELECT
  a.*,
  CASE
    WHEN a.BEN_NIR_PSA IS NULL THEN 'no_pseudonym'
    WHEN a.person_id IS NULL AND a._dropped THEN 'patient_dropped'
    WHEN a.person_id IS NULL THEN 'patient_unknown'
    WHEN a.code IS NULL THEN 'no_code'
    WHEN a.start_date IS NULL THEN 'no_start'
    WHEN a.start_date > {{ window_end }} THEN 'outside_window'
    WHEN a.start_date > a.end_date THEN 'start_after_end'
  END AS _reason
FROM (
  SELECT
    i.BEN_NIR_PSA, i.code, i.start_date, i.IMB_ETM_NAT, s.person_id,
    COALESCE(s._dropped, FALSE) AS _dropped,
    CASE
      WHEN i.IMB_ALD_DTF IS NOT NULL
        AND i.IMB_ALD_DTF NOT IN {{ ald_placeholders }} THEN i.IMB_ALD_DTF
      WHEN d.death_date < i.extract_end THEN d.death_date
      ELSE i.extract_end
    END AS end_date
  FROM (
    SELECT
      r.*,
      CASE
        WHEN {{ imb_has_rank }} AND r.BEN_RNG_GEM IS NOT NULL AND r.BEN_RNG_GEM <> '1'
          THEN r.BEN_NIR_PSA || '_' || r.BEN_RNG_GEM
        ELSE r.BEN_NIR_PSA
      END AS psv,
      clean_code(r.MED_MTF_COD) AS code,
      COALESCE(r.IMB_ALD_DTD, r.INS_DTE) AS start_date,
      -- the window's end, else the last day the extract sees (never before the start)
      COALESCE(
        {{ window_end }},
        GREATEST(COALESCE(r.IMB_ALD_DTD, r.INS_DTE), {{ last_event_date }})
      ) AS extract_end
    FROM ir_imb_r AS r
  ) AS i
  LEFT JOIN person_status AS s ON s.psv = i.psv
  LEFT JOIN (SELECT person_id, death_date FROM death_rows WHERE _reason IS NULL) AS d
    ON d.person_id = s.person_id
) AS a
