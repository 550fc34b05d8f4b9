//! The track as a pure function: a case, an event, the case's policy and today's date in,
//! a [`Decision`] out. No I/O and no clock: the pipeline makes it durable, and anyone can
//! replay it.
//!
//! [`decide`] first asks [`guard`] whether the event applies in the case's stage (every
//! stage rule in one table), then dispatches in one exhaustive match: every event is
//! decided in its file under `lifecycle/`, with that file's tests below it.

use chrono::NaiveDate;

use super::decision::{Decision, Rejection};
use super::event::{
    Activity, ActivityOutput, Event, JOB_FAILED_TASK, JobKind, NO_OFFICE, OFFICE_MISSING_TASK,
    Timer,
};
use super::lifecycle::{self, task_kind};
use super::policy::TrackPolicy;
use super::record::CaseRecord;
use super::stage::{CloseReason, Stage, Suspension};

/// The queue of tasks for case handlers.
pub const CASE_HANDLER_QUEUE: &str = "case_handler";

/// Decides what `event` does to `case` under `policy` on `today` (Europe/Amsterdam).
///
/// A job's event the tariffs cannot price (a bailiff's act in a year whose Btag figures
/// the office has not added) puts the case on hold with the job kept for resumption (kept
/// only, when the case is paused already): the engine drops a job whose event is refused,
/// which would leave the case with nothing open.
pub fn decide(
    case: &CaseRecord,
    event: &Event,
    policy: &TrackPolicy,
    today: NaiveDate,
) -> Result<Decision, Rejection> {
    guard(case, event)?;
    match decide_event(case, event, policy, today) {
        Err(Rejection::NoTariff(day)) => match job_of(event) {
            Some(job) if case.suspension == Suspension::None => {
                Ok(lifecycle::hold::no_tariff(case, job, day, today))
            }
            // Already paused (a plan agreed while the job ran): kept for the resumption.
            Some(job) => Ok(lifecycle::hold::defer_job(case, job)),
            None => Err(Rejection::NoTariff(day)),
        },
        decided => decided,
    }
}

/// The job whose event `event` is, for the system's own events.
fn job_of(event: &Event) -> Option<JobKind> {
    match event {
        Event::TimerFired(timer) => Some(JobKind::Timer(*timer)),
        Event::ActivitySucceeded { output, .. } => Some(JobKind::Activity(output.activity())),
        _ => None,
    }
}

