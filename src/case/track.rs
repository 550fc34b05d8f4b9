//! What the track has recorded about a case beyond its standing: the letter, payments and
//! their allocation, the hold, the recoverability verdict, the summons, the judgment, the
//! execution, the payment plan and the final statement. Stored as JSON (cents as integers)
//! in the case row's `state` column and written in the same transaction as the standing,
//! so a decision and what it recorded never part.
//!
//! Every amount the track shows comes from [`crate::law::quote`] over the case's invoices,
//! payments and letter date ([`owed`]); post-judgment costs (the awarded legal costs and
//! the bailiff's execution fees, Btag) are kept beside it and paid first (art. 6:44 BW:
//! costs before interest and principal).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::claim::DebtorKind;
use super::policy::TrackPolicy;
use super::record::CaseRecord;
use super::recoverability::Verdict;
use super::stage::Stage;
use crate::law::money::Money;
use crate::law::quote::{self, AwardedCosts, ClaimQuote, InvoiceInput, PaymentInput, QuoteRequest};

/// The recorded track of a case. Missing keys read as empty, so a new field needs no
/// migration; empty ones are not written (a new case's track is `{}`, not 350 bytes of
/// nulls in every imported row).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrackState {
    /// A person answered the intake review with `proceed`: the doubts are not asked again
    /// when the letter waits for an invoice to fall due.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub intake_reviewed: bool,
    /// A person resumed a case held because the claim may be time-barred: the summons is
    /// drafted all the same (limitation is for the debtor to invoke, art. 3:322 BW).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub limitation_accepted: bool,
    /// The day the 14-dagenbrief (consumer) or sommatie (business) was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub letter_sent_on: Option<NaiveDate>,
    /// The last day to pay without collection costs (consumer) / the demand's last day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub letter_term_ends_on: Option<NaiveDate>,
    /// Whether the collection costs carry VAT, as the letter told the debtor: fixed when
    /// it was sent, so a later change of the client's VAT position (PutClient) does not
    /// change what this debtor owes. `None` before the letter: the client's position now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub letter_vat_on_costs: Option<bool>,
    /// Payments received, in the order recorded, with their allocation as computed then
    /// (recomputed for the later ones when an earlier one is reversed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<PaymentRecord>,
    /// Payments the bank took back (storno, a returned transfer), as they stood when
    /// reversed; they no longer count.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reversed_payments: Vec<ReversedPayment>,
    /// The open hold, if on hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold: Option<HoldRecord>,
    /// Timers that came due while the track was paused; they fire again on resumption.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deferred_timers: Vec<String>,
    /// The recoverability verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recoverability: Option<RecoverabilityRecord>,
    /// The dagvaarding as drafted, approved and served.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summons: Option<SummonsRecord>,
    /// Every recorded attempt at serving a writ, in order (`lifecycle::service`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<crate::case::lifecycle::service::ServiceAttempt>,
    /// The address the next writ is served at, when a failed service found a new one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_address: Option<crate::case::Address>,
    /// The execution act waiting for the insolvency register's answer (art. 33 Fw: asked
    /// again before every act): `judgment_service`, or an attachment of a kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_act: Option<PendingAct>,
    /// The registered vonnis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judgment: Option<JudgmentRecord>,
    /// Service of the judgment and attachments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution: Option<ExecutionRecord>,
    /// The payment plan, current or lapsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanRecord>,
    /// The client's final statement, once closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<Statement>,
    /// The defences the debtor raised (notes of kind `defence`), oldest first: the
    /// dagvaarding states them (art. 111 lid 3 Rv).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub defences: Vec<DefenceRecord>,
    /// Every consultation of the attachment register (Digitaal Beslagregister) and every
    /// income attachment registered in it, oldest first (`lifecycle::dbr`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachment_register: Vec<DbrStep>,
    /// The hearings (roldata) as recorded: default, contested or adjourned
    /// (`lifecycle::hearing`), oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hearings: Vec<crate::case::lifecycle::hearing::HearingRecord>,
    /// Whether VAT is charged on collection costs (the client cannot deduct VAT). Read
    /// from the client with the case (or [`Self::letter_vat_on_costs`] once the letter is
    /// sent), never stored here.
    #[serde(skip)]
    pub vat_on_collection_costs: bool,
    /// Whether the bailiff's fees of an act done now carry VAT (the client cannot deduct
    /// it): the client's position today, as each act is charged when it is done. Read
    /// from the client with the case, never stored here.
    #[serde(skip)]
    pub vat_on_fees: bool,
    /// The client is a legal person (it has a KvK number): the court fee of a
    /// niet-natuurlijk persoon. Read from the client with the case, never stored here.
    #[serde(skip)]
    pub client_is_legal_person: bool,
}

