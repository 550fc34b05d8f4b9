//! The bailiff's fees for official acts (*Besluit tarieven ambtshandelingen
//! gerechtsdeurwaarders*, Btag, BWBR0012638), procedure.md §4, by the year of the act.
//!
//! Art. 14 lid 1 Btag indexes the tariffs every 1 January, so a year without its figures
//! has no tariff: an act in it is not charged at last year's figure (that would be a few
//! euros off on every writ) but waits until the office adds the year
//! (`AdminService.AddBailiffTariffs`), merged over the built-in years like the court fees.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};

use super::money::Money;
use super::tariff_years::{FeeStatus, TariffYear, YearTable};

/// An official act of the bailiff (*ambtshandeling*) with a fixed tariff in art. 2 Btag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BailiffAct {
    /// Art. 2a: summons in a claim procedure (*dagvaarding*).
    Summons,
    /// Art. 2b: service of a judgment, with or without order to pay (*betekening vonnis
    /// met bevel tot betaling*).
    ServiceOfJudgment,
    /// Art. 2c: service of an application / notice, e.g. a separate order to pay
    /// (*aanzegging, bevel*).
    Notice,
    /// Art. 2d: other service, e.g. notifying an attachment (*overbetekening*).
    OtherService,
    /// Art. 2e: attachment of movables (*beslag roerende zaken*).
    AttachmentOfMovables,
    /// Art. 2i: garnishment, not periodic (*derdenbeslag*, e.g. bank account).
    Garnishment,
    /// Art. 2j: garnishment of periodic payments (*loonbeslag*).
    WageGarnishment,
    /// Art. 2k: garnishment for maintenance (*derdenbeslag alimentatie*).
    MaintenanceGarnishment,
    /// Art. 2o: attachment of real property (*beslag onroerende zaken*).
    AttachmentOfRealProperty,
}

/// The acts with a tariff, in the column order of [`BtagFigures::cents`].
pub const ACTS: usize = 9;

impl BailiffAct {
    /// Every act, in column order.
    pub const ALL: [BailiffAct; ACTS] = [
        BailiffAct::Summons,
        BailiffAct::ServiceOfJudgment,
        BailiffAct::Notice,
        BailiffAct::OtherService,
        BailiffAct::AttachmentOfMovables,
        BailiffAct::Garnishment,
        BailiffAct::WageGarnishment,
        BailiffAct::MaintenanceGarnishment,
        BailiffAct::AttachmentOfRealProperty,
    ];

    /// Its column in [`BtagFigures::cents`].
    pub fn column(self) -> usize {
        Self::ALL
            .iter()
            .position(|a| *a == self)
            .expect("every act is in ALL")
    }

    /// The wire's name.
    pub fn as_str(self) -> &'static str {
        match self {
            BailiffAct::Summons => "summons",
            BailiffAct::ServiceOfJudgment => "judgment_service",
            BailiffAct::Notice => "notice",
            BailiffAct::OtherService => "other_service",
            BailiffAct::AttachmentOfMovables => "attachment_of_movables",
            BailiffAct::Garnishment => "garnishment",
            BailiffAct::WageGarnishment => "wage_garnishment",
            BailiffAct::MaintenanceGarnishment => "maintenance_garnishment",
            BailiffAct::AttachmentOfRealProperty => "attachment_of_real_property",
        }
    }

    /// The act of a wire name.
    pub fn parse(name: &str) -> Option<BailiffAct> {
        Self::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// Its article in the Btag ("2a").
    pub fn article(self) -> &'static str {
        match self {
            BailiffAct::Summons => "2a",
            BailiffAct::ServiceOfJudgment => "2b",
            BailiffAct::Notice => "2c",
            BailiffAct::OtherService => "2d",
            BailiffAct::AttachmentOfMovables => "2e",
            BailiffAct::Garnishment => "2i",
            BailiffAct::WageGarnishment => "2j",
            BailiffAct::MaintenanceGarnishment => "2k",
            BailiffAct::AttachmentOfRealProperty => "2o",
        }
    }
}

