//! The protected income (*beslagvrije voet*) of a wage or benefit attachment, as the law
//! stands since 1 January 2021 (Wet vereenvoudiging beslagvrije voet; art. 475da–475db
//! Rv; `procedure.md` → Beslagvrije voet), and the monthly amount the garnishee (the
//! employer, the benefits agency) pays over to the bailiff.
//!
//! The rules:
//! - Four living situations (*leefsituaties*): single, single parent (a child under 18),
//!   couple without and couple with children. The norm B is the *bijstandsnorm* (21 to
//!   AOW age, holiday allowance included) of the situation: the single norm for a single
//!   person and a single parent, the couple norm for a couple.
//! - Low income (net monthly income, holiday allowance included, at or below B): 95 % of
//!   the net income.
//! - Middle income: 95 % of B plus a *compensatiekop* for the allowances the debtor loses,
//!   by the statutory formula over the taxable annual income C,
//!   `(95% × B) + (((C − D) / 12) × E) + ((H × C² + I × C) − J) + (((C − D) / 12) × K)`,
//!   with the parameters D–K of each half-year (SZW's Staatscourant *mededeling*).
//! - High income (taxable annual income at or above the half-year's threshold): the fixed
//!   maximum of the situation.
//! - Never more than 95 % of the income: the creditor gets at least 5 %.
//! - No fixed address in the Netherlands (BRP: a *briefadres*, or gone to an unknown
//!   address): 47.5 % of the couple norm until the debtor gives the information
//!   (art. 475db Rv), and never more than 95 % of the income.
//! - Actual rent and actual *zorgtoeslag* never enter this standard calculation (the norms
//!   hold fictive housing costs): they count only when the debtor asks for an increase
//!   (art. 475da lid 5–7 Rv), a separate decision with its own evidence. The input has no
//!   field for them on purpose.
//!
//! The amounts are data: one row per half-year (1 January, 1 July) with its source and
//! status ([`NORMS`], [`MAXIMA`], and [`FORMULAS`] for the middle group's parameters and
//! the high group's threshold, empty until a verified *mededeling* is added). A figure is used only from a row marked verified for
//! the very half-year asked about; anything else — a half-year without a row, a row not
//! verified, the middle group (whose parameters D–K were not found for any half-year),
//! the high group without a verified threshold — is refused with an error that says what
//! is missing, never guessed. The bailiff then computes with the official rekenmodule.
//!
//! What is not verified, and why it is refused:
//! - 2026-01-01 norms (1.401,50 / 2.002,13): one secondary source citing the SZW
//!   Normenbrief; the maxima for 2026 were not found.
//! - The middle group's parameters D–K: not found for any half-year.
//! - The high group's threshold: published for 2022 only (€ 33.839,37 single, € 44.234,20
//!   others, taxable per year), a half-year whose norms were not collected.
//! - The single norm on 2021-01-01 (1.075,44, implied by a third party's 90 % figure
//!   967,90): third-party; only the couple norm 1.536,34 is verified for 2021, from the
//!   government portal's published example.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::money::Money;

/// Who the debtor lives with (*leefsituatie*, art. 475da Rv).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LivingSituation {
    /// *Alleenstaande*, no child under 18.
    Single,
    /// *Alleenstaande ouder*: with a child under 18.
    SingleParent,
    /// *Gehuwden/samenwonenden* without children under 18.
    Couple,
    /// *Gehuwden/samenwonenden* with a child under 18.
    CoupleWithChildren,
}

impl LivingSituation {
    fn is_couple(self) -> bool {
        matches!(
            self,
            LivingSituation::Couple | LivingSituation::CoupleWithChildren
        )
    }
}

/// How sure we are of a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Seen in a retrieved source, cited in the row: used.
    Verified,
    /// Not confirmed from a retrieved source: kept for the record, refused.
    Unverified,
}

