//! The confirmation of a payment plan (*betalingsregeling*): the instalments with their
//! dates and amounts, what the debt was on the day the plan was agreed (from
//! [`law::quote`](crate::law::quote)), and what happens when an instalment is missed —
//! after the policy's grace days the plan lapses and collection resumes where it was.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::layout::{BODY, Column, Style};
use super::{
    BuildError, Office, Parties, RenderError, amount, amount_row, amount_row_if_positive,
    letter_opening, nl, nl_weekday, payment_instructions, quote_request, signature, total_row,
};
use crate::case::track::Owed;
use crate::case::{CaseRecord, Client};
use crate::law::money::Money;
use crate::law::quote::{PaymentInput, quote};

/// One instalment (*termijn*).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    /// 1, 2, …
    pub number: u32,
    /// The day it must be paid by.
    pub due_on: NaiveDate,
    /// Amount.
    #[serde(with = "amount")]
    pub amount: Money,
}

/// Everything the confirmation shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentPlanConfirmation {
    /// Who writes, on whose behalf and to whom.
    #[serde(flatten)]
    pub parties: Parties,
    /// Dossier number and payment reference.
    pub reference: String,
    /// The day the plan was agreed (and the letter's date).
    pub agreed_on: NaiveDate,
    /// Unpaid principal that day.
    #[serde(with = "amount")]
    pub principal: Money,
    /// Interest up to and including that day.
    #[serde(with = "amount")]
    pub interest: Money,
    /// Collection costs owed that day, including their VAT.
    #[serde(with = "amount")]
    pub collection_costs: Money,
    /// Legal and execution costs (awarded costs, the bailiff's fees) owed that day.
    #[serde(with = "amount", default)]
    pub legal_costs: Money,
    /// Everything owed that day.
    #[serde(with = "amount")]
    pub total_due: Money,
    /// The instalments in date order.
    pub instalments: Vec<Instalment>,
    /// The sum of the instalments.
    #[serde(with = "amount")]
    pub plan_total: Money,
    /// Days after a missed instalment's date before the plan lapses.
    pub grace_days: u32,
}

