//! What a claim comes to on a given day (`CalculatorService.QuoteClaim`): principal,
//! statutory interest, collection costs and payments, computed statelessly from the
//! invoices and payments.
//!
//! - Consumers earn art. 6:119 interest, businesses art. 6:119a ([`DebtorKind`]).
//! - Collection costs (BIK, [`collection_costs`](super::collection_costs)), the staffel
//!   once over the invoices collected together:
//!   - consumers owe them only when a 14-dagenbrief date is given and its term ran out
//!     unpaid (`as_of` after the last day to pay); they fall due the day after the last day
//!     to pay, over the principal still unpaid at the start of that day, so a partial
//!     payment inside the term lowers the base (HR 25-11-2016, ECLI:NL:HR:2016:2704). Only
//!     invoices already due before the letter was sent count: a 14-dagenbrief can only be
//!     sent after *verzuim* (art. 6:96 lid 6 BW), so it cannot cover a later invoice;
//!   - businesses owe them from the day after the earliest due date, over the principal of
//!     all invoices unpaid at the start of that day (for B2B the staffel applies by default,
//!     no 14-dagenbrief needed).
//!   - Nothing unpaid on that day, no costs. VAT (at the rate of the day they fall due) only
//!     when asked for (`vat_on_collection_costs`: the creditor cannot deduct VAT).
//! - Payments are applied in date order (same-day payments in the order given) by
//!   [`allocation`](super::allocation): costs due that day, then invoice by invoice, interest
//!   then principal, on the day paid; interest continues on what is left.
//! - The Besluit's staffel applies where *verzuim* began on or after 2012-07-01; older
//!   claims are quoted with it all the same (the caller decides whether to claim them).

use chrono::{Datelike, Days, NaiveDate};

use super::allocation::{Debt, allocate_cents};
use super::collection_costs::{collection_costs, collection_costs_vat};
use super::interest::{InterestAccount, InterestError};
use super::letter::{DEFAULT_DELIVERY_DAYS, letter_term};
use super::money::Money;
use super::rates::{Rate, RateSeries, first_known_day};

/// Who owes: decides the interest series and when collection costs are owed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DebtorKind {
    /// A natural person not acting in a profession or business (*consument*): art. 6:119,
    /// collection costs only after a 14-dagenbrief.
    Consumer,
    /// A business or legal person (*handelstransactie*): art. 6:119a, collection costs
    /// from the day after the due date.
    Business,
}

impl DebtorKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DebtorKind::Consumer => "consumer",
            DebtorKind::Business => "business",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<DebtorKind> {
        match text {
            "consumer" => Some(DebtorKind::Consumer),
            "business" => Some(DebtorKind::Business),
            _ => None,
        }
    }

    /// The statutory interest series this debtor owes.
    pub fn rate_series(self) -> RateSeries {
        match self {
            DebtorKind::Consumer => RateSeries::Statutory,
            DebtorKind::Business => RateSeries::Commercial,
        }
    }
}

/// One invoice (*factuur*) of the claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceInput {
    /// The creditor's invoice number; unique within the claim.
    pub number: String,
    /// Due date (*vervaldatum*); interest runs from the day after.
    pub due_date: NaiveDate,
    /// The invoice's principal (*hoofdsom*), more than zero.
    pub amount: Money,
}

/// One payment (*betaling*) by the debtor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentInput {
    /// Day the payment was received.
    pub paid_on: NaiveDate,
    /// Amount paid, more than zero.
    pub amount: Money,
    /// The invoice the debtor designated (art. 6:43 lid 1 BW), if any.
    pub invoice_number: Option<String>,
}

/// Everything `QuoteClaim` needs; no state, no clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteRequest {
    /// Consumer or business.
    pub debtor_kind: DebtorKind,
    /// The invoices collected together; at least one.
    pub invoices: Vec<InvoiceInput>,
    /// Payments received.
    pub payments: Vec<PaymentInput>,
    /// The day the quote is for: interest up to and including it.
    pub as_of: NaiveDate,
    /// Sending day of the 14-dagenbrief, if one was sent.
    pub letter_sent_on: Option<NaiveDate>,
    /// The creditor cannot deduct VAT, so VAT is charged on collection costs.
    pub vat_on_collection_costs: bool,
    /// Delivery days until presumed receipt of the letter (policy; default 2).
    pub delivery_days: u32,
}

