-- The exact search keys move from `case_keys` (one B-tree row per key, about nine per
-- case plus the same again in its case_id index, each landing on a random page: the
-- largest single cost of an import, issue 19) into one column of `case_search`: the
-- tokens the sqlite twin gives its full-text index (a kind letter and the value with
-- every byte but a-y and 0-9 escaped, store::search::token), space-separated, under a
-- GIN index of the split array (one index entry per key still, as in case_keys, but one
-- index instead of two, and GIN's fast update appends a transaction's entries to a
-- pending list merged into the tree in sorted bulk). The keys are written again by the
-- service at its next start (store::search::backfill indexes every case without a
-- case_search row). Keep the sqlite twin in step.
DROP TABLE case_keys;
DELETE FROM case_search;
ALTER TABLE case_search ADD COLUMN keys TEXT NOT NULL DEFAULT '';
CREATE INDEX case_search_keys ON case_search USING GIN (string_to_array(keys, ' '));
