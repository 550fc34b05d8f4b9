//! Clients and track policies (`AdminService`) ⇄ the proto.

use super::claim::{address, proto_address};
use super::fields::{Violations, looks_like_email, non_empty, optional, timestamp};
use crate::case::{
    Client, ClientId, FieldViolation, Iban, KvkNumber, StoredClient, TrackPolicy, VersionedPolicy,
};
use crate::law::money::Money;
use crate::proto as pb;

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
            natural_person: raw.natural_person,
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
        natural_person: c.natural_person,
        track_policy_version: stored.policy_version,
        created_at: Some(timestamp(stored.created_at)),
        updated_at: Some(timestamp(stored.updated_at)),
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
        // Receipt is presumed on the second delivery day at the earliest (law.md §4, HR
        // 25-11-2016): a letter counted from the first would end its term a day early,
        // and a 14-dagenbrief with too early an end earns no collection costs.
        2..=10,
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
        record_service: raw.record_service.unwrap_or(defaults.record_service),
        plan_first_instalment_within_days,
        plan_grace_days,
        attachment_attempts,
        job_max_attempts,
        rates: Default::default(),
        court_fees: Default::default(),
        bailiff_tariffs: Default::default(),
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
        record_service: Some(s.record_service),
        plan_first_instalment_within_days: n(s.plan_first_instalment_within_days),
        plan_grace_days: n(s.plan_grace_days),
        attachment_attempts: n(s.attachment_attempts),
        job_max_attempts: n(s.job_max_attempts),
        created_at: Some(timestamp(p.created_at)),
    }
}
