//! Entering claims and reading cases.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::pipeline::{Creation, create_in};
use super::{App, Principal};
use crate::case::{
    CaseFilter, CaseRecord, Claim, FieldViolation, NewCase, PaymentReference, VersionedPolicy,
    accepted_on,
};
use crate::clock::amsterdam_local;
use crate::error::AppError;
use crate::page::Cursor;
use crate::store::cases;
use crate::store::ids::new_id;
use crate::store::{DbConnection, clients, transaction};

/// A page request for [`App::list_cases`].
#[derive(Clone, Debug, Default)]
pub struct CaseQuery {
    /// Filters.
    pub filter: CaseFilter,
    /// Continue after this case.
    pub after: Option<Cursor>,
    /// At most this many.
    pub page_size: i64,
}

impl App {
    /// Enters a claim as a new case, or returns the case already entered for the same
    /// claim under the same (client, client_reference). `claim` carries the violations the
    /// API layer found; an unknown client is added to them, so the caller hears of every
    /// bad field at once and nothing is stored. A client token may enter claims for its
    /// own client only: naming another is PERMISSION_DENIED (naming none is a bad field).
    pub async fn create_case(
        &self,
        who: &Principal,
        client_id: String,
        claim: Result<Claim, Vec<FieldViolation>>,
    ) -> Result<CaseRecord, AppError> {
        if !client_id.is_empty() {
            who.may_act_for(&client_id)?;
        }
        let actor = who.actor();
        let received_at = self.clock.now();
        let attempt = move |conn: &mut DbConnection| {
            transaction(conn, |conn| {
                let known_client = !client_id.is_empty() && clients::exists(conn, &client_id)?;
                let claim = match (claim.clone(), known_client) {
                    (Ok(claim), true) => claim,
                    (result, known) => {
                        let mut violations = result.err().unwrap_or_default();
                        if !known && !violations.iter().any(|v| v.field == "client_id") {
                            violations
                                .push(FieldViolation::new("client_id", "no client with this id"));
                        }
                        return Err(AppError::Invalid(violations));
                    }
                };
                if let Some((id, fingerprint)) = cases::find_by_reference(
                    conn,
                    claim.client_id.as_str(),
                    &claim.client_reference,
                )? {
                    return if claim.is_fingerprinted_by(&fingerprint) {
                        cases::get(conn, &id)?
                            .ok_or_else(|| AppError::Internal(format!("case {id} vanished")))
                    } else {
                        Err(AppError::AlreadyExists(format!(
                            "client reference {:?} is already used for a different claim (case {id})",
                            claim.client_reference
                        )))
                    };
                }
                let policy = clients::get_policy(conn, claim.client_id.as_str(), None)?
                    .ok_or_else(|| {
                        AppError::Internal(format!("client {} has no policy", claim.client_id))
                    })?;
                let case = new_case(claim, &policy, received_at);
                let case_id = case.id.clone();
                let content_hash = case.claim.fingerprint();
                let creation = Creation {
                    case,
                    content_hash,
                    policy: &policy.policy,
                };
                create_in(conn, vec![creation], &actor, received_at)?;
                cases::get(conn, &case_id)?
                    .ok_or_else(|| AppError::Internal(format!("case {case_id} vanished")))
            })
        };
        // Two requests racing on one reference: the loser's insert breaks the unique key;
        // once more, it finds the winner's case and answers as for a retry.
        let first = attempt.clone();
        let created = match self.store.run(first).await {
            Err(AppError::Conflict) => self.store.run(attempt).await,
            other => other,
        }?;
        // The track's first timer may be due at once (accepted today).
        self.after_commit(true);
        Ok(created)
    }

    /// A case by id, as `who` may see it: NOT_FOUND if unknown or another client's.
    pub async fn get_case(&self, who: &Principal, id: String) -> Result<CaseRecord, AppError> {
        let case = self.load_case(id).await?;
        if who.sees(case.claim.client_id.as_str()) {
            Ok(case)
        } else {
            Err(case_not_found(&case.id))
        }
    }

