//! A claim (`CreateCase`, `ImportClaims`) from the proto: debtor, address, invoices, every
//! violation named with its field path.

use chrono::{Datelike, Days, NaiveDate};

use super::enums::debtor_kind;
use super::fields::{
    Violations, looks_like_email, non_empty, optional, optional_date, positive_amount,
    required_date,
};
use crate::case::{
    Address, Claim, ClientId, Debtor, DebtorKind, FieldViolation, Iban, Invoice, KvkNumber,
    Postcode,
};
use crate::law::money::Money;
use crate::law::rates::{RateSeries, first_known_day};
use crate::proto as pb;

pub(super) fn address(
    v: &mut Violations,
    path: &str,
    raw: Option<&pb::Address>,
    required: bool,
) -> Address {
    let raw = raw.cloned().unwrap_or_default();
    let country = if raw.country.trim().is_empty() {
        "NL".to_owned()
    } else {
        raw.country.trim().to_ascii_uppercase()
    };
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        v.add(
            format!("{path}.country"),
            "an ISO 3166-1 alpha-2 code such as NL or BE",
        );
    }
    let postcode = if country == "NL" && (required || !raw.postcode.is_empty()) {
        v.check(
            format!("{path}.postcode"),
            Postcode::parse_dutch(&raw.postcode),
        )
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default()
    } else {
        raw.postcode.trim().to_owned()
    };
    if required {
        v.check(
            format!("{path}.street"),
            non_empty(&raw.street, "street and house number"),
        );
        v.check(format!("{path}.city"), non_empty(&raw.city, "city"));
    }
    Address {
        street: raw.street.trim().to_owned(),
        postcode,
        city: raw.city.trim().to_owned(),
        country,
    }
}

pub(super) fn proto_address(a: &Address) -> pb::Address {
    pb::Address {
        street: a.street.clone(),
        postcode: a.postcode.clone(),
        city: a.city.clone(),
        country: a.country.clone(),
    }
}

/// The claim fields shared by `CreateCase` and `ImportClaims`, parsed with every violation
/// named. `today` (Europe/Amsterdam) bounds the due dates.
pub fn claim(
    client_id: &str,
    client_reference: &str,
    debtor: Option<&pb::Debtor>,
    invoices: &[pb::Invoice],
    notes: &str,
    today: NaiveDate,
) -> Result<Claim, Vec<FieldViolation>> {
    let mut v = Violations::default();
    let client = v.check("client_id", ClientId::parse(client_id));
    let reference = v.check(
        "client_reference",
        non_empty(client_reference, "client_reference"),
    );
    if client_reference.chars().count() > 100 {
        v.add("client_reference", "at most 100 characters");
    }
    let debtor = parse_debtor(&mut v, debtor, today);
    let kind = debtor.as_ref().map(|d| d.kind);
    let invoices = parse_invoices(&mut v, invoices, kind, today);
    if notes.chars().count() > 10_000 {
        v.add("notes", "at most 10,000 characters");
    }
    match (client, reference, debtor) {
        (Some(client_id), Some(client_reference), Some(debtor)) if v.0.is_empty() => Ok(Claim {
            client_id,
            client_reference,
            debtor,
            invoices,
            notes: notes.trim().to_owned(),
        }),
        _ => Err(v.0),
    }
}

