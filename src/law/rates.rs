//! The statutory interest rates (*wettelijke rente*) as data.
//!
//! Two series, each a list of (first day in force, yearly rate) rows; a rate stays in force
//! until the next row of its series, and the last row stays in force until a new row is
//! added. The rows live in `src/law/rates.csv`, a copy of `shared/reference/rates.csv`
//! with the status and source of every row beside it, compiled into the binary with
//! `include_str!` and parsed once.
//!
//! - [`RateSeries::Statutory`]: art. 6:119 BW (consumers and other non-commercial claims),
//!   fixed half-yearly by AMvB (Besluit vaststelling wettelijke rente), art. 6:120 lid 1.
//!   Known from 1976-04-01.
//! - [`RateSeries::Commercial`]: art. 6:119a BW (*wettelijke handelsrente*, between
//!   businesses), ECB main refinancing rate + 7 pp (+ 8 pp from 2013-03-16), art. 6:120
//!   lid 2. Known from 2002-08-08.
//!
//! Rows NOT verified against an official list (the CSV's `status` column), and what is
//! used — check them against rijksoverheid.nl "Hoogte wettelijke rente" before relying on
//! them; a search of the stored public pages found no official list for these dates:
//!
//! | series | from | used | status | the doubt |
//! |---|---|---|---|---|
//! | 6:119 | 2012-01-01 | 4 % | unverified | an "unchanged" row, implied by fintool.nl; harmless (same rate as the row before) |
//! | 6:119 | 2025-07-01 | 6 % | unverified | third-party table says unchanged; the ECB formula (2.40 + 2.25) would give 5 % |
//! | 6:119 | 2026-01-01 | 4 % | unverified | third-party table; consistent with the formula |
//! | 6:119a | 2004-01-01 | 9.02 % | CONFLICT | Raad van Arbitrage lists 9.01 %; 9.02 % matches the ECB marginal rate then and a third-party table |
//! | 6:119a | 2011-07-01 | 8.25 % | CONFLICT | one page says 8.00 % all of 2011–2012; ECB 1.25 % + 7 = 8.25 % |
//! | 6:119a | 2013-03-16 | 8.75 % | unverified | the law change (+ 8 pp) is verified, the figure is ECB 0.75 % + 8 |
//! | 6:119a | 2014-01-01 | 8.25 % | unverified | ECB 0.25 % + 8 |
//! | 6:119a | 2015-07-01 | 8.05 % | unverified | "unchanged" row |
//! | 6:119a | 2016-07-01 | 8.00 % | unverified | the level is verified, the first day is assumed |
//! | 6:119a | 2025-07-01 | 10.15 % | unverified | ECB 2.15 % + 8 |
//! | 6:119a | 2026-01-01 | 10.15 % | unverified | "unchanged" row |
//! | 6:119a | 2026-07-01 | 10.40 % | unverified | a single unattributed code comment; a future date |
//!
//! All rows are used as listed; changing a figure means changing the CSV (and its tests).

use std::sync::LazyLock;

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Which statutory interest applies: the debtor's kind decides (art. 6:119a applies to
/// *handelsovereenkomsten*, everything else earns art. 6:119).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RateSeries {
    /// *Wettelijke rente*, art. 6:119 BW: consumers and non-commercial claims.
    Statutory,
    /// *Wettelijke handelsrente*, art. 6:119a BW: commercial transactions.
    Commercial,
}

/// A yearly interest rate in basis points (1 bp = 0.01 %), exact: every Dutch statutory
/// rate has at most two decimals in percent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(u32);

impl Rate {
    /// A rate from basis points (`1035` = 10.35 % a year), the form stored on disk.
    pub const fn from_basis_points(bp: u32) -> Rate {
        Rate(bp)
    }

    /// The rate in basis points, for integer arithmetic and storage.
    pub const fn basis_points(self) -> u32 {
        self.0
    }

    /// The rate in percent (`10.35`), as it is printed and put on the wire.
    pub fn percent(self) -> Decimal {
        Decimal::new(i64::from(self.0), 2)
    }

    /// The rate as a fraction (`0.1035`), to multiply money with.
    pub fn fraction(self) -> Decimal {
        Decimal::new(i64::from(self.0), 4)
    }
}

impl std::fmt::Display for Rate {
    /// Percent with two decimals: `10.35`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.percent())
    }
}

/// How sure we are of a row (the CSV's `status` column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateStatus {
    /// Seen in a retrieved source, cited in the row.
    Verified,
    /// Best knowledge, not confirmed from a retrieved source.
    Unverified,
    /// Sources disagree; the row holds the figure chosen (see the module doc).
    Conflict,
}

/// One row of the rate history: from `valid_from` on, `rate` is in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateRow {
    /// The series the row belongs to.
    pub series: RateSeries,
    /// First day the rate is in force.
    pub valid_from: NaiveDate,
    /// The yearly rate.
    pub rate: Rate,
    /// Whether the figure is verified.
    pub status: RateStatus,
    /// What the source says, verbatim from the reference.
    pub note: &'static str,
    /// Where the figure comes from.
    pub source: &'static str,
}

const RATES_CSV: &str = include_str!("rates.csv");

