-- The ER_PRS_F lines each kept drug code was dispensed on, per visit, with their amounts
-- (carried from line_visits): one row per (visit, code, line), however many ER_PHA_F rows
-- name them. A step of its own so that this aggregate and the next never hold memory side by
-- side (in one query they overflowed a 2 GB cap at 1,000,000 persons).
SELECT DISTINCT visit_occurrence_id, code, line_key, line_charge, line_paid, line_allowed
FROM drug_rows
WHERE _reason IS NULL