/// One payment received and where it went (art. 6:43/6:44 BW), in cents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PaymentRecord {
    /// Id (the request id it was recorded under).
    pub id: String,
    /// Day received.
    pub paid_on: NaiveDate,
    /// Amount received.
    pub amount_cents: i64,
    /// The invoice the debtor designated (art. 6:43 lid 1 BW).
    pub invoice_number: Option<String>,
    /// The payer's reference.
    pub reference: String,
    /// To post-judgment legal and execution costs.
    pub to_legal_costs_cents: i64,
    /// To collection costs and their VAT.
    pub to_costs_cents: i64,
    /// To interest.
    pub to_interest_cents: i64,
    /// To principal.
    pub to_principal_cents: i64,
    /// Beyond everything owed: to be refunded.
    pub overpaid_cents: i64,
    /// The day it was recorded.
    pub recorded_on: NaiveDate,
    /// The instant it was recorded (the service's clock).
    pub recorded_at: Option<DateTime<Utc>>,
    /// The debtor paid the client directly (rechtstreekse betaling): allocated the same
    /// way, but the office holds none of it; the office's share is invoiced to the client.
    pub paid_to_client: bool,
    /// Paid by the garnishee of this attachment (its number, 1-based, in the case's
    /// order): the attachment's yield ([`AttachmentYield`]).
    pub attachment: Option<u32>,
}

/// A payment taken back by the bank, and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReversedPayment {
    /// The payment as it was allocated before it was reversed.
    pub payment: PaymentRecord,
    /// The day it was taken back.
    pub reversed_on: Option<NaiveDate>,
    /// Why (the bank's return reason, or a person's words).
    pub reason: String,
}

/// A defence the debtor raised, as a note recorded it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DefenceRecord {
    /// When the debtor raised it.
    pub raised_on: Option<NaiveDate>,
    /// What the debtor said, in the note's words.
    pub text: String,
    /// Who recorded it.
    pub recorded_by: String,
}

/// Why and since when the track is on hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HoldRecord {
    /// `dispute`, `client_instruction` or `other`.
    pub reason: String,
    /// The note given.
    pub note: String,
    /// Since.
    pub since: Option<NaiveDate>,
}

/// The recoverability verdict as drawn on a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoverabilityRecord {
    /// The verdict with reasons and, for a stop, the insolvency and its administrator.
    pub verdict: Verdict,
    /// The day of the lookups.
    pub checked_on: NaiveDate,
}

/// The dagvaarding as drafted (art. 111 Rv), with the figures as of the hearing date.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SummonsRecord {
    /// The competent court in words.
    pub court: String,
    /// Kantonrechter (true) or rechtbank.
    pub subdistrict: bool,
    /// The day the bailiff plans to serve it.
    pub planned_service_on: Option<NaiveDate>,
    /// The hearing date (art. 114 Rv: at least a week after service).
    pub hearing_date: Option<NaiveDate>,
    /// The day it was served.
    pub served_on: Option<NaiveDate>,
    /// The claim as of the hearing date (principal, interest, collection costs, VAT).
    pub claim_total_cents: i64,
    /// The court fee (griffierecht) of the hearing year for the claimant's party type.
    pub court_fee_cents: i64,
    /// The bailiff's fee for the summons (Btag art. 2a) on the service date.
    pub bailiff_fee_cents: i64,
    /// A person approved it (or the policy needs no approval).
    pub approved: bool,
    /// The last day to file it with the court's registry for its hearing (art. 125 lid 2
    /// Rv), once served under a policy that records the service (`lifecycle::hearing`).
    pub enrol_by: Option<NaiveDate>,
    /// The day it was filed with the registry (aanbrengen), as recorded.
    pub enrolled_on: Option<NaiveDate>,
}

