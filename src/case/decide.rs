//! The track as a pure function: a case, an event, the case's policy and today's date in,
//! a [`Decision`] out. No I/O and no clock: the engine makes it durable, and anyone can
//! replay it.
//!
//! For now the track knows its first steps only (intake → letter → recoverability), which
//! is enough to drive the engine's timers, activities and tasks; the rest of the legal
//! track (letters, registers, summons) grows here.

use chrono::NaiveDate;
use serde_json::json;

use super::decision::{Decision, Due, Effect, NewTask, Rejection};
use super::event::{Activity, Event, JOB_FAILED_TASK, JobKind, Timer};
use super::lifecycle::{self, task_kind};
use super::policy::TrackPolicy;
use super::record::CaseRecord;
use super::stage::{CloseReason, Stage, Suspension};

/// The queue of tasks for case handlers.
pub const CASE_HANDLER_QUEUE: &str = "case_handler";

/// Whether a recoverability check's output is a `stop` (faillissement, surseance, WSNP).
fn says_stop(output: &serde_json::Value) -> bool {
    serde_json::from_value::<super::recoverability::Verdict>(output["verdict"].clone())
        .is_ok_and(|v| v.kind == super::recoverability::VerdictKind::Stop)
}

/// Decides what `event` does to `case` under `policy` on `today` (Europe/Amsterdam).
pub fn decide(
    case: &CaseRecord,
    event: &Event,
    policy: &TrackPolicy,
    today: NaiveDate,
) -> Result<Decision, Rejection> {
    if case.stage == Stage::Closed {
        // The final statement is rendered after the close: its document joins the dossier.
        if let Event::ActivitySucceeded {
            activity: Activity::RenderDocument,
            output,
            ..
        } = event
        {
            let mut d = lifecycle::stay(
                case,
                case.track.clone(),
                "document_rendered",
                format!(
                    "{} {} is in the dossier",
                    output["kind"].as_str().unwrap_or("document"),
                    output["document_id"].as_str().unwrap_or("")
                ),
                Vec::new(),
            );
            d.close_reason = case.close_reason;
            d.close_note.clone_from(&case.close_note);
            d.audit.data = output.clone();
            return Ok(d);
        }
        return Err(Rejection::Closed(
            case.close_reason.map_or("no reason", CloseReason::as_str),
        ));
    }
    let wrong_stage = || Rejection::WrongStage {
        event: event.name(),
        stage: case.stage.as_str(),
    };
    let stay = |kind: &'static str, reason: String, effects: Vec<Effect>| {
        lifecycle::stay(case, case.track.clone(), kind, reason, effects)
    };
    match event {
        Event::ClaimAccepted => {
            if case.stage != Stage::Intake {
                return Err(wrong_stage());
            }
            // The track starts at the cut-off of the day the claim is handled: that day's
            // intake is complete, and its letter goes with that day's post.
            let start = case.accepted_on.max(today);
            let at = start.and_time(policy.intake_cutoff);
            let mut d = stay(
                "claim_accepted",
                format!(
                    "the track starts on {start} at {}",
                    policy.intake_cutoff.format("%H:%M")
                ),
                vec![Effect::ScheduleJob {
                    kind: JobKind::Timer(Timer::StartTrack),
                    due: Due::Local(at),
                    payload: json!({}),
                }],
            );
            d.audit.data = json!({ "starts_on": start.to_string() });
            Ok(d)
        }
        Event::TimerFired(timer)
            if case.suspension != Suspension::None && *timer != Timer::InstalmentCheck =>
        {
            // Paused: the timer fires again when the track resumes.
            let mut track = case.track.clone();
            track
                .deferred_timers
                .push(JobKind::Timer(*timer).as_str().to_owned());
            Ok(lifecycle::stay(
                case,
                track,
                "timer_deferred",
                format!(
                    "{} came due while {}; it fires on resumption",
                    JobKind::Timer(*timer).as_str(),
                    case.suspension.as_str()
                ),
                Vec::new(),
            ))
        }
        Event::TimerFired(Timer::StartTrack) => {
            if case.stage != Stage::Intake {
                return Err(wrong_stage());
            }
            lifecycle::intake::start_track(case, policy, today)
        }
        Event::TimerFired(Timer::LetterTermEnded) => {
            if case.stage != Stage::Letter {
                return Err(wrong_stage());
            }
            lifecycle::letter::term_ended(case, today)
        }
        Event::TimerFired(Timer::SummonsServed) => {
            if case.stage != Stage::Summons {
                return Err(wrong_stage());
            }
            lifecycle::summons::served(case, today)
        }
        Event::TimerFired(Timer::HearingHeld) => {
            if case.stage != Stage::Summons {
                return Err(wrong_stage());
            }
            lifecycle::summons::hearing(case, today)
        }
        Event::TimerFired(Timer::JudgmentServed) => lifecycle::execution::served(case, today),
        Event::TimerFired(Timer::OrderToPayEnded) => lifecycle::execution::order_ended(case, today),
        Event::TimerFired(Timer::InstalmentCheck) => lifecycle::plan::check(case, policy, today),
        Event::ActivitySucceeded {
            activity: Activity::RecoverabilityCheck,
            output,
            ..
        } if case.suspension != Suspension::None && !says_stop(output) => {
            // Paused: the answer is kept in the dossier, but a verdict must not move a
            // case on hold or in a plan; the registers are asked afresh on resumption.
            // (An insolvency does apply at once: from its day the debtor may not pay the
            // office and execution ends, art. 23 and 33 Fw.)
            let check = JobKind::Activity(Activity::RecoverabilityCheck);
            let mut track = case.track.clone();
            track.deferred_timers.push(check.as_str().to_owned());
            let mut d = lifecycle::stay(
                case,
                track,
                "recoverability_deferred",
                format!(
                    "the registers answered while {}; they are asked again on resumption",
                    case.suspension.as_str()
                ),
                Vec::new(),
            );
            d.audit.data = output.clone();
            Ok(d)
        }
        Event::ActivitySucceeded {
            activity: Activity::RecoverabilityCheck,
            output,
            ..
        } => lifecycle::recoverability::answered(case, policy, today, output),
        Event::PaymentReceived {
            payment,
            recorded_at,
        } => lifecycle::payment::received(case, policy, today, payment, *recorded_at),
        Event::PutOnHold { reason, note } => {
            lifecycle::hold::put_on_hold(case, today, reason, note)
        }
        Event::Resume { note } => lifecycle::hold::resume(case, policy, today, note),
        Event::PlanProposed { instalments } => {
            lifecycle::plan::proposed(case, policy, today, instalments)
        }
        Event::JudgmentRegistered(judgment) => {
            lifecycle::judgment::registered(case, policy, today, judgment)
        }
        Event::ProbeRequested { fail_first } => Ok(stay(
            "probe_requested",
            format!("engine self-check, failing its first {fail_first} attempt(s)"),
            vec![Effect::ScheduleJob {
                kind: JobKind::Activity(Activity::Probe),
                due: Due::Now,
                payload: json!({ "fail_first": fail_first }),
            }],
        )),
        Event::ActivitySucceeded {
            activity: Activity::RenderDocument,
            output,
            ..
        } => {
            let kind = output["kind"].as_str().unwrap_or("document");
            let reason = match output["skipped"].as_str() {
                Some(why) => format!("{kind} not rendered: {why}"),
                None => format!(
                    "{kind} {} is in the dossier",
                    output["document_id"].as_str().unwrap_or("")
                ),
            };
            let mut d = stay("document_rendered", reason, Vec::new());
            d.audit.data = output.clone();
            Ok(d)
        }
        Event::ActivitySucceeded {
            activity, attempt, ..
        } => {
            let mut d = stay(
                "activity_succeeded",
                format!(
                    "{} succeeded on attempt {attempt}",
                    activity_name(*activity)
                ),
                Vec::new(),
            );
            d.audit.data = json!({ "activity": activity_name(*activity), "attempt": attempt });
            Ok(d)
        }
        Event::ActivityFailed {
            activity: Activity::RecoverabilityCheck,
            attempts,
            error,
            ..
        } if case.stage == Stage::Recoverability => Ok(lifecycle::recoverability::unreachable(
            case, *attempts, error,
        )),
        Event::ActivityFailed {
            activity,
            attempts,
            error,
            payload,
        } => {
            let name = activity_name(*activity);
            let details = json!({
                "job_kind": JobKind::Activity(*activity).as_str(),
                "payload": payload,
                "attempts": attempts,
                "last_error": error,
            });
            let mut d = stay(
                "activity_failed",
                format!("{name} failed {attempts} time(s); a person takes over"),
                vec![Effect::OpenTask(NewTask {
                    kind: JOB_FAILED_TASK.into(),
                    queue: CASE_HANDLER_QUEUE.into(),
                    title: format!("{name} failed after {attempts} attempt(s)"),
                    details: details.clone(),
                    outcomes: vec!["retry".into(), "dismiss".into()],
                })],
            );
            d.audit.data = details;
            Ok(d)
        }
        Event::TaskCompleted {
            task_kind,
            outcome,
            details,
            note,
        } => {
            match task_kind.as_str() {
                task_kind::INTAKE_REVIEW if case.stage == Stage::Intake => {
                    return lifecycle::intake::reviewed(case, policy, today, outcome, note);
                }
                task_kind::RECOVERABILITY_REVIEW if case.stage == Stage::Recoverability => {
                    return lifecycle::recoverability::reviewed(case, policy, today, outcome, note);
                }
                task_kind::SUMMONS_APPROVAL if case.stage == Stage::Summons => {
                    return lifecycle::summons::reviewed(case, policy, today, outcome, note);
                }
                task_kind::ATTACHMENT if case.stage == Stage::Execution => {
                    return lifecycle::execution::attachment_done(
                        case, policy, today, details, outcome,
                    );
                }
                _ => {}
            }
            let mut effects = Vec::new();
            if task_kind == JOB_FAILED_TASK && outcome == "retry" {
                let kind = details["job_kind"]
                    .as_str()
                    .and_then(JobKind::parse)
                    .ok_or_else(|| Rejection::Unknown("the task names no known job".into()))?;
                effects.push(Effect::ScheduleJob {
                    kind,
                    due: Due::Now,
                    payload: details["payload"].clone(),
                });
            }
            let mut d = stay("task_completed", format!("{task_kind}: {outcome}"), effects);
            d.audit.data = json!({ "task_kind": task_kind, "outcome": outcome, "note": note });
            Ok(d)
        }
        Event::Withdraw { note } => lifecycle::hold::withdraw(case, policy, today, note),
    }
}