fn parse_debtor(v: &mut Violations, raw: Option<&pb::Debtor>, today: NaiveDate) -> Option<Debtor> {
    let Some(raw) = raw else {
        v.add("debtor", "required");
        return None;
    };
    let kind = v.check("debtor.kind", debtor_kind(raw.kind));
    let name = v.check("debtor.name", non_empty(&raw.name, "the debtor's name"));
    let address = address(v, "debtor.address", raw.address.as_ref(), true);
    if !raw.email.is_empty() && !looks_like_email(&raw.email) {
        v.add("debtor.email", "not an e-mail address");
    }
    let kvk_number = v
        .check(
            "debtor.kvk_number",
            optional(&raw.kvk_number, KvkNumber::parse),
        )
        .flatten();
    let date_of_birth = v
        .check("debtor.date_of_birth", optional_date(&raw.date_of_birth))
        .flatten();
    if date_of_birth.is_some_and(|born| born >= today) {
        v.add("debtor.date_of_birth", "must be in the past");
    }
    // Before 1900 is a typing error (a year written short, a placeholder like 1800-01-01):
    // the insolvency register would be asked about nobody.
    if date_of_birth.is_some_and(|born| born.year() < 1900) {
        v.add("debtor.date_of_birth", "must be in 1900 or later");
    }
    if kind == Some(DebtorKind::Business) && date_of_birth.is_some() {
        v.add("debtor.date_of_birth", "only for consumers");
    }
    if kind == Some(DebtorKind::Consumer) && kvk_number.is_some() {
        v.add("debtor.kvk_number", "only for businesses");
    }
    let iban = v
        .check("debtor.iban", optional(&raw.iban, Iban::parse))
        .flatten();
    Some(Debtor {
        kind: kind?,
        name: name?,
        address,
        email: raw.email.trim().to_owned(),
        phone: raw.phone.trim().to_owned(),
        kvk_number,
        date_of_birth,
        family_name: raw.family_name.trim().to_owned(),
        family_name_prefix: raw.family_name_prefix.trim().to_owned(),
        iban,
    })
}

/// The largest invoice taken: the law's quote handles amounts up to € 1,000,000,000,000, and
/// a claim it cannot quote could never take a payment.
const MAX_INVOICE_EUROS: i64 = 1_000_000_000_000;

/// The invoices, each bounded as the law's quote bounds them (`law::quote::validate`): a
/// claim accepted here can always be quoted and paid. `kind` (when the debtor's is known)
/// picks the interest series whose first known day bounds the due dates.
fn parse_invoices(
    v: &mut Violations,
    raw: &[pb::Invoice],
    kind: Option<DebtorKind>,
    today: NaiveDate,
) -> Vec<Invoice> {
    let series = match kind {
        Some(DebtorKind::Business) => RateSeries::Commercial,
        Some(DebtorKind::Consumer) | None => RateSeries::Statutory,
    };
    let first_rate_day = first_known_day(series);
    if raw.is_empty() {
        v.add("invoices", "at least one invoice");
    }
    if raw.len() > 1000 {
        v.add("invoices", "at most 1000 invoices per claim");
    }
    let mut parsed = Vec::with_capacity(raw.len());
    for (i, invoice) in raw.iter().enumerate() {
        let path = |field: &str| format!("invoices[{i}].{field}");
        let number = v.check(
            path("number"),
            non_empty(&invoice.number, "the invoice number"),
        );
        if let Some(n) = number
            .as_deref()
            .filter(|n| raw[..i].iter().any(|e| e.number.trim() == *n))
        {
            v.add(path("number"), format!("invoice {n:?} appears twice"));
        }
        let invoice_date = v
            .check(path("invoice_date"), optional_date(&invoice.invoice_date))
            .flatten();
        let due_date = v.check(path("due_date"), required_date(&invoice.due_date));
        if let Some(due) = due_date {
            if due > today {
                v.add(
                    path("due_date"),
                    format!("{due} is after today ({today}): the invoice is not yet due"),
                );
            }
            if invoice_date.is_some_and(|issued| issued > due) {
                v.add(path("invoice_date"), "after the due date");
            }
            if due + Days::new(1) < first_rate_day {
                v.add(
                    path("due_date"),
                    format!(
                        "interest rates for this debtor are known from {first_rate_day} only: \
                         the claim could not be quoted"
                    ),
                );
            }
        }
        let amount = v.check(path("amount"), positive_amount(&invoice.amount));
        if amount.is_some_and(|a| a > Money::from_euros(MAX_INVOICE_EUROS)) {
            v.add(path("amount"), "at most 1000000000000.00");
        }
        if let (Some(number), Some(due_date), Some(amount)) = (number, due_date, amount) {
            parsed.push(Invoice {
                number,
                invoice_date,
                due_date,
                amount,
            });
        }
    }
    parsed
}
