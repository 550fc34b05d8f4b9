//! The client's final statement (*eindafrekening*) when a case closes: what the claim came
//! to (principal, interest, costs), what was received from the debtor, what was paid out
//! to the client, and the balance — and, when the debtor is insolvent, the advice to file
//! the claim with the trustee and to reclaim the VAT on the bad debt.
//!
//! The figures are the track's own (its allocation of each payment by art. 6:44 BW and
//! its payouts); this module only adds them up, so the statement always adds up to the
//! cent.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::layout::{BODY, Column, Doc, Style};
use super::{
    BuildError, Office, Parties, RenderError, amount, amount_row, amount_row_if_positive,
    letter_opening, nl, total_row,
};
use crate::case::{CaseRecord, Client};
use crate::law::money::Money;

/// One amount received from the debtor (or collected by attachment).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// Day received.
    pub received_on: NaiveDate,
    /// Amount.
    #[serde(with = "amount")]
    pub amount: Money,
    /// What it was, e.g. "betaling debiteur", "bankbeslag".
    pub description: String,
}

/// One amount paid out to the client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payout {
    /// Day paid.
    pub paid_on: NaiveDate,
    /// Amount.
    #[serde(with = "amount")]
    pub amount: Money,
    /// What it was.
    pub description: String,
}

/// The debtor's insolvency, when the case closed because of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Insolvency {
    /// "faillissement", "surseance van betaling" or "schuldsaneringsregeling (WSNP)".
    pub kind: String,
    /// The trustee or administrator (*curator / bewindvoerder*).
    pub administrator: String,
    /// Their address.
    pub administrator_address: String,
    /// The insolvency case number.
    pub case_number: String,
}

/// What the track knows when a case closes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalStatementInput {
    /// The statement's date.
    pub drafted_on: NaiveDate,
    /// Why the case closed, in Dutch for the client.
    pub close_reason: String,
    /// Principal of the claim.
    pub principal: Money,
    /// Interest up to the closing (or the last payment).
    pub interest: Money,
    /// Collection costs (with VAT where charged).
    pub collection_costs: Money,
    /// Costs of proceedings and execution.
    pub legal_costs: Money,
    /// Received from the debtor.
    pub receipts: Vec<Receipt>,
    /// Of the receipts, paid by the debtor to the client directly (never held here).
    pub received_by_client: Money,
    /// What the office keeps of the money it received: the collection, legal and execution
    /// costs paid.
    pub retained: Money,
    /// Costs the client owes the office: those of payments made to it directly, and its
    /// own costs (writs not served).
    pub charged_to_client: Money,
    /// Paid beyond what was owed: back to the debtor, not the client's.
    pub refunded: Money,
    /// Paid out to the client.
    pub payouts: Vec<Payout>,
    /// The debtor's insolvency, if that closed the case.
    pub insolvency: Option<Insolvency>,
}

/// Everything the final statement shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalStatement {
    /// The office, the client it is for and the debtor.
    #[serde(flatten)]
    pub parties: Parties,
    /// Dossier number.
    pub reference: String,
    /// Client's reference.
    pub client_reference: String,
    /// Date.
    pub drafted_on: NaiveDate,
    /// Why the case closed.
    pub close_reason: String,
    /// Principal.
    #[serde(with = "amount")]
    pub principal: Money,
    /// Interest.
    #[serde(with = "amount")]
    pub interest: Money,
    /// Collection costs.
    #[serde(with = "amount")]
    pub collection_costs: Money,
    /// Legal and execution costs.
    #[serde(with = "amount")]
    pub legal_costs: Money,
    /// The claim in total.
    #[serde(with = "amount")]
    pub claim_total: Money,
    /// Receipts.
    pub receipts: Vec<Receipt>,
    /// Their total.
    #[serde(with = "amount")]
    pub total_received: Money,
    /// Payouts.
    pub payouts: Vec<Payout>,
    /// Their total.
    #[serde(with = "amount")]
    pub total_paid_out: Money,
    /// Still owed by the debtor: claim total − received (never below zero).
    #[serde(with = "amount")]
    pub outstanding: Money,
    /// Of the receipts, paid to the client directly.
    #[serde(with = "amount", default)]
    pub received_by_client: Money,
    /// Kept by the office of what it received: costs paid.
    #[serde(with = "amount", default)]
    pub retained: Money,
    /// Owed by the client to the office: costs of direct payments, its own costs.
    #[serde(with = "amount", default)]
    pub charged_to_client: Money,
    /// Back to the debtor: paid beyond what was owed.
    #[serde(with = "amount", default)]
    pub refunded: Money,
    /// The client's, not yet paid out: received by the office − retained − refunded −
    /// paid out (never below zero).
    #[serde(with = "amount")]
    pub held: Money,
    /// The client owes the office: the costs of direct payments and its own costs beyond
    /// what the office holds for it.
    #[serde(with = "amount", default)]
    pub owed_by_client: Money,
    /// The debtor's insolvency.
    pub insolvency: Option<Insolvency>,
}

