-- Per stay and diagnosis code, the first medical unit (UM_ORD_NUM order) whose own principal
-- or related diagnosis it is.
SELECT visit_occurrence_id, code, visit_detail_id
FROM (
  SELECT
    visit_occurrence_id, code, visit_detail_id,
    ROW_NUMBER() OVER (PARTITION BY visit_occurrence_id, code ORDER BY _order, visit_detail_id) AS _n
  FROM (
    SELECT visit_occurrence_id, clean_code(DGN_PAL) AS code, visit_detail_id, _order FROM visit_detail
    UNION ALL
    SELECT visit_occurrence_id, clean_code(DGN_REL), visit_detail_id, _order FROM visit_detail
  ) AS d
  WHERE code IS NOT NULL
) AS r
WHERE _n = 1
