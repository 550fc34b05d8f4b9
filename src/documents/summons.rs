//! The draft summons (*concept-dagvaarding*) before the kantonrechter, for a person to
//! approve before the bailiff serves it.
//!
//! Its contents follow art. 45 lid 3 and art. 111 Rv (procedure.md §2): the parties (the
//! claimant with its chosen domicile at the bailiff's office and its representative, the
//! defendant with name and address), the bailiff and his office, the court and the
//! address of its location, the day and hour of the hearing, the claim and its grounds,
//! the defences the debtor raised and the evidence (art. 111 lid 3), the amounts itemised
//! as of the hearing date, the court-fee notice (art. 111 lid 2 sub k: no fee is levied on
//! the defendant at the kantonrechter) and the warning about default (art. 139 Rv).
//!
//! Every figure comes from [`crate::law`] when the data is built: the claim as of the
//! hearing date from `quote`, the competent court (`competent_court`), the earliest
//! hearing date (`earliest_hearing_date`, art. 114/119 Rv), the court fee by the year of
//! the hearing (the office's `CourtFeeTable`), the bailiff's fee for the summons
//! (`bailiff_fee`, Btag art. 2a) and the representative's fee (`liquidation_tariff`, one
//! point for a default case).

use chrono::{Datelike, Days, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::layout::{BODY, LEFT, RIGHT, Style};
use super::{
    BuildError, InvoiceLine, Office, Parties, RenderError, amount, amount_row,
    amount_row_if_positive, bailiff_fee_with_vat, invoice_table, nl, nl_weekday, optional_amount,
    quote_request, total_row,
};
use crate::case::{CaseRecord, Client, DebtorKind};
use crate::law::court_fees::{ClaimValue, FeePayer};
use crate::law::letter::letter_term;
use crate::law::money::Money;
use crate::law::procedure::{
    BailiffAct, Court, competent_court, earliest_hearing_date, liquidation_tariff,
};
use crate::law::quote::{PaymentInput, quote};

/// The court location where the hearing is held (*zittingsplaats*), with its address: the
/// summons must name both (art. 111 lid 2 sub e Rv).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourtLocation {
    /// The district court, e.g. "Rechtbank Midden-Nederland".
    pub court: String,
    /// The location, e.g. "Utrecht".
    pub location: String,
    /// Street and number of the court building.
    pub street: String,
    /// Postcode.
    pub postcode: String,
    /// City.
    pub city: String,
}

/// What the track knows when it drafts a summons, beyond the case itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummonsInput {
    /// The day the draft is made.
    pub drafted_on: NaiveDate,
    /// The day the bailiff plans to serve it.
    pub planned_service_on: NaiveDate,
    /// The court location of the debtor's address.
    pub court: CourtLocation,
    /// The court's cause-list day (*roldatum*).
    pub hearing_on: NaiveDate,
    /// The hour of the cause-list hearing.
    pub hearing_time: NaiveTime,
    /// The 14-dagenbrief's sending day (consumers).
    pub letter_sent_on: Option<NaiveDate>,
    /// The policy's delivery days for the letter's presumed receipt.
    pub delivery_days: u32,
    /// Payments received so far.
    pub payments: Vec<PaymentInput>,
    /// Defences the debtor raised (art. 111 lid 3 Rv); empty when none.
    pub defences: Vec<String>,
    /// Evidence the client has (invoices, letters, …).
    pub evidence: Vec<String>,
    /// Witnesses the client can call.
    pub witnesses: Vec<String>,
}

