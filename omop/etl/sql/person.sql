-- PERSON: one row per kept patient; the location is the INSEE commune of the residence.
SELECT
  stable_id(r.psv) AS person_id,
  COALESCE(
    CASE r.BEN_SEX_COD WHEN '1' THEN {{ MALE }} WHEN '2' THEN {{ FEMALE }} END, {{ NO_MATCH }}
  ) AS gender_concept_id,
  CAST(r._year AS BIGINT) AS year_of_birth,
  CASE WHEN r._month BETWEEN 1 AND 12 AND r._month % 1 = 0 THEN CAST(r._month AS BIGINT) END
    AS month_of_birth,
  {{ NO_MATCH }} AS race_concept_id,
  {{ NO_MATCH }} AS ethnicity_concept_id,
  CASE WHEN l.lsv IS NOT NULL THEN stable_id(l.lsv) END AS location_id,
  r.psv AS person_source_value,
  r.BEN_SEX_COD AS gender_source_value,
  r.BEN_DCD_DTE AS death_date,
  l.lsv AS location_source_value
FROM person_rows AS r
LEFT JOIN location_lookup AS l
  ON l.d = COALESCE(r.BEN_RES_DPT, '') AND l.c = COALESCE(r.BEN_RES_COM, '')
WHERE r._reason IS NULL
