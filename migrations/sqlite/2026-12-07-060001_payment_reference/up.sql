-- A payment reference per case: the 16-digit betalingskenmerk (see
-- src/case/payment_reference.rs), unique among cases so a payment finds its one case.
-- New cases draw theirs at random; cases stored before this migration get one from their
-- place in creation order (payload 1, 2, …; the check digit 1 that new references avoid
-- is not avoided here), with the weighted mod-11 check digit
-- computed here as the code does. Nullable only because SQLite cannot add a NOT NULL
-- column to a filled table; every row has one. Keep the twin migration in step.

ALTER TABLE cases ADD COLUMN payment_reference TEXT;

WITH numbered AS (
    SELECT id, ROW_NUMBER() OVER (ORDER BY created_at, id) AS n FROM cases
), weighted AS (
    SELECT id, n,
           11 - (((n / 1) % 10) * 2 +
               ((n / 10) % 10) * 4 +
               ((n / 100) % 10) * 8 +
               ((n / 1000) % 10) * 5 +
               ((n / 10000) % 10) * 10 +
               ((n / 100000) % 10) * 9 +
               ((n / 1000000) % 10) * 7 +
               ((n / 10000000) % 10) * 3 +
               ((n / 100000000) % 10) * 6 +
               ((n / 1000000000) % 10) * 1 +
               ((n / 10000000000) % 10) * 2 +
               ((n / 100000000000) % 10) * 4 +
               ((n / 1000000000000) % 10) * 8 +
               ((n / 10000000000000) % 10) * 5 +
               ((n / 100000000000000) % 10) * 10) % 11 AS c
    FROM numbered
)
UPDATE cases
SET payment_reference = CAST(CASE weighted.c WHEN 11 THEN 0 WHEN 10 THEN 1 ELSE weighted.c END AS TEXT)
    || substr(CAST(1000000000000000 + weighted.n AS TEXT), 2)
FROM weighted
WHERE cases.id = weighted.id;

CREATE UNIQUE INDEX cases_payment_reference ON cases (payment_reference);
