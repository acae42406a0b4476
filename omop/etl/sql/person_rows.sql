-- Every IR_BEN_R row with the first PERSON rule it breaks (_reason, NULL = kept).
-- A patient is (pseudonym, BEN_RNG_GEM); of several rows for one patient the most recent
-- (BEN_DTE_MAJ, then the row that sorts last as text) is kept, the others are superseded.
SELECT
  b.*,
  CASE
    WHEN b.BEN_NIR_PSA IS NULL THEN 'no_pseudonym'
    WHEN b._n > 1 THEN 'superseded'
    WHEN b._year IS NULL OR b._year < {{ MIN_BIRTH_YEAR }} OR b._year > {{ max_birth_year }}
      OR b._year % 1 <> 0 THEN 'no_birth_year'
  END AS _reason
FROM (
  SELECT
    r.*,
    TRY_CAST(r.BEN_NAI_ANN AS DOUBLE) AS _year,
    TRY_CAST(r.BEN_NAI_MOI AS DOUBLE) AS _month,
    ROW_NUMBER() OVER (PARTITION BY r.psv ORDER BY {{ ben_tie_order }}) AS _n
  FROM (
    SELECT
      i.*,
      CASE
        WHEN i.BEN_RNG_GEM IS NOT NULL AND i.BEN_RNG_GEM <> '1' THEN i.BEN_NIR_PSA || '_' || i.BEN_RNG_GEM
        ELSE i.BEN_NIR_PSA
      END AS psv
    FROM ir_ben_r AS i
  ) AS r
) AS b
