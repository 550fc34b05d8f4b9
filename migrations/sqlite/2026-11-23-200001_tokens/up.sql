-- API tokens (README → Tokens and roles). Only the SHA-256 of a token is kept: the token
-- itself is shown once by `exploot token create` and never stored. A client token is bound
-- to one client; revoked_at set means refused from then on. Keep the postgres twin in step.

CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    secret_sha256 TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('case_handler', 'front_office', 'client', 'admin')),
    client_id TEXT REFERENCES clients (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP,
    CHECK ((role = 'client') = (client_id IS NOT NULL))
);
