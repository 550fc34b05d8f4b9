//! Proto ↔ domain. Parsing collects every violation with its field path, so one
//! INVALID_ARGUMENT can name them all.

use chrono::{DateTime, NaiveDate, Utc};

use crate::case::{
    Address, Bailiff, BailiffTitle, BankAccount, Bic, CaseRecord, Claim, Client, ClientId,
    CloseReason, Debtor, DebtorKind, FieldViolation, Iban, Invoice, KvkNumber, Office, Postcode,
    Stage, StoredClient, Suspension, TrackPolicy, VatNumber, VersionedOffice, VersionedPolicy,
};
use crate::law::money::Money;
use crate::proto as pb;

/// Collects violations while parsing one request.
#[derive(Default)]
pub struct Violations(pub Vec<FieldViolation>);

impl Violations {
    /// Records a violation of `field`.
    pub fn add(&mut self, field: impl Into<String>, description: impl Into<String>) {
        self.0.push(FieldViolation::new(field, description));
    }

    /// Keeps `Ok` values and records `Err` ones under `field`.
    pub fn check<T>(&mut self, field: impl Into<String>, result: Result<T, String>) -> Option<T> {
        result.map_err(|e| self.add(field, e)).ok()
    }

    /// A list call's page size: 0 means `default`, 1 to `max` as asked; anything else is
    /// recorded as a violation of `page_size` (and the default used meanwhile).
    pub fn page_size(&mut self, raw: i32, default: i64, max: i64) -> i64 {
        match i64::from(raw) {
            0 => default,
            n if (1..=max).contains(&n) => n,
            _ => {
                self.add("page_size", format!("from 1 to {max} (0 for {default})"));
                default
            }
        }
    }

    /// Ok when nothing was recorded.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldViolation>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }
}

/// A `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let well_formed = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(date) if well_formed => Ok(date),
        _ => Err(format!("{text:?} is not a date in the form YYYY-MM-DD")),
    }
}

/// A required `YYYY-MM-DD` date.
pub fn required_date(text: &str) -> Result<NaiveDate, String> {
    if text.is_empty() {
        Err("required (YYYY-MM-DD)".into())
    } else {
        parse_date(text)
    }
}

/// An optional `YYYY-MM-DD` date: empty is none.
pub fn optional_date(text: &str) -> Result<Option<NaiveDate>, String> {
    if text.is_empty() {
        Ok(None)
    } else {
        parse_date(text).map(Some)
    }
}

/// A positive amount in euros with at most two decimals.
pub fn positive_amount(text: &str) -> Result<Money, String> {
    if text.is_empty() {
        return Err("required: euros with at most two decimals, e.g. \"1234.56\"".into());
    }
    let amount = Money::parse(text).map_err(|e| format!("{text:?}: {e}"))?;
    if amount.is_positive() {
        Ok(amount)
    } else {
        Err(format!("{text:?}: must be more than 0"))
    }
}

fn non_empty(text: &str, what: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        Err(format!("{what} is required"))
    } else {
        Ok(trimmed.to_owned())
    }
}

fn optional<T>(text: &str, parse: impl Fn(&str) -> Result<T, String>) -> Result<Option<T>, String> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        parse(text).map(Some)
    }
}

/// A debtor kind from the proto enum.
pub fn debtor_kind(raw: i32) -> Result<DebtorKind, String> {
    match pb::DebtorKind::try_from(raw) {
        Ok(pb::DebtorKind::Consumer) => Ok(DebtorKind::Consumer),
        Ok(pb::DebtorKind::Business) => Ok(DebtorKind::Business),
        _ => Err("must be DEBTOR_KIND_CONSUMER or DEBTOR_KIND_BUSINESS".into()),
    }
}

