//! The statutory interest rates (*wettelijke rente*) as data.
//!
//! Two series, each a list of (first day in force, yearly rate) rows; a rate stays in force
//! until the next row of its series, and the last row stays in force until a new row is
//! added. The built-in rows live in `src/law/rates.csv`, a verbatim copy of
//! `shared/reference/rates.csv` with the status and source of every row beside it (a test
//! checks it against `tests/it/fixtures/reference/rates.csv`, the reference as last taken
//! over), compiled into the binary with `include_str!` and parsed once.
//!
//! The office adds rows without a release (`AdminService.AddRate`, `exploot rates add`):
//! they are stored in the database and merged over the built-in rows into a [`RateTable`]
//! ([`RateTable::with_office_rows`]), which the caller passes into the quote
//! ([`QuoteRequest::rates`](super::quote::QuoteRequest::rates)). The law reads no database:
//! the table is data handed in.
//!
//! - [`RateSeries::Statutory`]: art. 6:119 BW (consumers and other non-commercial claims),
//!   fixed half-yearly by AMvB (Besluit vaststelling wettelijke rente), art. 6:120 lid 1.
//!   Known from 1976-04-01.
//! - [`RateSeries::Commercial`]: art. 6:119a BW (*wettelijke handelsrente*, between
//!   businesses), ECB main refinancing rate + 7 pp (+ 8 pp from 2013-03-16), art. 6:120
//!   lid 2. Known from 2002-08-08.
//!
//! Rows not seen in a retrieved source (the CSV's `status` column), and what is used —
//! check them against rijksoverheid.nl "Hoogte wettelijke rente" before relying on them:
//!
//! | series | from | used | status | what it rests on |
//! |---|---|---|---|---|
//! | 6:119 | 2012-01-01 | 4 % | unverified | an "unchanged" row implied by fintool.nl; harmless (same rate as the row before) |
//! | 6:119 | 2026-01-01 | 4 % | corroborated | a third party's reading of the official versions list; the decision itself not retrieved; consistent with the formula (ECB 2.15 + 2.25 → 4) |
//! | 6:119a | 2004-01-01 | 9.02 % | derived | ECB marginal rate 2.02 % of the last tender before 1-1-2004 + 7; Raad van Arbitrage's single 9.01 % row merges two half-years |
//! | 6:119a | 2011-07-01 | 8.25 % | derived | ECB 1.25 % + 7; one page's 8.00 % for all of 2011 is wrong by the formula |
//! | 6:119a | 2013-03-16 | 8.75 % | derived | ECB 0.75 % + 8 (the +8 rule for contracts from 16-3-2013; older contracts may keep +7 = 7.75 %: not modelled) |
//! | 6:119a | 2014-01-01 | 8.25 % | derived | ECB 0.25 % + 8 |
//! | 6:119a | 2015-07-01 | 8.05 % | derived | ECB 0.05 % + 8 (unchanged) |
//! | 6:119a | 2016-07-01 | 8.00 % | derived | ECB 0.00 % + 8; the level is verified (rijksoverheid.nl), the first day by the formula |
//! | 6:119a | 2026-01-01 | 10.15 % | derived | ECB 2.15 % + 8 (unchanged) |
//! | 6:119a | 2026-07-01 | 10.40 % | derived | ECB raised the MRO to 2.40 % on 11-6-2026 + 8, as cited by secondary reports |
//!
//! Derived rows follow art. 6:120 lid 2 BW, which fixes the commercial rate by formula
//! (no decision needed), from the ECB's published key rates; they are as good as the ECB
//! figure they rest on. The 2025-07-01 rows (6 % and 10.15 %) are verified since the
//! reference's last revision. All rows are used as listed; changing a figure means
//! changing the CSV (and its tests), or, in an office, adding a row.

use std::sync::{Arc, LazyLock};

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

