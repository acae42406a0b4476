-- COST: one row per DCIR visit, drug, procedure and device event, in euros: what was paid
-- (PRS_PAI_MNT), reimbursed (BSE_REM_MNT) and the reimbursement base (BSE_REM_BSE), summed
-- over the event's ER_PRS_F lines (as exact decimals, so both engines give the same cents).
-- cost_domain_id is the CDM domain of the table the event is written to. The events' costs
-- are steps of their own (drug_costs, act_costs, stem_costs): in one query their
-- aggregates and joins held memory side by side, more than a 2 GB cap at 1,000,000 persons.
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
  SELECT cost_domain_id, cost_event_id, charge, paid, allowed FROM drug_costs
  UNION ALL
  SELECT cost_domain_id, cost_event_id, charge, paid, allowed FROM act_costs
  UNION ALL
  SELECT cost_domain_id, cost_event_id, charge, paid, allowed FROM stem_costs
) AS c
WHERE c.charge IS NOT NULL OR c.paid IS NOT NULL OR c.allowed IS NOT NULL
