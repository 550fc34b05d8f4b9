//! The attachment writ under a third party (*exploot van executoriaal derdenbeslag*): the
//! bailiff lays an attachment under the debtor's bank or employer (the garnishee, *derde*)
//! on what it owes or will owe the debtor, on the strength of the served judgment.
//!
//! Its contents: the mandatory elements of every writ (art. 45 lid 3 Rv: the date, the
//! requesting party with its chosen domicile at the bailiff's office, the bailiff and his
//! office, the addressee — here the garnishee — and to whom the copy was left) and what art.
//! 475 lid 1 Rv adds: the title it rests on, the amount for which it is laid, and the order
//! to the garnishee to hold what it owes; the garnishee's statement, owed once four weeks
//! have passed (art. 476a lid 1 Rv: "zodra vier weken zijn verstreken") and, for wages or benefits, the protected income the garnishee must leave the
//! debtor (art. 475da Rv), which the bailiff tells the debtor (art. 475g Rv).
//!
//! Figures from [`crate::law`]: the bailiff's fee of the year it is laid (Btag art. 2i
//! bank, 2j periodic payments) and the day the statement becomes owed (`garnishee_statement_due`).
//! The amount claimed and the protected income are computed by `law` before the data is
//! built (`quote`, `protected_income`) and only printed here.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::layout::{BODY, Style};
use super::{
    BuildError, Office, Parties, Party, RenderError, amount, amount_row, amount_row_if_positive,
    bailiff_fee_with_vat, nl, nl_weekday, optional_amount, total_row,
};
use crate::case::{CaseRecord, Client};
use crate::law::money::Money;
use crate::law::procedure::{BailiffAct, garnishee_statement_due};

/// Under whom and on what the attachment is laid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GarnishmentKind {
    /// The debtor's bank: the balance of its accounts (Btag art. 2i).
    Bank,
    /// The debtor's employer or benefits agency: wages or benefits, periodic (Btag art. 2j),
    /// above the protected income.
    Wages,
}

impl GarnishmentKind {
    /// The tariffed act (Btag art. 2).
    pub fn act(self) -> BailiffAct {
        match self {
            GarnishmentKind::Bank => BailiffAct::Garnishment,
            GarnishmentKind::Wages => BailiffAct::WageGarnishment,
        }
    }

    fn btag_article(self) -> &'static str {
        match self {
            GarnishmentKind::Bank => "2i",
            GarnishmentKind::Wages => "2j",
        }
    }
}

/// The enforceable title an execution act rests on (art. 430 Rv): the judgment, served.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnforceableTitle {
    /// The court, as the judgment names it.
    pub court: String,
    /// The judgment's date.
    pub judgment_on: NaiveDate,
    /// The court's case number.
    pub court_case_number: String,
    /// The day the judgment was served on the debtor (art. 430 lid 3 Rv).
    pub served_on: NaiveDate,
}

impl EnforceableTitle {
    /// "het vonnis van de … van …, zaaknummer …, betekend op …".
    pub(super) fn words(&self) -> String {
        format!(
            "het vonnis van de {} van {}, zaaknummer {}, in executoriale vorm, aan de \
             schuldenaar betekend op {}",
            self.court,
            nl(self.judgment_on),
            self.court_case_number,
            nl(self.served_on)
        )
    }
}

/// What the track knows when the attachment is laid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GarnishmentInput {
    /// The day it is laid.
    pub laid_on: NaiveDate,
    /// Bank or wages.
    pub kind: GarnishmentKind,
    /// The garnishee: the bank or employer, its name and address.
    pub garnishee: Party,
    /// The served judgment.
    pub title: EnforceableTitle,
    /// What the debtor owes on the day it is laid (the law's quote), the attachment's own
    /// costs not included.
    pub amount_claimed: Money,
    /// For wages: the protected income per month, when computed.
    pub protected_income: Option<Money>,
    /// To whom the bailiff left the copy, with the capacity (art. 45 lid 3 sub e Rv), once
    /// recorded; a blank line on the draft before.
    pub left_with: Option<String>,
}

/// Everything the attachment writ shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Garnishment {
    /// The office (its bailiff lays it), the creditor and the debtor.
    #[serde(flatten)]
    pub parties: Parties,
    /// Dossier number.
    pub reference: String,
    /// Bank or wages.
    pub kind: GarnishmentKind,
    /// The day it is laid.
    pub laid_on: NaiveDate,
    /// The addressee: the garnishee.
    pub garnishee: Party,
    /// The title.
    pub title: EnforceableTitle,
    /// What the debtor owes before this writ.
    #[serde(with = "amount")]
    pub amount_claimed: Money,
    /// The bailiff's fee for this writ (Btag), excluding VAT.
    #[serde(with = "amount")]
    pub fee: Money,
    /// VAT on it when the client cannot deduct VAT.
    #[serde(with = "amount")]
    pub fee_vat: Money,
    /// The amount the attachment is laid for: claimed plus this writ's costs.
    #[serde(with = "amount")]
    pub total: Money,
    /// The protected income per month (wages).
    #[serde(with = "optional_amount")]
    pub protected_income: Option<Money>,
    /// The day the garnishee's statement becomes owed (four weeks passed, art. 476a Rv).
    pub statement_due: NaiveDate,
    /// To whom the copy was left.
    pub left_with: Option<String>,
}

