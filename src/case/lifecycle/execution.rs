//! Execution: the judgment served with the order to pay (2 days, art. 439 Rv, Atw), then
//! attachments — bank, wages, goods — each a task for the bailiff with its result, until
//! the money is in (payments close the case) or the policy's attempts are spent.
//!
//! Before every execution act — the service of the judgment, each attachment — the
//! insolvency register is asked again (the recoverability check's activity): a
//! bankruptcy, surseance or WSNP published since the last check ends execution (art. 33
//! and 301 Fw: execution ends, attachments lapse), and the case closes as the
//! recoverability check's stop does, with the same advice; any other answer lets the act
//! go ahead, its verdict in the audit. The act waits in `track.pending_act` meanwhile.

use chrono::{Days, NaiveDate};
use serde_json::json;

use super::{close, stay, task_kind};
use crate::case::decide::CASE_HANDLER_QUEUE;
use crate::case::decision::{Decision, Due, Effect, NewTask, Rejection};
use crate::case::event::{Activity, JobKind, RegisterAnswer, Timer};
use crate::case::policy::TrackPolicy;
use crate::case::record::CaseRecord;
use crate::case::recoverability::VerdictKind;
use crate::case::stage::CloseReason;
use crate::case::track::{AttachmentRecord, ExecutionRecord, PendingAct};
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

/// Asks the insolvency register before `act`; the act waits for the answer.
fn recheck(case: &CaseRecord, act: PendingAct, kind: &'static str, reason: String) -> Decision {
    let mut track = case.track.clone();
    let before = act.act.clone();
    track.pending_act = Some(act);
    let mut d = stay(
        case,
        track,
        kind,
        reason,
        vec![Effect::ScheduleJob {
            kind: JobKind::Activity(Activity::RecoverabilityCheck),
            due: Due::Now,
            payload: json!({ "before": before }),
        }],
    );
    d.audit.data = json!({ "before": before });
    d
}

/// The service day of the judgment: the insolvency register first.
pub(crate) fn service_due(case: &CaseRecord, today: NaiveDate) -> Decision {
    recheck(
        case,
        PendingAct {
            act: "judgment_service".into(),
            ..PendingAct::default()
        },
        "insolvency_recheck",
        format!(
            "the judgment is to be served on {today}: the insolvency register is asked again              first (art. 33 Fw)"
        ),
    )
}

