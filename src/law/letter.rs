//! The term of the 14-dagenbrief (*aanmaning ex art. 6:96 lid 6 BW*): the last day a
//! consumer can pay without owing collection costs.
//!
//! - The 14 days run "aanvangende de dag na aanmaning", read by the Hoge Raad as the day
//!   after the letter is received (HR 25-11-2016, ECLI:NL:HR:2016:2704).
//! - Receipt is presumed on the second delivery day after sending, a delivery day being
//!   any day but a Sunday, a Monday or a holiday (same ruling). The number of delivery
//!   days is a policy parameter, default [`DEFAULT_DELIVERY_DAYS`]; the later the presumed
//!   receipt, the safer the letter. Holidays are those of the Algemene termijnenwet,
//!   including Good Friday (the later reading).
//! - The last day is receipt + 14 days, extended by the Algemene termijnenwet (art. 1; a
//!   14-day term always holds two working days, so art. 2 never bites). Collection costs
//!   can be owed from the day after it.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::calendar::{TermLength, is_holiday, statutory_term_end};

/// Presumed receipt on the second delivery day after sending (HR 2016:2704).
pub const DEFAULT_DELIVERY_DAYS: u32 = 2;

/// The statutory term of art. 6:96 lid 6 BW: fourteen days.
pub const TERM_DAYS: u32 = 14;

/// The dates a 14-dagenbrief sets, to print in it and to schedule the next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LetterTerm {
    /// Presumed day of receipt (*vermoedelijke ontvangst*).
    pub received_on: NaiveDate,
    /// Last day to pay without collection costs (*laatste betaaldag*), Atw applied.
    pub last_day_to_pay: NaiveDate,
}

impl LetterTerm {
    /// The first day collection costs can be owed when nothing was paid in time.
    pub fn costs_due_from(self) -> NaiveDate {
        self.last_day_to_pay + Days::new(1)
    }
}

/// A day post is presumed delivered on (HR 2016:2704): not a Sunday, not a Monday, not an
/// Atw holiday.
pub fn is_delivery_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sun | Weekday::Mon) && !is_holiday(date)
}

/// Presumed receipt of a letter sent on `sent_on`: the `delivery_days`-th delivery day
/// after it (`0` means the sending day itself, e.g. a letter handed over in person).
pub fn presumed_receipt(sent_on: NaiveDate, delivery_days: u32) -> NaiveDate {
    let mut day = sent_on;
    for _ in 0..delivery_days {
        day = day + Days::new(1);
        while !is_delivery_day(day) {
            day = day + Days::new(1);
        }
    }
    day
}

/// The last day to pay when the letter was received on `received_on`: 14 days from the
/// day after receipt, extended by the Algemene termijnenwet. Use this when the actual
/// receipt date is known (the creditor bears the burden of proving it).
pub fn last_day_to_pay(received_on: NaiveDate) -> NaiveDate {
    statutory_term_end(received_on, TermLength::Days(TERM_DAYS))
}

/// Receipt and last day to pay of a 14-dagenbrief sent on `sent_on`.
pub fn letter_term(sent_on: NaiveDate, delivery_days: u32) -> LetterTerm {
    let received_on = presumed_receipt(sent_on, delivery_days);
    LetterTerm {
        received_on,
        last_day_to_pay: last_day_to_pay(received_on),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::law::calendar::is_working_day;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn term_ending_on_kings_day() {
        // Sent Tue 2023-04-11; delivery days Wed 12 (1), Thu 13 (2) → received Thu 13 April;
        // 14 days end Thu 27 April 2023 = Koningsdag; Fri 28 April was equated with the
        // holidays by decree (art. 3 lid 3 Atw), then the weekend → extended to Mon 1 May.
        let t = letter_term(d("2023-04-11"), 2);
        assert_eq!(t.received_on, d("2023-04-13"));
        assert_eq!(t.last_day_to_pay, d("2023-05-01"));
        assert_eq!(t.costs_due_from(), d("2023-05-02"));
        // The same in 2022, without a decree day: Wed 27 April → Thu 28 April.
        assert_eq!(last_day_to_pay(d("2022-04-13")), d("2022-04-28"));
    }

    #[test]
    fn term_ending_on_easter_monday() {
        // A presumed receipt is never a Monday, so receipt + 14 never is; with a proven
        // receipt on Mon 2024-03-18 the term ends Mon 1 April 2024 = Tweede Paasdag →
        // extended to Tue 2 April.
        assert_eq!(last_day_to_pay(d("2024-03-18")), d("2024-04-02"));
    }

    #[test]
    fn term_ending_on_a_saturday() {
        // Sent Thu 2024-05-30: Fri 31 May (1), Sat 1 June (2) → received Sat 1 June;
        // 14 days end Sat 15 June → extended to Mon 17 June.
        let t = letter_term(d("2024-05-30"), 2);
        assert_eq!(t.received_on, d("2024-06-01"));
        assert_eq!(t.last_day_to_pay, d("2024-06-17"));
    }

    #[test]
    fn delivery_skips_sunday_monday_and_holidays() {
        // Sent Fri 2024-03-29 (Good Friday): Sat 30 (1), Sun 31 no, Mon 1 April (Easter
        // Monday) no, Tue 2 April (2). 14 days end Tue 16 April.
        let t = letter_term(d("2024-03-29"), 2);
        assert_eq!(t.received_on, d("2024-04-02"));
        assert_eq!(t.last_day_to_pay, d("2024-04-16"));
        // Sent Sat 2024-06-01: Tue 4 (1), Wed 5 (2).
        assert_eq!(presumed_receipt(d("2024-06-01"), 2), d("2024-06-05"));
        // Sent Wed 2024-12-24: Christmas and Boxing Day are no delivery days: Fri 27 (1),
        // Sat 28 (2).
        assert_eq!(presumed_receipt(d("2024-12-24"), 2), d("2024-12-28"));
        // The policy parameter: three delivery days.
        assert_eq!(presumed_receipt(d("2024-06-04"), 3), d("2024-06-07"));
        assert_eq!(presumed_receipt(d("2024-06-04"), 0), d("2024-06-04"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn last_day_is_a_working_day_at_least_14_days_after_receipt(
            sent in 0u64..(365 * 30),
            n in 0u32..5,
        ) {
            let sent = d("2005-01-01") + Days::new(sent);
            let t = letter_term(sent, n);
            prop_assert!(is_working_day(t.last_day_to_pay));
            prop_assert!(t.last_day_to_pay >= t.received_on + Days::new(14));
            prop_assert!(t.received_on >= sent);
        }
    }
}
