//! The letter's term ran out unpaid: the recoverability check starts.

use chrono::NaiveDate;
use serde_json::json;

use super::stay;
use crate::case::decision::{Decision, Due, Effect};
use crate::case::event::{Activity, JobKind};
use crate::case::record::CaseRecord;
use crate::case::stage::Stage;

/// The letter-term timer: to the recoverability stage, lookups at once.
pub(crate) fn term_ended(case: &CaseRecord, today: NaiveDate) -> Decision {
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
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::claim::DebtorKind;
    use crate::case::decide::tests::{case, d};

    #[test]
    fn the_letters_term_ran_out_and_the_registers_are_asked_at_once() {
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Letter;
        c.track.letter_term_ends_on = Some(d("2026-05-21"));
        let ended = term_ended(&c, d("2026-05-22"));
        assert_eq!(ended.stage, Stage::Recoverability);
        assert_eq!(
            ended.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Activity(Activity::RecoverabilityCheck),
                due: Due::Now,
                payload: json!({}),
            }]
        );
        assert!(
            ended.audit.reason.contains("ran out unpaid on 2026-05-21"),
            "{}",
            ended.audit.reason
        );
    }
}