/// The registered vonnis.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct JudgmentRecord {
    /// Day of the judgment.
    pub judgment_date: Option<NaiveDate>,
    /// `default` (verstek) or `contested` (op tegenspraak).
    pub kind: String,
    /// `awarded`, `partly_awarded` or `dismissed`.
    pub outcome: String,
    /// Awarded principal.
    pub awarded_principal_cents: i64,
    /// Interest runs on the awarded principal from this day.
    pub interest_from: Option<NaiveDate>,
    /// Awarded collection costs.
    pub awarded_collection_costs_cents: i64,
    /// Proceskosten (court fee, summons costs, representative's fee).
    pub legal_costs_cents: i64,
    /// Zaaknummer.
    pub court_case_number: String,
    /// Served with the order to pay on.
    pub served_on: Option<NaiveDate>,
    /// The awarded sums differ from the claim (a partial award, another interest date or
    /// rate): from the judgment's date on, what is owed is computed over the awarded sums.
    pub on_awarded_sums: bool,
    /// Payments recorded before the judgment was registered; those of them paid before its
    /// date are what the court took into account.
    pub payments_before: usize,
    /// The interest the court awarded on the principal: `statutory` (art. 6:119 BW),
    /// `commercial` (art. 6:119a BW), or empty: as claimed (by the debtor's kind).
    pub interest_kind: String,
    /// Whether the court declared it *uitvoerbaar bij voorraad* (art. 233 Rv); absent is
    /// yes, the kanton practice for default judgments. When not, execution against a third
    /// party waits (art. 432 Rv, `lifecycle::enforceability`).
    pub provisionally_enforceable: Option<bool>,
    /// The registry's statement that no verzet or appeal was lodged, received on.
    pub no_appeal_statement_on: Option<NaiveDate>,
    /// An attachment under a third party that waits for that statement.
    pub waiting_attachment: Option<PendingAct>,
}

impl JudgmentRecord {
    /// Whether it may be executed notwithstanding verzet or appeal (absent: yes).
    pub fn provisional(&self) -> bool {
        self.provisionally_enforceable != Some(false)
    }

    /// Whether what is owed on `as_of` is computed over the awarded sums.
    fn governs(&self, as_of: NaiveDate) -> bool {
        self.on_awarded_sums && self.judgment_date.is_some_and(|d| as_of >= d)
    }

    /// The awarded sums as the law's quote takes them: one debt of the awarded principal,
    /// due the day before interest runs on it, and the awarded collection costs as owed
    /// from then (so a payment goes to them first, art. 6:44 BW).
    fn as_claim(&self) -> Option<(InvoiceInput, AwardedCosts)> {
        let judged_on = self.judgment_date?;
        let due_date = self.interest_from?.pred_opt()?;
        Some((
            InvoiceInput {
                number: format!("vonnis {judged_on}"),
                due_date,
                amount: Money::from_cents(self.awarded_principal_cents),
            },
            AwardedCosts {
                amount: Money::from_cents(self.awarded_collection_costs_cents),
                from: due_date,
            },
        ))
    }

    /// Whether the `index`th payment recorded, paid on `paid_on`, counts against the
    /// awarded sums: paid on or after the judgment's date, or recorded after it was
    /// registered — the court cannot have counted either.
    fn counts(&self, index: usize, paid_on: NaiveDate) -> bool {
        index >= self.payments_before || self.judgment_date.is_some_and(|d| paid_on >= d)
    }

    /// The rate series of the awarded interest, for a debtor of `claimed` kind.
    fn interest_series(&self, claimed: DebtorKind) -> quote::DebtorKind {
        // The quote picks the rate by the debtor's kind: 6:119 for consumers, 6:119a for
        // businesses; with the costs fixed by the award, that is all the kind decides.
        match self.interest_kind.as_str() {
            "statutory" => quote::DebtorKind::Consumer,
            "commercial" => quote::DebtorKind::Business,
            _ => quote_kind(claimed),
        }
    }
}