/// The *bijstandsnormen* (21 to AOW age, holiday allowance included) of one half-year,
/// per month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NormRow {
    /// The half-year's first day (1 January or 1 July).
    pub from: NaiveDate,
    /// Single and single parent, in cents; `None` when not collected.
    pub single_cents: Option<i64>,
    /// Couple, in cents.
    pub couple_cents: Option<i64>,
    /// Whether the figures are verified.
    pub status: Status,
    /// Where they come from.
    pub source: &'static str,
}

/// The maximum protected income (high income group) of one half-year, per month, in
/// cents: single, single parent, couple, couple with children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaximumRow {
    /// The half-year's first day.
    pub from: NaiveDate,
    /// Per living situation, in the order of [`LivingSituation`].
    pub cents: [i64; 4],
    /// Whether the figures are verified.
    pub status: Status,
    /// Where they come from.
    pub source: &'static str,
}

const fn day(year: i32, month: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, 1) {
        Some(d) => d,
        None => panic!("a valid date"),
    }
}

/// The *bijstandsnormen* per half-year (`procedure.md` → Beslagvrije voet).
pub const NORMS: [NormRow; 6] = [
    NormRow {
        from: day(2021, 1),
        single_cents: None,
        couple_cents: Some(153_634),
        status: Status::Verified,
        source: "uwbeslagvrijevoet.nl/woonadres: the published example 729,76 = 47,5 % × 1.536,34",
    },
    NormRow {
        from: day(2024, 1),
        single_cents: Some(128_383),
        couple_cents: Some(183_404),
        status: Status::Verified,
        source: "gemeentewestland.nl (normen Participatiewet 1-1-2024)",
    },
    NormRow {
        from: day(2024, 7),
        single_cents: Some(130_845),
        couple_cents: Some(186_921),
        status: Status::Verified,
        source: "velsen.nl (normen Participatiewet 1-7-2024)",
    },
    NormRow {
        from: day(2025, 1),
        single_cents: Some(134_545),
        couple_cents: Some(192_207),
        status: Status::Verified,
        source: "gemeentewestland.nl; Rijksoverheid via metronieuws.nl (1-1-2025)",
    },
    NormRow {
        from: day(2025, 7),
        single_cents: Some(136_906),
        couple_cents: Some(195_580),
        status: Status::Verified,
        source: "Rijksoverheid via metronieuws.nl (1-7-2025)",
    },
    NormRow {
        from: day(2026, 1),
        single_cents: Some(140_150),
        couple_cents: Some(200_213),
        status: Status::Unverified,
        source: "secondary, citing the SZW Normenbrief 1-1-2026",
    },
];

/// The maximum protected income per half-year (high income group).
pub const MAXIMA: [MaximumRow; 3] = [
    MaximumRow {
        from: day(2024, 1),
        cents: [199_621, 216_260, 263_149, 274_709],
        status: Status::Verified,
        source: "schuldinfo.nl, hoogte beslagvrije voet (maximum januari 2024)",
    },
    MaximumRow {
        from: day(2025, 1),
        cents: [207_124, 224_224, 273_903, 285_596],
        status: Status::Verified,
        source: "aag.nl (1-1-2025)",
    },
    MaximumRow {
        from: day(2025, 7),
        cents: [209_367, 226_467, 277_107, 288_800],
        status: Status::Verified,
        source: "fundamentvoor.nl; arslan.nl (1-7-2025)",
    },
];

/// The first day of the law modelled here.
pub const FIRST_DAY: NaiveDate = day(2021, 1);

/// What the protected income is computed from: no rent, no *zorgtoeslag* (see the module
/// doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Debtor {
    /// Who the debtor lives with.
    pub situation: LivingSituation,
    /// Net monthly income, holiday allowance included (*netto inkomen incl.
    /// vakantietoeslag*), of the attached income.
    pub net_monthly_income: Money,
    /// Taxable annual income (*belastbaar jaarinkomen*, C), when known: decides between
    /// the middle and the high group for an income above the norm.
    pub taxable_annual_income: Option<Money>,
    /// No fixed address in the Netherlands (BRP: a *briefadres* or gone to an unknown
    /// address; art. 475db Rv).
    pub no_fixed_address: bool,
}

