-- DCIR and PMSI visits with their provider and care-site ids.
SELECT
  v.*,
  CASE WHEN v.provider_source_value IS NOT NULL THEN stable_id(v.provider_source_value) END
    AS provider_id,
  CASE WHEN v.care_site_source_value IS NOT NULL THEN stable_id(v.care_site_source_value) END
    AS care_site_id
FROM (
  SELECT * FROM visit_dcir
  UNION ALL
  SELECT * FROM visit_pmsi
) AS v
