-- DRUG_EXPOSURE: 30 days from the dispensing.
SELECT
  drug_exposure_id,
  person_id,
  {{ NO_MATCH }} AS drug_concept_id,
  drug_exposure_start_date,
  add_days(drug_exposure_start_date, {{ DRUG_DAYS }}) AS drug_exposure_end_date,
  {{ CLAIM }} AS drug_type_concept_id,
  quantity,
  {{ DRUG_DAYS }} + 1 AS days_supply,
  provider_id,
  visit_occurrence_id,
  drug_source_value
FROM drug_groups
WHERE _reason IS NULL
