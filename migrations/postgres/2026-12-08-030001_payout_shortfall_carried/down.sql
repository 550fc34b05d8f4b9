ALTER TABLE payouts DROP COLUMN carries_shortfall;
