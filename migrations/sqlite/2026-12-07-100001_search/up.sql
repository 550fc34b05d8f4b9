-- The desk's search (CaseService.SearchCases). The keys are normalised by the service at
-- write time (src/case/search.rs: accents folded, lower case, tussenvoegsels moved behind
-- the name), so both backends index the same text. Cases stored before this migration
-- are indexed when the service next migrates (store::search::backfill). Keep the
-- postgres twin in step.

-- One row per case: the debtor's name key, matched word by word by FTS5.
CREATE TABLE case_search (
    id INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL UNIQUE REFERENCES cases (id),
    name_key TEXT NOT NULL
);
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

-- The exact keys (postcode + house number, date of birth, IBAN, e-mail, phone, KvK,
-- client reference, payment reference, court case number), one row each.
CREATE TABLE case_keys (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    PRIMARY KEY (kind, value, case_id)
);
CREATE INDEX case_keys_case ON case_keys (case_id);