/// A year's Btag tariffs excl. VAT in cents, per act in [`BailiffAct::ALL`] order, from a
/// first day (1 January, but for the recalculation of 1 July 2021); `None` where the
/// reference has no figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BtagFigures {
    /// The first day the figures are in force.
    pub from: NaiveDate,
    /// The tariff per act.
    pub cents: [Option<i64>; ACTS],
}

/// One year of the Btag.
pub type BtagYear = TariffYear<BtagFigures>;

/// The Btag years in force: the built-in ones with the office's merged over them.
pub type BailiffTariffs = YearTable<BtagFigures>;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("table dates are valid")
}

/// The built-in years (procedure.md §4).
fn built_in_years() -> Vec<BtagYear> {
    let year = |from: NaiveDate, cents, status, source: &str, note: &str| BtagYear {
        year: from.year(),
        figures: BtagFigures { from, cents },
        source: source.to_owned(),
        status,
        note: note.to_owned(),
    };
    vec![
        year(
            ymd(2021, 7, 1),
            [
                Some(9_852),
                Some(10_871),
                Some(7_902),
                Some(7_119),
                Some(13_137),
                Some(20_933),
                Some(14_697),
                Some(12_722),
                Some(18_047),
            ],
            FeeStatus::Verified,
            "recalculation of 1 July 2021: grootevers.nl, ruebincasso.nl (secondary)",
            "",
        ),
        year(
            ymd(2022, 1, 1),
            [
                Some(10_333),
                Some(11_401),
                Some(8_287),
                Some(7_466),
                Some(13_778),
                Some(21_954),
                Some(15_414),
                Some(13_343),
                None,
            ],
            FeeStatus::Verified,
            "schuldinfo.nl (secondary)",
            "art. 2o not found",
        ),
        year(
            ymd(2023, 1, 1),
            [
                Some(10_673),
                Some(11_620),
                Some(8_485),
                Some(7_659),
                Some(14_013),
                Some(22_157),
                Some(15_717),
                Some(13_575),
                None,
            ],
            FeeStatus::Unverified,
            "Stb. 2023, 63 (official)",
            "the first day is UNVERIFIED: the Besluit is of 20 February 2023, 1 January is \
             assumed; art. 2o not found",
        ),
        year(
            ymd(2024, 1, 1),
            [
                Some(11_237),
                Some(12_234),
                Some(8_933),
                Some(8_064),
                None,
                None,
                None,
                None,
                None,
            ],
            FeeStatus::Verified,
            "invorderingsbedrijf.nl \"Btag 2024\" (secondary)",
            "the attachments (art. 2e–2o) not found",
        ),
        year(
            ymd(2025, 1, 1),
            [
                Some(11_941),
                Some(13_000),
                Some(9_493),
                Some(8_569),
                Some(15_677),
                Some(24_788),
                Some(17_583),
                Some(15_187),
                Some(21_517),
            ],
            FeeStatus::Unverified,
            "derived: 2026 ÷ 1.051629",
            "UNVERIFIED, back-calculated from the 2026 figures",
        ),
        year(
            ymd(2026, 1, 1),
            [
                Some(12_557),
                Some(13_671),
                Some(9_983),
                Some(9_011),
                Some(16_486),
                Some(26_068),
                Some(18_491),
                Some(15_971),
                Some(22_628),
            ],
            FeeStatus::Verified,
            "groot-evers.nl \"Btag rates dated 01-01-2026\" (+5.1629 %, secondary)",
            "",
        ),
    ]
}

static BUILT_IN: LazyLock<BailiffTariffs> = LazyLock::new(|| YearTable::new(built_in_years()));

impl Default for BailiffTariffs {
    fn default() -> Self {
        Self::built_in().clone()
    }
}

