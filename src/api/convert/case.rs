//! A case as the proto message.

use super::claim::proto_address;
use super::enums::{proto_close_reason, proto_kind, proto_stage, proto_suspension};
use super::fields::{date_text, timestamp};
use crate::case::CaseRecord;
use crate::proto as pb;

/// A case as the proto message.
pub fn case_to_proto(case: &CaseRecord) -> pb::Case {
    let d = &case.claim.debtor;
    let mut proto = pb::Case {
        id: case.id.clone(),
        client_id: case.claim.client_id.as_str().to_owned(),
        client_reference: case.claim.client_reference.clone(),
        payment_reference: case.payment_reference.as_str().to_owned(),
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
