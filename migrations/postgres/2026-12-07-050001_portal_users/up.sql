-- The client portal's users and their sessions (README → Portal). A user belongs to one
-- client and sees only its cases. Only an argon2id hash of the password is kept, and only
-- the SHA-256 of a session's cookie value. Five wrong passwords in a row lock the user
-- until locked_until (the service clock). Keep the sqlite twin in step.

CREATE TABLE portal_users (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id),
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE portal_sessions (
    secret_sha256 TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE INDEX portal_sessions_user ON portal_sessions (user_id);
