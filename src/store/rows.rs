//! Row types: what diesel reads and writes. Conversions to the domain live beside them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{cases, clients, invoices, parties, track_policies};

/// A `clients` row.
#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug, Clone)]
#[diesel(table_name = clients)]
pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub kvk_number: String,
    pub iban: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub email: String,
    pub vat_deductible: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub natural_person: bool,
}

/// A `track_policies` row; `body` is the policy as JSON.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = track_policies)]
pub struct PolicyRow {
    pub client_id: String,
    pub version: i64,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// A `cases` row.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = cases)]
pub struct CaseRow {
    pub id: String,
    pub client_id: String,
    pub client_reference: String,
    pub content_hash: String,
    pub stage: String,
    pub suspension: String,
    pub close_reason: Option<String>,
    pub close_note: String,
    pub debtor_kind: String,
    pub debtor_kvk_number: Option<String>,
    pub principal_cents: i64,
    pub received_at: NaiveDateTime,
    pub accepted_on: NaiveDate,
    pub policy_version: i64,
    pub version: i64,
    pub notes: String,
    pub state: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Never NULL for a case stored by this version (the column is nullable only because
    /// SQLite cannot add a NOT NULL column without a default to a filled table).
    pub payment_reference: Option<String>,
}

/// A `parties` row (the debtor; later also others).
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = parties)]
pub struct PartyRow {
    pub case_id: String,
    pub role: String,
    pub kind: String,
    pub name: String,
    pub family_name: String,
    pub family_name_prefix: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub email: String,
    pub phone: String,
    pub kvk_number: String,
    pub date_of_birth: Option<NaiveDate>,
    pub iban: String,
}

/// An `invoices` row.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = invoices)]
pub struct InvoiceRow {
    pub case_id: String,
    pub position: i32,
    pub number: String,
    pub invoice_date: Option<NaiveDate>,
    pub due_date: NaiveDate,
    pub amount_cents: i64,
}
