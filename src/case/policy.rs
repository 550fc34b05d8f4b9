//! A client's track policy: how the office runs that client's cases. Data, versioned;
//! each case keeps the version it started with, so a later change never rewrites history.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use crate::law::bailiff_tariffs::BailiffTariffs;
use crate::law::court_fees::CourtFeeTable;
use crate::law::money::Money;
use crate::law::rates::RateTable;

/// The settings of one policy version. Stored as JSON; missing keys take the defaults, so
/// adding a setting needs no migration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrackPolicy {
    /// Presumed receipt of a letter on this delivery day after sending (HR 2016:2704).
    pub letter_delivery_days: u32,
    /// Term of the B2B demand (sommatie), in days.
    pub demand_term_days: u32,
    /// Below this principal a claim opens a review task instead of going to court.
    pub minimum_for_legal_action_cents: i64,
    /// Claims received on a working day before this time (Europe/Amsterdam) are handled
    /// that day; later ones the next working day.
    pub intake_cutoff: NaiveTime,
    /// A person approves each dagvaarding before service.
    pub approve_summons: bool,
    /// A person confirms a `proceed` recoverability verdict too.
    pub approve_recoverability_proceed: bool,
    /// The bailiff records each service of the dagvaarding and of the judgment (a `service`
    /// task on the planned day, answered with its outcome) instead of the track assuming it
    /// on that day; the court side is recorded too: the filing with the registry and what
    /// happened at the hearing (`lifecycle::hearing`).
    pub record_service: bool,
    /// The office renders each 14-dagenbrief / sommatie as a PDF document of the case;
    /// off when a print house makes the letters from the case's data.
    pub render_letters: bool,
    /// The first instalment of a payment plan falls within this many days.
    pub plan_first_instalment_within_days: u32,
    /// A missed instalment lapses the plan after this many days.
    pub plan_grace_days: u32,
    /// Attachments tried before a case closes as uncollectable.
    pub attachment_attempts: u32,
    /// Attempts of a failing job before it becomes a task for a person.
    pub job_max_attempts: u32,
    /// The statutory interest rates in force at the office: the built-in table with the
    /// rows the office added (`AdminService.AddRate`). Not part of the stored policy (no
    /// version of it, never in its JSON): the store reads it beside the policy
    /// (`store::clients::get_policy`), so every figure of a case — the track's, its
    /// documents' — is computed on the rates as they stand now, on every instance.
    #[serde(skip)]
    pub rates: RateTable,
    /// The kanton court fee tables in force: the built-in years with the ones the office
    /// added (`AdminService.AddCourtFees`). Read beside the policy like `rates`, never
    /// stored in it.
    #[serde(skip)]
    pub court_fees: CourtFeeTable,
    /// The bailiff's tariffs (Btag) in force: the built-in years with the ones the office
    /// added (`AdminService.AddBailiffTariffs`). Read beside the policy like `rates`.
    #[serde(skip)]
    pub bailiff_tariffs: BailiffTariffs,
}

impl Default for TrackPolicy {
    fn default() -> Self {
        Self {
            letter_delivery_days: 2,
            demand_term_days: 14,
            minimum_for_legal_action_cents: 50_000,
            intake_cutoff: NaiveTime::from_hms_opt(16, 0, 0).expect("valid time"),
            approve_summons: true,
            approve_recoverability_proceed: false,
            record_service: false,
            render_letters: true,
            plan_first_instalment_within_days: 30,
            plan_grace_days: 7,
            attachment_attempts: 3,
            job_max_attempts: 5,
            rates: RateTable::default(),
            court_fees: CourtFeeTable::default(),
            bailiff_tariffs: BailiffTariffs::default(),
        }
    }
}

impl TrackPolicy {
    /// The minimum principal for legal action.
    pub fn minimum_for_legal_action(&self) -> Money {
        Money::from_cents(self.minimum_for_legal_action_cents)
    }
}

/// A stored policy version of a client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionedPolicy {
    /// The client.
    pub client_id: String,
    /// 1, 2, …
    pub version: i64,
    /// The settings.
    pub policy: TrackPolicy,
    /// When it was stored.
    pub created_at: chrono::DateTime<chrono::Utc>,
}
