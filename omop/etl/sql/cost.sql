-- COST: one row per DCIR visit, drug, procedure and device event, in euros: what was paid
-- (PRS_PAI_MNT), reimbursed (BSE_REM_MNT) and the reimbursement base (BSE_REM_BSE), summed
-- over the event's ER_PRS_F lines (as exact decimals, so both engines give the same cents).
-- cost_domain_id is the CDM domain of the table the event is written to.
-- Each event is found by its natural key (visit, code…), the way its own step grouped it,
-- and takes the id that step gave it: no id is recomputed to join. A code with several
-- standard targets gives several rows of one event; its cost goes to the row of its first
-- target only, so that summing the cost table never counts an amount twice.
WITH drug_lines AS (
  SELECT r.visit_occurrence_id, r.code,
    SUM(l.charge) AS charge, SUM(l.paid) AS paid, SUM(l.allowed) AS allowed
  FROM (SELECT DISTINCT visit_occurrence_id, code, line_key FROM drug_rows WHERE _reason IS NULL) AS r
  JOIN line_costs AS l ON l.fkey = r.line_key AND l.visit_occurrence_id = r.visit_occurrence_id
  GROUP BY r.visit_occurrence_id, r.code
),
act_lines AS (
  SELECT r.visit_occurrence_id, r.code, r.visit_start_date,
    SUM(l.charge) AS charge, SUM(l.paid) AS paid, SUM(l.allowed) AS allowed
  FROM (
    SELECT DISTINCT visit_occurrence_id, code, visit_start_date, line_key
    FROM procedure_rows WHERE _reason IS NULL
  ) AS r
  JOIN line_costs AS l ON l.fkey = r.line_key AND l.visit_occurrence_id = r.visit_occurrence_id
  GROUP BY r.visit_occurrence_id, r.code, r.visit_start_date
),
-- the DCIR events of the stem: NGAP acts (the lines of the visit with that prestation) and
-- LPP devices (the lines of their ER_TIP_F rows)
stem_lines AS (
  SELECT 'ER_PRS_F' AS source_table, visit_occurrence_id,
    {{ NGAP_PREFIX }} || PRS_NAT_REF AS source_value,
    SUM(charge) AS charge, SUM(paid) AS paid, SUM(allowed) AS allowed
  FROM line_costs
  WHERE PRS_NAT_REF IN {{ NGAP_ACT_CODES }}
  GROUP BY visit_occurrence_id, PRS_NAT_REF
  UNION ALL
  SELECT 'ER_TIP_F', r.visit_occurrence_id, r.code, SUM(l.charge), SUM(l.paid), SUM(l.allowed)
  FROM (SELECT DISTINCT visit_occurrence_id, code, line_key FROM tip_rows WHERE _reason IS NULL) AS r
  JOIN line_costs AS l ON l.fkey = r.line_key AND l.visit_occurrence_id = r.visit_occurrence_id
  GROUP BY r.visit_occurrence_id, r.code
),
-- the first standard target of each code that has several
first_target AS (
  SELECT vocabulary, source_value, MIN(concept_id) AS concept_id
  FROM (
    SELECT vocabulary, source_value, concept_id, targets FROM drug_codes
    UNION ALL
    SELECT vocabulary, source_value, concept_id, targets FROM code_map
  ) AS c
  WHERE targets > 1
  GROUP BY vocabulary, source_value
)
SELECT
  stable_id(c.cost_domain_id, c.cost_event_id) AS cost_id,
  c.cost_event_id,
  c.cost_domain_id,
  {{ CLAIM }} AS cost_type_concept_id,
  {{ EUR }} AS currency_concept_id,
  CAST(c.charge AS DOUBLE) AS total_charge,
  CAST(c.paid AS DOUBLE) AS paid_by_payer,
  CAST(c.allowed AS DOUBLE) AS amount_allowed
FROM (
  SELECT 'Visit' AS cost_domain_id, visit_occurrence_id AS cost_event_id,
    SUM(charge) AS charge, SUM(paid) AS paid, SUM(allowed) AS allowed
  FROM line_costs
  GROUP BY visit_occurrence_id
  UNION ALL
  -- drugs, in the domain of the table their concept sent them to
  SELECT
    CASE d.target_table {{ table_domains }} END,
    d.drug_exposure_id, x.charge, x.paid, x.allowed
  FROM drug_lines AS x
  JOIN drug_events AS d
    ON d.visit_occurrence_id = x.visit_occurrence_id AND d.drug_source_value = x.code
  LEFT JOIN first_target AS t ON t.vocabulary = 'BDPM' AND t.source_value = x.code
  WHERE t.concept_id IS NULL OR t.concept_id = d.drug_concept_id
  UNION ALL
  -- DCIR CCAM acts, in the domain of the table their concept sent them to
  SELECT
    CASE a.target_table {{ table_domains }} END,
    a.procedure_occurrence_id, x.charge, x.paid, x.allowed
  FROM act_lines AS x
  JOIN dcir_acts AS a
    ON a.visit_occurrence_id = x.visit_occurrence_id AND a.procedure_source_value = x.code
    AND a.procedure_date = x.visit_start_date
  LEFT JOIN first_target AS t ON t.vocabulary = 'CCAM' AND t.source_value = x.code
  WHERE t.concept_id IS NULL OR t.concept_id = a.procedure_concept_id
  UNION ALL
  SELECT
    CASE e.target_table {{ table_domains }} END,
    e.event_id, x.charge, x.paid, x.allowed
  FROM stem_lines AS x
  JOIN event_routes AS e
    ON e.source_table = x.source_table AND e.visit_occurrence_id = x.visit_occurrence_id
    AND e.source_value = x.source_value
  LEFT JOIN first_target AS t ON t.vocabulary = e.vocabulary AND t.source_value = e.source_value
  WHERE t.concept_id IS NULL OR t.concept_id = e.concept_id
) AS c
WHERE c.charge IS NOT NULL OR c.paid IS NOT NULL OR c.allowed IS NOT NULL
