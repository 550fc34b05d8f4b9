//! The engine's own events on a case: the self-check (probe) asked for and run, an
//! activity that gave up after its last attempt (a `job_failed` task for a person), and a
//! task completed that no step of the track is waiting for (a `job_failed` task's `retry`
//! schedules the job again).

use serde_json::{Value, json};

use super::stay;
use crate::case::decide::CASE_HANDLER_QUEUE;
use crate::case::decision::{Decision, Due, Effect, NewTask, Rejection};
use crate::case::event::{Activity, JOB_FAILED_TASK, JobKind, OFFICE_MISSING_TASK};
use crate::case::record::CaseRecord;

/// A name for people.
pub(crate) fn name(activity: Activity) -> &'static str {
    match activity {
        Activity::Probe => "probe",
        Activity::RecoverabilityCheck => "recoverability check",
        Activity::RenderDocument => "render document",
        Activity::AttachmentRegistration => "attachment registration",
    }
}

/// Someone asked for the self-check: it runs at once.
pub(crate) fn probe_requested(case: &CaseRecord, fail_first: u32) -> Decision {
    stay(
        case,
        case.track.clone(),
        "probe_requested",
        format!("engine self-check, failing its first {fail_first} attempt(s)"),
        vec![Effect::ScheduleJob {
            kind: JobKind::Activity(Activity::Probe),
            due: Due::Now,
            payload: json!({ "fail_first": fail_first }),
        }],
    )
}

/// The self-check succeeded: only the dossier hears of it.
pub(crate) fn probe_succeeded(case: &CaseRecord, attempt: u32) -> Decision {
    let activity = name(Activity::Probe);
    let mut d = stay(
        case,
        case.track.clone(),
        "activity_succeeded",
        format!("{activity} succeeded on attempt {attempt}"),
        Vec::new(),
    );
    d.audit.data = json!({ "activity": activity, "attempt": attempt });
    d
}

/// An activity failed on its last attempt: a person takes over with a `job_failed` task
/// whose `retry` schedules it again.
pub(crate) fn gave_up(
    case: &CaseRecord,
    activity: Activity,
    attempts: u32,
    error: &str,
    payload: &Value,
) -> Decision {
    let name = name(activity);
    let details = json!({
        "job_kind": JobKind::Activity(activity).as_str(),
        "payload": payload,
        "attempts": attempts,
        "last_error": error,
    });
    let mut d = stay(
        case,
        case.track.clone(),
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
    d
}

/// A render found no office configured: nothing may go out with a made-up letterhead, so
/// the case waits where it is and a person is told at once (retrying changes nothing until
/// someone calls PutOffice, which retries every such task itself).
pub(crate) fn office_missing(case: &CaseRecord, payload: &Value) -> Decision {
    let details = json!({
        "job_kind": JobKind::Activity(Activity::RenderDocument).as_str(),
        "payload": payload,
        "last_error": crate::case::event::NO_OFFICE,
    });
    let mut d = stay(
        case,
        case.track.clone(),
        "office_missing",
        "no office is configured: no document rendered".into(),
        vec![Effect::OpenTask(NewTask {
            kind: OFFICE_MISSING_TASK.into(),
            queue: CASE_HANDLER_QUEUE.into(),
            title: format!(
                "No office configured: the {} was not rendered (PutOffice, then retry)",
                payload["kind"].as_str().unwrap_or("document")
            ),
            details: details.clone(),
            outcomes: vec!["retry".into(), "dismiss".into()],
        })],
    );
    d.audit.data = details;
    d
}

/// A task no step of the track waits for was completed (a `job_failed` task, or a review
/// whose stage the case has left): recorded; a `job_failed` or `office_missing` task's
/// `retry` schedules its job again.
pub(crate) fn task_completed(
    case: &CaseRecord,
    task_kind: &str,
    outcome: &str,
    details: &Value,
    note: &str,
) -> Result<Decision, Rejection> {
    let mut effects = Vec::new();
    if (task_kind == JOB_FAILED_TASK || task_kind == OFFICE_MISSING_TASK) && outcome == "retry" {
        let kind = details["job_kind"]
            .as_str()
            .and_then(JobKind::parse)
            .ok_or(Rejection::UnknownJob)?;
        effects.push(Effect::ScheduleJob {
            kind,
            due: Due::Now,
            payload: details["payload"].clone(),
        });
    }
    let mut d = stay(
        case,
        case.track.clone(),
        "task_completed",
        format!("{task_kind}: {outcome}"),
        effects,
    );
    d.audit.data = json!({ "task_kind": task_kind, "outcome": outcome, "note": note });
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::claim::DebtorKind;
    use crate::case::decide::tests::case;

    #[test]
    fn a_probe_runs_at_once_and_its_success_is_only_recorded() {
        let c = case(DebtorKind::Consumer);
        let asked = probe_requested(&c, 2);
        assert_eq!(
            asked.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Activity(Activity::Probe),
                due: Due::Now,
                payload: json!({ "fail_first": 2 }),
            }]
        );
        let done = probe_succeeded(&c, 3);
        assert_eq!((done.stage, done.effects.len()), (c.stage, 0));
        assert_eq!(
            done.audit.data,
            json!({ "activity": "probe", "attempt": 3 })
        );
    }

    #[test]
    fn a_job_that_gave_up_is_a_task_whose_retry_schedules_it_again() {
        let c = case(DebtorKind::Consumer);
        let failed = gave_up(&c, Activity::Probe, 5, "boom", &json!({ "fail_first": 9 }));
        let [Effect::OpenTask(task)] = failed.effects.as_slice() else {
            panic!("one task: {:?}", failed.effects);
        };
        assert_eq!(task.kind, JOB_FAILED_TASK);
        assert_eq!(task.details["last_error"], "boom");
        let retried = task_completed(&c, &task.kind, "retry", &task.details, "").unwrap();
        assert_eq!(
            retried.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Activity(Activity::Probe),
                due: Due::Now,
                payload: json!({ "fail_first": 9 }),
            }]
        );
        let dismissed = task_completed(&c, &task.kind, "dismiss", &task.details, "").unwrap();
        assert!(dismissed.effects.is_empty());
        // A task naming a job kind this version does not know cannot be retried.
        let unknown = json!({ "job_kind": "activity.nope", "payload": {} });
        assert_eq!(
            task_completed(&c, JOB_FAILED_TASK, "retry", &unknown, ""),
            Err(Rejection::UnknownJob)
        );
    }

    #[test]
    fn a_render_without_an_office_opens_the_office_task_at_once_and_its_retry_renders() {
        let c = case(DebtorKind::Consumer);
        let payload = json!({ "kind": "fourteen_day_letter", "on": "2026-05-04" });
        let failed = office_missing(&c, &payload);
        assert_eq!(failed.stage, c.stage, "the case waits where it is");
        let [Effect::OpenTask(task)] = failed.effects.as_slice() else {
            panic!("one task: {:?}", failed.effects);
        };
        assert_eq!(task.kind, OFFICE_MISSING_TASK);
        assert!(task.title.contains("fourteen_day_letter"), "{}", task.title);
        let retried = task_completed(&c, &task.kind, "retry", &task.details, "").unwrap();
        assert_eq!(
            retried.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Activity(Activity::RenderDocument),
                due: Due::Now,
                payload,
            }]
        );
        let dismissed = task_completed(&c, &task.kind, "dismiss", &task.details, "").unwrap();
        assert!(dismissed.effects.is_empty());
    }
}
