//! The notice of an attachment to the debtor (*overbetekening*): the bailiff serves the
//! attachment writ on the debtor within eight days after it was laid (art. 475i Rv). Missing
//! the eight days does not void the attachment: the court may lift it at the debtor's
//! request (art. 475i Rv, per beslagrecht.nl and the 2015 text; procedure.md marked the
//! term UNVERIFIED), so a late notice is still served, and says the term has passed. For
//! wages and benefits it tells the debtor the protected income and how it was computed
//! (art. 475g Rv).
//!
//! Its contents: the elements of every writ (art. 45 lid 3 Rv: date, requesting party,
//! bailiff, addressee — here the debtor — and to whom the copy was left), the attachment
//! served (garnishee, day laid, title, amount) and the bailiff's fee for this service of
//! the year it is made (Btag art. 2d, [`crate::law::BailiffTariffs::fee`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::garnishment::{EnforceableTitle, Garnishment, GarnishmentKind};
use super::layout::{BODY, Style};
use super::{
    BuildError, Office, Parties, Party, RenderError, amount, amount_row, amount_row_if_positive,
    bailiff_fee_with_vat, nl, optional_amount, total_row,
};
use crate::case::{CaseRecord, Client};
use crate::law::money::Money;
use crate::law::procedure::{BailiffAct, attachment_notice_due};

/// Everything the notice shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentNotice {
    /// The office, the creditor and the debtor (the addressee).
    #[serde(flatten)]
    pub parties: Parties,
    /// Dossier number.
    pub reference: String,
    /// The day this notice is served.
    pub served_on: NaiveDate,
    /// The day the attachment was laid.
    pub laid_on: NaiveDate,
    /// The last day this notice could be served (eight days).
    pub due_on: NaiveDate,
    /// Bank or wages.
    pub kind: GarnishmentKind,
    /// Under whom it was laid.
    pub garnishee: Party,
    /// The title.
    pub title: EnforceableTitle,
    /// The amount the attachment was laid for.
    #[serde(with = "amount")]
    pub attached_for: Money,
    /// The protected income per month (wages).
    #[serde(with = "optional_amount")]
    pub protected_income: Option<Money>,
    /// How the protected income was computed, in words (art. 475g Rv).
    pub protected_income_explanation: String,
    /// The bailiff's fee for this notice (Btag art. 2d), excluding VAT.
    #[serde(with = "amount")]
    pub fee: Money,
    /// VAT on it when the client cannot deduct VAT.
    #[serde(with = "amount")]
    pub fee_vat: Money,
    /// To whom the copy was left.
    pub left_with: Option<String>,
}

impl AttachmentNotice {
    /// The notice of `attachment` in `case`, served on `served_on` (not before the day it
    /// was laid; after the eighth day it says so).
    pub fn build(
        office: &Office,
        client: &Client,
        case: &CaseRecord,
        attachment: &Garnishment,
        served_on: NaiveDate,
        protected_income_explanation: String,
        left_with: Option<String>,
    ) -> Result<AttachmentNotice, BuildError> {
        let due_on = attachment_notice_due(attachment.laid_on);
        if served_on < attachment.laid_on {
            return Err(BuildError::Invalid(format!(
                "the notice of an attachment laid on {} cannot be served before it, on \
                 {served_on}",
                attachment.laid_on
            )));
        }
        let (fee, fee_vat) = bailiff_fee_with_vat(
            office,
            BailiffAct::OtherService,
            served_on,
            case,
            "the notice of an attachment",
        )?;
        Ok(AttachmentNotice {
            parties: Parties::of(office, client, case),
            reference: case.payment_reference.grouped(),
            served_on,
            laid_on: attachment.laid_on,
            due_on,
            kind: attachment.kind,
            garnishee: attachment.garnishee.clone(),
            title: attachment.title.clone(),
            attached_for: attachment.total,
            protected_income: attachment.protected_income,
            protected_income_explanation,
            fee,
            fee_vat,
            left_with,
        })
    }

    /// "Overbetekening derdenbeslag …".
    pub fn title(&self) -> String {
        self.parties
            .title("Overbetekening derdenbeslag", &self.reference)
    }

    /// The writ as a PDF.
    pub fn render(&self) -> Result<Vec<u8>, RenderError> {
        let title = self.title();
        let mut doc = super::writ(
            &self.parties,
            super::WritHead {
                title: &title,
                subject: "Overbetekening van executoriaal derdenbeslag (art. 475i Rv)",
                heading: "OVERBETEKENING VAN DERDENBESLAG",
                on: self.served_on,
                reference: &self.reference,
                addressee: &self.parties.debtor,
                left_with: self.left_with.as_deref(),
            },
        );
        doc.paragraph("HEB IK AAN DE GEADRESSEERDE BETEKEND", Style::Bold, BODY);
        doc.body(&format!(
            "het exploot van executoriaal derdenbeslag van {}, gelegd onder {} krachtens {}, \
             voor een bedrag van {}, vermeerderd met de verdere rente en kosten.",
            nl(self.laid_on),
            self.garnishee.one_line(),
            self.title.words(),
            self.attached_for.format_nl()
        ));
        if let Some(protected) = self.protected_income {
            doc.heading("Uw beslagvrije voet", 11.0);
            doc.body(&format!(
                "Van uw netto inkomen blijft per maand {} vrij van beslag (art. 475da Rv). \
                 Zo is dit berekend: {}",
                protected.format_nl(),
                self.protected_income_explanation
            ));
            doc.body(
                "Klopt uw leefsituatie of uw inkomen niet, of heeft u hogere woonkosten, neem \
                 dan contact met ons op: de beslagvrije voet kan op uw verzoek worden herzien \
                 (art. 475da lid 5–7 Rv).",
            );
        }
        doc.space(BODY * 0.6);
        amount_row(&mut doc, "Kosten van dit exploot (Btag art. 2d)", self.fee);
        amount_row_if_positive(&mut doc, "Btw over de kosten van dit exploot", self.fee_vat);
        total_row(
            &mut doc,
            "Kosten van deze betekening",
            self.fee + self.fee_vat,
        );
        doc.body(&if self.served_on <= self.due_on {
            format!(
                "Deze betekening geschiedt binnen acht dagen na de beslaglegging, uiterlijk \
                 op {} (art. 475i Rv).",
                nl(self.due_on)
            )
        } else {
            format!(
                "De termijn van acht dagen na de beslaglegging eindigde op {} (art. 475i Rv); \
                 u kunt de voorzieningenrechter vragen het beslag op te heffen.",
                nl(self.due_on)
            )
        });
        super::writ_signature(&mut doc, &self.parties.office, None);
        doc.finish()
    }
}
