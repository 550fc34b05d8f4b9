//! The desk's events: a note on the file, a task opened by hand, the debtor's new
//! details. None moves the track; each is an audit event with its effects.

use serde_json::json;

use super::stay;
use crate::case::decision::{Decision, Effect, NewTask};
use crate::case::event::{DebtorChange, NoteRecord, OpenedTask};
use crate::case::record::CaseRecord;
use crate::case::track::DefenceRecord;
use crate::clock::amsterdam_local;

/// The tasks a note opens: `follow_up` on its follow-up day, `promise_check` on the day
/// a debtor promised to pay.
pub mod kind {
    /// Follow a note up (call back, look again).
    pub const FOLLOW_UP: &str = "follow_up";
    /// Did the promised payment come in?
    pub const PROMISE_CHECK: &str = "promise_check";
    /// Pay back what a debtor paid beyond everything owed (the case closed with it).
    pub const REFUND: &str = "refund";
}

/// The task to pay `cents` back to the debtor, in the case handlers' queue: `done` once
/// the transfer is made.
pub(crate) fn refund_task(cents: i64) -> NewTask {
    let amount = crate::law::money::Money::from_cents(cents).format_nl();
    task(
        kind::REFUND,
        format!("Te veel betaald: {amount} terugbetalen aan de debiteur"),
        crate::case::CASE_HANDLER_QUEUE,
        json!({ "overpaid_cents": cents }),
    )
}

/// The outcomes of a task a person opened (by hand or through a note).
const DONE: [&str; 2] = ["done", "dismiss"];

/// A task a person works and closes: `done` or `dismiss`.
pub(super) fn task(kind: &str, title: String, queue: &str, details: serde_json::Value) -> NewTask {
    NewTask {
        kind: kind.to_owned(),
        queue: queue.to_owned(),
        title,
        details,
        outcomes: DONE.iter().map(|o| (*o).to_owned()).collect(),
    }
}

/// The queue of notes the front office writes (its role's name).
const FRONT_OFFICE_QUEUE: &str = "front_office";

/// A note: recorded in the audit trail; a follow-up day opens a task that day in the
/// author's queue, taken by the author (a front-office note's: in the case handlers'
/// queue, for any to take); a promise to pay with a day opens a check that day; a defence
/// is kept on the track for the dagvaarding (art. 111 lid 3 Rv).
pub(crate) fn note_added(case: &CaseRecord, note: &NoteRecord) -> Decision {
    let mut track = case.track.clone();
    let mut effects = Vec::new();
    let details = json!({ "note_kind": note.kind, "text": note.text });
    // The front office takes the call but works no task list: what the call leads to goes
    // to the case handlers' queue, for any of them to take.
    let (queue, assignee) = if note.queue == FRONT_OFFICE_QUEUE {
        (crate::case::CASE_HANDLER_QUEUE, String::new())
    } else {
        (note.queue.as_str(), note.author.clone())
    };
    if let Some(day) = note.follow_up_on {
        effects.push(Effect::OpenDueTask {
            task: task(
                kind::FOLLOW_UP,
                format!("Opvolgen: {}", first_line(&note.text)),
                queue,
                details.clone(),
            ),
            due_on: day,
            assignee: assignee.clone(),
        });
    }
    if note.kind == "promise_to_pay"
        && let Some(day) = note.promised_on
    {
        effects.push(Effect::OpenDueTask {
            task: task(
                kind::PROMISE_CHECK,
                format!("Betaalbelofte controleren ({day})"),
                queue,
                details.clone(),
            ),
            due_on: day,
            assignee,
        });
    }
    if note.kind == "defence" {
        track.defences.push(DefenceRecord {
            raised_on: Some(amsterdam_local(note.at).date()),
            text: note.text.clone(),
            recorded_by: note.author.clone(),
        });
    }
    let mut d = stay(
        case,
        track,
        "note_added",
        format!("{}: {}", note.kind, first_line(&note.text)),
        effects,
    );
    d.audit.data = json!({ "note": note });
    d
}

/// A task a person opened by hand, due on its day.
pub(crate) fn task_opened(case: &CaseRecord, opened: &OpenedTask) -> Decision {
    let effects = vec![Effect::OpenDueTask {
        task: task(&opened.kind, opened.title.clone(), &opened.queue, json!({})),
        due_on: opened.due_on,
        assignee: opened.assignee.clone(),
    }];
    let mut d = stay(
        case,
        case.track.clone(),
        "task_opened",
        format!("{}: {}", opened.kind, opened.title),
        effects,
    );
    d.audit.data = json!({
        "kind": opened.kind,
        "title": opened.title,
        "due_on": opened.due_on,
        "queue": opened.queue,
        "assignee": opened.assignee,
    });
    d
}

/// The debtor's new details; what was there before is kept in the audit event.
pub(crate) fn debtor_updated(case: &CaseRecord, change: &DebtorChange) -> Decision {
    let before = &case.claim.debtor;
    let mut debtor = before.clone();
    if let Some(address) = &change.address {
        debtor.address = address.clone();
    }
    if let Some(email) = &change.email {
        debtor.email = email.clone();
    }
    if let Some(phone) = &change.phone {
        debtor.phone = phone.clone();
    }
    if let Some(iban) = &change.iban {
        debtor.iban = Some(iban.clone());
    }
    let mut d = stay(
        case,
        case.track.clone(),
        "debtor_updated",
        format!("{} ({})", change.reason, change.source),
        vec![Effect::ChangeDebtor(Box::new(debtor.clone()))],
    );
    d.audit.data = json!({
        "reason": change.reason,
        "source": change.source,
        "before": {
            "address": before.address,
            "email": before.email,
            "phone": before.phone,
            "iban": before.iban.as_ref().map(|i| i.as_str()),
        },
        "after": {
            "address": debtor.address,
            "email": debtor.email,
            "phone": debtor.phone,
            "iban": debtor.iban.as_ref().map(|i| i.as_str()),
        },
    });
    d
}

/// A note's first line, cut at 80 characters, for a title or a reason.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let mut cut: String = line.chars().take(80).collect();
    if line.chars().count() > 80 {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;
    use crate::case::claim::DebtorKind;
    use crate::case::decide::tests::case;

    fn note(kind: &str) -> NoteRecord {
        NoteRecord {
            kind: kind.into(),
            at: Utc.with_ymd_and_hms(2026, 5, 12, 9, 30, 0).unwrap(),
            text: "Debiteur belt: betaalt vrijdag.\nTweede regel".into(),
            follow_up_on: None,
            promised_on: Some(NaiveDate::from_ymd_opt(2026, 5, 15).unwrap()),
            author: "token:t1/case_handler".into(),
            queue: "case_handler".into(),
        }
    }

    #[test]
    fn a_promise_opens_a_check_and_a_defence_is_kept() {
        let c = case(DebtorKind::Consumer);
        let d = note_added(&c, &note("promise_to_pay"));
        let [
            Effect::OpenDueTask {
                task,
                due_on,
                assignee,
            },
        ] = d.effects.as_slice()
        else {
            panic!("{:?}", d.effects);
        };
        assert_eq!(task.kind, kind::PROMISE_CHECK);
        assert_eq!(*due_on, NaiveDate::from_ymd_opt(2026, 5, 15).unwrap());
        assert_eq!(assignee, "token:t1/case_handler");
        assert!(d.track.defences.is_empty());
        let d = note_added(&c, &note("defence"));
        assert!(d.effects.is_empty());
        assert_eq!(d.track.defences.len(), 1);
        assert_eq!(d.stage, c.stage);
    }
}
