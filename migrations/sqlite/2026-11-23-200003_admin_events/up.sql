-- The office's own acts that belong to no case: a client stored (its payout IBAN among
-- them), a track policy version, the manual clock moved. Append-only, like case_events:
-- who, when, what, and the new state as JSON. Keep the twin migration in step.

CREATE TABLE admin_events (
    id TEXT PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX admin_events_subject ON admin_events (subject, at);
