//! The case: a client's claim against one debtor, and where it stands on the legal track.
//! Pure domain: no I/O, no database, no proto.

mod claim;
mod client;
mod decide;
mod decision;
mod event;
pub mod evidence;
mod filter;
mod identifiers;
mod lifecycle;
mod office;
mod payment_reference;
mod policy;
mod record;
pub mod recoverability;
pub mod search;
mod stage;
pub mod text;
pub mod track;

pub use claim::{Address, Claim, Debtor, DebtorKind, Invoice};
pub use client::{Client, StoredClient};
pub use decide::{CASE_HANDLER_QUEUE, decide};
pub use decision::{Audit, Decision, Due, Effect, NewTask, PlanProblem, Rejection};
pub use event::{
    Activity, ActivityOutput, DebtorChange, DocumentRendered, Event, JOB_FAILED_TASK, JobKind,
    NO_OFFICE, NOTE_KINDS, NoteRecord, OFFICE_MISSING_TASK, OpenedTask, RegisterAnswer, Timer,
};
pub use filter::CaseFilter;
pub use identifiers::{Bic, ClientId, Iban, KvkNumber, Postcode, VatNumber};
pub use lifecycle::task_kind;
pub use office::{Bailiff, BailiffTitle, BankAccount, Office, VersionedOffice};
pub use payment_reference::{
    PAYLOAD_LIMIT as PAYMENT_REFERENCE_PAYLOAD_LIMIT, PaymentReference, check_digit,
};
pub use policy::{TrackPolicy, VersionedPolicy};
pub use record::{CaseRecord, NewCase, accepted_on};
pub use stage::{CloseReason, Stage, Suspension};

/// One wrong field of a request, named by its path (`invoices[2].amount`), so a caller can
/// fix every mistake in one go. The same type the law's own checks report.
pub use crate::law::quote::Violation as FieldViolation;