impl RateSeries {
    /// The name used in the CSV, on the wire and on disk: `6:119` or `6:119a`.
    pub fn as_str(self) -> &'static str {
        match self {
            RateSeries::Statutory => "6:119",
            RateSeries::Commercial => "6:119a",
        }
    }

    /// Reads [`as_str`](Self::as_str)'s name.
    pub fn parse(text: &str) -> Option<RateSeries> {
        match text {
            "6:119" => Some(RateSeries::Statutory),
            "6:119a" => Some(RateSeries::Commercial),
            _ => None,
        }
    }
}

/// A yearly interest rate in basis points (1 bp = 0.01 %), exact: every Dutch statutory
/// rate has at most two decimals in percent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(u32);

/// The highest rate a row may hold: 100 % a year, far above any statutory rate since 1976
/// (12 %), so a typing error (`1015` for `10.15`) is refused rather than charged.
pub const MAX_RATE: Rate = Rate(10_000);

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

    /// A rate from a percentage (`"10.15"`): at most two decimals, from 0 to
    /// [`MAX_RATE`]; the error says what is wrong, for a person to act on.
    pub fn parse_percent(text: &str) -> Result<Rate, String> {
        let percent = Decimal::from_str_exact(text.trim())
            .map_err(|_| format!("{text:?} is not a percentage such as 10.15"))?;
        let bp = percent * Decimal::ONE_HUNDRED;
        if bp.fract() != Decimal::ZERO {
            return Err(format!(
                "{percent} has more than two decimals (a rate is whole basis points)"
            ));
        }
        if bp.is_sign_negative() && !bp.is_zero() {
            return Err(format!("{percent} is negative"));
        }
        match u32::try_from(bp) {
            Ok(bp) if bp <= MAX_RATE.0 => Ok(Rate(bp)),
            _ => Err(format!("{percent} is above {}", MAX_RATE.percent())),
        }
    }
}

impl std::fmt::Display for Rate {
    /// Percent with two decimals: `10.35`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.percent())
    }
}

/// How sure we are of a row (the CSV's `status` column), or that the office added it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateStatus {
    /// Seen in a retrieved source, cited in the row.
    Verified,
    /// Computed by the statutory formula (art. 6:120 lid 2 BW) from published ECB rates.
    Derived,
    /// Confirmed indirectly (a third party's reading of the official list), not seen.
    Corroborated,
    /// Best knowledge, not confirmed from a retrieved source.
    Unverified,
    /// Sources disagree; the row holds the figure chosen (see the module doc).
    Conflict,
    /// Added by the office (`AdminService.AddRate`) with the source it gave.
    Office,
}

impl RateStatus {
    /// The CSV's and the wire's name.
    pub fn as_str(self) -> &'static str {
        match self {
            RateStatus::Verified => "verified",
            RateStatus::Derived => "derived",
            RateStatus::Corroborated => "corroborated",
            RateStatus::Unverified => "unverified",
            RateStatus::Conflict => "conflict",
            RateStatus::Office => "office",
        }
    }

    fn parse(text: &str) -> Option<RateStatus> {
        [
            RateStatus::Verified,
            RateStatus::Derived,
            RateStatus::Corroborated,
            RateStatus::Unverified,
            RateStatus::Conflict,
            RateStatus::Office,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
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
    /// What the source says, verbatim from the reference (empty for an office row).
    pub note: String,
    /// Where the figure comes from.
    pub source: String,
}

const RATES_CSV: &str = include_str!("rates.csv");

/// The rows of both series in force for a computation: the built-in rows, with the
/// office's rows merged over them. Cheap to clone (the rows are shared); compare with
/// `==` by content.
#[derive(Clone, PartialEq, Eq)]
pub struct RateTable {
    statutory: Arc<[RateRow]>,
    commercial: Arc<[RateRow]>,
}

impl std::fmt::Debug for RateTable {
    /// A summary: a quote request's debug output need not list 71 rows.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let office = |rows: &[RateRow]| {
            rows.iter()
                .filter(|r| r.status == RateStatus::Office)
                .count()
        };
        write!(
            f,
            "RateTable({} + {} rows, {} from the office)",
            self.statutory.len(),
            self.commercial.len(),
            office(&self.statutory) + office(&self.commercial)
        )
    }
}

