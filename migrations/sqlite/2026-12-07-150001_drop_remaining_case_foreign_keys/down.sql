-- PostgreSQL only (see its twin): SQLite cannot drop a foreign key without rebuilding the
-- table, and its look-up is an in-process B-tree probe. This file keeps the two backends'
-- migration names in step.
SELECT 1;
