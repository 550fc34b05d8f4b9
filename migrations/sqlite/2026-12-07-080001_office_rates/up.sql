-- The statutory interest rates the office added (AdminService.AddRate, `exploot rates
-- add`), merged over the built-in table (src/law/rates.csv): on a day both have a row of
-- a series, the office's wins, and of several office rows the last added. Rows are never
-- updated or deleted: a correction is a new row, audited in admin_events. Keep the
-- postgres twin in step.

CREATE TABLE office_rates (
    id TEXT PRIMARY KEY,
    series TEXT NOT NULL CHECK (series IN ('6:119', '6:119a')),
    valid_from DATE NOT NULL,
    rate_bp BIGINT NOT NULL CHECK (rate_bp >= 0 AND rate_bp <= 10000),
    source TEXT NOT NULL,
    override_past BOOLEAN NOT NULL,
    added_by TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL
);
CREATE INDEX office_rates_added ON office_rates (added_at, id);
