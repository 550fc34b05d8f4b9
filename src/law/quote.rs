//! What a claim comes to on a given day (`CalculatorService.QuoteClaim`): principal,
//! statutory interest, collection costs and payments, computed statelessly from the
//! invoices and payments.
//!
//! - Consumers earn art. 6:119 interest, businesses art. 6:119a ([`DebtorKind`]).
//! - Collection costs (BIK, [`collection_costs`](super::collection_costs)), the staffel
//!   once over the invoices collected together:
//!   - consumers owe them only when a valid 14-dagenbrief was sent and its term ran out
//!     unpaid (`as_of` after the last day to pay); they fall due the day after the last day
//!     to pay, over the principal still unpaid at the start of that day, so a partial
//!     payment inside the term lowers the base (HR 25-11-2016, ECLI:NL:HR:2016:2704). Only
//!     invoices already due before the letter was sent count: a 14-dagenbrief can only be
//!     sent after *verzuim* (art. 6:96 lid 6 BW), so it cannot cover a later invoice;
//!   - a letter sent on or before the earliest due date is no valid 14-dagenbrief (sent
//!     before *verzuim*, art. 6:96 lid 6 BW; an invalid letter gives no costs, HR
//!     2016:2704). It is not refused: the quote is made, `letter_term_ends_on` is still
//!     computed from the letter date, but a consumer owes no collection costs (no costs,
//!     no VAT, no `collection_costs_due_on`);
//!   - businesses owe them from the day after the earliest due date (for B2B the staffel
//!     applies by default, no 14-dagenbrief needed; `collection_costs_due_on`), over what
//!     fell into default: the sum, invoice by invoice, of the principal still unpaid at
//!     the start of the day after *that invoice's own* due date (art. 6:83 sub a,
//!     6:119a BW). An invoice not yet due then adds only what is left of it when it falls
//!     into default; one whose day after the due date lies after `as_of` has not fallen
//!     into default on the day asked about and adds nothing. A payment made before a later
//!     invoice falls into default pays the costs over what was in default on its day;
//!     when the later invoice falls into default the costs grow to the staffel over the
//!     larger base (the staffel is monotone, so they never shrink).
//!   - Nothing unpaid on that day, no costs. VAT (at the rate of the day they fall due) only
//!     when asked for (`vat_on_collection_costs`: the creditor cannot deduct VAT).
//! - Payments are applied in date order (same-day payments in the order given) by
//!   [`allocation`](super::allocation): costs due that day, then invoice by invoice, interest
//!   then principal, on the day paid; interest continues on what is left. Payments dated
//!   after `as_of` have not happened yet on the day asked about: they are left out of the
//!   quote entirely (not in `paid`, not applied), not refused.
//! - Interest periods are itemised per invoice ([`interest`](super::interest)): one line
//!   per stretch with the same rate and base, showing that line's own interest rounded to
//!   cents; the lines may differ from `interest` by rounding.
//! - No statutory collection costs for an invoice whose *verzuim* began before
//!   2012-07-01: art. II Wet normering buitengerechtelijke incassokosten (Stb. 2012, 140)
//!   leaves art. 6:96 lid 5–7 BW, and so the Besluit's staffel, out of obligations whose
//!   debtor fell into default before then (`law.md` §3). *Verzuim* begins the day after
//!   the due date (art. 6:83 sub a BW: the due date is a fixed term; `law.md`'s
//!   convention), for a consumer as for a business — the 14-dagenbrief is sent after
//!   *verzuim* and does not start it — so an invoice due on or before 2012-06-29 earns no
//!   costs, one due on 2012-06-30 does. Such an invoice still earns interest; it is left
//!   out of the costs' base (the staffel runs over the principal of the invoices that
//!   earn costs only), and the quote says so in its [`warnings`](ClaimQuote::warnings).
//!   Costs a judgment awarded are owed as awarded all the same.
//! - Interest comes from the rate table handed in ([`QuoteRequest::rates`]): the built-in
//!   rows with the office's added rows; the law reads no database.

use chrono::{Datelike, Days, NaiveDate};

use super::allocation::{Debt, allocate_cents};
use super::collection_costs::{collection_costs, collection_costs_vat};
use super::interest::{InterestAccount, InterestError};
use super::letter::{DEFAULT_DELIVERY_DAYS, letter_term};
use super::money::Money;
use super::rates::{Rate, RateSeries, RateTable};

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
    /// Collection costs a judgment awarded: owed as awarded (VAT included where the
    /// court awarded it) from the judgment's date, in place of the staffel.
    pub awarded_costs: Option<AwardedCosts>,
    /// The statutory interest rates to compute with: the built-in table unless the
    /// caller hands in the office's ([`RateTable::with_office_rows`]).
    pub rates: RateTable,
}

/// Collection costs fixed by a judgment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AwardedCosts {
    /// The sum awarded.
    pub amount: Money,
    /// Owed from this day (the judgment's date).
    pub from: NaiveDate,
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
            awarded_costs: None,
            rates: RateTable::default(),
        }
    }
}

/// The first day of *verzuim* the Besluit's staffel applies to: the day the Wet normering
/// buitengerechtelijke incassokosten entered into force (art. II: not for obligations
/// whose debtor fell into default before it).
pub fn collection_costs_first_default_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2012, 7, 1).expect("valid date")
}

