-- DEVICE_EXPOSURE: the stem events routed to devices (DCIR LPP devices).
SELECT
  event_id AS device_exposure_id,
  person_id,
  concept_id AS device_concept_id,
  start_date AS device_exposure_start_date,
  end_date AS device_exposure_end_date,
  {{ CLAIM }} AS device_type_concept_id,
  CAST(round_half_even(quantity) AS BIGINT) AS quantity,
  provider_id,
  visit_occurrence_id,
  visit_detail_id,
  source_value AS device_source_value,
  source_concept_id AS device_source_concept_id
FROM event_routes
WHERE target_table = 'device_exposure'