impl QuoteRequest {
    /// A request with no invoices, payments or letter, no VAT and the default delivery days.
    pub fn new(debtor_kind: DebtorKind, as_of: NaiveDate) -> QuoteRequest {
        QuoteRequest {
            debtor_kind,
            invoices: Vec::new(),
            payments: Vec::new(),
            as_of,
            letter_sent_on: None,
            vat_on_collection_costs: false,
            delivery_days: DEFAULT_DELIVERY_DAYS,
        }
    }
}

/// One itemised interest period of one invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteInterestPeriod {
    /// The invoice the period belongs to.
    pub invoice_number: String,
    /// First day of interest.
    pub from: NaiveDate,
    /// Last day of interest (inclusive).
    pub to: NaiveDate,
    /// Yearly rate in force.
    pub rate: Rate,
    /// Principal plus capitalised interest the rate applied to.
    pub base: Money,
    /// Interest of the period (the periods add up to all interest ever charged, paid or
    /// not).
    pub amount: Money,
}

/// What the claim comes to on `as_of`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimQuote {
    /// Unpaid principal (*hoofdsom*).
    pub principal: Money,
    /// Unpaid interest, capitalised or not.
    pub interest: Money,
    /// Unpaid collection costs, excluding VAT.
    pub collection_costs: Money,
    /// Unpaid VAT on collection costs.
    pub collection_costs_vat: Money,
    /// Total of all payments.
    pub paid: Money,
    /// Principal + interest + collection costs + their VAT.
    pub total_due: Money,
    /// Last day to pay without collection costs, when a letter date was given.
    pub letter_term_ends_on: Option<NaiveDate>,
    /// The day collection costs fell due, if they did by `as_of`.
    pub collection_costs_due_on: Option<NaiveDate>,
    /// Itemised interest, invoice by invoice (oldest due first), each in time order.
    pub interest_periods: Vec<QuoteInterestPeriod>,
    /// Paid beyond everything owed at the time of payment (to be refunded).
    pub overpaid: Money,
}

/// One thing wrong with a request, named by its field path (`invoices[1].amount`), so the
/// API can answer with one INVALID_ARGUMENT listing every bad field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Field path in the request, as in the proto (`payments[0].paid_on`).
    pub field: String,
    /// What is wrong, in English, for a person to act on.
    pub description: String,
}

/// The earliest year a quote handles: interest rates are known from 1976 and dates before
/// 1900 are surely a typing error.
const FIRST_YEAR: i32 = 1900;
/// The latest year a quote handles: keeps every figure far from overflow.
const LAST_YEAR: i32 = 2199;
/// The largest single amount a quote handles: € 1,000,000,000,000.
const MAX_AMOUNT_EUROS: i64 = 1_000_000_000_000;

impl Violation {
    /// A violation of `field`.
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Violation {
        violation(field, description)
    }
}

fn violation(field: impl Into<String>, description: impl Into<String>) -> Violation {
    Violation {
        field: field.into(),
        description: description.into(),
    }
}

fn check_amount(out: &mut Vec<Violation>, field: String, amount: Money) {
    if !amount.is_positive() {
        out.push(violation(field, "must be more than zero"));
    } else if amount.to_cents().is_err() {
        out.push(violation(
            field,
            "must be whole cents (at most two decimals)",
        ));
    } else if amount > Money::from_euros(MAX_AMOUNT_EUROS) {
        out.push(violation(field, "must be at most 1000000000000.00"));
    }
}

fn check_year(out: &mut Vec<Violation>, field: &str, date: NaiveDate) -> bool {
    let ok = (FIRST_YEAR..=LAST_YEAR).contains(&date.year());
    if !ok {
        out.push(violation(
            field,
            format!("must lie in the years {FIRST_YEAR} to {LAST_YEAR}"),
        ));
    }
    ok
}

