-- The stem, before the vocabulary: every clinical event of Part 2 as one domain-agnostic row
-- (person, visit, visit detail, provider, dates, quantity, source value and vocabulary,
-- status, the table of its source's natural domain). ``events`` gives each its concepts.
-- Events grouped from several rows keep the count (_rows) and a reason when the group is
-- rejected.
-- Ids: conditions (visit or person, code, status, start), acts (visit, code, date, as the
-- DCIR procedures), biology and devices (visit, code).
-- PMSI MCO diagnoses, linked to the first medical unit that has it as its own diagnosis
SELECT
  stable_id(g.visit_occurrence_id, g.code, g.status_concept_id) AS event_id,
  g.source_table, 'condition_occurrence' AS natural_table, 'CIM10' AS vocabulary,
  g.person_id, g.visit_occurrence_id, u.visit_detail_id, CAST(NULL AS BIGINT) AS provider_id,
  g.start_date, g.end_date, CAST(NULL AS DOUBLE) AS quantity, g.code AS source_value,
  g.status_concept_id, g.status_source_value, g._rows, CAST(NULL AS VARCHAR) AS _reason
FROM (
  -- the same code with the same status from several fields is one condition, named after
  -- the first of DGN_PAL, DGN_REL, ASS_DGN that gives it
  SELECT
    r.*, r.visit_start_date AS start_date, r.visit_end_date AS end_date,
    COUNT(*) OVER (PARTITION BY r.visit_occurrence_id, r.code, r.status_concept_id) AS _rows,
    ROW_NUMBER() OVER (
      PARTITION BY r.visit_occurrence_id, r.code, r.status_concept_id ORDER BY r._rank
    ) AS _n
  FROM diagnosis_rows AS r
  WHERE r._reason IS NULL
) AS g
LEFT JOIN unit_diagnoses AS u ON u.visit_occurrence_id = g.visit_occurrence_id AND u.code = g.code
WHERE g._n = 1
UNION ALL
-- long-term conditions (ALD): no visit
SELECT
  stable_id(person_id, code, IMB_ETM_NAT, start_date), 'IR_IMB_R', 'condition_occurrence', 'CIM10',
  person_id, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
  start_date, MAX(end_date), CAST(NULL AS DOUBLE), code,
  {{ NO_MATCH }}, IMB_ETM_NAT, COUNT(*), CAST(NULL AS VARCHAR)
FROM ald_rows
WHERE _reason IS NULL
GROUP BY person_id, code, IMB_ETM_NAT, start_date
UNION ALL
-- PMSI MCO acts (CCAM): quantities summed per stay, code and date
SELECT
  stable_id(visit_occurrence_id, code, act_date), 'T_MCOaaA', 'procedure_occurrence', 'CCAM',
  MIN(person_id), visit_occurrence_id, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
  act_date, CAST(NULL AS DATE), SUM(quantity), code,
  CAST(NULL AS BIGINT), CAST(NULL AS VARCHAR), COUNT(*), CAST(NULL AS VARCHAR)
FROM pmsi_act_rows
WHERE _reason IS NULL
GROUP BY visit_occurrence_id, code, act_date
UNION ALL
-- DCIR acts known only by their prestation (NGAP): the visit's summed PRS_ACT_QTE
SELECT
  stable_id(l.visit_occurrence_id, {{ NGAP_PREFIX }} || l.PRS_NAT_REF, MIN(v.visit_start_date)),
  'ER_PRS_F', 'procedure_occurrence', 'NGAP',
  MIN(l.person_id), l.visit_occurrence_id, CAST(NULL AS BIGINT), MIN(v.provider_id),
  MIN(v.visit_start_date), MIN(v.visit_end_date), SUM(TRY_CAST(l.PRS_ACT_QTE AS DOUBLE)),
  {{ NGAP_PREFIX }} || l.PRS_NAT_REF,
  CAST(NULL AS BIGINT), CAST(NULL AS VARCHAR), COUNT(*), CAST(NULL AS VARCHAR)
FROM dcir_lines AS l
JOIN visits AS v ON v.visit_occurrence_id = l.visit_occurrence_id
WHERE l._reason IS NULL AND l.PRS_NAT_REF IN {{ NGAP_ACT_CODES }}
GROUP BY l.visit_occurrence_id, l.PRS_NAT_REF
UNION ALL
-- biology (NABM) and devices (LPP): signed quantities summed per visit and code, totals
-- <= 0 are cancellations
SELECT
  stable_id(visit_occurrence_id, code), source_table, natural_table, vocabulary,
  MIN(person_id), visit_occurrence_id, CAST(NULL AS BIGINT), MAX(provider_id),
  MIN(COALESCE(event_start, visit_start_date)),
  MAX(COALESCE(event_end, event_start, visit_start_date)),
  SUM(TRY_CAST(event_quantity AS DOUBLE)), code,
  CAST(NULL AS BIGINT), CAST(NULL AS VARCHAR), COUNT(*),
  CASE WHEN COALESCE(SUM(TRY_CAST(event_quantity AS DOUBLE)), 0) <= 0 THEN 'cancelled_total' END
FROM (
  SELECT *, 'ER_BIO_F' AS source_table, 'measurement' AS natural_table, 'NABM' AS vocabulary
  FROM bio_rows WHERE _reason IS NULL
  UNION ALL
  SELECT *, 'ER_TIP_F', 'device_exposure', 'LPP' FROM tip_rows WHERE _reason IS NULL
) AS r
GROUP BY source_table, natural_table, vocabulary, visit_occurrence_id, code