fn decide_event(
    case: &CaseRecord,
    event: &Event,
    policy: &TrackPolicy,
    today: NaiveDate,
) -> Result<Decision, Rejection> {
    match event {
        Event::ClaimAccepted => Ok(lifecycle::intake::accepted(case, policy, today)),
        Event::TimerFired(timer) if deferred(case, *timer) => {
            Ok(lifecycle::hold::defer_job(case, JobKind::Timer(*timer)))
        }
        Event::TimerFired(timer) => match timer {
            Timer::StartTrack => Ok(lifecycle::intake::start_track(case, policy, today)),
            Timer::LetterTermEnded => Ok(lifecycle::letter::term_ended(case, today)),
            Timer::SummonsServed if policy.record_service => {
                lifecycle::summons::service_due(case, today)
            }
            Timer::SummonsServed => lifecycle::summons::served(case, policy, today),
            Timer::HearingHeld if policy.record_service => lifecycle::hearing::held(case, today),
            Timer::HearingHeld => Ok(lifecycle::summons::hearing(case, today)),
            Timer::JudgmentServed => Ok(lifecycle::execution::service_due(case, today)),
            Timer::OrderToPayEnded => Ok(lifecycle::execution::order_ended(case, today)),
            Timer::InstalmentCheck => lifecycle::plan::check(case, policy, today),
            Timer::GarnisheeStatementDue => Ok(lifecycle::garnishee::statement_due(case, today)),
        },
        Event::ActivitySucceeded { attempt, output } => match output {
            ActivityOutput::Probe => Ok(lifecycle::activity::probe_succeeded(case, *attempt)),
            ActivityOutput::Recoverability(answer) if case.stage == Stage::Execution => {
                lifecycle::execution::rechecked(case, policy, today, answer)
                    .map(|d| lifecycle::dbr::consulted(d, answer.attachment_register.as_deref()))
            }
            ActivityOutput::Recoverability(answer) => Ok(lifecycle::dbr::consulted(
                lifecycle::recoverability::answered(case, policy, today, answer),
                answer.attachment_register.as_deref(),
            )),
            ActivityOutput::Document(document) => Ok(lifecycle::document::rendered(case, document)),
            ActivityOutput::AttachmentRegistered(step) => {
                Ok(lifecycle::dbr::registered(case, step))
            }
        },
        Event::ActivityFailed {
            activity,
            attempts,
            error,
            payload,
        } => Ok(match activity {
            // The registers could not be asked: the review decides (proceed, stop, retry).
            Activity::RecoverabilityCheck if case.stage == Stage::Recoverability => {
                lifecycle::recoverability::unreachable(case, *attempts, error)
            }
            // No office to sign with: a person is told at once, whatever the attempt.
            Activity::RenderDocument if error == NO_OFFICE => {
                lifecycle::activity::office_missing(case, payload)
            }
            _ => lifecycle::activity::gave_up(case, *activity, *attempts, error, payload),
        }),
        Event::ProbeRequested { fail_first } => {
            Ok(lifecycle::activity::probe_requested(case, *fail_first))
        }
        Event::TaskCompleted {
            task_kind,
            outcome,
            details,
            note,
            values,
            actor,
        } => match (task_kind.as_str(), case.stage) {
            (task_kind::INTAKE_REVIEW, Stage::Intake) => Ok(lifecycle::intake::reviewed(
                case, policy, today, outcome, note,
            )),
            (task_kind::RECOVERABILITY_REVIEW, Stage::Recoverability) => Ok(
                lifecycle::recoverability::reviewed(case, policy, today, outcome, note),
            ),
            (task_kind::EXECUTION_REVIEW, Stage::Execution) => {
                lifecycle::execution::review_answered(case, policy, today, outcome, note)
            }
            (task_kind::SUMMONS_APPROVAL, Stage::Summons) => {
                lifecycle::summons::reviewed(case, policy, today, outcome, note)
            }
            (task_kind::SERVICE, Stage::Summons | Stage::Execution) => {
                lifecycle::service::recorded(case, policy, today, outcome, details, values)
            }
            (task_kind::SERVICE_FAILED, Stage::Summons | Stage::Execution) => {
                lifecycle::service::failed_resolved(
                    case, policy, today, outcome, details, values, note,
                )
            }
            (task_kind::ENROL, Stage::Summons) => {
                lifecycle::hearing::enrolled(case, today, outcome, details, values)
            }
            (task_kind::ENROLMENT_LAPSED, Stage::Summons) => {
                lifecycle::hearing::lapse_resolved(case, today, outcome, details, values, note)
            }
            (task_kind::HEARING, Stage::Summons) => {
                lifecycle::hearing::recorded(case, outcome, details, values, actor)
            }
            (task_kind::ATTACHMENT, Stage::Execution) => {
                lifecycle::execution::attachment_done(case, policy, today, details, outcome, values)
            }
            (task_kind::NO_APPEAL_STATEMENT, Stage::Execution) => {
                lifecycle::enforceability::answered(case, today, outcome, details, values, note)
            }
            (task_kind::GARNISHEE_STATEMENT, Stage::Execution) => {
                lifecycle::garnishee::statement_answered(
                    case, policy, today, details, outcome, note, values,
                )
            }
            (task_kind::EXECUTION_FOLLOW_UP, Stage::Execution) => {
                lifecycle::execution::follow_up_answered(case, policy, today, outcome, note)
            }
            // A job_failed task, or a review whose stage the case has left.
            _ => lifecycle::activity::task_completed(case, task_kind, outcome, details, note),
        },
        Event::Withdraw { note } => Ok(lifecycle::hold::withdraw(case, policy, today, note)),
        Event::CloseUncollectable { note } => {
            Ok(lifecycle::hold::give_up(case, policy, today, note))
        }
        Event::PaymentReceived {
            payment,
            recorded_at,
        } => lifecycle::payment::received(case, policy, today, payment, *recorded_at),
        Event::PaymentReversed {
            payment_id,
            reversed_on,
            reason,
        } => lifecycle::payment::reversed(case, policy, today, payment_id, *reversed_on, reason),
        Event::PutOnHold { reason, note } => {
            Ok(lifecycle::hold::put_on_hold(case, today, reason, note))
        }
        Event::Resume { note } => Ok(lifecycle::hold::resume(case, policy, today, note)),
        Event::PlanProposed { instalments } => {
            lifecycle::plan::proposed(case, policy, today, instalments)
        }
        Event::JudgmentRegistered(judgment) => {
            lifecycle::judgment::registered(case, policy, today, judgment)
        }
        Event::NoteAdded(note) => Ok(lifecycle::desk::note_added(case, note)),
        Event::TaskOpened(task) => Ok(lifecycle::desk::task_opened(case, task)),
        Event::DebtorUpdated(change) => Ok(lifecycle::desk::debtor_updated(case, change)),
    }
}