impl BailiffTariffs {
    /// The built-in years alone (2021 from 1 July to 2026).
    pub fn built_in() -> &'static BailiffTariffs {
        &BUILT_IN
    }

    /// The tariff (excl. VAT) for `act` performed on `date`: from that year's figures;
    /// `None` for a year without figures (art. 14 Btag indexes every 1 January) or an act
    /// the year has no figure for.
    pub fn fee(&self, act: BailiffAct, date: NaiveDate) -> Option<Money> {
        let year = self.year(date.year())?;
        if date < year.figures.from {
            return None;
        }
        year.figures.cents[act.column()].map(Money::from_cents)
    }

    /// The fee for `act` on `date` and the VAT the debtor owes on it: the VAT when
    /// `vat_charged` (the creditor cannot deduct it: the same flag that adds VAT to the
    /// collection costs), else zero. `None` when the tariff has no figure that day. The
    /// track and the documents both take the fee from here.
    pub fn fee_and_vat(
        &self,
        act: BailiffAct,
        date: NaiveDate,
        vat_charged: bool,
    ) -> Option<(Money, Money)> {
        let fee = self.fee(act, date)?;
        let vat = if vat_charged {
            bailiff_fee_vat(fee, date)
        } else {
            Money::ZERO
        };
        Some((fee, vat))
    }
}

/// The VAT on a bailiff's fee charged on `date`: the general rate that day, rounded to the
/// cent. Btag amounts are excl. 21 % BTW, which the debtor owes only when the creditor cannot
/// deduct it (procedure.md § Btag; the rule is UNVERIFIED practice).
pub fn bailiff_fee_vat(fee: Money, date: NaiveDate) -> Money {
    (fee * super::collection_costs::vat_rate_on(date)).round_cents()
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
    fn built_in_fees_by_the_day_of_the_act() {
        // procedure.md §4.
        let fee = |act, day| BailiffTariffs::built_in().fee(act, d(day));
        assert_eq!(fee(BailiffAct::Summons, "2021-07-01"), Some(m("98.52")));
        assert_eq!(fee(BailiffAct::Summons, "2021-06-30"), None);
        assert_eq!(fee(BailiffAct::Summons, "2024-12-31"), Some(m("112.37")));
        assert_eq!(
            fee(BailiffAct::ServiceOfJudgment, "2026-03-01"),
            Some(m("136.71"))
        );
        assert_eq!(
            fee(BailiffAct::WageGarnishment, "2023-05-01"),
            Some(m("157.17"))
        );
        assert_eq!(fee(BailiffAct::Garnishment, "2024-05-01"), None);
        assert_eq!(
            fee(BailiffAct::AttachmentOfRealProperty, "2026-01-01"),
            Some(m("226.28"))
        );
        // Indexed every 1 January (art. 14 Btag): 2026's figures do not run on into 2027.
        assert_eq!(fee(BailiffAct::Summons, "2026-12-31"), Some(m("125.57")));
        assert_eq!(fee(BailiffAct::Summons, "2027-01-04"), None);
    }

    #[test]
    fn an_office_year_is_added_and_replaces_the_year_it_names() {
        let office = |year: i32, base: i64| BtagYear {
            year,
            figures: BtagFigures {
                from: ymd(year, 1, 1),
                cents: std::array::from_fn(|i| Some(base + i as i64)),
            },
            source: "Stcrt.".into(),
            status: FeeStatus::Office,
            note: String::new(),
        };
        let table = BailiffTariffs::built_in().with_office_years(&[office(2027, 13_000)]);
        assert_eq!(
            table.fee(BailiffAct::Summons, d("2027-01-04")),
            Some(m("130.00"))
        );
        assert_eq!(
            table.fee(BailiffAct::AttachmentOfRealProperty, d("2027-12-31")),
            Some(m("130.08"))
        );
        assert_eq!(
            table.fee(BailiffAct::Summons, d("2026-12-31")),
            Some(m("125.57"))
        );
        let again = table.with_office_years(&[office(2027, 14_000)]);
        assert_eq!(
            again.fee(BailiffAct::Notice, d("2027-06-01")),
            Some(m("140.02"))
        );
        // With VAT where the client cannot deduct it: 21 % of € 130.00.
        assert_eq!(
            table.fee_and_vat(BailiffAct::Summons, d("2027-01-04"), true),
            Some((m("130.00"), m("27.30")))
        );
    }

    #[test]
    fn wire_names_and_articles() {
        for act in BailiffAct::ALL {
            assert_eq!(BailiffAct::parse(act.as_str()), Some(act));
        }
        assert_eq!(BailiffAct::AttachmentOfRealProperty.column(), 8);
        assert_eq!(BailiffAct::AttachmentOfRealProperty.article(), "2o");
        assert_eq!(BailiffAct::parse("dagvaarding"), None);
    }
}
