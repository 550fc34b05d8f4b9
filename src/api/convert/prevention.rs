//! CheckDebtor: the request as who is checked, the answer as the proto message.

use super::fields::{Violations, optional_date, timestamp};
use super::track::verdict_to_proto;
use crate::case::recoverability::TradeLookup;
use crate::case::{FieldViolation, KvkNumber};
use crate::proto as pb;
use crate::workflow::{CheckSubject, DebtorCheck};

/// Who a CheckDebtor request asks about: a KvK number, or a name and city, or a surname
/// and date of birth — exactly one of the three.
pub fn check_subject(r: &pb::CheckDebtorRequest) -> Result<CheckSubject, Vec<FieldViolation>> {
    let mut v = Violations::default();
    let given = |s: &str| !s.trim().is_empty();
    let by_number = given(&r.kvk_number);
    let by_name = given(&r.name) || given(&r.city);
    let by_person =
        given(&r.family_name) || given(&r.date_of_birth) || given(&r.family_name_prefix);
    let ways = [by_number, by_name, by_person]
        .iter()
        .filter(|w| **w)
        .count();
    if ways != 1 {
        v.add(
            "kvk_number",
            "give one of: kvk_number; name and city; family_name and date_of_birth",
        );
        return Err(v.0);
    }
    let subject = if by_number {
        v.check("kvk_number", KvkNumber::parse(&r.kvk_number))
            .map(CheckSubject::Kvk)
    } else if by_name {
        if !given(&r.name) {
            v.add("name", "required with city");
        }
        if !given(&r.city) {
            v.add("city", "required with name");
        }
        Some(CheckSubject::NameAndCity {
            name: r.name.trim().to_owned(),
            city: r.city.trim().to_owned(),
        })
    } else {
        if !given(&r.family_name) {
            v.add("family_name", "required with date_of_birth");
        }
        let born = v
            .check("date_of_birth", optional_date(&r.date_of_birth))
            .flatten();
        if born.is_none() && !given(&r.date_of_birth) {
            v.add("date_of_birth", "required with family_name");
        }
        born.map(|born| CheckSubject::Person {
            family_name: r.family_name.trim().to_owned(),
            prefix: r.family_name_prefix.trim().to_owned(),
            born,
        })
    };
    // Every way to no subject has named its field.
    match subject {
        Some(subject) if v.0.is_empty() => Ok(subject),
        _ => Err(v.0),
    }
}

/// A check as the proto answer.
pub fn check_to_proto(c: &DebtorCheck) -> pb::CheckDebtorResponse {
    let (trade_status, trade_name) = match &c.findings.trade {
        None => ("not consulted".to_owned(), String::new()),
        Some(TradeLookup::NotFound) => ("not found".to_owned(), String::new()),
        Some(TradeLookup::Ambiguous { candidates }) => {
            (format!("ambiguous ({candidates} matches)"), String::new())
        }
        Some(TradeLookup::Found(record)) => (
            match record.ended_on {
                Some(ended) => format!("dissolved on {ended}"),
                // An end date the register gives only partly: ended all the same.
                None if record.ended => "dissolved".to_owned(),
                None => "active".to_owned(),
            },
            record.name.clone(),
        ),
    };
    pb::CheckDebtorResponse {
        check_id: c.id.clone(),
        verdict: Some(verdict_to_proto(
            &c.verdict,
            crate::clock::amsterdam_local(c.checked_at).date(),
        )),
        trade_status,
        trade_name,
        evidence: c
            .findings
            .evidence
            .iter()
            .map(|e| pb::RegisterAnswer {
                register: e.register.clone(),
                operation: e.operation.clone(),
                status: i32::from(e.status),
                body: e.body.clone(),
                fetched_at: Some(timestamp(e.fetched_at)),
                from_cache: e.from_cache,
            })
            .collect(),
        checked_at: Some(timestamp(c.checked_at)),
    }
}
