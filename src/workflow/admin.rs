//! Clients and track policies.

use serde_json::json;

use super::{Actor, App, Principal};
use crate::case::{Client, StoredClient, TrackPolicy, VersionedPolicy};
use crate::error::AppError;
use crate::store::{admin_events, clients, transaction};

impl App {
    /// Creates or replaces a client, recording who did it and what it became (its payout
    /// IBAN and VAT position decide where money goes and what debtors owe).
    pub async fn put_client(&self, actor: Actor, client: Client) -> Result<StoredClient, AppError> {
        let now = self.clock.now();
        let payload = json!({
            "name": client.name,
            "kvk_number": client.kvk_number.as_ref().map(|k| k.as_str().to_owned()),
            "iban": client.iban.as_ref().map(|i| i.as_str().to_owned()),
            "vat_deductible": client.vat_deductible,
            "natural_person": client.natural_person,
            "email": client.email,
            // The claimant's address the summons prints.
            "address": client.address,
        });
        self.store
            .run(move |conn| {
                transaction(conn, |conn| {
                    let stored = clients::put(conn, &client, now)?;
                    let subject = client.id.as_str();
                    admin_events::append(conn, now, &actor.0, "client_stored", subject, &payload)?;
                    Ok(stored)
                })
            })
            .await
    }

    /// A client by id; NOT_FOUND if unknown, or for a client token, if not its own.
    pub async fn get_client(&self, who: &Principal, id: String) -> Result<StoredClient, AppError> {
        if !who.sees(&id) {
            return Err(AppError::NotFound(format!("no client {id:?}")));
        }
        self.store
            .run(move |conn| {
                clients::get(conn, &id)?
                    .ok_or_else(|| AppError::NotFound(format!("no client {id:?}")))
            })
            .await
    }

    /// Stores the next version of a client's policy.
    pub async fn put_policy(
        &self,
        actor: Actor,
        client_id: String,
        policy: TrackPolicy,
    ) -> Result<VersionedPolicy, AppError> {
        let now = self.clock.now();
        self.store
            .run(move |conn| {
                transaction(conn, |conn| {
                    if !clients::exists(conn, &client_id)? {
                        return Err(AppError::NotFound(format!("no client {client_id:?}")));
                    }
                    let stored = clients::put_policy(conn, &client_id, &policy, now)?;
                    let payload = json!({ "version": stored.version, "policy": policy });
                    admin_events::append(
                        conn,
                        now,
                        &actor.0,
                        "policy_stored",
                        &client_id,
                        &payload,
                    )?;
                    Ok(stored)
                })
            })
            .await
    }

    /// A policy version (`None`: the latest).
    pub async fn get_policy(
        &self,
        client_id: String,
        version: Option<i64>,
    ) -> Result<VersionedPolicy, AppError> {
        self.store
            .run(move |conn| {
                clients::get_policy(conn, &client_id, version)?.ok_or_else(|| {
                    AppError::NotFound(match version {
                        Some(v) => format!("client {client_id:?} has no track policy version {v}"),
                        None => format!("no client {client_id:?}"),
                    })
                })
            })
            .await
    }
}
