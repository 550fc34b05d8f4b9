ALTER TABLE portal_users DROP COLUMN disabled_at;
