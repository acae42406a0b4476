-- The cost of each drug event: the amounts of its ER_PRS_F lines (drug_line_costs), in the
-- domain of the table its concept sent it to. The event is found by its natural key (visit,
-- code), the way drug_events grouped it, and keeps the id that step gave it.
SELECT
  CASE d.target_table {{ table_domains }} END AS cost_domain_id,
  d.drug_exposure_id AS cost_event_id, x.charge, x.paid, x.allowed
FROM drug_line_costs AS x
JOIN drug_events AS d
  ON d.visit_occurrence_id = x.visit_occurrence_id AND d.drug_source_value = x.code
LEFT JOIN cost_targets AS t ON t.vocabulary = 'BDPM' AND t.source_value = x.code
WHERE t.concept_id IS NULL OR t.concept_id = d.drug_concept_id
