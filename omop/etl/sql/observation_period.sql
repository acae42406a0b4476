-- OBSERVATION_PERIOD: the span of a person's events, clipped to the extraction window.
SELECT
  stable_id(person_id, s, e) AS observation_period_id,
  person_id,
  s AS observation_period_start_date,
  e AS observation_period_end_date,
  {{ OBSERVATION_PERIOD_TYPE }} AS period_type_concept_id
FROM (
  SELECT
    person_id,
    CASE WHEN s < {{ window_start }} THEN {{ window_start }} ELSE s END AS s,
    CASE WHEN e > {{ window_end }} THEN {{ window_end }} ELSE e END AS e
  FROM event_spans
) AS p
