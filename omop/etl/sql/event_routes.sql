-- Each stem event with the table it is written to: its standard concept's domain, else the
-- natural table of its source (always without a vocabulary); and the drug events that
-- their concept's domain sends to another table than drug_exposure, and the DCIR
-- acts it sends to another table than procedure_occurrence.
SELECT
  e.*,
  CASE e.domain_id
    {{ domain_cases }}
    ELSE e.natural_table
  END AS target_table
FROM events AS e
WHERE e._reason IS NULL
UNION ALL
SELECT
  drug_exposure_id, 'ER_PHA_F', 'drug_exposure', 'BDPM', person_id, visit_occurrence_id,
  CAST(NULL AS BIGINT), provider_id, drug_exposure_start_date, drug_exposure_end_date,
  quantity, drug_source_value, CAST(NULL AS BIGINT), CAST(NULL AS VARCHAR), _rows,
  CAST(NULL AS VARCHAR), drug_source_concept_id, drug_concept_id, domain_id, target_table
FROM drug_events
WHERE target_table <> 'drug_exposure'
UNION ALL
SELECT
  procedure_occurrence_id, 'ER_CAM_F', 'procedure_occurrence', 'CCAM', person_id,
  visit_occurrence_id, visit_detail_id, provider_id, procedure_date, procedure_end_date,
  CAST(quantity AS DOUBLE), procedure_source_value, CAST(NULL AS BIGINT),
  CAST(NULL AS VARCHAR), _rows, CAST(NULL AS VARCHAR), procedure_source_concept_id,
  procedure_concept_id, domain_id, target_table
FROM dcir_acts
WHERE target_table <> 'procedure_occurrence'
