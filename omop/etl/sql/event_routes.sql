-- Each stem event with the table it is written to: its standard concept's domain, else the
-- natural table of its source (always, until a vocabulary is wired in).
SELECT
  e.*,
  CASE e.domain_id
    {{ domain_cases }}
    ELSE e.natural_table
  END AS target_table
FROM events AS e
WHERE e._reason IS NULL