/// Every violation in the request (empty when it can be quoted): no invoices; an amount of
/// zero or less, or not whole cents; duplicate or empty invoice numbers; a due date before
/// the rate table; `as_of` before a due date; a payment before the earliest due date or
/// after `as_of`, or designating an unknown invoice; a letter sent on or before the
/// earliest due date (a 14-dagenbrief must follow *verzuim*, art. 6:96 lid 6 BW); zero
/// delivery days.
pub fn validate(request: &QuoteRequest) -> Vec<Violation> {
    let mut out = Vec::new();
    let as_of_ok = check_year(&mut out, "as_of", request.as_of);
    if request.invoices.is_empty() {
        out.push(violation("invoices", "at least one invoice is needed"));
    }
    let first_rate_day = first_known_day(request.debtor_kind.rate_series());
    let mut earliest_due: Option<NaiveDate> = None;
    for (i, invoice) in request.invoices.iter().enumerate() {
        let number = invoice.number.trim();
        if number.is_empty() {
            out.push(violation(
                format!("invoices[{i}].number"),
                "must not be empty",
            ));
        } else if let Some(first) = request.invoices[..i]
            .iter()
            .position(|other| other.number.trim() == number)
        {
            out.push(violation(
                format!("invoices[{i}].number"),
                format!("duplicate invoice number {number:?} (also invoices[{first}])"),
            ));
        }
        check_amount(&mut out, format!("invoices[{i}].amount"), invoice.amount);
        let field = format!("invoices[{i}].due_date");
        if check_year(&mut out, &field, invoice.due_date) {
            if invoice.due_date + Days::new(1) < first_rate_day {
                out.push(violation(
                    field,
                    format!("interest rates for this debtor are known from {first_rate_day} only"),
                ));
            }
            earliest_due = Some(earliest_due.map_or(invoice.due_date, |e| e.min(invoice.due_date)));
            if as_of_ok && request.as_of < invoice.due_date {
                out.push(violation(
                    "as_of",
                    format!(
                        "is before the due date of invoices[{i}] ({})",
                        invoice.due_date
                    ),
                ));
            }
        }
    }
    for (i, payment) in request.payments.iter().enumerate() {
        check_amount(&mut out, format!("payments[{i}].amount"), payment.amount);
        let field = format!("payments[{i}].paid_on");
        if check_year(&mut out, &field, payment.paid_on) {
            if let Some(earliest) = earliest_due
                && payment.paid_on < earliest
            {
                out.push(violation(
                    &field,
                    format!("is before the earliest due date ({earliest})"),
                ));
            }
            if as_of_ok && payment.paid_on > request.as_of {
                out.push(violation(field, "is after as_of"));
            }
        }
        if let Some(number) = &payment.invoice_number
            && !request
                .invoices
                .iter()
                .any(|invoice| invoice.number.trim() == number.trim())
        {
            out.push(violation(
                format!("payments[{i}].invoice_number"),
                format!("no invoice numbered {number:?}"),
            ));
        }
    }
    if let Some(sent) = request.letter_sent_on
        && check_year(&mut out, "letter_sent_on", sent)
        && let Some(earliest) = earliest_due
        && sent <= earliest
    {
        out.push(violation(
            "letter_sent_on",
            format!(
                "must be after the earliest due date ({earliest}): a 14-dagenbrief can only \
                 be sent once the debtor is in default (verzuim, art. 6:96 lid 6 BW)"
            ),
        ));
    }
    if request.delivery_days == 0 {
        out.push(violation("delivery_days", "must be at least 1"));
    }
    out
}

/// One invoice's running account inside a quote.
struct Account<'a> {
    number: &'a str,
    counts_for_costs: bool,
    interest: InterestAccount,
}

impl Debt for Account<'_> {
    fn due_date(&self) -> NaiveDate {
        self.interest.due_date()
    }
    fn number(&self) -> &str {
        self.number
    }
    fn pay_interest(&mut self, available: i64) -> i64 {
        self.interest.pay_interest_cents(available)
    }
    fn pay_principal(&mut self, available: i64) -> i64 {
        self.interest.pay_principal_cents(available)
    }
}