/// The income group the protected income was computed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncomeGroup {
    /// At or below the norm: 95 % of the income.
    Low,
    /// Above the norm, below the high threshold: the statutory formula.
    Middle,
    /// At or above the threshold: the fixed maximum.
    High,
    /// No fixed address: 47.5 % of the couple norm.
    NoFixedAddress,
}

/// The protected income of one month and how it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtectedIncome {
    /// The income group.
    pub group: IncomeGroup,
    /// The protected income per month (*beslagvrije voet*), rounded to cents.
    pub amount: Money,
    /// The norm it was computed from (the couple norm for a debtor without a fixed
    /// address).
    pub norm: Money,
    /// The computation in words, for the notice to the debtor (art. 475g Rv asks the
    /// bailiff to tell the debtor the amount and how it was computed).
    pub explanation: String,
    /// The sources of the amounts used.
    pub sources: Vec<&'static str>,
}

/// Why no protected income was computed: what is missing, never a guess.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProtectedIncomeError {
    /// Before 2021-01-01 the old law applied (90 % of the norm, art. 475d old): not
    /// modelled.
    BeforeTheLaw(NaiveDate),
    /// No verified amount of this kind for the half-year.
    NoVerifiedAmounts {
        /// The half-year's first day.
        half_year: NaiveDate,
        /// What is missing.
        what: String,
    },
    /// The income is above the norm and the group needs the taxable annual income.
    TaxableIncomeNeeded,
    /// An amount given is negative or not whole cents.
    BadIncome(String),
}

impl std::fmt::Display for ProtectedIncomeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProtectedIncomeError::BeforeTheLaw(on) => write!(
                f,
                "{on} is before 1 January 2021: the protected income by the old art. 475d Rv \
                 is not computed here"
            ),
            ProtectedIncomeError::NoVerifiedAmounts { half_year, what } => write!(
                f,
                "no verified {what} for the half-year from {half_year}: compute the protected \
                 income with the official rekenmodule"
            ),
            ProtectedIncomeError::TaxableIncomeNeeded => write!(
                f,
                "the net income is above the norm: the income group (middle or high) needs the \
                 taxable annual income"
            ),
            ProtectedIncomeError::BadIncome(what) => write!(f, "{what}"),
        }
    }
}

impl std::error::Error for ProtectedIncomeError {}

/// The first day of the half-year `on` falls in: the amounts change on 1 January and
/// 1 July.
pub fn half_year(on: NaiveDate) -> NaiveDate {
    day(on.year(), if on.month() >= 7 { 7 } else { 1 })
}

fn missing(half_year: NaiveDate, what: impl Into<String>) -> ProtectedIncomeError {
    ProtectedIncomeError::NoVerifiedAmounts {
        half_year,
        what: what.into(),
    }
}

/// The parameters of the middle group's formula for one living situation, as the
/// half-yearly *mededeling* publishes them: D (a taxable-income threshold per year, in
/// euros), E and K (per-euro rates of the allowances lost above D), H, I and J (the
/// quadratic term of the formula).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormulaParameters {
    /// D: euros per year.
    pub d: Decimal,
    /// E: a rate.
    pub e: Decimal,
    /// H: per euro squared.
    pub h: Decimal,
    /// I: a rate.
    pub i: Decimal,
    /// J: euros.
    pub j: Decimal,
    /// K: a rate.
    pub k: Decimal,
}

/// The middle group's formula and the high group's threshold of one half-year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormulaRow {
    /// The half-year's first day.
    pub from: NaiveDate,
    /// Per living situation, in the order of [`LivingSituation`].
    pub parameters: [FormulaParameters; 4],
    /// The taxable annual income from which the high group (the fixed maximum) applies,
    /// per living situation, in cents.
    pub high_threshold_cents: [i64; 4],
    /// Whether the figures are verified.
    pub status: Status,
    /// Where they come from.
    pub source: &'static str,
}

