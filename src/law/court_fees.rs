//! The kanton court fee (*griffierecht*, Wet griffierechten burgerlijke zaken, BWBR0028899)
//! the claimant pays, by the year of the first hearing date (*roldatum*), procedure.md §3.
//!
//! The figures are indexed every 1 January and published in the Staatscourant a few weeks
//! before, so the built-in years run out: a summons for a hearing in a year with no table
//! cannot be drafted. The office adds the new year's table itself
//! (`AdminService.AddCourtFees`) and it is merged over the built-in one, as the office's
//! interest rates are (`law::rates`).

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};

use super::money::Money;
pub use super::tariff_years::FeeStatus;
use super::tariff_years::{TariffYear, YearTable};

/// Who pays the court fee: the three columns of the kanton table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeePayer {
    /// *Niet-natuurlijke persoon*: legal persons, also VOF/CV/maatschap.
    LegalPerson,
    /// *Natuurlijke persoon*, including a sole trader.
    NaturalPerson,
    /// *On- of minvermogende*: a natural person with legal aid or a low-income statement.
    Onvermogend,
}

impl FeePayer {
    fn column(self) -> usize {
        match self {
            FeePayer::LegalPerson => 0,
            FeePayer::NaturalPerson => 1,
            FeePayer::Onvermogend => 2,
        }
    }
}

/// The value of a claim for the fee class: principal + claimed collection costs + interest
/// fallen due (not interest after the summons), or undetermined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimValue {
    /// A money claim of this value.
    Amount(Money),
    /// A claim of undetermined value (*onbepaalde waarde*): the lowest class.
    Undetermined,
}

/// Upper bounds (euros, inclusive) of the six kanton classes since 2022 (Wet 35439); the
/// last class is open.
pub const FEE_CLASS_UPPER: [i64; 5] = [500, 1_500, 2_500, 5_000, 12_500];

/// Classes of the kanton table.
pub const FEE_CLASSES: usize = FEE_CLASS_UPPER.len() + 1;

/// One year's kanton table: `figures[class][payer]` in cents, payer order as
/// [`FeePayer`]'s columns.
pub type FeeYear = TariffYear<CourtFeeFigures>;

/// A year's kanton figures in cents: `[class][payer]`.
pub type CourtFeeFigures = [[i64; 3]; FEE_CLASSES];

/// The kanton fee table in force: the built-in years with the office's merged over them.
pub type CourtFeeTable = YearTable<CourtFeeFigures>;

impl FeeYear {
    /// The fee for a claim of `value` paid by `payer`.
    pub fn fee(&self, value: ClaimValue, payer: FeePayer) -> Money {
        let class = match value {
            ClaimValue::Undetermined => 0,
            ClaimValue::Amount(amount) => FEE_CLASS_UPPER
                .iter()
                .position(|&upper| amount <= Money::from_euros(upper))
                .unwrap_or(FEE_CLASS_UPPER.len()),
        };
        Money::from_cents(self.figures[class][payer.column()])
    }
}

/// The built-in years in whole euros, with their sources (procedure.md §3).
fn built_in_years() -> Vec<FeeYear> {
    let year = |year, euros: [[i64; 3]; FEE_CLASSES], status, source: &str, note: &str| FeeYear {
        year,
        figures: euros.map(|class| class.map(|e| e * 100)),
        source: source.to_owned(),
        status,
        note: note.to_owned(),
    };
    vec![
        year(
            2022,
            [
                [128, 86, 86],
                [322, 214, 86],
                [365, 244, 86],
                [487, 244, 86],
                [514, 244, 86],
                [1_384, 693, 86],
            ],
            FeeStatus::Unverified,
            "weersinkincasso.nl, twaelfprovincien.nl (secondary)",
            "the onvermogend column above the first class is UNVERIFIED: the flat € 86 of the \
             first class assumed",
        ),
        year(
            2024,
            [
                [130, 87, 87],
                [328, 218, 87],
                [372, 248, 87],
                [496, 248, 87],
                [524, 248, 87],
                [1_409, 706, 87],
            ],
            FeeStatus::Verified,
            "wvhl.nl/tools/proceskosten, cross-checked with denotarisadministratie.nl \
             (secondary)",
            "",
        ),
        year(
            2025,
            [
                [135, 90, 90],
                [340, 226, 90],
                [386, 257, 90],
                [514, 257, 90],
                [543, 257, 90],
                [1_461, 731, 90],
            ],
            FeeStatus::Unverified,
            "derived: 2024 × ~1.037 and 2026 ÷ 1.0294 agree",
            "UNVERIFIED; the top natural person figure is 731 or 732, 731 used; check \
             rechtspraak.nl",
        ),
        year(
            2026,
            [
                [139, 93, 93],
                [350, 233, 93],
                [397, 265, 93],
                [529, 265, 93],
                [559, 265, 93],
                [1_504, 753, 93],
            ],
            FeeStatus::Verified,
            "nl.legal/proceskosten-tarieven-2026 citing rechtspraak.nl (secondary)",
            "the onvermogend € 93 is UNVERIFIED (derived 2025 × 1.0294)",
        ),
    ]
}

