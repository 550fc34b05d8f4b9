//! A judgment not declared *uitvoerbaar bij voorraad* (art. 233 Rv): it may be executed
//! against a third party — a bank or wage attachment — only eight days after its service,
//! and only with the registry's statement that no verzet or appeal was lodged (art. 432
//! Rv). `RegisterJudgment` records whether it was so declared (absent: yes, the kanton
//! practice for default judgments, so a track without the flag runs as before).
//!
//! When it was not, the judgment's service opens a `no_appeal_statement` task, due on the
//! last of the eight days (Atw-extended, `law::procedure::third_party_wait_ends`): the
//! office asks the registry for its statement, and a person records it:
//!
//! | outcome | values |
//! | --- | --- |
//! | `received` | `received_on` (not before the judgment's service, not after today) |
//! | `appealed` | none: verzet or appeal was lodged; on hold for a person |
//!
//! A bank or wage attachment due before the statement is in waits for it
//! (`JudgmentRecord::waiting_attachment`) and goes ahead — the insolvency register asked
//! first — once it is received; its task's first day is never before the ninth day after
//! the service. A goods attachment (against the debtor himself) is not barred by art.
//! 432 and goes ahead as before. Resuming a case held for an appeal opens the task again:
//! the statement is what lets execution against third parties go on.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use serde_json::{Value, json};

use super::{stay, task_kind, values};
use crate::case::FieldViolation;
use crate::case::decide::CASE_HANDLER_QUEUE;
use crate::case::decision::{Decision, Effect, NewTask, Rejection};
use crate::case::record::CaseRecord;
use crate::case::stage::Suspension;
use crate::case::track::{HoldRecord, JudgmentRecord, TrackState};
use crate::law::procedure::third_party_wait_ends;

/// The outcomes of a `no_appeal_statement` task.
pub const OUTCOMES: [&str; 2] = ["received", "appealed"];

/// The `no_appeal_statement` task for a judgment served on `served_on`, due on the last of
/// the eight days of art. 432 Rv (or `due_on`, when reopened later).
pub(super) fn statement_task(served_on: NaiveDate, due_on: NaiveDate) -> Effect {
    let wait_ends = third_party_wait_ends(served_on);
    Effect::OpenDueTask {
        task: NewTask {
            kind: task_kind::NO_APPEAL_STATEMENT.into(),
            queue: CASE_HANDLER_QUEUE.into(),
            title: format!(
                "Not provisionally enforceable: the registry's statement of no verzet or appeal \
                 (art. 432 Rv); bank and wage attachments from {}",
                wait_ends + Days::new(1)
            ),
            details: json!({
                "served_on": served_on.to_string(),
                "wait_ends": wait_ends.to_string(),
            }),
            outcomes: OUTCOMES.iter().map(|o| (*o).to_owned()).collect(),
        },
        due_on: due_on.max(wait_ends),
        assignee: String::new(),
    }
}

/// The task the service on `served_on` of `judgment` opens: none when it is provisionally
/// enforceable.
pub(super) fn on_service(judgment: Option<&JudgmentRecord>, served_on: NaiveDate) -> Vec<Effect> {
    match judgment {
        Some(j) if !j.provisional() => vec![statement_task(served_on, served_on)],
        _ => Vec::new(),
    }
}

/// Whether an attachment of `kind` must wait for the registry's statement: under a third
/// party (not `goods`), of a judgment not provisionally enforceable, the statement not in.
pub(super) fn barred(track: &TrackState, kind: &str) -> bool {
    kind != "goods"
        && track
            .judgment
            .as_ref()
            .is_some_and(|j| !j.provisional() && j.no_appeal_statement_on.is_none())
}

/// The first day an attachment of `kind` may be laid, from `today`: for a third party under
/// a judgment not provisionally enforceable, not before the ninth day after its service.
pub(super) fn first_day(track: &TrackState, kind: &str, today: NaiveDate) -> NaiveDate {
    let served = track.judgment.as_ref().and_then(|j| {
        (!j.provisional() && kind != "goods")
            .then_some(j.served_on)
            .flatten()
    });
    served.map_or(today, |s| {
        today.max(third_party_wait_ends(s) + Days::new(1))
    })
}

