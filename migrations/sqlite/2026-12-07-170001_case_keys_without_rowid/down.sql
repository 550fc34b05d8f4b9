CREATE TABLE case_keys_old (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    PRIMARY KEY (kind, value, case_id)
);
INSERT INTO case_keys_old (kind, value, case_id) SELECT kind, value, case_id FROM case_keys;
DROP TABLE case_keys;
ALTER TABLE case_keys_old RENAME TO case_keys;
CREATE INDEX case_keys_case ON case_keys (case_id);
