//! The 14-dagenbrief (*aanmaning ex art. 6:96 lid 6 BW*): the letter that gives a consumer
//! fourteen days to pay before collection costs are owed.
//!
//! What it must say (law.md §4, HR 25-11-2016, ECLI:NL:HR:2016:2704; HR 13-06-2014,
//! ECLI:NL:HR:2014:1405), and where the figure comes from:
//! - the principal and the interest so far: [`law::quote`](crate::law::quote) on the day
//!   the letter is sent;
//! - the term: "binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd"
//!   (the HR's safe wording), and the last day to pay written as a date:
//!   [`law::letter_term`](crate::law::letter_term) (presumed receipt on the policy's Nth
//!   delivery day, + 14 days, Algemene termijnenwet);
//! - the consequence of not paying, with the exact collection costs that become due, with
//!   or without VAT: [`law::collection_costs_with_vat`](crate::law::collection_costs_with_vat)
//!   over the principal, at the VAT rate of the day they fall due;
//! - how to pay (the office's IBAN, the reference) and who writes on whose behalf.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::layout::{BODY, Style};
use super::{
    BuildError, InvoiceLine, Office, Parties, RenderError, amount, amount_row, invoice_table,
    letter_opening, nl, nl_weekday, payment_instructions, quote_request, signature, total_row,
};
use crate::case::{CaseRecord, Client, DebtorKind};
use crate::law::collection_costs::collection_costs_with_vat;
use crate::law::letter::letter_term;
use crate::law::money::Money;
use crate::law::quote::{PaymentInput, quote};

/// Everything a 14-dagenbrief shows, as computed on the day it is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FourteenDayLetter {
    /// Who writes (the office), on whose behalf (the creditor) and to whom (the debtor).
    #[serde(flatten)]
    pub parties: Parties,
    /// The office's dossier number, also the payment reference.
    pub reference: String,
    /// The client's own reference for the claim.
    pub client_reference: String,
    /// The day the letter is sent (*dagtekening*).
    pub sent_on: NaiveDate,
    /// The unpaid invoices.
    pub invoices: Vec<InvoiceLine>,
    /// Unpaid principal on `sent_on`.
    #[serde(with = "amount")]
    pub principal: Money,
    /// Statutory interest (art. 6:119 BW) up to and including `sent_on`.
    #[serde(with = "amount")]
    pub interest: Money,
    /// Paid so far (already taken into principal and interest).
    #[serde(with = "amount")]
    pub paid: Money,
    /// What to pay within the term: principal + interest.
    #[serde(with = "amount")]
    pub total_due: Money,
    /// Presumed day of receipt.
    pub received_on: NaiveDate,
    /// Last day to pay without collection costs.
    pub last_day_to_pay: NaiveDate,
    /// Collection costs that become due after the term, excluding VAT.
    #[serde(with = "amount")]
    pub collection_costs: Money,
    /// VAT on them; zero when the client deducts VAT.
    #[serde(with = "amount")]
    pub collection_costs_vat: Money,
    /// Whether VAT is charged on the collection costs (the client cannot deduct it).
    pub vat_charged: bool,
}

impl FourteenDayLetter {
    /// Why no 14-dagenbrief can be sent for `case` on `sent_on`, if so: it is for consumers
    /// only, and only once every invoice is overdue (art. 6:96 lid 6 BW).
    pub fn not_applicable(case: &CaseRecord, sent_on: NaiveDate) -> Option<String> {
        if case.claim.debtor.kind != DebtorKind::Consumer {
            return Some(
                "a 14-dagenbrief is for consumers; a business gets a demand (sommatie)".into(),
            );
        }
        case.claim
            .invoices
            .iter()
            .find(|i| i.due_date >= sent_on)
            .map(|invoice| {
                format!(
                    "invoice {} is not overdue on {sent_on}: a 14-dagenbrief can only be sent \
                     after the due date has passed (art. 6:96 lid 6 BW)",
                    invoice.number
                )
            })
    }

    /// The letter for `case` sent on `sent_on`, with receipt presumed on the
    /// `delivery_days`-th delivery day (the client's policy) and `payments` received so
    /// far. Only for consumers, and only after every invoice is due (a 14-dagenbrief sent
    /// before *verzuim* is void, art. 6:96 lid 6 BW).
    pub fn build(
        office: &Office,
        client: &Client,
        case: &CaseRecord,
        sent_on: NaiveDate,
        delivery_days: u32,
        payments: &[PaymentInput],
    ) -> Result<FourteenDayLetter, BuildError> {
        if let Some(reason) = Self::not_applicable(case, sent_on) {
            return Err(BuildError::NotApplicable(reason));
        }
        // No letter was sent before this one, so the quote has no collection costs (and
        // its VAT setting changes nothing): the costs below are those this letter warns of.
        let mut request = quote_request(office, case, sent_on, payments);
        request.delivery_days = delivery_days;
        let figures = quote(&request).map_err(BuildError::Quote)?;
        let term = letter_term(sent_on, delivery_days);
        // The case's VAT position, as the track fixed it when the letter was sent.
        let vat_charged = case.track.vat_on_collection_costs;
        let costs =
            collection_costs_with_vat(figures.principal, term.costs_due_from(), vat_charged);
        Ok(FourteenDayLetter {
            parties: Parties::of(office, client, case),
            reference: case.payment_reference.grouped(),
            client_reference: case.claim.client_reference.clone(),
            sent_on,
            invoices: InvoiceLine::all(case),
            principal: figures.principal,
            interest: figures.interest,
            paid: figures.paid,
            total_due: figures.total_due,
            received_on: term.received_on,
            last_day_to_pay: term.last_day_to_pay,
            collection_costs: costs.costs,
            collection_costs_vat: costs.vat,
            vat_charged,
        })
    }