impl PaymentPlanConfirmation {
    /// The confirmation of a plan agreed on `agreed_on` with `instalments` (date, amount)
    /// and the policy's `grace_days`. `letter_sent_on` and `delivery_days` say whether and
    /// when collection costs fell due for a consumer (the 14-dagenbrief); `payments` are
    /// those received so far.
    #[expect(
        clippy::too_many_arguments,
        reason = "each argument is one fact of the plan"
    )]
    pub fn build(
        office: &Office,
        client: &Client,
        case: &CaseRecord,
        agreed_on: NaiveDate,
        letter_sent_on: Option<NaiveDate>,
        delivery_days: u32,
        payments: &[PaymentInput],
        instalments: &[(NaiveDate, Money)],
        grace_days: u32,
    ) -> Result<PaymentPlanConfirmation, BuildError> {
        if instalments.is_empty() {
            return Err(BuildError::Invalid(
                "a payment plan has at least one instalment".into(),
            ));
        }
        let mut previous = agreed_on;
        for (i, (due_on, amount)) in instalments.iter().enumerate() {
            if !amount.is_positive() || *due_on < previous {
                return Err(BuildError::Invalid(format!(
                    "instalment {} must be more than zero and fall on or after {previous}",
                    i + 1
                )));
            }
            previous = *due_on;
        }
        let mut request = quote_request(office, case, agreed_on, payments);
        request.letter_sent_on = letter_sent_on;
        request.delivery_days = delivery_days;
        let figures = quote(&request).map_err(BuildError::Quote)?;
        Ok(PaymentPlanConfirmation {
            parties: Parties::of(office, client, case),
            reference: case.payment_reference.grouped(),
            agreed_on,
            principal: figures.principal,
            interest: figures.interest,
            collection_costs: figures.collection_costs + figures.collection_costs_vat,
            legal_costs: Money::ZERO,
            total_due: figures.total_due,
            instalments: instalments
                .iter()
                .enumerate()
                .map(|(i, (due_on, amount))| Instalment {
                    number: u32::try_from(i + 1).unwrap_or(u32::MAX),
                    due_on: *due_on,
                    amount: *amount,
                })
                .collect(),
            plan_total: instalments.iter().map(|(_, a)| *a).sum(),
            grace_days,
        })
    }

    /// The debt as the track owes it on the day agreed, replacing the claim's quote: over
    /// a judgment's awarded sums where they govern, with the legal and execution costs, and
    /// the payments allocated as the track allocated them.
    pub fn owing(mut self, owed: &Owed) -> Self {
        self.principal = owed.quote.principal;
        self.interest = owed.quote.interest;
        self.collection_costs = owed.quote.collection_costs + owed.quote.collection_costs_vat;
        self.legal_costs = owed.legal_costs;
        self.total_due = owed.total;
        self
    }

    /// "Bevestiging betalingsregeling …".
    pub fn title(&self) -> String {
        self.parties
            .title("Bevestiging betalingsregeling", &self.reference)
    }

    /// The confirmation as a PDF.
    pub fn render(&self) -> Result<Vec<u8>, RenderError> {
        let mut doc = self.parties.doc(
            &self.title(),
            "Bevestiging betalingsregeling",
            self.agreed_on,
            &self.reference,
        );
        letter_opening(
            &mut doc,
            &self.parties.office,
            &self.parties.debtor,
            &[
                ("Datum", nl(self.agreed_on)),
                ("Dossier", self.reference.clone()),
            ],
            &format!(
                "Betreft: bevestiging betalingsregeling — {}",
                self.parties.client.name
            ),
            "Geachte heer, mevrouw,",
        );
        doc.body(&format!(
            "Hierbij bevestigen wij de betalingsregeling die wij op {} namens {} met u hebben \
             afgesproken. Op die dag bedroeg uw schuld:",
            nl(self.agreed_on),
            self.parties.client.name
        ));
        amount_row(&mut doc, "Hoofdsom (openstaand)", self.principal);
        amount_row(
            &mut doc,
            &format!("Rente tot en met {}", nl(self.agreed_on)),
            self.interest,
        );
        amount_row_if_positive(&mut doc, "Incassokosten", self.collection_costs);
        amount_row_if_positive(&mut doc, "Proces- en executiekosten", self.legal_costs);
        total_row(&mut doc, "Totaal", self.total_due);

        doc.heading("Uw termijnen", 11.0);
        let columns = [
            Column::left(150.0),
            Column::left(400.0),
            Column::right(500.0),
        ];
        doc.row(
            &columns,
            &["Termijn", "Uiterlijk te betalen op", "Bedrag"],
            Style::Bold,
            BODY,
        );
        for instalment in &self.instalments {
            doc.row(
                &columns,
                &[
                    &instalment.number.to_string(),
                    &nl_weekday(instalment.due_on),
                    &instalment.amount.format_nl(),
                ],
                Style::Regular,
                BODY,
            );
        }
        total_row(&mut doc, "Totaal van de termijnen", self.plan_total);
        doc.body(
            "Uw betalingen worden volgens de wet eerst afgeboekt op de kosten, dan op de rente en \
             daarna op de hoofdsom (art. 6:44 BW). Over het openstaande deel van de hoofdsom blijft \
             rente verschuldigd; wat na de laatste termijn nog openstaat, rekenen wij met u af.",
        );

        doc.heading("Wat gebeurt er als u een termijn mist?", 11.0);
        doc.body(&format!(
            "Betaal iedere termijn uiterlijk op de datum hierboven. Staat een termijn niet binnen \
             {} dagen na die datum op onze rekening, dan vervalt de betalingsregeling zonder dat \
             wij u daarover nog berichten. Het dan openstaande bedrag, met de rente en de kosten, \
             is in dat geval in één keer opeisbaar en wij zetten de invordering voort waar die \
             was gebleven, zo nodig via de rechter.",
            self.grace_days
        ));
        let first = self
            .instalments
            .first()
            .map(|i| i.amount)
            .unwrap_or(Money::ZERO);
        payment_instructions(&mut doc, &self.parties.office, &self.reference, first);
        doc.body(&format!(
            "Kunt u een termijn niet betalen, neem dan vóór de vervaldatum contact met ons op: \
             telefoon {}, e-mail {}.",
            self.parties.office.phone, self.parties.office.email
        ));
        signature(&mut doc, &self.parties);
        doc.finish()
    }
}
