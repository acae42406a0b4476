-- The establishment (8-character FINESS) of each DCIR flux key, from ER_ETE_F.
SELECT fkey, MIN(finess) AS finess
FROM (
  SELECT flux_key(e) AS fkey, SUBSTRING(e.ETB_EXE_FIN, 1, 8) AS finess
  FROM er_ete_f AS e
  WHERE e.ETB_EXE_FIN IS NOT NULL AND {{ ete_linkable }}
) AS k
GROUP BY fkey
