-- The amounts of the DCIR events of the stem, per (source table, visit, source value):
-- NGAP acts (the lines of the visit with that prestation) and LPP devices (the lines of
-- their ER_TIP_F rows). A step of its own, apart from the join with event_routes (see
-- drug_line_keys).
SELECT 'ER_PRS_F' AS source_table, visit_occurrence_id,
  {{ NGAP_PREFIX }} || PRS_NAT_REF AS source_value,
  SUM(charge) AS charge, SUM(paid) AS paid, SUM(allowed) AS allowed
FROM line_costs
WHERE PRS_NAT_REF IN {{ NGAP_ACT_CODES }}
GROUP BY visit_occurrence_id, PRS_NAT_REF
UNION ALL
SELECT 'ER_TIP_F', visit_occurrence_id, code,
  SUM(line_charge), SUM(line_paid), SUM(line_allowed)
FROM (
  SELECT DISTINCT visit_occurrence_id, code, line_key, line_charge, line_paid, line_allowed
  FROM tip_rows WHERE _reason IS NULL
) AS r
GROUP BY visit_occurrence_id, code
