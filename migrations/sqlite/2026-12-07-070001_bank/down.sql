DROP TABLE payout_lines;
DROP TABLE payouts;
DROP TABLE payout_runs;
DROP TABLE bank_entries;
ALTER TABLE payments DROP COLUMN reversed_on;
ALTER TABLE payments DROP COLUMN paid_to_client;
