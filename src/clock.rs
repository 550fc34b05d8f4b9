//! Time is injected. The system clock in production; a manual clock in tests and in
//! `serve --clock manual`. Nothing outside this module reads the system time (clippy's
//! `disallowed-methods` enforces it).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};

/// Tells the time.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;

    /// Today in Europe/Amsterdam: the day every legal term is counted in.
    fn today(&self) -> NaiveDate {
        amsterdam_local(self.now()).date()
    }

    /// Whether an operator may move this clock.
    fn is_manual(&self) -> bool {
        false
    }
}

/// The machine's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[expect(
        clippy::disallowed_methods,
        reason = "the one place that reads the system time"
    )]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that moves only when told to.
#[derive(Clone, Debug)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: Arc::new(Mutex::new(start)),
        }
    }

    /// Moves the clock to `to` (never backwards) and returns where it stands.
    pub fn set(&self, to: DateTime<Utc>) -> DateTime<Utc> {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        if to > *now {
            *now = to;
        }
        *now
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn is_manual(&self) -> bool {
        true
    }
}

/// The wall-clock time in Europe/Amsterdam for a UTC instant.
///
/// CET (UTC+1) with CEST (UTC+2) from 01:00 UTC on the last Sunday of March to 01:00 UTC
/// on the last Sunday of October: the EU rule, in force for the Netherlands since 1996.
/// Written out rather than pulling in a time-zone database for one zone.
pub fn amsterdam_local(instant: DateTime<Utc>) -> NaiveDateTime {
    let year = instant.year();
    let summer_start = last_sunday_0100_utc(year, 3);
    let summer_end = last_sunday_0100_utc(year, 10);
    let offset = if instant >= summer_start && instant < summer_end {
        2
    } else {
        1
    };
    (instant + Duration::hours(offset)).naive_utc()
}

/// The UTC instant of a wall-clock time in Europe/Amsterdam. In the autumn hour that
/// happens twice the first (summer-time) one is taken; a time inside the spring gap is
/// read as winter time, i.e. one hour later than the skipped wall clock would say.
pub fn amsterdam_instant(local: NaiveDateTime) -> DateTime<Utc> {
    let summer = Utc.from_utc_datetime(&(local - Duration::hours(2)));
    if amsterdam_local(summer) == local {
        summer
    } else {
        Utc.from_utc_datetime(&(local - Duration::hours(1)))
    }
}

/// The UTC instant at which `day` begins in Europe/Amsterdam (00:00 local): when a timer
/// set for a day comes due.
pub fn amsterdam_start_of(day: NaiveDate) -> DateTime<Utc> {
    amsterdam_instant(day.and_hms_opt(0, 0, 0).expect("midnight exists"))
}

fn last_sunday_0100_utc(year: i32, month: u32) -> DateTime<Utc> {
    let last_day =
        NaiveDate::from_ymd_opt(year, month, 31).expect("March and October have 31 days");
    let back = last_day.weekday().num_days_from_sunday();
    let sunday = last_day - Duration::days(i64::from(back));
    debug_assert_eq!(sunday.weekday(), Weekday::Sun);
    Utc.from_utc_datetime(&sunday.and_hms_opt(1, 0, 0).expect("01:00 exists"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn amsterdam_offsets_follow_the_eu_rule() {
        // 2026: summer time from Sunday 29 March 01:00 UTC to Sunday 25 October 01:00 UTC.
        let cases = [
            ("2026-01-15T12:00:00Z", "2026-01-15T13:00:00"),
            ("2026-03-29T00:59:59Z", "2026-03-29T01:59:59"),
            ("2026-03-29T01:00:00Z", "2026-03-29T03:00:00"),
            ("2026-10-25T00:59:59Z", "2026-10-25T02:59:59"),
            ("2026-10-25T01:00:00Z", "2026-10-25T02:00:00"),
            ("2026-12-31T23:30:00Z", "2027-01-01T00:30:00"),
        ];
        for (instant, local) in cases {
            assert_eq!(
                amsterdam_local(utc(instant)).to_string(),
                local.replace('T', " "),
                "{instant}"
            );
        }
    }

    #[test]
    fn a_day_starts_at_local_midnight() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            amsterdam_start_of(day("2026-01-15")),
            utc("2026-01-14T23:00:00Z")
        );
        assert_eq!(
            amsterdam_start_of(day("2026-05-04")),
            utc("2026-05-03T22:00:00Z")
        );
        // The days the clocks change: midnight is still before the switch.
        assert_eq!(
            amsterdam_start_of(day("2026-03-29")),
            utc("2026-03-28T23:00:00Z")
        );
        assert_eq!(
            amsterdam_start_of(day("2026-10-25")),
            utc("2026-10-24T22:00:00Z")
        );
    }

    #[test]
    fn manual_clock_never_goes_back() {
        let clock = ManualClock::new(utc("2026-05-01T10:00:00Z"));
        clock.set(utc("2026-04-01T10:00:00Z"));
        assert_eq!(clock.now(), utc("2026-05-01T10:00:00Z"));
        clock.set(utc("2026-05-02T10:00:00Z"));
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2026, 5, 2).unwrap());
    }
}
