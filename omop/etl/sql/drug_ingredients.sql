-- The drug exposures with a standard concept, as spans of their ingredients (the ancestors
-- of class Ingredient in CONCEPT_ANCESTOR, the drug itself when it is one); the end is the
-- exposure's end, else start + days_supply, else start + 1 day (OHDSI's drug era rules).
SELECT DISTINCT
  d.drug_exposure_id, d.person_id, a.ancestor_concept_id AS concept_id,
  d.drug_exposure_start_date AS s,
  COALESCE(
    d.drug_exposure_end_date,
    add_days(d.drug_exposure_start_date, d.days_supply),
    add_days(d.drug_exposure_start_date, 1)
  ) AS e,
  1 AS n
FROM drug_exposure AS d
JOIN voc_concept_ancestor AS a ON a.descendant_concept_id = d.drug_concept_id
JOIN voc_concept AS i
  ON i.concept_id = a.ancestor_concept_id AND i.concept_class_id = 'Ingredient'
WHERE d.drug_concept_id <> {{ NO_MATCH }}
