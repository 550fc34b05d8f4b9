CREATE TABLE office_court_fees (
    id TEXT PRIMARY KEY,
    year INTEGER NOT NULL CHECK (year >= 2000 AND year <= 2199),
    fees TEXT NOT NULL,
    source TEXT NOT NULL,
    override_past BOOLEAN NOT NULL,
    added_by TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL
);
INSERT INTO office_court_fees (id, year, fees, source, override_past, added_by, added_at)
SELECT id, year, figures, source, override_past, added_by, added_at
FROM office_tariff_years WHERE tariff = 'court_fees';
DROP TABLE office_tariff_years;
CREATE INDEX office_court_fees_added ON office_court_fees (added_at, id);
