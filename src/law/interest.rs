//! Statutory interest (*wettelijke rente*, art. 6:119 BW; *wettelijke handelsrente*,
//! art. 6:119a BW) on one invoice, itemised.
//!
//! The rules (`law.md`, "Conventions exploot adopts"):
//! - Interest runs from the day after the due date (*verzuim*, art. 6:83 sub a BW) up to and
//!   including the day asked about: `days = as_of − due_date`.
//! - Every day earns the yearly rate in force that day ([`rates`](super::rates)), one 365th
//!   of it, also in leap years (a leap interest year earns 366/365 of the rate).
//! - Capitalisation (*rente op rente*, art. 6:119 lid 2, 6:119a lid 4: "telkens na afloop
//!   van een jaar"): at the end of each anniversary of the due date, that year's unpaid
//!   interest, rounded to cents, is added to the base. The anniversary of a 29 February due
//!   date is 28 February in common years.
//! - The running part (since the last anniversary) is rounded to cents when it is shown.
//! - When a payment reaches the invoice, the interest accrued up to and including the
//!   payment day is rounded to cents at that moment ([`InterestAccount::settle`]); the
//!   amount paid leaves the account and interest continues from the next day on what is
//!   left.
//! - Capitalised interest is still interest for the order of payment (art. 6:44), but it is
//!   part of the base, so paying it lowers the base. A payment to interest goes to the
//!   oldest interest first: capitalised, then the current year's.
//!
//! Arithmetic is exact: amounts are whole cents, rates whole basis points, and the interest
//! of a stretch of days is the integer `base_cents × basis_points × days`, divided by
//! `365 × 10 000` only when a figure is rounded to cents (half away from zero).
//!
//! Itemised periods: one per stretch of contiguous days with the same rate and the same
//! base. A period is split where the rate or the base changes — a rate change, an
//! anniversary that capitalised interest, a payment that reached the principal or the
//! capitalised interest — and nowhere else: a payment that leaves the base as it was (it
//! paid only the current year's interest) or a rate row that repeats the rate starts no
//! new period.
//!
//! Each period shows its own interest, checkable line by line: `base × rate × days / 365`
//! over its own days, exact, rounded to cents half away from zero. The totals are not the
//! sum of these lines: they are rounded once per capitalisation year (at the anniversary),
//! at each payment that reaches the invoice, and at the end of the running part, as
//! stated above. The lines can therefore differ from the total by rounding (a cent or so:
//! at most half a cent per line plus half a cent per rounding of the total). Example:
//! € 1,000.00 due 2023-05-31, asked on 2023-07-31: 30 days at 4 % = 3.287671 → 3.29 and
//! 31 days at 6 % = 5.095890 → 5.10 on the lines; the total 8.383561 → 8.38.

use chrono::{Days, Months, NaiveDate};
use rust_decimal::Decimal;

use super::money::{Money, MoneyError};
use std::sync::Arc;

use super::rates::{Rate, RateRow, RateSeries, RateTable};

/// One day's interest is `base × rate / 365`; with cents and basis points the divisor of
/// the integer product is 365 days × 10 000 basis points.
const DIVISOR: i128 = 365 * 10_000;

/// One itemised stretch of interest (*renteperiode*): `from ..= to` at `rate` on `base`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterestPeriod {
    /// First day of interest in the period.
    pub from: NaiveDate,
    /// Last day of interest in the period (inclusive).
    pub to: NaiveDate,
    /// The yearly rate in force during the whole period.
    pub rate: Rate,
    /// The amount interest is computed on: unpaid principal plus unpaid capitalised
    /// interest.
    pub base: Money,
    /// The period's own interest, `base × rate × days / 365` exactly, rounded to cents half
    /// away from zero. The lines may differ from the total by rounding (see the module
    /// doc): the total is rounded per capitalisation year, at payments and at the end.
    pub amount: Money,
}

/// Why interest could not be computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterestError {
    /// The rate table has no rate for this day (before the first row of the series).
    NoRate {
        /// The series asked for.
        series: RateSeries,
        /// The first day without a known rate.
        date: NaiveDate,
    },
    /// An amount was not a whole number of cents.
    Money(MoneyError),
}

