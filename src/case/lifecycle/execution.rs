//! Execution: the judgment served with the order to pay (2 days, art. 439 Rv, Atw), then
//! attachments — bank, wages, goods — each a task for the bailiff with its result, until
//! the money is in (payments close the case) or the policy's attempts are spent.

use chrono::{Days, NaiveDate};
use serde_json::json;

use super::{stay, task_kind};
use crate::case::decide::CASE_HANDLER_QUEUE;
use crate::case::decision::{Decision, Due, Effect, NewTask, Rejection};
use crate::case::event::{JobKind, Timer};
use crate::case::policy::TrackPolicy;
use crate::case::record::CaseRecord;
use crate::case::stage::{CloseReason, Stage};
use crate::case::track::{AttachmentRecord, ExecutionRecord};
use crate::law::procedure::{BailiffAct, order_to_pay_ends};

/// The attachments in the order the office tries them.
const ORDER: [&str; 3] = ["bank", "wages", "goods"];

fn act(kind: &str) -> BailiffAct {
    match kind {
        "wages" => BailiffAct::WageGarnishment,
        "goods" => BailiffAct::AttachmentOfMovables,
        _ => BailiffAct::Garnishment,
    }
}

fn wrong(case: &CaseRecord) -> Rejection {
    Rejection::WrongStage {
        event: "timer_fired",
        stage: case.stage.as_str(),
    }
}

fn attachment_task(kind: &str, attempt: usize) -> Effect {
    Effect::OpenTask(NewTask {
        kind: task_kind::ATTACHMENT.into(),
        queue: CASE_HANDLER_QUEUE.into(),
        title: format!("Attachment {attempt}: {kind} (beslag)"),
        details: json!({ "attachment": kind, "attempt": attempt }),
        outcomes: vec!["attached".into(), "nothing".into()],
    })
}

/// Service day of the judgment with the order to pay.
pub(crate) fn served(case: &CaseRecord, today: NaiveDate) -> Result<Decision, Rejection> {
    if case.stage != Stage::Execution {
        return Err(wrong(case));
    }
    let fee = super::bailiff_fee_owed(case, BailiffAct::ServiceOfJudgment, today)
        .ok_or_else(|| Rejection::Unknown(format!("no Btag tariff on {today}")))?;
    let ends = order_to_pay_ends(today);
    let mut track = case.track.clone();
    track.execution = Some(ExecutionRecord {
        served_on: Some(today),
        order_to_pay_ends_on: Some(ends),
        service_fee_cents: fee.to_cents().unwrap_or_default(),
        attachments: Vec::new(),
    });
    if let Some(j) = track.judgment.as_mut() {
        j.served_on = Some(today);
    }
    let mut d = stay(
        case,
        track,
        "judgment_served",
        format!("judgment served with the order to pay on {today}; it ends on {ends}"),
        vec![
            Effect::ScheduleJob {
                kind: JobKind::Timer(Timer::OrderToPayEnded),
                due: Due::StartOf(ends + Days::new(1)),
                payload: json!({}),
            },
            // The writ as served, in the dossier.
            super::render("judgment_service", today),
        ],
    );
    d.audit.amounts = vec![("bailiff_fee", fee)];
    d.audit.data =
        json!({ "served_on": today.to_string(), "order_to_pay_ends_on": ends.to_string() });
    Ok(d)
}

/// The order to pay ran out unpaid: the first attachment.
pub(crate) fn order_ended(case: &CaseRecord, today: NaiveDate) -> Result<Decision, Rejection> {
    if case.stage != Stage::Execution || case.track.execution.is_none() {
        return Err(wrong(case));
    }
    Ok(stay(
        case,
        case.track.clone(),
        "order_to_pay_ended",
        format!("the order to pay ran out unpaid; attachment from {today}"),
        vec![attachment_task(ORDER[0], 1)],
    ))
}

/// The bailiff's result of an attachment.
pub(crate) fn attachment_done(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    details: &serde_json::Value,
    outcome: &str,
) -> Result<Decision, Rejection> {
    let kind = details["attachment"]
        .as_str()
        .unwrap_or(ORDER[0])
        .to_owned();
    let fee = super::bailiff_fee_owed(case, act(&kind), today)
        .ok_or_else(|| Rejection::Unknown(format!("no Btag tariff on {today}")))?;
    let mut track = case.track.clone();
    let execution = track
        .execution
        .as_mut()
        .ok_or_else(|| Rejection::Unknown("the judgment was not served".into()))?;
    execution.attachments.push(AttachmentRecord {
        kind: kind.clone(),
        made_on: Some(today),
        result: outcome.to_owned(),
        fee_cents: fee.to_cents().unwrap_or_default(),
    });
    let attempts = execution.attachments.len();
    let amounts = vec![("bailiff_fee", fee)];
    if outcome == "attached" {
        let mut d = stay(
            case,
            track,
            "attachment_made",
            format!("{kind} attachment made on {today}; waiting for the proceeds"),
            Vec::new(),
        );
        d.audit.amounts = amounts;
        return Ok(d);
    }
    if attempts >= usize::try_from(policy.attachment_attempts).unwrap_or(usize::MAX) {
        return Ok(super::close(
            case,
            track,
            policy,
            today,
            "closed",
            CloseReason::Uncollectable,
            format!("{attempts} attachment(s) yielded nothing; nothing to recover"),
            Vec::new(),
        ));
    }
    let next = ORDER[attempts % ORDER.len()];
    let mut d = stay(
        case,
        track,
        "attachment_failed",
        format!("{kind} attachment yielded nothing; next: {next}"),
        vec![attachment_task(next, attempts + 1)],
    );
    d.audit.amounts = amounts;
    Ok(d)
}
