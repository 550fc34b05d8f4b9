//! Proto ⇄ domain for the track: payments, instalments, holds, judgments, the quote of a
//! case, and the track's fields of `Case`.

use chrono::NaiveDate;

use super::enums::proto_stage;
use super::fields::{
    Violations, cents, date_text, euros, optional_date, positive_amount, required_date, timestamp,
};
use super::quote::quote_to_proto;
use crate::case::FieldViolation;
use crate::case::recoverability::VerdictKind;
use crate::case::track::{
    InstalmentRecord, JudgmentRecord, Owed, PaymentRecord, TrackState, resumes_stage,
};
use crate::law::money::Money;
use crate::proto as pb;

/// A RecordPayment request's payment; its id is the request id (required: a payment is
/// recorded once).
pub fn payment(r: &pb::RecordPaymentRequest) -> Result<PaymentRecord, Vec<FieldViolation>> {
    let mut v = Violations::default();
    if r.request_id.trim().is_empty() {
        v.add("request_id", "required: the same payment is recorded once");
    }
    if r.case_id.is_empty() {
        v.add("case_id", "required");
    }
    let p = r.payment.clone().unwrap_or_default();
    if r.payment.is_none() {
        v.add("payment", "required");
    }
    let paid_on = v.check("payment.paid_on", required_date(&p.paid_on));
    let amount = v.check("payment.amount", positive_amount(&p.amount));
    v.into_result(|| PaymentRecord {
        id: r.request_id.trim().to_owned(),
        paid_on: paid_on.unwrap_or_default(),
        amount_cents: amount.map(cents).unwrap_or_default(),
        invoice_number: Some(p.invoice_number.trim().to_owned()).filter(|n| !n.is_empty()),
        reference: p.reference,
        paid_to_client: p.paid_to_client,
        attachment: Some(p.attachment).filter(|n| *n > 0),
        ..PaymentRecord::default()
    })
}

/// A payment as recorded.
pub fn recorded_payment(p: &PaymentRecord) -> pb::RecordedPayment {
    pb::RecordedPayment {
        id: p.id.clone(),
        payment: Some(pb::Payment {
            paid_on: p.paid_on.to_string(),
            amount: euros(p.amount_cents),
            invoice_number: p.invoice_number.clone().unwrap_or_default(),
            reference: p.reference.clone(),
            paid_to_client: p.paid_to_client,
            attachment: p.attachment.unwrap_or_default(),
        }),
        // Post-judgment legal costs are costs too (art. 6:44 BW).
        to_costs: euros(p.to_costs_cents + p.to_legal_costs_cents),
        to_interest: euros(p.to_interest_cents),
        to_principal: euros(p.to_principal_cents),
        overpaid: euros(p.overpaid_cents),
        recorded_at: p.recorded_at.map(timestamp),
    }
}

/// A ReversePayment request's event.
pub fn reversal(r: &pb::ReversePaymentRequest) -> Result<crate::case::Event, Vec<FieldViolation>> {
    let mut v = Violations::default();
    for (field, value) in [
        ("case_id", &r.case_id),
        ("request_id", &r.request_id),
        ("payment_id", &r.payment_id),
    ] {
        if value.trim().is_empty() {
            v.add(field, "required");
        }
    }
    let reversed_on = v.check("reversed_on", required_date(&r.reversed_on));
    v.into_result(|| crate::case::Event::PaymentReversed {
        payment_id: r.payment_id.trim().to_owned(),
        reversed_on: reversed_on.unwrap_or_default(),
        reason: r.reason.trim().to_owned(),
    })
}

/// The instalments of a ProposePaymentPlan request.
pub fn instalments(raw: &[pb::Instalment]) -> Result<Vec<InstalmentRecord>, Vec<FieldViolation>> {
    let mut v = Violations::default();
    if raw.is_empty() {
        v.add("instalments", "at least one");
    }
    let list: Vec<InstalmentRecord> = raw
        .iter()
        .enumerate()
        .map(|(n, i)| InstalmentRecord {
            due_on: v.check(format!("instalments[{n}].due_on"), required_date(&i.due_on)),
            amount_cents: v
                .check(
                    format!("instalments[{n}].amount"),
                    positive_amount(&i.amount),
                )
                .map(cents)
                .unwrap_or_default(),
        })
        .collect();
    v.into_result(|| list)
}

/// The stored reason of a hold.
pub fn hold_reason(raw: i32) -> Result<&'static str, Vec<FieldViolation>> {
    use pb::put_on_hold_request::Reason;
    match Reason::try_from(raw) {
        Ok(Reason::Dispute) => Ok("dispute"),
        Ok(Reason::ClientInstruction) => Ok("client_instruction"),
        Ok(Reason::Other) => Ok("other"),
        _ => Err(vec![FieldViolation::new(
            "reason",
            "DISPUTE, CLIENT_INSTRUCTION or OTHER",
        )]),
    }
}