impl std::fmt::Display for InterestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InterestError::NoRate { series, date } => {
                write!(f, "no {series:?} interest rate known for {date}")
            }
            InterestError::Money(e) => write!(f, "amount {e}"),
        }
    }
}

impl std::error::Error for InterestError {}

impl From<MoneyError> for InterestError {
    fn from(e: MoneyError) -> Self {
        InterestError::Money(e)
    }
}

/// Interest on one invoice without payments, as shown to a debtor or a court.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterestStatement {
    /// Total interest up to and including the day asked about, in cents.
    pub interest: Money,
    /// The itemised periods, each with its own rounded interest; they may differ from
    /// `interest` by rounding (see the module doc).
    pub periods: Vec<InterestPeriod>,
}

/// Interest on `principal`, due on `due_date`, up to and including `as_of`, with yearly
/// capitalisation — the figure a *renteberekening* in a summons shows.
pub fn interest(
    series: RateSeries,
    principal: Money,
    due_date: NaiveDate,
    as_of: NaiveDate,
) -> Result<InterestStatement, InterestError> {
    let mut account = InterestAccount::new(series, due_date, principal)?;
    account.accrue_through(as_of)?;
    Ok(InterestStatement {
        interest: account.interest_due(),
        periods: account.into_periods(),
    })
}

/// The running interest account of one invoice: principal, capitalised interest and
/// interest accrued so far, moved forward in time by [`accrue_through`](Self::accrue_through)
/// and reduced by payments. Why a stateful account: payments change the base on the day
/// they are made, so interest and allocation (art. 6:44) must be computed together.
#[derive(Clone, Debug)]
pub struct InterestAccount {
    rows: Arc<[RateRow]>,
    series: RateSeries,
    due_date: NaiveDate,
    /// Unpaid principal, cents (i128: a century of capitalisation cannot overflow).
    principal: i128,
    /// Unpaid interest added to the base at anniversaries, cents.
    capitalised: i128,
    /// Unpaid interest of the current interest year already rounded (at payments), cents.
    settled: i128,
    /// Exact interest since the last rounding point, in cent·basis-point·days.
    running: i128,
    /// `running` rounded to cents: the running part as it is shown and owed.
    running_shown: i128,
    /// The last day whose interest is counted (the due date before any interest).
    accrued_through: NaiveDate,
    /// Anniversaries passed.
    years: u32,
    /// The next anniversary of the due date (end of the current interest year).
    next_anniversary: NaiveDate,
    /// Index of the rate row in force on the next day to accrue, if known.
    rate_index: Option<usize>,
    periods: Vec<InterestPeriod>,
    /// Base of the last period, cents (it is extended while the base stays the same).
    last_base: i128,
    /// Exact interest of the last period, in cent·basis-point·days; its `amount` is this
    /// rounded to cents.
    last_exact: i128,
}

impl InterestAccount {
    /// Opens the account of an invoice of `principal` due on `due_date` on the built-in
    /// rate table; no interest yet.
    pub fn new(
        series: RateSeries,
        due_date: NaiveDate,
        principal: Money,
    ) -> Result<InterestAccount, InterestError> {
        Self::with_table(RateTable::built_in(), series, due_date, principal)
    }

    /// Opens the account on the rates of `table` (the built-in rows with the office's).
    pub fn with_table(
        table: &RateTable,
        series: RateSeries,
        due_date: NaiveDate,
        principal: Money,
    ) -> Result<InterestAccount, InterestError> {
        let rows = Arc::clone(table.shared_rows(series));
        let principal = i128::from(principal.to_cents()?);
        Ok(InterestAccount {
            rows,
            series,
            due_date,
            principal,
            capitalised: 0,
            settled: 0,
            running: 0,
            running_shown: 0,
            accrued_through: due_date,
            years: 0,
            next_anniversary: anniversary(due_date, 1),
            rate_index: None,
            periods: Vec::new(),
            last_base: 0,
            last_exact: 0,
        })
    }

    /// The invoice's due date (*vervaldatum*).
    pub fn due_date(&self) -> NaiveDate {
        self.due_date
    }

