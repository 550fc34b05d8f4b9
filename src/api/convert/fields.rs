//! The scalars of the contract, both ways: dates `YYYY-MM-DD`, euros as decimal strings
//! (whole cents inside), timestamps; and [`Violations`], which collects every bad field of
//! one request so one INVALID_ARGUMENT can name them all.

use chrono::{DateTime, NaiveDate, Utc};

use crate::case::FieldViolation;
use crate::law::money::Money;

/// Collects violations while parsing one request.
#[derive(Default)]
pub struct Violations(pub Vec<FieldViolation>);

impl Violations {
    /// Records a violation of `field`.
    pub fn add(&mut self, field: impl Into<String>, description: impl Into<String>) {
        self.0.push(FieldViolation::new(field, description));
    }

    /// Keeps `Ok` values and records `Err` ones under `field`.
    pub fn check<T>(&mut self, field: impl Into<String>, result: Result<T, String>) -> Option<T> {
        result.map_err(|e| self.add(field, e)).ok()
    }

    /// A list call's page size: 0 means `default`, 1 to `max` as asked; anything else is
    /// recorded as a violation of `page_size` (and the default used meanwhile).
    pub fn page_size(&mut self, raw: i32, default: i64, max: i64) -> i64 {
        match i64::from(raw) {
            0 => default,
            n if (1..=max).contains(&n) => n,
            _ => {
                self.add("page_size", format!("from 1 to {max} (0 for {default})"));
                default
            }
        }
    }

    /// Ok when nothing was recorded.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldViolation>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }
}

/// A `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let well_formed = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(date) if well_formed => Ok(date),
        _ => Err(format!("{text:?} is not a date in the form YYYY-MM-DD")),
    }
}

/// A required `YYYY-MM-DD` date.
pub fn required_date(text: &str) -> Result<NaiveDate, String> {
    if text.is_empty() {
        Err("required (YYYY-MM-DD)".into())
    } else {
        parse_date(text)
    }
}

/// An optional `YYYY-MM-DD` date: empty is none.
pub fn optional_date(text: &str) -> Result<Option<NaiveDate>, String> {
    if text.is_empty() {
        Ok(None)
    } else {
        parse_date(text).map(Some)
    }
}

/// A positive amount in euros with at most two decimals.
pub fn positive_amount(text: &str) -> Result<Money, String> {
    if text.is_empty() {
        return Err("required: euros with at most two decimals, e.g. \"1234.56\"".into());
    }
    let amount = Money::parse(text).map_err(|e| format!("{text:?}: {e}"))?;
    if amount.is_positive() {
        Ok(amount)
    } else {
        Err(format!("{text:?}: must be more than 0"))
    }
}

pub(super) fn non_empty(text: &str, what: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        Err(format!("{what} is required"))
    } else {
        Ok(trimmed.to_owned())
    }
}

pub(super) fn optional<T>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        parse(text).map(Some)
    }
}

pub(super) fn looks_like_email(text: &str) -> bool {
    let text = text.trim();
    matches!(text.split_once('@'), Some((local, domain)) if !local.is_empty() && !domain.contains('@') && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains("..") && !text.contains(char::is_whitespace))
}

/// An instant as a proto timestamp.
pub fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

/// A proto timestamp as an instant.
pub fn instant(ts: &prost_types::Timestamp) -> Result<DateTime<Utc>, String> {
    u32::try_from(ts.nanos)
        .ok()
        .and_then(|nanos| DateTime::from_timestamp(ts.seconds, nanos))
        .ok_or_else(|| "not a valid timestamp".to_owned())
}

/// Whole cents of an amount already parsed as whole cents ([`positive_amount`], a stored
/// amount); anything else is 0.
pub(super) fn cents(amount: Money) -> i64 {
    amount.to_cents().unwrap_or_default()
}

/// Whole cents as the contract's euro text (`"1234.56"`).
pub(super) fn euros(cents: i64) -> String {
    Money::from_cents(cents).to_string()
}

/// An optional date as the contract's text: empty is none.
pub(super) fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_address_has_one_at_and_a_domain_with_a_dot() {
        for good in ["j.devries@example.nl", " a+b@mail.example.com "] {
            assert!(looks_like_email(good), "{good}");
        }
        for bad in [
            "a@b.c@d.nl",
            "@example.nl",
            "a@example",
            "a@.example.nl",
            "a@example.nl.",
            "a@example..nl",
            "a b@example.nl",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }
}
