DROP INDEX case_search_keys;
DELETE FROM case_search;
ALTER TABLE case_search DROP COLUMN keys;
CREATE TABLE case_keys (
    kind TEXT NOT NULL,
    value TEXT COLLATE "C" NOT NULL,
    case_id TEXT NOT NULL,
    PRIMARY KEY (kind, value, case_id)
);
CREATE INDEX case_keys_case ON case_keys (case_id);
