-- Per flux key, the visit of its kept ER_PRS_F line (the smallest visit id, then quantity,
-- when several share the key), with what events take from the visit and the amounts of the
-- key's lines in that visit. The events carry those amounts to their costs (drug_line_keys,
-- act_costs, stem_lines), so no step joins the events back to the 100 M line amounts of
-- 1,000,000 persons: that join overflowed a 2 GB cap even on one thread.
SELECT
  l.fkey, l.head.v AS visit_occurrence_id, NULLIF(l.head.q, '') AS PRS_ACT_QTE,
  l.head.charge AS line_charge, l.head.paid AS line_paid, l.head.allowed AS line_allowed,
  v.person_id, v.visit_start_date, v.provider_id
FROM (
  SELECT fkey,
    MIN({'v': visit_occurrence_id, 'q': q, 'charge': charge, 'paid': paid, 'allowed': allowed})
      AS head
  FROM (
    SELECT fkey, visit_occurrence_id, MIN(q) AS q,
      SUM(charge) AS charge, SUM(paid) AS paid, SUM(allowed) AS allowed
    FROM line_costs
    GROUP BY fkey, visit_occurrence_id
  ) AS k
  GROUP BY fkey
) AS l
LEFT JOIN visits AS v ON v.visit_occurrence_id = l.head.v
