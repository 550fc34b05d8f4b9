//! The office's clients (opdrachtgevers).

use chrono::{DateTime, Utc};

use super::claim::Address;
use super::identifiers::{ClientId, Iban, KvkNumber};

/// A client as the office knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    /// Chosen by the office.
    pub id: ClientId,
    /// Name on letters ("namens …").
    pub name: String,
    /// The client's KvK number, if a business.
    pub kvk_number: Option<KvkNumber>,
    /// Where collected money is paid out.
    pub iban: Option<Iban>,
    /// Postal address.
    pub address: Address,
    /// Contact e-mail.
    pub email: String,
    /// Whether the client deducts VAT; if not, 21 % VAT is added to collection costs.
    pub vat_deductible: bool,
}

/// A stored client with its bookkeeping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredClient {
    /// The client.
    pub client: Client,
    /// Latest track policy version.
    pub policy_version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}
