-- The exact search keys move from `case_keys` (one B-tree row per key, about nine per
-- case, each landing on a random page: half of an import's time, issue 19) into one
-- column of `case_search`, as tokens of the full-text index the name already has. FTS5
-- gathers a transaction's tokens in memory and writes them as one sorted segment at the
-- commit. A token is a kind letter and the value with every byte but a-y and 0-9 escaped
-- (store::search::token), so any value is one word to the tokenizer and an exact match
-- is a token match. The keys are written again by the service at its next start
-- (store::search::backfill indexes every case without a case_search row).
-- `detail = column`: no query needs word positions.
-- Keep the postgres twin in step.
DROP TABLE case_keys;
DROP TRIGGER case_search_ai;
DROP TRIGGER case_search_ad;
DROP TRIGGER case_search_au;
DROP TABLE case_search_fts;
DELETE FROM case_search;
ALTER TABLE case_search ADD COLUMN keys TEXT NOT NULL DEFAULT '';
CREATE VIRTUAL TABLE case_search_fts USING fts5 (
    name_key, keys, content = 'case_search', content_rowid = 'id', tokenize = 'unicode61',
    detail = column
);
CREATE TRIGGER case_search_ai AFTER INSERT ON case_search BEGIN
    INSERT INTO case_search_fts (rowid, name_key, keys) VALUES (new.id, new.name_key, new.keys);
END;
CREATE TRIGGER case_search_ad AFTER DELETE ON case_search BEGIN
    INSERT INTO case_search_fts (case_search_fts, rowid, name_key, keys)
        VALUES ('delete', old.id, old.name_key, old.keys);
END;
CREATE TRIGGER case_search_au AFTER UPDATE ON case_search BEGIN
    INSERT INTO case_search_fts (case_search_fts, rowid, name_key, keys)
        VALUES ('delete', old.id, old.name_key, old.keys);
    INSERT INTO case_search_fts (rowid, name_key, keys) VALUES (new.id, new.name_key, new.keys);
END;