/// The middle group's parameters and the high threshold per half-year: none found for any
/// half-year (the Staatscourant *mededeling* was not retrieved; the only threshold seen,
/// 2022's € 33.839,37 / € 44.234,20, is for a half-year without collected norms and
/// without parameters). So an income above the norm is refused until a verified row is
/// added here, with its source.
pub const FORMULAS: [FormulaRow; 0] = [];

/// The tables a protected income is computed from: the built-in ones ([`Tables::BUILT_IN`])
/// or, in tests, rows made up to check the rules.
#[derive(Clone, Copy, Debug)]
pub struct Tables<'a> {
    /// The norms.
    pub norms: &'a [NormRow],
    /// The maxima.
    pub maxima: &'a [MaximumRow],
    /// The middle group's formula and the high threshold.
    pub formulas: &'a [FormulaRow],
}

impl Tables<'static> {
    /// The built-in rows of this module.
    pub const BUILT_IN: Tables<'static> = Tables {
        norms: &NORMS,
        maxima: &MAXIMA,
        formulas: &FORMULAS,
    };
}

/// The first verified row of `rows` for the half-year starting `start`.
fn verified<R>(
    rows: &[R],
    start: NaiveDate,
    key: impl Fn(&R) -> (NaiveDate, Status),
) -> Option<&R> {
    rows.iter().find(|r| key(r) == (start, Status::Verified))
}

/// The verified norm row of the half-year of `on`.
fn norms<'a>(tables: &Tables<'a>, on: NaiveDate) -> Result<&'a NormRow, ProtectedIncomeError> {
    let start = half_year(on);
    verified(tables.norms, start, |r| (r.from, r.status))
        .ok_or_else(|| missing(start, "bijstandsnormen"))
}

fn maximum_in(
    tables: &Tables<'_>,
    situation: LivingSituation,
    on: NaiveDate,
) -> Result<(Money, &'static str), ProtectedIncomeError> {
    let start = half_year(on);
    verified(tables.maxima, start, |r| (r.from, r.status))
        .map(|r| (Money::from_cents(r.cents[situation as usize]), r.source))
        .ok_or_else(|| missing(start, "maximum protected income"))
}

/// The verified maximum protected income of `situation` in the half-year of `on`.
pub fn maximum(situation: LivingSituation, on: NaiveDate) -> Result<Money, ProtectedIncomeError> {
    maximum_in(&Tables::BUILT_IN, situation, on).map(|(m, _)| m)
}

fn percent(p: i64) -> Decimal {
    Decimal::new(p, 3)
}

/// The middle group's protected income per month by the statutory formula
/// `(95% × B) + (((C − D) / 12) × E) + ((H × C² + I × C) − J) + (((C − D) / 12) × K)`
/// (art. 475da lid 1 Rv with the *mededeling*; schuldinfo.nl), B the monthly norm, C the
/// taxable annual income, unrounded: the caller rounds once, at the end.
pub fn middle_group_formula(norm: Money, taxable_annual: Money, p: &FormulaParameters) -> Decimal {
    let b = norm.as_decimal();
    let c = taxable_annual.as_decimal();
    let twelve = Decimal::from(12);
    percent(950) * b
        + (c - p.d) / twelve * p.e
        + (p.h * c * c + p.i * c - p.j)
        + (c - p.d) / twelve * p.k
}

/// The protected income of `debtor` for the month of `on`, on the built-in tables.
pub fn protected_income(
    debtor: &Debtor,
    on: NaiveDate,
) -> Result<ProtectedIncome, ProtectedIncomeError> {
    protected_income_in(&Tables::BUILT_IN, debtor, on)
}

