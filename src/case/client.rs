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
    /// A natural person, also a sole trader (*eenmanszaak*) with a KvK number: it pays the
    /// natural person's kanton court fee (procedure.md §3).
    pub natural_person: bool,
}

impl Client {
    /// Whether the client pays the court fee of a legal person (*niet-natuurlijke
    /// persoon*): a business with a KvK number that is not a natural person.
    pub fn pays_as_legal_person(&self) -> bool {
        self.kvk_number.is_some() && !self.natural_person
    }
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
