-- PostgreSQL only (SQLite has no partitioning; its migration of this name is a no-op).
-- docs/SCALING.md says why these keys.
--
-- case_events: by RANGE of case_id, one partition per month of the case's creation. Case
-- ids are UUIDv7 of the service time (src/workflow/cases.rs new_id), so their first 12 hex
-- digits are the creation millisecond: a case's whole dossier lives in one partition, a
-- read or a watch of one case prunes to it, and a month of old, closed cases is one table
-- to archive or detach. The key column is COLLATE "C" so the ranges compare byte-wise
-- whatever the database's locale (a linguistic collation would ignore the hyphens), and so
-- `case_id = $1` (of the same collation) prunes.
--
-- jobs: by RANGE of due_at, one partition per month: the lease scan (due_at <= now) never
-- reads the months ahead, and a month whose timers have all run is an empty table to drop
-- instead of a heap to vacuum. A retry that moves due_at into another month moves the row.
--
-- A DEFAULT partition on each takes what no month covers (ids that are not UUIDv7, times
-- before the first or after the last month). exploot_add_month_partitions(first, months)
-- adds months (idempotent): run it monthly, a year ahead, so no row lands in DEFAULT.

ALTER TABLE case_events RENAME TO case_events_unpartitioned;
ALTER TABLE case_events_unpartitioned RENAME CONSTRAINT case_events_pkey TO case_events_unpartitioned_pkey;
ALTER TABLE jobs RENAME TO jobs_unpartitioned;
ALTER TABLE jobs_unpartitioned RENAME CONSTRAINT jobs_pkey TO jobs_unpartitioned_pkey;
ALTER INDEX jobs_due RENAME TO jobs_unpartitioned_due;
ALTER INDEX jobs_case RENAME TO jobs_unpartitioned_case;

CREATE TABLE case_events (
    case_id TEXT COLLATE "C" NOT NULL REFERENCES cases (id),
    sequence BIGINT NOT NULL,
    kind TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    stage TEXT NOT NULL,
    suspension TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL DEFAULT '{}',
    policy_version BIGINT NOT NULL,
    PRIMARY KEY (case_id, sequence)
) PARTITION BY RANGE (case_id);
CREATE TABLE case_events_default PARTITION OF case_events DEFAULT;

CREATE TABLE jobs (
    id TEXT NOT NULL,
    case_id TEXT REFERENCES cases (id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    due_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    leased_by TEXT,
    lease_until TIMESTAMP,
    last_error TEXT,
    trace_context TEXT,
    created_at TIMESTAMP NOT NULL,
    -- A partitioned table's key must hold the partition column; ids are random UUIDs,
    -- unique on their own.
    PRIMARY KEY (id, due_at)
) PARTITION BY RANGE (due_at);
CREATE INDEX jobs_due ON jobs (due_at);
CREATE INDEX jobs_case ON jobs (case_id);
CREATE TABLE jobs_default PARTITION OF jobs DEFAULT;

-- The first 13 characters of the UUIDv7 text of `at` (48-bit Unix milliseconds as
-- 'xxxxxxxx-xxxx'): the lowest case id of that instant.
CREATE FUNCTION exploot_uuid7_floor(at TIMESTAMP) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
    SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4)
    FROM (SELECT lpad(to_hex((extract(epoch FROM at) * 1000)::BIGINT), 12, '0') AS h) t
$$;

-- Adds the partitions of `months` months from the month of `first` (UTC) to both tables;
-- months that exist are left alone. Returns how many partitions it made.
CREATE FUNCTION exploot_add_month_partitions(first DATE, months INTEGER) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
    made INTEGER := 0;
    m TIMESTAMP;
    next_m TIMESTAMP;
    suffix TEXT;
BEGIN
    FOR i IN 0 .. months - 1 LOOP
        m := date_trunc('month', first::TIMESTAMP) + make_interval(months => i);
        next_m := m + INTERVAL '1 month';
        suffix := to_char(m, '"y"YYYY"m"MM');
        IF to_regclass('case_events_' || suffix) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF case_events FOR VALUES FROM (%L) TO (%L)',
                'case_events_' || suffix, exploot_uuid7_floor(m), exploot_uuid7_floor(next_m));
            made := made + 1;
        END IF;
        IF to_regclass('jobs_' || suffix) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF jobs FOR VALUES FROM (%L) TO (%L)',
                'jobs_' || suffix, m, next_m);
            made := made + 1;
        END IF;
    END LOOP;
    RETURN made;
END
$$;

-- The months of the rows there are, through a year from now.
SELECT exploot_add_month_partitions(
    first.month::DATE,
    ((extract(year FROM age(last.month, first.month)) * 12
      + extract(month FROM age(last.month, first.month)))::INTEGER + 1))
FROM (SELECT date_trunc('month', least(
          (SELECT min(created_at) FROM cases),
          (SELECT min(due_at) FROM jobs_unpartitioned),
          now()::TIMESTAMP)) AS month) first,
     (SELECT date_trunc('month', greatest(
          (SELECT max(due_at) FROM jobs_unpartitioned),
          now()::TIMESTAMP + INTERVAL '12 months')) AS month) last;

INSERT INTO case_events SELECT * FROM case_events_unpartitioned;
INSERT INTO jobs SELECT * FROM jobs_unpartitioned;
DROP TABLE case_events_unpartitioned;
DROP TABLE jobs_unpartitioned;