static BUILT_IN: LazyLock<CourtFeeTable> = LazyLock::new(|| YearTable::new(built_in_years()));

impl Default for CourtFeeTable {
    fn default() -> Self {
        Self::built_in().clone()
    }
}

impl CourtFeeTable {
    /// The built-in years alone (2023 and the years before 2022 are missing from the
    /// reference).
    pub fn built_in() -> &'static CourtFeeTable {
        &BUILT_IN
    }

    /// The fee for a summons whose first hearing is on `first_hearing_date`: from the
    /// table of that year; `None` for a year with no table.
    pub fn fee(
        &self,
        first_hearing_date: NaiveDate,
        value: ClaimValue,
        payer: FeePayer,
    ) -> Option<Money> {
        Some(self.year(first_hearing_date.year())?.fee(value, payer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn m(s: &str) -> Money {
        Money::parse(s).expect("money")
    }

    #[test]
    fn built_in_fees_by_year_of_the_first_hearing_and_class() {
        // procedure.md §3 table, by year of the first hearing date.
        let fee = |date: &str, value: &str, payer| {
            CourtFeeTable::built_in().fee(d(date), ClaimValue::Amount(m(value)), payer)
        };
        assert_eq!(
            fee("2024-03-01", "500", FeePayer::LegalPerson),
            Some(m("130"))
        );
        assert_eq!(
            fee("2024-03-01", "500.01", FeePayer::LegalPerson),
            Some(m("328"))
        );
        assert_eq!(
            fee("2024-03-01", "3000", FeePayer::NaturalPerson),
            Some(m("248"))
        );
        assert_eq!(
            fee("2024-03-01", "12500.01", FeePayer::LegalPerson),
            Some(m("1409"))
        );
        assert_eq!(
            fee("2026-01-05", "12500", FeePayer::LegalPerson),
            Some(m("559"))
        );
        assert_eq!(
            fee("2026-01-05", "20000", FeePayer::NaturalPerson),
            Some(m("753"))
        );
        assert_eq!(
            fee("2022-06-01", "1500", FeePayer::LegalPerson),
            Some(m("322"))
        );
        assert_eq!(
            fee("2025-06-01", "100", FeePayer::Onvermogend),
            Some(m("90"))
        );
        assert_eq!(fee("2023-06-01", "100", FeePayer::LegalPerson), None);
        assert_eq!(fee("2027-01-05", "100", FeePayer::LegalPerson), None);
        assert_eq!(
            CourtFeeTable::built_in().fee(
                d("2024-01-01"),
                ClaimValue::Undetermined,
                FeePayer::NaturalPerson
            ),
            Some(m("87"))
        );
    }

    fn office_year(year: i32, base: i64) -> FeeYear {
        FeeYear {
            year,
            figures: std::array::from_fn(|class| {
                std::array::from_fn(|payer| base + 100 * class as i64 + payer as i64)
            }),
            source: "Stcrt.".into(),
            status: FeeStatus::Office,
            note: String::new(),
        }
    }

    #[test]
    fn an_office_year_is_added_or_replaces_the_year_it_names() {
        let table = CourtFeeTable::built_in()
            .with_office_years(&[office_year(2027, 14_000), office_year(2025, 9_500)]);
        let years: Vec<i32> = table.years().iter().map(|y| y.year).collect();
        assert_eq!(years, [2022, 2024, 2025, 2026, 2027]);
        let fee = |date: &str, value: &str, payer| {
            table.fee(d(date), ClaimValue::Amount(m(value)), payer)
        };
        // 2027: class 3 (€ 2,500.01 – € 5,000), natural person.
        assert_eq!(
            fee("2027-01-04", "5000", FeePayer::NaturalPerson),
            Some(m("143.01"))
        );
        assert_eq!(
            fee("2027-01-04", "5000.01", FeePayer::Onvermogend),
            Some(m("144.02"))
        );
        // 2025 replaced, 2026 untouched.
        assert_eq!(
            fee("2025-03-03", "100", FeePayer::LegalPerson),
            Some(m("95"))
        );
        assert_eq!(
            fee("2026-03-03", "100", FeePayer::LegalPerson),
            Some(m("139"))
        );
        // The later added of two tables for one year wins.
        let again = table.with_office_years(&[office_year(2027, 15_000)]);
        assert_eq!(
            again.fee(
                d("2027-06-01"),
                ClaimValue::Undetermined,
                FeePayer::LegalPerson
            ),
            Some(m("150"))
        );
        assert_eq!(again.years().len(), 5);
    }
}