    /// The last day whose interest has been counted.
    pub fn accrued_through(&self) -> NaiveDate {
        self.accrued_through
    }

    /// Unpaid principal (*hoofdsom*).
    pub fn principal(&self) -> Money {
        cents(self.principal)
    }

    /// Unpaid interest up to the day accrued through, the running part rounded to cents.
    pub fn interest_due(&self) -> Money {
        cents(self.capitalised + self.settled + self.running_shown)
    }

    /// The base interest is earned on today: unpaid principal plus unpaid capitalised
    /// interest.
    pub fn base(&self) -> Money {
        cents(self.principal + self.capitalised)
    }

    /// The itemised periods so far.
    pub fn periods(&self) -> &[InterestPeriod] {
        &self.periods
    }

    /// The itemised periods, taking them out of the account.
    pub fn into_periods(self) -> Vec<InterestPeriod> {
        self.periods
    }

    /// Counts interest for every day after the last counted day up to and including
    /// `date` (nothing when `date` is not later). Capitalises at each anniversary passed.
    pub fn accrue_through(&mut self, date: NaiveDate) -> Result<(), InterestError> {
        let rows = Arc::clone(&self.rows);
        while self.accrued_through < date {
            let from = self.accrued_through + Days::new(1);
            let index = self.rate_index_on(from)?;
            let mut to = date.min(self.next_anniversary);
            if let Some(next) = rows.get(index + 1) {
                to = to.min(next.valid_from - Days::new(1));
            }
            let rate = rows[index].rate;
            let base = self.principal + self.capitalised;
            if base > 0 {
                let days = to.signed_duration_since(from).num_days() + 1;
                let exact = base * i128::from(rate.basis_points()) * i128::from(days);
                self.running += exact;
                self.running_shown = to_cents(self.running);
                self.record(from, to, rate, base, exact);
            }
            self.accrued_through = to;
            if to == self.next_anniversary {
                // Art. 6:119 lid 2: the year's unpaid interest joins the base.
                self.capitalised += self.settled + self.running_shown;
                self.settled = 0;
                self.running = 0;
                self.running_shown = 0;
                self.years += 1;
                self.next_anniversary = anniversary(self.due_date, self.years + 1);
            }
        }
        Ok(())
    }

    /// Rounds the running interest to cents now — the moment of a payment. The itemised
    /// period goes on unless the payment changes the base.
    pub fn settle(&mut self) {
        self.settled += self.running_shown;
        self.running = 0;
        self.running_shown = 0;
    }

    /// Pays up to `available` of the unpaid interest (oldest first: capitalised, then the
    /// current year's), after rounding the running part ([`settle`](Self::settle)).
    /// Returns what was applied. Why capitalised first: it is the oldest interest, and
    /// paying it lowers the base for further interest.
    pub fn pay_interest(&mut self, available: Money) -> Result<Money, InterestError> {
        Ok(Money::from_cents(
            self.pay_interest_cents(available.to_cents()?),
        ))
    }

    /// Pays up to `available` of the unpaid principal; returns what was applied.
    pub fn pay_principal(&mut self, available: Money) -> Result<Money, InterestError> {
        Ok(Money::from_cents(
            self.pay_principal_cents(available.to_cents()?),
        ))
    }

    /// [`pay_interest`](Self::pay_interest) in cents.
    pub(crate) fn pay_interest_cents(&mut self, available: i64) -> i64 {
        self.settle();
        let mut left = i128::from(available.max(0));
        let from_capitalised = left.min(self.capitalised);
        self.capitalised -= from_capitalised;
        left -= from_capitalised;
        let from_settled = left.min(self.settled);
        self.settled -= from_settled;
        i64::try_from(from_capitalised + from_settled).expect("at most `available`")
    }

    /// [`pay_principal`](Self::pay_principal) in cents.
    pub(crate) fn pay_principal_cents(&mut self, available: i64) -> i64 {
        let applied = i128::from(available.max(0)).min(self.principal);
        self.principal -= applied;
        i64::try_from(applied).expect("at most `available`")
    }

