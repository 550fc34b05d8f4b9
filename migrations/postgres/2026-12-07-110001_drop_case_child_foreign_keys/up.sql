-- The tables a new case writes beside its row (its debtor, invoices, audit events and
-- first job) referred to cases (id) with foreign keys: each row written paid a look-up
-- and a key-share lock on its case (seven per imported claim, issue 19), while every
-- writer of these rows writes them in the transaction that creates or updates that very
-- case, and cases are never deleted. The keys guarded nothing the code can break, so they
-- go; cases.client_id -> clients (one per case, a tiny table) stays.
ALTER TABLE parties DROP CONSTRAINT IF EXISTS parties_case_id_fkey;
ALTER TABLE invoices DROP CONSTRAINT IF EXISTS invoices_case_id_fkey;
ALTER TABLE case_events DROP CONSTRAINT IF EXISTS case_events_case_id_fkey;
ALTER TABLE jobs DROP CONSTRAINT IF EXISTS jobs_case_id_fkey;
