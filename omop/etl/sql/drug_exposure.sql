-- DRUG_EXPOSURE: the drug events whose concept is a drug, or that have no standard concept.
SELECT
  drug_exposure_id, person_id, drug_concept_id, drug_exposure_start_date,
  drug_exposure_end_date, drug_type_concept_id, quantity, days_supply, provider_id,
  visit_occurrence_id, drug_source_value, drug_source_concept_id
FROM drug_events
WHERE target_table = 'drug_exposure'
