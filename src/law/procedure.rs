//! Civil procedure figures (dagvaarding → vonnis → executie) as dated tables, each row with
//! its source (`shared/reference/procedure.md`). Rows marked UNVERIFIED there are marked
//! in a comment here; a lookup outside the tables answers `None` rather than guess.

use chrono::{Datelike, Days, Months, NaiveDate};

use super::calendar::{extend_term, is_equated_day, is_holiday, is_working_day, next_working_day};
use super::money::Money;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("table dates are valid")
}

// ---------------------------------------------------------------------------------------
// Court competence (bevoegdheid)
// ---------------------------------------------------------------------------------------

/// The court a money claim goes to (*absolute competentie*).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Court {
    /// *Kantonrechter* (sector kanton of the rechtbank): small claims and consumer matters.
    Kantonrechter,
    /// *Rechtbank*, civil (handel) section: everything else, with a lawyer required.
    Rechtbank,
}

/// The kantonrechter's limit for money claims (art. 93 sub a Rv): € 25,000 from
/// 2011-07-01 (MvT kst-35439-3: "per 1 juli 2011 € 25.000"; VERIFIED). Earlier limits are
/// not in the table.
const KANTON_LIMIT: [(NaiveDate, i64); 1] = [(
    match NaiveDate::from_ymd_opt(2011, 7, 1) {
        Some(d) => d,
        None => panic!("valid date"),
    },
    25_000,
)];

/// The kantonrechter's limit in force on `date` (art. 93 sub a Rv), if known.
pub fn kanton_limit_on(date: NaiveDate) -> Option<Money> {
    KANTON_LIMIT
        .iter()
        .rev()
        .find(|(from, _)| *from <= date)
        .map(|&(_, euros)| Money::from_euros(euros))
}

/// Which court hears a money claim (art. 93 Rv): the kantonrechter when the claim,
/// including interest accrued up to the day of the summons, is at most the limit, and
/// always for consumer matters (art. 93 sub c: consumer purchase and credit, rent,
/// employment and the like); otherwise the rechtbank. `None` before the table starts.
pub fn competent_court(
    claim_with_interest_to_summons: Money,
    consumer_matter: bool,
    summons_date: NaiveDate,
) -> Option<Court> {
    if consumer_matter {
        return Some(Court::Kantonrechter);
    }
    let limit = kanton_limit_on(summons_date)?;
    Some(if claim_with_interest_to_summons <= limit {
        Court::Kantonrechter
    } else {
        Court::Rechtbank
    })
}

// ---------------------------------------------------------------------------------------
// Bailiff tariffs (Btag, BWBR0012638)
// ---------------------------------------------------------------------------------------

pub use super::bailiff_tariffs::BailiffAct;

// ---------------------------------------------------------------------------------------
// Liquidatietarief kanton (salaris gemachtigde)
// ---------------------------------------------------------------------------------------

/// Upper bounds (euros) of the liquidatietarief classes; the last class ("meer") is open.
const TARIFF_CLASS_UPPER: [i64; 13] = [
    250, 500, 1_250, 2_500, 3_750, 5_000, 10_000, 20_000, 40_000, 100_000, 200_000, 400_000,
    1_000_000,
];

/// Maximum points per class (`None`: no maximum), procedure.md §4b.
const TARIFF_MAX_POINTS: [Option<u32>; 14] = [
    Some(3),
    Some(4),
    Some(5),
    Some(5),
    Some(5),
    Some(6),
    Some(6),
    Some(7),
    Some(10),
    Some(10),
    None,
    None,
    None,
    None,
];

/// Euros per point per class, valid from a judgment date.
struct TariffPeriod {
    from: (i32, u32, u32),
    per_point: [Option<i64>; 14],
}

const LIQUIDATION_TARIFF: [TariffPeriod; 3] = [
    // From 2023-02-01: rechtspraak.nl liquidatietarief kanton (official, VERIFIED).
    TariffPeriod {
        from: (2023, 2, 1),
        per_point: [
            Some(39),
            Some(80),
            Some(132),
            Some(199),
            Some(232),
            Some(264),
            Some(330),
            Some(396),
            Some(529),
            Some(794),
            Some(926),
            Some(1_059),
            Some(1_322),
            Some(1_587),
        ],
    },
    // From 2024-02-01 (+2.6 %): rechtspraak.nl "Liquidatietarief kanton per 1 februari
    // 2024" (official, VERIFIED).
    TariffPeriod {
        from: (2024, 2, 1),
        per_point: [
            Some(40),
            Some(82),
            Some(135),
            Some(204),
            Some(238),
            Some(271),
            Some(339),
            Some(406),
            Some(543),
            Some(815),
            Some(950),
            Some(1_087),
            Some(1_356),
            Some(1_628),
        ],
    },
    // From 2026-02-01 (+6.3 %): UNVERIFIED, derived 2024 × 1.063 rounded; classes above
    // € 100,000 unknown.
    TariffPeriod {
        from: (2026, 2, 1),
        per_point: [
            Some(43),
            Some(87),
            Some(144),
            Some(217),
            Some(253),
            Some(288),
            Some(360),
            Some(432),
            Some(577),
            Some(866),
            None,
            None,
            None,
            None,
        ],
    },
];