impl Default for RateTable {
    /// The built-in table.
    fn default() -> Self {
        RateTable::built_in().clone()
    }
}

static BUILT_IN: LazyLock<RateTable> = LazyLock::new(|| {
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
    RateTable {
        statutory: statutory.into(),
        commercial: commercial.into(),
    }
});

fn parse_row(line: &str) -> Result<RateRow, String> {
    let mut fields = line.splitn(6, ',');
    let mut next = |name: &str| fields.next().ok_or(format!("missing field {name}"));
    let series = next("series")?;
    let series = RateSeries::parse(series).ok_or(format!("unknown series {series:?}"))?;
    let valid_from = NaiveDate::parse_from_str(next("valid_from")?, "%Y-%m-%d")
        .map_err(|e| format!("valid_from: {e}"))?;
    let rate = Rate::parse_percent(next("rate_percent")?)?;
    let status = next("status")?;
    let status = RateStatus::parse(status).ok_or(format!("unknown status {status:?}"))?;
    let note = next("note")?.to_owned();
    let source = next("source")?.to_owned();
    Ok(RateRow {
        series,
        valid_from,
        rate,
        status,
        note,
        source,
    })
}

impl RateTable {
    /// The built-in table: `src/law/rates.csv`.
    pub fn built_in() -> &'static RateTable {
        &BUILT_IN
    }

    /// This table with the office's `rows` merged over it. On a day both have a row of
    /// the same series, the office's wins, and of several office rows for one day the
    /// last given (the caller gives them in the order they were added): an office row is
    /// how a figure is corrected without a release.
    pub fn with_office_rows(&self, rows: &[RateRow]) -> RateTable {
        let merge = |series: RateSeries, base: &[RateRow]| -> Arc<[RateRow]> {
            let mut merged: Vec<RateRow> = base.to_vec();
            for row in rows.iter().filter(|r| r.series == series) {
                match merged.binary_search_by_key(&row.valid_from, |r| r.valid_from) {
                    Ok(i) => merged[i] = row.clone(),
                    Err(i) => merged.insert(i, row.clone()),
                }
            }
            merged.into()
        };
        RateTable {
            statutory: merge(RateSeries::Statutory, &self.statutory),
            commercial: merge(RateSeries::Commercial, &self.commercial),
        }
    }

    /// Every row of a series in date order, with status and source.
    pub fn rows(&self, series: RateSeries) -> &[RateRow] {
        self.shared_rows(series)
    }

    /// The rows of a series, shared (for an account that outlives a borrow of the table).
    pub fn shared_rows(&self, series: RateSeries) -> &Arc<[RateRow]> {
        match series {
            RateSeries::Statutory => &self.statutory,
            RateSeries::Commercial => &self.commercial,
        }
    }

    /// The first day for which the series has a rate; interest for earlier days cannot be
    /// computed from this table.
    pub fn first_known_day(&self, series: RateSeries) -> NaiveDate {
        self.rows(series)[0].valid_from
    }

    /// The yearly rate in force on `date`, or `None` before the first row of the series.
    pub fn rate_on(&self, series: RateSeries, date: NaiveDate) -> Option<Rate> {
        let rows = self.rows(series);
        let index = rows.partition_point(|row| row.valid_from <= date);
        index.checked_sub(1).map(|i| rows[i].rate)
    }

    /// The days on which this table and `other` give a series different rates, as
    /// half-open ranges `[from, until)` (`until` `None`: from `from` on, for good); empty
    /// when they agree everywhere. What an added row changes: a figure over a day in one
    /// of these ranges.
    pub fn differences(
        &self,
        other: &RateTable,
        series: RateSeries,
    ) -> Vec<(NaiveDate, Option<NaiveDate>)> {
        let mut days: Vec<NaiveDate> = self
            .rows(series)
            .iter()
            .chain(other.rows(series))
            .map(|r| r.valid_from)
            .collect();
        days.sort_unstable();
        days.dedup();
        let mut out: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
        for (i, &day) in days.iter().enumerate() {
            let until = days.get(i + 1).copied();
            if self.rate_on(series, day) == other.rate_on(series, day) {
                continue;
            }
            match out.last_mut() {
                Some(last) if last.1 == Some(day) => last.1 = until,
                _ => out.push((day, until)),
            }
        }
        out
    }
}