/// Computes the claim on `as_of`, or returns every violation of the request.
pub fn quote(request: &QuoteRequest) -> Result<ClaimQuote, Vec<Violation>> {
    let violations = validate(request);
    if !violations.is_empty() {
        return Err(violations);
    }
    compute(request).map_err(|e| vec![violation("invoices", e.to_string())])
}

fn compute(request: &QuoteRequest) -> Result<ClaimQuote, InterestError> {
    let series = request.debtor_kind.rate_series();
    let as_of = request.as_of;
    let mut invoices: Vec<&InvoiceInput> = request.invoices.iter().collect();
    invoices.sort_by(|a, b| (a.due_date, &a.number).cmp(&(b.due_date, &b.number)));
    let earliest_due = invoices[0].due_date;

    let letter = request
        .letter_sent_on
        .map(|sent| letter_term(sent, request.delivery_days));
    let costs_due_on = match request.debtor_kind {
        DebtorKind::Consumer => letter.map(|t| t.costs_due_from()),
        DebtorKind::Business => Some(earliest_due + Days::new(1)),
    }
    .filter(|&day| day <= as_of);

    let mut accounts = invoices
        .iter()
        .map(|invoice| {
            Ok(Account {
                number: invoice.number.trim(),
                counts_for_costs: match (request.debtor_kind, request.letter_sent_on) {
                    (DebtorKind::Consumer, Some(sent)) => invoice.due_date < sent,
                    _ => true,
                },
                interest: InterestAccount::new(series, invoice.due_date, invoice.amount)?,
            })
        })
        .collect::<Result<Vec<_>, InterestError>>()?;

    let mut payments: Vec<&PaymentInput> = request.payments.iter().collect();
    payments.sort_by_key(|p| p.paid_on);

    // Collection costs are fixed once, on the day they fall due; zero until then.
    let mut costs_fixed = false;
    let (mut open_costs, mut open_vat) = (0_i64, 0_i64);
    let fix_costs = |accounts: &[Account], due_on: NaiveDate| {
        let base: Money = accounts
            .iter()
            .filter(|a| a.counts_for_costs)
            .map(|a| a.interest.principal())
            .sum();
        let amount = collection_costs(base);
        let vat = if request.vat_on_collection_costs {
            collection_costs_vat(amount, due_on)
        } else {
            Money::ZERO
        };
        // Both are whole cents below € 10,000 by construction of the staffel.
        (
            amount.to_cents().unwrap_or_default(),
            vat.to_cents().unwrap_or_default(),
        )
    };

    let mut paid = Money::ZERO;
    let mut overpaid = Money::ZERO;
    for payment in payments {
        if !costs_fixed
            && let Some(due_on) = costs_due_on
            && due_on <= payment.paid_on
        {
            (open_costs, open_vat) = fix_costs(&accounts, due_on);
            costs_fixed = true;
        }
        for account in &mut accounts {
            account.interest.accrue_through(payment.paid_on)?;
        }
        let designated = payment.invoice_number.as_deref().and_then(|number| {
            accounts
                .iter()
                .position(|account| account.number == number.trim())
        });
        let cents = payment.amount.to_cents().unwrap_or_default();
        let allocation = allocate_cents(
            cents,
            &mut open_costs,
            &mut open_vat,
            &mut accounts,
            designated,
        );
        paid += payment.amount;
        overpaid += allocation.overpaid;
    }
    if !costs_fixed && let Some(due_on) = costs_due_on {
        (open_costs, open_vat) = fix_costs(&accounts, due_on);
    }

    let mut principal = Money::ZERO;
    let mut interest = Money::ZERO;
    let mut interest_periods = Vec::new();
    for account in accounts {
        let mut running = account.interest;
        running.accrue_through(as_of)?;
        principal += running.principal();
        interest += running.interest_due();
        interest_periods.extend(
            running
                .into_periods()
                .into_iter()
                .map(|p| QuoteInterestPeriod {
                    invoice_number: account.number.to_owned(),
                    from: p.from,
                    to: p.to,
                    rate: p.rate,
                    base: p.base,
                    amount: p.amount,
                }),
        );
    }
    let collection_costs = Money::from_cents(open_costs);
    let collection_costs_vat = Money::from_cents(open_vat);
    Ok(ClaimQuote {
        principal,
        interest,
        collection_costs,
        collection_costs_vat,
        paid,
        total_due: principal + interest + collection_costs + collection_costs_vat,
        letter_term_ends_on: letter.map(|t| t.last_day_to_pay),
        collection_costs_due_on: costs_due_on,
        interest_periods,
        overpaid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn invoice(number: &str, due: &str, amount: &str) -> InvoiceInput {
        InvoiceInput {
            number: number.into(),
            due_date: d(due),
            amount: m(amount),
        }
    }

    fn payment(on: &str, amount: &str, designated: Option<&str>) -> PaymentInput {
        PaymentInput {
            paid_on: d(on),
            amount: m(amount),
            invoice_number: designated.map(Into::into),
        }
    }

    fn consumer(as_of: &str) -> QuoteRequest {
        let mut r = QuoteRequest::new(DebtorKind::Consumer, d(as_of));
        r.invoices.push(invoice("F1", "2024-01-31", "1000"));
        r.letter_sent_on = Some(d("2024-02-06"));
        r
    }

    #[test]
    fn consumer_after_the_letter_term() {
        // Letter sent Tue 2024-02-06 → received Thu 02-08 → last day Thu 02-22; costs due
        // 02-23 over 1000.00: 15 % = 150.00 (law.md §3).
        // Interest 6:119 at 7 % (2024), 2024-02-01 ..= 03-31 = 29 + 31 = 60 days:
        // 1000 × 0.07 × 60 / 365 = 11.506849 → 11.51. Total 1000 + 11.51 + 150 = 1161.51.
        let q = quote(&consumer("2024-03-31")).unwrap();
        assert_eq!(q.letter_term_ends_on, Some(d("2024-02-22")));
        assert_eq!(q.collection_costs_due_on, Some(d("2024-02-23")));
        assert_eq!(q.principal, m("1000"));
        assert_eq!(q.interest, m("11.51"));
        assert_eq!(q.collection_costs, m("150"));
        assert_eq!(q.collection_costs_vat, Money::ZERO);
        assert_eq!(q.total_due, m("1161.51"));
        assert_eq!(q.interest_periods.len(), 1);
        assert_eq!(q.interest_periods[0].invoice_number, "F1");
    }

    #[test]
    fn consumer_inside_the_term_owes_no_costs() {
        // On the last day to pay (2024-02-22) no costs yet: 22 days × 7 % on 1000 =
        // 4.219178 → 4.22.
        let q = quote(&consumer("2024-02-22")).unwrap();
        assert_eq!(q.collection_costs, Money::ZERO);
        assert_eq!(q.collection_costs_due_on, None);
        assert_eq!(q.total_due, m("1004.22"));
        // Without a letter a consumer never owes costs.
        let mut no_letter = consumer("2024-12-31");
        no_letter.letter_sent_on = None;
        let q = quote(&no_letter).unwrap();
        assert_eq!(q.collection_costs, Money::ZERO);
        assert_eq!(q.letter_term_ends_on, None);
    }

    #[test]
    fn partial_payment_inside_the_term_lowers_the_costs_base() {
        // HR 25-11-2016, ECLI:NL:HR:2016:2704: partial payment inside the 14 days.
        // 400.00 paid 2024-02-20: interest 20 days × 7 % on 1000 = 3.835616 → 3.84; the
        // rest, 396.16, to principal → 603.84. Costs due 02-23 over 603.84: 15 % =
        // 90.576 → 90.58. Interest 2024-02-21 ..= 03-31 (9 + 31 = 40 days) on 603.84:
        // 603.84 × 0.07 × 40 / 365 = 4.632197 → 4.63. Total 603.84 + 4.63 + 90.58 = 699.05.
        let mut r = consumer("2024-03-31");
        r.payments.push(payment("2024-02-20", "400", None));
        let q = quote(&r).unwrap();
        assert_eq!(q.principal, m("603.84"));
        assert_eq!(q.interest, m("4.63"));
        assert_eq!(q.collection_costs, m("90.58"));
        assert_eq!(q.paid, m("400"));
        assert_eq!(q.total_due, m("699.05"));
    }

    #[test]
    fn consumer_paying_everything_in_time_owes_no_costs_and_overpays() {
        // 22 days of interest = 4.22 (above); paying 1010.00 on 02-22 leaves 5.78 over.
        let mut r = consumer("2024-03-31");
        r.payments.push(payment("2024-02-22", "1010", None));
        let q = quote(&r).unwrap();
        assert_eq!(q.collection_costs, Money::ZERO);
        assert_eq!(q.total_due, Money::ZERO);
        assert_eq!(q.overpaid, m("5.78"));
    }

    #[test]
    fn business_payment_over_costs_interest_and_two_invoices() {
        // 6:119a at 12.5 % (2024-01-01 ..= 06-30, law.md §2 VERIFIED).
        // A € 2,000.00 due 2024-01-15, B € 1,500.00 due 2024-02-15; costs due 2024-01-16 over
        // 3,500.00: 375 + 10 % × 1,000 = 475.00; VAT 21 % = 99.75.
        // 3,000.00 paid 2024-03-15: costs 475.00, VAT 99.75 → 2,425.25 left;
        //   A interest 2024-01-16 ..= 03-15 (16 + 29 + 15 = 60 days): 2000 × 0.125 × 60 / 365
        //   = 41.095890 → 41.10; A principal 2,000.00 → 384.15 left;
        //   B interest 2024-02-16 ..= 03-15 (14 + 15 = 29 days): 1500 × 0.125 × 29 / 365 =
        //   14.897260 → 14.90; B principal 369.25 → 1,130.75 left.
        // Then B 2024-03-16 ..= 06-30 (16 + 30 + 31 + 30 = 107 days) on 1,130.75:
        //   1130.75 × 0.125 × 107 / 365 = 15123.78125 / 365 = 41.435017 → 41.44.
        // Total due 1,130.75 + 41.44 = 1,172.19.
        let mut r = QuoteRequest::new(DebtorKind::Business, d("2024-06-30"));
        r.invoices.push(invoice("B", "2024-02-15", "1500"));
        r.invoices.push(invoice("A", "2024-01-15", "2000"));
        r.payments.push(payment("2024-03-15", "3000", None));
        r.vat_on_collection_costs = true;
        let q = quote(&r).unwrap();
        assert_eq!(q.collection_costs_due_on, Some(d("2024-01-16")));
        assert_eq!(q.collection_costs, Money::ZERO);
        assert_eq!(q.collection_costs_vat, Money::ZERO);
        assert_eq!(q.principal, m("1130.75"));
        assert_eq!(q.interest, m("41.44"));
        assert_eq!(q.total_due, m("1172.19"));
        assert_eq!(q.overpaid, Money::ZERO);
        let periods: Vec<_> = q
            .interest_periods
            .iter()
            .map(|p| {
                (
                    p.invoice_number.as_str(),
                    p.from.to_string(),
                    p.to.to_string(),
                    p.rate.to_string(),
                    p.base.to_string(),
                    p.amount.to_string(),
                )
            })
            .collect();
        let expected = [
            ("A", "2024-01-16", "2024-03-15", "12.50", "2000.00", "41.10"),
            ("B", "2024-02-16", "2024-03-15", "12.50", "1500.00", "14.90"),
            ("B", "2024-03-16", "2024-06-30", "12.50", "1130.75", "41.44"),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|&(n, f, t, r, b, a)| (n, f.into(), t.into(), r.into(), b.into(), a.into()))
            .collect();
        assert_eq!(periods, expected);
    }

    #[test]
    fn designated_payment_and_unpaid_costs() {
        // Business, same invoices; 600.00 paid 2024-03-15 designating B: costs 475.00 first
        // (no VAT), then B interest 14.90, B principal 110.10 → 1,389.90.
        let mut r = QuoteRequest::new(DebtorKind::Business, d("2024-03-15"));
        r.invoices.push(invoice("A", "2024-01-15", "2000"));
        r.invoices.push(invoice("B", "2024-02-15", "1500"));
        r.payments.push(payment("2024-03-15", "600", Some("B")));
        let q = quote(&r).unwrap();
        assert_eq!(q.collection_costs, Money::ZERO);
        // A untouched: 41.10 interest; B 0 interest left.
        assert_eq!(q.interest, m("41.10"));
        assert_eq!(q.principal, m("3389.90"));
    }

    #[test]
    fn validate_reports_every_violation() {
        let mut r = QuoteRequest::new(DebtorKind::Consumer, d("2024-01-01"));
        r.invoices.push(invoice("F1", "2024-01-31", "0"));
        r.invoices.push(invoice("F1", "2023-12-01", "10"));
        r.invoices.push(invoice(" ", "2023-12-01", "-1"));
        r.invoices.push(InvoiceInput {
            number: "F4".into(),
            due_date: d("2023-12-01"),
            amount: Money::from_decimal(rust_decimal::Decimal::new(1001, 3)),
        });
        r.payments.push(payment("2023-11-30", "0", Some("X")));
        r.payments.push(payment("2024-02-01", "5", None));
        r.letter_sent_on = Some(d("2023-12-01"));
        r.delivery_days = 0;
        let fields: Vec<_> = validate(&r).into_iter().map(|v| v.field).collect();
        assert_eq!(
            fields,
            [
                "invoices[0].amount",
                "as_of",
                "invoices[1].number",
                "invoices[2].number",
                "invoices[2].amount",
                "invoices[3].amount",
                "payments[0].amount",
                "payments[0].paid_on",
                "payments[0].invoice_number",
                "payments[1].paid_on",
                "letter_sent_on",
                "delivery_days",
            ]
        );
        let empty = QuoteRequest::new(DebtorKind::Business, d("2024-01-01"));
        assert_eq!(quote(&empty).unwrap_err()[0].field, "invoices");
        let mut old = QuoteRequest::new(DebtorKind::Business, d("2024-01-01"));
        old.invoices.push(invoice("F", "2001-01-01", "10"));
        assert_eq!(validate(&old)[0].field, "invoices[0].due_date");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn quote_balances(
            business in any::<bool>(),
            amounts in proptest::collection::vec((1i64..5_000_000, 0u64..700), 1..5),
            pays in proptest::collection::vec((1i64..3_000_000, 0u64..2_000), 0..4),
            letter in proptest::option::of(1u64..400),
            vat in any::<bool>(),
        ) {
            let start = d("2014-01-01");
            let kind = if business { DebtorKind::Business } else { DebtorKind::Consumer };
            let mut r = QuoteRequest::new(kind, start + Days::new(3_000));
            for (i, &(cents, due)) in amounts.iter().enumerate() {
                r.invoices.push(InvoiceInput {
                    number: format!("F{i}"),
                    due_date: start + Days::new(due),
                    amount: Money::from_cents(cents),
                });
            }
            let earliest = r.invoices.iter().map(|i| i.due_date).min().unwrap();
            for &(cents, on) in &pays {
                r.payments.push(PaymentInput {
                    paid_on: earliest + Days::new(on),
                    amount: Money::from_cents(cents),
                    invoice_number: None,
                });
            }
            r.letter_sent_on = letter.map(|l| earliest + Days::new(l));
            r.vat_on_collection_costs = vat;
            let q = quote(&r).unwrap();
            prop_assert_eq!(q.total_due, q.principal + q.interest + q.collection_costs + q.collection_costs_vat);
            prop_assert!(!q.total_due.is_negative() && !q.overpaid.is_negative());
            let invoiced: Money = r.invoices.iter().map(|i| i.amount).sum();
            prop_assert!(q.principal <= invoiced);
            let charged: Money = q.interest_periods.iter().map(|p| p.amount).sum();
            prop_assert!(q.interest <= charged);
            // Nothing created or lost: what was applied and not reducing principal or
            // interest went to costs, within the staffel's bounds incl. 21 % VAT.
            let applied = q.paid - q.overpaid;
            let costs_paid = applied - (invoiced - q.principal) - (charged - q.interest);
            prop_assert!(!costs_paid.is_negative());
            prop_assert!(costs_paid + q.collection_costs + q.collection_costs_vat <= m("8197.75"));
            if q.collection_costs_due_on.is_none() {
                prop_assert_eq!(costs_paid, Money::ZERO);
                prop_assert_eq!(q.collection_costs, Money::ZERO);
            }
        }
    }
}
