-- Bank statements in (camt.053), payouts to clients out (pain.001), and the payments
-- ledger's two new facts: paid to the client directly, and taken back by the bank.
ALTER TABLE payments ADD COLUMN paid_to_client BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE payments ADD COLUMN reversed_on DATE;

-- One row per entry of an imported statement, once: the bank's reference is unique per
-- account, so a statement imported twice books nothing twice.
CREATE TABLE bank_entries (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    reference TEXT NOT NULL,
    message_id TEXT NOT NULL,
    booking_date DATE NOT NULL,
    amount_cents BIGINT NOT NULL,
    direction TEXT NOT NULL,
    reversal BOOLEAN NOT NULL,
    return_reason TEXT NOT NULL DEFAULT '',
    debtor_name TEXT NOT NULL DEFAULT '',
    debtor_iban TEXT NOT NULL DEFAULT '',
    creditor_reference TEXT NOT NULL DEFAULT '',
    remittance TEXT NOT NULL DEFAULT '',
    end_to_end_id TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL,
    case_id TEXT REFERENCES cases (id),
    payment_id TEXT NOT NULL DEFAULT '',
    task_id TEXT,
    imported_at TIMESTAMP NOT NULL,
    UNIQUE (account, reference)
);
CREATE INDEX bank_entries_case ON bank_entries (case_id);

-- A payout run: the pain.001 handed to the bank.
CREATE TABLE payout_runs (
    id TEXT PRIMARY KEY,
    up_to_date DATE NOT NULL,
    message_id TEXT NOT NULL,
    pain001 TEXT NOT NULL,
    total_cents BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- What one client gets in a run, with its statement.
CREATE TABLE payouts (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES payout_runs (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    iban TEXT NOT NULL,
    received_cents BIGINT NOT NULL,
    to_client_cents BIGINT NOT NULL,
    to_office_cents BIGINT NOT NULL,
    invoiced_cents BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL,
    end_to_end_id TEXT NOT NULL,
    statement_csv TEXT NOT NULL,
    statement_pdf BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX payouts_client ON payouts (client_id, created_at);

-- Per payment, what each run settled of it. (payment, seq) is unique: two runs racing
-- over the same payment cannot both settle it.
CREATE TABLE payout_lines (
    payment_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    payout_id TEXT NOT NULL REFERENCES payouts (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    paid_on DATE NOT NULL,
    received_cents BIGINT NOT NULL,
    to_client_cents BIGINT NOT NULL,
    to_office_cents BIGINT NOT NULL,
    paid_to_client BOOLEAN NOT NULL,
    PRIMARY KEY (payment_id, seq)
);
CREATE INDEX payout_lines_payout ON payout_lines (payout_id);