/// A timer that comes due while the track is paused is kept, and fires on resumption; a
/// payment plan's own check is not paused by the plan.
fn deferred(case: &CaseRecord, timer: Timer) -> bool {
    case.suspension != Suspension::None && timer != Timer::InstalmentCheck
}

/// Whether `event` applies to `case` as it stands: the stage and suspension each event
/// needs. A closed case takes nothing but its last documents and the bank taking a payment
/// back (recorded, and the final statement drawn up again; reopening is a person's call).
fn guard(case: &CaseRecord, event: &Event) -> Result<(), Rejection> {
    use Stage::{Execution, Intake, Judgment, Letter, Recoverability, Summons};
    if case.stage == Stage::Closed {
        return match event {
            Event::ActivitySucceeded {
                output: ActivityOutput::Document(_),
                ..
            }
            | Event::PaymentReversed { .. }
            // The file stays open to the desk: a call about a closed case, a new address,
            // and the desk's own tasks (a follow-up a storno opened) done.
            | Event::NoteAdded(_)
            | Event::TaskOpened(_)
            | Event::DebtorUpdated(_) => Ok(()),
            // Any task that runs no step of the track: the desk's own (a follow-up a
            // storno opened, a promise check) and those a person opened by hand, which
            // may be opened on a closed case and so must be closable on one.
            Event::TaskCompleted { task_kind, .. }
                if !lifecycle::task_kind::ALL.contains(&task_kind.as_str())
                    && task_kind != JOB_FAILED_TASK =>
            {
                Ok(())
            }
            // A closing document (the final statement, a release) that could not be made
            // becomes a task, and its retry renders it: never silently missing.
            Event::ActivityFailed {
                activity: Activity::RenderDocument,
                ..
            } => Ok(()),
            Event::TaskCompleted {
                task_kind, details, ..
            } if (task_kind == JOB_FAILED_TASK
                && details["job_kind"] == JobKind::Activity(Activity::RenderDocument).as_str())
                || task_kind == OFFICE_MISSING_TASK =>
            {
                Ok(())
            }
            _ => Err(Rejection::Closed(
                case.close_reason.map_or("no reason", CloseReason::as_str),
            )),
        };
    }
    let served = || {
        case.track
            .summons
            .as_ref()
            .is_some_and(|s| s.served_on.is_some())
    };
    // (whether it applies, and whether the suspension rather than the stage decides)
    let (applies, by_suspension) = match event {
        Event::ClaimAccepted => (case.stage == Intake, false),
        Event::TimerFired(timer) if deferred(case, *timer) => (true, false),
        Event::TimerFired(timer) => match timer {
            Timer::StartTrack => (case.stage == Intake, false),
            Timer::LetterTermEnded => (case.stage == Letter, false),
            Timer::SummonsServed | Timer::HearingHeld => (case.stage == Summons, false),
            Timer::JudgmentServed => (case.stage == Execution, false),
            Timer::OrderToPayEnded => (
                case.stage == Execution && case.track.execution.is_some(),
                false,
            ),
            Timer::InstalmentCheck => (case.suspension == Suspension::PaymentPlan, true),
            Timer::GarnisheeStatementDue => (case.stage == Execution, false),
        },
        Event::ActivitySucceeded {
            output: ActivityOutput::Recoverability(_),
            ..
        } => (
            case.stage == Recoverability
                || (case.stage == Execution && case.track.pending_act.is_some()),
            false,
        ),
        Event::JudgmentRegistered(_) => (
            case.stage == Judgment || (case.stage == Summons && served()),
            false,
        ),
        Event::PutOnHold { .. } | Event::PlanProposed { .. } => {
            (case.suspension == Suspension::None, true)
        }
        Event::Resume { .. } => (case.suspension == Suspension::OnHold, true),
        // At any stage of an open case.
        Event::ActivitySucceeded { .. }
        | Event::ActivityFailed { .. }
        | Event::ProbeRequested { .. }
        | Event::TaskCompleted { .. }
        | Event::NoteAdded(_)
        | Event::TaskOpened(_)
        | Event::DebtorUpdated(_)
        | Event::Withdraw { .. }
        | Event::CloseUncollectable { .. }
        | Event::PaymentReceived { .. }
        | Event::PaymentReversed { .. } => (true, false),
    };
    if applies {
        Ok(())
    } else {
        Err(Rejection::WrongStage {
            event: event.name(),
            stage: if by_suspension {
                case.suspension.as_str()
            } else {
                case.stage.as_str()
            },
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::{Days, TimeZone, Utc};
    use proptest::prelude::*;

    use serde_json::json;

    use super::*;
    use crate::case::decision::{Due, Effect};
    use crate::case::event::{JOB_FAILED_TASK, JobKind};
    use crate::case::{Address, Claim, ClientId, Debtor, DebtorKind, Invoice};
    use crate::law::money::Money;

    pub(crate) fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub(crate) fn case(kind: DebtorKind) -> CaseRecord {
        let at = Utc.with_ymd_and_hms(2026, 5, 4, 8, 0, 0).unwrap();
        CaseRecord {
            id: "c1".into(),
            payment_reference: crate::case::PaymentReference::from_payload(1),
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
                values: Default::default(),
                actor: String::new(),
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

    /// The final statement of a closed case that could not be rendered: a task, whose retry
    /// renders it again; other jobs stay refused on a closed case.
    #[test]
    fn a_closing_document_that_failed_is_a_task_on_the_closed_case() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Closed;
        c.close_reason = Some(CloseReason::Paid);
        let failed = |activity| Event::ActivityFailed {
            activity,
            attempts: 5,
            error: "boom".into(),
            payload: json!({ "kind": "final_statement", "on": "2026-05-04" }),
        };
        let tasked = decide(
            &c,
            &failed(Activity::RenderDocument),
            &policy,
            d("2026-05-04"),
        )
        .expect("a task, not a refusal");
        assert_eq!(tasked.stage, Stage::Closed);
        let [Effect::OpenTask(task)] = tasked.effects.as_slice() else {
            panic!("one task: {:?}", tasked.effects);
        };
        let retry = Event::TaskCompleted {
            task_kind: task.kind.clone(),
            outcome: "retry".into(),
            details: task.details.clone(),
            note: String::new(),
            values: Default::default(),
            actor: String::new(),
        };
        let retried = decide(&c, &retry, &policy, d("2026-05-05")).unwrap();
        assert!(matches!(
            retried.effects.as_slice(),
            [Effect::ScheduleJob {
                kind: JobKind::Activity(Activity::RenderDocument),
                ..
            }]
        ));
        assert!(decide(&c, &failed(Activity::Probe), &policy, d("2026-05-04")).is_err());
        // No office yet: its task is answered on the closed case too (PutOffice's retry).
        let office_missing = Event::TaskCompleted {
            task_kind: OFFICE_MISSING_TASK.into(),
            outcome: "retry".into(),
            details: json!({ "job_kind": "activity.render_document", "payload": {} }),
            note: String::new(),
            values: Default::default(),
            actor: String::new(),
        };
        assert!(decide(&c, &office_missing, &policy, d("2026-05-05")).is_ok());
    }

    fn any_event() -> impl Strategy<Value = Event> {
        prop_oneof![
            Just(Event::ClaimAccepted),
            Just(Event::TimerFired(Timer::StartTrack)),
            Just(Event::TimerFired(Timer::LetterTermEnded)),
            (0u32..4).prop_map(|fail_first| Event::ProbeRequested { fail_first }),
            (1u32..6).prop_map(|attempt| Event::ActivitySucceeded {
                attempt,
                output: ActivityOutput::Probe,
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
                values: Default::default(),
                actor: String::new(),
            }),
            Just(Event::Withdraw {
                note: String::new()
            }),
            Just(Event::CloseUncollectable {
                note: "emigrated".into()
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
                ) | (
                    _,
                    Event::Withdraw { .. } | Event::CloseUncollectable { .. },
                    Stage::Closed
                )
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
