-- A portal user the office disabled (a credit controller who left the client): refused
-- at sign-in, every session ended. Keep the sqlite twin in step.
ALTER TABLE portal_users ADD COLUMN disabled_at TIMESTAMP;
