//! Working days and the Algemene termijnenwet (Atw, BWBR0002448).
//!
//! Dates are plain [`NaiveDate`]s meant as calendar days in Europe/Amsterdam; turning an
//! instant into such a day is the caller's business (law code never reads a clock).
//!
//! What the Atw does (`law.md` §5, text VERIFIED):
//! - art. 1: a statutory term (*in een wet gestelde termijn*) that ends on a Saturday,
//!   Sunday or recognised holiday runs on to the next day that is none of these
//!   ([`extend_term`]). Not for terms counted backwards (art. 1 lid 2).
//! - art. 2: a term of at least three days is extended, if needed, so that it contains at
//!   least two working days ([`statutory_term_end`]).
//! - art. 3: the holidays ([`is_holiday`]); Good Friday is equated by art. 3 lid 2; the
//!   days a royal decree equates with them under art. 3 lid 3 ([`EQUATED_DAYS`], usually
//!   the Friday after Ascension and a Friday after a Thursday holiday) count as holidays
//!   for every term ([`is_working_day`]), but not for the post ([`is_holiday`] alone: the
//!   post delivers on them).
//! - art. 4: it does NOT apply to terms in hours, of more than 90 days, more than twelve
//!   weeks, more than three months, or of one or more years — so limitation periods
//!   (*verjaringstermijnen*, 2/5/20 years) are never extended ([`atw_applies`]).
//!
//! Contractual terms (an invoice's due date) are not statutory terms: the Atw does not
//! move them, and nothing here is applied to due dates.
//!
//! King's Day: 27 April, or 26 April when the 27th is a Sunday, from 2014; before 2014
//! Queen's Day, 30 April, or 29 April when the 30th is a Sunday (UNVERIFIED in `law.md`
//! item 4; standard since Koninginnedag 1980, applied here to every year before 2014).

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// Easter Sunday (*Eerste Paasdag*) of a Gregorian year, by the anonymous Gregorian
/// computus (Meeus/Jones/Butcher). Good Friday, Easter Monday, Ascension and Whit Monday
/// are counted from it.
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // month is 3 or 4 and day 1..=31 by construction of the algorithm.
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("computus yields a date")
}

/// The day the monarch's birthday is celebrated (*Koningsdag*, before 2014
/// *Koninginnedag*), an Atw holiday ("de dag waarop de verjaardag van de Koning wordt
/// gevierd").
pub fn kings_day(year: i32) -> NaiveDate {
    let (day, fallback) = if year >= 2014 { (27, 26) } else { (30, 29) };
    let date = NaiveDate::from_ymd_opt(year, 4, day).expect("April has 30 days");
    if date.weekday() == Weekday::Sun {
        NaiveDate::from_ymd_opt(year, 4, fallback).expect("April has 30 days")
    } else {
        date
    }
}

/// The holidays of art. 3 Atw (*algemeen erkende feestdagen*) that can fall on a weekday,
/// in the given year: New Year, Good Friday, Easter Monday, Ascension Day, Whit Monday,
/// King's Day, 5 May (every year, art. 3 names "de vijfde mei" without a lustrum
/// condition), Christmas Day and Boxing Day. Easter Sunday and Whit Sunday are Sundays.
pub fn holidays(year: i32) -> [NaiveDate; 9] {
    let easter = easter_sunday(year);
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("fixed holiday exists");
    [
        ymd(1, 1),
        easter - Days::new(2),
        easter + Days::new(1),
        easter + Days::new(39),
        easter + Days::new(50),
        kings_day(year),
        ymd(5, 5),
        ymd(12, 25),
        ymd(12, 26),
    ]
}

/// True on a holiday of art. 3 Atw (see [`holidays`]).
pub fn is_holiday(date: NaiveDate) -> bool {
    match (date.month(), date.day()) {
        (1, 1) | (5, 5) | (12, 25) | (12, 26) => return true,
        // Every Easter-based holiday and King's Day lie between 20 March and 14 June.
        (3, 20..) | (4, _) | (5, _) | (6, ..=14) => {}
        _ => return false,
    }
    let year = date.year();
    if date == kings_day(year) {
        return true;
    }
    let easter = easter_sunday(year);
    let offset = date.signed_duration_since(easter).num_days();
    matches!(offset, -2 | 1 | 39 | 50)
}

/// A day a royal decree equates with the holidays for the Atw (art. 3 lid 3), with the
/// decree that does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EquatedDay {
    /// The day (year, month, day).
    pub date: (i32, u32, u32),
    /// The decree, by its title.
    pub decree: &'static str,
    /// Where the decree was read, and whether its text was.
    pub source: &'static str,
}