/// The representative's fee the kantonrechter awards (*salaris gemachtigde*,
/// liquidatietarief): `points` (capped at the class maximum) × the value per point of the
/// claim's class (principal + interest + collection costs), by judgment date. `None`
/// outside the tables.
pub fn liquidation_tariff(judgment_date: NaiveDate, claim: Money, points: u32) -> Option<Money> {
    let period = LIQUIDATION_TARIFF.iter().rev().find(|p| {
        let (y, m, d) = p.from;
        ymd(y, m, d) <= judgment_date
    })?;
    let class = TARIFF_CLASS_UPPER
        .iter()
        .position(|&upper| claim <= Money::from_euros(upper))
        .unwrap_or(TARIFF_CLASS_UPPER.len());
    let per_point = period.per_point[class]?;
    let points = TARIFF_MAX_POINTS[class].map_or(points, |max| points.min(max));
    Some(Money::from_euros(per_point * i64::from(points)))
}

// ---------------------------------------------------------------------------------------
// Terms
// ---------------------------------------------------------------------------------------

/// The earliest hearing date (*roldatum*) for a summons served on `served_on` in the
/// Netherlands: "ten minste een week" (art. 114 Rv), counted from the day after service,
/// the hearing day itself not counted (art. 119 Rv) — served Monday the 1st, hearing
/// Tuesday the 9th at the earliest. The week's last day is extended by the Atw when it
/// falls on a weekend or holiday (the safe reading), and a hearing is only held on a
/// working day.
pub fn earliest_hearing_date(served_on: NaiveDate) -> NaiveDate {
    let week_ends = extend_term(served_on + Days::new(7));
    next_working_day(week_ends)
}

/// The last day of the two days an order to pay (*bevel tot betaling*, art. 439 lid 1 and
/// 502 Rv) gives the debtor, counted from the day after service, extended by the Atw
/// (art. 1); attachment may follow from the next day ([`earliest_attachment_date`]).
pub fn order_to_pay_ends(served_on: NaiveDate) -> NaiveDate {
    extend_term(served_on + Days::new(2))
}

/// The first day executory attachment of goods may be made after an order to pay served
/// on `served_on`: the day after the two-day term.
pub fn earliest_attachment_date(served_on: NaiveDate) -> NaiveDate {
    order_to_pay_ends(served_on) + Days::new(1)
}

/// The last of the eight days after the service on `served_on` of a judgment not declared
/// provisionally enforceable, before which it may not be executed against a third party
/// (art. 432 Rv), extended by the Atw (art. 1; a term of days, art. 4): a bank or wage
/// attachment may be laid from the day after, with the registry's statement that no verzet
/// or appeal was lodged.
pub fn third_party_wait_ends(served_on: NaiveDate) -> NaiveDate {
    crate::law::calendar::statutory_term_end(served_on, crate::law::calendar::TermLength::Days(8))
}

/// The day the garnishee's (*derde-beslagene*) statement (*derdenverklaring*) is owed: once
/// four weeks have passed since the attachment was laid (art. 476a lid 1 Rv, "zodra vier
/// weken zijn verstreken" — the duty begins then; it is not a last day), extended by the
/// Atw (art. 1) when it falls on a weekend day or holiday. A statement not in by the end of
/// this day is followed up: the track notes it (a task for older attachments).
pub fn garnishee_statement_due(laid_on: NaiveDate) -> NaiveDate {
    extend_term(laid_on + Days::new(28))
}

/// The last day the attachment must be served on the debtor (*overbetekening*): within
/// eight days after it was laid (art. 475i Rv), extended by the Atw (art. 1). Missing it
/// lets the court lift the attachment at the debtor's request (it is not void), so the
/// track serves the notice the day the attachment is laid.
pub fn attachment_notice_due(laid_on: NaiveDate) -> NaiveDate {
    extend_term(laid_on + Days::new(8))
}

