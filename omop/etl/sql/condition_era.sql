-- CONDITION_ERA (OHDSI): per person and standard condition concept, the conditions joined
-- while less than 30 days apart (condition_eras). Empty without a vocabulary.
SELECT
  stable_id('condition_era', person_id, concept_id, s) AS condition_era_id,
  person_id,
  concept_id AS condition_concept_id,
  s AS condition_era_start_date,
  e AS condition_era_end_date,
  n AS condition_occurrence_count
FROM condition_eras
