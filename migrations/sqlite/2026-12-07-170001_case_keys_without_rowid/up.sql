-- The exact search keys as a WITHOUT ROWID table: the primary key (kind, value, case_id)
-- is the table, so an imported case's dozen keys land in one B-tree instead of a rowid
-- table plus its key index (68 of 208 MB at 100,000 claims, the largest structure, issue
-- 19's profile). Same columns, same rows.
CREATE TABLE case_keys_new (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    PRIMARY KEY (kind, value, case_id)
) WITHOUT ROWID;
INSERT INTO case_keys_new (kind, value, case_id) SELECT kind, value, case_id FROM case_keys;
DROP TABLE case_keys;
ALTER TABLE case_keys_new RENAME TO case_keys;
CREATE INDEX case_keys_case ON case_keys (case_id);
