//! The recoverability check answered: proceed to the summons, a person reviews, or the
//! case stops (insolvency) and closes as uncollectable with advice for the client. An
//! answer arriving while the track is paused waits for resumption, unless it is an
//! insolvency; registers that could not be asked go to a person.

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::{stay, task_kind};
use crate::case::decide::CASE_HANDLER_QUEUE;
use crate::case::decision::{Decision, Due, Effect, NewTask};
use crate::case::event::{Activity, JobKind, RegisterAnswer};
use crate::case::policy::TrackPolicy;
use crate::case::record::CaseRecord;
use crate::case::recoverability::{Verdict, VerdictKind};
use crate::case::stage::{CloseReason, Suspension};
use crate::case::track::RecoverabilityRecord;

/// The advice in the statement of a case stopped by an insolvency: file the claim with the
/// administrator (art. 110 Fw; art. 299 Fw for WSNP) and reclaim the VAT on the bad debt
/// (art. 29 Wet OB 1968).
pub(crate) fn stop_advice(verdict: &Verdict) -> Vec<String> {
    let mut advice = Vec::new();
    let number = verdict.insolvency_number.as_deref().unwrap_or("unknown");
    match &verdict.administrator {
        Some(a) => advice.push(format!(
            "File the claim for verification (indienen ter verificatie, art. 110 Fw) with the \
             administrator {}, {} {} {}, insolvency {number}.",
            a.name, a.address.street, a.address.postcode, a.address.city
        )),
        None => advice.push(format!(
            "File the claim for verification (indienen ter verificatie, art. 110 Fw) in \
             insolvency {number}; no administrator is published yet."
        )),
    }
    advice.push(
        "Reclaim the VAT on the unpaid invoices in your VAT return (teruggaaf btw bij \
         oninbaarheid, art. 29 Wet OB 1968); pay it again on anything the estate pays out."
            .into(),
    );
    advice
}

/// The check's answer (a case in the recoverability stage).
pub(crate) fn answered(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    answer: &RegisterAnswer,
) -> Decision {
    let verdict = answer.verdict.clone();
    if case.suspension != Suspension::None && verdict.kind != VerdictKind::Stop {
        return deferred(case, answer);
    }
    let mut track = case.track.clone();
    track.recoverability = Some(RecoverabilityRecord {
        verdict: verdict.clone(),
        checked_on: today,
    });
    let mut reasons: Vec<String> = verdict.reasons.iter().map(|r| r.text.clone()).collect();
    // The client's minimum for legal action was asked at intake; payments since may have
    // brought the open principal below it, and then a person decides before the summons.
    let minimum = policy.minimum_for_legal_action();
    let open = crate::case::track::owed(case, policy, today)
        .map(|o| o.quote.principal)
        .unwrap_or_else(|_| case.principal());
    let fell_below = case.principal() >= minimum && open < minimum;
    if fell_below {
        reasons.push(format!(
            "after payments the open principal {} is below the client's minimum for legal \
             action {}",
            open.format_nl(),
            minimum.format_nl()
        ));
    }
    let data = json!({ "verdict": verdict, "checked_on": today.to_string() });
    let mut d = match verdict.kind {
        VerdictKind::Stop => super::close(
            case,
            track,
            policy,
            today,
            "recoverability_stop",
            CloseReason::Uncollectable,
            format!("the debtor cannot be pursued: {}", reasons.join("; ")),
            stop_advice(&verdict),
        ),
        VerdictKind::Proceed if !policy.approve_recoverability_proceed && !fell_below => {
            super::summons::draft(case, track, policy, today, "recoverability_proceed")
        }
        VerdictKind::Proceed | VerdictKind::Review => stay(
            case,
            track,
            "recoverability_review",
            format!("a person decides: {}", reasons.join("; ")),
            vec![Effect::OpenTask(NewTask {
                kind: task_kind::RECOVERABILITY_REVIEW.into(),
                queue: CASE_HANDLER_QUEUE.into(),
                title: "Recoverability: proceed to the summons or stop?".into(),
                details: data.clone(),
                outcomes: vec!["proceed".into(), "stop".into()],
            })],
        ),
    };
    if let Value::Object(map) = &mut d.audit.data {
        map.insert("verdict".into(), data["verdict"].clone());
        map.insert("checked_on".into(), data["checked_on"].clone());
        // The registers' raw answers, for the dossier.
        map.insert("findings".into(), answer.findings.clone());
    }
    d
}