/// The last day the claimant may file (*aanbrengen*) a served dagvaarding with the court's
/// registry for the hearing (roldatum) of `hearing`: "uiterlijk op de laatste dag die de
/// griffie voor de roldatum geopend is" (art. 125 lid 2 Rv) — the last working day in the
/// sense of the Atw strictly before the roldatum (a registry is closed on weekends and the
/// Atw holidays). Court rolreglementen may ask earlier filing (UNVERIFIED, procedure.md):
/// this is the statute's last day, never later.
pub fn enrolment_deadline(hearing: NaiveDate) -> NaiveDate {
    let mut day = hearing - Days::new(1);
    while !is_working_day(day) {
        day = day - Days::new(1);
    }
    day
}

/// The last day a herstelexploot repairs a dagvaarding that was not filed in time: "binnen
/// twee weken na de in de dagvaarding vermelde roldatum" (art. 125 lid 5 Rv), counted from
/// the day after the roldatum and extended by the Atw (art. 1; a term of weeks, art. 4).
/// Without it the aanhangigheid lapses.
pub fn restoration_deadline(hearing: NaiveDate) -> NaiveDate {
    extend_term(hearing + Days::new(14))
}

// ---------------------------------------------------------------------------------------
// Limitation (verjaring)
// ---------------------------------------------------------------------------------------

/// Which limitation period runs (*verjaringstermijn*).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limitation {
    /// Art. 3:307 BW: a claim for performance of a contract, 5 years from the day after it
    /// fell due.
    Contract,
    /// Art. 7:28 BW: the price of a consumer purchase, 2 years from the day after it fell
    /// due.
    ConsumerPurchase,
    /// Art. 3:324 lid 1 BW: enforcing a judgment, 20 years from the day after it.
    Judgment,
}

impl Limitation {
    /// The period in years.
    pub fn years(self) -> u32 {
        match self {
            Limitation::Contract => 5,
            Limitation::ConsumerPurchase => 2,
            Limitation::Judgment => 20,
        }
    }
}

/// The last day before the claim is time-barred: "vijf jaren na de aanvang van de dag,
/// volgende op die waarop de vordering opeisbaar is geworden" (art. 3:307 BW): `years`
/// from the start of the day after `start` (the due date or the judgment date), so the
/// last day is the one before that anniversary (due 28 February 2023: the period runs
/// from 1 March 2023 through 29 February 2028; due 29 February 2024, two years: through
/// 28 February 2026). The Atw never extends it (art. 4: terms of years). Interruption
/// (*stuiting*, art. 3:317, 3:325) starts a new period; give the interruption day as
/// `start`. Limitation is never applied ex officio (art. 3:322): flag, do not write off.
pub fn limitation_last_day(kind: Limitation, start: NaiveDate) -> NaiveDate {
    let first_day = start + Days::new(1);
    first_day
        .checked_add_months(Months::new(12 * kind.years()))
        .and_then(|end| end.pred_opt())
        .expect("date in range")
}

/// Why no writ may be served on `date` without the court's leave, if so: art. 64 lid 2 Rv
/// forbids an exploot on a Sunday or a recognised holiday (with the days equated with
/// them, art. 3 Atw); Saturdays are allowed. Leave (art. 64 lid 3) is not modelled.
pub fn writ_day_refusal(date: NaiveDate) -> Option<String> {
    let what = if date.weekday() == chrono::Weekday::Sun {
        "a Sunday"
    } else if is_holiday(date) {
        "a recognised holiday"
    } else if is_equated_day(date) {
        "a day equated with the holidays (art. 3 lid 3 Atw)"
    } else {
        return None;
    };
    Some(format!(
        "{date} is {what}: no writ is served then without the court's leave (art. 64 lid 2 Rv)"
    ))
}