    /// "Veertiendagenbrief …".
    pub fn title(&self) -> String {
        self.parties.title("Veertiendagenbrief", &self.reference)
    }

    /// The letter as a PDF.
    pub fn render(&self) -> Result<Vec<u8>, RenderError> {
        let mut doc = self.parties.doc(
            &self.title(),
            "Aanmaning ex art. 6:96 lid 6 BW",
            self.sent_on,
            &self.reference,
        );
        letter_opening(
            &mut doc,
            &self.parties.office,
            &self.parties.debtor,
            &[
                ("Datum", nl(self.sent_on)),
                ("Dossier", self.reference.clone()),
                ("Kenmerk opdrachtgever", self.client_reference.clone()),
            ],
            &format!(
                "Betreft: aanmaning — laatste mogelijkheid om zonder incassokosten te betalen aan {}",
                self.parties.client.name
            ),
            "Geachte heer, mevrouw,",
        );
        doc.body(&format!(
            "Wij schrijven u namens onze opdrachtgever {}. Volgens onze opdrachtgever heeft u de \
             volgende facturen niet (volledig) betaald, hoewel de betalingstermijn is verstreken:",
            self.parties.client.one_line()
        ));
        invoice_table(&mut doc, &self.invoices);

        doc.body(&format!("Op {} bedraagt uw schuld:", nl(self.sent_on)));
        amount_row(&mut doc, "Hoofdsom (openstaand)", self.principal);
        amount_row(
            &mut doc,
            &format!(
                "Wettelijke rente (art. 6:119 BW) tot en met {}",
                nl(self.sent_on)
            ),
            self.interest,
        );
        total_row(&mut doc, "Nu te betalen", self.total_due);
        if self.paid.is_positive() {
            doc.body(&format!(
                "Uw betalingen tot nu toe, in totaal {}, zijn hierin verwerkt.",
                self.paid.format_nl()
            ));
        }

        doc.heading("Uw betalingstermijn", 11.0);
        doc.paragraph(
            &format!(
                "Wij verzoeken u het bedrag van {} te betalen binnen veertien dagen vanaf de dag \
                 nadat deze brief bij u is bezorgd.",
                self.total_due.format_nl()
            ),
            Style::Bold,
            BODY,
        );
        doc.space(BODY * 0.6);
        doc.body(&format!(
            "Wij gaan ervan uit dat deze brief op {} bij u is bezorgd. De laatste dag waarop u \
             kunt betalen is dan {}. Uw betaling moet uiterlijk op die dag op onze rekening staan. \
             Betaalt u {} op tijd, dan bent u geen incassokosten verschuldigd; de rente over de \
             dagen tot uw betaling blijft wel verschuldigd.",
            nl_weekday(self.received_on),
            nl_weekday(self.last_day_to_pay),
            self.total_due.format_nl()
        ));

        doc.heading("Wat gebeurt er als u niet op tijd betaalt?", 11.0);
        let costs_total = self.collection_costs + self.collection_costs_vat;
        let vat_text = if self.vat_charged {
            format!(
                "Dit bedrag is inclusief {} btw: onze opdrachtgever kan de btw niet verrekenen.",
                self.collection_costs_vat.format_nl()
            )
        } else {
            "Onze opdrachtgever kan de btw verrekenen; over de incassokosten wordt daarom geen \
             btw gerekend."
                .to_owned()
        };
        doc.body(&format!(
            "Heeft u niet uiterlijk op {} betaald, dan bent u naast de hoofdsom en de rente ook \
             buitengerechtelijke incassokosten verschuldigd van {}. {vat_text} De incassokosten \
             zijn berekend volgens het Besluit vergoeding voor buitengerechtelijke incassokosten \
             over de hoofdsom van {} (art. 6:96 BW).",
            nl(self.last_day_to_pay),
            costs_total.format_nl(),
            self.principal.format_nl()
        ));
        amount_row(
            &mut doc,
            "Incassokosten (exclusief btw)",
            self.collection_costs,
        );
        if self.vat_charged {
            amount_row(
                &mut doc,
                "Btw over de incassokosten",
                self.collection_costs_vat,
            );
        }
        total_row(&mut doc, "Incassokosten", costs_total);
        doc.body(&format!(
            "U moet dan in totaal {} betalen, vermeerderd met de wettelijke rente die over de \
             hoofdsom doorloopt tot de dag waarop u alles heeft betaald. Onze opdrachtgever kan \
             ons daarna opdracht geven een gerechtelijke procedure tegen u te beginnen; de kosten \
             daarvan kunnen ook voor uw rekening komen.",
            (self.total_due + costs_total).format_nl()
        ));

        payment_instructions(
            &mut doc,
            &self.parties.office,
            &self.reference,
            self.total_due,
        );

        doc.heading("Vragen, of kunt u niet in één keer betalen?", 11.0);
        doc.body(&format!(
            "Bent u het niet eens met de vordering, of kunt u het bedrag niet in één keer \
             betalen? Neem dan vóór {} contact met ons op: telefoon {}, e-mail {}. Dan zoeken \
             wij samen naar een oplossing, zoals een betalingsregeling.",
            nl(self.last_day_to_pay),
            self.parties.office.phone,
            self.parties.office.email
        ));
        signature(&mut doc, &self.parties);
        doc.finish()
    }
}
