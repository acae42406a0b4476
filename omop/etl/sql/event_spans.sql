-- Per person, the earliest start and the latest end over every event table.
SELECT person_id, MIN(s) AS s, MAX(e) AS e
FROM (
  SELECT person_id, visit_start_date AS s, visit_end_date AS e FROM visits
  UNION ALL
  SELECT person_id, drug_exposure_start_date, drug_exposure_end_date FROM drug_exposure
  UNION ALL
  SELECT person_id, procedure_date, procedure_date FROM procedure_occurrence
  UNION ALL
  SELECT person_id, condition_start_date, COALESCE(condition_end_date, condition_start_date)
  FROM condition_occurrence
  UNION ALL
  SELECT person_id, measurement_date, measurement_date FROM measurement
  UNION ALL
  SELECT person_id, device_exposure_start_date,
    COALESCE(device_exposure_end_date, device_exposure_start_date)
  FROM device_exposure
) AS spans
GROUP BY person_id