/// The protected income of `debtor` for the month of `on`, on `tables`. The explanation is
/// Dutch: it goes to the debtor in the notice of the attachment (art. 475g Rv).
pub fn protected_income_in(
    tables: &Tables<'_>,
    debtor: &Debtor,
    on: NaiveDate,
) -> Result<ProtectedIncome, ProtectedIncomeError> {
    if on < FIRST_DAY {
        return Err(ProtectedIncomeError::BeforeTheLaw(on));
    }
    let income = debtor.net_monthly_income;
    if income.is_negative() || income.to_cents().is_err() {
        return Err(ProtectedIncomeError::BadIncome(format!(
            "the net monthly income {income} must be whole cents, zero or more"
        )));
    }
    let start = half_year(on);
    let row = norms(tables, on)?;
    let ninety_five = (income * percent(950)).round_cents();
    let cap_words = format!(
        "ten hoogste 95 % van het inkomen {} = {}",
        income.format_nl(),
        ninety_five.format_nl()
    );
    if debtor.no_fixed_address {
        let couple = row
            .couple_cents
            .map(Money::from_cents)
            .ok_or_else(|| missing(start, "couple norm"))?;
        let amount = (couple * percent(475)).round_cents().min(ninety_five);
        return Ok(ProtectedIncome {
            group: IncomeGroup::NoFixedAddress,
            amount,
            norm: couple,
            explanation: format!(
                "geen vast woonadres in Nederland (art. 475db Rv): 47,5 % van de norm voor \
                 gehuwden {} = {}, {cap_words}.",
                couple.format_nl(),
                (couple * percent(475)).round_cents().format_nl(),
            ),
            sources: vec![row.source],
        });
    }
    let norm = if debtor.situation.is_couple() {
        row.couple_cents
    } else {
        row.single_cents
    }
    .map(Money::from_cents)
    .ok_or_else(|| {
        missing(
            start,
            if debtor.situation.is_couple() {
                "couple norm"
            } else {
                "single norm"
            },
        )
    })?;
    if income <= norm {
        return Ok(ProtectedIncome {
            group: IncomeGroup::Low,
            amount: ninety_five,
            norm,
            explanation: format!(
                "laag inkomen: het netto inkomen {} is niet hoger dan de norm {}: 95 % van het \
                 inkomen = {}.",
                income.format_nl(),
                norm.format_nl(),
                ninety_five.format_nl()
            ),
            sources: vec![row.source],
        });
    }
    let Some(taxable) = debtor.taxable_annual_income else {
        return Err(ProtectedIncomeError::TaxableIncomeNeeded);
    };
    if taxable.is_negative() || taxable.to_cents().is_err() {
        return Err(ProtectedIncomeError::BadIncome(format!(
            "the taxable annual income {taxable} must be whole cents, zero or more"
        )));
    }
    // Which group an income above the norm is in needs the half-year's threshold, and
    // the middle group its parameters: without a verified row, refused (see FORMULAS).
    let formula = verified(tables.formulas, start, |r| (r.from, r.status)).ok_or_else(|| {
        missing(
            start,
            "income-group threshold and middle-group formula parameters (D–K)",
        )
    })?;
    let situation = debtor.situation as usize;
    let threshold = Money::from_cents(formula.high_threshold_cents[situation]);
    let (maximum, maximum_source) = maximum_in(tables, debtor.situation, on)?;
    if taxable >= threshold {
        let amount = maximum.min(ninety_five);
        return Ok(ProtectedIncome {
            group: IncomeGroup::High,
            amount,
            norm,
            explanation: format!(
                "hoog inkomen: het belastbaar jaarinkomen {} is niet lager dan {}: de vaste \
                 maximale beslagvrije voet {}, {cap_words}.",
                taxable.format_nl(),
                threshold.format_nl(),
                maximum.format_nl()
            ),
            sources: vec![row.source, maximum_source, formula.source],
        });
    }
    let computed = Money::from_decimal(middle_group_formula(
        norm,
        taxable,
        &formula.parameters[situation],
    ))
    .round_cents();
    // The formula's own bounds: never below 95 % of the norm nor above the maximum of the
    // situation, and never above 95 % of the income.
    let floor = (norm * percent(950)).round_cents();
    let amount = computed.max(floor).min(maximum).min(ninety_five);
    Ok(ProtectedIncome {
        group: IncomeGroup::Middle,
        amount,
        norm,
        explanation: format!(
            "middeninkomen: 95 % van de norm {} = {}, met de compensatie voor toeslagen naar \
             het belastbaar jaarinkomen {} (formule art. 475da Rv) = {}, {cap_words}.",
            norm.format_nl(),
            floor.format_nl(),
            taxable.format_nl(),
            computed.format_nl()
        ),
        sources: vec![row.source, formula.source],
    })
}

