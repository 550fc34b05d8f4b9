//! The case: a client's claim against one debtor, and where it stands on the legal track.
//! Pure domain: no I/O, no database, no proto.

mod claim;
mod client;
mod decide;
mod decision;
mod event;
mod filter;
mod identifiers;
mod lifecycle;
mod payment_reference;
mod policy;
mod record;
pub mod recoverability;
mod stage;
pub mod track;

pub use claim::{Address, Claim, Debtor, DebtorKind, Invoice};
pub use client::{Client, StoredClient};
pub use decide::{CASE_HANDLER_QUEUE, decide};
pub use decision::{Audit, Decision, Due, Effect, NewTask, PlanProblem, Rejection};
pub use event::{
    Activity, ActivityOutput, DocumentRendered, Event, JOB_FAILED_TASK, JobKind, RegisterAnswer,
    Timer,
};
pub use filter::CaseFilter;
pub use identifiers::{ClientId, Iban, KvkNumber, Postcode};
pub use lifecycle::task_kind;
pub use payment_reference::{PaymentReference, check_digit};
pub use policy::{TrackPolicy, VersionedPolicy};
pub use record::{CaseRecord, NewCase, accepted_on};
pub use stage::{CloseReason, Stage, Suspension};

/// One wrong field of a request, named by its path (`invoices[2].amount`), so a caller can
/// fix every mistake in one go. The same type the law's own checks report.
pub use crate::law::quote::Violation as FieldViolation;
