DROP TRIGGER case_search_ai;
DROP TRIGGER case_search_ad;
DROP TRIGGER case_search_au;
DROP TABLE case_search_fts;
DELETE FROM case_search;
ALTER TABLE case_search DROP COLUMN keys;
CREATE VIRTUAL TABLE case_search_fts USING fts5 (
    name_key, content = 'case_search', content_rowid = 'id', tokenize = 'unicode61'
);
CREATE TRIGGER case_search_ai AFTER INSERT ON case_search BEGIN
    INSERT INTO case_search_fts (rowid, name_key) VALUES (new.id, new.name_key);
END;
CREATE TRIGGER case_search_ad AFTER DELETE ON case_search BEGIN
    INSERT INTO case_search_fts (case_search_fts, rowid, name_key)
        VALUES ('delete', old.id, old.name_key);
END;
CREATE TRIGGER case_search_au AFTER UPDATE ON case_search BEGIN
    INSERT INTO case_search_fts (case_search_fts, rowid, name_key)
        VALUES ('delete', old.id, old.name_key);
    INSERT INTO case_search_fts (rowid, name_key) VALUES (new.id, new.name_key);
END;
CREATE TABLE case_keys (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    PRIMARY KEY (kind, value, case_id)
) WITHOUT ROWID;
CREATE INDEX case_keys_case ON case_keys (case_id);
