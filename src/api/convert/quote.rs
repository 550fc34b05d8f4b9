//! The calculator's request and answer (`QuoteClaim`, `QuoteCase`, `exploot quote`) ⇄ the
//! law's quote.

use chrono::NaiveDate;

use super::enums::debtor_kind;
use super::fields::{Violations, date_text, optional_date, positive_amount, required_date};
use crate::case::FieldViolation;
use crate::law::DEFAULT_DELIVERY_DAYS;
use crate::law::quote::{ClaimQuote, InvoiceInput, PaymentInput, QuoteRequest};
use crate::proto as pb;

/// The law's request from the proto, every unreadable field named; the law's own checks
/// (dates in order, amounts in range) run after.
pub fn quote_request(r: &pb::QuoteClaimRequest) -> Result<QuoteRequest, Vec<FieldViolation>> {
    let mut v = Violations::default();
    let debtor_kind = v.check("debtor_kind", debtor_kind(r.debtor_kind));
    let as_of = v.check("as_of", required_date(&r.as_of));
    let letter_sent_on = v
        .check("letter_sent_on", optional_date(&r.letter_sent_on))
        .flatten();
    // As a policy's: the second delivery day at the earliest (HR 25-11-2016), and a
    // bound, so a huge count cannot make the presumed receipt walk for millions of days.
    let delivery_days = match r.letter_delivery_days {
        0 => Some(DEFAULT_DELIVERY_DAYS),
        n => v.check(
            "letter_delivery_days",
            u32::try_from(n)
                .ok()
                .filter(|n| (2..=10).contains(n))
                .ok_or_else(|| "must be from 2 to 10 (0: 2)".to_owned()),
        ),
    };
    if r.invoices.is_empty() {
        v.add("invoices", "at least one invoice");
    }
    let invoices: Vec<InvoiceInput> = r
        .invoices
        .iter()
        .enumerate()
        .filter_map(|(i, invoice)| {
            let due_date = v.check(
                format!("invoices[{i}].due_date"),
                required_date(&invoice.due_date),
            );
            let amount = v.check(
                format!("invoices[{i}].amount"),
                positive_amount(&invoice.amount),
            );
            Some(InvoiceInput {
                number: invoice.number.trim().to_owned(),
                due_date: due_date?,
                amount: amount?,
            })
        })
        .collect();
    let payments: Vec<PaymentInput> = r
        .payments
        .iter()
        .enumerate()
        .filter_map(|(i, payment)| {
            let paid_on = v.check(
                format!("payments[{i}].paid_on"),
                required_date(&payment.paid_on),
            );
            let amount = v.check(
                format!("payments[{i}].amount"),
                positive_amount(&payment.amount),
            );
            let designated = payment.invoice_number.trim();
            Some(PaymentInput {
                paid_on: paid_on?,
                amount: amount?,
                invoice_number: (!designated.is_empty()).then(|| designated.to_owned()),
            })
        })
        .collect();
    let (Some(debtor_kind), Some(as_of), Some(delivery_days)) = (debtor_kind, as_of, delivery_days)
    else {
        return Err(v.0);
    };
    v.into_result(|| QuoteRequest {
        debtor_kind,
        invoices,
        payments,
        as_of,
        letter_sent_on,
        vat_on_collection_costs: r.vat_on_collection_costs,
        delivery_days,
        awarded_costs: None,
        // The built-in table; the server hands in the office's.
        rates: crate::law::rates::RateTable::default(),
    })
}

/// The law's quote as the proto message.
pub fn quote_to_proto(q: &ClaimQuote, as_of: NaiveDate) -> pb::ClaimQuote {
    pb::ClaimQuote {
        principal: q.principal.to_string(),
        interest: q.interest.to_string(),
        collection_costs: q.collection_costs.to_string(),
        collection_costs_vat: q.collection_costs_vat.to_string(),
        paid: q.paid.to_string(),
        total_due: q.total_due.to_string(),
        letter_term_ends_on: date_text(q.letter_term_ends_on),
        interest_periods: q
            .interest_periods
            .iter()
            .map(|p| pb::InterestPeriod {
                invoice_number: p.invoice_number.clone(),
                from: p.from.to_string(),
                to: p.to.to_string(),
                rate: p.rate.to_string(),
                base: p.base.to_string(),
                amount: p.amount.to_string(),
            })
            .collect(),
        overpaid: q.overpaid.to_string(),
        as_of: as_of.to_string(),
        collection_costs_due_from: date_text(q.collection_costs_due_on),
        legal_costs: crate::law::money::Money::ZERO.to_string(),
        warnings: q.warnings.clone(),
    }
}