    fn rate_index_on(&mut self, day: NaiveDate) -> Result<usize, InterestError> {
        let rows = &self.rows;
        let mut index = match self.rate_index {
            Some(i) if rows[i].valid_from <= day => i,
            _ => match rows
                .partition_point(|row| row.valid_from <= day)
                .checked_sub(1)
            {
                Some(i) => i,
                None => {
                    return Err(InterestError::NoRate {
                        series: self.series,
                        date: day,
                    });
                }
            },
        };
        while rows
            .get(index + 1)
            .is_some_and(|next| next.valid_from <= day)
        {
            index += 1;
        }
        self.rate_index = Some(index);
        Ok(index)
    }

    /// Itemises `exact` interest (cent·basis-point·days) of `from ..= to` at `rate` on
    /// `base` cents: extends the last period when it ends the day before with the same
    /// rate and base, else starts a new one.
    fn record(&mut self, from: NaiveDate, to: NaiveDate, rate: Rate, base: i128, exact: i128) {
        if self.last_base == base
            && let Some(last) = self.periods.last_mut()
            && last.rate == rate
            && last.to + Days::new(1) == from
        {
            self.last_exact += exact;
            last.to = to;
            last.amount = cents(to_cents(self.last_exact));
            return;
        }
        self.periods.push(InterestPeriod {
            from,
            to,
            rate,
            base: cents(base),
            amount: cents(to_cents(exact)),
        });
        self.last_base = base;
        self.last_exact = exact;
    }
}

/// The `n`-th anniversary of the due date: the end of the `n`-th interest year.
fn anniversary(due_date: NaiveDate, n: u32) -> NaiveDate {
    due_date
        .checked_add_months(Months::new(12 * n))
        .unwrap_or(NaiveDate::MAX)
}

/// Cent·basis-point·days to whole cents, half away from zero (the value is never
/// negative here, but the rule is stated for all).
fn to_cents(exact: i128) -> i128 {
    let quotient = exact / DIVISOR;
    let remainder = exact % DIVISOR;
    if 2 * remainder.abs() >= DIVISOR {
        quotient + exact.signum()
    } else {
        quotient
    }
}

