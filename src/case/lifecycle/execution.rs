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
use crate::case::stage::CloseReason;
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
    let fee = super::bailiff_fee_owed(case, BailiffAct::ServiceOfJudgment, today)
        .ok_or(Rejection::NoTariff(today))?;
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
pub(crate) fn order_ended(case: &CaseRecord, today: NaiveDate) -> Decision {
    stay(
        case,
        case.track.clone(),
        "order_to_pay_ended",
        format!("the order to pay ran out unpaid; attachment from {today}"),
        vec![attachment_task(ORDER[0], 1)],
    )
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
    let mut track = case.track.clone();
    let execution = track.execution.as_mut().ok_or(Rejection::NotServed)?;
    let fee = super::bailiff_fee_owed(case, act(&kind), today).ok_or(Rejection::NoTariff(today))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::claim::DebtorKind;
    use crate::case::decide::tests::{case, d};
    use crate::case::stage::{Stage, Suspension};

    fn in_execution() -> CaseRecord {
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Execution;
        c
    }

    #[test]
    fn the_served_judgment_starts_the_order_to_pay() {
        let c = in_execution();
        // Thu 18 June 2026: the order to pay's two days end as the law counts them; the
        // attachments may start the day after.
        let served = served(&c, d("2026-06-18")).unwrap();
        let execution = served.track.execution.clone().unwrap();
        let ends = order_to_pay_ends(d("2026-06-18"));
        assert!(ends > d("2026-06-19"), "two days, Atw-extended: {ends}");
        assert_eq!(execution.served_on, Some(d("2026-06-18")));
        assert_eq!(execution.order_to_pay_ends_on, Some(ends));
        assert_eq!(
            served.effects[0],
            Effect::ScheduleJob {
                kind: JobKind::Timer(Timer::OrderToPayEnded),
                due: Due::StartOf(ends + Days::new(1)),
                payload: json!({}),
            }
        );
        assert!(matches!(
            &served.effects[1],
            Effect::ScheduleJob { payload, .. } if payload["kind"] == "judgment_service"
        ));
        // The Btag fee of the service, without VAT for a client that deducts it.
        let fee =
            crate::law::procedure::bailiff_fee(BailiffAct::ServiceOfJudgment, d("2026-06-18"))
                .unwrap();
        assert_eq!(served.audit.amounts, vec![("bailiff_fee", fee)]);
        assert_eq!(execution.service_fee_cents, fee.to_cents().unwrap());
    }

    #[test]
    fn attachments_go_bank_wages_goods_until_the_attempts_are_spent() {
        let policy = TrackPolicy::default();
        let mut c = in_execution();
        c.track = served(&c, d("2026-06-18")).unwrap().track;
        let first = order_ended(&c, d("2026-06-23"));
        assert!(matches!(
            first.effects.as_slice(),
            [Effect::OpenTask(t)] if t.kind == task_kind::ATTACHMENT && t.details["attachment"] == "bank"
        ));
        let mut details = json!({ "attachment": "bank", "attempt": 1 });
        for (n, next) in ["wages", "goods"].into_iter().enumerate() {
            let nothing =
                attachment_done(&c, &policy, d("2026-06-24"), &details, "nothing").unwrap();
            assert_eq!(nothing.stage, Stage::Execution);
            let [Effect::OpenTask(task)] = nothing.effects.as_slice() else {
                panic!("the next attachment: {:?}", nothing.effects);
            };
            assert_eq!(task.details["attachment"], next);
            assert_eq!(
                nothing.track.execution.as_ref().unwrap().attachments.len(),
                n + 1
            );
            c.track = nothing.track;
            details = task.details.clone();
        }
        // The third (policy: 3 attempts) yields nothing either: uncollectable.
        let spent = attachment_done(&c, &policy, d("2026-06-25"), &details, "nothing").unwrap();
        assert_eq!(spent.close_reason, Some(CloseReason::Uncollectable));
        // Made instead: the case waits for the proceeds.
        let attached = attachment_done(&c, &policy, d("2026-06-25"), &details, "attached").unwrap();
        assert_eq!(
            (attached.stage, attached.suspension, attached.effects.len()),
            (Stage::Execution, Suspension::None, 0)
        );
        let made = attached.track.execution.unwrap().attachments;
        assert_eq!(made.last().map(|a| a.result.as_str()), Some("attached"));
    }

    #[test]
    fn an_attachment_before_service_is_refused() {
        let c = in_execution();
        let details = json!({ "attachment": "bank" });
        assert_eq!(
            attachment_done(
                &c,
                &TrackPolicy::default(),
                d("2026-06-24"),
                &details,
                "nothing"
            ),
            Err(Rejection::NotServed)
        );
    }
}