/// True when `date` is a court's working day; hearing dates must be.
pub fn is_court_day(date: NaiveDate) -> bool {
    is_working_day(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_writ_on_sundays_and_holidays() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(writ_day_refusal(d("2026-05-16")), None); // a Saturday is allowed
        assert_eq!(writ_day_refusal(d("2026-05-13")), None);
        for day in [
            "2026-05-17",
            "2026-05-14",
            "2026-05-15",
            "2026-05-25",
            "2026-01-02",
        ] {
            let why = writ_day_refusal(d(day)).expect(day);
            assert!(why.contains("art. 64 lid 2 Rv"), "{why}");
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn enrolment_is_due_the_last_registry_day_before_the_roldatum() {
        // Roldatum Wed 10 June 2026: filed by Tue 9 June.
        assert_eq!(enrolment_deadline(d("2026-06-10")), d("2026-06-09"));
        // Roldatum Tue 26 May 2026: Mon 25 May is Whit Monday, the weekend before it too:
        // filed by Fri 22 May.
        assert_eq!(enrolment_deadline(d("2026-05-26")), d("2026-05-22"));
        // Two weeks after Wed 10 June: Wed 24 June; after Wed 13 May 2026: Wed 27 May.
        assert_eq!(restoration_deadline(d("2026-06-10")), d("2026-06-24"));
        // After Tue 12 May 2026: Tue 26 May; after Mon 11 May: Mon 25 May is Whit Monday,
        // so Tue 26 May (Atw art. 1).
        assert_eq!(restoration_deadline(d("2026-05-11")), d("2026-05-26"));
    }

    #[test]
    fn competence() {
        // Art. 93 sub a Rv: up to and including € 25,000 incl. interest to the summons date.
        let day = d("2024-05-01");
        assert_eq!(
            competent_court(m("25000"), false, day),
            Some(Court::Kantonrechter)
        );
        assert_eq!(
            competent_court(m("25000.01"), false, day),
            Some(Court::Rechtbank)
        );
        // Art. 93 sub c: consumer matters always go to the kantonrechter.
        assert_eq!(
            competent_court(m("80000"), true, day),
            Some(Court::Kantonrechter)
        );
        assert_eq!(competent_court(m("100"), false, d("2011-06-30")), None);
    }

    #[test]
    fn liquidation_tariffs() {
        // rechtspraak.nl liquidatietarief kanton 2024: claim ≤ 1,250 → € 135 a point.
        assert_eq!(
            liquidation_tariff(d("2024-02-01"), m("1250"), 2),
            Some(m("270"))
        );
        assert_eq!(
            liquidation_tariff(d("2024-01-31"), m("1250"), 2),
            Some(m("264"))
        );
        // Points capped: ≤ 250 has at most 3 points.
        assert_eq!(
            liquidation_tariff(d("2024-06-01"), m("100"), 5),
            Some(m("120"))
        );
        assert_eq!(
            liquidation_tariff(d("2024-06-01"), m("2000000"), 1),
            Some(m("1628"))
        );
        assert_eq!(liquidation_tariff(d("2026-03-01"), m("300000"), 1), None);
        assert_eq!(liquidation_tariff(d("2023-01-31"), m("100"), 1), None);
    }

    #[test]
    fn terms() {
        // Art. 119 Rv example: served Monday the 1st → earliest hearing Tuesday the 9th.
        assert_eq!(earliest_hearing_date(d("2024-07-01")), d("2024-07-09"));
        // Served Saturday 2024-06-08: the week ends Sat 15 → Mon 17 (Atw) → hearing Tue 18.
        assert_eq!(earliest_hearing_date(d("2024-06-08")), d("2024-06-18"));
        // Order to pay served Thu 2024-06-13: two days end Sat 15 → Mon 17; attach Tue 18.
        assert_eq!(order_to_pay_ends(d("2024-06-13")), d("2024-06-17"));
        assert_eq!(earliest_attachment_date(d("2024-06-13")), d("2024-06-18"));
        assert_eq!(earliest_attachment_date(d("2024-06-10")), d("2024-06-13"));
    }

    #[test]
    fn attachment_terms() {
        // Laid Mon 2026-03-02: four weeks end Mon 30 March (art. 476a Rv); eight days end
        // Tue 10 March (art. 475i Rv).
        assert_eq!(garnishee_statement_due(d("2026-03-02")), d("2026-03-30"));
        assert_eq!(attachment_notice_due(d("2026-03-02")), d("2026-03-10"));
        // Laid Mon 2026-03-09: four weeks end Mon 6 April 2026, Easter Monday → Tue 7
        // April (Atw art. 1). Laid Fri 2026-04-17: eight days end Sat 25 April → Mon 27
        // April is King's Day → Tue 28 April.
        assert_eq!(garnishee_statement_due(d("2026-03-09")), d("2026-04-07"));
        assert_eq!(attachment_notice_due(d("2026-04-17")), d("2026-04-28"));
    }

    #[test]
    fn limitation() {
        // 3:307: due 2019-06-02 → barred after 2024-06-02 (a Sunday: no Atw, art. 4).
        assert_eq!(
            limitation_last_day(Limitation::Contract, d("2019-06-02")),
            d("2024-06-02")
        );
        assert_eq!(
            limitation_last_day(Limitation::ConsumerPurchase, d("2024-02-29")),
            d("2026-02-28")
        );
        assert_eq!(
            limitation_last_day(Limitation::Judgment, d("2024-03-15")),
            d("2044-03-15")
        );
        // Due on 28 February: the five years run from 1 March, so into a leap day.
        assert_eq!(
            limitation_last_day(Limitation::Contract, d("2023-02-28")),
            d("2028-02-29")
        );
        assert_eq!(
            limitation_last_day(Limitation::ConsumerPurchase, d("2025-02-28")),
            d("2027-02-28")
        );
        assert_eq!(
            limitation_last_day(Limitation::Contract, d("2023-12-31")),
            d("2028-12-31")
        );
        assert!(is_court_day(d("2024-06-18")));
    }
}