/// Cents as money.
fn cents(cents: i128) -> Money {
    Money::from_decimal(Decimal::from_i128_with_scale(cents, 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn period(from: &str, to: &str, bp: u32, base: &str, amount: &str) -> InterestPeriod {
        InterestPeriod {
            from: d(from),
            to: d(to),
            rate: Rate::from_basis_points(bp),
            base: m(base),
            amount: m(amount),
        }
    }

    #[test]
    fn two_capitalisations_worked_by_hand() {
        // 6:119 at 2 % (in force 2015-01-01 .. 2022-12-31, law.md §1), € 1,000.00 due
        // 2016-03-10, asked on 2018-06-30.
        // Year 1: 2016-03-11 ..= 2017-03-10 = 365 days: 1000 × 2 % = 20.00 → base 1020.00.
        // Year 2: 2017-03-11 ..= 2018-03-10 = 365 days: 1020 × 2 % = 20.40 → base 1040.40.
        // Running: 2018-03-11 ..= 2018-06-30 = 21 + 30 + 31 + 30 = 112 days:
        //   1040.40 × 2 % × 112 / 365 = 6.38492 → 6.38.
        // Total 20.00 + 20.40 + 6.38 = 46.78.
        let s = interest(
            RateSeries::Statutory,
            m("1000"),
            d("2016-03-10"),
            d("2018-06-30"),
        )
        .unwrap();
        assert_eq!(s.interest, m("46.78"));
        assert_eq!(
            s.periods,
            [
                period("2016-03-11", "2017-03-10", 200, "1000", "20.00"),
                period("2017-03-11", "2018-03-10", 200, "1020", "20.40"),
                period("2018-03-11", "2018-06-30", 200, "1040.40", "6.38"),
            ]
        );
    }

    #[test]
    fn rate_change_worked_by_hand() {
        // 6:119: 4 % from 2023-01-01, 6 % from 2023-07-01 (law.md §1, both VERIFIED).
        // € 1,000.00 due 2023-05-31, asked on 2023-07-31:
        //   2023-06-01 ..= 06-30: 30 days × 4 % = 1000 × 0.04 × 30 / 365 = 3.287671 → 3.29
        //   2023-07-01 ..= 07-31: 31 days × 6 % = 1000 × 0.06 × 31 / 365 = 5.095890 → 5.10
        //   total 3.287671 + 5.095890 = 8.383561 → 8.38 (rounded once, at the end), while
        //   the lines, each its own figure, add up to 8.39.
        let s = interest(
            RateSeries::Statutory,
            m("1000"),
            d("2023-05-31"),
            d("2023-07-31"),
        )
        .unwrap();
        assert_eq!(s.interest, m("8.38"));
        assert_eq!(
            s.periods,
            [
                period("2023-06-01", "2023-06-30", 400, "1000", "3.29"),
                period("2023-07-01", "2023-07-31", 600, "1000", "5.10"),
            ]
        );
        let lines: Money = s.periods.iter().map(|p| p.amount).sum();
        assert_eq!(lines, m("8.39"));
    }

    #[test]
    fn commercial_rate_changes_and_capitalisation_worked_by_hand() {
        // 6:119a (law.md §2, VERIFIED): 8 % until 2022-12-31, 10.5 % from 2023-01-01,
        // 12 % from 2023-07-01, 12.5 % from 2024-01-01. € 10,000.00 due 2022-11-30.
        // Year 1 (2022-12-01 ..= 2023-11-30, 365 days):
        //   31 d × 8 %     = 10000 × 0.08  × 31  / 365 =  67.945205 → line  67.95
        //   181 d × 10.5 % = 10000 × 0.105 × 181 / 365 = 520.684932 → line 520.68
        //   153 d × 12 %   = 10000 × 0.12  × 153 / 365 = 503.013699 → line 503.01
        //   year 1091.643836 → 1091.64 capitalised → base 11,091.64.
        // Running to 2024-02-15:
        //   2023-12-01 ..= 12-31, 31 d × 12 %   = 11091.64 × 0.12  × 31 / 365 = 113.043564 → 113.04
        //   2024-01-01 ..= 02-15, 46 d × 12.5 % = 11091.64 × 0.125 × 46 / 365 = 174.731315 → 174.73
        //   running 287.774879 → 287.77.
        // Total 1091.64 + 287.77 = 1379.41 (here the lines happen to add up to it too).
        let s = interest(
            RateSeries::Commercial,
            m("10000"),
            d("2022-11-30"),
            d("2024-02-15"),
        )
        .unwrap();
        assert_eq!(
            s.periods,
            [
                period("2022-12-01", "2022-12-31", 800, "10000", "67.95"),
                period("2023-01-01", "2023-06-30", 1050, "10000", "520.68"),
                period("2023-07-01", "2023-11-30", 1200, "10000", "503.01"),
                period("2023-12-01", "2023-12-31", 1200, "11091.64", "113.04"),
                period("2024-01-01", "2024-02-15", 1250, "11091.64", "174.73"),
            ]
        );
        assert_eq!(s.interest, m("1379.41"));
    }

    #[test]
    fn leap_year_earns_366_365ths() {
        // 1/365 per day also in leap years (law.md conventions): 2020-01-01 ..= 2020-12-31
        // is 366 days: 1000 × 2 % × 366 / 365 = 20.054795 → 20.05, capitalised that day.
        let s = interest(
            RateSeries::Statutory,
            m("1000"),
            d("2019-12-31"),
            d("2020-12-31"),
        )
        .unwrap();
        assert_eq!(s.interest, m("20.05"));
        assert_eq!(s.periods.len(), 1);
    }

    #[test]
    fn unchanged_rate_rows_do_not_split_periods() {
        // 6:119 has a row 2024-07-01 at 7 % "unchanged": one period 2024-01-01 ..= 2024-12-31.
        // 1000 × 7 % × 366 / 365 = 70.191781 → 70.19.
        let s = interest(
            RateSeries::Statutory,
            m("1000"),
            d("2023-12-31"),
            d("2024-12-31"),
        )
        .unwrap();
        assert_eq!(
            s.periods,
            [period("2024-01-01", "2024-12-31", 700, "1000", "70.19")]
        );
    }

    #[test]
    fn february_29_anniversary_and_day_counts() {
        // Due 2020-02-29: the first year ends 2021-02-28 (365 days at 2 % = 20.00).
        let s = interest(
            RateSeries::Statutory,
            m("1000"),
            d("2020-02-29"),
            d("2021-03-01"),
        )
        .unwrap();
        assert_eq!(s.periods[0].to, d("2021-02-28"));
        assert_eq!(s.periods[0].amount, m("20.00"));
        // Next day: 1020 × 2 % / 365 = 0.0559 → 0.06.
        assert_eq!(s.interest, m("20.06"));
        // Nothing on the due date itself; one day the day after: 1000 × 2 % / 365 = 0.05479.
        let none = interest(
            RateSeries::Statutory,
            m("1000"),
            d("2020-02-29"),
            d("2020-02-29"),
        )
        .unwrap();
        assert_eq!(none.interest, Money::ZERO);
        assert!(none.periods.is_empty());
        let one = interest(
            RateSeries::Statutory,
            m("1000"),
            d("2020-02-29"),
            d("2020-03-01"),
        )
        .unwrap();
        assert_eq!(one.interest, m("0.05"));
    }

    #[test]
    fn payment_settles_and_lowers_the_base() {
        // 6:119 at 2 %: € 1,000.00 due 2017-01-31; on 2017-03-02 (30 days) interest is
        // 1000 × 2 % × 30 / 365 = 1.643836 → 1.64. A payment of 501.64 pays 1.64 interest
        // and 500 principal; from 2017-03-03 to 2017-04-01 (30 days) 500 × 2 % × 30 / 365 =
        // 0.821918 → 0.82.
        let mut a =
            InterestAccount::new(RateSeries::Statutory, d("2017-01-31"), m("1000")).unwrap();
        a.accrue_through(d("2017-03-02")).unwrap();
        assert_eq!(a.pay_interest(m("501.64")).unwrap(), m("1.64"));
        assert_eq!(a.pay_principal(m("500")).unwrap(), m("500"));
        a.accrue_through(d("2017-04-01")).unwrap();
        assert_eq!(a.interest_due(), m("0.82"));
        assert_eq!(
            a.periods(),
            [
                period("2017-02-01", "2017-03-02", 200, "1000", "1.64"),
                period("2017-03-03", "2017-04-01", 200, "500", "0.82"),
            ]
        );
    }

    #[test]
    fn payment_of_interest_only_does_not_split_the_period() {
        // 6:119 at 2 %: € 1,000.00 due 2017-01-31. On 2017-03-02 (30 days) interest is
        // 1000 × 2 % × 30 / 365 = 1.643836 → 1.64, paid in full; the principal and so the
        // base stay 1,000.00. Interest then runs on from 2017-03-03 ..= 04-01 (30 days):
        // 1.643836 → 1.64 owed.
        // One period 2017-02-01 ..= 04-01 (28 + 31 + 1 = 60 days) at 2 % on 1,000.00:
        // 1000 × 0.02 × 60 / 365 = 3.287671 → 3.29 (the charged figures 1.64 + 1.64 = 3.28
        // were rounded at the payment and at the end).
        let mut a =
            InterestAccount::new(RateSeries::Statutory, d("2017-01-31"), m("1000")).unwrap();
        a.accrue_through(d("2017-03-02")).unwrap();
        assert_eq!(a.pay_interest(m("1.64")).unwrap(), m("1.64"));
        assert_eq!(a.pay_principal(Money::ZERO).unwrap(), Money::ZERO);
        a.accrue_through(d("2017-04-01")).unwrap();
        assert_eq!(a.interest_due(), m("1.64"));
        assert_eq!(
            a.periods(),
            [period("2017-02-01", "2017-04-01", 200, "1000", "3.29")]
        );
        // A partial payment of interest settles too, but leaves the base: still one period.
        // 2017-04-02 ..= 05-01 (30 days) adds 1.643836: 60 + 30 = 90 days, 1000 × 0.02 ×
        // 90 / 365 = 4.931507 → 4.93 on the line.
        assert_eq!(a.pay_interest(m("1.00")).unwrap(), m("1.00"));
        a.accrue_through(d("2017-05-01")).unwrap();
        assert_eq!(
            a.periods(),
            [period("2017-02-01", "2017-05-01", 200, "1000", "4.93")]
        );
        // Owed: 0.64 left of the settled 1.64, plus 1.64 since → 2.28.
        assert_eq!(a.interest_due(), m("2.28"));
    }

    #[test]
    fn before_the_table_is_an_error() {
        let err = interest(
            RateSeries::Commercial,
            m("10"),
            d("2002-01-01"),
            d("2003-01-01"),
        )
        .unwrap_err();
        assert_eq!(
            err,
            InterestError::NoRate {
                series: RateSeries::Commercial,
                date: d("2002-01-02")
            }
        );
    }

    #[test]
    fn rounding_helper() {
        assert_eq!(to_cents(DIVISOR / 2), 1);
        assert_eq!(to_cents(DIVISOR / 2 - 1), 0);
        assert_eq!(to_cents(-DIVISOR / 2), -1);
        assert_eq!(to_cents(3 * DIVISOR), 3);
    }

    /// The total interest re-derived from the periods: the exact interest of each interest
    /// year (anniversary to anniversary of the due date), each rounded to cents, summed.
    fn total_by_year(due: NaiveDate, periods: &[InterestPeriod]) -> Money {
        let mut years: Vec<i128> = Vec::new();
        for p in periods {
            let mut from = p.from;
            while from <= p.to {
                let mut n = 1;
                while anniversary(due, n) < from {
                    n += 1;
                }
                let to = p.to.min(anniversary(due, n));
                let days = to.signed_duration_since(from).num_days() + 1;
                let index = usize::try_from(n - 1).unwrap();
                if years.len() <= index {
                    years.resize(index + 1, 0);
                }
                years[index] += i128::from(p.base.to_cents().unwrap())
                    * i128::from(p.rate.basis_points())
                    * i128::from(days);
                from = to + Days::new(1);
            }
        }
        cents(years.into_iter().map(to_cents).sum())
    }

    fn arb_series() -> impl Strategy<Value = RateSeries> {
        prop_oneof![Just(RateSeries::Statutory), Just(RateSeries::Commercial)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn monotone_in_time_and_principal(
            series in arb_series(),
            cents in 1i64..100_000_000_000,
            extra in 0i64..1_000_000_000,
            due in 0u64..(365 * 22),
            days in 0u64..(365 * 12),
            more in 0u64..800,
        ) {
            let due = d("2003-01-01") + Days::new(due);
            let as_of = due + Days::new(days);
            let p = Money::from_cents(cents);
            let base = interest(series, p, due, as_of).unwrap();
            let later = interest(series, p, due, as_of + Days::new(more)).unwrap();
            let bigger = interest(series, p + Money::from_cents(extra), due, as_of).unwrap();
            prop_assert!(later.interest >= base.interest);
            prop_assert!(bigger.interest >= base.interest);
            // Every line is its own figure: base × rate × days / 365, rounded.
            for p in &base.periods {
                let days = p.to.signed_duration_since(p.from).num_days() + 1;
                let exact = i128::from(p.base.to_cents().unwrap())
                    * i128::from(p.rate.basis_points())
                    * i128::from(days);
                prop_assert_eq!(p.amount, super::cents(to_cents(exact)));
                prop_assert!(p.from <= p.to);
            }
            // Adjacent lines differ in rate or base, and leave no gap.
            for pair in base.periods.windows(2) {
                prop_assert_eq!(pair[0].to + Days::new(1), pair[1].from);
                prop_assert!(pair[0].rate != pair[1].rate || pair[0].base != pair[1].base);
            }
            // The total is rounded once per interest year (exact figures of its days) and
            // once for the running part: recompute it from the lines' days.
            prop_assert_eq!(base.interest, total_by_year(due, &base.periods));
            prop_assert_eq!(later.interest, total_by_year(due, &later.periods));
        }
    }
}