/// Everything the draft summons shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummonsDraft {
    /// The office (its bailiff serves the writ), the claimant (*eiser*) and the defendant
    /// (*gedaagde*).
    #[serde(flatten)]
    pub parties: Parties,
    /// Whether the defendant is a consumer (interest series, letter).
    pub consumer: bool,
    /// Dossier number.
    pub reference: String,
    /// The client's reference.
    pub client_reference: String,
    /// Draft date.
    pub drafted_on: NaiveDate,
    /// Planned service date.
    pub planned_service_on: NaiveDate,
    /// The court location.
    pub court: CourtLocation,
    /// Hearing day.
    pub hearing_on: NaiveDate,
    /// Hearing hour.
    pub hearing_time: NaiveTime,
    /// The invoices claimed.
    pub invoices: Vec<InvoiceLine>,
    /// The 14-dagenbrief's sending day (consumers).
    pub letter_sent_on: Option<NaiveDate>,
    /// The 14-dagenbrief's last day to pay.
    pub letter_last_day: Option<NaiveDate>,
    /// Unpaid principal on the hearing day.
    #[serde(with = "amount")]
    pub principal: Money,
    /// Interest up to and including the hearing day.
    #[serde(with = "amount")]
    pub interest: Money,
    /// Collection costs, excluding VAT.
    #[serde(with = "amount")]
    pub collection_costs: Money,
    /// VAT on them.
    #[serde(with = "amount")]
    pub collection_costs_vat: Money,
    /// Paid so far (already taken into the figures).
    #[serde(with = "amount")]
    pub paid: Money,
    /// Principal + interest + collection costs (+ VAT) on the hearing day.
    #[serde(with = "amount")]
    pub claim_total: Money,
    /// Bailiff's fee for the summons (Btag art. 2a), excluding VAT.
    #[serde(with = "amount")]
    pub summons_fee: Money,
    /// VAT on it when the client cannot deduct VAT.
    #[serde(with = "amount")]
    pub summons_fee_vat: Money,
    /// The court fee the claimant pays (*griffierecht*).
    #[serde(with = "amount")]
    pub court_fee: Money,
    /// The year of the court-fee table used.
    pub court_fee_year: i32,
    /// The representative's fee (*salaris gemachtigde*), one point; `None` outside the
    /// tariff tables.
    #[serde(with = "optional_amount")]
    pub representative_fee: Option<Money>,
    /// The claim with the costs of the proceedings.
    #[serde(with = "amount")]
    pub total: Money,
    /// Defences raised.
    pub defences: Vec<String>,
    /// Evidence.
    pub evidence: Vec<String>,
    /// Witnesses.
    pub witnesses: Vec<String>,
}

impl SummonsDraft {
    /// The draft summons for `case`. Refused when the claim belongs before the rechtbank
    /// (an advocaat's work, not exploot's), when the hearing falls within the summons term,
    /// or when the law's tables have no fee for the day.
    pub fn build(
        office: &Office,
        client: &Client,
        case: &CaseRecord,
        input: SummonsInput,
    ) -> Result<SummonsDraft, BuildError> {
        let kind = case.claim.debtor.kind;
        let consumer = kind == DebtorKind::Consumer;
        let earliest = earliest_hearing_date(input.planned_service_on);
        if input.hearing_on < earliest {
            return Err(BuildError::Invalid(format!(
                "the hearing on {} falls within the summons term: served on {}, the earliest \
                 hearing date is {earliest} (art. 114 and 119 Rv)",
                input.hearing_on, input.planned_service_on
            )));
        }
        let request = |as_of| {
            let mut request = quote_request(office, case, as_of, &input.payments);
            request.letter_sent_on = input.letter_sent_on;
            request.delivery_days = input.delivery_days;
            request
        };
        let at_service = quote(&request(input.planned_service_on)).map_err(BuildError::Quote)?;
        let at_hearing = quote(&request(input.hearing_on)).map_err(BuildError::Quote)?;

        match competent_court(at_service.total_due, consumer, input.planned_service_on) {
            Some(Court::Kantonrechter) => {}
            Some(Court::Rechtbank) => {
                return Err(BuildError::NotApplicable(format!(
                    "a claim of {} belongs before the rechtbank (art. 93 Rv), where an advocaat \
                     must summon; exploot drafts kanton summonses only",
                    at_service.total_due.format_nl()
                )));
            }
            None => {
                return Err(BuildError::NoFigure(format!(
                    "no kanton limit for {}",
                    input.planned_service_on
                )));
            }
        }
        let payer = if client.pays_as_legal_person() {
            FeePayer::LegalPerson
        } else {
            FeePayer::NaturalPerson
        };
        let court_fee = office
            .court_fees
            .fee(
                input.hearing_on,
                ClaimValue::Amount(at_service.total_due),
                payer,
            )
            .ok_or_else(|| {
                BuildError::NoFigure(format!("court fee for a hearing on {}", input.hearing_on))
            })?;
        let (summons_fee, summons_fee_vat) = bailiff_fee_with_vat(
            office,
            BailiffAct::Summons,
            input.planned_service_on,
            case,
            "a summons",
        )?;
        let representative_fee = liquidation_tariff(input.hearing_on, at_hearing.total_due, 1);
        let total = at_hearing.total_due
            + summons_fee
            + summons_fee_vat
            + court_fee
            + representative_fee.unwrap_or(Money::ZERO);
        Ok(SummonsDraft {
            parties: Parties::of(office, client, case),
            consumer,
            reference: case.payment_reference.grouped(),
            client_reference: case.claim.client_reference.clone(),
            drafted_on: input.drafted_on,
            planned_service_on: input.planned_service_on,
            court: input.court,
            hearing_on: input.hearing_on,
            hearing_time: input.hearing_time,
            invoices: InvoiceLine::all(case),
            letter_sent_on: input.letter_sent_on,
            letter_last_day: input
                .letter_sent_on
                .map(|sent| letter_term(sent, input.delivery_days).last_day_to_pay),
            principal: at_hearing.principal,
            interest: at_hearing.interest,
            collection_costs: at_hearing.collection_costs,
            collection_costs_vat: at_hearing.collection_costs_vat,
            paid: at_hearing.paid,
            claim_total: at_hearing.total_due,
            summons_fee,
            summons_fee_vat,
            court_fee,
            court_fee_year: input.hearing_on.year(),
            representative_fee,
            total,
            defences: input.defences,
            evidence: input.evidence,
            witnesses: input.witnesses,
        })
    }

