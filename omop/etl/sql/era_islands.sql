-- The OHDSI era rule, written once: the spans of {{ spans }} (person_id, concept_id, s, e,
-- n rows; {{ days }} the days each one counts as exposed) merged per person and concept
-- while a span starts at most {{ pad }} days (the persistence window) after the latest end
-- before it. Each era: its first start, its latest end, the rows and exposed days it
-- gathers, and its own length in days (span).
SELECT
  person_id, concept_id, MIN(s) AS s, MAX(e) AS e, SUM(n) AS n, SUM(days) AS days,
  days_between(MIN(s), MAX(e)) AS span
FROM (
  SELECT
    m.*,
    SUM(m.starts) OVER (
      PARTITION BY m.person_id, m.concept_id ORDER BY m.s, m.e
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS era
  FROM (
    SELECT
      x.person_id, x.concept_id, x.s, x.e, x.n, {{ days }} AS days,
      CASE WHEN x.s <= MAX(add_days(x.e, {{ pad }})) OVER (
        PARTITION BY x.person_id, x.concept_id ORDER BY x.s, x.e
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
      ) THEN 0 ELSE 1 END AS starts
    FROM {{ spans }} AS x
  ) AS m
) AS g
GROUP BY person_id, concept_id, era