/// One attachment (beslag) made by the bailiff.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AttachmentRecord {
    /// `bank`, `wages` or `goods`.
    pub kind: String,
    /// The day it was made.
    pub made_on: Option<NaiveDate>,
    /// `attached` (money or goods seized) or `nothing`.
    pub result: String,
    /// The bailiff's fee for it (Btag art. 2), with its notice to the debtor (art. 2d).
    pub fee_cents: i64,
    /// Under whom (bank, employer): name, street, postcode, city.
    pub garnishee: Vec<String>,
    /// The day the garnishee's statement becomes owed: four weeks passed (art. 476a lid 1 Rv).
    pub statement_due_on: Option<NaiveDate>,
    /// The notice to the debtor is due by (art. 475i Rv: eight days).
    pub notice_due_on: Option<NaiveDate>,
    /// The garnishee's statement came in.
    pub statement_received: bool,
    /// Wages: the net monthly income attached.
    pub net_monthly_income_cents: i64,
    /// Wages: the protected income per month.
    pub protected_income_cents: Option<i64>,
    /// How it was computed (Dutch, for the notice to the debtor).
    pub protected_income_explanation: String,
    /// Wages: what the garnishee pays over each month.
    pub monthly_payment_cents: i64,
    /// Goods: the inventory.
    pub inventory: String,
    /// Goods: their valuation.
    pub valuation_cents: i64,
    /// The garnishee's statement (derdenverklaring, art. 476a Rv), once recorded.
    pub statement: Option<GarnisheeStatement>,
    /// A `garnishee_statement` task was opened when it was laid (due on the statement's
    /// last day), so the four weeks' timer opens no second one.
    pub statement_task: bool,
}

/// What the garnishee declared (art. 476a lid 2 Rv): what it holds or will pay for the
/// debtor, and the attachments ahead of ours; or that it holds nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GarnisheeStatement {
    /// The day it came in.
    pub received_on: Option<NaiveDate>,
    /// `holds` (money held or to be paid) or `nothing`.
    pub result: String,
    /// A bank: the balance held under the attachment.
    pub held_cents: i64,
    /// An employer or benefits agency: what it will pay over each month.
    pub monthly_cents: i64,
    /// Other attachments or rights that go before ours, in the garnishee's words.
    pub ahead: String,
    /// Anything else it said.
    pub remarks: String,
}

/// One step with the attachment register (the KBvG's Digitaal Beslagregister): a
/// consultation before a summons for recovery or before an income attachment, or the
/// registration of an income attachment laid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DbrStep {
    /// `summons` or `income_attachment` (consulted before it), or `registration`.
    pub purpose: String,
    /// The day it was asked.
    pub on: Option<NaiveDate>,
    /// Which register answered: `fixture` (the embedded stand-in) until a real client
    /// exists — never the DBR itself.
    pub register: String,
    /// Consulted: the attachments the register holds against the debtor, oldest first.
    pub attachments: Vec<DbrAttachment>,
    /// Registered: the attachment's number in the case and its rank in the register.
    pub attachment: Option<u32>,
    /// Registered: its rank (1 is the oldest, whose bailiff coordinates, art. 478 Rv).
    pub priority: Option<u32>,
}

/// An attachment the register holds against the debtor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DbrAttachment {
    /// `loonbeslag`, `bankbeslag`, …
    pub kind: String,
    /// The day it was laid.
    pub laid_on: Option<NaiveDate>,
    /// The office that laid it.
    pub office: String,
    /// Its rank: 1 is the oldest.
    pub priority: u32,
}

/// What a garnishee paid in under one attachment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttachmentYield {
    /// Everything received (payments not taken back).
    pub received_cents: i64,
    /// How many payments.
    pub payments: usize,
    /// The day of the last one.
    pub last_paid_on: Option<NaiveDate>,
}

/// A cost of the case for the client's own account, never the debtor's: the bailiff's
/// costs of a writ that could not be served. The Btag fixes the fee of a writ served
/// (art. 2) and has no tariff for an attempt that failed, so nothing of it is charged to
/// the debtor; the office charges it to its client, on the client's next payout
/// (afdracht).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientCharge {
    /// Unique within the case, e.g. `service:summons-1`.
    pub id: String,
    /// The day it was incurred.
    pub incurred_on: NaiveDate,
    /// What it costs.
    pub amount_cents: i64,
    /// In Dutch, for the client's statement.
    pub description: String,
}