fn activity_name(activity: Activity) -> &'static str {
    match activity {
        Activity::Probe => "probe",
        Activity::RecoverabilityCheck => "recoverability check",
        Activity::RenderDocument => "render document",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::{Days, TimeZone, Utc};
    use proptest::prelude::*;

    use super::*;
    use crate::case::{Address, Claim, ClientId, Debtor, DebtorKind, Invoice};
    use crate::law::money::Money;

    pub(crate) fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub(crate) fn case(kind: DebtorKind) -> CaseRecord {
        let at = Utc.with_ymd_and_hms(2026, 5, 4, 8, 0, 0).unwrap();
        CaseRecord {
            id: "c1".into(),
            claim: Claim {
                client_id: ClientId::parse("acme").unwrap(),
                client_reference: "r1".into(),
                debtor: Debtor {
                    kind,
                    name: "J. de Vries".into(),
                    address: Address::default(),
                    email: String::new(),
                    phone: String::new(),
                    kvk_number: None,
                    date_of_birth: None,
                    family_name: String::new(),
                    family_name_prefix: String::new(),
                    iban: None,
                },
                invoices: vec![Invoice {
                    number: "1".into(),
                    invoice_date: None,
                    due_date: d("2026-03-01"),
                    amount: Money::from_cents(123_456),
                }],
                notes: String::new(),
            },
            stage: Stage::Intake,
            suspension: Suspension::None,
            close_reason: None,
            close_note: String::new(),
            accepted_on: d("2026-05-04"),
            version: 1,
            policy_version: 1,
            warnings: Vec::new(),
            track: Default::default(),
            created_at: at,
            updated_at: at,
        }
    }

    /// Applies a decision to the record the way the engine does.
    fn apply(case: &mut CaseRecord, decision: &Decision) {
        case.stage = decision.stage;
        case.suspension = decision.suspension;
        case.close_reason = decision.close_reason;
        case.close_note.clone_from(&decision.close_note);
        case.track = decision.track.clone();
        case.version += 1;
    }

    #[test]
    fn accepted_then_started_schedules_the_letter_term() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        let accepted = decide(&c, &Event::ClaimAccepted, &policy, d("2026-05-04")).unwrap();
        assert_eq!(
            accepted.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Timer(Timer::StartTrack),
                due: Due::Local(d("2026-05-04").and_hms_opt(16, 0, 0).unwrap()),
                payload: json!({}),
            }]
        );
        apply(&mut c, &accepted);
        let started = decide(
            &c,
            &Event::TimerFired(Timer::StartTrack),
            &policy,
            d("2026-05-04"),
        )
        .unwrap();
        // Sent Mon 4 May 2026; Tue 5 May is Bevrijdingsdag, an Atw holiday (art. 3 lid 1),
        // so the delivery days are Wed 6 (1) and Thu 7 (2) → received Thu 7 May; 14 days
        // from the day after end Thu 21 May, a working day; the timer fires on Fri 22 May.
        assert_eq!(started.stage, Stage::Letter);
        assert_eq!(
            started.effects,
            vec![
                Effect::ScheduleJob {
                    kind: JobKind::Timer(Timer::LetterTermEnded),
                    due: Due::StartOf(d("2026-05-22")),
                    payload: json!({ "term_ends_on": "2026-05-21" }),
                },
                // The 14-dagenbrief as sent, rendered into the dossier.
                Effect::ScheduleJob {
                    kind: JobKind::Activity(Activity::RenderDocument),
                    due: Due::Now,
                    payload: json!({ "kind": "fourteen_day_letter", "on": "2026-05-04" }),
                },
            ]
        );
        // A client whose print house makes the letters gets no PDF from the office.
        let printed = TrackPolicy {
            render_letters: false,
            ..TrackPolicy::default()
        };
        let started = decide(
            &c,
            &Event::TimerFired(Timer::StartTrack),
            &printed,
            d("2026-05-04"),
        )
        .unwrap();
        assert_eq!(started.effects.len(), 1, "{:?}", started.effects);
        // A business gets the policy's 14 days from sending.
        let b = case(DebtorKind::Business);
        let started = decide(
            &b,
            &Event::TimerFired(Timer::StartTrack),
            &policy,
            d("2026-05-04"),
        )
        .unwrap();
        assert_eq!(started.audit.data["term_ends_on"], "2026-05-18");
    }

    #[test]
    fn a_stale_timer_and_a_closed_case_are_rejected() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        assert!(matches!(
            decide(
                &c,
                &Event::TimerFired(Timer::LetterTermEnded),
                &policy,
                d("2026-05-04")
            ),
            Err(Rejection::WrongStage { .. })
        ));
        let withdrawn = decide(
            &c,
            &Event::Withdraw {
                note: "paid directly".into(),
            },
            &policy,
            d("2026-05-04"),
        )
        .unwrap();
        apply(&mut c, &withdrawn);
        assert_eq!(c.close_reason, Some(CloseReason::Withdrawn));
        assert_eq!(
            decide(&c, &Event::ClaimAccepted, &policy, d("2026-05-04")),
            Err(Rejection::Closed("withdrawn"))
        );
    }

    #[test]
    fn a_failed_job_becomes_a_task_whose_retry_schedules_it_again() {
        let policy = TrackPolicy::default();
        let c = case(DebtorKind::Consumer);
        let failed = decide(
            &c,
            &Event::ActivityFailed {
                activity: Activity::Probe,
                attempts: 5,
                error: "boom".into(),
                payload: json!({ "fail_first": 9 }),
            },
            &policy,
            d("2026-05-04"),
        )
        .unwrap();
        let [Effect::OpenTask(task)] = failed.effects.as_slice() else {
            panic!("one task: {:?}", failed.effects);
        };
        assert_eq!(task.kind, JOB_FAILED_TASK);
        let retried = decide(
            &c,
            &Event::TaskCompleted {
                task_kind: task.kind.clone(),
                outcome: "retry".into(),
                details: task.details.clone(),
                note: String::new(),
            },
            &policy,
            d("2026-05-04"),
        )
        .unwrap();
        assert_eq!(
            retried.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Activity(Activity::Probe),
                due: Due::Now,
                payload: json!({ "fail_first": 9 }),
            }]
        );
    }

    fn any_event() -> impl Strategy<Value = Event> {
        prop_oneof![
            Just(Event::ClaimAccepted),
            Just(Event::TimerFired(Timer::StartTrack)),
            Just(Event::TimerFired(Timer::LetterTermEnded)),
            (0u32..4).prop_map(|fail_first| Event::ProbeRequested { fail_first }),
            (1u32..6).prop_map(|attempt| Event::ActivitySucceeded {
                activity: Activity::Probe,
                attempt,
                output: json!({}),
            }),
            (1u32..6).prop_map(|attempts| Event::ActivityFailed {
                activity: Activity::Probe,
                attempts,
                error: "x".into(),
                payload: json!({}),
            }),
            prop_oneof![Just("retry"), Just("dismiss")].prop_map(|outcome| Event::TaskCompleted {
                task_kind: JOB_FAILED_TASK.into(),
                outcome: outcome.into(),
                details: json!({ "job_kind": "activity.probe", "payload": {} }),
                note: String::new(),
            }),
            Just(Event::Withdraw {
                note: String::new()
            }),
        ]
    }

    /// The stages an event may lead to from a stage: every other move is a bug.
    fn allowed(from: Stage, event: &Event, to: Stage) -> bool {
        to == from
            || matches!(
                (from, event, to),
                (
                    Stage::Intake,
                    Event::TimerFired(Timer::StartTrack),
                    Stage::Letter
                ) | (
                    Stage::Letter,
                    Event::TimerFired(Timer::LetterTermEnded),
                    Stage::Recoverability
                ) | (_, Event::Withdraw { .. }, Stage::Closed)
            )
    }

    proptest! {
        #[test]
        fn random_event_sequences_keep_the_invariants(
            consumer in any::<bool>(),
            events in prop::collection::vec(any_event(), 0..30),
            day_offsets in prop::collection::vec(0u64..40, 30),
        ) {
            let policy = TrackPolicy::default();
            let mut c = case(if consumer { DebtorKind::Consumer } else { DebtorKind::Business });
            let mut today = d("2026-05-04");
            for (event, offset) in events.iter().zip(day_offsets) {
                today = today + Days::new(offset);
                let before = c.clone();
                match decide(&c, event, &policy, today) {
                    Ok(decision) => {
                        prop_assert!(before.stage != Stage::Closed, "closed is terminal");
                        prop_assert!(allowed(before.stage, event, decision.stage),
                            "{:?} --{}--> {:?}", before.stage, event.name(), decision.stage);
                        prop_assert_eq!(decision.close_reason.is_some(), decision.stage == Stage::Closed);
                        for (name, amount) in &decision.audit.amounts {
                            prop_assert!(!amount.is_negative(), "{name} negative");
                        }
                        for effect in &decision.effects {
                            match effect {
                                Effect::ScheduleJob { due: Due::StartOf(day), .. } => {
                                    prop_assert!(*day >= today, "a timer in the past: {day}");
                                }
                                Effect::ScheduleJob { due: Due::Local(at), .. } => {
                                    prop_assert!(at.date() >= today, "a timer in the past: {at}");
                                }
                                _ => {}
                            }
                        }
                        apply(&mut c, &decision);
                    }
                    Err(Rejection::Closed(_)) => prop_assert_eq!(before.stage, Stage::Closed),
                    Err(_) => prop_assert!(before.stage != Stage::Closed),
                }
            }
        }
    }
}
