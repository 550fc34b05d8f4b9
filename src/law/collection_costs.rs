//! Collection costs (*buitengerechtelijke incassokosten*, BIK): the staffel of the Besluit
//! vergoeding voor buitengerechtelijke incassokosten (Stb. 2012, 141, BWBR0031432).
//!
//! - Art. 2 lid 1: 15 % of the first € 2,500 of the principal (*hoofdsom*), 10 % of the
//!   next € 2,500, 5 % of the next € 5,000, 1 % of the next € 190,000 and 0.5 % above
//!   € 200,000, at most € 6,775; art. 2 lid 2: at least € 40. Rounded to cents, half away
//!   from zero (the Besluit prescribes no rounding; `law.md` §3).
//! - Art. 2 lid 3: VAT on top only when the creditor cannot deduct it; the general rate of
//!   art. 9 lid 1 Wet OB 1968, 21 % since 2012-10-01 (19 % before), computed on the
//!   rounded costs and rounded to cents.
//! - Invoices collected together: the staffel once over their total principal (`law.md`
//!   §3: Nota van Toelichting practice, no Hoge Raad ruling; avoids stacking minimums).
//! - The Besluit applies only where *verzuim* began on or after 2012-07-01 (art. 3
//!   Besluit); callers handling older claims must not use this staffel.
//! - No principal, no costs: an amount of zero or less gives zero (the minimum is owed on
//!   an unpaid principal, not on nothing).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::money::Money;

/// One band of the staffel: the rate applies to the part of the principal up to `upto`
/// (euros) above the previous band.
struct Band {
    upto: Option<i64>,
    /// Percent × 10 (15 % = 150, 0.5 % = 5).
    per_mille: i64,
}

/// Art. 2 lid 1 Besluit vergoeding voor buitengerechtelijke incassokosten (VERIFIED).
const STAFFEL: [Band; 5] = [
    Band {
        upto: Some(2_500),
        per_mille: 150,
    },
    Band {
        upto: Some(5_000),
        per_mille: 100,
    },
    Band {
        upto: Some(10_000),
        per_mille: 50,
    },
    Band {
        upto: Some(200_000),
        per_mille: 10,
    },
    Band {
        upto: None,
        per_mille: 5,
    },
];

/// Art. 2 lid 2 Besluit: the minimum, € 40.
pub const MINIMUM: Money = Money::from_decimal(Decimal::from_parts(40, 0, 0, false, 0));

/// Art. 2 lid 1 Besluit: the maximum, € 6,775.
pub const MAXIMUM: Money = Money::from_decimal(Decimal::from_parts(6_775, 0, 0, false, 0));

/// The collection costs a debtor owes for `principal` (the total principal of the invoices
/// collected together), excluding VAT: the staffel, at least € 40 and at most € 6,775,
/// rounded to cents. Zero for no principal.
pub fn collection_costs(principal: Money) -> Money {
    if !principal.is_positive() {
        return Money::ZERO;
    }
    let mut total = Money::ZERO;
    let mut lower = Money::ZERO;
    for band in &STAFFEL {
        let upper = band.upto.map(Money::from_euros);
        let top = match upper {
            Some(upper) if principal > upper => upper,
            _ => principal,
        };
        total += (top - lower) * Decimal::new(band.per_mille, 3);
        match upper {
            Some(upper) if principal > upper => lower = upper,
            _ => break,
        }
    }
    total.round_cents().max(MINIMUM).min(MAXIMUM)
}

/// The general VAT rate (*algemeen btw-tarief*, art. 9 lid 1 Wet OB 1968) on `date`, as a
/// fraction: 21 % from 2012-10-01, 19 % before (from 2001; earlier dates predate the
/// Besluit anyway).
pub fn vat_rate_on(date: NaiveDate) -> Decimal {
    let first_21 = NaiveDate::from_ymd_opt(2012, 10, 1).expect("valid date");
    if date >= first_21 {
        Decimal::new(21, 2)
    } else {
        Decimal::new(19, 2)
    }
}

/// VAT on collection costs (art. 2 lid 3 Besluit) owed on `date`, rounded to cents; only to
/// be charged when the creditor cannot deduct VAT.
pub fn collection_costs_vat(costs: Money, date: NaiveDate) -> Money {
    (costs * vat_rate_on(date)).round_cents()
}

/// Collection costs with their VAT, as a letter or summons states them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CollectionCosts {
    /// The staffel amount, excluding VAT.
    pub costs: Money,
    /// VAT on it; zero when the creditor can deduct VAT.
    pub vat: Money,
}