/// Whether an invoice due on `due_date` can earn statutory collection costs: its
/// *verzuim*, beginning the day after the due date, began on or after 2012-07-01.
pub fn earns_collection_costs(due_date: NaiveDate) -> bool {
    due_date + Days::new(1) >= collection_costs_first_default_day()
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
    /// The period's own interest, `base × rate × days / 365` exactly, rounded to cents. The
    /// lines may differ from the interest charged by rounding: that is rounded once per
    /// capitalisation year, at payments and at the end.
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
    /// Total of all payments made up to and including `as_of`.
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
    /// What the figures leave out and why, for a person to read: e.g. an invoice that
    /// earns no collection costs because its default began before 2012-07-01.
    pub warnings: Vec<String>,
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
/// the rate table; `as_of` before a due date; a payment before the earliest due date, or
/// designating an unknown invoice; a date outside the years handled; zero delivery days.
///
/// Not violations: a payment after `as_of` (left out of the quote, it has not happened yet
/// on the day asked about) and a letter sent on or before the earliest due date (quoted,
/// but it is no valid 14-dagenbrief and gives a consumer no collection costs; see the
/// module doc).
pub fn validate(request: &QuoteRequest) -> Vec<Violation> {
    let mut out = Vec::new();
    let as_of_ok = check_year(&mut out, "as_of", request.as_of);
    if request.invoices.is_empty() {
        out.push(violation("invoices", "at least one invoice is needed"));
    }
    let first_rate_day = request
        .rates
        .first_known_day(request.debtor_kind.rate_series());
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
        if check_year(&mut out, &field, payment.paid_on)
            && let Some(earliest) = earliest_due
            && payment.paid_on < earliest
        {
            out.push(violation(
                field,
                format!("is before the earliest due date ({earliest})"),
            ));
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
    if let Some(sent) = request.letter_sent_on {
        check_year(&mut out, "letter_sent_on", sent);
    }
    if request.delivery_days == 0 {
        out.push(violation("delivery_days", "must be at least 1"));
    }
    out
}

/// One invoice's running account inside a quote.
struct Account<'a> {
    number: &'a str,
    /// The day the invoice's unpaid principal joins the collection costs' base: for a
    /// business the day after its due date, for a consumer the day costs fall due (if the
    /// letter covers the invoice); `None` when it never does.
    joins_costs_on: Option<NaiveDate>,
    /// Its principal unpaid at the start of `joins_costs_on`, once that day has come.
    costs_base: Option<Money>,
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

/// The claim's collection costs as they stand: charged so far (the staffel over the base
/// that has fallen into default) and still open, in cents.
struct Costs {
    /// The day they fall due, if by `as_of`.
    due_on: Option<NaiveDate>,
    with_vat: bool,
    /// A judgment's award in cents, in place of the staffel.
    awarded: Option<i64>,
    charged: i64,
    charged_vat: i64,
    open: i64,
    open_vat: i64,
}

impl Costs {
    /// Brings the costs to the start of `day` (before that day's payments): the invoices
    /// that fall into default by then join the base with their unpaid principal, and the
    /// costs become the staffel over the base; what that adds is open.
    fn start_of(&mut self, accounts: &mut [Account], day: NaiveDate) {
        for account in accounts.iter_mut() {
            if account.costs_base.is_none() && account.joins_costs_on.is_some_and(|d| d <= day) {
                account.costs_base = Some(account.interest.principal());
            }
        }
        let Some(due_on) = self.due_on.filter(|&due_on| due_on <= day) else {
            return;
        };
        let (amount, vat) = match self.awarded {
            Some(awarded) => (awarded, 0),
            None => {
                let base: Money = accounts.iter().filter_map(|a| a.costs_base).sum();
                let amount = collection_costs(base);
                let vat = if self.with_vat {
                    collection_costs_vat(amount, due_on)
                } else {
                    Money::ZERO
                };
                // Both are whole cents below € 10,000 by construction of the staffel; it
                // is monotone in the base, so neither ever decreases.
                (
                    amount.to_cents().unwrap_or_default(),
                    vat.to_cents().unwrap_or_default(),
                )
            }
        };
        self.open += amount - self.charged;
        self.open_vat += vat - self.charged_vat;
        self.charged = amount;
        self.charged_vat = vat;
    }
}

/// Computes the claim on `as_of`, or returns every violation of the request.
pub fn quote(request: &QuoteRequest) -> Result<ClaimQuote, Vec<Violation>> {
    let violations = validate(request);
    if !violations.is_empty() {
        return Err(violations);
    }
    compute(request)
        .map(|(quote, _)| quote)
        .map_err(|e| vec![violation("invoices", e.to_string())])
}

/// Where the payments taken into the quote went, in total (for checking that none
/// creates or loses a cent).
#[derive(Debug, Default)]
struct Applied {
    costs: Money,
    costs_vat: Money,
    interest: Money,
    principal: Money,
}

/// The first sending day of a 14-dagenbrief that [`paid_as_asked`] applies to. Letters
/// sent before were quoted without it, and a payment after their term was allocated (and
/// paid out) on costs the rule would not charge; they keep that reading, so every stored
/// allocation still adds up.
const PAID_AS_ASKED_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2026, 12, 8) {
    Some(day) => day,
    None => panic!("valid date"),
};

/// Whether the debtor paid, within the 14-dagenbrief's term, at least the amount the letter
/// asked (what the invoices it covers came to on its sending day): then no collection
/// costs are owed (art. 6:96 lid 6 BW: the costs are the consequence of not paying what the
/// letter demands), though the interest of the term's days is still owed.
fn paid_as_asked(
    request: &QuoteRequest,
    sent: NaiveDate,
    term: crate::law::letter::LetterTerm,
) -> Result<bool, InterestError> {
    // The letter covers the invoices due before it was sent; a payment designated to
    // another is not a payment of what it asked.
    let covered: Vec<InvoiceInput> = request
        .invoices
        .iter()
        .filter(|i| i.due_date < sent)
        .cloned()
        .collect();
    let towards_letter = |p: &&PaymentInput| {
        p.invoice_number
            .as_deref()
            .is_none_or(|number| covered.iter().any(|i| i.number.trim() == number.trim()))
    };
    let paid_in_term: Money = request
        .payments
        .iter()
        .filter(|p| p.paid_on > sent && p.paid_on <= term.last_day_to_pay)
        .filter(towards_letter)
        .map(|p| p.amount)
        .sum();
    if !paid_in_term.is_positive() || covered.is_empty() {
        return Ok(false);
    }
    let at_sending = QuoteRequest {
        as_of: sent,
        letter_sent_on: None,
        payments: request
            .payments
            .iter()
            .filter(|p| p.paid_on <= sent)
            .filter(towards_letter)
            .cloned()
            .collect(),
        invoices: covered.clone(),
        ..request.clone()
    };
    let (asked, _) = compute(&at_sending)?;
    Ok(asked.total_due.is_positive() && paid_in_term >= asked.total_due)
}

fn compute(request: &QuoteRequest) -> Result<(ClaimQuote, Applied), InterestError> {
    let series = request.debtor_kind.rate_series();
    let as_of = request.as_of;
    let mut invoices: Vec<&InvoiceInput> = request.invoices.iter().collect();
    invoices.sort_by(|a, b| (a.due_date, &a.number).cmp(&(b.due_date, &b.number)));
    let earliest_due = invoices[0].due_date;

    let letter = request
        .letter_sent_on
        .map(|sent| letter_term(sent, request.delivery_days));
    // A letter sent on or before the earliest due date precedes verzuim: no 14-dagenbrief
    // (art. 6:96 lid 6 BW), so no costs for a consumer; its term is still shown.
    let letter_valid = request
        .letter_sent_on
        .is_some_and(|sent| sent > earliest_due);
    // Art. II Wet normering BIK: only invoices that fell into default from 2012-07-01 on
    // earn statutory costs; a letter covers the invoices due before it was sent.
    let earns = |invoice: &InvoiceInput| earns_collection_costs(invoice.due_date);
    let covered = |invoice: &InvoiceInput| {
        request
            .letter_sent_on
            .is_some_and(|sent| invoice.due_date < sent)
    };
    let paid_as_asked = match (request.letter_sent_on, letter) {
        (Some(sent), Some(term))
            if letter_valid
                && sent >= PAID_AS_ASKED_FROM
                && request.debtor_kind == DebtorKind::Consumer
                && request.awarded_costs.is_none()
                && as_of >= term.costs_due_from() =>
        {
            paid_as_asked(request, sent, term)?
        }
        _ => false,
    };
    let costs_due_on = match (request.awarded_costs, request.debtor_kind) {
        (Some(awarded), _) => Some(awarded.from),
        (None, DebtorKind::Consumer) => letter
            .filter(|_| {
                letter_valid && !paid_as_asked && invoices.iter().any(|i| earns(i) && covered(i))
            })
            .map(|t| t.costs_due_from()),
        (None, DebtorKind::Business) => invoices
            .iter()
            .find(|i| earns(i))
            .map(|i| i.due_date + Days::new(1)),
    };
    let warnings: Vec<String> = invoices
        .iter()
        .filter(|i| request.awarded_costs.is_none() && !earns(i))
        .map(|i| {
            format!(
                "invoice {}: default began on {}, before {}: no statutory collection costs \
                 (art. II Wet normering buitengerechtelijke incassokosten; art. 6:96 lid 5-7 BW \
                 and the Besluit's staffel apply to defaults from that day on)",
                i.number.trim(),
                i.due_date + Days::new(1),
                collection_costs_first_default_day()
            )
        })
        .collect();

    let mut accounts = invoices
        .iter()
        .map(|invoice| {
            Ok(Account {
                number: invoice.number.trim(),
                joins_costs_on: match request.debtor_kind {
                    _ if !earns(invoice) => None,
                    // Only invoices due before the letter was sent are covered by it.
                    DebtorKind::Consumer => costs_due_on.filter(|_| covered(invoice)),
                    DebtorKind::Business => Some(invoice.due_date + Days::new(1)),
                },
                costs_base: None,
                interest: InterestAccount::with_table(
                    &request.rates,
                    series,
                    invoice.due_date,
                    invoice.amount,
                )?,
            })
        })
        .collect::<Result<Vec<_>, InterestError>>()?;

    // Payments after `as_of` have not happened yet on the day asked about.
    let mut payments: Vec<&PaymentInput> = request
        .payments
        .iter()
        .filter(|p| p.paid_on <= as_of)
        .collect();
    payments.sort_by_key(|p| p.paid_on);

    let mut costs = Costs {
        due_on: costs_due_on.filter(|&day| day <= as_of),
        with_vat: request.vat_on_collection_costs,
        awarded: request
            .awarded_costs
            .map(|a| a.amount.to_cents().unwrap_or_default()),
        charged: 0,
        charged_vat: 0,
        open: 0,
        open_vat: 0,
    };

    let mut paid = Money::ZERO;
    let mut overpaid = Money::ZERO;
    let mut applied = Applied::default();
    for payment in payments {
        costs.start_of(&mut accounts, payment.paid_on);
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
            &mut costs.open,
            &mut costs.open_vat,
            &mut accounts,
            designated,
        );
        applied.costs += allocation.costs;
        applied.costs_vat += allocation.costs_vat;
        for invoice in &allocation.invoices {
            applied.interest += invoice.interest;
            applied.principal += invoice.principal;
        }
        paid += payment.amount;
        overpaid += allocation.overpaid;
    }
    costs.start_of(&mut accounts, as_of);

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
    let collection_costs = Money::from_cents(costs.open);
    let collection_costs_vat = Money::from_cents(costs.open_vat);
    let quote = ClaimQuote {
        principal,
        interest,
        collection_costs,
        collection_costs_vat,
        paid,
        total_due: principal + interest + collection_costs + collection_costs_vat,
        letter_term_ends_on: letter.map(|t| t.last_day_to_pay),
        collection_costs_due_on: costs.due_on,
        interest_periods,
        overpaid,
        warnings,
    };
    Ok((quote, applied))
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

    /// Invoice 1,000.00 due 30 November 2026; the letter of Tue 8 December asked that and
    /// 8 days × 4 % = 0.88: 1,000.88, to be paid by Thu 24 December (received Thu 10
    /// December). Paid that day, no costs are owed, though the term's interest (24 days:
    /// 2.63) leaves 1.75 of principal open; a cent less, and the costs run (on what is
    /// open: the € 40 minimum).
    #[test]
    fn paying_what_the_letter_asked_within_the_term_owes_no_costs() {
        let asked = |sent: &str, paid_on: &str, amount: &str, invoices: &[(&str, &str)]| {
            let mut r = QuoteRequest::new(DebtorKind::Consumer, d("2026-12-31"));
            for (number, due) in invoices {
                r.invoices.push(invoice(number, due, "1000"));
            }
            r.letter_sent_on = Some(d(sent));
            r.payments.push(payment(paid_on, amount, None));
            quote(&r).unwrap()
        };
        let one = [("F1", "2026-11-30")];
        let q = asked("2026-12-08", "2026-12-24", "1000.88", &one);
        assert_eq!(q.letter_term_ends_on, Some(d("2026-12-24")));
        assert_eq!(q.collection_costs_due_on, None);
        assert_eq!(q.collection_costs, Money::ZERO);
        assert_eq!(q.principal, m("1.75"));
        let short = asked("2026-12-08", "2026-12-24", "1000.87", &one);
        assert_eq!(short.collection_costs_due_on, Some(d("2026-12-25")));
        assert_eq!(short.collection_costs, m("40"));
        // Paid a day after the term: the costs (15 % of 1,000.00) ran, and the payment
        // went to them first (art. 6:44 BW).
        let late = asked("2026-12-08", "2026-12-25", "1000.88", &one);
        assert_eq!(late.collection_costs_due_on, Some(d("2026-12-25")));
        assert!(late.principal > m("140"), "{late:?}");
        // The letter asks only what was due when it went; an invoice falling due later is
        // not part of what it asked.
        let two = [("F1", "2026-11-30"), ("F2", "2026-12-15")];
        let q = asked("2026-12-08", "2026-12-24", "1000.88", &two);
        assert_eq!(q.collection_costs_due_on, None, "{q:?}");
        // A letter sent before the rule was adopted keeps the earlier reading.
        let before = asked("2026-12-07", "2026-12-23", "1000.88", &one);
        assert!(before.collection_costs_due_on.is_some(), "{before:?}");
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
        // After as_of and a letter on the earliest due date: accepted (left out / no costs).
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
                "delivery_days",
            ]
        );
        let empty = QuoteRequest::new(DebtorKind::Business, d("2024-01-01"));
        assert_eq!(quote(&empty).unwrap_err()[0].field, "invoices");
        let mut old = QuoteRequest::new(DebtorKind::Business, d("2024-01-01"));
        old.invoices.push(invoice("F", "2001-01-01", "10"));
        assert_eq!(validate(&old)[0].field, "invoices[0].due_date");
        // A payment after as_of is still checked for everything else.
        let mut later = consumer("2024-03-31");
        later.payments.push(PaymentInput {
            paid_on: d("2024-04-01"),
            amount: Money::from_decimal(rust_decimal::Decimal::new(1, 3)),
            invoice_number: Some("F9".into()),
        });
        let fields: Vec<_> = validate(&later).into_iter().map(|v| v.field).collect();
        assert_eq!(fields, ["payments[0].amount", "payments[0].invoice_number"]);
        later.letter_sent_on = Some(d("1899-12-31"));
        assert_eq!(validate(&later).last().unwrap().field, "letter_sent_on");
    }

    #[test]
    fn payment_to_costs_and_interest_only_keeps_one_period() {
        // Consumer € 1,000.00 due 2024-01-31, letter 2024-02-06 (last day 02-22, costs due
        // 02-23 over 1,000.00: 15 % = 150.00), 6:119 at 7 % (2024).
        // 155.00 paid 2024-03-01: costs 150.00; interest 2024-02-01 ..= 03-01 (29 + 1 = 30
        // days) 1000 × 0.07 × 30 / 365 = 5.753425 → 5.75, of which 5.00 paid → 0.75 left;
        // the principal, so the base, stays 1,000.00.
        // Interest 2024-03-02 ..= 03-31 (30 days): 5.753425 → 5.75; owed 0.75 + 5.75 = 6.50.
        // Total 1,000.00 + 6.50 = 1,006.50.
        // One period 2024-02-01 ..= 03-31 (60 days) at 7 % on 1,000.00: 1000 × 0.07 × 60 /
        // 365 = 11.506849 → 11.51 (charged 5.75 + 5.75 = 11.50: rounded at the payment and
        // at the end).
        let mut r = consumer("2024-03-31");
        r.payments.push(payment("2024-03-01", "155", None));
        let q = quote(&r).unwrap();
        assert_eq!(q.collection_costs, Money::ZERO);
        assert_eq!(q.principal, m("1000"));
        assert_eq!(q.interest, m("6.50"));
        assert_eq!(q.total_due, m("1006.50"));
        assert_eq!(q.paid, m("155"));
        assert_eq!(
            q.interest_periods,
            [QuoteInterestPeriod {
                invoice_number: "F1".into(),
                from: d("2024-02-01"),
                to: d("2024-03-31"),
                rate: Rate::from_basis_points(700),
                base: m("1000"),
                amount: m("11.51"),
            }]
        );
    }

    #[test]
    fn interest_lines_show_their_own_figure() {
        // 6:119, € 1,000.00 due 2023-05-31, asked on 2023-07-31 (law.md §1: 4 % from
        // 2023-01-01, 6 % from 2023-07-01):
        //   2023-06-01 ..= 06-30: 1000 × 0.04 × 30 / 365 = 3.287671 → 3.29
        //   2023-07-01 ..= 07-31: 1000 × 0.06 × 31 / 365 = 5.095890 → 5.10
        //   interest owed: 8.383561 → 8.38 (one rounding at the end), not 3.29 + 5.10.
        let mut r = QuoteRequest::new(DebtorKind::Consumer, d("2023-07-31"));
        r.invoices.push(invoice("F1", "2023-05-31", "1000"));
        let q = quote(&r).unwrap();
        assert_eq!(q.interest, m("8.38"));
        let amounts: Vec<_> = q.interest_periods.iter().map(|p| p.amount).collect();
        assert_eq!(amounts, [m("3.29"), m("5.10")]);
        assert_eq!(q.total_due, m("1008.38"));
    }

    /// Business: A € 100.00 due 2024-01-15, B € 10,000.00 due 2024-06-15 (6:119a at
    /// 12.5 %, 2024-01-01 ..= 06-30, law.md §2).
    fn a_small_b_large(as_of: &str) -> QuoteRequest {
        let mut r = QuoteRequest::new(DebtorKind::Business, d(as_of));
        r.invoices.push(invoice("A", "2024-01-15", "100"));
        r.invoices.push(invoice("B", "2024-06-15", "10000"));
        r
    }

    #[test]
    fn business_costs_only_over_what_fell_into_default() {
        // B paid in full on its due date (10,040.00 designating B on 2024-06-15): costs are
        // due since 2024-01-16 over A's 100.00 (all that was in default then): 15 % = 15.00
        // → minimum 40.00; the payment goes to them first, then B's 10,000.00. B falls into
        // default on 06-16 with 0.00 unpaid, so the base stays 100.00: costs 40.00, paid.
        // A's interest 2024-01-16 ..= 06-30 (16 + 29 + 31 + 30 + 31 + 30 = 167 days):
        // 100 × 0.125 × 167 / 365 = 5.719178 → 5.72. Total 100.00 + 5.72 = 105.72.
        // (The old rule took the base at 01-16 over both invoices, 10,100.00 → 876.00.)
        let mut r = a_small_b_large("2024-06-30");
        r.payments.push(payment("2024-06-15", "10040", Some("B")));
        let q = quote(&r).unwrap();
        assert_eq!(q.collection_costs_due_on, Some(d("2024-01-16")));
        assert_eq!(q.collection_costs, Money::ZERO);
        assert_eq!(q.principal, m("100"));
        assert_eq!(q.interest, m("5.72"));
        assert_eq!(q.total_due, m("105.72"));
        assert_eq!(q.overpaid, Money::ZERO);
        assert_eq!(q.interest_periods.len(), 1);
        assert_eq!(q.interest_periods[0].amount, m("5.72"));

        // Nothing paid, asked on B's due date: B is not in default yet, base 100.00 → 40.00.
        // A 2024-01-16 ..= 06-15 (152 days): 100 × 0.125 × 152 / 365 = 5.205479 → 5.21.
        // Total 10,100.00 + 5.21 + 40.00 = 10,145.21.
        let q = quote(&a_small_b_large("2024-06-15")).unwrap();
        assert_eq!(q.collection_costs, m("40"));
        assert_eq!(q.collection_costs_due_on, Some(d("2024-01-16")));
        assert_eq!(q.total_due, m("10145.21"));

        // Nothing paid, asked on 2024-06-16: B fell into default unpaid, base 10,100.00:
        // 375 + 250 + 250 + 1 % × 100 = 876.00, VAT 21 % = 183.96.
        // A 153 days: 100 × 0.125 × 153 / 365 = 5.239726 → 5.24; B 1 day: 10000 × 0.125 /
        // 365 = 3.424658 → 3.42. Total 10,100 + 5.24 + 3.42 + 876 + 183.96 = 11,168.62.
        let mut r = a_small_b_large("2024-06-16");
        r.vat_on_collection_costs = true;
        let q = quote(&r).unwrap();
        assert_eq!(q.collection_costs, m("876"));
        assert_eq!(q.collection_costs_vat, m("183.96"));
        assert_eq!(q.interest, m("8.66"));
        assert_eq!(q.total_due, m("11168.62"));
    }

    #[test]
    fn business_costs_grow_when_a_later_invoice_falls_into_default() {
        // Business, 6:119a at 12.5 %: A € 1,000.00 due 2024-01-15, B € 2,000.00 due
        // 2024-03-15. Costs due 2024-01-16 over A's 1,000.00: 15 % = 150.00.
        // 200.00 paid 2024-02-15: costs 150.00; A interest 2024-01-16 ..= 02-15 (31 days)
        // 1000 × 0.125 × 31 / 365 = 10.616438 → 10.62; A principal 39.38 → 960.62.
        // B falls into default on 03-16 with 2,000.00 unpaid. The base: A with what was
        // unpaid at the start of 01-16 (1,000.00; the later payment does not lower it) plus
        // B's 2,000.00 = 3,000.00: 375 + 10 % × 500 = 425.00; 150.00 paid → 275.00 open.
        // A 2024-02-16 ..= 03-31 (14 + 31 = 45 days) on 960.62: 960.62 × 0.125 × 45 / 365
        // = 14.804075 → 14.80; B 2024-03-16 ..= 03-31 (16 days): 2000 × 0.125 × 16 / 365 =
        // 10.958904 → 10.96. Interest 25.76; principal 2,960.62.
        // Total 2,960.62 + 25.76 + 275.00 = 3,261.38.
        let mut r = QuoteRequest::new(DebtorKind::Business, d("2024-03-31"));
        r.invoices.push(invoice("A", "2024-01-15", "1000"));
        r.invoices.push(invoice("B", "2024-03-15", "2000"));
        r.payments.push(payment("2024-02-15", "200", None));
        let q = quote(&r).unwrap();
        assert_eq!(q.collection_costs, m("275"));
        assert_eq!(q.principal, m("2960.62"));
        assert_eq!(q.interest, m("25.76"));
        assert_eq!(q.total_due, m("3261.38"));
        let amounts: Vec<_> = q
            .interest_periods
            .iter()
            .map(|p| (p.invoice_number.as_str(), p.base, p.amount))
            .collect();
        assert_eq!(
            amounts,
            [
                ("A", m("1000"), m("10.62")),
                ("A", m("960.62"), m("14.80")),
                ("B", m("2000"), m("10.96")),
            ]
        );
    }

    #[test]
    fn a_letter_before_verzuim_gives_a_consumer_no_costs() {
        // € 1,000.00 due 2024-01-31; the "letter" sent on the due date itself (Wednesday
        // 2024-01-31) is no 14-dagenbrief (art. 6:96 lid 6 BW; HR 2016:2704). Its term is
        // still shown: delivery days Thu 02-01, Fri 02-02 → received 02-02; 14 days from
        // Sat 02-03 end Fri 2024-02-16, a working day. No costs, no VAT, no due day.
        // Interest 60 days × 7 % = 11.51 (as above). Total 1,011.51.
        let mut r = consumer("2024-03-31");
        r.letter_sent_on = Some(d("2024-01-31"));
        r.vat_on_collection_costs = true;
        let q = quote(&r).unwrap();
        assert_eq!(q.letter_term_ends_on, Some(d("2024-02-16")));
        assert_eq!(q.collection_costs, Money::ZERO);
        assert_eq!(q.collection_costs_vat, Money::ZERO);
        assert_eq!(q.collection_costs_due_on, None);
        assert_eq!(q.interest, m("11.51"));
        assert_eq!(q.total_due, m("1011.51"));
        // Sent before the due date, Saturday 2024-01-20: delivery days Tue 01-23 (Sunday and
        // Monday are none), Wed 01-24 → received 01-24; 14 days end Wed 2024-02-07.
        r.letter_sent_on = Some(d("2024-01-20"));
        let q = quote(&r).unwrap();
        assert_eq!(q.letter_term_ends_on, Some(d("2024-02-07")));
        assert_eq!(q.collection_costs, Money::ZERO);
        assert_eq!(q.collection_costs_due_on, None);
        // A business owes costs without a letter: the early letter changes nothing. Costs
        // due 2024-02-01 over 1,000.00 = 150.00, VAT 31.50; 6:119a 12.5 %, 60 days:
        // 1000 × 0.125 × 60 / 365 = 20.547945 → 20.55. Total 1,000 + 20.55 + 150 + 31.50
        // = 1,202.05.
        r.debtor_kind = DebtorKind::Business;
        let q = quote(&r).unwrap();
        assert_eq!(q.letter_term_ends_on, Some(d("2024-02-07")));
        assert_eq!(q.collection_costs_due_on, Some(d("2024-02-01")));
        assert_eq!(q.collection_costs, m("150"));
        assert_eq!(q.collection_costs_vat, m("31.50"));
        assert_eq!(q.total_due, m("1202.05"));
    }

    /// Art. II Wet normering buitengerechtelijke incassokosten: invoice A € 1,000.00 due
    /// 2012-06-29 fell into default on 2012-06-30, before 2012-07-01: no statutory costs;
    /// invoice B € 2,000.00 due 2012-06-30 fell into default on 2012-07-01: costs.
    fn straddling_2012(kind: DebtorKind) -> QuoteRequest {
        let mut r = QuoteRequest::new(kind, d("2012-12-31"));
        r.invoices.push(invoice("A", "2012-06-29", "1000"));
        r.invoices.push(invoice("B", "2012-06-30", "2000"));
        r
    }

    #[test]
    fn no_collection_costs_for_a_default_before_july_2012() {
        // Business (6:119a: 8.00 % all of 2012, rates.csv). Costs due from B's first day
        // of default, 2012-07-01, over B's 2,000.00 only: 15 % = 300.00 (over both,
        // 3,000.00, it would be 425.00).
        // A: 2012-06-30 ..= 12-31 = 185 days: 1000 × 0.08 × 185 / 365 = 40.547945 → 40.55.
        // B: 2012-07-01 ..= 12-31 = 184 days: 2000 × 0.08 × 184 / 365 = 80.657534 → 80.66.
        // Total 3,000.00 + 121.21 + 300.00 = 3,421.21.
        let q = quote(&straddling_2012(DebtorKind::Business)).unwrap();
        assert_eq!(q.collection_costs_due_on, Some(d("2012-07-01")));
        assert_eq!(q.collection_costs, m("300"));
        assert_eq!(q.interest, m("121.21"));
        assert_eq!(q.total_due, m("3421.21"));
        assert_eq!(q.warnings.len(), 1);
        assert!(
            q.warnings[0].starts_with("invoice A: default began on 2012-06-30, before 2012-07-01")
        );
        assert!(q.warnings[0].contains("art. II Wet normering"));

        // A alone: no costs at all, no day they fall due; interest 40.55 as above.
        let mut only_a = straddling_2012(DebtorKind::Business);
        only_a.invoices.truncate(1);
        only_a.vat_on_collection_costs = true;
        let q = quote(&only_a).unwrap();
        assert_eq!(q.collection_costs, Money::ZERO);
        assert_eq!(q.collection_costs_vat, Money::ZERO);
        assert_eq!(q.collection_costs_due_on, None);
        assert_eq!(q.total_due, m("1040.55"));
        assert_eq!(q.warnings.len(), 1);

        // Consumer (6:119: 4 % to 2012-06-30, 3 % from 2012-07-01), letter sent Wednesday
        // 2012-08-01: delivery days Thu 08-02, Fri 08-03 → received 08-03; 14 days end Fri
        // 2012-08-17; costs due 08-18 over B's 2,000.00: 300.00.
        // A: 1 day at 4 % + 184 days at 3 %: 1000 × (0.04 + 0.03 × 184) / 365 = 15.232877
        // → 15.23. B: 2000 × 0.03 × 184 / 365 = 30.246575 → 30.25.
        // Total 3,000.00 + 45.48 + 300.00 = 3,345.48.
        let mut consumer = straddling_2012(DebtorKind::Consumer);
        consumer.letter_sent_on = Some(d("2012-08-01"));
        let q = quote(&consumer).unwrap();
        assert_eq!(q.letter_term_ends_on, Some(d("2012-08-17")));
        assert_eq!(q.collection_costs_due_on, Some(d("2012-08-18")));
        assert_eq!(q.collection_costs, m("300"));
        assert_eq!(q.interest, m("45.48"));
        assert_eq!(q.total_due, m("3345.48"));
        // The letter covering A alone gives a consumer no costs.
        consumer.invoices.truncate(1);
        let q = quote(&consumer).unwrap();
        assert_eq!(q.collection_costs_due_on, None);
        assert_eq!(q.collection_costs, Money::ZERO);

        // A judgment's award is owed as awarded, without the warning.
        let mut awarded = straddling_2012(DebtorKind::Business);
        awarded.awarded_costs = Some(AwardedCosts {
            amount: m("100"),
            from: d("2012-10-01"),
        });
        let q = quote(&awarded).unwrap();
        assert_eq!(q.collection_costs, m("100"));
        assert!(q.warnings.is_empty());
        // Every invoice after 2012-07-01: no warnings (the other tests' quotes).
        assert!(quote(&consumer_request()).unwrap().warnings.is_empty());
    }

    fn consumer_request() -> QuoteRequest {
        consumer("2024-03-31")
    }

    #[test]
    fn the_rates_handed_in_are_the_ones_used() {
        // € 1,000.00 due 2024-01-31, consumer, 6:119 at 7 % built in; an office row of
        // 5 % from 2024-03-01 (a correction): 2024-02-01 ..= 02-29 (29 days) at 7 % and
        // 2024-03-01 ..= 03-31 (31 days) at 5 %: 1000 × (0.07 × 29 + 0.05 × 31) / 365 =
        // (2.03 + 1.55) × 1000 / 365 = 9.808219 → 9.81 (built in: 11.51).
        use super::super::rates::{RateRow, RateStatus};
        let mut r = consumer_request();
        r.rates = RateTable::built_in().with_office_rows(&[RateRow {
            series: RateSeries::Statutory,
            valid_from: d("2024-03-01"),
            rate: Rate::from_basis_points(500),
            status: RateStatus::Office,
            note: String::new(),
            source: "test".into(),
        }]);
        let q = quote(&r).unwrap();
        assert_eq!(q.interest, m("9.81"));
        assert_eq!(quote(&consumer_request()).unwrap().interest, m("11.51"));
    }

    #[test]
    fn payments_after_as_of_are_left_out() {
        // As consumer_after_the_letter_term (total 1,161.51): a payment on 2024-04-01 has
        // not happened on 2024-03-31.
        let mut r = consumer("2024-03-31");
        r.payments.push(payment("2024-04-01", "500", None));
        let q = quote(&r).unwrap();
        assert_eq!(q.paid, Money::ZERO);
        assert_eq!(q.collection_costs, m("150"));
        assert_eq!(q.total_due, m("1161.51"));
        assert_eq!(q.overpaid, Money::ZERO);
        // As partial_payment_inside_the_term_lowers_the_costs_base (total 699.05): the
        // 400.00 of 2024-02-20 counts, the 1,000.00 of 2024-04-01 does not.
        let mut r = consumer("2024-03-31");
        r.payments.push(payment("2024-04-01", "1000", None));
        r.payments.push(payment("2024-02-20", "400", None));
        let q = quote(&r).unwrap();
        assert_eq!(q.paid, m("400"));
        assert_eq!(q.principal, m("603.84"));
        assert_eq!(q.collection_costs, m("90.58"));
        assert_eq!(q.total_due, m("699.05"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn quote_balances(
            business in any::<bool>(),
            amounts in proptest::collection::vec((1i64..5_000_000, 0u64..700), 1..5),
            pays in proptest::collection::vec((1i64..3_000_000, 0u64..3_000), 0..4),
            letter in proptest::option::of(-30i64..400),
            vat in any::<bool>(),
        ) {
            let start = d("2014-01-01");
            let kind = if business { DebtorKind::Business } else { DebtorKind::Consumer };
            let as_of = start + Days::new(3_000);
            let mut r = QuoteRequest::new(kind, as_of);
            for (i, &(cents, due)) in amounts.iter().enumerate() {
                r.invoices.push(InvoiceInput {
                    number: format!("F{i}"),
                    due_date: start + Days::new(due),
                    amount: Money::from_cents(cents),
                });
            }
            let earliest = r.invoices.iter().map(|i| i.due_date).min().unwrap();
            // Some payments fall after as_of (earliest + up to 2,999 days).
            for &(cents, on) in &pays {
                r.payments.push(PaymentInput {
                    paid_on: earliest + Days::new(on),
                    amount: Money::from_cents(cents),
                    invoice_number: None,
                });
            }
            // Some letters are sent on or before the earliest due date.
            r.letter_sent_on = letter.map(|l| {
                earliest + chrono::TimeDelta::days(l)
            });
            r.vat_on_collection_costs = vat;
            let (q, applied) = compute(&r).unwrap();
            prop_assert_eq!(&q, &quote(&r).unwrap());
            prop_assert_eq!(q.total_due, q.principal + q.interest + q.collection_costs + q.collection_costs_vat);
            prop_assert!(!q.total_due.is_negative() && !q.overpaid.is_negative());
            // Only payments up to as_of count.
            let paid: Money = r.payments.iter().filter(|p| p.paid_on <= as_of).map(|p| p.amount).sum();
            prop_assert_eq!(q.paid, paid);
            // Nothing created or lost: every cent paid went to costs, VAT, interest,
            // principal or the overpayment.
            prop_assert_eq!(
                q.paid,
                applied.costs + applied.costs_vat + applied.interest + applied.principal + q.overpaid
            );
            let invoiced: Money = r.invoices.iter().map(|i| i.amount).sum();
            prop_assert_eq!(q.principal, invoiced - applied.principal);
            // The costs charged: none, or the staffel within [40, 6775], VAT on them only
            // when asked, at the rate of the day they fell due.
            let costs = applied.costs + q.collection_costs;
            let costs_vat = applied.costs_vat + q.collection_costs_vat;
            prop_assert!(costs.is_zero() || (costs >= m("40") && costs <= m("6775")));
            match q.collection_costs_due_on {
                Some(due_on) if vat => prop_assert_eq!(costs_vat, collection_costs_vat(costs, due_on)),
                _ => prop_assert_eq!(costs_vat, Money::ZERO),
            }
            if q.collection_costs_due_on.is_none() {
                prop_assert_eq!(costs, Money::ZERO);
            }
            // A consumer without a valid letter (none, or sent on or before the earliest
            // due date) owes no costs.
            if !business && r.letter_sent_on.is_none_or(|sent| sent <= earliest) {
                prop_assert_eq!(q.collection_costs_due_on, None);
                prop_assert_eq!(costs, Money::ZERO);
            }
            if business {
                prop_assert_eq!(q.collection_costs_due_on, Some(earliest + Days::new(1)));
            }
            prop_assert_eq!(q.letter_term_ends_on.is_some(), r.letter_sent_on.is_some());
        }
    }
}
