DROP TABLE case_keys;
DROP TABLE case_search;
