-- Back to one table each, rows kept.
ALTER TABLE case_events RENAME TO case_events_partitioned;
ALTER TABLE jobs RENAME TO jobs_partitioned;
ALTER INDEX jobs_due RENAME TO jobs_partitioned_due;
ALTER INDEX jobs_case RENAME TO jobs_partitioned_case;

CREATE TABLE case_events (
    case_id TEXT NOT NULL REFERENCES cases (id),
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
);
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
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
    created_at TIMESTAMP NOT NULL
);
INSERT INTO case_events SELECT * FROM case_events_partitioned;
INSERT INTO jobs SELECT * FROM jobs_partitioned;
DROP TABLE case_events_partitioned;
DROP TABLE jobs_partitioned;
CREATE INDEX jobs_due ON jobs (due_at);
CREATE INDEX jobs_case ON jobs (case_id);
DROP FUNCTION exploot_add_month_partitions(DATE, INTEGER);
DROP FUNCTION exploot_uuid7_floor(TIMESTAMP);
