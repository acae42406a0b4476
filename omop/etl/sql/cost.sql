-- COST: one row per DCIR visit, drug, procedure and device event, in euros: what was paid
-- (PRS_PAI_MNT), reimbursed (BSE_REM_MNT) and the reimbursement base (BSE_REM_BSE), summed
-- over the event's ER_PRS_F lines (as exact decimals, so both engines give the same cents).
-- cost_domain_id is the event's CDM domain (Visit, Drug, Procedure, Device).
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
  SELECT 'Drug', d.drug_exposure_id, SUM(l.charge), SUM(l.paid), SUM(l.allowed)
  FROM (SELECT DISTINCT visit_occurrence_id, code, line_key FROM drug_rows WHERE _reason IS NULL) AS r
  JOIN line_costs AS l ON l.fkey = r.line_key AND l.visit_occurrence_id = r.visit_occurrence_id
  JOIN drug_exposure AS d ON d.drug_exposure_id = stable_id(r.visit_occurrence_id, r.code)
  GROUP BY d.drug_exposure_id
  UNION ALL
  SELECT 'Procedure', p.procedure_occurrence_id, SUM(l.charge), SUM(l.paid), SUM(l.allowed)
  FROM (
    SELECT DISTINCT visit_occurrence_id, code, visit_start_date, line_key
    FROM procedure_rows WHERE _reason IS NULL
  ) AS r
  JOIN line_costs AS l ON l.fkey = r.line_key AND l.visit_occurrence_id = r.visit_occurrence_id
  JOIN procedure_occurrence AS p
    ON p.procedure_occurrence_id = stable_id(r.visit_occurrence_id, r.code, r.visit_start_date)
  GROUP BY p.procedure_occurrence_id
  UNION ALL
  -- NGAP acts: the lines of the visit with that prestation
  SELECT 'Procedure', p.procedure_occurrence_id, SUM(l.charge), SUM(l.paid), SUM(l.allowed)
  FROM line_costs AS l
  JOIN visits AS v ON v.visit_occurrence_id = l.visit_occurrence_id
  JOIN procedure_occurrence AS p ON p.procedure_occurrence_id = stable_id(
    l.visit_occurrence_id, {{ NGAP_PREFIX }} || l.PRS_NAT_REF, v.visit_start_date
  )
  WHERE l.PRS_NAT_REF IN {{ NGAP_ACT_CODES }}
  GROUP BY p.procedure_occurrence_id
  UNION ALL
  SELECT 'Device', d.device_exposure_id, SUM(l.charge), SUM(l.paid), SUM(l.allowed)
  FROM (SELECT DISTINCT visit_occurrence_id, code, line_key FROM tip_rows WHERE _reason IS NULL) AS r
  JOIN line_costs AS l ON l.fkey = r.line_key AND l.visit_occurrence_id = r.visit_occurrence_id
  JOIN device_exposure AS d ON d.device_exposure_id = stable_id(r.visit_occurrence_id, r.code)
  GROUP BY d.device_exposure_id
) AS c
WHERE c.charge IS NOT NULL OR c.paid IS NOT NULL OR c.allowed IS NOT NULL
