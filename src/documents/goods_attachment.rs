//! The attachment of the debtor's movables (*proces-verbaal van executoriaal beslag op
//! roerende zaken*, art. 439 ff. Rv): after the order to pay's two days (art. 439 Rv) the
//! bailiff seizes goods at the debtor's home and writes down what he seized.
//!
//! Its contents: the elements of every writ (art. 45 lid 3 Rv: the date, the requesting
//! party with its chosen domicile at the bailiff's office, the bailiff and his office, the
//! addressee — here the debtor — and to whom the copy was left), the title it rests on,
//! the amount for which it is laid, and the specified description of the goods seized
//! (art. 443 Rv) with the bailiff's valuation; the warning that withdrawing goods from an
//! attachment is a crime (art. 198 Sr).
//!
//! Figures from [`crate::law`]: the bailiff's fee of the year it is laid (Btag art. 2e), with
//! VAT when the client cannot deduct it. The amount claimed is the law's quote of that day,
//! computed before the data is built.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::garnishment::EnforceableTitle;
use super::layout::{BODY, LEFT, Style};
use super::{
    BuildError, Office, Parties, Party, RenderError, amount, amount_row, amount_row_if_positive,
    bailiff_fee_with_vat, nl, total_row,
};
use crate::case::{CaseRecord, Client};
use crate::law::money::Money;
use crate::law::procedure::BailiffAct;

/// What the track knows when the goods are seized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoodsAttachmentInput {
    /// The day it is laid.
    pub laid_on: NaiveDate,
    /// The served judgment.
    pub title: EnforceableTitle,
    /// What the debtor owes that day, this writ's costs not included.
    pub amount_claimed: Money,
    /// The inventory as the bailiff recorded it: items separated by new lines or `;`.
    pub inventory: String,
    /// The bailiff's valuation of the goods together.
    pub valuation: Money,
    /// To whom the copy was left, with the capacity (art. 45 lid 3 sub e Rv), once
    /// recorded; a blank line before.
    pub left_with: Option<String>,
}

/// Everything the proces-verbaal shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoodsAttachment {
    /// The office (its bailiff lays it), the creditor and the debtor.
    #[serde(flatten)]
    pub parties: Parties,
    /// Dossier number.
    pub reference: String,
    /// The day it is laid.
    pub laid_on: NaiveDate,
    /// The title.
    pub title: EnforceableTitle,
    /// What the debtor owes before this writ.
    #[serde(with = "amount")]
    pub amount_claimed: Money,
    /// The bailiff's fee (Btag art. 2e), excluding VAT.
    #[serde(with = "amount")]
    pub fee: Money,
    /// VAT on it when the client cannot deduct VAT.
    #[serde(with = "amount")]
    pub fee_vat: Money,
    /// The amount the attachment is laid for: claimed plus this writ's costs.
    #[serde(with = "amount")]
    pub total: Money,
    /// The goods seized, one item a line.
    pub items: Vec<String>,
    /// Their valuation together.
    #[serde(with = "amount")]
    pub valuation: Money,
    /// To whom the copy was left.
    pub left_with: Option<String>,
}

impl GoodsAttachment {
    /// The proces-verbaal of `input` in `case`.
    pub fn build(
        office: &Office,
        client: &Client,
        case: &CaseRecord,
        input: GoodsAttachmentInput,
    ) -> Result<GoodsAttachment, BuildError> {
        if input.laid_on < input.title.served_on {
            return Err(BuildError::Invalid(format!(
                "an attachment on {} before the judgment was served on {} (art. 430 lid 3 Rv)",
                input.laid_on, input.title.served_on
            )));
        }
        let items: Vec<String> = input
            .inventory
            .split(['\n', ';'])
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .map(str::to_owned)
            .collect();
        if items.is_empty() {
            return Err(BuildError::Invalid(
                "no goods described (art. 443 Rv asks for a specified description)".into(),
            ));
        }
        let (fee, fee_vat) = bailiff_fee_with_vat(
            office,
            BailiffAct::AttachmentOfMovables,
            input.laid_on,
            case,
            "an attachment of movables",
        )?;
        Ok(GoodsAttachment {
            parties: Parties::of(office, client, case),
            reference: case.payment_reference.grouped(),
            laid_on: input.laid_on,
            title: input.title,
            amount_claimed: input.amount_claimed,
            fee,
            fee_vat,
            total: input.amount_claimed + fee + fee_vat,
            items,
            valuation: input.valuation,
            left_with: input.left_with,
        })
    }

