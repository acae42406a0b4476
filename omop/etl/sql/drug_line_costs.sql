-- The amounts of the ER_PRS_F lines of each drug code of a visit (drug_line_keys).
SELECT visit_occurrence_id, code,
  SUM(line_charge) AS charge, SUM(line_paid) AS paid, SUM(line_allowed) AS allowed
FROM drug_line_keys
GROUP BY visit_occurrence_id, code
