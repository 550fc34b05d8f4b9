-- Answers of the public registers (KvK, insolvency register), cached so that many cases of
-- one debtor cost one call. request_key is a SHA-256 of the normalised request; the row is
-- fresh while fetched_at + the configured TTL lies ahead. Keep the sqlite twin in step.

CREATE TABLE register_answers (
    register TEXT NOT NULL,
    operation TEXT NOT NULL,
    request_key TEXT NOT NULL,
    request TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    PRIMARY KEY (register, operation, request_key)
);
