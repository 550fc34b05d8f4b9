//! What [`super::decide`] answers: the case's new standing and the effects to carry out,
//! as data. The engine applies all of it in one transaction.

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::Value;

use super::event::JobKind;
use super::stage::{CloseReason, Stage, Suspension};
use crate::law::money::Money;

/// When a scheduled job comes due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// As soon as possible (the decision's own instant).
    Now,
    /// At the start of this day in Europe/Amsterdam (00:00 local): legal terms are days.
    StartOf(NaiveDate),
    /// At this wall-clock time in Europe/Amsterdam.
    Local(NaiveDateTime),
}

/// A task for a person, opened by a decision.
#[derive(Clone, Debug, PartialEq)]
pub struct NewTask {
    /// e.g. `job_failed`.
    pub kind: String,
    /// The role that works it, e.g. `case_handler`.
    pub queue: String,
    /// One line for a work list.
    pub title: String,
    /// What the person needs to decide.
    pub details: Value,
    /// The outcomes CompleteTask accepts.
    pub outcomes: Vec<String>,
}

/// One thing to do besides updating the case row and appending the audit event.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Schedule a job (a timer or an activity).
    ScheduleJob {
        /// What it does.
        kind: JobKind,
        /// When.
        due: Due,
        /// Its data.
        payload: Value,
    },
    /// Drop the case's pending jobs of a kind (`None`: all of them).
    CancelJobs {
        /// Which.
        kind: Option<JobKind>,
    },
    /// Open a task.
    OpenTask(NewTask),
    /// Open a task due on a day, taken by a person (`assignee` empty: open in its queue).
    OpenDueTask {
        /// The task.
        task: NewTask,
        /// Due on.
        due_on: chrono::NaiveDate,
        /// Who has it.
        assignee: String,
    },
    /// Store the debtor's new details (and the case's search keys with them).
    ChangeDebtor(Box<super::Debtor>),
    /// Cancel the case's open tasks of a kind (`None`: all of them).
    CloseTasks {
        /// Which.
        kind: Option<String>,
    },
}

/// The audit entry of a decision: the dossier's line.
#[derive(Clone, Debug, PartialEq)]
pub struct Audit {
    /// e.g. `track_started`.
    pub kind: &'static str,
    /// Why, in words.
    pub reason: String,
    /// The amounts as computed now (never negative).
    pub amounts: Vec<(&'static str, Money)>,
    /// Other data of the event.
    pub data: Value,
}

/// The outcome of a case and an event.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// The stage after the event.
    pub stage: Stage,
    /// The suspension after the event.
    pub suspension: Suspension,
    /// Set exactly when `stage` is closed.
    pub close_reason: Option<CloseReason>,
    /// With the close reason.
    pub close_note: String,
    /// The audit entry.
    pub audit: Audit,
    /// The track's record after the event (written with the standing).
    pub track: super::track::TrackState,
    /// What else to do, in order.
    pub effects: Vec<Effect>,
}

/// Why an event does not apply to the case as it stands. The words are the caller's
/// FAILED_PRECONDITION message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// The case is closed; nothing moves it any more.
    #[error("the case is closed ({0})")]
    Closed(&'static str),
    /// The event does not fit the stage (e.g. a stale timer).
    #[error("{event} does not apply in stage {stage}")]
    WrongStage {
        /// The event's name.
        event: &'static str,
        /// The case's stage (or its suspension, where that decides).
        stage: &'static str,
    },
    /// The law's figures could not be computed (no rate or tariff for a day, say).
    #[error("{0}")]
    Figures(String),
    /// No Btag tariff is known for the day of a bailiff's act.
    #[error(
        "no Btag tariff on {0}: add the year's bailiff tariffs \
         (AdminService.AddBailiffTariffs) first"
    )]
    NoTariff(NaiveDate),
    /// A `job_failed` task names a job kind this version does not know.
    #[error("the task names no known job")]
    UnknownJob,
    /// A payment dated after today.
    #[error("a payment dated {0} lies in the future")]
    PaymentInFuture(NaiveDate),
    /// A reversal of a payment the case does not have.
    #[error("the case has no payment {0:?} to reverse")]
    NoSuchPayment(String),
    /// A payment dated before the last one recorded: allocations are final.
    #[error(
        "a payment dated {paid_on} precedes the last one recorded ({last}); allocations are final"
    )]
    PaymentBeforeLast {
        /// The new payment's day.
        paid_on: NaiveDate,
        /// The last recorded payment's day.
        last: NaiveDate,
    },
    /// The instalments of a proposed plan do not hold.
    #[error("{}", join(.0))]
    Plan(Vec<PlanProblem>),
    /// An approval for a dagvaarding that was never drafted.
    #[error("no dagvaarding was drafted")]
    NoSummons,
    /// The dagvaarding could not be drafted again.
    #[error("{0}")]
    SummonsDraft(String),
    /// A payment recorded against an attachment the case has not made.
    #[error("the case has no attachment {0} that was laid (attached) to be paid under")]
    NoSuchAttachment(u32),
    /// Attachments before the judgment was served.
    #[error("the judgment was not served")]
    NotServed,
    /// A judgment dated after today, or undated.
    #[error("the judgment's date must be today or earlier")]
    JudgmentDate,
    /// A reversal dated before its payment or after today.
    #[error(
        "the payment of {paid_on} cannot be taken back on {reversed_on}: the day lies \
         between the payment and today ({today})"
    )]
    ReversalDate {
        /// The day asked.
        reversed_on: chrono::NaiveDate,
        /// The payment's day.
        paid_on: chrono::NaiveDate,
        /// The day it is recorded on.
        today: chrono::NaiveDate,
    },
    /// A judgment dated before the summons' roldatum: no court gives one then (art. 139 Rv).
    #[error(
        "the judgment is dated before the roldatum the summons was served for ({0}): no \
         judgment is given before the first hearing"
    )]
    JudgmentBeforeHearing(chrono::NaiveDate),
    /// A judgment that differs from the claim names no day interest runs from.
    #[error(
        "the judgment differs from the claim ({}): name the day interest runs from on the \
         awarded principal",
        .0.join("; ")
    )]
    JudgmentNeedsInterestDate(Vec<String>),
    /// A judgment that differs from the claim and awards costs only.
    #[error(
        "the judgment differs from the claim ({}) and awards no principal: an award of \
         costs alone is not computed by the track yet; keep it in the dossier and close or \
         hold the case by hand",
        .0.join("; ")
    )]
    CostsOnly(Vec<String>),
}

/// Why a proposed payment plan is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanProblem {
    /// An instalment without a day, or no instalments.
    #[error("every instalment needs a due date")]
    NoDueDate,
    /// The first instalment is not within the policy's days.
    #[error("the first instalment falls from {from} to {to} (policy: within {days} days)")]
    FirstOutside {
        /// Today.
        from: NaiveDate,
        /// The last day the policy allows.
        to: NaiveDate,
        /// The policy's days.
        days: u32,
    },
    /// Two instalments on one day or out of order.
    #[error("instalments must be in date order, one per day")]
    NotInOrder,
    /// An instalment of zero or less.
    #[error("every instalment is more than zero")]
    NotPositive,
}

fn join(problems: &[PlanProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