const DECREE_2019: &str = "Besluit gelijkstelling van 31 mei 2019 en 27 december 2019 met een \
     algemeen erkende feestdag";
const DECREE_2020_2022: &str = "Besluit van 20 september 2019, gelijkstelling van 22 mei 2020, \
     14 mei 2021 en 27 mei 2022 met een algemeen erkende feestdag";
const DECREE_2023_2025: &str = "Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei \
     2024, 27 december 2024 en 30 mei 2025 met een algemeen erkende feestdag";
const DECREE_2026_2028: &str = "Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei \
     2027, 28 april 2028 en 26 mei 2028 met een algemeen erkende feestdag";
const SOURCE: &str = "secondary, independent sources agree; the Staatscourant text was not \
     retrieved: 2019 houwelingen-partners.nl (bailiffs, 24-05-2019); 2020-2022 \
     legal-support-office.nl (the decree of 20 September 2019), wvhl.nl (27 May 2022); \
     2023 houwelingen-partners.nl and digideur.nl (bailiffs' explootvrije dagen); \
     2023-2028 the decrees' titles quoted by mr. W.G.H.M. van der Putten, sterfgeval.nl \
     vraag 70745 (4 October 2025)";

/// The equated days of art. 3 lid 3 Atw from 2019 on (the track's dates lie there).
/// `law.md`'s software rule leaves them out; the law does not (art. 3 lid 3, VERIFIED as a
/// rule there), and bailiffs treat them as days without writs (art. 64 lid 2 Rv).
///
/// Used although the decrees' text was not read: an extra non-working day only makes a
/// term end later (a letter's, the order to pay's), a day counted back earlier (the
/// filing before the roldatum) and a planned act later, so it never makes the office act
/// too early; leaving a real one out would. Years after 2028 get their decree's days here
/// when it is published.
pub const EQUATED_DAYS: [EquatedDay; 15] = [
    equated((2019, 5, 31), DECREE_2019),
    equated((2019, 12, 27), DECREE_2019),
    equated((2020, 5, 22), DECREE_2020_2022),
    equated((2021, 5, 14), DECREE_2020_2022),
    equated((2022, 5, 27), DECREE_2020_2022),
    equated((2023, 4, 28), DECREE_2023_2025),
    equated((2023, 5, 19), DECREE_2023_2025),
    equated((2024, 5, 10), DECREE_2023_2025),
    equated((2024, 12, 27), DECREE_2023_2025),
    equated((2025, 5, 30), DECREE_2023_2025),
    equated((2026, 1, 2), DECREE_2026_2028),
    equated((2026, 5, 15), DECREE_2026_2028),
    equated((2027, 5, 7), DECREE_2026_2028),
    equated((2028, 4, 28), DECREE_2026_2028),
    equated((2028, 5, 26), DECREE_2026_2028),
];

const fn equated(date: (i32, u32, u32), decree: &'static str) -> EquatedDay {
    EquatedDay {
        date,
        decree,
        source: SOURCE,
    }
}

/// True on a day equated with the holidays by royal decree (art. 3 lid 3 Atw).
pub fn is_equated_day(date: NaiveDate) -> bool {
    let ymd = (date.year(), date.month(), date.day());
    EQUATED_DAYS.iter().any(|e| e.date == ymd)
}

/// A working day in the sense of the Atw: not a Saturday, not a Sunday, not a holiday, not
/// a day equated with one. Terms may not end on any other day.
pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
        && !is_holiday(date)
        && !is_equated_day(date)
}

/// The first working day strictly after `date`.
pub fn next_working_day(date: NaiveDate) -> NaiveDate {
    let mut day = date + Days::new(1);
    while !is_working_day(day) {
        day = day + Days::new(1);
    }
    day
}

/// Atw art. 1 lid 1: the last day of a statutory term, moved to the next working day when
/// it falls on a Saturday, Sunday or holiday; unchanged otherwise.
pub fn extend_term(end: NaiveDate) -> NaiveDate {
    if is_working_day(end) {
        end
    } else {
        next_working_day(end)
    }
}

/// The `n`-th working day after `date` (`n = 0` gives `date` itself), e.g. "within two
/// working days" counted from an event.
pub fn add_working_days(date: NaiveDate, n: u32) -> NaiveDate {
    (0..n).fold(date, |day, _| next_working_day(day))
}

/// The length of a statutory term as the law words it; the wording decides whether the
/// Atw applies (art. 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermLength {
    /// A term in hours: the Atw never applies.
    Hours(u32),
    /// A term in days (*dagen*).
    Days(u32),
    /// A term in weeks (*weken*).
    Weeks(u32),
    /// A term in months (*maanden*).
    Months(u32),
    /// A term in years (*jaren*), e.g. limitation periods: the Atw never applies.
    Years(u32),
}