impl FinalStatement {
    /// The statement for `case` from the track's figures.
    pub fn build(
        office: &Office,
        client: &Client,
        case: &CaseRecord,
        input: FinalStatementInput,
    ) -> Result<FinalStatement, BuildError> {
        // A payout line may be negative (costs charged to the client, money the bank took
        // back after it was paid out), and what was paid out may exceed what is still
        // received after a storno: the client then owes it back.
        if input.receipts.iter().any(|r| !r.amount.is_positive())
            || input.payouts.iter().any(|p| p.amount.is_zero())
        {
            return Err(BuildError::Invalid(
                "receipts must each be more than zero, payouts other than zero".into(),
            ));
        }
        let claim_total =
            input.principal + input.interest + input.collection_costs + input.legal_costs;
        let total_received: Money = input.receipts.iter().map(|r| r.amount).sum();
        let total_paid_out: Money = input.payouts.iter().map(|p| p.amount).sum();
        // The payout's own split (`bank::payout::share`): the client's share is what the
        // office received less its costs and the refund.
        let to_client = total_received
            - input.received_by_client
            - input.retained
            - input.refunded
            - input.charged_to_client;
        Ok(FinalStatement {
            parties: Parties::of(office, client, case),
            reference: case.payment_reference.grouped(),
            client_reference: case.claim.client_reference.clone(),
            drafted_on: input.drafted_on,
            close_reason: input.close_reason,
            principal: input.principal,
            interest: input.interest,
            collection_costs: input.collection_costs,
            legal_costs: input.legal_costs,
            claim_total,
            total_received,
            total_paid_out,
            outstanding: (claim_total - total_received).max(Money::ZERO),
            received_by_client: input.received_by_client,
            retained: input.retained,
            charged_to_client: input.charged_to_client,
            refunded: input.refunded,
            held: (to_client - total_paid_out).max(Money::ZERO),
            owed_by_client: (total_paid_out - to_client).max(Money::ZERO),
            receipts: input.receipts,
            payouts: input.payouts,
            insolvency: input.insolvency,
        })
    }

    /// "Eindafrekening …".
    pub fn title(&self) -> String {
        self.parties.title("Eindafrekening", &self.reference)
    }

