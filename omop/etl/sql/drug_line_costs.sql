-- The amounts of the ER_PRS_F lines of each drug code of a visit (drug_line_keys).
SELECT r.visit_occurrence_id, r.code,
  SUM(l.charge) AS charge, SUM(l.paid) AS paid, SUM(l.allowed) AS allowed
FROM drug_line_keys AS r
JOIN line_costs AS l ON l.fkey = r.line_key AND l.visit_occurrence_id = r.visit_occurrence_id
GROUP BY r.visit_occurrence_id, r.code
