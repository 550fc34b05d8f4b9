//! The hold side track (a dispute, the client's instruction) and the client's withdrawal.
//! Timers that come due while the track is paused are kept and fire again on resumption.

use chrono::NaiveDate;
use serde_json::json;

use super::stay;
use crate::case::decision::{Decision, Due, Effect};
use crate::case::event::{Activity, JobKind};
use crate::case::policy::TrackPolicy;
use crate::case::record::CaseRecord;
use crate::case::stage::{CloseReason, Stage, Suspension};
use crate::case::track::{HoldRecord, TrackState};

/// PutOnHold (a running track: neither on hold nor in a plan).
pub(crate) fn put_on_hold(
    case: &CaseRecord,
    today: NaiveDate,
    reason: &str,
    note: &str,
) -> Decision {
    let mut track = case.track.clone();
    track.hold = Some(HoldRecord {
        reason: reason.to_owned(),
        note: note.to_owned(),
        since: Some(today),
    });
    let mut d = stay(
        case,
        track,
        "put_on_hold",
        format!("on hold ({reason}): {note}"),
        Vec::new(),
    );
    d.suspension = Suspension::OnHold;
    d.audit.data = json!({ "reason": reason, "note": note });
    d
}

/// A job whose event the bailiff's tariffs cannot price (no Btag figures for the year of
/// `day`): the case waits on hold for the office to add them, the job kept to run again on
/// resumption.
pub(crate) fn no_tariff(
    case: &CaseRecord,
    job: JobKind,
    day: NaiveDate,
    today: NaiveDate,
) -> Decision {
    let note = format!(
        "no Btag tariff for {}: add the year's bailiff tariffs \
         (AdminService.AddBailiffTariffs), then resume the case",
        day.format("%Y")
    );
    let mut d = put_on_hold(case, today, "no_tariff", &note);
    d.track.deferred_timers.push(job.as_str().to_owned());
    d
}

/// A timer that came due while the track is paused (or a job the tariffs could not price
/// then): kept, it fires on resumption.
pub(crate) fn defer_job(case: &CaseRecord, kind: JobKind) -> Decision {
    let mut track = case.track.clone();
    track.deferred_timers.push(kind.as_str().to_owned());
    stay(
        case,
        track,
        "timer_deferred",
        format!(
            "{} came due while {}; it fires on resumption",
            kind.as_str(),
            case.suspension.as_str()
        ),
        Vec::new(),
    )
}

/// The deferred timers, due at once; the list is emptied. A register check kept while an
/// execution act waits for it runs again as that act's check (`before`): the insolvency
/// register asked afresh, not answered from the cache (art. 33 Fw).
pub(crate) fn refire(track: &mut TrackState) -> Vec<Effect> {
    let before = track.pending_act.as_ref().map(|a| a.act.clone());
    std::mem::take(&mut track.deferred_timers)
        .iter()
        .filter_map(|name| JobKind::parse(name))
        .map(|kind| Effect::ScheduleJob {
            kind,
            due: Due::Now,
            payload: match (kind, &before) {
                (JobKind::Activity(Activity::RecoverabilityCheck), Some(act)) => {
                    json!({ "before": act })
                }
                _ => json!({}),
            },
        })
        .collect()
}

/// Resume (a case on hold): the track goes on where it was. Where the hold stopped the
/// track itself, it starts that step again, so the case never resumes with nothing open:
/// a summons that could not be drafted, was rejected, could not be served or whose
/// enrolment lapsed is drafted again; a judgment that could not be served is planned for
/// service again.
pub(crate) fn resume(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    note: &str,
) -> Decision {
    let mut track = case.track.clone();
    let held_for = track.hold.take().map(|h| h.reason).unwrap_or_default();
    let mut effects = refire(&mut track);
    effects.extend(super::enforceability::on_resume(&track, &held_for, today));
    let mut base = case.clone();
    base.suspension = Suspension::None;
    match (case.stage, held_for.as_str()) {
        (
            Stage::Summons,
            "summons_draft" | "summons_rejected" | "service_failed" | "enrolment_lapsed"
            | "limitation",
        ) => {
            // Resuming a case held for limitation is the person's decision to summon.
            track.limitation_accepted |= held_for == "limitation";
            let mut d = super::summons::draft(&base, track, policy, today, "resumed");
            d.effects.extend(effects);
            return d;
        }
        (Stage::Execution, "service_failed") if track.execution.is_none() => {
            base.track = track;
            let mut d = super::execution::service_due(&base, today);
            d.audit.kind = "resumed";
            d.audit.reason = format!("resumed: {note}; {}", d.audit.reason);
            d.effects.extend(effects);
            return d;
        }
        _ => {}
    }
    let mut d = stay(&base, track, "resumed", format!("resumed: {note}"), effects);
    d.audit.data = json!({ "note": note, "held_for": held_for });
    d
}