    /// The statement as a PDF.
    pub fn render(&self) -> Result<Vec<u8>, RenderError> {
        let mut doc = self.parties.doc(
            &self.title(),
            "Eindafrekening opdrachtgever",
            self.drafted_on,
            &self.reference,
        );
        letter_opening(
            &mut doc,
            &self.parties.office,
            &self.parties.client,
            &[
                ("Datum", nl(self.drafted_on)),
                ("Dossier", self.reference.clone()),
                ("Uw kenmerk", self.client_reference.clone()),
            ],
            &format!(
                "Betreft: eindafrekening dossier {} — {}",
                self.reference, self.parties.debtor.name
            ),
            "Geachte opdrachtgever,",
        );
        doc.body(&format!(
            "Wij hebben het dossier tegen {} gesloten. Reden: {}. Hieronder vindt u de \
             afrekening.",
            self.parties.debtor.one_line(),
            self.close_reason
        ));
        doc.heading("De vordering", 11.0);
        amount_row(&mut doc, "Hoofdsom", self.principal);
        amount_row(&mut doc, "Rente", self.interest);
        amount_row(
            &mut doc,
            "Buitengerechtelijke incassokosten",
            self.collection_costs,
        );
        amount_row(&mut doc, "Proces- en executiekosten", self.legal_costs);
        total_row(&mut doc, "Totaal vordering", self.claim_total);

        dated_amounts(
            &mut doc,
            "Ontvangen van de debiteur",
            "Er is niets ontvangen.",
            self.receipts
                .iter()
                .map(|r| (r.received_on, r.description.as_str(), r.amount)),
            ("Totaal ontvangen", self.total_received),
        );
        dated_amounts(
            &mut doc,
            "Aan u afgedragen",
            "Er is niets afgedragen.",
            self.payouts
                .iter()
                .map(|p| (p.paid_on, p.description.as_str(), p.amount)),
            ("Totaal afgedragen", self.total_paid_out),
        );

        doc.heading("Saldo", 11.0);
        amount_row(&mut doc, "Nog openstaand bij de debiteur", self.outstanding);
        amount_row_if_positive(
            &mut doc,
            "Rechtstreeks aan u betaald",
            self.received_by_client,
        );
        amount_row_if_positive(&mut doc, "Kosten, door kantoor ingehouden", self.retained);
        amount_row_if_positive(
            &mut doc,
            "Kosten voor uw rekening (rechtstreekse betalingen, niet betekende exploten)",
            self.charged_to_client,
        );
        amount_row_if_positive(
            &mut doc,
            "Te veel betaald, terug aan de debiteur",
            self.refunded,
        );
        amount_row(&mut doc, "Ontvangen, nog aan u af te dragen", self.held);
        amount_row_if_positive(
            &mut doc,
            "Door u aan kantoor te voldoen",
            self.owed_by_client,
        );
        doc.space(6.0);
        if self.held.is_positive() {
            doc.body(&format!(
                "Wij maken {} binnen tien werkdagen aan u over.",
                self.held.format_nl()
            ));
        }
        if let Some(insolvency) = &self.insolvency {
            doc.heading("Advies: insolventie van de debiteur", 11.0);
            doc.body(&format!(
                "De debiteur is in {} (zaaknummer {}). Invordering buiten de insolventie om is niet \
                 meer mogelijk (art. 26, 33 en 299 Faillissementswet). Wij adviseren u de vordering \
                 van {} ter verificatie in te dienen bij de curator/bewindvoerder: {}, {} (art. 110 \
                 Fw), met kopieën van de facturen.",
                insolvency.kind,
                insolvency.case_number,
                self.outstanding.format_nl(),
                insolvency.administrator,
                insolvency.administrator_address
            ));
            doc.body(
                "Heeft u over deze facturen btw afgedragen, dan kunt u die btw terugvragen omdat de \
                 vordering oninbaar is (art. 29 Wet op de omzetbelasting 1968): u verrekent haar in \
                 uw gewone btw-aangifte. Ontvangt u later toch nog iets, dan is de btw over dat \
                 bedrag opnieuw verschuldigd.",
            );
        }
        doc.space(8.0);
        doc.body("Met vriendelijke groet,");
        doc.body(&self.parties.office.name);
        doc.finish()
    }
}

/// A list of amounts under `heading`, one row each (date, description, amount), with
/// `none` when the list is empty and the total line below: the receipts from the debtor
/// and the payouts to the client.
fn dated_amounts<'a>(
    doc: &mut Doc,
    heading: &str,
    none: &str,
    entries: impl ExactSizeIterator<Item = (NaiveDate, &'a str, Money)>,
    (total_label, total): (&str, Money),
) {
    const COLUMNS: [Column; 3] = [
        Column::left(170.0),
        Column::left(400.0),
        Column::right(500.0),
    ];
    doc.heading(heading, 11.0);
    if entries.len() == 0 {
        doc.body(none);
    }
    for (day, description, amount) in entries {
        doc.row(
            &COLUMNS,
            &[&nl(day), description, &amount.format_nl()],
            Style::Regular,
            BODY,
        );
    }
    total_row(doc, total_label, total);
}
