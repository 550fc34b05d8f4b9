//! The vonnis registered: dismissed closes the case; awarded goes to execution, the
//! judgment served with the order to pay on the next working day.

use chrono::NaiveDate;
use serde_json::json;

use super::stay;
use crate::case::decision::{Decision, Due, Effect, Rejection};
use crate::case::event::{JobKind, Timer};
use crate::case::policy::TrackPolicy;
use crate::case::record::CaseRecord;
use crate::case::stage::{CloseReason, Stage};
use crate::case::track::JudgmentRecord;
use crate::law::calendar::add_working_days;
use crate::law::money::Money;

/// RegisterJudgment: in the judgment stage, or once the summons was served.
pub(crate) fn registered(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    judgment: &JudgmentRecord,
) -> Result<Decision, Rejection> {
    let served = case
        .track
        .summons
        .as_ref()
        .is_some_and(|s| s.served_on.is_some());
    if !(case.stage == Stage::Judgment || (case.stage == Stage::Summons && served)) {
        return Err(Rejection::WrongStage {
            event: "judgment_registered",
            stage: case.stage.as_str(),
        });
    }
    if judgment.judgment_date.is_none_or(|d| d > today) {
        return Err(Rejection::Unknown(
            "the judgment's date must be today or earlier".into(),
        ));
    }
    let mut track = case.track.clone();
    track.judgment = Some(judgment.clone());
    let data = json!({ "judgment": judgment });
    if judgment.outcome == "dismissed" {
        let mut d = super::close(
            case,
            track,
            policy,
            today,
            "judgment_dismissed",
            CloseReason::Dismissed,
            format!(
                "the court dismissed the claim on {}",
                judgment.judgment_date.unwrap_or(today)
            ),
            Vec::new(),
        );
        d.audit.data["judgment"] = data["judgment"].clone();
        return Ok(d);
    }
    let service = add_working_days(today, 1);
    let mut d = stay(
        case,
        track,
        "judgment_registered",
        format!(
            "judgment of {} registered ({}); served with the order to pay on {service}",
            judgment.judgment_date.unwrap_or(today),
            judgment.kind
        ),
        vec![Effect::ScheduleJob {
            kind: JobKind::Timer(Timer::JudgmentServed),
            due: Due::StartOf(service),
            payload: json!({}),
        }],
    );
    d.stage = Stage::Execution;
    d.audit.amounts = vec![
        (
            "awarded_principal",
            Money::from_cents(judgment.awarded_principal_cents),
        ),
        (
            "awarded_collection_costs",
            Money::from_cents(judgment.awarded_collection_costs_cents),
        ),
        ("legal_costs", Money::from_cents(judgment.legal_costs_cents)),
    ];
    d.audit.data = data;
    Ok(d)
}
