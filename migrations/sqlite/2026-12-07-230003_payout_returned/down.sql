ALTER TABLE payouts DROP COLUMN returned_on;