struct Table {
    statutory: Vec<RateRow>,
    commercial: Vec<RateRow>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut statutory = Vec::new();
    let mut commercial = Vec::new();
    for (number, line) in RATES_CSV.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let row = parse_row(line).unwrap_or_else(|e| panic!("rates.csv line {}: {e}", number + 1));
        match row.series {
            RateSeries::Statutory => statutory.push(row),
            RateSeries::Commercial => commercial.push(row),
        }
    }
    for rows in [&statutory, &commercial] {
        assert!(
            rows.windows(2).all(|w| w[0].valid_from < w[1].valid_from),
            "rates.csv: rows of a series must be in strictly increasing date order"
        );
    }
    Table {
        statutory,
        commercial,
    }
});

fn parse_row(line: &'static str) -> Result<RateRow, String> {
    let mut fields = line.splitn(6, ',');
    let mut next = |name: &str| fields.next().ok_or(format!("missing field {name}"));
    let series = match next("series")? {
        "6:119" => RateSeries::Statutory,
        "6:119a" => RateSeries::Commercial,
        other => return Err(format!("unknown series {other:?}")),
    };
    let valid_from = NaiveDate::parse_from_str(next("valid_from")?, "%Y-%m-%d")
        .map_err(|e| format!("valid_from: {e}"))?;
    let percent =
        Decimal::from_str_exact(next("rate_percent")?).map_err(|e| format!("rate_percent: {e}"))?;
    let bp = percent * Decimal::ONE_HUNDRED;
    if bp.fract() != Decimal::ZERO || bp < Decimal::ZERO {
        return Err(format!(
            "rate {percent} is not a whole number of basis points"
        ));
    }
    let bp = u32::try_from(bp).map_err(|e| format!("rate_percent: {e}"))?;
    let status = match next("status")? {
        "verified" => RateStatus::Verified,
        "unverified" => RateStatus::Unverified,
        "conflict" => RateStatus::Conflict,
        other => return Err(format!("unknown status {other:?}")),
    };
    let note = next("note")?;
    let source = next("source")?;
    Ok(RateRow {
        series,
        valid_from,
        rate: Rate(bp),
        status,
        note,
        source,
    })
}

/// Every row of a series in date order, with status and source: for showing the rate
/// history and for the itemised interest calculation.
pub fn rate_rows(series: RateSeries) -> &'static [RateRow] {
    match series {
        RateSeries::Statutory => &TABLE.statutory,
        RateSeries::Commercial => &TABLE.commercial,
    }
}

/// The first day for which the series has a rate; interest for earlier days cannot be
/// computed from this table.
pub fn first_known_day(series: RateSeries) -> NaiveDate {
    rate_rows(series)[0].valid_from
}

/// The yearly rate in force on `date`, or `None` before the first row of the series.
pub fn rate_on(series: RateSeries, date: NaiveDate) -> Option<Rate> {
    let rows = rate_rows(series);
    let index = rows.partition_point(|row| row.valid_from <= date);
    index.checked_sub(1).map(|i| rows[i].rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn table_loads_with_every_row() {
        // shared/reference/rates.csv has 71 rows: 32 for 6:119 and 39 for 6:119a.
        assert_eq!(rate_rows(RateSeries::Statutory).len(), 32);
        assert_eq!(rate_rows(RateSeries::Commercial).len(), 39);
        assert_eq!(first_known_day(RateSeries::Statutory), d("1976-04-01"));
        assert_eq!(first_known_day(RateSeries::Commercial), d("2002-08-08"));
    }

    #[test]
    fn rates_in_force() {
        use RateSeries::{Commercial as C, Statutory as S};
        // law.md §1 and §2, each a VERIFIED row unless noted.
        let cases = [
            (S, "1976-03-31", None),
            (S, "1976-04-01", Some(800)),
            (S, "2014-12-31", Some(300)),
            (S, "2015-01-01", Some(200)),
            (S, "2022-12-31", Some(200)),
            (S, "2023-01-01", Some(400)),
            (S, "2023-07-01", Some(600)),
            (S, "2024-09-30", Some(700)),
            (S, "2025-03-01", Some(600)),
            (S, "2026-02-01", Some(400)), // UNVERIFIED row
            (C, "2002-08-07", None),
            (C, "2002-12-01", Some(1035)),
            (C, "2004-03-01", Some(902)), // CONFLICT row, 9.02 % chosen
            (C, "2013-03-15", Some(775)),
            (C, "2013-03-16", Some(875)), // UNVERIFIED value
            (C, "2020-06-30", Some(800)),
            (C, "2023-07-01", Some(1200)),
            (C, "2024-01-01", Some(1250)),
            (C, "2024-07-01", Some(1225)),
            (C, "2025-01-01", Some(1115)),
        ];
        for (series, date, bp) in cases {
            assert_eq!(
                rate_on(series, d(date)).map(Rate::basis_points),
                bp,
                "{series:?} {date}"
            );
        }
    }

    #[test]
    fn statuses_are_carried() {
        let conflicts: Vec<_> = rate_rows(RateSeries::Commercial)
            .iter()
            .filter(|r| r.status == RateStatus::Conflict)
            .map(|r| r.valid_from.to_string())
            .collect();
        assert_eq!(conflicts, ["2004-01-01", "2011-07-01"]);
        assert!(
            rate_rows(RateSeries::Statutory)
                .iter()
                .all(|r| !r.source.is_empty())
        );
    }

    #[test]
    fn rate_formats() {
        let r = Rate::from_basis_points(1035);
        assert_eq!(r.to_string(), "10.35");
        assert_eq!(r.fraction(), Decimal::new(1035, 4));
        assert_eq!(Rate::from_basis_points(800).to_string(), "8.00");
    }
}
