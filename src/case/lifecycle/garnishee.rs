//! The garnishee's statement (derdenverklaring, art. 476a Rv): what the bank or employer
//! under whom an attachment was laid declares once four weeks have passed (lid 1: the duty
//! begins then) — what it holds or will pay over for the debtor, and the attachments ahead
//! of ours — or that it holds nothing.
//!
//! Why a task and not a `RecordGarnisheeStatement` RPC: the statement answers an
//! attachment the track itself laid, on a day the law fixes, so the track opens a
//! `garnishee_statement` task the moment the attachment is laid, due on the statement's last
//! day; a case handler completes it with `TaskService.CompleteTask` and typed `values`
//! whenever the statement comes in (on time: any day before it is due), read by one pure
//! reader ([`read_statement`]) before the pipeline runs, as a service or an attachment is.
//! The task is in the handler's list from the first day, shows `overdue` once the four weeks
//! have passed, and the four weeks' timer records the lateness in the audit instead of
//! opening a second task. (Attachments laid before this task existed get the late task of
//! old, `received` / `not_received`, without values.)
//!
//! | outcome | values |
//! | --- | --- |
//! | `received` | `received_on`; a bank: `held` (euros held under the attachment); an employer: `monthly` (euros a month it will pay over); `ahead`, `remarks` optional — holding € 0,00 is `nothing` |
//! | `nothing` | `received_on`; `ahead`, `remarks` optional — the garnishee holds and owes nothing: the next attachment follows, as an attachment answered `nothing` does |
//! | `not_received` | none: the office stops waiting; a `follow_up` task asks the case handler to summon the garnishee to declare (art. 477a Rv) or go on |

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::json;

use super::{stay, task_kind, values};
use crate::case::FieldViolation;
use crate::case::decide::CASE_HANDLER_QUEUE;
use crate::case::decision::{Decision, Effect, NewTask, Rejection};
use crate::case::policy::TrackPolicy;
use crate::case::record::CaseRecord;
use crate::case::track::{AttachmentRecord, GarnisheeStatement};

/// Days after a garnishee's statement with money in it that a person checks it came in.
const FOLLOW_UP_DAYS: u64 = 30;
use crate::law::money::Money;

/// The longest `ahead` or `remarks` a statement keeps, in characters.
const TEXT_LIMIT: usize = 2000;

/// The `garnishee_statement` task opened when the attachment `index` (0-based) is laid,
/// due on the statement's last day.
pub(crate) fn statement_task(index: usize, a: &AttachmentRecord) -> Option<Effect> {
    let due_on = a.statement_due_on?;
    Some(Effect::OpenDueTask {
        task: NewTask {
            kind: task_kind::GARNISHEE_STATEMENT.into(),
            queue: CASE_HANDLER_QUEUE.into(),
            title: format!(
                "Garnishee's statement: {}",
                a.garnishee.first().cloned().unwrap_or_default()
            ),
            details: json!({
                "attachment_index": index,
                "attachment": a.kind,
                "garnishee": a.garnishee,
                "laid_on": a.made_on,
                "due_on": due_on,
            }),
            outcomes: vec!["received".into(), "nothing".into(), "not_received".into()],
        },
        due_on,
        assignee: String::new(),
    })
}

