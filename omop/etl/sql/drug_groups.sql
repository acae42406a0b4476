-- One drug exposure per (visit, CIP13): the boxes sold are summed (returns cancel sales);
-- totals <= 0 are cancelled sales, counted by the rows they gather.
SELECT
  g.*,
  CASE WHEN g.quantity <= 0 THEN 'cancelled' END AS _reason
FROM (
  SELECT
    stable_id(visit_occurrence_id, code) AS drug_exposure_id,
    MIN(person_id) AS person_id,
    MIN(visit_start_date) AS drug_exposure_start_date,
    MAX(provider_id) AS provider_id,
    visit_occurrence_id,
    code AS drug_source_value,
    COUNT(*) AS _rows,
    SUM(TRY_CAST(event_quantity AS DOUBLE)) AS quantity
  FROM drug_rows
  WHERE _reason IS NULL
  GROUP BY visit_occurrence_id, code
) AS g
