//! The desk's requests (AddNote, UpdateDebtor, OpenTask) → the domain's, every bad field
//! named; and a note back as the proto message.

use super::claim::address;
use super::fields::{Violations, instant, optional_date, required_date, timestamp};
use crate::case::{DebtorChange, FieldViolation, Iban, NOTE_KINDS, OpenedTask};
use crate::proto as pb;
use crate::workflow::{ListedNote, NewNote};

/// An AddNote request's note.
pub fn new_note(r: &pb::AddNoteRequest) -> Result<NewNote, Vec<FieldViolation>> {
    let mut v = Violations::default();
    let kind = match pb::NoteKind::try_from(r.kind) {
        Ok(kind) if kind != pb::NoteKind::Unspecified => {
            let name = kind
                .as_str_name()
                .trim_start_matches("NOTE_KIND_")
                .to_lowercase();
            NOTE_KINDS.contains(&name.as_str()).then_some(name)
        }
        _ => None,
    };
    if kind.is_none() {
        v.add("kind", "one of NOTE_KIND_CALL_IN … NOTE_KIND_INTERNAL");
    }
    if r.text.trim().is_empty() {
        v.add("text", "required: what happened");
    }
    let at = r.at.as_ref().and_then(|ts| v.check("at", instant(ts)));
    let follow_up_on = v
        .check("follow_up_on", optional_date(&r.follow_up_on))
        .flatten();
    let promised_on = v
        .check("promised_on", optional_date(&r.promised_on))
        .flatten();
    if promised_on.is_some() && kind.as_deref() != Some("promise_to_pay") {
        v.add("promised_on", "only with NOTE_KIND_PROMISE_TO_PAY");
    }
    v.into_result(|| NewNote {
        kind: kind.unwrap_or_default(),
        at,
        text: r.text.trim().to_owned(),
        follow_up_on,
        promised_on,
    })
}

/// A note as the proto message.
pub fn note_to_proto(case_id: &str, n: &ListedNote) -> pb::Note {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    pb::Note {
        case_id: case_id.to_owned(),
        sequence: n.sequence,
        kind: n.note.kind.clone(),
        at: Some(timestamp(n.note.at)),
        author: n.note.author.clone(),
        text: n.note.text.clone(),
        follow_up_on: date(n.note.follow_up_on),
        promised_on: date(n.note.promised_on),
        recorded_at: Some(timestamp(n.recorded_at)),
    }
}

/// An UpdateDebtor request's change: at least one detail, a reason and a source.
pub fn debtor_change(r: &pb::UpdateDebtorRequest) -> Result<DebtorChange, Vec<FieldViolation>> {
    let mut v = Violations::default();
    let new_address = r
        .address
        .as_ref()
        .map(|a| address(&mut v, "address", Some(a), true));
    let iban = if r.iban.trim().is_empty() {
        None
    } else {
        v.check("iban", Iban::parse(&r.iban))
    };
    let email = (!r.email.trim().is_empty()).then(|| r.email.trim().to_owned());
    if email
        .as_deref()
        .is_some_and(|e| !super::fields::looks_like_email(e))
    {
        v.add("email", "an e-mail address");
    }
    let phone = (!r.phone.trim().is_empty()).then(|| r.phone.trim().to_owned());
    if r.address.is_none() && r.iban.trim().is_empty() && email.is_none() && phone.is_none() {
        v.add(
            "address",
            "give at least one of address, email, phone or iban",
        );
    }
    if r.reason.trim().is_empty() {
        v.add("reason", "required: why the details changed");
    }
    if r.source.trim().is_empty() {
        v.add("source", "required: where the office learnt them");
    }
    v.into_result(|| DebtorChange {
        address: new_address,
        email,
        phone,
        iban,
        reason: r.reason.trim().to_owned(),
        source: r.source.trim().to_owned(),
    })
}

/// Whether `kind` is one the track or the engine opens itself.
fn is_track_kind(kind: &str) -> bool {
    crate::case::task_kind::ALL.contains(&kind)
        || [
            crate::case::JOB_FAILED_TASK,
            crate::case::OFFICE_MISSING_TASK,
            crate::workflow::UNMATCHED_PAYMENT_TASK,
        ]
        .contains(&kind)
}

/// An OpenTask request's task.
pub fn opened_task(r: &pb::OpenTaskRequest) -> Result<OpenedTask, Vec<FieldViolation>> {
    let mut v = Violations::default();
    if r.case_id.is_empty() {
        v.add("case_id", "required");
    }
    let kind_ok = !r.kind.is_empty() && r.kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    if !kind_ok {
        v.add("kind", "lower case letters and _, e.g. call_back");
    } else if is_track_kind(&r.kind) {
        v.add(
            "kind",
            format!(
                "{:?} is a kind the track opens itself (completing it runs a step of the \
                 track); name the task for what it is, e.g. call_back",
                r.kind
            ),
        );
    }
    if r.title.trim().is_empty() {
        v.add("title", "required");
    }
    let due_on = v.check("due_on", required_date(&r.due_on));
    let queue = if r.queue.is_empty() {
        crate::case::CASE_HANDLER_QUEUE.to_owned()
    } else {
        r.queue.clone()
    };
    // The queues of those who work the task list (TaskService): not a client's, nor the
    // front office's.
    if !matches!(
        crate::workflow::Role::parse(&queue),
        Some(crate::workflow::Role::CaseHandler | crate::workflow::Role::Admin)
    ) {
        v.add(
            "queue",
            "case_handler or admin: the roles that work the task list",
        );
    }
    v.into_result(|| OpenedTask {
        kind: r.kind.clone(),
        title: r.title.trim().to_owned(),
        due_on: due_on.unwrap_or_default(),
        queue,
        assignee: r.assignee.trim().to_owned(),
    })
}
