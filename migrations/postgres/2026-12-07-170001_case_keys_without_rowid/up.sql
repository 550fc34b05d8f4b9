-- SQLite only (see its twin: case_keys WITHOUT ROWID); PostgreSQL has no rowid table to
-- drop. This file keeps the two backends' migration names in step.
SELECT 1;
