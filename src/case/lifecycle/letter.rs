//! The letter's term ran out unpaid: the recoverability check starts.

use chrono::NaiveDate;
use serde_json::json;

use super::stay;
use crate::case::decision::{Decision, Due, Effect, Rejection};
use crate::case::event::{Activity, JobKind};
use crate::case::record::CaseRecord;
use crate::case::stage::Stage;

/// The letter-term timer: to the recoverability stage, lookups at once.
pub(crate) fn term_ended(case: &CaseRecord, today: NaiveDate) -> Result<Decision, Rejection> {
    let mut d = stay(
        case,
        case.track.clone(),
        "letter_term_ended",
        format!(
            "the letter's term ran out unpaid on {}; checking recoverability",
            case.track
                .letter_term_ends_on
                .map_or_else(|| today.to_string(), |t| t.to_string())
        ),
        vec![Effect::ScheduleJob {
            kind: JobKind::Activity(Activity::RecoverabilityCheck),
            due: Due::Now,
            payload: json!({}),
        }],
    );
    d.stage = Stage::Recoverability;
    Ok(d)
}
