-- The stem: each event of ``event_stem`` with its source concept, its standard concept and
-- that concept's domain (``code_map``); ``event_routes`` sends it to the table of that
-- domain, else to its natural table. A code with several standard targets gives one event
-- per target, whose id is derived from the event's and the target's (one target: the
-- event's id, as without a vocabulary). Rejected events keep one row (their counts).
SELECT
  CASE WHEN c.targets > 1 THEN stable_id(e.event_id, c.concept_id) ELSE e.event_id END AS event_id,
  e.source_table, e.natural_table, e.vocabulary, e.person_id, e.visit_occurrence_id,
  e.visit_detail_id, e.provider_id, e.start_date, e.end_date, e.quantity, e.source_value,
  e.status_concept_id, e.status_source_value, e._rows, e._reason,
  COALESCE(c.source_concept_id, {{ NO_MATCH }}) AS source_concept_id,
  COALESCE(c.concept_id, {{ NO_MATCH }}) AS concept_id,
  c.domain_id
FROM event_stem AS e
LEFT JOIN code_map AS c
  ON e._reason IS NULL AND c.vocabulary = e.vocabulary AND c.source_value = e.source_value
