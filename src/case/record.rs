//! A case as stored: the claim plus where it stands.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::claim::Claim;
use super::payment_reference::PaymentReference;
use super::stage::{CloseReason, Stage, Suspension};
use crate::law::money::Money;

/// A case to be stored for a newly accepted claim.
#[derive(Clone, Debug)]
pub struct NewCase {
    /// New id (UUID v4 text).
    pub id: String,
    /// The validated claim.
    pub claim: Claim,
    /// The betalingskenmerk the debtor pays with, drawn for this case.
    pub payment_reference: PaymentReference,
    /// When the office received it.
    pub received_at: DateTime<Utc>,
    /// The working day the office handles it from.
    pub accepted_on: NaiveDate,
    /// The client's track policy version the case runs under.
    pub policy_version: i64,
    /// Remarks for the client, e.g. below the minimum for legal action.
    pub warnings: Vec<String>,
}

impl NewCase {
    /// The case as it is stored before its first decision: in intake, at version 1.
    pub fn record(&self) -> CaseRecord {
        CaseRecord {
            id: self.id.clone(),
            claim: self.claim.clone(),
            payment_reference: self.payment_reference.clone(),
            stage: Stage::Intake,
            suspension: Suspension::None,
            close_reason: None,
            close_note: String::new(),
            accepted_on: self.accepted_on,
            version: 1,
            policy_version: self.policy_version,
            warnings: self.warnings.clone(),
            track: Default::default(),
            created_at: self.received_at,
            updated_at: self.received_at,
        }
    }
}

/// A stored case.
#[derive(Clone, Debug)]
pub struct CaseRecord {
    /// Case id.
    pub id: String,
    /// The claim as accepted.
    pub claim: Claim,
    /// The betalingskenmerk the debtor pays with: on every letter, unique among cases.
    pub payment_reference: PaymentReference,
    /// Where it stands.
    pub stage: Stage,
    /// Paused, or not.
    pub suspension: Suspension,
    /// Why it closed, once closed.
    pub close_reason: Option<CloseReason>,
    /// Free text with the close reason.
    pub close_note: String,
    /// The working day the office handles it from.
    pub accepted_on: NaiveDate,
    /// Bumps with every change; a transition commits only against the version it read.
    pub version: i64,
    /// The track policy version it runs under.
    pub policy_version: i64,
    /// Remarks recorded at intake.
    pub warnings: Vec<String>,
    /// What the track recorded: letter, payments, verdict, summons, judgment, plan.
    pub track: super::track::TrackState,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl CaseRecord {
    /// The sum of the invoices.
    pub fn principal(&self) -> Money {
        self.claim.principal()
    }
}

/// The working day a claim received at `local` (Europe/Amsterdam wall-clock time) is
/// handled from: that day when it is a working day and the time is before the client's
/// cut-off, else the next working day.
pub fn accepted_on(local: chrono::NaiveDateTime, cutoff: NaiveTime) -> NaiveDate {
    let day = local.date();
    if crate::law::calendar::is_working_day(day) && local.time() < cutoff {
        day
    } else {
        crate::law::calendar::next_working_day(day)
    }
}