/// Reads a statement task's values; every bad one named. `None` for `not_received`.
pub fn read_statement(
    outcome: &str,
    details: &serde_json::Value,
    values: &BTreeMap<String, String>,
) -> Result<Option<GarnisheeStatement>, Vec<FieldViolation>> {
    let field = values::field;
    let kind = details["attachment"].as_str().unwrap_or("bank");
    let amount_key = if kind == "wages" { "monthly" } else { "held" };
    let allowed: Vec<&str> = match outcome {
        "received" => vec!["received_on", amount_key, "ahead", "remarks"],
        "nothing" => vec!["received_on", "ahead", "remarks"],
        "not_received" => Vec::new(),
        _ => {
            return Err(vec![FieldViolation::new(
                "outcome",
                "not an outcome of this task: one of received, nothing, not_received",
            )]);
        }
    };
    let mut bad = values::unknown(values, &allowed, outcome, kind);
    if outcome == "not_received" {
        return if bad.is_empty() { Ok(None) } else { Err(bad) };
    }
    let laid_on = details["laid_on"]
        .as_str()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    let received_on = values::day(
        values,
        "received_on",
        laid_on.map(|l| (l, "the attachment was laid")),
        &mut bad,
    );
    let mut statement = GarnisheeStatement {
        received_on,
        result: if outcome == "received" {
            "holds"
        } else {
            "nothing"
        }
        .into(),
        ..GarnisheeStatement::default()
    };
    for key in ["ahead", "remarks"] {
        let text = values.get(key).map(|v| v.trim()).unwrap_or_default();
        if text.chars().count() > TEXT_LIMIT {
            bad.push(FieldViolation::new(
                field(key),
                format!("at most {TEXT_LIMIT} characters"),
            ));
        }
        if key == "ahead" {
            text.clone_into(&mut statement.ahead);
        } else {
            text.clone_into(&mut statement.remarks);
        }
    }
    if outcome == "received" {
        let cents = values::money(values, amount_key, true, &mut bad)
            .and_then(|m| m.to_cents().ok())
            .unwrap_or_default();
        if kind == "wages" {
            statement.monthly_cents = cents;
        } else {
            statement.held_cents = cents;
        }
    }
    if bad.is_empty() {
        Ok(Some(statement))
    } else {
        Err(bad)
    }
}

/// The four weeks of a garnishee's statement ran out: for each attachment whose statement
/// is not in, the lateness in the audit; a task for those laid before the statement had a
/// task of its own (art. 476a Rv; the creditor may then summon the garnishee, art. 477a Rv).
pub(crate) fn statement_due(case: &CaseRecord, today: NaiveDate) -> Decision {
    let late: Vec<(usize, &AttachmentRecord)> = case
        .track
        .execution
        .iter()
        .flat_map(|e| e.attachments.iter().enumerate())
        .filter(|(_, a)| {
            a.result == "attached"
                && !a.statement_received
                && a.statement_due_on.is_some_and(|due| due < today)
        })
        .collect();
    let effects = late
        .iter()
        .filter(|(_, a)| !a.statement_task)
        .map(|(index, a)| {
            Effect::OpenTask(NewTask {
                kind: task_kind::GARNISHEE_STATEMENT.into(),
                queue: CASE_HANDLER_QUEUE.into(),
                title: format!(
                    "Garnishee's statement late: {}",
                    a.garnishee.first().cloned().unwrap_or_default()
                ),
                details: json!({
                    "attachment_index": index,
                    "garnishee": a.garnishee,
                    "due_on": a.statement_due_on,
                }),
                outcomes: vec!["received".into(), "not_received".into()],
            })
        })
        .collect::<Vec<_>>();
    let reason = if late.is_empty() {
        "the garnishee's statement is in".to_owned()
    } else {
        format!(
            "{} garnishee's statement(s) not in within four weeks (art. 476a Rv); its task is \
             overdue",
            late.len()
        )
    };
    let mut d = stay(
        case,
        case.track.clone(),
        "garnishee_statement_due",
        reason,
        effects,
    );
    d.audit.data = json!({
        "late": late.iter().map(|(i, a)| json!({
            "attachment": i + 1,
            "garnishee": a.garnishee.first(),
            "due_on": a.statement_due_on,
        })).collect::<Vec<_>>(),
    });
    d
}

