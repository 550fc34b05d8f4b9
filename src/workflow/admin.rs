//! Clients and track policies.

use super::{App, Principal};
use crate::case::{Client, StoredClient, TrackPolicy, VersionedPolicy};
use crate::error::AppError;
use crate::store::{clients, transaction};

impl App {
    /// Creates or replaces a client.
    pub async fn put_client(&self, client: Client) -> Result<StoredClient, AppError> {
        let now = self.clock.now();
        self.store
            .run(move |conn| transaction(conn, |conn| Ok(clients::put(conn, &client, now)?)))
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
                    Ok(clients::put_policy(conn, &client_id, &policy, now)?)
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
