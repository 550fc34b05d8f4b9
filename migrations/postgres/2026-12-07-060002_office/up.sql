-- The office itself (AdminService.PutOffice): its names, bailiffs, addresses, numbers and
-- accounts, as JSON (src/case/office.rs). Append-only: each Put is the next version, in
-- force from created_at until the next; documents keep the version they were rendered
-- with. Keep the twin migration in step.

CREATE TABLE office_versions (
    version BIGINT PRIMARY KEY,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
