//! The demand (*sommatie*) to a business debtor: pay within the policy's term or the
//! client will go to court.
//!
//! For a business no 14-dagenbrief is needed: the collection costs of the Besluit are owed
//! from the day after the due date (law.md §3–4), so the demand states them as already
//! owed, with the commercial interest (art. 6:119a BW) so far — both from
//! [`law::quote`](crate::law::quote) on the day the demand is sent. The term is the
//! policy's number of days from the sending day, counted as the track counts it.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::layout::{BODY, Style};
use super::{
    BuildError, InvoiceLine, Office, Parties, RenderError, amount, amount_row,
    amount_row_if_positive, invoice_table, letter_opening_to, nl, nl_weekday, payment_instructions,
    quote_request, signature, total_row,
};
use crate::case::{CaseRecord, Client, DebtorKind};
use crate::law::calendar::extend_term;
use crate::law::money::Money;
use crate::law::quote::{PaymentInput, quote};

/// Everything a demand shows, as computed on the day it is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demand {
    /// Who writes, on whose behalf and to whom.
    #[serde(flatten)]
    pub parties: Parties,
    /// Dossier number and payment reference.
    pub reference: String,
    /// The client's reference.
    pub client_reference: String,
    /// Sending day.
    pub sent_on: NaiveDate,
    /// The unpaid invoices.
    pub invoices: Vec<InvoiceLine>,
    /// Unpaid principal.
    #[serde(with = "amount")]
    pub principal: Money,
    /// Commercial interest (art. 6:119a BW) up to and including `sent_on`.
    #[serde(with = "amount")]
    pub interest: Money,
    /// Collection costs owed, excluding VAT.
    #[serde(with = "amount")]
    pub collection_costs: Money,
    /// VAT on them (zero when the client deducts VAT).
    #[serde(with = "amount")]
    pub collection_costs_vat: Money,
    /// Paid so far (already taken into the figures).
    #[serde(with = "amount")]
    pub paid: Money,
    /// Everything owed on `sent_on`.
    #[serde(with = "amount")]
    pub total_due: Money,
    /// The term in days.
    pub term_days: u32,
    /// Last day to pay.
    pub last_day_to_pay: NaiveDate,
}

impl Demand {
    /// The demand for a business debtor's `case`, sent on `sent_on` with a term of
    /// `term_days` (the client's policy).
    pub fn build(
        office: &Office,
        client: &Client,
        case: &CaseRecord,
        sent_on: NaiveDate,
        term_days: u32,
        payments: &[PaymentInput],
    ) -> Result<Demand, BuildError> {
        if case.claim.debtor.kind != DebtorKind::Business {
            return Err(BuildError::NotApplicable(
                "a demand (sommatie) is for businesses; a consumer gets a 14-dagenbrief".into(),
            ));
        }
        let figures =
            quote(&quote_request(office, case, sent_on, payments)).map_err(BuildError::Quote)?;
        Ok(Demand {
            parties: Parties::of(office, client, case),
            reference: case.payment_reference.grouped(),
            client_reference: case.claim.client_reference.clone(),
            sent_on,
            invoices: InvoiceLine::all(case),
            principal: figures.principal,
            interest: figures.interest,
            collection_costs: figures.collection_costs,
            collection_costs_vat: figures.collection_costs_vat,
            paid: figures.paid,
            total_due: figures.total_due,
            term_days,
            // The track's own count (`lifecycle::intake::send_letter`): the sending day +
            // the policy's days, extended by the Algemene termijnenwet.
            last_day_to_pay: extend_term(sent_on + Days::new(u64::from(term_days))),
        })
    }

    /// "Sommatie …".
    pub fn title(&self) -> String {
        self.parties.title("Sommatie", &self.reference)
    }

    /// The demand as a PDF.
    pub fn render(&self) -> Result<Vec<u8>, RenderError> {
        let mut doc = self.parties.doc(
            &self.title(),
            "Sommatie tot betaling",
            self.sent_on,
            &self.reference,
        );
        // A company's board is addressed on a line of its own, under the name.
        let mut to = self.parties.debtor.address_lines();
        to.insert(1, "t.a.v. de directie".to_owned());
        letter_opening_to(
            &mut doc,
            &self.parties.office,
            &to,
            &[
                ("Datum", nl(self.sent_on)),
                ("Dossier", self.reference.clone()),
                ("Kenmerk opdrachtgever", self.client_reference.clone()),
            ],
            &format!(
                "Betreft: sommatie tot betaling aan {}",
                self.parties.client.name
            ),
            "Geachte heer, mevrouw,",
        );
        doc.body(&format!(
            "Onze opdrachtgever {} heeft ons opdracht gegeven haar vordering op {} te innen. U \
             heeft de volgende facturen niet (volledig) betaald, hoewel de betalingstermijn is \
             verstreken. U bent daardoor in verzuim.",
            self.parties.client.one_line(),
            self.parties.debtor.one_line()
        ));
        invoice_table(&mut doc, &self.invoices);
        doc.body(&format!("Op {} bedraagt uw schuld:", nl(self.sent_on)));
        amount_row(&mut doc, "Hoofdsom (openstaand)", self.principal);
        amount_row(
            &mut doc,
            &format!(
                "Wettelijke handelsrente (art. 6:119a BW) tot en met {}",
                nl(self.sent_on)
            ),
            self.interest,
        );
        amount_row(
            &mut doc,
            "Buitengerechtelijke incassokosten (art. 6:96 BW)",
            self.collection_costs,
        );
        amount_row_if_positive(
            &mut doc,
            "Btw over de incassokosten",
            self.collection_costs_vat,
        );
        total_row(&mut doc, "Totaal verschuldigd", self.total_due);
        if self.paid.is_positive() {
            doc.body(&format!(
                "Uw betalingen tot nu toe, in totaal {}, zijn hierin verwerkt (art. 6:44 BW: eerst \
                 kosten, dan rente, dan hoofdsom).",
                self.paid.format_nl()
            ));
        }
        doc.heading("Sommatie", 11.0);
        doc.paragraph(
            &format!(
                "Namens onze opdrachtgever sommeren wij u het totaalbedrag van {} uiterlijk op {} \
                 te betalen.",
                self.total_due.format_nl(),
                nl_weekday(self.last_day_to_pay)
            ),
            Style::Bold,
            BODY,
        );
        doc.space(BODY * 0.6);
        doc.body(&format!(
            "De wettelijke handelsrente loopt door over de hoofdsom tot de dag van volledige \
             betaling. Ontvangen wij uw betaling niet uiterlijk op {}, dan zal onze opdrachtgever \
             zonder nadere aankondiging een gerechtelijke procedure tegen u beginnen. De kosten \
             daarvan komen dan eveneens voor uw rekening.",
            nl(self.last_day_to_pay)
        ));
        payment_instructions(
            &mut doc,
            &self.parties.office,
            &self.reference,
            self.total_due,
        );
        doc.body(&format!(
            "Heeft u bezwaar tegen de vordering, laat ons dat dan vóór {} schriftelijk en met \
             redenen weten via {}.",
            nl(self.last_day_to_pay),
            self.parties.office.email
        ));
        signature(&mut doc, &self.parties);
        doc.finish()
    }
}
