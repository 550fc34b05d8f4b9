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

/// Why an event does not apply to the case as it stands.
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
        /// The case's stage.
        stage: &'static str,
    },
    /// The event names something the track does not know.
    #[error("{0}")]
    Unknown(String),
}