/// A RegisterJudgment request's judgment.
pub fn judgment(raw: Option<&pb::Judgment>) -> Result<JudgmentRecord, Vec<FieldViolation>> {
    use pb::judgment::{Kind, Outcome};
    let mut v = Violations::default();
    let Some(j) = raw else {
        return Err(vec![FieldViolation::new("judgment", "required")]);
    };
    let date = v.check("judgment.judgment_date", required_date(&j.judgment_date));
    let kind = match Kind::try_from(j.kind) {
        Ok(Kind::Default) => "default",
        Ok(Kind::Contested) => "contested",
        _ => {
            v.add("judgment.kind", "DEFAULT or CONTESTED");
            ""
        }
    };
    let outcome = match Outcome::try_from(j.outcome) {
        Ok(Outcome::Awarded) => "awarded",
        Ok(Outcome::PartlyAwarded) => "partly_awarded",
        Ok(Outcome::Dismissed) => "dismissed",
        _ => {
            v.add("judgment.outcome", "AWARDED, PARTLY_AWARDED or DISMISSED");
            ""
        }
    };
    let mut amount = |field: &str, text: &str| -> i64 {
        if text.is_empty() {
            return 0;
        }
        v.check(
            format!("judgment.{field}"),
            Money::parse(text).map_err(|e| e.to_string()).and_then(|m| {
                if m.is_negative() {
                    Err("0 or more".into())
                } else {
                    Ok(m)
                }
            }),
        )
        .map(cents)
        .unwrap_or_default()
    };
    let awarded_principal = amount("awarded_principal", &j.awarded_principal);
    let awarded_costs = amount("awarded_collection_costs", &j.awarded_collection_costs);
    let legal_costs = amount("legal_costs", &j.legal_costs);
    let interest_from = v
        .check("judgment.interest_from", optional_date(&j.interest_from))
        .flatten();
    let interest_kind = match pb::judgment::InterestKind::try_from(j.interest_kind) {
        Ok(pb::judgment::InterestKind::Unspecified) => "",
        Ok(pb::judgment::InterestKind::Statutory) => "statutory",
        Ok(pb::judgment::InterestKind::Commercial) => "commercial",
        Err(_) => {
            v.add(
                "judgment.interest_kind",
                "UNSPECIFIED (as claimed), STATUTORY or COMMERCIAL",
            );
            ""
        }
    };
    v.into_result(|| JudgmentRecord {
        judgment_date: date,
        kind: kind.into(),
        outcome: outcome.into(),
        awarded_principal_cents: awarded_principal,
        interest_from,
        awarded_collection_costs_cents: awarded_costs,
        legal_costs_cents: legal_costs,
        court_case_number: j.court_case_number.clone(),
        interest_kind: interest_kind.into(),
        provisionally_enforceable: j.provisionally_enforceable,
        // The track decides these when it registers the judgment.
        ..JudgmentRecord::default()
    })
}

/// What a case owes, as the calculator's quote message; post-judgment legal costs are
/// in `legal_costs` and in the total.
pub fn owed_to_proto(owed: &Owed, as_of: NaiveDate) -> pb::ClaimQuote {
    let mut q = quote_to_proto(&owed.quote, as_of);
    q.legal_costs = owed.legal_costs.to_string();
    q.total_due = owed.total.to_string();
    q
}

/// A verdict drawn on a day as the proto message (a case's check, or CheckDebtor's).
pub(super) fn verdict_to_proto(
    verdict: &crate::case::recoverability::Verdict,
    checked_on: NaiveDate,
) -> pb::Recoverability {
    use pb::recoverability::Verdict;
    pb::Recoverability {
        verdict: match verdict.kind {
            VerdictKind::Proceed => Verdict::Proceed,
            VerdictKind::Review => Verdict::Review,
            VerdictKind::Stop => Verdict::Stop,
        }
        .into(),
        reasons: verdict.reasons.iter().map(|x| x.text.clone()).collect(),
        checked_on: checked_on.to_string(),
        insolvency_number: verdict.insolvency_number.clone().unwrap_or_default(),
        administrator_name: verdict.administrator_name(),
        administrator_address: verdict.administrator_address(),
    }
}