    /// "Concept-dagvaarding …".
    pub fn title(&self) -> String {
        self.parties.title("Concept-dagvaarding", &self.reference)
    }

    fn interest_name(&self) -> &'static str {
        if self.consumer {
            "wettelijke rente (art. 6:119 BW)"
        } else {
            "wettelijke handelsrente (art. 6:119a BW)"
        }
    }

    /// The draft as a PDF.
    pub fn render(&self) -> Result<Vec<u8>, RenderError> {
        let mut doc = self.parties.doc(
            &self.title(),
            "Dagvaarding kantonrechter (concept)",
            self.drafted_on,
            &self.reference,
        );
        doc.paragraph(
            "CONCEPT — ter goedkeuring, nog niet betekend",
            Style::Bold,
            8.5,
        );
        doc.space(6.0);
        doc.paragraph("DAGVAARDING", Style::Bold, 16.0);
        doc.paragraph(
            &format!(
                "Kantonrechter — {}, zittingsplaats {}",
                self.court.court, self.court.location
            ),
            Style::Regular,
            BODY,
        );
        doc.paragraph(
            &format!(
                "Dossier {} · kenmerk eiseres {}",
                self.reference, self.client_reference
            ),
            Style::Regular,
            8.5,
        );
        doc.space(10.0);

        doc.body(&format!(
            "Het jaar {}, de ......................... (datum van betekening; gepland op {}),",
            self.planned_service_on.year(),
            nl(self.planned_service_on)
        ));
        doc.body(&format!(
            "ten verzoeke van {}, eiseres, die voor deze zaak woonplaats kiest ten kantore van de \
             hierna genoemde gerechtsdeurwaarder, en die in deze procedure als gemachtigde wordt \
             vertegenwoordigd door {}, {}, {} {};",
            self.parties.client.one_line(),
            self.parties.office.name,
            self.parties.office.street,
            self.parties.office.postcode,
            self.parties.office.city
        ));
        doc.body(&self.parties.office.bailiff_clause());
        doc.paragraph("GEDAGVAARD:", Style::Bold, BODY);
        doc.body(&format!(
            "{}, gedaagde, aldaar mijn exploot doende en een afschrift hiervan latende aan: \
             .........................",
            self.parties.debtor.one_line()
        ));
        doc.paragraph("OM:", Style::Bold, BODY);
        doc.paragraph(
            &format!(
                "op {} om {} uur te verschijnen ter terechtzitting van de kantonrechter van de {}, \
                 zittingsplaats {}, in het gerechtsgebouw aan {}, {} {}.",
                nl_weekday(self.hearing_on),
                self.hearing_time.format("%H:%M"),
                self.court.court,
                self.court.location,
                self.court.street,
                self.court.postcode,
                self.court.city
            ),
            Style::Bold,
            BODY,
        );
        doc.space(BODY * 0.6);

        doc.heading("Hoe u kunt verschijnen", 11.0);
        doc.body(
            "U kunt in deze zaak zelf verschijnen of u laten vertegenwoordigen door een \
             gemachtigde; een advocaat is niet verplicht. Een gemachtigde die geen advocaat is, \
             legt een schriftelijke volmacht over. U kunt schriftelijk antwoorden, of mondeling op \
             de zitting (art. 82 Rv).",
        );
        doc.heading("Als u niet verschijnt: verstek", 11.0);
        doc.body(
            "Let op: indien u niet op de voorgeschreven wijze verschijnt, zal de kantonrechter \
             verstek tegen u verlenen en de vordering toewijzen, tenzij deze hem onrechtmatig of \
             ongegrond voorkomt (art. 139 Rv). U moet dan ook de kosten betalen die door uw \
             niet-verschijnen zijn veroorzaakt.",
        );
        doc.heading("Griffierecht", 11.0);
        doc.body(&format!(
            "In zaken bij de kantonrechter wordt van de gedaagde geen griffierecht geheven (art. \
             111 lid 2 sub k Rv; Wet griffierechten burgerlijke zaken). Eiseres betaalt een \
             griffierecht van {} volgens de tabel {} die als bijlage bij de Wet griffierechten \
             burgerlijke zaken is gevoegd; zij vordert dit van u als deel van de proceskosten.",
            self.court_fee.format_nl(),
            self.court_fee_year
        ));

        doc.heading("Eis en gronden", 12.0);
        doc.body(&format!(
            "1. Eiseres heeft gedaagde op diens verzoek zaken geleverd en/of diensten verleend en \
             daarvoor de volgende facturen gezonden, samen {}:",
            self.invoices
                .iter()
                .map(|i| i.amount)
                .sum::<Money>()
                .format_nl()
        ));
        invoice_table(&mut doc, &self.invoices);
        doc.body(
            "2. Gedaagde heeft deze facturen ondanks aanmaning niet (volledig) betaald. Door het \
             verstrijken van de betalingstermijnen is gedaagde in verzuim (art. 6:83 sub a BW).",
        );
        match (self.consumer, self.letter_sent_on, self.letter_last_day) {
            (true, Some(sent), Some(last)) => doc.body(&format!(
                "3. Eiseres heeft gedaagde bij brief van {} aangemaand om binnen veertien dagen \
                 vanaf de dag na bezorging te betalen, met vermelding van de gevolgen van het \
                 uitblijven van betaling en van de incassokosten (art. 6:96 lid 6 BW). Die termijn \
                 eindigde op {}; gedaagde heeft niet binnen de termijn betaald. Daarom is \
                 gedaagde de buitengerechtelijke incassokosten volgens het Besluit vergoeding voor \
                 buitengerechtelijke incassokosten verschuldigd.",
                nl(sent),
                nl(last)
            )),
            (true, _, _) => doc.body(
                "3. Eiseres vordert geen buitengerechtelijke incassokosten: er is geen aanmaning \
                 als bedoeld in art. 6:96 lid 6 BW verzonden.",
            ),
            (false, _, _) => doc.body(
                "3. Gedaagde handelt in de uitoefening van een beroep of bedrijf. Zij is de \
                 buitengerechtelijke incassokosten volgens het Besluit vergoeding voor \
                 buitengerechtelijke incassokosten verschuldigd vanaf de dag na de vervaldatum \
                 (art. 6:96 BW).",
            ),
        }
        doc.body(&format!(
            "4. Gedaagde is over iedere factuur de {} verschuldigd vanaf de dag na de vervaldatum, \
             met jaarlijkse bijschrijving bij de hoofdsom.",
            self.interest_name()
        ));
        if self.defences.is_empty() {
            doc.body(
                "5. Verweer: voor zover eiseres bekend heeft gedaagde tegen de vordering geen \
                 verweer gevoerd (art. 111 lid 3 Rv).",
            );
        } else {
            doc.body(
                "5. Verweer: gedaagde heeft tegen de vordering de volgende verweren gevoerd (art. \
                 111 lid 3 Rv):",
            );
            for defence in &self.defences {
                doc.paragraph_in(
                    LEFT + 14.0,
                    RIGHT,
                    &format!("– {defence}"),
                    Style::Regular,
                    BODY,
                );
            }
            doc.space(BODY * 0.6);
        }
        let evidence = if self.evidence.is_empty() {
            "alle middelen rechtens".to_owned()
        } else {
            self.evidence.join("; ")
        };
        let witnesses = if self.witnesses.is_empty() {
            "geen".to_owned()
        } else {
            self.witnesses.join("; ")
        };
        doc.body(&format!(
            "6. Bewijs: eiseres biedt bewijs aan van haar stellingen, in het bijzonder door \
             overlegging van: {evidence}. Getuigen die eiseres kan laten horen: {witnesses}."
        ));

        doc.heading(
            &format!("Berekening per de roldatum {}", nl(self.hearing_on)),
            11.0,
        );
        amount_row(&mut doc, "Hoofdsom (openstaand)", self.principal);
        amount_row(
            &mut doc,
            &format!(
                "{} tot en met {}",
                capitalise(self.interest_name()),
                nl(self.hearing_on)
            ),
            self.interest,
        );
        amount_row_if_positive(
            &mut doc,
            "Buitengerechtelijke incassokosten",
            self.collection_costs,
        );
        amount_row_if_positive(
            &mut doc,
            "Btw over de incassokosten",
            self.collection_costs_vat,
        );
        total_row(&mut doc, "Vordering", self.claim_total);
        if self.paid.is_positive() {
            doc.body(&format!(
                "Betalingen van gedaagde, in totaal {}, zijn verwerkt volgens art. 6:44 BW.",
                self.paid.format_nl()
            ));
        }
        amount_row(
            &mut doc,
            "Kosten dagvaarding (Btag art. 2a)",
            self.summons_fee,
        );
        amount_row_if_positive(
            &mut doc,
            "Btw over de kosten dagvaarding",
            self.summons_fee_vat,
        );
        amount_row(
            &mut doc,
            &format!("Griffierecht (tabel {})", self.court_fee_year),
            self.court_fee,
        );
        if let Some(fee) = self.representative_fee {
            amount_row(&mut doc, "Salaris gemachtigde (1 punt)", fee);
        }
        total_row(&mut doc, "Totaal", self.total);

        doc.heading("Eis", 12.0);
        doc.body(&format!(
            "Eiseres vordert dat de kantonrechter bij vonnis, uitvoerbaar bij voorraad, gedaagde \
             veroordeelt om aan eiseres te betalen: a. {} aan hoofdsom, rente en incassokosten \
             berekend tot en met {}, te vermeerderen met de {} over {} vanaf {} tot de dag der \
             algehele voldoening; b. de kosten van deze procedure, waaronder de kosten van de \
             dagvaarding {}, het griffierecht {} en het salaris van de gemachtigde; c. de \
             nakosten.",
            self.claim_total.format_nl(),
            nl(self.hearing_on),
            self.interest_name(),
            self.principal.format_nl(),
            nl(self.hearing_on + Days::new(1)),
            (self.summons_fee + self.summons_fee_vat).format_nl(),
            self.court_fee.format_nl()
        ));
        doc.body(&format!(
            "De kosten van dit exploot zijn {}.",
            (self.summons_fee + self.summons_fee_vat).format_nl()
        ));
        doc.space(10.0);
        doc.lines(
            LEFT,
            &[
                self.parties.office.bailiff_signature(),
                format!("concept opgesteld op {}", nl(self.drafted_on)),
            ],
            Style::Regular,
            BODY,
        );
        doc.finish()
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