impl CollectionCosts {
    /// Costs plus VAT.
    pub fn total(self) -> Money {
        self.costs + self.vat
    }
}

/// The collection costs over `principal`, owed on `date`, with VAT only when
/// `creditor_cannot_deduct_vat`.
pub fn collection_costs_with_vat(
    principal: Money,
    date: NaiveDate,
    creditor_cannot_deduct_vat: bool,
) -> CollectionCosts {
    let costs = collection_costs(principal);
    let vat = if creditor_cannot_deduct_vat {
        collection_costs_vat(costs, date)
    } else {
        Money::ZERO
    };
    CollectionCosts { costs, vat }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
    }

    #[test]
    fn law_md_worked_examples() {
        // law.md §3 "Worked examples": (hoofdsom, BIK excl. BTW, incl. 21 % BTW).
        let cases = [
            ("200.00", "40.00", "48.40"),         // 15 % = 30 < minimum
            ("1000.00", "150.00", "181.50"),      // 15 % × 1,000
            ("3000.00", "425.00", "514.25"),      // 375 + 10 % × 500
            ("7500.00", "750.00", "907.50"),      // 375 + 250 + 5 % × 2,500
            ("12345.67", "898.46", "1087.14"),    // 875 + 1 % × 2,345.67 = 898.4567
            ("100000.00", "1775.00", "2147.75"),  // 875 + 1 % × 90,000
            ("1245000.00", "6775.00", "8197.75"), // 2,775 + 0.5 % × 1,045,000 = 8,000 → cap
            ("770.00", "115.50", "139.76"),       // 150 + 220 + 400 aggregated; 139.755 ↑
        ];
        for (principal, costs, with_vat) in cases {
            let c = collection_costs_with_vat(m(principal), day(), true);
            assert_eq!(c.costs, m(costs), "{principal}");
            assert_eq!(c.total(), m(with_vat), "{principal}");
            let no_vat = collection_costs_with_vat(m(principal), day(), false);
            assert_eq!(no_vat.vat, Money::ZERO);
        }
    }

    #[test]
    fn band_edges_minimum_and_maximum() {
        // Cumulative maxima of law.md §3 (VERIFIED staffel): 375 / 625 / 875 / 2,775.
        let cases = [
            ("2500.00", "375.00"),
            ("2500.01", "375.00"), // + 10 % × 0.01 = 375.001 → 375.00
            ("2500.05", "375.01"), // 375.005 → 375.01 (half away from zero)
            ("5000.00", "625.00"),
            ("5000.10", "625.01"),
            ("10000.00", "875.00"), // debloggendeadvocaat.nl 2015: BIK € 875 on € 10,000
            ("10001.00", "875.01"),
            ("200000.00", "2775.00"),
            ("200002.00", "2775.01"),
            ("266.66", "40.00"),       // 39.999 → 40.00
            ("266.67", "40.00"),       // 40.0005 → 40.00
            ("266.70", "40.01"),       // 40.005 → 40.01
            ("0.01", "40.00"),         // the minimum
            ("1000000.00", "6775.00"), // 2,775 + 0.5 % × 800,000 = 6,775: the maximum reached
            ("999998.00", "6774.99"),  // 2,775 + 3,999.99
            ("999999.00", "6775.00"),  // 6,774.995 → 6,775.00
            ("5000000.00", "6775.00"),
        ];
        for (principal, costs) in cases {
            assert_eq!(collection_costs(m(principal)), m(costs), "{principal}");
        }
        assert_eq!(collection_costs(Money::ZERO), Money::ZERO);
        assert_eq!(collection_costs(m("-5")), Money::ZERO);
    }

    #[test]
    fn aggregated_not_per_invoice() {
        // law.md §3: three invoices 150 + 220 + 400 in one letter: 115.50, not 40+40+60.
        let total: Money = [m("150"), m("220"), m("400")].iter().sum();
        assert_eq!(collection_costs(total), m("115.50"));
    }

    #[test]
    fn vat_rate_by_date() {
        let before = NaiveDate::from_ymd_opt(2012, 9, 30).unwrap();
        let after = NaiveDate::from_ymd_opt(2012, 10, 1).unwrap();
        assert_eq!(collection_costs_vat(m("100"), before), m("19"));
        assert_eq!(collection_costs_vat(m("100"), after), m("21"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn within_minimum_and_maximum(cents in 1i64..100_000_000_000) {
            let c = collection_costs(Money::from_cents(cents));
            prop_assert!(c >= MINIMUM && c <= MAXIMUM);
            prop_assert!(c.to_cents().is_ok());
            let more = collection_costs(Money::from_cents(cents + 1));
            prop_assert!(more >= c);
        }
    }
}