/// The client withdrew the claim.
pub(crate) fn withdraw(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    note: &str,
) -> Decision {
    super::close(
        case,
        case.track.clone(),
        policy,
        today,
        "withdrawn",
        CloseReason::Withdrawn,
        if note.is_empty() {
            "the client withdrew the claim".into()
        } else {
            format!("the client withdrew the claim: {note}")
        },
        Vec::new(),
    )
}

/// The office gave up (CloseUncollectable): closed as uncollectable with the case
/// handler's reason.
pub(crate) fn give_up(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    note: &str,
) -> Decision {
    super::close(
        case,
        case.track.clone(),
        policy,
        today,
        "closed",
        CloseReason::Uncollectable,
        format!("closed as uncollectable by the office: {note}"),
        Vec::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::claim::DebtorKind;
    use crate::case::decide;
    use crate::case::decide::tests::{case, d};
    use crate::case::event::{ActivityOutput, Event, RegisterAnswer, Timer};

    fn register_answer(verdict: serde_json::Value) -> ActivityOutput {
        ActivityOutput::Recoverability(RegisterAnswer {
            verdict: serde_json::from_value(verdict).unwrap(),
            findings: json!({}),
            attachment_register: None,
        })
    }

    /// A bank and an employer both hold money under attachment when the office gives up:
    /// each gets its own release (opheffing), named by the attachment's number.
    #[test]
    fn closing_releases_every_attachment_under_a_garnishee() {
        use crate::case::track::{AttachmentRecord, ExecutionRecord};
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Execution;
        let attached = |kind: &str, garnishee: &str| AttachmentRecord {
            kind: kind.into(),
            result: "attached".into(),
            garnishee: vec![garnishee.into()],
            ..AttachmentRecord::default()
        };
        c.track.execution = Some(ExecutionRecord {
            attachments: vec![
                attached("bank", "ING Bank N.V."),
                AttachmentRecord {
                    result: "nothing".into(),
                    ..attached("bank", "Rabobank")
                },
                attached("wages", "Bakkerij B.V."),
            ],
            ..ExecutionRecord::default()
        });
        let closed = give_up(&c, &TrackPolicy::default(), d("2026-09-01"), "emigrated");
        let released: Vec<u64> = closed
            .effects
            .iter()
            .filter_map(|e| match e {
                Effect::ScheduleJob { payload, .. } if payload["kind"] == "release" => {
                    payload["attachment"].as_u64()
                }
                _ => None,
            })
            .collect();
        assert_eq!(released, [1, 3]);
    }

    #[test]
    fn a_timer_due_on_hold_fires_on_resumption() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Letter;
        let held = put_on_hold(&c, d("2026-05-11"), "dispute", "meter reading");
        c.suspension = held.suspension;
        c.track = held.track;
        let timer = Event::TimerFired(Timer::LetterTermEnded);
        let deferred = decide(&c, &timer, &policy, d("2026-05-22")).unwrap();
        assert_eq!(deferred.stage, Stage::Letter, "paused: the stage stays");
        c.track = deferred.track;
        let resumed = resume(&c, &policy, d("2026-06-01"), "settled");
        assert_eq!(resumed.suspension, Suspension::None);
        assert!(resumed.track.deferred_timers.is_empty());
        assert_eq!(
            resumed.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Timer(Timer::LetterTermEnded),
                due: Due::Now,
                payload: json!({}),
            }]
        );
        let resume_event = Event::Resume {
            note: String::new(),
        };
        assert!(decide(&c, &resume_event, &policy, d("2026-06-01")).is_ok());
        c.suspension = Suspension::None;
        assert!(
            decide(&c, &resume_event, &policy, d("2026-06-01")).is_err(),
            "not on hold"
        );
    }

    #[test]
    fn a_verdict_arriving_on_hold_waits_for_resumption() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Business);
        c.stage = Stage::Recoverability;
        let held = put_on_hold(&c, d("2026-05-25"), "dispute", "quality");
        c.suspension = held.suspension;
        c.track = held.track;
        let answer = Event::ActivitySucceeded {
            attempt: 1,
            output: register_answer(json!({ "kind": "proceed", "reasons": [] })),
        };
        let deferred = decide(&c, &answer, &policy, d("2026-05-26")).unwrap();
        assert_eq!(
            deferred.stage,
            Stage::Recoverability,
            "paused: no verdict applies"
        );
        assert_eq!(deferred.suspension, Suspension::OnHold);
        assert!(deferred.track.recoverability.is_none());
        // An insolvency, though, applies at once (art. 23 and 33 Fw): closed uncollectable.
        let stop = Event::ActivitySucceeded {
            attempt: 1,
            output: register_answer(json!({ "kind": "stop", "reasons": [] })),
        };
        let closed = decide(&c, &stop, &policy, d("2026-05-26")).unwrap();
        assert_eq!(closed.close_reason, Some(CloseReason::Uncollectable));
        c.track = deferred.track;
        let resumed = resume(&c, &policy, d("2026-06-01"), "settled");
        assert_eq!(
            resumed.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Activity(Activity::RecoverabilityCheck),
                due: Due::Now,
                payload: json!({}),
            }]
        );
    }
}
