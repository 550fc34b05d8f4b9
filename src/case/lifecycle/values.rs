//! Reading a task's typed `values` (all strings, as `CompleteTaskRequest.values` carries
//! them): the pieces the attachment and garnishee's-statement readers share, each bad value
//! named as `values["key"]`.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::task_kind;
use crate::case::FieldViolation;
use crate::case::decision::Rejection;
use crate::law::money::Money;

/// The field path of value `key`.
pub(super) fn field(key: &str) -> String {
    format!("values[{key:?}]")
}

/// The values not `allowed` for `outcome` of a `kind` task, each named.
pub(super) fn unknown(
    values: &BTreeMap<String, String>,
    allowed: &[&str],
    outcome: &str,
    kind: &str,
) -> Vec<FieldViolation> {
    values
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|k| FieldViolation::new(field(k), format!("not a value of {outcome} ({kind})")))
        .collect()
}

/// Euros at `key`: zero or more, at most ten million; absent is `None`, named when
/// `required`.
pub(super) fn money(
    values: &BTreeMap<String, String>,
    key: &str,
    required: bool,
    bad: &mut Vec<FieldViolation>,
) -> Option<Money> {
    match values.get(key).map(|v| Money::parse(v)) {
        None if required => {
            bad.push(FieldViolation::new(
                field(key),
                "required: euros, e.g. 1200.00",
            ));
            None
        }
        None => None,
        Some(Ok(m)) if !m.is_negative() && m <= Money::from_euros(10_000_000) => Some(m),
        Some(Ok(_)) => {
            bad.push(FieldViolation::new(
                field(key),
                "zero or more euros, at most 10000000.00",
            ));
            None
        }
        Some(Err(e)) => {
            bad.push(FieldViolation::new(field(key), e.to_string()));
            None
        }
    }
}

/// A required day at `key`, not before `not_before` (named `what`).
pub(super) fn day(
    values: &BTreeMap<String, String>,
    key: &str,
    not_before: Option<(NaiveDate, &str)>,
    bad: &mut Vec<FieldViolation>,
) -> Option<NaiveDate> {
    day_within(values, key, not_before, None, bad)
}

/// A required day at `key` within `from ..= to`, each bound named in its words.
pub(super) fn day_within(
    values: &BTreeMap<String, String>,
    key: &str,
    from: Option<(NaiveDate, &str)>,
    to: Option<(NaiveDate, &str)>,
    bad: &mut Vec<FieldViolation>,
) -> Option<NaiveDate> {
    let outside = match values
        .get(key)
        .map(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d"))
    {
        None => "required: YYYY-MM-DD".to_owned(),
        Some(Err(_)) => "a date YYYY-MM-DD".to_owned(),
        Some(Ok(d)) => match (from, to) {
            (Some((first, what)), _) if d < first => format!("{d} is before {what} ({first})"),
            (_, Some((last, what))) if d > last => format!("{d} is after {what} ({last})"),
            _ => return Some(d),
        },
    };
    bad.push(FieldViolation::new(field(key), outside));
    None
}

/// The values of each task kind that record a day gone by: the service names every one
/// after today as a bad field ([`out_of_time`]) before the track sees it, and the track
/// refuses one all the same where it reads it ([`not_after_today`]).
const PAST_DAYS: [(&str, &[&str]); 6] = [
    (task_kind::SERVICE, &["served_on", "attempted_on"]),
    (task_kind::ENROL, &["filed_on"]),
    (task_kind::ENROLMENT_LAPSED, &["served_on"]),
    (task_kind::ATTACHMENT, &["laid_on"]),
    (task_kind::NO_APPEAL_STATEMENT, &["received_on"]),
    (task_kind::GARNISHEE_STATEMENT, &["received_on"]),
];

/// The values of each task kind that plan a day to come: one before today is named (it
/// would be moved to the next working day in silence).
const COMING_DAYS: [(&str, &[&str]); 1] = [(task_kind::SERVICE_FAILED, &["planned_on"])];

/// The values of a `kind` task whose day lies on the wrong side of `today` — a day gone by
/// after it, a planned day before it — each named.
pub fn out_of_time(
    kind: &str,
    values: &BTreeMap<String, String>,
    today: NaiveDate,
) -> Vec<FieldViolation> {
    let keys_of = |table: &[(&str, &'static [&'static str])]| {
        table
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(&[][..], |(_, keys)| *keys)
    };
    let day_of = |key: &str| NaiveDate::parse_from_str(values.get(key)?, "%Y-%m-%d").ok();
    let past = keys_of(&PAST_DAYS).iter().filter_map(|key| {
        let day = day_of(key)?;
        (day > today).then(|| {
            FieldViolation::new(
                field(key),
                format!("{day} is after today ({today}): record what has happened"),
            )
        })
    });
    let coming = keys_of(&COMING_DAYS).iter().filter_map(|key| {
        let day = day_of(key)?;
        (day < today).then(|| {
            FieldViolation::new(
                field(key),
                format!("{day} is before today ({today}): plan a day to come"),
            )
        })
    });
    past.chain(coming).collect()
}

/// A recorded day may not lie after the day it is recorded on: the service names it first
/// ([`out_of_time`]), so this is met only by a stale or replayed event.
pub(super) fn not_after_today(
    key: &str,
    day: NaiveDate,
    today: NaiveDate,
) -> Result<(), Rejection> {
    if day > today {
        return Err(Rejection::Figures(format!(
            "values[{key:?}]: {day} is after today, {today}"
        )));
    }
    Ok(())
}

/// The violations of a reader as the track's refusal (the service read them first, so this
/// is only met by a stale or replayed event).
pub(super) fn refused(violations: &[FieldViolation]) -> Rejection {
    Rejection::Figures(
        violations
            .iter()
            .map(|v| format!("{}: {}", v.field, v.description))
            .collect::<Vec<_>>()
            .join("; "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn days_on_the_wrong_side_of_today_are_named() {
        let today: NaiveDate = "2026-06-02".parse().unwrap();
        let named = |kind: &str, pairs: &[(&str, &str)]| -> Vec<String> {
            out_of_time(kind, &values(pairs), today)
                .into_iter()
                .map(|v| v.field)
                .collect()
        };
        // A service recorded tomorrow; today and yesterday are fine.
        assert_eq!(
            named(task_kind::SERVICE, &[("served_on", "2026-06-03")]),
            ["values[\"served_on\"]"]
        );
        assert!(named(task_kind::SERVICE, &[("served_on", "2026-06-02")]).is_empty());
        // A replanned attempt yesterday; today is fine.
        assert_eq!(
            named(task_kind::SERVICE_FAILED, &[("planned_on", "2026-06-01")]),
            ["values[\"planned_on\"]"]
        );
        assert!(named(task_kind::SERVICE_FAILED, &[("planned_on", "2026-06-02")]).is_empty());
        // A malformed day is the reader's to name; another kind's keys are not looked at.
        assert!(named(task_kind::SERVICE, &[("served_on", "morgen")]).is_empty());
        assert!(named(task_kind::HEARING, &[("served_on", "2026-07-01")]).is_empty());
    }
}
