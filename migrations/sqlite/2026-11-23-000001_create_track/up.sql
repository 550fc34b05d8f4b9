-- The whole legal track. Portable types: text UUIDs, BIGINT cents, DATE, UTC TIMESTAMP,
-- JSON as TEXT, enums as TEXT. Keep the other backend's migration of this name in step.

CREATE TABLE clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kvk_number TEXT NOT NULL DEFAULT '',
    iban TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    vat_deductible BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE track_policies (
    client_id TEXT NOT NULL REFERENCES clients (id),
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (client_id, version)
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id),
    client_reference TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    stage TEXT NOT NULL,
    suspension TEXT NOT NULL,
    close_reason TEXT,
    close_note TEXT NOT NULL DEFAULT '',
    debtor_kind TEXT NOT NULL,
    debtor_kvk_number TEXT,
    principal_cents BIGINT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    accepted_on DATE NOT NULL,
    policy_version BIGINT NOT NULL,
    version BIGINT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (client_id, client_reference)
);
CREATE INDEX cases_client_created ON cases (client_id, created_at, id);
CREATE INDEX cases_created ON cases (created_at, id);
CREATE INDEX cases_stage ON cases (stage);
CREATE INDEX cases_debtor_kvk ON cases (debtor_kvk_number);

CREATE TABLE parties (
    case_id TEXT NOT NULL REFERENCES cases (id),
    role TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    family_name TEXT NOT NULL DEFAULT '',
    family_name_prefix TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    kvk_number TEXT NOT NULL DEFAULT '',
    date_of_birth DATE,
    iban TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, role)
);

CREATE TABLE invoices (
    case_id TEXT NOT NULL REFERENCES cases (id),
    position INTEGER NOT NULL,
    number TEXT NOT NULL,
    invoice_date DATE,
    due_date DATE NOT NULL,
    amount_cents BIGINT NOT NULL,
    PRIMARY KEY (case_id, position)
);

CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    paid_on DATE NOT NULL,
    amount_cents BIGINT NOT NULL,
    invoice_number TEXT NOT NULL DEFAULT '',
    reference TEXT NOT NULL DEFAULT '',
    allocation TEXT NOT NULL DEFAULT '{}',
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX payments_case ON payments (case_id, paid_on);

-- Append-only: the dossier. Never updated, never deleted.
CREATE TABLE case_events (
    case_id TEXT NOT NULL REFERENCES cases (id),
    sequence BIGINT NOT NULL,
    kind TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    stage TEXT NOT NULL,
    suspension TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL DEFAULT '{}',
    policy_version BIGINT NOT NULL,
    PRIMARY KEY (case_id, sequence)
);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    case_id TEXT REFERENCES cases (id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    due_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    leased_by TEXT,
    lease_until TIMESTAMP,
    last_error TEXT,
    trace_context TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX jobs_due ON jobs (due_at);
CREATE INDEX jobs_case ON jobs (case_id);

CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    case_id TEXT REFERENCES cases (id),
    kind TEXT NOT NULL,
    queue TEXT NOT NULL,
    state TEXT NOT NULL,
    title TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}',
    outcomes TEXT NOT NULL DEFAULT '[]',
    claimed_by TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX tasks_queue_state ON tasks (queue, state, created_at);
CREATE INDEX tasks_case ON tasks (case_id);

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    template_version TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',
    bytes BLOB NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_case ON documents (case_id, created_at);

-- A write that carries a request_id is done once: the key is stored in the same
-- transaction as the effect, with the answer to give a retry.
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, key)
);

-- The shared manual clock (serve --clock manual): one row, seen by every instance.
CREATE TABLE clock (
    id INTEGER PRIMARY KEY,
    now TIMESTAMP NOT NULL
);
