//! The bailiff's office itself (*gerechtsdeurwaarderskantoor*): who writes every letter
//! and serves every writ, and the accounts the money goes through. Versioned like a track
//! policy: each `PutOffice` stores a new version, and every document keeps the version it
//! was rendered with, so a move or a new bank account never rewrites a letter already sent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::claim::Address;
use super::identifiers::{Bic, Iban, KvkNumber, VatNumber};

/// A bailiff's title: only a *gerechtsdeurwaarder* holds the office (art. 1 Gdw); a
/// *kandidaat-gerechtsdeurwaarder* serves writs as his deputy (*waarnemer*, art. 24 Gdw)
/// or under his responsibility, and a writ names which of the two the server is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BailiffTitle {
    /// Appointed by Royal Decree, holds the office.
    Gerechtsdeurwaarder,
    /// Candidate bailiff.
    KandidaatGerechtsdeurwaarder,
}

impl BailiffTitle {
    /// As a writ writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gerechtsdeurwaarder => "gerechtsdeurwaarder",
            Self::KandidaatGerechtsdeurwaarder => "kandidaat-gerechtsdeurwaarder",
        }
    }
}

/// A bailiff of the office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bailiff {
    /// First names and name, as a writ must name the bailiff (art. 45 lid 2 Rv), e.g.
    /// "mr. Pieter Jan van Dijk".
    pub name: String,
    /// Gerechtsdeurwaarder or kandidaat.
    pub title: BailiffTitle,
    /// The place the bailiff is established (*standplaats*, art. 15 Gdw): a writ says
    /// "kantoorhoudende te …".
    pub standplaats: String,
}

/// A bank account of the office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAccount {
    /// Checksum-valid IBAN.
    pub iban: Iban,
    /// The bank's BIC, when known (SEPA needs none inside the EEA).
    pub bic: Option<Bic>,
    /// The holder's name as the bank shows it to the payer.
    pub holder: String,
}

/// The office's identity and accounts, as `PutOffice` stores them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Office {
    /// The legal entity (statutaire naam), e.g. "Van Dijk & Bakker Gerechtsdeurwaarders B.V.".
    pub legal_name: String,
    /// The name on the letterhead.
    pub trading_name: String,
    /// The bailiffs, the one who signs writs first.
    pub bailiffs: Vec<Bailiff>,
    /// Where debtors can come (and the address a writ names).
    pub visiting_address: Address,
    /// Where letters go (a *postbus*); the visiting address when none is given.
    pub postal_address: Option<Address>,
    /// For debtors.
    pub phone: String,
    /// For debtors.
    pub email: String,
    /// Optional.
    pub website: String,
    /// KvK number.
    pub kvk_number: KvkNumber,
    /// VAT number (btw-identificatienummer), on every invoice of costs.
    pub vat_number: VatNumber,
    /// The client-money account (*derdengeldenrekening*, art. 19 Gdw) debtors pay into
    /// and clients are paid out from: the only account a letter names.
    pub third_party_account: BankAccount,
    /// The office's own account (its fees and costs).
    pub own_account: BankAccount,
}

impl Office {
    /// The bailiff who signs: the first gerechtsdeurwaarder listed, else the first bailiff.
    pub fn signing_bailiff(&self) -> Option<&Bailiff> {
        self.bailiffs
            .iter()
            .find(|b| b.title == BailiffTitle::Gerechtsdeurwaarder)
            .or_else(|| self.bailiffs.first())
    }

    /// Where letters go.
    pub fn postal(&self) -> &Address {
        self.postal_address
            .as_ref()
            .unwrap_or(&self.visiting_address)
    }
}

/// An office version as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionedOffice {
    /// 1, 2, …: each `PutOffice` the next.
    pub version: i64,
    /// The office.
    pub office: Office,
    /// When this version was stored; it is in force from then until the next.
    pub created_at: DateTime<Utc>,
}