fn address(v: &mut Violations, path: &str, raw: Option<&pb::Address>, required: bool) -> Address {
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
    if client_reference.len() > 100 {
        v.add("client_reference", "at most 100 characters");
    }
    let debtor = parse_debtor(&mut v, debtor, today);
    let invoices = parse_invoices(&mut v, invoices, today);
    if notes.len() > 10_000 {
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

fn parse_invoices(v: &mut Violations, raw: &[pb::Invoice], today: NaiveDate) -> Vec<Invoice> {
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
        }
        let amount = v.check(path("amount"), positive_amount(&invoice.amount));
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

fn looks_like_email(text: &str) -> bool {
    let text = text.trim();
    matches!(text.split_once('@'), Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !text.contains(char::is_whitespace))
}

/// An instant as a proto timestamp.
pub fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

/// A proto timestamp as an instant.
pub fn instant(ts: &prost_types::Timestamp) -> Result<DateTime<Utc>, String> {
    u32::try_from(ts.nanos)
        .ok()
        .and_then(|nanos| DateTime::from_timestamp(ts.seconds, nanos))
        .ok_or_else(|| "not a valid timestamp".to_owned())
}

fn proto_kind(kind: DebtorKind) -> pb::DebtorKind {
    match kind {
        DebtorKind::Consumer => pb::DebtorKind::Consumer,
        DebtorKind::Business => pb::DebtorKind::Business,
    }
}

/// A stage as the proto enum.
pub fn proto_stage(stage: Stage) -> pb::Stage {
    match stage {
        Stage::Intake => pb::Stage::Intake,
        Stage::Letter => pb::Stage::Letter,
        Stage::Recoverability => pb::Stage::Recoverability,
        Stage::Summons => pb::Stage::Summons,
        Stage::Judgment => pb::Stage::Judgment,
        Stage::Execution => pb::Stage::Execution,
        Stage::Closed => pb::Stage::Closed,
    }
}

/// A proto stage filter; UNSPECIFIED means any.
pub fn stage_filter(raw: i32) -> Result<Option<Stage>, String> {
    Ok(
        match pb::Stage::try_from(raw).map_err(|_| format!("unknown stage {raw}"))? {
            pb::Stage::Unspecified => None,
            pb::Stage::Intake => Some(Stage::Intake),
            pb::Stage::Letter => Some(Stage::Letter),
            pb::Stage::Recoverability => Some(Stage::Recoverability),
            pb::Stage::Summons => Some(Stage::Summons),
            pb::Stage::Judgment => Some(Stage::Judgment),
            pb::Stage::Execution => Some(Stage::Execution),
            pb::Stage::Closed => Some(Stage::Closed),
        },
    )
}

/// A suspension as the proto enum.
pub fn proto_suspension(s: Suspension) -> pb::Suspension {
    match s {
        Suspension::None => pb::Suspension::None,
        Suspension::OnHold => pb::Suspension::OnHold,
        Suspension::PaymentPlan => pb::Suspension::PaymentPlan,
    }
}

fn proto_close_reason(r: Option<CloseReason>) -> pb::CloseReason {
    match r {
        None => pb::CloseReason::Unspecified,
        Some(CloseReason::Paid) => pb::CloseReason::Paid,
        Some(CloseReason::Uncollectable) => pb::CloseReason::Uncollectable,
        Some(CloseReason::Withdrawn) => pb::CloseReason::Withdrawn,
        Some(CloseReason::Dismissed) => pb::CloseReason::Dismissed,
    }
}

fn proto_address(a: &Address) -> pb::Address {
    pb::Address {
        street: a.street.clone(),
        postcode: a.postcode.clone(),
        city: a.city.clone(),
        country: a.country.clone(),
    }
}

fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// A case as the proto message; `creditor_iban` is where its debtor pays (the office's
/// third-party account).
pub fn case_to_proto(case: &CaseRecord, creditor_iban: &str) -> pb::Case {
    let d = &case.claim.debtor;
    let mut proto = pb::Case {
        id: case.id.clone(),
        client_id: case.claim.client_id.as_str().to_owned(),
        client_reference: case.claim.client_reference.clone(),
        payment_reference: case.payment_reference.as_str().to_owned(),
        creditor_iban: creditor_iban.to_owned(),
        debtor: Some(pb::Debtor {
            kind: proto_kind(d.kind).into(),
            name: d.name.clone(),
            address: Some(proto_address(&d.address)),
            email: d.email.clone(),
            phone: d.phone.clone(),
            kvk_number: d
                .kvk_number
                .as_ref()
                .map(|k| k.as_str().to_owned())
                .unwrap_or_default(),
            date_of_birth: date_text(d.date_of_birth),
            family_name: d.family_name.clone(),
            family_name_prefix: d.family_name_prefix.clone(),
            iban: d
                .iban
                .as_ref()
                .map(|i| i.as_str().to_owned())
                .unwrap_or_default(),
        }),
        invoices: case
            .claim
            .invoices
            .iter()
            .map(|i| pb::Invoice {
                number: i.number.clone(),
                invoice_date: date_text(i.invoice_date),
                due_date: i.due_date.to_string(),
                amount: i.amount.to_string(),
            })
            .collect(),
        notes: case.claim.notes.clone(),
        stage: proto_stage(case.stage).into(),
        suspension: proto_suspension(case.suspension).into(),
        close_reason: proto_close_reason(case.close_reason).into(),
        close_note: case.close_note.clone(),
        principal: case.principal().to_string(),
        accepted_on: case.accepted_on.to_string(),
        version: case.version,
        policy_version: case.policy_version,
        created_at: Some(timestamp(case.created_at)),
        updated_at: Some(timestamp(case.updated_at)),
        warnings: case.warnings.clone(),
        ..Default::default()
    };
    super::track::fill(&mut proto, &case.track);
    proto
}

/// A client from `PutClient`, every violation named.
pub fn client(raw: Option<&pb::Client>) -> Result<Client, Vec<FieldViolation>> {
    let mut v = Violations::default();
    let raw = raw.cloned().unwrap_or_default();
    let id = v.check("client.id", ClientId::parse(&raw.id));
    let name = v.check("client.name", non_empty(&raw.name, "the client's name"));
    let kvk_number = v
        .check(
            "client.kvk_number",
            optional(&raw.kvk_number, KvkNumber::parse),
        )
        .flatten();
    let iban = v
        .check("client.iban", optional(&raw.iban, Iban::parse))
        .flatten();
    let address = address(&mut v, "client.address", raw.address.as_ref(), false);
    if !raw.email.is_empty() && !looks_like_email(&raw.email) {
        v.add("client.email", "not an e-mail address");
    }
    match (id, name) {
        (Some(id), Some(name)) if v.0.is_empty() => Ok(Client {
            id,
            name,
            kvk_number,
            iban,
            address,
            email: raw.email.trim().to_owned(),
            vat_deductible: raw.vat_deductible,
        }),
        _ => Err(v.0),
    }
}

/// A stored client as the proto message.
pub fn client_to_proto(stored: &StoredClient) -> pb::Client {
    let c = &stored.client;
    pb::Client {
        id: c.id.as_str().to_owned(),
        name: c.name.clone(),
        kvk_number: c
            .kvk_number
            .as_ref()
            .map(|k| k.as_str().to_owned())
            .unwrap_or_default(),
        iban: c
            .iban
            .as_ref()
            .map(|i| i.as_str().to_owned())
            .unwrap_or_default(),
        address: Some(proto_address(&c.address)),
        email: c.email.clone(),
        vat_deductible: c.vat_deductible,
        track_policy_version: stored.policy_version,
        created_at: Some(timestamp(stored.created_at)),
        updated_at: Some(timestamp(stored.updated_at)),
    }
}

/// The office from `PutOffice`, every bad field named: names, at least one bailiff (name,
/// title, standplaats), a Dutch visiting address, an optional postal address, phone and
/// e-mail, KvK (8 digits), VAT number (form and check digits), and two accounts whose IBANs
/// pass mod-97 and differ (client money is kept apart from the office's own, art. 19 Gdw).
pub fn office(raw: Option<&pb::Office>) -> Result<Office, Vec<FieldViolation>> {
    let mut v = Violations::default();
    let raw = raw.cloned().unwrap_or_default();
    let legal_name = v.check(
        "office.legal_name",
        non_empty(&raw.legal_name, "the legal name"),
    );
    let trading_name = v.check(
        "office.trading_name",
        non_empty(&raw.trading_name, "the trading name"),
    );
    if raw.bailiffs.is_empty() {
        v.add("office.bailiffs", "at least one bailiff");
    }
    let bailiffs: Vec<Option<Bailiff>> = raw
        .bailiffs
        .iter()
        .enumerate()
        .map(|(i, b)| bailiff(&mut v, &format!("office.bailiffs[{i}]"), b))
        .collect();
    let visiting = raw.visiting_address.as_ref();
    if visiting
        .is_some_and(|a| !a.country.trim().is_empty() && !a.country.eq_ignore_ascii_case("NL"))
    {
        v.add("office.visiting_address.country", "a Dutch office: NL");
    }
    let visiting_address = address(&mut v, "office.visiting_address", visiting, true);
    let postal_address = raw
        .postal_address
        .as_ref()
        .filter(|a| **a != pb::Address::default())
        .map(|a| address(&mut v, "office.postal_address", Some(a), true));
    let phone = v.check(
        "office.phone",
        non_empty(&raw.phone, "a phone number for debtors"),
    );
    if raw.email.trim().is_empty() || !looks_like_email(&raw.email) {
        v.add("office.email", "an e-mail address for debtors");
    }
    let kvk_number = v.check("office.kvk_number", KvkNumber::parse(&raw.kvk_number));
    let vat_number = v.check("office.vat_number", VatNumber::parse(&raw.vat_number));
    let third_party = account(
        &mut v,
        "office.third_party_account",
        raw.third_party_account.as_ref(),
    );
    let own = account(&mut v, "office.own_account", raw.own_account.as_ref());
    if let (Some(third), Some(own)) = (&third_party, &own)
        && third.iban == own.iban
    {
        v.add(
            "office.own_account.iban",
            "must differ from the third-party account: client money is kept apart",
        );
    }
    let bailiffs: Option<Vec<Bailiff>> = bailiffs.into_iter().collect();
    match (
        legal_name,
        trading_name,
        bailiffs,
        phone,
        kvk_number,
        vat_number,
        third_party,
        own,
    ) {
        (
            Some(legal_name),
            Some(trading_name),
            Some(bailiffs),
            Some(phone),
            Some(kvk_number),
            Some(vat_number),
            Some(third_party_account),
            Some(own_account),
        ) if v.0.is_empty() => Ok(Office {
            legal_name,
            trading_name,
            bailiffs,
            visiting_address,
            postal_address,
            phone,
            email: raw.email.trim().to_owned(),
            website: raw.website.trim().to_owned(),
            kvk_number,
            vat_number,
            third_party_account,
            own_account,
        }),
        _ => Err(v.0),
    }
}

fn bailiff(v: &mut Violations, path: &str, raw: &pb::Bailiff) -> Option<Bailiff> {
    let name = v.check(
        format!("{path}.name"),
        non_empty(&raw.name, "the bailiff's name"),
    );
    let title = match pb::bailiff::Title::try_from(raw.title) {
        Ok(pb::bailiff::Title::Gerechtsdeurwaarder) => Some(BailiffTitle::Gerechtsdeurwaarder),
        Ok(pb::bailiff::Title::KandidaatGerechtsdeurwaarder) => {
            Some(BailiffTitle::KandidaatGerechtsdeurwaarder)
        }
        _ => {
            v.add(
                format!("{path}.title"),
                "TITLE_GERECHTSDEURWAARDER or TITLE_KANDIDAAT_GERECHTSDEURWAARDER",
            );
            None
        }
    };
    let standplaats = v.check(
        format!("{path}.standplaats"),
        non_empty(&raw.standplaats, "the standplaats"),
    );
    Some(Bailiff {
        name: name?,
        title: title?,
        standplaats: standplaats?,
    })
}

fn account(v: &mut Violations, path: &str, raw: Option<&pb::BankAccount>) -> Option<BankAccount> {
    let raw = raw.cloned().unwrap_or_default();
    let iban = v.check(format!("{path}.iban"), Iban::parse(&raw.iban));
    let bic = v
        .check(format!("{path}.bic"), optional(&raw.bic, Bic::parse))
        .flatten();
    let holder = v.check(
        format!("{path}.holder"),
        non_empty(&raw.holder, "the account holder's name"),
    );
    Some(BankAccount {
        iban: iban?,
        bic,
        holder: holder?,
    })
}

/// A stored office version as the proto message.
pub fn office_to_proto(stored: &VersionedOffice) -> pb::Office {
    let o = &stored.office;
    let account = |a: &BankAccount| pb::BankAccount {
        iban: a.iban.as_str().to_owned(),
        bic: a
            .bic
            .as_ref()
            .map(|b| b.as_str().to_owned())
            .unwrap_or_default(),
        holder: a.holder.clone(),
    };
    pb::Office {
        version: stored.version,
        legal_name: o.legal_name.clone(),
        trading_name: o.trading_name.clone(),
        bailiffs: o
            .bailiffs
            .iter()
            .map(|b| pb::Bailiff {
                name: b.name.clone(),
                title: match b.title {
                    BailiffTitle::Gerechtsdeurwaarder => pb::bailiff::Title::Gerechtsdeurwaarder,
                    BailiffTitle::KandidaatGerechtsdeurwaarder => {
                        pb::bailiff::Title::KandidaatGerechtsdeurwaarder
                    }
                }
                .into(),
                standplaats: b.standplaats.clone(),
            })
            .collect(),
        visiting_address: Some(proto_address(&o.visiting_address)),
        postal_address: o.postal_address.as_ref().map(proto_address),
        phone: o.phone.clone(),
        email: o.email.clone(),
        website: o.website.clone(),
        kvk_number: o.kvk_number.as_str().to_owned(),
        vat_number: o.vat_number.as_str().to_owned(),
        third_party_account: Some(account(&o.third_party_account)),
        own_account: Some(account(&o.own_account)),
        created_at: Some(timestamp(stored.created_at)),
    }
}

/// A track policy from `PutTrackPolicy`: zero/empty fields take the defaults.
pub fn policy(raw: Option<&pb::TrackPolicy>) -> Result<(String, TrackPolicy), Vec<FieldViolation>> {
    let mut v = Violations::default();
    let raw = raw.cloned().unwrap_or_default();
    let client_id = v.check("policy.client_id", ClientId::parse(&raw.client_id));
    let defaults = TrackPolicy::default();
    let mut count =
        |field: &str, value: i32, default: u32, range: std::ops::RangeInclusive<u32>| -> u32 {
            if value == 0 {
                return default;
            }
            match u32::try_from(value) {
                Ok(n) if range.contains(&n) => n,
                _ => {
                    v.add(
                        format!("policy.{field}"),
                        format!("must be from {} to {}", range.start(), range.end()),
                    );
                    default
                }
            }
        };
    let letter_delivery_days = count(
        "letter_delivery_days",
        raw.letter_delivery_days,
        defaults.letter_delivery_days,
        1..=10,
    );
    let demand_term_days = count(
        "demand_term_days",
        raw.demand_term_days,
        defaults.demand_term_days,
        1..=90,
    );
    let plan_first_instalment_within_days = count(
        "plan_first_instalment_within_days",
        raw.plan_first_instalment_within_days,
        defaults.plan_first_instalment_within_days,
        1..=365,
    );
    let plan_grace_days = count(
        "plan_grace_days",
        raw.plan_grace_days,
        defaults.plan_grace_days,
        1..=90,
    );
    let attachment_attempts = count(
        "attachment_attempts",
        raw.attachment_attempts,
        defaults.attachment_attempts,
        1..=20,
    );
    let job_max_attempts = count(
        "job_max_attempts",
        raw.job_max_attempts,
        defaults.job_max_attempts,
        1..=50,
    );
    let minimum = if raw.minimum_for_legal_action.is_empty() {
        Some(defaults.minimum_for_legal_action_cents)
    } else {
        match Money::parse(&raw.minimum_for_legal_action) {
            Ok(m) if !m.is_negative() => m.to_cents().ok(),
            _ => None,
        }
    };
    if minimum.is_none() {
        v.add(
            "policy.minimum_for_legal_action",
            "euros ≥ 0 with at most two decimals",
        );
    }
    let cutoff = if raw.intake_cutoff.is_empty() {
        Some(defaults.intake_cutoff)
    } else {
        chrono::NaiveTime::parse_from_str(&raw.intake_cutoff, "%H:%M").ok()
    };
    if cutoff.is_none() {
        v.add("policy.intake_cutoff", "a time HH:MM, e.g. 16:00");
    }
    let policy = TrackPolicy {
        letter_delivery_days,
        demand_term_days,
        minimum_for_legal_action_cents: minimum.unwrap_or_default(),
        intake_cutoff: cutoff.unwrap_or(defaults.intake_cutoff),
        approve_summons: raw.approve_summons.unwrap_or(defaults.approve_summons),
        approve_recoverability_proceed: raw
            .approve_recoverability_proceed
            .unwrap_or(defaults.approve_recoverability_proceed),
        render_letters: raw.render_letters.unwrap_or(defaults.render_letters),
        plan_first_instalment_within_days,
        plan_grace_days,
        attachment_attempts,
        job_max_attempts,
    };
    match client_id {
        Some(id) if v.0.is_empty() => Ok((id.as_str().to_owned(), policy)),
        _ => Err(v.0),
    }
}

/// A stored policy version as the proto message.
pub fn policy_to_proto(p: &VersionedPolicy) -> pb::TrackPolicy {
    let s = &p.policy;
    let n = |x: u32| i32::try_from(x).unwrap_or(i32::MAX);
    pb::TrackPolicy {
        client_id: p.client_id.clone(),
        version: p.version,
        letter_delivery_days: n(s.letter_delivery_days),
        demand_term_days: n(s.demand_term_days),
        minimum_for_legal_action: s.minimum_for_legal_action().to_string(),
        intake_cutoff: s.intake_cutoff.format("%H:%M").to_string(),
        approve_summons: Some(s.approve_summons),
        approve_recoverability_proceed: Some(s.approve_recoverability_proceed),
        render_letters: Some(s.render_letters),
        plan_first_instalment_within_days: n(s.plan_first_instalment_within_days),
        plan_grace_days: n(s.plan_grace_days),
        attachment_attempts: n(s.attachment_attempts),
        job_max_attempts: n(s.job_max_attempts),
        created_at: Some(timestamp(p.created_at)),
    }
}