impl Garnishment {
    /// The writ laying `input` in `case`.
    pub fn build(
        office: &Office,
        client: &Client,
        case: &CaseRecord,
        input: GarnishmentInput,
    ) -> Result<Garnishment, BuildError> {
        if input.laid_on < input.title.served_on {
            return Err(BuildError::Invalid(format!(
                "an attachment on {} before the judgment was served on {} (art. 430 lid 3 Rv)",
                input.laid_on, input.title.served_on
            )));
        }
        let (fee, fee_vat) = bailiff_fee_with_vat(
            office,
            input.kind.act(),
            input.laid_on,
            case,
            "an attachment",
        )?;
        Ok(Garnishment {
            parties: Parties::of(office, client, case),
            reference: case.payment_reference.grouped(),
            kind: input.kind,
            laid_on: input.laid_on,
            garnishee: input.garnishee,
            title: input.title,
            amount_claimed: input.amount_claimed,
            fee,
            fee_vat,
            total: input.amount_claimed + fee + fee_vat,
            protected_income: input.protected_income,
            statement_due: garnishee_statement_due(input.laid_on),
            left_with: input.left_with,
        })
    }

    /// "Exploot van derdenbeslag …".
    pub fn title(&self) -> String {
        self.parties
            .title("Exploot van derdenbeslag", &self.reference)
    }

    /// The writ as a PDF.
    pub fn render(&self) -> Result<Vec<u8>, RenderError> {
        let title = self.title();
        let mut doc = super::writ(
            &self.parties,
            super::WritHead {
                title: &title,
                subject: "Exploot van executoriaal derdenbeslag (art. 475 Rv)",
                heading: "EXPLOOT VAN EXECUTORIAAL DERDENBESLAG",
                on: self.laid_on,
                reference: &self.reference,
                addressee: &self.garnishee,
                left_with: self.left_with.as_deref(),
            },
        );
        doc.paragraph("HEB IK, krachtens", Style::Bold, BODY);
        doc.body(&format!(
            "{}, gewezen tussen verzoekster als eisende partij en {} als gedaagde partij,",
            self.title.words(),
            self.parties.debtor.one_line()
        ));
        let what = match self.kind {
            GarnishmentKind::Bank => {
                "op alle gelden, tegoeden en vorderingen die de geadresseerde onder zich heeft \
                 of aan de schuldenaar verschuldigd is of zal worden, uit welken hoofde ook"
            }
            GarnishmentKind::Wages => {
                "op het loon, de uitkering of andere periodieke betalingen die de geadresseerde \
                 aan de schuldenaar verschuldigd is of zal worden, voor zover dit de \
                 beslagvrije voet te boven gaat"
            }
        };
        doc.paragraph(
            &format!("EXECUTORIAAL DERDENBESLAG GELEGD {what}, tot het bedrag van:"),
            Style::Bold,
            BODY,
        );
        doc.space(BODY * 0.6);
        amount_row(
            &mut doc,
            &format!("Verschuldigd volgens vonnis op {}", nl(self.laid_on)),
            self.amount_claimed,
        );
        amount_row(
            &mut doc,
            &format!(
                "Kosten van dit exploot (Btag art. {})",
                self.kind.btag_article()
            ),
            self.fee,
        );
        amount_row_if_positive(&mut doc, "Btw over de kosten van dit exploot", self.fee_vat);
        total_row(&mut doc, "Totaal waarvoor beslag is gelegd", self.total);
        doc.body(
            "vermeerderd met de verdere rente en de kosten van de tenuitvoerlegging (art. 475 \
             lid 1 Rv).",
        );
        doc.paragraph("EN HEB IK DE GEADRESSEERDE BEVOLEN", Style::Bold, BODY);
        doc.body(
            "al hetgeen waarop dit beslag rust onder zich te houden en niet aan de schuldenaar \
             of een ander dan mij te betalen, op straffe van dubbele betaling.",
        );
        if let Some(protected) = self.protected_income {
            doc.heading("Beslagvrije voet", 11.0);
            doc.body(&format!(
                "De schuldenaar behoudt per maand ten minste {} (beslagvrije voet, art. 475da \
                 Rv). Alleen wat het netto inkomen daarboven gaat, betaalt u aan mij af, \
                 maandelijks onder vermelding van dossier {}.",
                protected.format_nl(),
                self.reference
            ));
        }
        doc.heading("Verklaring van de derde", 11.0);
        doc.body(&format!(
            "Zodra vier weken na heden zijn verstreken, dat is na afloop van {}, bent u verplicht aan \
             mij een verklaring af te leggen van wat u aan de schuldenaar verschuldigd bent of \
             onder u heeft, met de beslagen die al onder u liggen (art. 476a Rv). Wie niet of \
             niet tijdig verklaart, kan worden veroordeeld tot betaling van het bedrag waarvoor \
             beslag is gelegd (art. 477a Rv).",
            nl_weekday(self.statement_due)
        ));
        super::writ_signature(
            &mut doc,
            &self.parties.office,
            Some(self.fee + self.fee_vat),
        );
        doc.finish()
    }
}
