//! The release of an attachment (*opheffing van beslag*): once the case is paid or closed,
//! the bailiff tells the garnishee that the attachment is lifted and that it may pay the
//! debtor again, with a copy to the debtor; of an attachment of goods (*beslag op roerende
//! zaken*, [`Release::of_goods`]), he tells the debtor, with whom the goods stayed, that he
//! may dispose of them again, naming them as the proces-verbaal did.
//!
//! Written in the form of a writ, so it carries the elements of art. 45 lid 3 Rv (date,
//! requesting party, bailiff, addressee — the garnishee, or for goods the debtor — and to
//! whom the copy was left), and the attachment it lifts (the day laid, the title, the
//! dossier). A release costs the debtor nothing: it is not a tariffed act of art. 2 Btag.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::garnishment::{EnforceableTitle, Garnishment, GarnishmentKind};
use super::goods_attachment::GoodsAttachment;
use super::layout::{BODY, Style};
use super::{BuildError, Office, Parties, Party, RenderError, nl};
use crate::case::{CaseRecord, Client};

/// Why the attachment is lifted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseReason {
    /// Everything owed was paid.
    Paid,
    /// The case was closed otherwise (withdrawn, uncollectable, insolvency).
    Closed,
}

/// Everything the release shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// The office, the creditor and the debtor.
    #[serde(flatten)]
    pub parties: Parties,
    /// Dossier number.
    pub reference: String,
    /// The day of the release.
    pub released_on: NaiveDate,
    /// Paid or closed.
    pub reason: ReleaseReason,
    /// The day the attachment was laid.
    pub laid_on: NaiveDate,
    /// Bank or wages; `None` for an attachment of goods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<GarnishmentKind>,
    /// The addressee: the garnishee, or for an attachment of goods the debtor.
    pub garnishee: Party,
    /// The goods released, one a line as seized; empty under a garnishee (and then not
    /// stored, so a garnishee's release keeps its stored form and id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goods: Vec<String>,
    /// The title the attachment rested on.
    pub title: EnforceableTitle,
    /// To whom the copy was left.
    pub left_with: Option<String>,
}

/// A release is never dated before the attachment it lifts.
fn not_before(released_on: NaiveDate, laid_on: NaiveDate) -> Result<(), BuildError> {
    if released_on < laid_on {
        return Err(BuildError::Invalid(format!(
            "a release on {released_on} before the attachment was laid on {laid_on}"
        )));
    }
    Ok(())
}

impl Release {
    /// The release of `attachment` in `case` on `released_on`.
    pub fn build(
        office: &Office,
        client: &Client,
        case: &CaseRecord,
        attachment: &Garnishment,
        released_on: NaiveDate,
        reason: ReleaseReason,
        left_with: Option<String>,
    ) -> Result<Release, BuildError> {
        not_before(released_on, attachment.laid_on)?;
        Ok(Release {
            parties: Parties::of(office, client, case),
            reference: case.payment_reference.grouped(),
            released_on,
            reason,
            laid_on: attachment.laid_on,
            kind: Some(attachment.kind),
            garnishee: attachment.garnishee.clone(),
            goods: Vec::new(),
            title: attachment.title.clone(),
            left_with,
        })
    }

    /// The release of the attachment of goods `attachment` (its proces-verbaal) on
    /// `released_on`, addressed to the debtor.
    pub fn of_goods(
        attachment: &GoodsAttachment,
        released_on: NaiveDate,
        reason: ReleaseReason,
        left_with: Option<String>,
    ) -> Result<Release, BuildError> {
        not_before(released_on, attachment.laid_on)?;
        Ok(Release {
            parties: attachment.parties.clone(),
            reference: attachment.reference.clone(),
            released_on,
            reason,
            laid_on: attachment.laid_on,
            kind: None,
            garnishee: attachment.parties.debtor.clone(),
            goods: attachment.items.clone(),
            title: attachment.title.clone(),
            left_with,
        })
    }

    /// "Opheffing derdenbeslag …" or "Opheffing beslag roerende zaken …".
    pub fn title(&self) -> String {
        let what = match self.kind {
            Some(_) => "Opheffing derdenbeslag",
            None => "Opheffing beslag roerende zaken",
        };
        self.parties.title(what, &self.reference)
    }

    /// The release as a PDF.
    pub fn render(&self) -> Result<Vec<u8>, RenderError> {
        let title = self.title();
        let (subject, heading) = match self.kind {
            Some(_) => (
                "Opheffing van executoriaal derdenbeslag",
                "OPHEFFING VAN DERDENBESLAG",
            ),
            None => (
                "Opheffing van executoriaal beslag op roerende zaken",
                "OPHEFFING VAN BESLAG OP ROERENDE ZAKEN",
            ),
        };
        let mut doc = super::writ(
            &self.parties,
            super::WritHead {
                title: &title,
                subject,
                heading,
                on: self.released_on,
                reference: &self.reference,
                addressee: &self.garnishee,
                left_with: self.left_with.as_deref(),
            },
        );
        let why = match self.reason {
            ReleaseReason::Paid => "de vordering volledig is voldaan",
            ReleaseReason::Closed => "verzoekster de invordering heeft beëindigd",
        };
        doc.paragraph("HEB IK DE GEADRESSEERDE AANGEZEGD", Style::Bold, BODY);
        let Some(kind) = self.kind else {
            doc.body(&format!(
                "dat het executoriaal beslag op roerende zaken dat op {} ten laste van de \
                 geadresseerde is gelegd krachtens {}, met ingang van heden is opgeheven, omdat \
                 {}.",
                nl(self.laid_on),
                self.title.words(),
                why
            ));
            doc.body("Het beslag is opgeheven op de volgende zaken:");
            for item in &self.goods {
                doc.body(&format!("- {item}"));
            }
            doc.body(
                "U mag vanaf heden weer vrij over deze zaken beschikken. Aan deze opheffing \
                 zijn geen kosten verbonden.",
            );
            super::writ_signature(&mut doc, &self.parties.office, None);
            return doc.finish();
        };
        doc.body(&format!(
            "dat het executoriaal derdenbeslag dat op {} onder haar is gelegd ten laste van {} \
             krachtens {}, met ingang van heden is opgeheven, omdat {}.",
            nl(self.laid_on),
            self.parties.debtor.one_line(),
            self.title.words(),
            why
        ));
        let what = match kind {
            GarnishmentKind::Bank => "over de tegoeden van de schuldenaar beschikken",
            GarnishmentKind::Wages => {
                "het loon of de uitkering weer geheel aan de schuldenaar betalen"
            }
        };
        doc.body(&format!(
            "U mag vanaf heden {what}. Betalingen op dit beslag na heden kunnen wij niet meer \
             aannemen. Een afschrift van deze opheffing gaat aan de schuldenaar. Aan deze \
             opheffing zijn geen kosten verbonden."
        ));
        super::writ_signature(&mut doc, &self.parties.office, None);
        doc.finish()
    }
}
