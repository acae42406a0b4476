-- DRUG_ERA (OHDSI): per person and ingredient, the exposures whose overlaps are merged
-- first (drug_subexposures), then joined while less than 30 days apart (drug_eras);
-- gap_days = the era's days without the days exposed. Only drugs with a standard concept:
-- empty without a vocabulary.
SELECT
  stable_id('drug_era', person_id, concept_id, s) AS drug_era_id,
  person_id,
  concept_id AS drug_concept_id,
  s AS drug_era_start_date,
  e AS drug_era_end_date,
  n AS drug_exposure_count,
  span - days AS gap_days
FROM drug_eras