/// Every built-in row of a series in date order, with status and source.
pub fn rate_rows(series: RateSeries) -> &'static [RateRow] {
    RateTable::built_in().rows(series)
}

/// The first day for which the built-in series has a rate.
pub fn first_known_day(series: RateSeries) -> NaiveDate {
    RateTable::built_in().first_known_day(series)
}

/// The built-in yearly rate in force on `date`, or `None` before the first row.
pub fn rate_on(series: RateSeries, date: NaiveDate) -> Option<Rate> {
    RateTable::built_in().rate_on(series, date)
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

    /// The reference as last taken over from `shared/reference/rates.csv`, kept in the
    /// repository so the test needs nothing outside it.
    const REFERENCE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it/fixtures/reference/rates.csv"
    ));

    #[test]
    fn built_in_table_equals_the_reference_rows() {
        // Read the reference without the table's parser: series, day, rate in percent,
        // status, note and source of every row, in the file's order.
        let mut lines = REFERENCE.lines();
        assert_eq!(
            lines.next(),
            Some("series,valid_from,rate_percent,status,note,source")
        );
        let expected: Vec<[String; 6]> = lines
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let f: Vec<&str> = l.splitn(6, ',').collect();
                std::array::from_fn(|i| f[i].to_owned())
            })
            .collect();
        let table = RateTable::built_in();
        let actual: Vec<[String; 6]> = [RateSeries::Statutory, RateSeries::Commercial]
            .into_iter()
            .flat_map(|s| table.rows(s))
            .map(|r| {
                [
                    r.series.as_str().to_owned(),
                    r.valid_from.to_string(),
                    String::new(),
                    r.status.as_str().to_owned(),
                    r.note.clone(),
                    r.source.clone(),
                ]
            })
            .collect();
        assert_eq!(actual.len(), expected.len());
        for (a, e) in actual.iter().zip(&expected) {
            let rate = table
                .rate_on(RateSeries::parse(&e[0]).unwrap(), d(&e[1]))
                .unwrap();
            assert_eq!(
                rate.percent(),
                Decimal::from_str_exact(&e[2]).unwrap(),
                "{e:?}"
            );
            assert_eq!(
                [&a[0], &a[1], &a[3], &a[4], &a[5]],
                [&e[0], &e[1], &e[3], &e[4], &e[5]]
            );
        }
    }

    #[test]
    fn rates_in_force() {
        use RateSeries::{Commercial as C, Statutory as S};
        // law.md §1 and §2 and rates.csv; the status of each row as the CSV has it.
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
            (S, "2025-07-01", Some(600)), // verified: unchanged
            (S, "2026-02-01", Some(400)), // corroborated
            (C, "2002-08-07", None),
            (C, "2002-12-01", Some(1035)),
            (C, "2004-03-01", Some(902)), // derived: ECB 2.02 + 7
            (C, "2004-07-01", Some(901)),
            (C, "2011-07-01", Some(825)), // derived: ECB 1.25 + 7
            (C, "2013-03-15", Some(775)),
            (C, "2013-03-16", Some(875)), // derived
            (C, "2014-01-01", Some(825)), // derived
            (C, "2016-06-30", Some(805)),
            (C, "2016-07-01", Some(800)), // derived first day
            (C, "2020-06-30", Some(800)),
            (C, "2023-07-01", Some(1200)),
            (C, "2024-01-01", Some(1250)),
            (C, "2024-07-01", Some(1225)),
            (C, "2025-01-01", Some(1115)),
            (C, "2025-07-01", Some(1015)), // verified
            (C, "2026-07-01", Some(1040)), // derived
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
        let not_verified: Vec<_> = rate_rows(RateSeries::Commercial)
            .iter()
            .filter(|r| r.status != RateStatus::Verified)
            .map(|r| (r.valid_from.to_string(), r.status))
            .collect();
        let derived = |d: &str| (d.to_owned(), RateStatus::Derived);
        assert_eq!(
            not_verified,
            [
                derived("2004-01-01"),
                derived("2011-07-01"),
                derived("2013-03-16"),
                derived("2014-01-01"),
                derived("2015-07-01"),
                derived("2016-07-01"),
                derived("2026-01-01"),
                derived("2026-07-01"),
            ]
        );
        let statutory: Vec<_> = rate_rows(RateSeries::Statutory)
            .iter()
            .filter(|r| r.status != RateStatus::Verified)
            .map(|r| (r.valid_from.to_string(), r.status))
            .collect();
        assert_eq!(
            statutory,
            [
                ("2012-01-01".to_owned(), RateStatus::Unverified),
                ("2026-01-01".to_owned(), RateStatus::Corroborated),
            ]
        );
        assert!(
            rate_rows(RateSeries::Statutory)
                .iter()
                .all(|r| !r.source.is_empty())
        );
    }

    #[test]
    fn rate_formats_and_parses() {
        let r = Rate::from_basis_points(1035);
        assert_eq!(r.to_string(), "10.35");
        assert_eq!(r.fraction(), Decimal::new(1035, 4));
        assert_eq!(Rate::from_basis_points(800).to_string(), "8.00");
        assert_eq!(Rate::parse_percent("10.15"), Ok(Rate(1015)));
        assert_eq!(Rate::parse_percent("8"), Ok(Rate(800)));
        assert_eq!(Rate::parse_percent("0"), Ok(Rate(0)));
        assert_eq!(Rate::parse_percent("100"), Ok(MAX_RATE));
        for bad in ["10.155", "-1", "100.01", "ten", ""] {
            assert!(Rate::parse_percent(bad).is_err(), "{bad}");
        }
    }

    fn office(series: RateSeries, from: &str, bp: u32) -> RateRow {
        RateRow {
            series,
            valid_from: d(from),
            rate: Rate(bp),
            status: RateStatus::Office,
            note: String::new(),
            source: "Stcrt. test".into(),
        }
    }

    #[test]
    fn office_rows_merge_over_the_built_in_rows() {
        use RateSeries::{Commercial as C, Statutory as S};
        let built_in = RateTable::built_in();
        let table = built_in.with_office_rows(&[
            office(C, "2027-01-01", 975),
            // A correction of a built-in row, then a correction of the correction.
            office(S, "2026-01-01", 500),
            office(S, "2026-01-01", 450),
        ]);
        assert_eq!(table.rate_on(C, d("2026-12-31")), Some(Rate(1040)));
        assert_eq!(table.rate_on(C, d("2027-01-01")), Some(Rate(975)));
        assert_eq!(table.rate_on(S, d("2026-03-01")), Some(Rate(450)));
        assert_eq!(table.rows(S).len(), 32);
        assert_eq!(table.rows(C).len(), 40);
        assert_eq!(&RateTable::default(), built_in);
        assert_ne!(&table, built_in);
        // What changed: 6:119a from 2027-01-01 on, 6:119 for the first half of 2026
        // (until the next row, none: for good).
        assert_eq!(table.differences(built_in, C), [(d("2027-01-01"), None)]);
        assert_eq!(table.differences(built_in, S), [(d("2026-01-01"), None)]);
        // A row repeating the rate in force changes nothing; a row between two rows
        // changes only up to the next.
        let same = built_in.with_office_rows(&[office(S, "2025-10-01", 600)]);
        assert!(same.differences(built_in, S).is_empty());
        let between = built_in.with_office_rows(&[office(S, "2025-10-01", 550)]);
        assert_eq!(
            between.differences(built_in, S),
            [(d("2025-10-01"), Some(d("2026-01-01")))]
        );
    }
}
