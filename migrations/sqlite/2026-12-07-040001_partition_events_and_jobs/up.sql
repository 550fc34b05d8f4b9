-- PostgreSQL only: case_events and jobs are partitioned there (docs/SCALING.md); SQLite
-- has no partitioning and keeps its tables as they are. This file keeps the two
-- backends' migration names in step.
SELECT 1;
