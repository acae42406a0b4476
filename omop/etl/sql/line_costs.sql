-- The amounts of each kept ER_PRS_F line (per flux key, visit and prestation) as exact
-- decimals; amounts written with a decimal comma are read too. ``q`` is the smallest
-- PRS_ACT_QTE of the group, for line_visits.
SELECT
  fkey, visit_occurrence_id, PRS_NAT_REF,
  MIN(COALESCE(PRS_ACT_QTE, '')) AS q,
  SUM(TRY_CAST(REPLACE(PRS_PAI_MNT, ',', '.') AS DECIMAL(18, 2))) AS charge,
  SUM(TRY_CAST(REPLACE(BSE_REM_MNT, ',', '.') AS DECIMAL(18, 2))) AS paid,
  SUM(TRY_CAST(REPLACE(BSE_REM_BSE, ',', '.') AS DECIMAL(18, 2))) AS allowed
FROM dcir_lines
WHERE _reason IS NULL
GROUP BY fkey, visit_occurrence_id, PRS_NAT_REF
