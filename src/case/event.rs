//! What can happen to a case: the inputs of [`super::decide`]. Timers and activities are
//! named here because the track sets them; the engine stores them as job kinds.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::recoverability::Verdict;
use super::track::{InstalmentRecord, JudgmentRecord, PaymentRecord};

/// A timer the track sets: a date on which the case moves by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// The accepted working day has begun: the track starts (the letter goes out).
    StartTrack,
    /// The letter's term (14-dagenbrief or sommatie) has run out unpaid.
    LetterTermEnded,
    /// The planned service day of the approved dagvaarding: the bailiff serves it.
    SummonsServed,
    /// The hearing date (roldatum) has come: the case waits for the vonnis.
    HearingHeld,
    /// The service day of the judgment with the order to pay (bevel tot betaling).
    JudgmentServed,
    /// The order to pay's two days ran out: attachments may be made.
    OrderToPayEnded,
    /// The grace days after an instalment of a payment plan ran out: kept or lapsed?
    InstalmentCheck,
    /// The four weeks of a garnishee's statement (art. 476a Rv) ran out.
    GarnisheeStatementDue,
}

/// Work outside the case row that may fail and is retried (lookups, rendering). Every
/// activity is idempotent: a re-run after a crash changes nothing twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Activity {
    /// The engine's self-check: does nothing, but fails on its first `fail_first` attempts
    /// (from its payload). It has no legal meaning and changes no stage; it exists so the
    /// retry, backoff and give-up path can be exercised end to end (tests, the benchmark,
    /// an operator checking a deployment) before the real activities arrive.
    Probe,
    /// The recoverability check: trade register and insolvency register lookups, whose
    /// findings become the verdict.
    RecoverabilityCheck,
    /// Render a letter of the case (payload `kind`, `on`) with `documents::render` and
    /// store it in the dossier.
    RenderDocument,
    /// Register an income attachment laid (payload `attachment`, its number) in the
    /// attachment register (Digitaal Beslagregister; the fixture register until a real
    /// client exists).
    AttachmentRegistration,
}

/// What a job does when it comes due: the `jobs.kind` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Fire a timer: the event is [`Event::TimerFired`].
    Timer(Timer),
    /// Run an activity; its outcome is [`Event::ActivitySucceeded`] or, after the last
    /// attempt, [`Event::ActivityFailed`].
    Activity(Activity),
}

impl JobKind {
    /// Every kind.
    pub const ALL: [JobKind; 12] = [
        Self::Timer(Timer::StartTrack),
        Self::Timer(Timer::LetterTermEnded),
        Self::Timer(Timer::SummonsServed),
        Self::Timer(Timer::HearingHeld),
        Self::Timer(Timer::JudgmentServed),
        Self::Timer(Timer::OrderToPayEnded),
        Self::Timer(Timer::InstalmentCheck),
        Self::Timer(Timer::GarnisheeStatementDue),
        Self::Activity(Activity::Probe),
        Self::Activity(Activity::RecoverabilityCheck),
        Self::Activity(Activity::RenderDocument),
        Self::Activity(Activity::AttachmentRegistration),
    ];

    /// The stored name; part of the database contract.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Timer(Timer::StartTrack) => "timer.start_track",
            Self::Timer(Timer::LetterTermEnded) => "timer.letter_term_ended",
            Self::Timer(Timer::SummonsServed) => "timer.summons_served",
            Self::Timer(Timer::HearingHeld) => "timer.hearing_held",
            Self::Timer(Timer::JudgmentServed) => "timer.judgment_served",
            Self::Timer(Timer::OrderToPayEnded) => "timer.order_to_pay_ended",
            Self::Timer(Timer::InstalmentCheck) => "timer.instalment_check",
            Self::Timer(Timer::GarnisheeStatementDue) => "timer.garnishee_statement_due",
            Self::Activity(Activity::Probe) => "activity.probe",
            Self::Activity(Activity::RecoverabilityCheck) => "activity.recoverability_check",
            Self::Activity(Activity::RenderDocument) => "activity.render_document",
            Self::Activity(Activity::AttachmentRegistration) => "activity.attachment_registration",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// What an activity found: one kind per [`Activity`].
#[derive(Clone, Debug, PartialEq)]
pub enum ActivityOutput {
    /// The self-check ran.
    Probe,
    /// The registers answered.
    Recoverability(RegisterAnswer),
    /// A document was rendered and stored (or the law allows none).
    Document(DocumentRendered),
    /// An income attachment was registered in the attachment register.
    AttachmentRegistered(super::track::DbrStep),
}

impl ActivityOutput {
    /// The activity that produced it.
    pub fn activity(&self) -> Activity {
        match self {
            Self::Probe => Activity::Probe,
            Self::Recoverability(_) => Activity::RecoverabilityCheck,
            Self::Document(_) => Activity::RenderDocument,
            Self::AttachmentRegistered(_) => Activity::AttachmentRegistration,
        }
    }
}

/// The recoverability check's answer: the verdict drawn, and the registers' raw answers as
/// evidence for the dossier.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegisterAnswer {
    /// Proceed, review or stop, with the reasons.
    pub verdict: Verdict,
    /// What each register said, in its own terms.
    pub findings: Value,
    /// The attachment register consulted with it (before a summons for recovery, or
    /// before an income attachment), when the act asks for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment_register: Option<Box<super::track::DbrStep>>,
}