    /// A case by id, whoever's it is (the engine's own reads).
    pub(super) async fn load_case(&self, id: String) -> Result<CaseRecord, AppError> {
        self.store
            .run(move |conn| cases::get(conn, &id)?.ok_or_else(|| case_not_found(&id)))
            .await
    }

    /// NOT_FOUND unless case `id` exists and `who` may see it: the same answer for another
    /// client's case as for a missing one, so a client learns nothing of others' cases.
    pub(super) async fn check_case_visible(
        &self,
        who: &Principal,
        id: &str,
    ) -> Result<(), AppError> {
        let Some(own) = who.confined_to().map(str::to_owned) else {
            return Ok(()); // the office sees every case; a missing one fails where it is used
        };
        let case_id = id.to_owned();
        let visible = self
            .store
            .run(move |conn| {
                Ok::<_, AppError>(cases::client_of(conn, &case_id)?.is_some_and(|c| c == own))
            })
            .await?;
        if visible {
            Ok(())
        } else {
            Err(case_not_found(id))
        }
    }

    /// A page of the cases `who` may see, and the cursor of the next one. A client token
    /// sees its own client's cases; a filter naming another client matches nothing (an
    /// empty page, as for a client without cases), so it reveals nothing either.
    pub async fn list_cases(
        &self,
        who: &Principal,
        mut query: CaseQuery,
    ) -> Result<(Vec<CaseRecord>, Option<Cursor>), AppError> {
        if let Some(own) = who.confined_to() {
            if query.filter.client_id.as_deref().is_some_and(|c| c != own) {
                return Ok((Vec::new(), None));
            }
            query.filter.client_id = Some(own.to_owned());
        }
        self.store
            .run(move |conn| {
                Ok(cases::list(
                    conn,
                    &query.filter,
                    query.after.as_ref(),
                    query.page_size,
                )?)
            })
            .await
    }
}

/// The NOT_FOUND of a case that does not exist or that the caller may not see.
pub(super) fn case_not_found(id: &str) -> AppError {
    AppError::NotFound(format!("no case {id:?}"))
}

/// A new case for an accepted claim under the client's current policy: the cut-off rule
/// decides the working day it is handled from, and a principal below the client's minimum
/// for legal action is accepted with a warning. Shared by `CreateCase` and the import, so
/// both apply the same rules.
pub(super) fn new_case(
    claim: Claim,
    policy: &VersionedPolicy,
    received_at: DateTime<Utc>,
) -> NewCase {
    let mut warnings = Vec::new();
    if claim.principal() < policy.policy.minimum_for_legal_action() {
        warnings.push(format!(
            "principal {} is below the client's minimum for legal action {}",
            claim.principal().format_nl(),
            policy.policy.minimum_for_legal_action().format_nl()
        ));
    }
    NewCase {
        id: new_id(received_at),
        payment_reference: new_payment_reference(),
        accepted_on: accepted_on(amsterdam_local(received_at), policy.policy.intake_cutoff),
        claim,
        received_at,
        policy_version: policy.version,
        warnings,
    }
}

/// A fresh betalingskenmerk for a new case: 15 random digits (from the operating system's
/// generator, as the v4 UUIDs are) and their check digit. Drawn, not counted, so issuing
/// one needs no round trip and no shared counter (an import batch draws 500 in memory);
/// the unique index on `cases.payment_reference` catches the rare repeat (about one in
/// 10^8 per case with ten million cases stored), and the caller's retry on
/// [`AppError::Conflict`] draws again: `CreateCase` and an import batch both do so.
pub(super) fn new_payment_reference() -> PaymentReference {
    PaymentReference::issue(|| {
        let bits = Uuid::new_v4().as_u128();
        u64::try_from(bits & u128::from(u64::MAX)).expect("masked to 64 bits")
    })
}