/// Reads the values of a `no_appeal_statement` outcome: the day received, or `None` for
/// `appealed`; every bad value named.
pub fn read(
    outcome: &str,
    details: &Value,
    values: &BTreeMap<String, String>,
) -> Result<Option<NaiveDate>, Vec<FieldViolation>> {
    let allowed: &[&str] = match outcome {
        "received" => &["received_on"],
        "appealed" => &[],
        _ => {
            return Err(vec![FieldViolation::new(
                "outcome",
                format!(
                    "not an outcome of this task: one of {}",
                    OUTCOMES.join(", ")
                ),
            )]);
        }
    };
    let mut bad = values::unknown(values, allowed, outcome, task_kind::NO_APPEAL_STATEMENT);
    if outcome == "appealed" {
        return if bad.is_empty() { Ok(None) } else { Err(bad) };
    }
    let served = details["served_on"]
        .as_str()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    // The statement speaks of the registers after the eight days (art. 432 Rv): one
    // received before they ended cannot cover a verzet or appeal lodged on their last day.
    let on = values::day(
        values,
        "received_on",
        served.map(|s| {
            (
                third_party_wait_ends(s) + Days::new(1),
                "the eight days after the judgment's service ended (art. 432 Rv)",
            )
        }),
        &mut bad,
    );
    if bad.is_empty() { Ok(on) } else { Err(bad) }
}

/// The `no_appeal_statement` task answered: received — a waiting attachment goes ahead,
/// the insolvency register asked first — or appealed: on hold for a person.
pub(crate) fn answered(
    case: &CaseRecord,
    today: NaiveDate,
    outcome: &str,
    details: &Value,
    values: &BTreeMap<String, String>,
    note: &str,
) -> Result<Decision, Rejection> {
    let received = read(outcome, details, values).map_err(|v| values::refused(&v))?;
    let mut track = case.track.clone();
    let judgment = track.judgment.as_mut().ok_or(Rejection::NotServed)?;
    let Some(on) = received else {
        track.hold = Some(HoldRecord {
            reason: "appealed".into(),
            note: note.to_owned(),
            since: Some(today),
        });
        let mut d = stay(
            case,
            track,
            "judgment_appealed",
            format!(
                "verzet or appeal was lodged against the judgment, which is not provisionally \
                 enforceable: no execution against third parties (art. 432 Rv); on hold: {note}"
            ),
            Vec::new(),
        );
        d.suspension = Suspension::OnHold;
        return Ok(d);
    };
    values::not_after_today("received_on", on, today)?;
    judgment.no_appeal_statement_on = Some(on);
    let waiting = judgment.waiting_attachment.take();
    let reason = format!(
        "the registry's statement that no verzet or appeal was lodged, received on {on} (art. \
         432 Rv)"
    );
    let mut d = match waiting {
        Some(act) => super::execution::recheck(
            &super::with_track(case, &track),
            act,
            "no_appeal_statement_received",
            format!("{reason}: the attachment goes ahead, the insolvency register first"),
        ),
        None => stay(
            case,
            track,
            "no_appeal_statement_received",
            reason,
            Vec::new(),
        ),
    };
    d.audit.data["received_on"] = json!(on.to_string());
    Ok(d)
}