/// A document of the case rendered into the dossier, or skipped with the reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRendered {
    /// The document kind (`documents::DocumentKind` name).
    pub kind: String,
    /// The stored document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_id: Option<String>,
    /// Its SHA-256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Why none was rendered (the law allows no such letter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// The kind of task that a job which ran out of attempts opens.
pub const JOB_FAILED_TASK: &str = "job_failed";

/// The kind of task a render job opens when no office is configured: no document may go
/// out with a made-up letterhead, so nothing is rendered and a person is told. Its `retry`
/// schedules the render again; `PutOffice` completes every open one with `retry` itself.
pub const OFFICE_MISSING_TASK: &str = "office_missing";

/// The error of a render job when no office is configured: not worth retrying (nothing
/// changes until someone calls `PutOffice`), so it opens an [`OFFICE_MISSING_TASK`] at once.
pub const NO_OFFICE: &str = "no office is configured (AdminService.PutOffice): nothing rendered";

/// Everything that changes a case.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The claim was accepted (CreateCase, import): the track is set to start on the
    /// accepted working day.
    ClaimAccepted,
    /// A timer came due.
    TimerFired(Timer),
    /// An activity finished; `attempt` is the 1-based attempt that succeeded.
    ActivitySucceeded {
        /// The attempt that succeeded.
        attempt: u32,
        /// What it found (which also names the activity).
        output: ActivityOutput,
    },
    /// An activity failed on its last attempt: a person must look at it.
    ActivityFailed {
        /// Which.
        activity: Activity,
        /// Attempts made.
        attempts: u32,
        /// The last error, in words.
        error: String,
        /// The job's payload, so a person's "retry" can schedule it again.
        payload: Value,
    },
    /// Someone asked for the engine's self-check activity on this case.
    ProbeRequested {
        /// How many attempts fail before one succeeds.
        fail_first: u32,
    },
    /// A person completed a task of this case with one of its outcomes.
    TaskCompleted {
        /// The task's kind, e.g. `job_failed`.
        task_kind: String,
        /// The chosen outcome (already checked against the task's outcomes).
        outcome: String,
        /// The task's details as opened.
        details: Value,
        /// The person's note.
        note: String,
        /// The typed values the outcome takes (e.g. `served_on`), checked by the task's
        /// own reader before the event is made.
        values: std::collections::BTreeMap<String, String>,
        /// Who completed it (the audit event's actor): the author of what the outcome
        /// records, e.g. a defence noted at the hearing.
        actor: String,
    },
    /// The client withdrew the claim.
    Withdraw {
        /// Why, in the client's words.
        note: String,
    },
    /// The office closes the case as uncollectable (CloseUncollectable).
    CloseUncollectable {
        /// Why nothing can be recovered, in the case handler's words.
        note: String,
    },
    /// A payment was received (RecordPayment); its allocation is the track's to compute.
    PaymentReceived {
        /// As the caller reported it.
        payment: PaymentRecord,
        /// The instant the office recorded it (the service's clock).
        recorded_at: DateTime<Utc>,
    },
    /// The bank took a payment back (storno, a returned transfer; ReversePayment): it no
    /// longer counts, and the later payments are allocated again without it.
    PaymentReversed {
        /// The payment's id on the case.
        payment_id: String,
        /// The day it was taken back.
        reversed_on: chrono::NaiveDate,
        /// Why.
        reason: String,
    },
    /// The track pauses: a dispute or the client's instruction.
    PutOnHold {
        /// `dispute`, `client_instruction` or `other`.
        reason: String,
        /// The note.
        note: String,
    },
    /// The hold ends.
    Resume {
        /// The note.
        note: String,
    },
    /// A payment plan was agreed (ProposePaymentPlan).
    PlanProposed {
        /// The instalments, in date order.
        instalments: Vec<InstalmentRecord>,
    },
    /// The court's judgment was registered.
    JudgmentRegistered(JudgmentRecord),
    /// A note on the file (AddNote): a contact, a promise to pay, a defence, a remark.
    NoteAdded(NoteRecord),
    /// A person opened a task on the case by hand (TaskService.OpenTask).
    TaskOpened(OpenedTask),
    /// The debtor's address, e-mail, phone or IBAN changed (UpdateDebtor).
    DebtorUpdated(DebtorChange),
}