/// The attachments of a case, each with its statement and yield.
fn attachments(track: &TrackState) -> Vec<pb::Attachment> {
    let Some(execution) = track.execution.as_ref() else {
        return Vec::new();
    };
    execution
        .attachments
        .iter()
        .zip(1u32..)
        .map(|(a, number)| {
            let y = track.attachment_yield(number);
            let garnishee = match a.garnishee.as_slice() {
                [name, street, postcode, city] => format!("{name}, {street}, {postcode} {city}"),
                other => other.join(", "),
            };
            let amount = |cents: i64| {
                if cents == 0 {
                    String::new()
                } else {
                    euros(cents)
                }
            };
            pb::Attachment {
                number,
                kind: a.kind.clone(),
                made_on: date_text(a.made_on),
                result: a.result.clone(),
                garnishee,
                fee: euros(a.fee_cents),
                statement_due_on: date_text(a.statement_due_on),
                statement: a.statement.as_ref().map(|s| pb::GarnisheeStatement {
                    received_on: date_text(s.received_on),
                    result: s.result.clone(),
                    held: amount(s.held_cents),
                    monthly: amount(s.monthly_cents),
                    ahead: s.ahead.clone(),
                    remarks: s.remarks.clone(),
                }),
                protected_income: a.protected_income_cents.map(euros).unwrap_or_default(),
                monthly_payment: amount(a.monthly_payment_cents),
                inventory: a.inventory.clone(),
                valuation: amount(a.valuation_cents),
                received: euros(y.received_cents),
                payments: i32::try_from(y.payments).unwrap_or(i32::MAX),
                last_payment_on: date_text(y.last_paid_on),
            }
        })
        .collect()
}

/// The track's fields of a `Case`.
pub fn fill(case: &mut pb::Case, track: &TrackState) {
    case.attachments = attachments(track);
    case.letter_sent_on = date_text(track.letter_sent_on);
    case.letter_term_ends_on = date_text(track.letter_term_ends_on);
    case.payments = track.payments.iter().map(recorded_payment).collect();
    case.recoverability = track
        .recoverability
        .as_ref()
        .map(|r| verdict_to_proto(&r.verdict, r.checked_on));
    case.summons = track.summons.as_ref().map(|s| pb::Summons {
        court: s.court.clone(),
        subdistrict: s.subdistrict,
        hearing_date: date_text(s.hearing_date),
        planned_service_on: date_text(s.planned_service_on),
        served_on: date_text(s.served_on),
        claim_total: euros(s.claim_total_cents),
        court_fee: euros(s.court_fee_cents),
        bailiff_fee: euros(s.bailiff_fee_cents),
        approved: s.approved,
    });
    case.judgment = track.judgment.as_ref().map(|j| {
        use pb::judgment::{Kind, Outcome};
        pb::Judgment {
            judgment_date: date_text(j.judgment_date),
            kind: match j.kind.as_str() {
                "default" => Kind::Default,
                "contested" => Kind::Contested,
                _ => Kind::Unspecified,
            }
            .into(),
            outcome: match j.outcome.as_str() {
                "awarded" => Outcome::Awarded,
                "partly_awarded" => Outcome::PartlyAwarded,
                "dismissed" => Outcome::Dismissed,
                _ => Outcome::Unspecified,
            }
            .into(),
            awarded_principal: euros(j.awarded_principal_cents),
            interest_from: date_text(j.interest_from),
            awarded_collection_costs: euros(j.awarded_collection_costs_cents),
            legal_costs: euros(j.legal_costs_cents),
            court_case_number: j.court_case_number.clone(),
            served_on: date_text(j.served_on),
            provisionally_enforceable: Some(j.provisional()),
            interest_kind: match j.interest_kind.as_str() {
                "statutory" => pb::judgment::InterestKind::Statutory,
                "commercial" => pb::judgment::InterestKind::Commercial,
                _ => pb::judgment::InterestKind::Unspecified,
            }
            .into(),
        }
    });
    case.payment_plan = track.plan.as_ref().map(|p| {
        let paid = p.paid_towards(&track.payments);
        pb::PaymentPlan {
            instalments: p
                .instalments
                .iter()
                .zip(paid)
                .map(|(i, paid)| pb::Instalment {
                    due_on: date_text(i.due_on),
                    amount: euros(i.amount_cents),
                    paid: euros(paid),
                })
                .collect(),
            agreed_on: date_text(p.agreed_on),
            lapsed: p.lapsed,
            resumes_stage: resumes_stage(p)
                .map_or(pb::Stage::Unspecified, proto_stage)
                .into(),
        }
    });
    case.final_statement = track.statement.as_ref().map(|s| pb::FinalStatement {
        closed_on: date_text(s.closed_on),
        reason: s.reason.clone(),
        received: euros(s.received_cents),
        paid_out: euros(s.paid_out_cents),
        principal: euros(s.principal_cents),
        interest: euros(s.interest_cents),
        office_costs: euros(s.office_costs_cents),
        overpaid: euros(s.overpaid_cents),
        outstanding: euros(s.outstanding_cents),
        advice: s.advice.clone(),
        client_costs: euros(s.client_costs_cents),
    });
    case.client_costs = euros(track.client_charges().iter().map(|c| c.amount_cents).sum());
}