/// Paused: the answer is kept in the dossier, but a verdict must not move a case on hold
/// or in a plan; the registers are asked afresh on resumption. (An insolvency does apply
/// at once: from its day the debtor may not pay the office and execution ends, art. 23
/// and 33 Fw.)
pub(super) fn deferred(case: &CaseRecord, answer: &RegisterAnswer) -> Decision {
    let check = JobKind::Activity(Activity::RecoverabilityCheck);
    let mut track = case.track.clone();
    track.deferred_timers.push(check.as_str().to_owned());
    let mut d = stay(
        case,
        track,
        "recoverability_deferred",
        format!(
            "the registers answered while {}; they are asked again on resumption",
            case.suspension.as_str()
        ),
        Vec::new(),
    );
    d.audit.data = json!(answer);
    d
}

/// The registers could not be asked after every retry: a person decides (proceed, stop,
/// or try the lookups again).
pub(crate) fn unreachable(case: &CaseRecord, attempts: u32, error: &str) -> Decision {
    let mut d = stay(
        case,
        case.track.clone(),
        "recoverability_review",
        format!(
            "the registers could not be asked ({attempts} attempts: {error}); a person decides"
        ),
        vec![Effect::OpenTask(NewTask {
            kind: task_kind::RECOVERABILITY_REVIEW.into(),
            queue: CASE_HANDLER_QUEUE.into(),
            title: "Recoverability: registers unreachable".into(),
            details: json!({ "attempts": attempts, "last_error": error }),
            outcomes: vec!["proceed".into(), "stop".into(), "retry".into()],
        })],
    );
    d.audit.data = json!({ "attempts": attempts, "last_error": error });
    d
}

/// A person's answer to the recoverability review.
pub(crate) fn reviewed(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    outcome: &str,
    note: &str,
) -> Decision {
    if outcome == "retry" {
        return stay(
            case,
            case.track.clone(),
            "recoverability_retried",
            format!("the register lookups are tried again: {note}"),
            vec![Effect::ScheduleJob {
                kind: JobKind::Activity(Activity::RecoverabilityCheck),
                due: Due::Now,
                payload: json!({}),
            }],
        );
    }
    if outcome == "proceed" {
        return super::summons::draft(
            case,
            case.track.clone(),
            policy,
            today,
            "recoverability_reviewed",
        );
    }
    let advice = case
        .track
        .recoverability
        .as_ref()
        .filter(|r| r.verdict.kind == VerdictKind::Stop || r.verdict.administrator.is_some())
        .map(|r| stop_advice(&r.verdict))
        .unwrap_or_default();
    super::close(
        case,
        case.track.clone(),
        policy,
        today,
        "recoverability_stop",
        CloseReason::Uncollectable,
        format!("stopped after the recoverability review: {note}"),
        advice,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::claim::DebtorKind;
    use crate::case::decide::tests::{case, d};
    use crate::case::stage::Stage;

    #[test]
    fn unreachable_registers_become_a_review_whose_retry_looks_again() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Recoverability;
        let review = unreachable(&c, 5, "register lookup: timed out");
        assert_eq!(review.stage, Stage::Recoverability);
        assert!(matches!(
            &review.effects[..],
            [Effect::OpenTask(t)] if t.kind == task_kind::RECOVERABILITY_REVIEW
                && t.outcomes.contains(&"retry".to_owned())
        ));
        let retry = reviewed(&c, &policy, d("2026-05-22"), "retry", "");
        assert_eq!(
            retry.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Activity(Activity::RecoverabilityCheck),
                due: Due::Now,
                payload: json!({}),
            }]
        );
        let stop = reviewed(&c, &policy, d("2026-05-22"), "stop", "no assets");
        assert_eq!(stop.close_reason, Some(CloseReason::Uncollectable));
    }

    #[test]
    fn a_proceed_below_the_minimum_after_payments_waits_for_a_person() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Recoverability;
        let proceed = RegisterAnswer {
            verdict: serde_json::from_value(json!({ "kind": "proceed", "reasons": [] })).unwrap(),
            findings: json!({}),
            attachment_register: None,
        };
        let drafted = answered(&c, &policy, d("2026-05-25"), &proceed);
        assert_eq!(
            drafted.stage,
            Stage::Summons,
            "1,234.56 open: to the summons"
        );
        // 800.00 paid on 25 May: interest first, 85 days (2 March – 25 May)
        // 1234.56 × 0.04 × 85 / 365 = 11.50, then 788.50 principal: 446.06 open, below
        // the default minimum of 500.00.
        let payment = crate::case::track::PaymentRecord {
            id: "p1".into(),
            paid_on: d("2026-05-25"),
            amount_cents: 80_000,
            ..Default::default()
        };
        let paid = crate::case::track::allocate(&c, &policy, &payment).unwrap();
        assert_eq!(paid.to_principal_cents, 78_850);
        c.track.payments.push(paid);
        let review = answered(&c, &policy, d("2026-05-25"), &proceed);
        assert_eq!(review.stage, Stage::Recoverability);
        assert!(
            review.audit.reason.contains("446,06"),
            "{}",
            review.audit.reason
        );
    }
}