/// What the garnishee pays over to the bailiff for a month: the net income above the
/// protected income, at most what is still owed, never less than nothing.
pub fn monthly_payment(net_monthly_income: Money, protected: Money, still_owed: Money) -> Money {
    (net_monthly_income - protected)
        .max(Money::ZERO)
        .min(still_owed.max(Money::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn debtor(situation: LivingSituation, income: &str) -> Debtor {
        Debtor {
            situation,
            net_monthly_income: m(income),
            taxable_annual_income: None,
            no_fixed_address: false,
        }
    }

    #[test]
    fn no_fixed_address_published_example() {
        // uwbeslagvrijevoet.nl/woonadres (procedure.md): per 1-1-2021 a debtor without a
        // fixed address keeps € 729,76 = 47,5 % × the couple norm 1.536,34
        // (729,7615 → 729,76), here with an income of 2.000,00 (95 % = 1.900,00, above it).
        let mut d1 = debtor(LivingSituation::Single, "2000.00");
        d1.no_fixed_address = true;
        let p = protected_income(&d1, d("2021-03-15")).unwrap();
        assert_eq!(p.group, IncomeGroup::NoFixedAddress);
        assert_eq!(p.amount, m("729.76"));
        assert_eq!(p.norm, m("1536.34"));
        assert!(p.explanation.contains("729,76"), "{}", p.explanation);
        // Never more than 95 % of the income: on 700,00 it is 665,00.
        d1.net_monthly_income = m("700.00");
        assert_eq!(
            protected_income(&d1, d("2021-03-15")).unwrap().amount,
            m("665.00")
        );
        // 1-7-2025, couple norm 1.955,80: 47,5 % = 929,005 → 929,01.
        d1.net_monthly_income = m("2000.00");
        assert_eq!(
            protected_income(&d1, d("2025-08-01")).unwrap().amount,
            m("929.01")
        );
    }

    #[test]
    fn low_income_keeps_95_percent() {
        // Single, 1-7-2025, norm 1.369,06 (VERIFIED): net 1.200,00 ≤ norm → 95 % =
        // 1.140,00; the employer pays 60,00 a month (the 5 %), at most what is owed.
        let p =
            protected_income(&debtor(LivingSituation::Single, "1200.00"), d("2025-07-01")).unwrap();
        assert_eq!(
            (p.group, p.amount, p.norm),
            (IncomeGroup::Low, m("1140.00"), m("1369.06"))
        );
        assert_eq!(
            monthly_payment(m("1200.00"), p.amount, m("1000")),
            m("60.00")
        );
        assert_eq!(
            monthly_payment(m("1200.00"), p.amount, m("25.50")),
            m("25.50")
        );
        // Exactly at the norm is still low: 1.369,06 × 0,95 = 1.300,607 → 1.300,61.
        let at = protected_income(
            &debtor(LivingSituation::SingleParent, "1369.06"),
            d("2025-12-31"),
        )
        .unwrap();
        assert_eq!((at.group, at.amount), (IncomeGroup::Low, m("1300.61")));
        // Couple, 1-1-2024, norm 1.834,04: 1.800,00 → 1.710,00.
        let couple =
            protected_income(&debtor(LivingSituation::Couple, "1800.00"), d("2024-06-30")).unwrap();
        assert_eq!((couple.amount, couple.norm), (m("1710.00"), m("1834.04")));
        // Nothing to pay when the income is below the protected income.
        assert_eq!(monthly_payment(m("100"), m("150"), m("500")), Money::ZERO);
    }

    #[test]
    fn what_is_not_verified_is_refused() {
        let single = debtor(LivingSituation::Single, "1200.00");
        // 2026-01-01: the norms are UNVERIFIED.
        let e = protected_income(&single, d("2026-02-01")).unwrap_err();
        assert_eq!(
            e,
            ProtectedIncomeError::NoVerifiedAmounts {
                half_year: d("2026-01-01"),
                what: "bijstandsnormen".into()
            }
        );
        assert!(e.to_string().contains("rekenmodule"));
        // A half-year without any row (2022), and 2021 for a single person.
        assert!(protected_income(&single, d("2022-09-01")).is_err());
        assert!(matches!(
            protected_income(&single, d("2021-02-01")),
            Err(ProtectedIncomeError::NoVerifiedAmounts { what, .. }) if what == "single norm"
        ));
        // Before the law.
        assert_eq!(
            protected_income(&single, d("2020-12-31")),
            Err(ProtectedIncomeError::BeforeTheLaw(d("2020-12-31")))
        );
        // Above the norm: the group needs the taxable income, and with it the threshold
        // and the formula's parameters, which are not verified for any half-year.
        let above = debtor(LivingSituation::Single, "2500.00");
        assert_eq!(
            protected_income(&above, d("2025-07-01")),
            Err(ProtectedIncomeError::TaxableIncomeNeeded)
        );
        let with_taxable = Debtor {
            taxable_annual_income: Some(m("45000")),
            ..above
        };
        assert!(matches!(
            protected_income(&with_taxable, d("2025-07-01")),
            Err(ProtectedIncomeError::NoVerifiedAmounts { .. })
        ));
        // A negative income is no income.
        assert!(matches!(
            protected_income(&debtor(LivingSituation::Single, "-1"), d("2025-07-01")),
            Err(ProtectedIncomeError::BadIncome(_))
        ));
    }

    #[test]
    fn maxima_agree_with_the_norms() {
        // procedure.md's cross-check: maximum − 95 % × norm is the same per living
        // situation in both halves of 2025 (793,06 / 964,06 / 913,06 / 1.029,99).
        use LivingSituation::*;
        let expected = [m("793.06"), m("964.06"), m("913.06"), m("1029.99")];
        for on in [d("2025-01-01"), d("2025-07-01")] {
            let row = norms(&Tables::BUILT_IN, on).unwrap();
            for (i, situation) in [Single, SingleParent, Couple, CoupleWithChildren]
                .into_iter()
                .enumerate()
            {
                let norm = if situation.is_couple() {
                    row.couple_cents
                } else {
                    row.single_cents
                };
                let kop = maximum(situation, on).unwrap()
                    - (Money::from_cents(norm.unwrap()) * percent(950)).round_cents();
                assert!(
                    (kop - expected[i]).as_decimal().abs() <= Decimal::new(1, 2),
                    "{on} {situation:?} {kop}"
                );
            }
        }
        assert!(maximum(Single, d("2024-08-01")).is_err());
        assert_eq!(
            maximum(CoupleWithChildren, d("2024-03-01")).unwrap(),
            m("2747.09")
        );
    }

    /// Made-up parameters (NOT the law's: none are verified), to check the arithmetic and
    /// the group rules around the formula: D = 20.000, E = 0,10, H = 0, I = 0, J = 0,
    /// K = 0,05, threshold 40.000 for every situation; 1-7-2025 norm single 1.369,06,
    /// maximum single 2.093,67.
    fn made_up() -> [FormulaRow; 1] {
        let p = FormulaParameters {
            d: Decimal::from(20_000),
            e: Decimal::new(10, 2),
            h: Decimal::ZERO,
            i: Decimal::ZERO,
            j: Decimal::ZERO,
            k: Decimal::new(5, 2),
        };
        [FormulaRow {
            from: d("2025-07-01"),
            parameters: [p; 4],
            high_threshold_cents: [4_000_000; 4],
            status: Status::Verified,
            source: "made up for a test",
        }]
    }

    #[test]
    fn middle_and_high_groups_follow_the_formula_and_its_bounds() {
        let formulas = made_up();
        let tables = Tables {
            formulas: &formulas,
            ..Tables::BUILT_IN
        };
        let on = d("2025-08-01");
        let mut single = debtor(LivingSituation::Single, "2500.00");
        // C = 32.000: 95 % × 1.369,06 = 1.300,607; (32.000 − 20.000) / 12 = 1.000 × 0,10 =
        // 100 and × 0,05 = 50: 1.450,607 → 1.450,61; below 95 % of 2.500 = 2.375,00.
        single.taxable_annual_income = Some(m("32000"));
        let p = protected_income_in(&tables, &single, on).unwrap();
        assert_eq!((p.group, p.amount), (IncomeGroup::Middle, m("1450.61")));
        assert!(
            p.explanation.starts_with("middeninkomen"),
            "{}",
            p.explanation
        );
        assert_eq!(
            middle_group_formula(m("1369.06"), m("32000"), &formulas[0].parameters[0]),
            Decimal::new(1_450_607, 3)
        );
        // C = 39.999,99: 19.999,99 / 12 = 1.666,66583 × 0,15 = 249,99988; + 1.300,607 =
        // 1.550,60688 → 1.550,61.
        single.taxable_annual_income = Some(m("39999.99"));
        assert_eq!(
            protected_income_in(&tables, &single, on).unwrap().amount,
            m("1550.61")
        );
        // Below D the formula would fall under 95 % of the norm: the norm's 95 % holds.
        single.taxable_annual_income = Some(m("8000"));
        assert_eq!(
            protected_income_in(&tables, &single, on).unwrap().amount,
            m("1300.61")
        );
        // At the threshold: the fixed maximum 2.093,67 (below 95 % of 2.500 = 2.375).
        single.taxable_annual_income = Some(m("40000"));
        let high = protected_income_in(&tables, &single, on).unwrap();
        assert_eq!((high.group, high.amount), (IncomeGroup::High, m("2093.67")));
        // Never more than 95 % of the income: net 1.400,00 above the norm, high taxable
        // income (other income elsewhere) → 1.330,00.
        single.net_monthly_income = m("1400.00");
        assert_eq!(
            protected_income_in(&tables, &single, on).unwrap().amount,
            m("1330.00")
        );
        // The same debtor on the built-in tables: no verified formula row, refused.
        assert!(matches!(
            protected_income(&single, on),
            Err(ProtectedIncomeError::NoVerifiedAmounts { what, .. }) if what.contains("D–K")
        ));
        // A row not verified is not used.
        let mut unverified = made_up();
        unverified[0].status = Status::Unverified;
        let tables = Tables {
            formulas: &unverified,
            ..Tables::BUILT_IN
        };
        assert!(protected_income_in(&tables, &single, on).is_err());
    }

    #[test]
    fn rows_are_half_years_in_order() {
        assert!(NORMS.windows(2).all(|w| w[0].from < w[1].from));
        assert!(MAXIMA.windows(2).all(|w| w[0].from < w[1].from));
        for from in NORMS
            .iter()
            .map(|r| r.from)
            .chain(MAXIMA.iter().map(|r| r.from))
        {
            assert_eq!(half_year(from), from);
        }
        assert_eq!(half_year(d("2025-06-30")), d("2025-01-01"));
        assert_eq!(half_year(d("2025-07-01")), d("2025-07-01"));
    }
}