/// Atw art. 4: whether the Atw applies to a statutory term of this length. It does not
/// for hours, more than 90 days, more than 12 weeks, more than 3 months, or any number of
/// years.
pub fn atw_applies(length: TermLength) -> bool {
    match length {
        TermLength::Hours(_) | TermLength::Years(_) => false,
        TermLength::Days(n) => n <= 90,
        TermLength::Weeks(n) => n <= 12,
        TermLength::Months(n) => n <= 3,
    }
}

/// The last day of a statutory term that starts the day after `start` (the day of the
/// event is not counted), with the Atw applied where art. 4 allows it:
/// art. 1 (a last day on a weekend or holiday moves to the next working day) and art. 2
/// (a term of at least three days contains at least two working days).
///
/// Months and years end on the same-numbered day (the last day of a shorter month).
pub fn statutory_term_end(start: NaiveDate, length: TermLength) -> NaiveDate {
    let raw_end = match length {
        TermLength::Hours(h) => start + Days::new(u64::from(h / 24)),
        TermLength::Days(n) => start + Days::new(u64::from(n)),
        TermLength::Weeks(n) => start + Days::new(7 * u64::from(n)),
        TermLength::Months(n) => start
            .checked_add_months(chrono::Months::new(n))
            .expect("date in range"),
        TermLength::Years(n) => start
            .checked_add_months(chrono::Months::new(12 * n))
            .expect("date in range"),
    };
    if !atw_applies(length) {
        return raw_end;
    }
    let end = extend_term(raw_end);
    let at_least_three_days = raw_end.signed_duration_since(start).num_days() >= 3;
    if at_least_three_days {
        // Art. 2: the term (start+1 ..= end) must hold two working days.
        end.max(add_working_days(start, 2))
    } else {
        end
    }
}

