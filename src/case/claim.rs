//! A claim (vordering) as the office accepts it: valid by construction (the API layer
//! parses requests into these types and names every field that does not fit).

use chrono::NaiveDate;

use super::identifiers::{ClientId, Iban, KvkNumber};
use crate::law::money::Money;

pub use crate::law::quote::DebtorKind;

/// A postal address; the postcode is normalised (`1234 AB`) for Dutch addresses.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Address {
    /// Street and house number.
    pub street: String,
    /// Postcode.
    pub postcode: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2 country code, `NL` when not given.
    pub country: String,
}

/// The debtor (debiteur).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Debtor {
    /// Consumer or business.
    pub kind: DebtorKind,
    /// Full name as on letters.
    pub name: String,
    /// Where letters and writs go.
    pub address: Address,
    /// E-mail, may be empty.
    pub email: String,
    /// Phone, may be empty.
    pub phone: String,
    /// KvK number, businesses only.
    pub kvk_number: Option<KvkNumber>,
    /// Date of birth, consumers only (insolvency register lookup).
    pub date_of_birth: Option<NaiveDate>,
    /// Surname without prefix (insolvency register lookup).
    pub family_name: String,
    /// Tussenvoegsel ("van", "de").
    pub family_name_prefix: String,
    /// The debtor's known account (bank attachment).
    pub iban: Option<Iban>,
}

impl Address {
    /// A Dutch address.
    pub fn nl(street: &str, postcode: &str, city: &str) -> Address {
        Address {
            street: street.into(),
            postcode: postcode.into(),
            city: city.into(),
            country: "NL".into(),
        }
    }
}

impl Debtor {
    /// A business known by what the registers search on: its name, KvK number (if any) and
    /// address; no contact details.
    pub fn business(name: &str, kvk_number: Option<KvkNumber>, address: Address) -> Debtor {
        Debtor {
            kind: DebtorKind::Business,
            name: name.into(),
            address,
            email: String::new(),
            phone: String::new(),
            kvk_number,
            date_of_birth: None,
            family_name: String::new(),
            family_name_prefix: String::new(),
            iban: None,
        }
    }

    /// A consumer known by what the insolvency register searches on: surname, tussenvoegsel
    /// and date of birth; named on letters as `name`.
    pub fn consumer(
        name: &str,
        family_name: &str,
        family_name_prefix: &str,
        date_of_birth: Option<NaiveDate>,
        address: Address,
    ) -> Debtor {
        Debtor {
            kind: DebtorKind::Consumer,
            family_name: family_name.into(),
            family_name_prefix: family_name_prefix.into(),
            date_of_birth,
            ..Debtor::business(name, None, address)
        }
    }
}

/// One invoice of the claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invoice {
    /// The client's invoice number, unique within the claim.
    pub number: String,
    /// Invoice date, if known.
    pub invoice_date: Option<NaiveDate>,
    /// Vervaldatum: interest runs from the day after.
    pub due_date: NaiveDate,
    /// Amount, > 0, whole cents.
    pub amount: Money,
}

/// A claim of one client against one debtor: one or more invoices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    /// The client (opdrachtgever).
    pub client_id: ClientId,
    /// The client's own key for the claim; (client, reference) identifies the case.
    pub client_reference: String,
    /// Who owes.
    pub debtor: Debtor,
    /// What is owed.
    pub invoices: Vec<Invoice>,
    /// Free text from the client.
    pub notes: String,
}

impl Claim {
    /// The sum of the invoices (hoofdsom).
    pub fn principal(&self) -> Money {
        self.invoices.iter().map(|i| i.amount).sum()
    }

    /// A fingerprint of everything the client said about the claim, to tell a retry of the
    /// same claim (same fingerprint) from a different claim under a used reference. The
    /// invoices count by number, not by the order they were sent in: an export sorted
    /// another way is the same claim.
    pub fn fingerprint(&self) -> String {
        let mut invoices: Vec<&Invoice> = self.invoices.iter().collect();
        invoices.sort_by(|a, b| a.number.cmp(&b.number));
        self.fingerprint_of(&invoices)
    }

    /// Whether `stored` (a case's fingerprint) is this claim's: as [`Self::fingerprint`]
    /// computes it, or as cases stored before 8 December 2026 have it, with the invoices
    /// in the order they were sent.
    pub fn is_fingerprinted_by(&self, stored: &str) -> bool {
        stored == self.fingerprint()
            || stored == self.fingerprint_of(&self.invoices.iter().collect::<Vec<_>>())
    }

    fn fingerprint_of(&self, invoices: &[&Invoice]) -> String {
        let d = &self.debtor;
        let mut text = String::new();
        let mut field = |value: &str| {
            text.push_str(value);
            text.push('\u{1f}');
        };
        field(self.client_id.as_str());
        field(&self.client_reference);
        field(d.kind.as_str());
        field(&d.name);
        field(&d.address.street);
        field(&d.address.postcode);
        field(&d.address.city);
        field(&d.address.country);
        field(&d.email);
        field(&d.phone);
        field(d.kvk_number.as_ref().map_or("", KvkNumber::as_str));
        field(&d.date_of_birth.map(|x| x.to_string()).unwrap_or_default());
        field(&d.family_name);
        field(&d.family_name_prefix);
        field(d.iban.as_ref().map_or("", Iban::as_str));
        for invoice in invoices {
            field(&invoice.number);
            field(
                &invoice
                    .invoice_date
                    .map(|x| x.to_string())
                    .unwrap_or_default(),
            );
            field(&invoice.due_date.to_string());
            field(&invoice.amount.to_string());
        }
        field(&self.notes);
        crate::digest::sha256_hex(text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::decide::tests::case;

    /// The same invoices sent in another order are the same claim; a claim stored before
    /// the order stopped counting is still known by its old fingerprint.
    #[test]
    fn the_invoices_order_does_not_change_the_claim() {
        let mut claim = case(DebtorKind::Consumer).claim;
        let mut second = claim.invoices[0].clone();
        second.number = "2".into();
        second.amount = Money::from_cents(500);
        claim.invoices.push(second);
        let mut reordered = claim.clone();
        reordered.invoices.reverse();
        assert_eq!(claim.fingerprint(), reordered.fingerprint());
        let legacy = reordered.fingerprint_of(&reordered.invoices.iter().collect::<Vec<_>>());
        assert_ne!(legacy, claim.fingerprint(), "the old hash kept the order");
        assert!(reordered.is_fingerprinted_by(&legacy));
        let mut changed = claim.clone();
        changed.invoices[1].amount = Money::from_cents(501);
        assert!(!changed.is_fingerprinted_by(&claim.fingerprint()));
    }
}
