DROP INDEX cases_payment_reference;
ALTER TABLE cases DROP COLUMN payment_reference;
