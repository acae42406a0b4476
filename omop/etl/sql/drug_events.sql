-- The drug events: 30 days from the dispensing; the drug's concepts from its CIP13 through
-- ``code_map`` (``drug_codes``: CIP13 → CIP7 → BDPM, then "Maps to"), one row per standard
-- target (its id derived from the target only when there are several), and the table its
-- concept's domain sends it to: drug_exposure, or another event table (test strips and
-- needles sold in pharmacies are devices), through ``event_routes``.
SELECT
  CASE WHEN c.targets > 1 THEN stable_id(g.drug_exposure_id, c.concept_id)
    ELSE g.drug_exposure_id END AS drug_exposure_id,
  g.person_id,
  COALESCE(c.concept_id, {{ NO_MATCH }}) AS drug_concept_id,
  g.drug_exposure_start_date,
  add_days(g.drug_exposure_start_date, {{ DRUG_DAYS }}) AS drug_exposure_end_date,
  {{ CLAIM }} AS drug_type_concept_id,
  g.quantity,
  {{ DRUG_DAYS }} + 1 AS days_supply,
  g.provider_id,
  g.visit_occurrence_id,
  g.drug_source_value,
  COALESCE(c.source_concept_id, {{ NO_MATCH }}) AS drug_source_concept_id,
  c.domain_id,
  CASE c.domain_id {{ domain_cases }} ELSE 'drug_exposure' END AS target_table,
  g._rows
FROM drug_groups AS g
LEFT JOIN drug_codes AS c ON c.source_value = g.drug_source_value
WHERE g._reason IS NULL