/// A person recorded the garnishee's statement (or gave up waiting for it).
pub(crate) fn statement_answered(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    details: &serde_json::Value,
    outcome: &str,
    note: &str,
    values: &BTreeMap<String, String>,
) -> Result<Decision, Rejection> {
    let mut track = case.track.clone();
    let index = details["attachment_index"]
        .as_u64()
        .and_then(|i| usize::try_from(i).ok());
    let statement = if details.get("laid_on").is_some() {
        read_statement(outcome, details, values).map_err(|v| values::refused(&v))?
    } else {
        // The late task of an attachment laid before statements had values.
        None
    };
    if let Some(day) = statement.as_ref().and_then(|s| s.received_on) {
        values::not_after_today("received_on", day, today)?;
    }
    let Some(attachment) = track
        .execution
        .as_mut()
        .and_then(|e| index.and_then(|i| e.attachments.get_mut(i)))
    else {
        return Err(Rejection::NotServed);
    };
    if outcome != "not_received" {
        attachment.statement_received = true;
    }
    attachment.statement.clone_from(&statement);
    let garnishee = attachment.garnishee.first().cloned().unwrap_or_default();
    let kind = attachment.kind.clone();
    let data = json!({
        "attachment": index.map(|i| i + 1),
        "garnishee": garnishee,
        "statement": statement,
    });
    // A statement that holds nothing (no balance, no wages) is the garnishee's "nothing".
    let holds_nothing = outcome == "received"
        && statement
            .as_ref()
            .is_some_and(|s| s.held_cents == 0 && s.monthly_cents == 0);
    let mut d = if outcome == "nothing" || holds_nothing {
        // Nothing to be had under this garnishee: on to the next attachment, as an
        // attachment that yielded nothing.
        super::execution::next_attachment(
            case,
            track,
            policy,
            today,
            &kind,
            format!("the garnishee {garnishee} declared that it holds nothing for the debtor"),
        )
    } else {
        let said = statement.as_ref().map_or(String::new(), |s| {
            let amount = if s.monthly_cents > 0 {
                format!("{} a month", Money::from_cents(s.monthly_cents).format_nl())
            } else {
                Money::from_cents(s.held_cents).format_nl()
            };
            format!(" ({amount})")
        });
        // No statement in four weeks: the attachment stands, and whether to summon the
        // garnishee to declare (art. 477a Rv) or go on is the case handler's call — a
        // task, so the case does not sit in execution with nothing open.
        let details = json!({ "attachment_index": index, "garnishee": garnishee });
        let effects = if outcome == "not_received" {
            vec![Effect::OpenTask(super::execution::follow_up_task(
                format!(
                    "Garnishee {garnishee} did not declare: summon it to declare (art. 477a \
                     Rv), or go on with the next attachment"
                ),
                details,
            ))]
        } else {
            // Money or wages declared: whether they come in is a person's to watch, a
            // month from now, and the next attachment theirs to start if they do not.
            let check_on = today + chrono::Days::new(FOLLOW_UP_DAYS);
            vec![Effect::OpenDueTask {
                task: super::execution::follow_up_task(
                    format!(
                        "Garnishee {garnishee} declared{said}: check that it pays; if it does \
                         not, or it is not enough, go on with the next attachment"
                    ),
                    details,
                ),
                due_on: check_on,
                assignee: String::new(),
            }]
        };
        stay(
            case,
            track,
            "garnishee_statement_recorded",
            format!("garnishee's statement {outcome}{said}: {note}")
                .trim_end_matches([':', ' '])
                .to_owned(),
            effects,
        )
    };
    if let serde_json::Value::Object(map) = &mut d.audit.data {
        map.insert("garnishee_statement".into(), data);
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_statement_is_read_with_every_bad_value_named() {
        let bank = json!({ "attachment": "bank", "laid_on": "2026-06-23" });
        let read = read_statement(
            "received",
            &bank,
            &values(&[
                ("received_on", "2026-07-01"),
                ("held", "812.40"),
                ("ahead", "beslag Belastingdienst van 1 juni 2026"),
            ]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (read.result.as_str(), read.held_cents, read.monthly_cents),
            ("holds", 81_240, 0)
        );
        let wages = json!({ "attachment": "wages", "laid_on": "2026-06-23" });
        let bad = read_statement(
            "received",
            &wages,
            &values(&[
                ("received_on", "2026-06-01"),
                ("monthly", "-1.00"),
                ("held", "5.00"),
            ]),
        )
        .unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "values[\"held\"]",
                "values[\"received_on\"]",
                "values[\"monthly\"]"
            ]
        );
        let nothing = read_statement("nothing", &bank, &values(&[("received_on", "2026-06-30")]))
            .unwrap()
            .unwrap();
        assert_eq!(nothing.result, "nothing");
        assert_eq!(
            read_statement("not_received", &bank, &values(&[])).unwrap(),
            None
        );
        assert_eq!(
            read_statement("maybe", &bank, &values(&[])).unwrap_err()[0].field,
            "outcome"
        );
    }

    /// A bank's statement of Wed 1 July 2026 that holds € 0,00 is its "nothing": the track
    /// goes on as it does for `nothing`. A statement not in after the four weeks opens a
    /// task for the case handler (art. 477a Rv), so the case does not sit with nothing open.
    #[test]
    fn a_statement_holding_nothing_goes_on_and_one_not_in_opens_a_task() {
        use crate::case::Stage;
        use crate::case::claim::DebtorKind;
        use crate::case::decide::tests::{case, d};
        use crate::case::track::ExecutionRecord;
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Execution;
        c.track.execution = Some(ExecutionRecord {
            served_on: Some(d("2026-06-18")),
            attachments: vec![AttachmentRecord {
                kind: "bank".into(),
                made_on: Some(d("2026-06-23")),
                result: "attached".into(),
                garnishee: vec!["ING Bank N.V.".into()],
                statement_due_on: Some(d("2026-07-21")),
                statement_task: true,
                ..AttachmentRecord::default()
            }],
            ..ExecutionRecord::default()
        });
        let details =
            json!({ "attachment_index": 0, "attachment": "bank", "laid_on": "2026-06-23" });
        let answer = |outcome: &str, pairs: &[(&str, &str)], on: &str| {
            statement_answered(&c, &policy, d(on), &details, outcome, "", &values(pairs)).unwrap()
        };
        let held_nothing = answer(
            "received",
            &[("received_on", "2026-07-01"), ("held", "0.00")],
            "2026-07-01",
        );
        let nothing = answer("nothing", &[("received_on", "2026-07-01")], "2026-07-01");
        assert_ne!(held_nothing.audit.kind, "garnishee_statement_recorded");
        assert_eq!(
            (held_nothing.audit.kind, &held_nothing.effects),
            (nothing.audit.kind, &nothing.effects)
        );
        let held = answer(
            "received",
            &[("received_on", "2026-07-01"), ("held", "300.00")],
            "2026-07-01",
        );
        assert_eq!(held.audit.kind, "garnishee_statement_recorded");
        // Money declared: a person checks in a month that it came in, never nothing open.
        assert!(
            matches!(
                held.effects.as_slice(),
                [Effect::OpenDueTask { task, due_on, .. }]
                    if task.kind == task_kind::EXECUTION_FOLLOW_UP
                        && *due_on == d("2026-07-31")
                        && task.outcomes == ["next_attachment", "done"]
            ),
            "{:?}",
            held.effects
        );
        let not_in = answer("not_received", &[], "2026-07-22");
        assert!(
            matches!(
                not_in.effects.as_slice(),
                [Effect::OpenTask(t)]
                    if t.kind == task_kind::EXECUTION_FOLLOW_UP && t.title.contains("477a")
            ),
            "{:?}",
            not_in.effects
        );
        // The person goes on: the next attachment (wages), once the register is asked.
        let mut after = c.clone();
        after.track = held.track.clone();
        let next = super::super::execution::follow_up_answered(
            &after,
            &policy,
            d("2026-07-31"),
            "next_attachment",
            "the bank paid nothing",
        )
        .unwrap();
        assert_eq!(
            next.track
                .pending_act
                .as_ref()
                .map(|a| a.attachment.as_str()),
            Some("wages")
        );
        let done = super::super::execution::follow_up_answered(
            &after,
            &policy,
            d("2026-07-31"),
            "done",
            "",
        )
        .unwrap();
        assert!(done.track.pending_act.is_none() && done.effects.is_empty());
    }
}
