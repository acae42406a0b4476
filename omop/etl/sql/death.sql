-- DEATH: BEN_DCD_DTE when plausible (not the placeholder, not before birth, not in the future).
SELECT
  person_id,
  death_date,
  {{ CLAIM }} AS death_type_concept_id,
  CASE
    WHEN NOT (
      death_date <> CAST({{ DEATH_PLACEHOLDER }} AS DATE)
      AND death_date >= MAKE_DATE(CAST(year_of_birth AS INT), CAST(COALESCE(month_of_birth, 1) AS INT), 1)
      AND death_date <= {{ release_date }}
    ) THEN 'death_implausible'
  END AS _reason
FROM person
WHERE death_date IS NOT NULL
