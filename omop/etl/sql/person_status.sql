-- Each patient that events may name: its person id, or dropped (no valid year of birth).
SELECT
  psv,
  CASE WHEN _reason IS NULL THEN stable_id(psv) END AS person_id,
  _reason IS NOT NULL AS _dropped
FROM person_rows
WHERE _reason IS NULL OR _reason = 'no_birth_year'
