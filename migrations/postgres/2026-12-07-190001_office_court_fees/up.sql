-- The kanton court fee tables the office added (AdminService.AddCourtFees), merged over
-- the built-in years (src/law/court_fees.rs): a year added replaces the built-in table of
-- that year, and of several added for one year the last added wins. Rows are never
-- updated or deleted: a correction is a new row, audited in admin_events. `fees` is the
-- table as JSON, six classes of three payers in cents:
-- [[legal person, natural person, onvermogend], …], classes up to € 500, € 1,500,
-- € 2,500, € 5,000, € 12,500 and above. Keep the sqlite twin in step.

CREATE TABLE office_court_fees (
    id TEXT PRIMARY KEY,
    year INTEGER NOT NULL CHECK (year >= 2000 AND year <= 2199),
    fees TEXT NOT NULL,
    source TEXT NOT NULL,
    override_past BOOLEAN NOT NULL,
    added_by TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL
);
CREATE INDEX office_court_fees_added ON office_court_fees (added_at, id);
