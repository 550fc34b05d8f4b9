//! `exploot.v1.CalculatorService`: the stateless calculator over `law::quote`.

use tonic::{Request, Response, Status};

use super::convert::{self, Violations};
use super::status::invalid_argument;
use crate::law::DEFAULT_DELIVERY_DAYS;
use crate::law::quote::{self, ClaimQuote, InvoiceInput, PaymentInput, QuoteRequest};
use crate::proto::{self as pb, calculator_service_server::CalculatorService};
use crate::workflow::App;

/// The stateless calculator: nothing is stored, but the rates are the office's (the
/// built-in table with the rows added through `AdminService.AddRate`), read per call.
pub struct CalculatorApi {
    app: App,
}

impl CalculatorApi {
    /// Serves `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

#[tonic::async_trait]
impl CalculatorService for CalculatorApi {
    async fn quote_claim(
        &self,
        request: Request<pb::QuoteClaimRequest>,
    ) -> Result<Response<pb::ClaimQuote>, Status> {
        let mut request = quote_request(request.get_ref()).map_err(|v| invalid_argument(&v))?;
        request.rates = self.app.rate_table().await?;
        let quote = quote::quote(&request).map_err(|v| invalid_argument(&v))?;
        Ok(Response::new(quote_to_proto(&quote, request.as_of)))
    }
}

/// The law's request from the proto, every unreadable field named; the law's own checks
/// (dates in order, amounts in range) run after.
pub fn quote_request(
    r: &pb::QuoteClaimRequest,
) -> Result<QuoteRequest, Vec<crate::case::FieldViolation>> {
    let mut v = Violations::default();
    let debtor_kind = v.check("debtor_kind", convert::debtor_kind(r.debtor_kind));
    let as_of = v.check("as_of", convert::required_date(&r.as_of));
    let letter_sent_on = v
        .check("letter_sent_on", convert::optional_date(&r.letter_sent_on))
        .flatten();
    let delivery_days = match r.letter_delivery_days {
        0 => Some(DEFAULT_DELIVERY_DAYS),
        n => v.check(
            "letter_delivery_days",
            u32::try_from(n).map_err(|_| "must be 1 or more".to_owned()),
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
                convert::required_date(&invoice.due_date),
            );
            let amount = v.check(
                format!("invoices[{i}].amount"),
                convert::positive_amount(&invoice.amount),
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
                convert::required_date(&payment.paid_on),
            );
            let amount = v.check(
                format!("payments[{i}].amount"),
                convert::positive_amount(&payment.amount),
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
pub fn quote_to_proto(q: &ClaimQuote, as_of: chrono::NaiveDate) -> pb::ClaimQuote {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    pb::ClaimQuote {
        principal: q.principal.to_string(),
        interest: q.interest.to_string(),
        collection_costs: q.collection_costs.to_string(),
        collection_costs_vat: q.collection_costs_vat.to_string(),
        paid: q.paid.to_string(),
        total_due: q.total_due.to_string(),
        letter_term_ends_on: date(q.letter_term_ends_on),
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
        collection_costs_due_from: date(q.collection_costs_due_on),
        legal_costs: crate::law::money::Money::ZERO.to_string(),
        warnings: q.warnings.clone(),
    }
}
