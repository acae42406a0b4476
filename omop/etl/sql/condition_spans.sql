-- The conditions with a standard concept as spans: start, end else start + 1 day (OHDSI's
-- condition era rules).
SELECT
  person_id, condition_concept_id AS concept_id, condition_start_date AS s,
  COALESCE(condition_end_date, add_days(condition_start_date, 1)) AS e,
  1 AS n
FROM condition_occurrence
WHERE condition_concept_id <> {{ NO_MATCH }} AND condition_start_date IS NOT NULL
