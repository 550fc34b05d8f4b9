//! A payment received, at any stage: allocated by art. 6:43/6:44 BW (post-judgment costs,
//! collection costs, interest, principal) as the law's quote computes it; an overpayment is
//! recorded as such; paid in full closes the case from wherever it stands.

use chrono::NaiveDate;
use serde_json::json;

use super::{stay, with_track};
use crate::case::decision::{Decision, Rejection};
use crate::case::policy::TrackPolicy;
use crate::case::record::CaseRecord;
use crate::case::stage::CloseReason;
use crate::case::track::{PaymentRecord, allocate, owed};
use crate::law::money::Money;

/// RecordPayment.
pub(crate) fn received(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    payment: &PaymentRecord,
) -> Result<Decision, Rejection> {
    if payment.paid_on > today {
        return Err(Rejection::Unknown(format!(
            "a payment dated {} lies in the future",
            payment.paid_on
        )));
    }
    if let Some(last) = case.track.payments.last()
        && payment.paid_on < last.paid_on
    {
        return Err(Rejection::Unknown(format!(
            "a payment dated {} precedes the last one recorded ({}); allocations are final",
            payment.paid_on, last.paid_on
        )));
    }
    let mut record = allocate(case, policy, payment).map_err(Rejection::Unknown)?;
    record.recorded_on = today;
    let mut track = case.track.clone();
    track.payments.push(record.clone());
    let after = owed(
        &with_track(case, &track),
        policy,
        payment.paid_on.max(today),
    )
    .map_err(Rejection::Unknown)?;
    let c = Money::from_cents;
    let amounts = vec![
        ("amount", c(record.amount_cents)),
        ("to_legal_costs", c(record.to_legal_costs_cents)),
        ("to_collection_costs", c(record.to_costs_cents)),
        ("to_interest", c(record.to_interest_cents)),
        ("to_principal", c(record.to_principal_cents)),
        ("overpaid", c(record.overpaid_cents)),
        ("still_owed", after.total),
    ];
    let data = json!({ "payment": record });
    if after.total.is_zero() {
        let mut d = super::close(
            case,
            track,
            policy,
            today,
            "payment_recorded",
            CloseReason::Paid,
            format!("paid in full on {}", payment.paid_on),
            Vec::new(),
        );
        d.audit.amounts = amounts;
        d.audit.data["payment"] = data["payment"].clone();
        return Ok(d);
    }
    let mut d = stay(
        case,
        track,
        "payment_recorded",
        format!(
            "{} received on {}; {} still owed",
            c(record.amount_cents).format_nl(),
            payment.paid_on,
            after.total.format_nl()
        ),
        Vec::new(),
    );
    d.audit.amounts = amounts;
    d.audit.data = data;
    Ok(d)
}
