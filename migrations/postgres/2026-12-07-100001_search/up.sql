-- The desk's search (CaseService.SearchCases). The keys are normalised by the service at
-- write time (src/case/search.rs: accents folded, lower case, tussenvoegsels moved behind
-- the name), so both backends index the same text. Cases stored before this migration
-- are indexed when the service next migrates (store::search::backfill). Keep the
-- sqlite twin in step.

-- One row per case: the debtor's name key, matched word by word through a full-text
-- index of the 'simple' configuration (no stemming, no stop words: names are not prose).
CREATE TABLE case_search (
    id BIGSERIAL PRIMARY KEY,
    case_id TEXT NOT NULL UNIQUE REFERENCES cases (id),
    name_key TEXT NOT NULL
);
CREATE INDEX case_search_name ON case_search USING GIN (to_tsvector('simple', name_key));

-- The exact keys (postcode + house number, date of birth, IBAN, e-mail, phone, KvK,
-- client reference, payment reference, court case number), one row each.
CREATE TABLE case_keys (
    kind TEXT NOT NULL,
    value TEXT COLLATE "C" NOT NULL,  -- byte order: a postcode range must not skip punctuation
    case_id TEXT NOT NULL REFERENCES cases (id),
    PRIMARY KEY (kind, value, case_id)
);
CREATE INDEX case_keys_case ON case_keys (case_id);
