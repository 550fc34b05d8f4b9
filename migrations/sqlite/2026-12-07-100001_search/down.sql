DROP TABLE case_keys;
DROP TRIGGER case_search_au;
DROP TRIGGER case_search_ad;
DROP TRIGGER case_search_ai;
DROP TABLE case_search_fts;
DROP TABLE case_search;
