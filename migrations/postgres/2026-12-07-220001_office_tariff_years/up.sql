-- The yearly tariffs the office added, each merged over the built-in years of its kind:
-- the kanton court fees (AdminService.AddCourtFees, src/law/court_fees.rs) and the
-- bailiff's fees (AddBailiffTariffs, src/law/bailiff_tariffs.rs). It takes over
-- office_court_fees and keeps its rows. A year added replaces the built-in figures of that
-- year, and of several added for one year the last added wins. Rows are never updated or
-- deleted: a correction is a new row, audited in admin_events. `figures` is the year as
-- JSON in cents:
--   court_fees: six classes of three payers, [[legal person, natural person, onvermogend],
--     …], classes up to € 500, € 1,500, € 2,500, € 5,000, € 12,500 and above;
--   bailiff_fees: the nine acts of Btag art. 2a, 2b, 2c, 2d, 2e, 2i, 2j, 2k and 2o, in that
--     order, from 1 January of the year.
-- Keep the sqlite twin in step.

CREATE TABLE office_tariff_years (
    id TEXT PRIMARY KEY,
    tariff TEXT NOT NULL CHECK (tariff IN ('court_fees', 'bailiff_fees')),
    year INTEGER NOT NULL CHECK (year >= 2000 AND year <= 2199),
    figures TEXT NOT NULL,
    source TEXT NOT NULL,
    override_past BOOLEAN NOT NULL,
    added_by TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL
);
INSERT INTO office_tariff_years
    (id, tariff, year, figures, source, override_past, added_by, added_at)
SELECT id, 'court_fees', year, fees, source, override_past, added_by, added_at
FROM office_court_fees;
DROP TABLE office_court_fees;
CREATE INDEX office_tariff_years_added ON office_tariff_years (added_at, id);
