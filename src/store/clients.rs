//! Clients and their versioned track policies.

use diesel::prelude::*;

use super::rows::{ClientRow, PolicyRow};
use super::schema::{clients, track_policies};
use super::{DbConnection, StoreError, db_instant, utc};
use crate::case::{
    Address, Client, ClientId, Iban, KvkNumber, StoredClient, TrackPolicy, VersionedPolicy,
};

/// Whether a client with this id exists.
pub fn exists(conn: &mut DbConnection, id: &str) -> Result<bool, StoreError> {
    let found: Option<String> = clients::table
        .select(clients::id)
        .find(id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Creates or replaces a client; a new client gets the default track policy as version 1.
pub fn put(
    conn: &mut DbConnection,
    client: &Client,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<StoredClient, StoreError> {
    let now = db_instant(now);
    let existing: Option<ClientRow> = clients::table
        .find(client.id.as_str())
        .first(conn)
        .optional()?;
    let mut row = to_row(client, now);
    match existing {
        Some(old) => {
            row.created_at = old.created_at;
            diesel::update(clients::table.find(client.id.as_str()))
                .set(&row)
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(clients::table)
                .values(&row)
                .execute(conn)?;
            insert_policy(conn, client.id.as_str(), 1, &TrackPolicy::default(), now)?;
        }
    }
    get(conn, client.id.as_str())?.ok_or_else(|| StoreError::Corrupt("client vanished".into()))
}

/// A client by id.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<StoredClient>, StoreError> {
    let Some(row) = clients::table
        .find(id)
        .first::<ClientRow>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let policy_version = latest_policy_version(conn, id)?;
    from_row(row, policy_version).map(Some)
}

/// Stores a new version of a client's policy (the next number) and returns it.
pub fn put_policy(
    conn: &mut DbConnection,
    client_id: &str,
    policy: &TrackPolicy,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<VersionedPolicy, StoreError> {
    let version = latest_policy_version(conn, client_id)? + 1;
    insert_policy(conn, client_id, version, policy, db_instant(now))?;
    get_policy(conn, client_id, Some(version))?
        .ok_or_else(|| StoreError::Corrupt("policy vanished".into()))
}

/// A policy version of a client; `None` for the latest.
pub fn get_policy(
    conn: &mut DbConnection,
    client_id: &str,
    version: Option<i64>,
) -> Result<Option<VersionedPolicy>, StoreError> {
    let mut query = track_policies::table
        .filter(track_policies::client_id.eq(client_id))
        .order(track_policies::version.desc())
        .into_boxed();
    if let Some(version) = version {
        query = query.filter(track_policies::version.eq(version));
    }
    let Some(row) = query.first::<PolicyRow>(conn).optional()? else {
        return Ok(None);
    };
    let mut policy: TrackPolicy = serde_json::from_str(&row.body)
        .map_err(|e| StoreError::Corrupt(format!("policy {client_id} v{}: {e}", row.version)))?;
    // The rates and yearly tariffs in force now, read beside the policy: every figure of
    // a case is computed on them (see `TrackPolicy::rates`).
    policy.rates = super::rates::table(conn)?;
    let tariffs = super::tariff_years::tables(conn)?;
    policy.court_fees = tariffs.court_fees;
    policy.bailiff_tariffs = tariffs.bailiff_tariffs;
    Ok(Some(VersionedPolicy {
        client_id: row.client_id,
        version: row.version,
        policy,
        created_at: utc(row.created_at),
    }))
}

fn latest_policy_version(conn: &mut DbConnection, client_id: &str) -> Result<i64, StoreError> {
    let latest: Option<i64> = track_policies::table
        .filter(track_policies::client_id.eq(client_id))
        .select(diesel::dsl::max(track_policies::version))
        .first(conn)?;
    Ok(latest.unwrap_or(0))
}

fn insert_policy(
    conn: &mut DbConnection,
    client_id: &str,
    version: i64,
    policy: &TrackPolicy,
    now: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    let body = serde_json::to_string(policy).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    diesel::insert_into(track_policies::table)
        .values(PolicyRow {
            client_id: client_id.to_owned(),
            version,
            body,
            created_at: now,
        })
        .execute(conn)?;
    Ok(())
}

fn to_row(client: &Client, now: chrono::NaiveDateTime) -> ClientRow {
    ClientRow {
        id: client.id.as_str().to_owned(),
        name: client.name.clone(),
        kvk_number: client
            .kvk_number
            .as_ref()
            .map(|k| k.as_str().to_owned())
            .unwrap_or_default(),
        iban: client
            .iban
            .as_ref()
            .map(|i| i.as_str().to_owned())
            .unwrap_or_default(),
        street: client.address.street.clone(),
        postcode: client.address.postcode.clone(),
        city: client.address.city.clone(),
        country: client.address.country.clone(),
        email: client.email.clone(),
        vat_deductible: client.vat_deductible,
        created_at: now,
        updated_at: now,
        natural_person: client.natural_person,
    }
}

fn from_row(row: ClientRow, policy_version: i64) -> Result<StoredClient, StoreError> {
    let corrupt =
        |what: &str, e: String| StoreError::Corrupt(format!("client {} {what}: {e}", row.id));
    let client = Client {
        id: ClientId::parse(&row.id).map_err(|e| corrupt("id", e))?,
        name: row.name.clone(),
        kvk_number: optional(&row.kvk_number, KvkNumber::parse).map_err(|e| corrupt("kvk", e))?,
        iban: optional(&row.iban, Iban::parse).map_err(|e| corrupt("iban", e))?,
        address: Address {
            street: row.street.clone(),
            postcode: row.postcode.clone(),
            city: row.city.clone(),
            country: row.country.clone(),
        },
        email: row.email.clone(),
        vat_deductible: row.vat_deductible,
        natural_person: row.natural_person,
    };
    Ok(StoredClient {
        client,
        policy_version,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

/// Parses an optional stored value: empty text means none.
pub(super) fn optional<T>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    if text.is_empty() {
        Ok(None)
    } else {
        parse(text).map(Some)
    }
}