impl TrackState {
    /// The costs of the case for the client's account ([`ClientCharge`]), oldest first:
    /// the costs stated with each service attempt, failed or served.
    pub fn client_charges(&self) -> Vec<ClientCharge> {
        // A served writ's own fee is the debtor's (the Btag tariff, in the legal costs);
        // costs stated beside it, like those of an attempt that failed, have no tariff the
        // debtor owes and are the client's.
        self.services
            .iter()
            .filter(|s| s.costs_cents > 0)
            .filter_map(|s| {
                let on = s.on?;
                Some(ClientCharge {
                    id: format!("service:{}-{}", s.act, s.attempt),
                    incurred_on: on,
                    amount_cents: s.costs_cents,
                    description: if s.outcome == "not_served" {
                        format!(
                            "kosten niet betekend exploot ({}, poging {}, {})",
                            s.act, s.attempt, s.found
                        )
                    } else {
                        format!(
                            "bijkomende kosten betekening ({}, {}), naast het Btag-tarief",
                            s.act, s.outcome
                        )
                    },
                })
            })
            .collect()
    }

    /// The yield of attachment `number` (1-based): the payments recorded against it.
    pub fn attachment_yield(&self, number: u32) -> AttachmentYield {
        self.payments
            .iter()
            .filter(|p| p.attachment == Some(number))
            .fold(AttachmentYield::default(), |y, p| AttachmentYield {
                received_cents: y.received_cents + p.amount_cents,
                payments: y.payments + 1,
                last_paid_on: y.last_paid_on.max(Some(p.paid_on)),
            })
    }

    /// The attachment whose garnishee is `payer` (a bank statement's payer name): the one
    /// laid under a garnishee of that name, compared on letters and digits only, case
    /// folded ("ZORGGROEP UTRECHT BV" is "Zorggroep Utrecht B.V."), or one name
    /// beginning the other; `None` when none or more than one fits.
    pub fn garnishee_paying(&self, payer: &str) -> Option<u32> {
        let key = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        };
        let payer = key(payer);
        if payer.len() < 4 {
            return None;
        }
        let fits: Vec<u32> = self
            .execution
            .iter()
            .flat_map(|e| e.attachments.iter().enumerate())
            .filter(|(_, a)| a.result == "attached")
            .filter(|(_, a)| {
                let name = key(a.garnishee.first().map_or("", String::as_str));
                name.len() >= 4 && (name.starts_with(&payer) || payer.starts_with(&name))
            })
            .filter_map(|(i, _)| u32::try_from(i + 1).ok())
            .collect();
        match fits.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}

/// An execution act that waits for the insolvency register.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PendingAct {
    /// `judgment_service` or `attachment`.
    pub act: String,
    /// For an attachment: `bank`, `wages` or `goods`.
    pub attachment: String,
    /// For an attachment: 1, 2, …
    pub attempt: usize,
}

/// Execution of the judgment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExecutionRecord {
    /// Judgment served with the order to pay on.
    pub served_on: Option<NaiveDate>,
    /// Last day of the order to pay (2 days, Atw).
    pub order_to_pay_ends_on: Option<NaiveDate>,
    /// The bailiff's fee for the service (Btag art. 2b).
    pub service_fee_cents: i64,
    /// Attachments made, in order.
    pub attachments: Vec<AttachmentRecord>,
}

/// One instalment of a plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InstalmentRecord {
    /// Due on.
    pub due_on: Option<NaiveDate>,
    /// Amount.
    pub amount_cents: i64,
}

/// A payment plan (betalingsregeling).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanRecord {
    /// Agreed on.
    pub agreed_on: Option<NaiveDate>,
    /// The instalments, in date order.
    pub instalments: Vec<InstalmentRecord>,
    /// Payments recorded before the plan (its instalments count what came after).
    pub payments_before: usize,
    /// How many instalments were found kept so far.
    pub checked: usize,
    /// Lapsed by a missed instalment.
    pub lapsed: bool,
    /// The stage the track resumes in.
    pub resumes_stage: String,
}

impl PlanRecord {
    /// What was paid towards each instalment: payments since the plan, filling the
    /// instalments in date order.
    pub fn paid_towards(&self, payments: &[PaymentRecord]) -> Vec<i64> {
        let mut left: i64 = payments
            .iter()
            .skip(self.payments_before)
            .map(|p| p.amount_cents)
            .sum();
        self.instalments
            .iter()
            .map(|i| {
                let paid = left.min(i.amount_cents);
                left -= paid;
                paid
            })
            .collect()
    }
}