    /// "Proces-verbaal van beslag …".
    pub fn title(&self) -> String {
        self.parties.title(
            "Proces-verbaal van beslag op roerende zaken",
            &self.reference,
        )
    }

    /// The proces-verbaal as a PDF.
    pub fn render(&self) -> Result<Vec<u8>, RenderError> {
        let title = self.title();
        let debtor: &Party = &self.parties.debtor;
        let mut doc = super::writ(
            &self.parties,
            super::WritHead {
                title: &title,
                subject: "Proces-verbaal van executoriaal beslag op roerende zaken (art. 439 \
                          ff. Rv)",
                heading: "PROCES-VERBAAL VAN EXECUTORIAAL BESLAG OP ROERENDE ZAKEN",
                on: self.laid_on,
                reference: &self.reference,
                addressee: debtor,
                left_with: self.left_with.as_deref(),
            },
        );
        doc.paragraph("HEB IK, krachtens", Style::Bold, BODY);
        doc.body(&format!(
            "{}, gewezen tussen verzoekster als eisende partij en {} als gedaagde partij, \
             nadat de termijn van het bevel tot betaling ongebruikt is verstreken (art. 439 \
             Rv),",
            self.title.words(),
            debtor.one_line()
        ));
        doc.paragraph(
            &format!(
                "EXECUTORIAAL BESLAG GELEGD op de hierna omschreven roerende zaken, aangetroffen \
                 ten woonhuize van de schuldenaar, {} {} {}, tot verhaal van:",
                debtor.street, debtor.postcode, debtor.city
            ),
            Style::Bold,
            BODY,
        );
        doc.space(BODY * 0.6);
        amount_row(
            &mut doc,
            &format!("Verschuldigd volgens vonnis op {}", nl(self.laid_on)),
            self.amount_claimed,
        );
        amount_row(&mut doc, "Kosten van dit exploot (Btag art. 2e)", self.fee);
        amount_row_if_positive(&mut doc, "Btw over de kosten van dit exploot", self.fee_vat);
        total_row(&mut doc, "Totaal waarvoor beslag is gelegd", self.total);
        doc.body("vermeerderd met de verdere rente en de kosten van de tenuitvoerlegging.");
        doc.heading(
            "Omschrijving van de in beslag genomen zaken (art. 443 Rv)",
            11.0,
        );
        let lines: Vec<String> = self
            .items
            .iter()
            .enumerate()
            .map(|(n, item)| format!("{}. {item}", n + 1))
            .collect();
        doc.lines(LEFT, &lines, Style::Regular, BODY);
        doc.space(BODY * 0.6);
        amount_row(
            &mut doc,
            "Geschatte waarde van deze zaken samen (indicatief)",
            self.valuation,
        );
        doc.heading("Wat dit beslag voor u betekent", 11.0);
        doc.body(
            "De zaken blijven onder u, maar u mag ze niet verkopen, weggeven, verpanden of \
             anderszins aan het beslag onttrekken; wie dat doet, is strafbaar (art. 198 \
             Wetboek van Strafrecht). Betaalt u het totaal niet, dan kunnen de zaken in het \
             openbaar worden verkocht; dag, uur en plaats van de verkoop worden u tevoren \
             bekendgemaakt. Betaalt u alles, dan wordt het beslag opgeheven.",
        );
        doc.body(&format!(
            "Betaal onder vermelding van dossier {}.",
            self.reference
        ));
        super::writ_signature(
            &mut doc,
            &self.parties.office,
            Some(self.fee + self.fee_vat),
        );
        doc.finish()
    }
}
