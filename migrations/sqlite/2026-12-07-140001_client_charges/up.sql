-- Costs of a case for the client's own account, not the debtor's (issue 16): the bailiff's
-- costs of a writ that could not be served, for which the Btag has no tariff. Written by
-- the pipeline in the transaction of the decision that recorded them (one row per charge,
-- once); a payout run deducts them from the client's payout (payout_lines, keyed by this
-- id like a payment's). No foreign key to cases: written in the case's own transaction,
-- like the case's other child rows (see 2026-12-07-110001).
CREATE TABLE client_charges (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    incurred_on DATE NOT NULL,
    amount_cents BIGINT NOT NULL,
    description TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX client_charges_incurred ON client_charges (incurred_on);