/// The client's final statement: what came in and where it went. Adds up:
/// `received = paid_out + office_costs + overpaid`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Statement {
    /// Closed on.
    pub closed_on: Option<NaiveDate>,
    /// Why, in words.
    pub reason: String,
    /// Everything the debtor paid.
    pub received_cents: i64,
    /// To the client: principal and interest.
    pub paid_out_cents: i64,
    /// Of which principal.
    pub principal_cents: i64,
    /// Of which interest.
    pub interest_cents: i64,
    /// Collection costs (and VAT) and legal/execution costs recovered.
    pub office_costs_cents: i64,
    /// Paid beyond what was owed, to be refunded to the debtor.
    pub overpaid_cents: i64,
    /// Still owed on the closing day (written off, or for the curator).
    pub outstanding_cents: i64,
    /// Costs for the client's own account ([`ClientCharge`]: failed service attempts),
    /// not part of what the debtor owed; settled on the client's payout.
    pub client_costs_cents: i64,
    /// Advice for the client (file with the curator, reclaim VAT).
    pub advice: Vec<String>,
}

/// What a case owes on a day: the law's quote plus the post-judgment costs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owed {
    /// Principal, interest, collection costs, paid, as [`quote::quote`] computes them.
    pub quote: ClaimQuote,
    /// Awarded legal costs and execution fees not yet paid.
    pub legal_costs: Money,
    /// Everything: the quote's total plus the legal costs.
    pub total: Money,
}

fn quote_kind(kind: DebtorKind) -> quote::DebtorKind {
    match kind {
        DebtorKind::Consumer => quote::DebtorKind::Consumer,
        DebtorKind::Business => quote::DebtorKind::Business,
    }
}

/// Legal and execution costs incurred up to and including `as_of`.
fn legal_costs_incurred(track: &TrackState, as_of: NaiveDate) -> i64 {
    let judgment = track
        .judgment
        .as_ref()
        .filter(|j| j.judgment_date.is_some_and(|d| d <= as_of))
        .map_or(0, |j| j.legal_costs_cents);
    let execution = track.execution.as_ref().map_or(0, |e| {
        let service = if e.served_on.is_some_and(|d| d <= as_of) {
            e.service_fee_cents
        } else {
            0
        };
        service
            + e.attachments
                .iter()
                .filter(|a| a.made_on.is_some_and(|d| d <= as_of))
                .map(|a| a.fee_cents)
                .sum::<i64>()
    });
    judgment + execution
}

/// The law's quote request for the case on `as_of` with `payments` (the part of each that
/// went to the law's items, with its place in the order recorded): over the claim's
/// invoices, or, `on_award`, over the awarded sums of a judgment that differs from the
/// claim (with the payments that count against them).
fn request(
    case: &CaseRecord,
    policy: &TrackPolicy,
    as_of: NaiveDate,
    payments: Vec<(usize, PaymentInput)>,
    on_award: bool,
) -> QuoteRequest {
    let judgment = case.track.judgment.as_ref().filter(|_| on_award);
    if let Some(j) = judgment
        && let Some((debt, costs)) = j.as_claim()
    {
        // Before interest runs on the award there is none; a payment made earlier paid
        // the award from its start.
        let start = debt.due_date;
        let mut request =
            QuoteRequest::new(j.interest_series(case.claim.debtor.kind), as_of.max(start));
        request.payments = payments
            .into_iter()
            .filter(|(index, p)| j.counts(*index, p.paid_on))
            .map(|(_, p)| PaymentInput {
                paid_on: p.paid_on.max(start),
                invoice_number: None,
                ..p
            })
            .collect();
        request.invoices = vec![debt];
        request.awarded_costs = Some(costs);
        request.delivery_days = policy.letter_delivery_days;
        request.rates = policy.rates.clone();
        return request;
    }
    let payments = payments.into_iter().map(|(_, p)| p).collect();
    QuoteRequest {
        debtor_kind: quote_kind(case.claim.debtor.kind),
        invoices: case
            .claim
            .invoices
            .iter()
            .map(|i| InvoiceInput {
                number: i.number.clone(),
                due_date: i.due_date,
                amount: i.amount,
            })
            .collect(),
        payments,
        as_of,
        letter_sent_on: match case.claim.debtor.kind {
            DebtorKind::Consumer => case.track.letter_sent_on,
            // A business owes collection costs without a 14-dagenbrief.
            DebtorKind::Business => None,
        },
        vat_on_collection_costs: case.track.vat_on_collection_costs,
        delivery_days: policy.letter_delivery_days,
        awarded_costs: None,
        rates: policy.rates.clone(),
    }
}