/// A date as Dutch letters and writs write it: `14 april 2026`.
pub fn format_date_nl(date: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn dutch_dates() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(format_date_nl(d(2026, 4, 14)), "14 april 2026");
        assert_eq!(format_date_nl(d(2026, 1, 1)), "1 januari 2026");
        assert_eq!(format_date_nl(d(2026, 12, 26)), "26 december 2026");
    }

    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn easter_dates() {
        // Published Easter Sundays (e.g. the tables of the Royal Observatory / any almanac).
        for (year, easter) in [
            (1981, "1981-04-19"),
            (2000, "2000-04-23"),
            (2008, "2008-03-23"),
            (2011, "2011-04-24"),
            (2019, "2019-04-21"),
            (2023, "2023-04-09"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2038, "2038-04-25"),
        ] {
            assert_eq!(easter_sunday(year), d(easter), "{year}");
        }
    }

    #[test]
    fn holidays_2024() {
        // Atw art. 3 for 2024: Easter 31 March.
        let expected = [
            "2024-01-01", // Nieuwjaarsdag
            "2024-03-29", // Goede Vrijdag
            "2024-04-01", // Tweede Paasdag
            "2024-05-09", // Hemelvaartsdag (Easter + 39)
            "2024-05-20", // Tweede Pinksterdag (Easter + 50)
            "2024-04-27", // Koningsdag (Saturday)
            "2024-05-05", // Bevrijdingsdag (every year; a Sunday in 2024)
            "2024-12-25",
            "2024-12-26",
        ];
        assert_eq!(holidays(2024).map(|x| x.to_string()), expected);
        for day in expected {
            assert!(is_holiday(d(day)), "{day}");
        }
    }

    #[test]
    fn is_holiday_agrees_with_the_list() {
        // The fast check in `is_holiday` must agree with `holidays` on every day.
        let mut day = d("1966-01-01");
        while day < d("2100-01-01") {
            assert_eq!(
                is_holiday(day),
                holidays(day.year()).contains(&day),
                "{day}"
            );
            day = day + Days::new(1);
        }
    }

    #[test]
    fn kings_and_queens_day() {
        assert_eq!(kings_day(2014), d("2014-04-26")); // 27 April 2014 was a Sunday
        assert_eq!(kings_day(2023), d("2023-04-27"));
        assert_eq!(kings_day(2025), d("2025-04-26")); // 27 April 2025 is a Sunday
        assert_eq!(kings_day(2013), d("2013-04-30")); // last Koninginnedag
        assert_eq!(kings_day(2006), d("2006-04-29")); // 30 April 2006 was a Sunday
        assert!(!is_holiday(d("2025-04-27")));
        assert!(!is_holiday(d("2013-04-27")));
    }

    #[test]
    fn fifth_of_may_every_year() {
        // Atw art. 3 lists "de vijfde mei" without a lustrum condition.
        for year in [2021, 2022, 2023, 2026] {
            assert!(is_holiday(NaiveDate::from_ymd_opt(year, 5, 5).unwrap()));
        }
    }

    #[test]
    fn extension_by_atw_art_1() {
        assert_eq!(extend_term(d("2024-06-15")), d("2024-06-17")); // Saturday → Monday
        assert_eq!(extend_term(d("2024-03-29")), d("2024-04-02")); // Good Friday → Tuesday
        assert_eq!(extend_term(d("2024-12-24")), d("2024-12-24")); // Christmas Eve stays
        // Christmas, Boxing Day, then Fri 27 December 2024 equated by decree (art. 3 lid 3).
        assert_eq!(extend_term(d("2024-12-25")), d("2024-12-30"));
        // King's Day on a Thursday, the Friday after it equated: Monday 1 May 2023.
        assert_eq!(extend_term(d("2023-04-27")), d("2023-05-01"));
        assert_eq!(extend_term(d("2022-04-27")), d("2022-04-28")); // no decree day then
        assert_eq!(extend_term(d("2024-06-14")), d("2024-06-14")); // Friday stays
        assert_eq!(next_working_day(d("2024-06-14")), d("2024-06-17"));
        assert_eq!(add_working_days(d("2024-03-28"), 2), d("2024-04-03"));
        assert_eq!(add_working_days(d("2024-03-28"), 0), d("2024-03-28"));
    }

    #[test]
    fn equated_days_are_no_working_days_but_the_post_delivers() {
        for e in EQUATED_DAYS {
            let (y, m, day) = e.date;
            let date = NaiveDate::from_ymd_opt(y, m, day).unwrap();
            // Every decree day is a Friday or a Monday next to a holiday, never a holiday
            // already.
            assert!(
                matches!(date.weekday(), Weekday::Fri | Weekday::Mon),
                "{date}"
            );
            assert!(!is_holiday(date) && !is_working_day(date), "{date}");
        }
        // Ascension Thu 14 May 2026, the Friday equated: a term ending that Thursday runs
        // to Monday 18 May; the working day after Wednesday 13 May is Monday.
        assert_eq!(extend_term(d("2026-05-14")), d("2026-05-18"));
        assert_eq!(next_working_day(d("2026-05-13")), d("2026-05-18"));
        // New Year 2026 on a Thursday, Fri 2 January equated.
        assert_eq!(extend_term(d("2026-01-01")), d("2026-01-05"));
    }

    #[test]
    fn statutory_terms() {
        // Art. 2: a 3-day term from Thursday 28 March 2024 (28 → 31 March, Easter Sunday)
        // holds no working day; it runs until the second working day, Wed 3 April.
        assert_eq!(
            statutory_term_end(d("2024-03-28"), TermLength::Days(3)),
            d("2024-04-03")
        );
        // A week from Friday 7 June 2024 ends Friday 14 June.
        assert_eq!(
            statutory_term_end(d("2024-06-07"), TermLength::Weeks(1)),
            d("2024-06-14")
        );
        // Three months from 30 Nov 2023 end 29 Feb 2024 (Thursday, a working day).
        assert_eq!(
            statutory_term_end(d("2023-11-30"), TermLength::Months(3)),
            d("2024-02-29")
        );
        // Art. 4: five years are not extended even when they end on a Sunday.
        assert_eq!(
            statutory_term_end(d("2019-06-02"), TermLength::Years(5)),
            d("2024-06-02")
        );
        assert!(!atw_applies(TermLength::Days(91)));
        assert!(atw_applies(TermLength::Days(90)));
        assert!(!atw_applies(TermLength::Weeks(13)));
        assert!(!atw_applies(TermLength::Months(4)));
        assert!(!atw_applies(TermLength::Hours(24)));
        // 100 days ending on a Saturday stay on the Saturday (art. 4).
        assert_eq!(
            statutory_term_end(d("2024-03-07"), TermLength::Days(100)),
            d("2024-06-15")
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn atw_never_ends_a_term_on_a_non_working_day(
            start in 0u64..(365 * 80),
            days in 0u32..=90,
        ) {
            let start = d("1980-01-01") + Days::new(start);
            let end = statutory_term_end(start, TermLength::Days(days));
            prop_assert!(is_working_day(end));
            prop_assert!(end >= start + Days::new(u64::from(days)));
            let extended = extend_term(start);
            prop_assert!(is_working_day(extended));
            prop_assert!(extended >= start);
        }
    }
}