/// A note as recorded: who wrote it is the event's actor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteRecord {
    /// `call_in`, `call_out`, `email_in`, `email_out`, `letter_in`, `letter_out`, `visit`,
    /// `promise_to_pay`, `defence` or `internal` ([`NOTE_KINDS`]).
    pub kind: String,
    /// When it happened (may be before it was written down).
    pub at: DateTime<Utc>,
    /// The text.
    pub text: String,
    /// A follow-up on this day: a task in the author's queue.
    pub follow_up_on: Option<chrono::NaiveDate>,
    /// For a promise to pay: the day promised; a check on that day.
    pub promised_on: Option<chrono::NaiveDate>,
    /// The author (the actor), for the tasks and the defence record.
    pub author: String,
    /// The author's role: the queue its tasks wait in.
    pub queue: String,
}

/// The kinds of note.
pub const NOTE_KINDS: [&str; 10] = [
    "call_in",
    "call_out",
    "email_in",
    "email_out",
    "letter_in",
    "letter_out",
    "visit",
    "promise_to_pay",
    "defence",
    "internal",
];

/// A task a person opens by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedTask {
    /// A short kind, e.g. `call_back`.
    pub kind: String,
    /// One line for the work list.
    pub title: String,
    /// Due on.
    pub due_on: chrono::NaiveDate,
    /// The queue (a role) it waits in.
    pub queue: String,
    /// Assigned to (empty: open in the queue).
    pub assignee: String,
}

/// New contact details of the debtor; `None` leaves a field as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DebtorChange {
    /// The new address.
    pub address: Option<super::Address>,
    /// The new e-mail.
    pub email: Option<String>,
    /// The new phone.
    pub phone: Option<String>,
    /// The new IBAN.
    pub iban: Option<super::Iban>,
    /// Why (e.g. "verhuisd").
    pub reason: String,
    /// Where the office learnt it (e.g. "BRP", "debiteur telefonisch").
    pub source: String,
}

impl Event {
    /// A short name for logs and errors.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ClaimAccepted => "claim_accepted",
            Self::TimerFired(_) => "timer_fired",
            Self::ActivitySucceeded { .. } => "activity_succeeded",
            Self::ActivityFailed { .. } => "activity_failed",
            Self::ProbeRequested { .. } => "probe_requested",
            Self::TaskCompleted { .. } => "task_completed",
            Self::Withdraw { .. } => "withdraw",
            Self::CloseUncollectable { .. } => "close_uncollectable",
            Self::PaymentReceived { .. } => "payment_received",
            Self::PaymentReversed { .. } => "payment_reversed",
            Self::PutOnHold { .. } => "put_on_hold",
            Self::Resume { .. } => "resume",
            Self::PlanProposed { .. } => "plan_proposed",
            Self::JudgmentRegistered(_) => "judgment_registered",
            Self::NoteAdded(_) => "note_added",
            Self::TaskOpened(_) => "task_opened",
            Self::DebtorUpdated(_) => "debtor_updated",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_kinds_round_trip() {
        for kind in JobKind::ALL {
            assert_eq!(JobKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(JobKind::parse("timer.nope"), None);
    }
}