/// The part of each recorded payment that went to the law's items, with its place in the
/// order recorded.
fn law_payments(track: &TrackState) -> Vec<(usize, PaymentInput)> {
    track
        .payments
        .iter()
        .enumerate()
        .filter(|(_, p)| p.amount_cents > p.to_legal_costs_cents)
        .map(|(index, p)| {
            (
                index,
                PaymentInput {
                    paid_on: p.paid_on,
                    amount: Money::from_cents(p.amount_cents - p.to_legal_costs_cents),
                    invoice_number: p.invoice_number.clone(),
                },
            )
        })
        .collect()
}

fn run(request: &QuoteRequest) -> Result<ClaimQuote, String> {
    quote::quote(request).map_err(|violations| {
        violations
            .iter()
            .map(|v| format!("{}: {}", v.field, v.description))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// What the case owes on `as_of`, itemised: [`quote::quote`] over its invoices, the
/// payments up to that day and its letter date, plus unpaid post-judgment costs.
pub fn owed(case: &CaseRecord, policy: &TrackPolicy, as_of: NaiveDate) -> Result<Owed, String> {
    let on_award = case
        .track
        .judgment
        .as_ref()
        .is_some_and(|j| j.governs(as_of));
    owed_on(case, policy, as_of, on_award)
}

/// [`owed`] over the claim, or over a judgment's awarded sums (`on_award`).
fn owed_on(
    case: &CaseRecord,
    policy: &TrackPolicy,
    as_of: NaiveDate,
    on_award: bool,
) -> Result<Owed, String> {
    let quote = run(&request(
        case,
        policy,
        as_of,
        law_payments(&case.track),
        on_award,
    ))?;
    let legal_paid: i64 = case
        .track
        .payments
        .iter()
        .filter(|p| p.paid_on <= as_of)
        .map(|p| p.to_legal_costs_cents)
        .sum();
    let legal_costs = Money::from_cents(legal_costs_incurred(&case.track, as_of) - legal_paid);
    Ok(Owed {
        total: quote.total_due + legal_costs,
        quote,
        legal_costs,
    })
}

/// Where a new payment goes: post-judgment costs first, then the law's allocation
/// (art. 6:44 BW: costs, interest, principal), read as the difference of the quote on the
/// payment day without and with it — so every cent is the law's.
pub fn allocate(
    case: &CaseRecord,
    policy: &TrackPolicy,
    payment: &PaymentRecord,
) -> Result<PaymentRecord, String> {
    let mut record = payment.clone();
    let day = payment.paid_on;
    // A payment recorded once a differing judgment stands counts against its awarded
    // sums, whatever its date: the court cannot have counted it.
    let on_award = case
        .track
        .judgment
        .as_ref()
        .is_some_and(|j| j.on_awarded_sums);
    let before = owed_on(case, policy, day, on_award)?;
    let legal_open = before.legal_costs.to_cents().map_err(|e| e.to_string())?;
    record.to_legal_costs_cents = payment.amount_cents.min(legal_open.max(0));
    let rest = payment.amount_cents - record.to_legal_costs_cents;
    if rest > 0 {
        let mut payments = law_payments(&case.track);
        payments.push((
            case.track.payments.len(),
            PaymentInput {
                paid_on: day,
                amount: Money::from_cents(rest),
                invoice_number: payment.invoice_number.clone(),
            },
        ));
        let after = run(&request(case, policy, day, payments, on_award))?;
        let b = &before.quote;
        let cents = |m: Money| m.to_cents().map_err(|e| e.to_string());
        record.to_costs_cents = cents(
            (b.collection_costs + b.collection_costs_vat)
                - (after.collection_costs + after.collection_costs_vat),
        )?;
        record.to_interest_cents = cents(b.interest - after.interest)?;
        record.to_principal_cents = cents(b.principal - after.principal)?;
        record.overpaid_cents = cents(after.overpaid - b.overpaid)?;
    }
    Ok(record)
}

/// The final statement on `closed_on` for `reason`.
pub fn statement(
    case: &CaseRecord,
    policy: &TrackPolicy,
    closed_on: NaiveDate,
    reason: &str,
    advice: Vec<String>,
) -> Statement {
    let sum = |f: fn(&PaymentRecord) -> i64| case.track.payments.iter().map(f).sum::<i64>();
    let principal = sum(|p| p.to_principal_cents);
    let interest = sum(|p| p.to_interest_cents);
    let outstanding = owed(case, policy, closed_on)
        .ok()
        .and_then(|o| o.total.to_cents().ok())
        .unwrap_or_default();
    Statement {
        closed_on: Some(closed_on),
        reason: reason.to_owned(),
        received_cents: sum(|p| p.amount_cents),
        paid_out_cents: principal + interest,
        principal_cents: principal,
        interest_cents: interest,
        office_costs_cents: sum(|p| p.to_costs_cents + p.to_legal_costs_cents),
        overpaid_cents: sum(|p| p.overpaid_cents),
        outstanding_cents: outstanding,
        client_costs_cents: case
            .track
            .client_charges()
            .iter()
            .map(|c| c.amount_cents)
            .sum(),
        advice,
    }
}

/// The stage a paused track resumes in, read back.
pub fn resumes_stage(plan: &PlanRecord) -> Option<Stage> {
    Stage::parse(&plan.resumes_stage)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attached(kind: &str, garnishee: &str) -> AttachmentRecord {
        AttachmentRecord {
            kind: kind.into(),
            result: "attached".into(),
            garnishee: vec![garnishee.into()],
            ..AttachmentRecord::default()
        }
    }

    /// A bank statement's payer is the garnishee whose name it is, letters and digits
    /// compared; none when two fit or the name is too short to tell.
    #[test]
    fn a_payer_is_matched_to_one_garnishee_or_none() {
        let mut track = TrackState {
            execution: Some(ExecutionRecord {
                attachments: vec![
                    attached("bank", "ING Bank N.V."),
                    AttachmentRecord {
                        result: "nothing".into(),
                        ..attached("wages", "Gemeente Utrecht")
                    },
                    attached("wages", "Zorggroep Utrecht B.V."),
                ],
                ..ExecutionRecord::default()
            }),
            ..TrackState::default()
        };
        assert_eq!(track.garnishee_paying("ZORGGROEP UTRECHT BV"), Some(3));
        assert_eq!(track.garnishee_paying("Zorggroep Utrecht"), Some(3));
        assert_eq!(track.garnishee_paying("ING BANK NV"), Some(1));
        // Nothing was laid under the municipality; a short or unknown name fits none.
        assert_eq!(track.garnishee_paying("Gemeente Utrecht"), None);
        assert_eq!(track.garnishee_paying("ING"), None);
        assert_eq!(track.garnishee_paying("J. de Vries"), None);
        // Two garnishees of one name: the payment is not guessed.
        if let Some(e) = track.execution.as_mut() {
            e.attachments.push(attached("bank", "ING Bank N.V."));
        }
        assert_eq!(track.garnishee_paying("ING Bank N.V."), None);
        // The yield of an attachment: its payments only.
        track.payments = vec![
            PaymentRecord {
                amount_cents: 120_000,
                paid_on: NaiveDate::from_ymd_opt(2026, 7, 25).unwrap(),
                attachment: Some(3),
                ..PaymentRecord::default()
            },
            PaymentRecord {
                amount_cents: 5_000,
                paid_on: NaiveDate::from_ymd_opt(2026, 7, 30).unwrap(),
                ..PaymentRecord::default()
            },
        ];
        assert_eq!(
            track.attachment_yield(3),
            AttachmentYield {
                received_cents: 120_000,
                payments: 1,
                last_paid_on: NaiveDate::from_ymd_opt(2026, 7, 25),
            }
        );
        assert_eq!(track.attachment_yield(1), AttachmentYield::default());
    }
}