/// The insolvency register answered before an execution act: stop, or the act.
pub(crate) fn rechecked(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    answer: &RegisterAnswer,
) -> Result<Decision, Rejection> {
    let Some(act) = case.track.pending_act.clone() else {
        return Err(Rejection::WrongStage {
            event: "activity_succeeded",
            stage: case.stage.as_str(),
        });
    };
    let verdict = &answer.verdict;
    if verdict.kind == VerdictKind::Stop {
        let mut track = case.track.clone();
        track.pending_act = None;
        let reasons: Vec<&str> = verdict.reasons.iter().map(|r| r.text.as_str()).collect();
        let mut d = close(
            case,
            track,
            policy,
            today,
            "insolvency_stop",
            CloseReason::Uncollectable,
            format!(
                "before the {} the insolvency register answered: {}; execution ends (art. 33                  Fw)",
                act.act.replace('_', " "),
                reasons.join("; ")
            ),
            super::recoverability::stop_advice(verdict),
        );
        if let serde_json::Value::Object(map) = &mut d.audit.data {
            map.insert("verdict".into(), json!(verdict));
            map.insert("findings".into(), answer.findings.clone());
        }
        return Ok(d);
    }
    if case.suspension != crate::case::stage::Suspension::None {
        return Ok(super::recoverability::deferred(case, answer));
    }
    let mut waiting = case.clone();
    waiting.track.pending_act = None;
    let mut d = if act.act == "judgment_service" {
        served(&waiting, today)?
    } else {
        stay(
            &waiting,
            waiting.track.clone(),
            "attachment_due",
            format!(
                "the insolvency register shows nothing new: attachment {} ({}) may be made",
                act.attempt, act.attachment
            ),
            vec![attachment_task(&act.attachment, act.attempt)],
        )
    };
    if let serde_json::Value::Object(map) = &mut d.audit.data {
        map.insert("insolvency_verdict".into(), json!(verdict));
    }
    Ok(d)
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

fn attachment(kind: &str, attempt: usize) -> PendingAct {
    PendingAct {
        act: "attachment".into(),
        attachment: kind.into(),
        attempt,
    }
}

/// The order to pay ran out unpaid: the first attachment, once the insolvency register
/// has been asked again.
pub(crate) fn order_ended(case: &CaseRecord, today: NaiveDate) -> Decision {
    recheck(
        case,
        attachment(ORDER[0], 1),
        "order_to_pay_ended",
        format!(
            "the order to pay ran out unpaid; attachment from {today}, once the insolvency              register has been asked again"
        ),
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
    let mut d = recheck(
        &super::with_track(case, &track),
        attachment(next, attempts + 1),
        "attachment_failed",
        format!(
            "{kind} attachment yielded nothing; next: {next}, once the insolvency register has              been asked again"
        ),
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

    fn answer(kind: &str) -> RegisterAnswer {
        RegisterAnswer {
            verdict: serde_json::from_value(json!({
                "kind": kind,
                "reasons": [{ "code": "insolvency_active", "text": "faillissement F.16/26/99" }],
                "insolvency_number": "F.16/26/99",
            }))
            .unwrap(),
            findings: json!({}),
        }
    }

    /// The act waiting for the register, and the register's answer to it: the attachment
    /// task it opens.
    fn asked_then_answered(c: &CaseRecord, asked: &Decision, today: NaiveDate) -> Decision {
        assert!(matches!(
            asked.effects.as_slice(),
            [Effect::ScheduleJob {
                kind: JobKind::Activity(Activity::RecoverabilityCheck),
                ..
            }]
        ));
        let waiting = super::super::with_track(c, &asked.track);
        rechecked(&waiting, &TrackPolicy::default(), today, &answer("proceed")).unwrap()
    }

    #[test]
    fn attachments_go_bank_wages_goods_until_the_attempts_are_spent() {
        let policy = TrackPolicy::default();
        let mut c = in_execution();
        c.track = served(&c, d("2026-06-18")).unwrap().track;
        let asked = order_ended(&c, d("2026-06-23"));
        assert_eq!(
            asked
                .track
                .pending_act
                .as_ref()
                .map(|a| a.attachment.as_str()),
            Some("bank")
        );
        let first = asked_then_answered(&c, &asked, d("2026-06-23"));
        assert_eq!(first.audit.kind, "attachment_due");
        assert!(first.track.pending_act.is_none());
        assert!(matches!(
            first.effects.as_slice(),
            [Effect::OpenTask(t)] if t.kind == task_kind::ATTACHMENT && t.details["attachment"] == "bank"
        ));
        let mut details = json!({ "attachment": "bank", "attempt": 1 });
        for (n, next) in ["wages", "goods"].into_iter().enumerate() {
            let nothing =
                attachment_done(&c, &policy, d("2026-06-24"), &details, "nothing").unwrap();
            assert_eq!(nothing.stage, Stage::Execution);
            let opened = asked_then_answered(&c, &nothing, d("2026-06-24"));
            let [Effect::OpenTask(task)] = opened.effects.as_slice() else {
                panic!("the next attachment: {:?}", opened.effects);
            };
            assert_eq!(task.details["attachment"], next);
            assert_eq!(
                nothing.track.execution.as_ref().unwrap().attachments.len(),
                n + 1
            );
            c.track = opened.track;
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
    fn an_insolvency_since_the_last_check_stops_the_act_and_the_case() {
        let policy = TrackPolicy::default();
        let mut c = in_execution();
        // Before the service of the judgment: the register first, nothing served yet.
        let asked = service_due(&c, d("2026-06-18"));
        assert_eq!(asked.audit.kind, "insolvency_recheck");
        assert!(asked.track.execution.is_none());
        c.track = asked.track;
        let stopped = rechecked(&c, &policy, d("2026-06-18"), &answer("stop")).unwrap();
        assert_eq!(stopped.audit.kind, "insolvency_stop");
        assert_eq!(stopped.close_reason, Some(CloseReason::Uncollectable));
        assert!(stopped.track.execution.is_none(), "nothing served");
        assert!(
            stopped
                .track
                .statement
                .as_ref()
                .unwrap()
                .advice
                .iter()
                .any(|a| a.contains("F.16/26/99")),
            "{:?}",
            stopped.track.statement
        );
        // Proceed: the judgment is served that day.
        let served = rechecked(&c, &policy, d("2026-06-18"), &answer("proceed")).unwrap();
        assert_eq!(served.audit.kind, "judgment_served");
        assert_eq!(
            served.track.execution.unwrap().served_on,
            Some(d("2026-06-18"))
        );
        // No act waiting: a stray answer is refused.
        assert!(rechecked(&in_execution(), &policy, d("2026-06-18"), &answer("stop")).is_err());
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
