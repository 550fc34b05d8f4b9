-- A payout whose client's share came out negative now carries that shortfall to the
-- client's next payout (store::payouts::shortfall). Payouts made before told the client
-- "Door u aan kantoor te voldoen (factuur)": the office invoiced those, so they keep
-- `false` and are never set off a second time. Keep the sqlite twin in step.
ALTER TABLE payouts ADD COLUMN carries_shortfall BOOLEAN NOT NULL DEFAULT FALSE;