/// Resuming a case held for an appeal: the statement asked again, due today.
pub(super) fn on_resume(track: &TrackState, held_for: &str, today: NaiveDate) -> Vec<Effect> {
    match track.judgment.as_ref().and_then(|j| j.served_on) {
        Some(served_on) if held_for == "appealed" => vec![statement_task(served_on, today)],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::TrackPolicy;
    use crate::case::claim::DebtorKind;
    use crate::case::decide::tests::{case, d};
    use crate::case::decision::Due;
    use crate::case::event::{Activity, JobKind};
    use crate::case::lifecycle::execution;
    use crate::case::lifecycle::service::tests::values;
    use crate::case::stage::Stage;

    fn judged(provisional: Option<bool>) -> CaseRecord {
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Execution;
        c.track.judgment = Some(JudgmentRecord {
            judgment_date: Some(d("2026-06-17")),
            kind: "contested".into(),
            outcome: "awarded".into(),
            provisionally_enforceable: provisional,
            ..JudgmentRecord::default()
        });
        c
    }

    /// Served Thu 18 June 2026: the eight days of art. 432 Rv run 19 – 26 June and end on
    /// Fri 26 June (a working day: no Atw extension); bank and wage attachments from Sat 27
    /// June. The order to pay ends Mon 22 June (18 + 2 = Sat 20 June → Mon 22 June), so on
    /// Tue 23 June the bank attachment waits for the registry's statement; a goods
    /// attachment would not.
    #[test]
    fn a_judgment_not_provisionally_enforceable_makes_the_bank_attachment_wait() {
        let mut c = judged(Some(false));
        let served = execution::served(&c, &TrackPolicy::default(), d("2026-06-18")).unwrap();
        let task = served
            .effects
            .iter()
            .find_map(|e| match e {
                Effect::OpenDueTask { task, due_on, .. }
                    if task.kind == task_kind::NO_APPEAL_STATEMENT =>
                {
                    Some((task.clone(), *due_on))
                }
                _ => None,
            })
            .expect("the statement's task");
        assert_eq!(task.1, d("2026-06-26"));
        assert_eq!(task.0.details["served_on"], "2026-06-18");
        c.track = served.track;
        let ended = execution::order_ended(&c, d("2026-06-23"));
        assert!(ended.effects.is_empty(), "{:?}", ended.effects);
        assert!(ended.track.pending_act.is_none());
        assert_eq!(
            ended
                .track
                .judgment
                .as_ref()
                .and_then(|j| j.waiting_attachment.as_ref())
                .map(|a| a.attachment.as_str()),
            Some("bank")
        );
        assert!(barred(&c.track, "wages") && !barred(&c.track, "goods"));
        c.track = ended.track;
        // Bad values, each named; received before the service.
        let bad = read(
            "received",
            &task.0.details,
            &values(&[("received_on", "2026-06-17"), ("by", "griffie")]),
        )
        .unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["values[\"by\"]", "values[\"received_on\"]"]);
        assert!(read("granted", &task.0.details, &values(&[])).is_err());
        // A statement dated Wed 24 June, inside the eight days (they end Fri 26 June), cannot
        // speak of an appeal lodged on their last day: refused, named.
        let early = read(
            "received",
            &task.0.details,
            &values(&[("received_on", "2026-06-24")]),
        )
        .unwrap_err();
        assert_eq!(early[0].field, "values[\"received_on\"]");
        // Received Mon 29 June: the register first, then the bank attachment, from that day
        // (the ninth day after the service, Sat 27 June, has passed).
        let received = answered(
            &c,
            d("2026-06-29"),
            "received",
            &task.0.details,
            &values(&[("received_on", "2026-06-29")]),
            "",
        )
        .unwrap();
        assert!(matches!(
            received.effects.as_slice(),
            [Effect::ScheduleJob {
                kind: JobKind::Activity(Activity::RecoverabilityCheck),
                due: Due::Now,
                ..
            }]
        ));
        let j = received.track.judgment.clone().unwrap();
        assert_eq!(j.no_appeal_statement_on, Some(d("2026-06-29")));
        assert!(j.waiting_attachment.is_none());
        c.track = received.track;
        assert!(!barred(&c.track, "bank"));
        assert_eq!(
            first_day(&c.track, "bank", d("2026-06-24")),
            d("2026-06-27")
        );
        assert_eq!(
            first_day(&c.track, "bank", d("2026-06-29")),
            d("2026-06-29")
        );
        assert_eq!(
            first_day(&c.track, "goods", d("2026-06-24")),
            d("2026-06-24")
        );
    }

    /// Absent (or declared) provisionally enforceable: no task, no wait; the order to pay
    /// ends Mon 22 June and the register is asked for the bank attachment on Tue 23 June.
    #[test]
    fn a_provisionally_enforceable_judgment_goes_ahead() {
        for flag in [None, Some(true)] {
            let mut c = judged(flag);
            let served = execution::served(&c, &TrackPolicy::default(), d("2026-06-18")).unwrap();
            assert!(
                served
                    .effects
                    .iter()
                    .all(|e| !matches!(e, Effect::OpenDueTask { .. })),
                "{:?}",
                served.effects
            );
            c.track = served.track;
            let ended = execution::order_ended(&c, d("2026-06-23"));
            assert!(ended.track.pending_act.is_some());
            assert_eq!(
                first_day(&c.track, "bank", d("2026-06-23")),
                d("2026-06-23")
            );
        }
    }

    /// Served Fri 24 April 2026: the eight days end on Sat 2 May, extended by the Atw to
    /// Mon 4 May (a working day; Bevrijdingsdag, an Atw holiday, is the day after).
    /// Appealed: on hold; resumed on Tue 12 May, the statement is asked again, due that day
    /// (the wait's end has passed).
    #[test]
    fn an_appeal_holds_the_case_and_resuming_asks_again() {
        assert_eq!(third_party_wait_ends(d("2026-04-24")), d("2026-05-04"));
        let mut c = judged(Some(false));
        c.track = execution::served(&c, &TrackPolicy::default(), d("2026-04-24"))
            .unwrap()
            .track;
        let details = json!({ "served_on": "2026-04-24" });
        let held = answered(
            &c,
            d("2026-04-30"),
            "appealed",
            &details,
            &values(&[]),
            "hoger beroep ingesteld",
        )
        .unwrap();
        assert_eq!(held.suspension, Suspension::OnHold);
        assert_eq!(held.track.hold.as_ref().unwrap().reason, "appealed");
        let reopened = on_resume(&held.track, "appealed", d("2026-05-12"));
        assert!(matches!(
            reopened.as_slice(),
            [Effect::OpenDueTask { due_on, .. }] if *due_on == d("2026-05-12")
        ));
        assert!(on_resume(&held.track, "dispute", d("2026-05-12")).is_empty());
    }
}
