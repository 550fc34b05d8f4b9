//! The letters and writs of a case, rendered to PDF in Dutch: the 14-dagenbrief, the
//! B2B demand (sommatie), the payment-plan confirmation, the dagvaarding draft, the
//! service of the judgment with the order to pay, the client's final statement, and the
//! attachment writs: the attachment under a third party (derdenbeslag), its notice to the
//! debtor (overbetekening) and its release (opheffing).
//!
//! Each kind has a plain data struct (serde, stored as the document's `data` JSON) built
//! from the case with the figures and dates of [`crate::law`] as they stood at that
//! moment (`assemble` picks the kind's builder and its inputs from the case); rendering only formats that data. So a stored document can be re-rendered and
//! audited: the same data gives the same bytes (see [`layout`]), and nothing in here
//! computes law — every amount, term and fee comes from `law` when the data is built.
//!
//! Why `pdf-writer` + `subsetter` + `ttf-parser` (+ `miniz_oxide` for Flate): the letters
//! need only positioned text, rules and an embedded font, and these four crates (the
//! PDF layer and font subsetter of the Typst project, maintained) do exactly that with
//! next to no dependencies — they build in seconds from scratch on CI's 2 cores, where a
//! typesetting engine (typst, genpdf/printpdf with their image and layout stacks) would
//! cost minutes. We write a Type0/CIDFontType2 font with a ToUnicode CMap ourselves, so
//! `pdftotext` gives the Dutch text back exactly (ë, é, €). The font is DejaVu Sans,
//! bundled under `fonts/` with its licence, so no system fonts are needed.

pub mod assemble;
pub mod attachment_notice;
pub mod client_money;
pub mod demand;
pub mod final_statement;
pub mod fourteen_day_letter;
pub mod garnishment;
pub mod goods_attachment;
pub mod judgment_service;
pub mod layout;
pub mod payment_plan;
pub mod release;
pub mod samples;
pub mod summons;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::{CaseRecord, Client, Debtor, Invoice};
use crate::law::bailiff_tariffs::{BailiffAct, BailiffTariffs};
use crate::law::calendar::format_date_nl;
use crate::law::court_fees::CourtFeeTable;
use crate::law::money::Money;
use crate::law::quote::{InvoiceInput, PaymentInput, QuoteRequest, Violation};
use crate::law::rates::RateTable;

pub use assemble::{Assembled, StoredFacts, assemble};
pub use attachment_notice::AttachmentNotice;
pub use demand::Demand;
pub use final_statement::{FinalStatement, FinalStatementInput, Insolvency, Payout, Receipt};
pub use fourteen_day_letter::FourteenDayLetter;
pub use garnishment::{EnforceableTitle, Garnishment, GarnishmentInput, GarnishmentKind};
pub use goods_attachment::{GoodsAttachment, GoodsAttachmentInput};
pub use judgment_service::{JudgmentInput, JudgmentService};
pub use payment_plan::{Instalment, PaymentPlanConfirmation};
pub use release::{Release, ReleaseReason};
pub use summons::{CourtLocation, SummonsDraft, SummonsInput};

/// The media type of every rendered document.
pub const MEDIA_TYPE: &str = "application/pdf";

/// The kinds of document, by their stored (and proto) names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 14-dagenbrief (art. 6:96 lid 6 BW), consumers.
    FourteenDayLetter,
    /// Sommatie, businesses.
    Demand,
    /// Confirmation of a payment plan (betalingsregeling).
    PaymentPlan,
    /// Dagvaarding draft, for a person to approve before service.
    Summons,
    /// Betekening vonnis met bevel tot betaling (2 days).
    JudgmentService,
    /// The client's final statement (eindafrekening).
    FinalStatement,
    /// Exploot van executoriaal derdenbeslag (art. 475 Rv), to the garnishee.
    Garnishment,
    /// Overbetekening of an attachment to the debtor (art. 475i Rv).
    AttachmentNotice,
    /// Opheffing of an attachment, to the garnishee.
    Release,
    /// Proces-verbaal van beslag op roerende zaken (art. 439 ff. Rv), to the debtor.
    GoodsAttachment,
    /// Opheffing of an attachment of goods, to the debtor.
    GoodsRelease,
}

impl DocumentKind {
    /// Every kind, e.g. for rendering one example of each.
    pub const ALL: [DocumentKind; 11] = [
        DocumentKind::FourteenDayLetter,
        DocumentKind::Demand,
        DocumentKind::PaymentPlan,
        DocumentKind::Summons,
        DocumentKind::JudgmentService,
        DocumentKind::FinalStatement,
        DocumentKind::Garnishment,
        DocumentKind::AttachmentNotice,
        DocumentKind::Release,
        DocumentKind::GoodsAttachment,
        DocumentKind::GoodsRelease,
    ];

    /// The stored name, as in `document.proto`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::FourteenDayLetter => "fourteen_day_letter",
            DocumentKind::Demand => "demand",
            DocumentKind::PaymentPlan => "payment_plan",
            DocumentKind::Summons => "summons",
            DocumentKind::JudgmentService => "judgment_service",
            DocumentKind::FinalStatement => "final_statement",
            DocumentKind::Garnishment => "garnishment",
            DocumentKind::AttachmentNotice => "attachment_notice",
            DocumentKind::Release => "release",
            DocumentKind::GoodsAttachment => "goods_attachment",
            DocumentKind::GoodsRelease => "goods_release",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The template version of this kind: stored with each document, bumped whenever the
    /// wording or layout changes, so an auditor knows which text a document was made with.
    pub fn template_version(self) -> &'static str {
        match self {
            DocumentKind::FourteenDayLetter => "fourteen_day_letter/1",
            DocumentKind::Demand => "demand/1",
            DocumentKind::PaymentPlan => "payment_plan/1",
            DocumentKind::Summons => "summons/1",
            DocumentKind::JudgmentService => "judgment_service/1",
            DocumentKind::FinalStatement => "final_statement/1",
            DocumentKind::Garnishment => "garnishment/1",
            DocumentKind::AttachmentNotice => "attachment_notice/1",
            DocumentKind::Release => "release/1",
            DocumentKind::GoodsAttachment => "goods_attachment/1",
            DocumentKind::GoodsRelease => "goods_release/1",
        }
    }
}

/// The data a document is rendered from, one variant per kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentData {
    /// 14-dagenbrief.
    FourteenDayLetter(FourteenDayLetter),
    /// Sommatie.
    Demand(Demand),
    /// Payment-plan confirmation.
    PaymentPlan(PaymentPlanConfirmation),
    /// Dagvaarding draft.
    Summons(SummonsDraft),
    /// Betekening vonnis met bevel tot betaling.
    JudgmentService(JudgmentService),
    /// Client's final statement.
    FinalStatement(FinalStatement),
    /// Exploot van derdenbeslag.
    Garnishment(Garnishment),
    /// Overbetekening.
    AttachmentNotice(AttachmentNotice),
    /// Opheffing.
    Release(Release),
    /// Proces-verbaal van beslag op roerende zaken.
    GoodsAttachment(GoodsAttachment),
    /// Opheffing van beslag op roerende zaken (the release's data, of goods).
    GoodsRelease(Release),
}

impl DocumentData {
    /// Which kind of document this data makes.
    pub fn kind(&self) -> DocumentKind {
        match self {
            DocumentData::FourteenDayLetter(_) => DocumentKind::FourteenDayLetter,
            DocumentData::Demand(_) => DocumentKind::Demand,
            DocumentData::PaymentPlan(_) => DocumentKind::PaymentPlan,
            DocumentData::Summons(_) => DocumentKind::Summons,
            DocumentData::JudgmentService(_) => DocumentKind::JudgmentService,
            DocumentData::FinalStatement(_) => DocumentKind::FinalStatement,
            DocumentData::Garnishment(_) => DocumentKind::Garnishment,
            DocumentData::AttachmentNotice(_) => DocumentKind::AttachmentNotice,
            DocumentData::Release(_) => DocumentKind::Release,
            DocumentData::GoodsAttachment(_) => DocumentKind::GoodsAttachment,
            DocumentData::GoodsRelease(_) => DocumentKind::GoodsRelease,
        }
    }

    /// The document's title (stored, and the PDF's title).
    pub fn title(&self) -> String {
        match self {
            DocumentData::FourteenDayLetter(d) => d.title(),
            DocumentData::Demand(d) => d.title(),
            DocumentData::PaymentPlan(d) => d.title(),
            DocumentData::Summons(d) => d.title(),
            DocumentData::JudgmentService(d) => d.title(),
            DocumentData::FinalStatement(d) => d.title(),
            DocumentData::Garnishment(d) => d.title(),
            DocumentData::AttachmentNotice(d) => d.title(),
            DocumentData::Release(d) | DocumentData::GoodsRelease(d) => d.title(),
            DocumentData::GoodsAttachment(d) => d.title(),
        }
    }

    /// The data as stored in the `data` column: the kind's own struct as JSON (the kind is
    /// its own column).
    pub fn to_json(&self) -> String {
        let value = match self {
            DocumentData::FourteenDayLetter(d) => serde_json::to_string(d),
            DocumentData::Demand(d) => serde_json::to_string(d),
            DocumentData::PaymentPlan(d) => serde_json::to_string(d),
            DocumentData::Summons(d) => serde_json::to_string(d),
            DocumentData::JudgmentService(d) => serde_json::to_string(d),
            DocumentData::FinalStatement(d) => serde_json::to_string(d),
            DocumentData::Garnishment(d) => serde_json::to_string(d),
            DocumentData::AttachmentNotice(d) => serde_json::to_string(d),
            DocumentData::Release(d) | DocumentData::GoodsRelease(d) => serde_json::to_string(d),
            DocumentData::GoodsAttachment(d) => serde_json::to_string(d),
        };
        // Plain structs of strings, numbers and dates always serialise.
        value.unwrap_or_default()
    }

    /// Reads stored data back, to re-render or audit a document.
    pub fn from_json(kind: DocumentKind, json: &str) -> Result<DocumentData, serde_json::Error> {
        Ok(match kind {
            DocumentKind::FourteenDayLetter => {
                DocumentData::FourteenDayLetter(serde_json::from_str(json)?)
            }
            DocumentKind::Demand => DocumentData::Demand(serde_json::from_str(json)?),
            DocumentKind::PaymentPlan => DocumentData::PaymentPlan(serde_json::from_str(json)?),
            DocumentKind::Summons => DocumentData::Summons(serde_json::from_str(json)?),
            DocumentKind::JudgmentService => {
                DocumentData::JudgmentService(serde_json::from_str(json)?)
            }
            DocumentKind::FinalStatement => {
                DocumentData::FinalStatement(serde_json::from_str(json)?)
            }
            DocumentKind::Garnishment => DocumentData::Garnishment(serde_json::from_str(json)?),
            DocumentKind::AttachmentNotice => {
                DocumentData::AttachmentNotice(serde_json::from_str(json)?)
            }
            DocumentKind::Release => DocumentData::Release(serde_json::from_str(json)?),
            DocumentKind::GoodsAttachment => {
                DocumentData::GoodsAttachment(serde_json::from_str(json)?)
            }
            DocumentKind::GoodsRelease => DocumentData::GoodsRelease(serde_json::from_str(json)?),
        })
    }
}

/// A rendered document: what is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// The PDF.
    pub bytes: Vec<u8>,
    /// SHA-256 of `bytes`, lowercase hex.
    pub sha256: String,
    /// The kind's template version.
    pub template_version: &'static str,
}

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The data is for another kind of document.
    #[error("data for a {got} document cannot render a {expected}")]
    KindMismatch {
        /// The kind asked for.
        expected: &'static str,
        /// The kind of the data.
        got: &'static str,
    },
    /// The bundled font could not be subset (a bug).
    #[error("font: {0}")]
    Font(String),
}

/// Why the data of a document could not be built from a case: the case does not allow
/// this document, or the law has no figure for the day.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The claim cannot be quoted (the law's own field violations).
    #[error("the claim cannot be quoted: {}", .0.iter().map(|v| format!("{}: {}", v.field, v.description)).collect::<Vec<_>>().join("; "))]
    Quote(Vec<Violation>),
    /// The document does not fit the debtor or the stage (e.g. a 14-dagenbrief to a
    /// business).
    #[error("{0}")]
    NotApplicable(String),
    /// A table in `law` has no figure for the day (court fee, bailiff tariff).
    #[error("no figure in the law tables: {0}")]
    NoFigure(String),
    /// The input is inconsistent (e.g. a hearing within the summons term).
    #[error("{0}")]
    Invalid(String),
}

/// Renders `data` as a `kind` document.
pub fn render(kind: DocumentKind, data: &DocumentData) -> Result<Rendered, RenderError> {
    if data.kind() != kind {
        return Err(RenderError::KindMismatch {
            expected: kind.as_str(),
            got: data.kind().as_str(),
        });
    }
    let bytes = match data {
        DocumentData::FourteenDayLetter(d) => d.render()?,
        DocumentData::Demand(d) => d.render()?,
        DocumentData::PaymentPlan(d) => d.render()?,
        DocumentData::Summons(d) => d.render()?,
        DocumentData::JudgmentService(d) => d.render()?,
        DocumentData::FinalStatement(d) => d.render()?,
        DocumentData::Garnishment(d) => d.render()?,
        DocumentData::AttachmentNotice(d) => d.render()?,
        DocumentData::Release(d) | DocumentData::GoodsRelease(d) => d.render()?,
        DocumentData::GoodsAttachment(d) => d.render()?,
    };
    Ok(Rendered {
        sha256: crate::digest::sha256_hex(&bytes),
        bytes,
        template_version: kind.template_version(),
    })
}

// ---------------------------------------------------------------------------------------
// Shared data: the office, the parties, invoices
// ---------------------------------------------------------------------------------------

/// The bailiff's office (*gerechtsdeurwaarderskantoor*) that sends the letters and serves
/// the writs: its identity is a mandatory part of every letter (who writes, on whose
/// behalf) and of every writ (art. 45 lid 3 sub c Rv: the bailiff's name and office).
/// It is the letterhead of the office version in force when the document is rendered
/// ([`Office::of`]), kept in the document's stored data with that `version`, so a document
/// shows the office as it was that day. Fields added later read as empty from older data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Office {
    /// The stored office version this letterhead is (0: the example office).
    #[serde(default)]
    pub version: i64,
    /// Trading name.
    pub name: String,
    /// The legal entity, when it differs from the trading name.
    #[serde(default)]
    pub legal_name: String,
    /// The bailiff who signs writs, by first names and name (art. 45 lid 2 Rv).
    pub bailiff: String,
    /// The signing bailiff's title: `gerechtsdeurwaarder` or `kandidaat-gerechtsdeurwaarder`.
    #[serde(default = "gerechtsdeurwaarder")]
    pub bailiff_title: String,
    /// The signing bailiff's *standplaats* ("kantoorhoudende te …"); the city when empty.
    #[serde(default)]
    pub standplaats: String,
    /// Street and number.
    pub street: String,
    /// Postcode.
    pub postcode: String,
    /// City (*kantoorhoudende te*).
    pub city: String,
    /// Phone for debtors.
    pub phone: String,
    /// E-mail for debtors.
    pub email: String,
    /// KvK number.
    pub kvk_number: String,
    /// The office's client-money account (*derdengeldrekening*) debtors pay into.
    pub iban: String,
    /// The account holder's name as the bank shows it.
    pub account_name: String,
    /// The statutory interest rates the office computes with: the built-in table with the
    /// rows it added. Not part of a document's data (it is not printed as such; the
    /// figures computed on it are).
    #[serde(skip)]
    pub rates: RateTable,
    /// The kanton court fee tables the office computes with, beside `rates` and like it not
    /// part of a document's data.
    #[serde(skip)]
    pub court_fees: CourtFeeTable,
    /// The bailiff's tariffs (Btag) the office charges by, like `court_fees`.
    #[serde(skip)]
    pub bailiff_tariffs: BailiffTariffs,
    /// The account's BIC, if given.
    #[serde(default)]
    pub bic: String,
    /// The postal address in one line, when letters go elsewhere than the visiting address.
    #[serde(default)]
    pub postal_address: String,
    /// Website, if any.
    #[serde(default)]
    pub website: String,
    /// VAT number (btw-identificatienummer).
    #[serde(default)]
    pub vat_number: String,
}

fn gerechtsdeurwaarder() -> String {
    "gerechtsdeurwaarder".into()
}

impl Office {
    /// An office for tests and the sample documents only (no real office; the IBAN is a
    /// checksum-valid example number nobody here owns). The service never renders with it:
    /// its documents carry the office stored with `PutOffice` ([`Office::of`]), and without
    /// one it renders nothing.
    pub fn example() -> Office {
        Office {
            version: 0,
            name: "Van Dijk & Bakker Gerechtsdeurwaarders".into(),
            legal_name: String::new(),
            bailiff: "mr. P.J. van Dijk".into(),
            bailiff_title: gerechtsdeurwaarder(),
            standplaats: "Utrecht".into(),
            street: "Oudegracht 100".into(),
            postcode: "3511 AX".into(),
            city: "Utrecht".into(),
            phone: "030 123 45 67".into(),
            email: "incasso@vandijkbakker.example".into(),
            kvk_number: "30123456".into(),
            iban: "NL02ABNA0123456789".into(),
            account_name: "Stichting Derdengelden Van Dijk & Bakker".into(),
            rates: RateTable::default(),
            court_fees: CourtFeeTable::default(),
            bailiff_tariffs: BailiffTariffs::default(),
            bic: String::new(),
            postal_address: String::new(),
            website: String::new(),
            vat_number: String::new(),
        }
    }

    /// The letterhead of a stored office version: the trading name, the visiting address,
    /// the third-party account (the only account a debtor is asked to pay into) and the
    /// bailiff who signs.
    pub fn of(stored: &crate::case::VersionedOffice) -> Office {
        let o = &stored.office;
        let signing = o.signing_bailiff();
        let postal = o
            .postal_address
            .as_ref()
            .filter(|p| **p != o.visiting_address)
            .map(|p| format!("{}, {}  {}", p.street, p.postcode, p.city))
            .unwrap_or_default();
        Office {
            version: stored.version,
            name: o.trading_name.clone(),
            legal_name: if o.legal_name == o.trading_name {
                String::new()
            } else {
                o.legal_name.clone()
            },
            bailiff: signing.map(|b| b.name.clone()).unwrap_or_default(),
            bailiff_title: signing
                .map_or(crate::case::BailiffTitle::Gerechtsdeurwaarder, |b| b.title)
                .as_str()
                .to_owned(),
            standplaats: signing.map(|b| b.standplaats.clone()).unwrap_or_default(),
            street: o.visiting_address.street.clone(),
            postcode: o.visiting_address.postcode.clone(),
            city: o.visiting_address.city.clone(),
            phone: o.phone.clone(),
            email: o.email.clone(),
            kvk_number: o.kvk_number.as_str().to_owned(),
            iban: o.third_party_account.iban.as_str().to_owned(),
            account_name: o.third_party_account.holder.clone(),
            bic: o
                .third_party_account
                .bic
                .as_ref()
                .map(|b| b.as_str().to_owned())
                .unwrap_or_default(),
            postal_address: postal,
            website: o.website.clone(),
            vat_number: o.vat_number.as_str().to_owned(),
            rates: RateTable::default(),
            court_fees: CourtFeeTable::default(),
            bailiff_tariffs: BailiffTariffs::default(),
        }
    }

    fn address_lines(&self) -> Vec<String> {
        let mut lines = vec![self.name.clone()];
        if !self.legal_name.is_empty() {
            lines.push(self.legal_name.clone());
        }
        lines.push(self.street.clone());
        lines.push(format!("{}  {}", self.postcode, self.city));
        if !self.postal_address.is_empty() {
            lines.push(format!("Postadres: {}", self.postal_address));
        }
        lines.push(format!("T {}", self.phone));
        lines.push(self.email.clone());
        if !self.website.is_empty() {
            lines.push(self.website.clone());
        }
        lines.push(format!("KvK {}", self.kvk_number));
        if !self.vat_number.is_empty() {
            lines.push(format!("Btw {}", self.vat_number));
        }
        lines
    }

    /// How a writ signs: "mr. P.J. van Dijk, gerechtsdeurwaarder".
    fn bailiff_signature(&self) -> String {
        format!("{}, {}", self.bailiff, self.bailiff_title)
    }

    /// The IBAN in groups of four, as people type it.
    fn iban_grouped(&self) -> String {
        group_iban(&self.iban)
    }

    /// How a writ names the bailiff who serves it and his office (art. 45 lid 3 sub c Rv):
    /// "heb ik, …, gerechtsdeurwaarder, kantoorhoudende te … aan …,".
    fn bailiff_clause(&self) -> String {
        let standplaats = if self.standplaats.is_empty() {
            &self.city
        } else {
            &self.standplaats
        };
        format!(
            "heb ik, {}, {}, kantoorhoudende te {standplaats} aan {}, {} {},",
            self.bailiff, self.bailiff_title, self.street, self.postcode, self.city
        )
    }
}

fn group_iban(iban: &str) -> String {
    iban.chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A party as a letter names it: the client (creditor) or the debtor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Full name.
    pub name: String,
    /// Street and number.
    pub street: String,
    /// Postcode.
    pub postcode: String,
    /// City.
    pub city: String,
    /// Country code; printed only when not `NL`.
    pub country: String,
    /// KvK number, empty for a natural person.
    pub kvk_number: String,
}

impl Party {
    /// The debtor of a case.
    pub fn debtor(debtor: &Debtor) -> Party {
        Party {
            name: debtor.name.clone(),
            street: debtor.address.street.clone(),
            postcode: debtor.address.postcode.clone(),
            city: debtor.address.city.clone(),
            country: debtor.address.country.clone(),
            kvk_number: debtor
                .kvk_number
                .as_ref()
                .map(|k| k.as_str().to_owned())
                .unwrap_or_default(),
        }
    }

    /// The client (creditor).
    pub fn client(client: &Client) -> Party {
        Party {
            name: client.name.clone(),
            street: client.address.street.clone(),
            postcode: client.address.postcode.clone(),
            city: client.address.city.clone(),
            country: client.address.country.clone(),
            kvk_number: client
                .kvk_number
                .as_ref()
                .map(|k| k.as_str().to_owned())
                .unwrap_or_default(),
        }
    }

    fn address_lines(&self) -> Vec<String> {
        let mut lines = vec![
            self.name.clone(),
            self.street.clone(),
            format!("{}  {}", self.postcode, self.city),
        ];
        if !self.country.is_empty() && self.country != "NL" {
            lines.push(self.country.clone());
        }
        lines
    }

    /// "Naam, Straat 1, 1234 AB Plaats" on one line.
    fn one_line(&self) -> String {
        let mut text = format!(
            "{}, {}, {} {}",
            self.name, self.street, self.postcode, self.city
        );
        if !self.kvk_number.is_empty() {
            text.push_str(&format!(" (KvK {})", self.kvk_number));
        }
        text
    }
}

/// Who a document is from and about: the office that writes or serves it, the client
/// (creditor) on whose behalf, and the debtor. Every kind shows these three, so they have
/// one home here; each kind embeds them with `#[serde(flatten)]` as its first fields, which
/// keeps the stored JSON exactly as it was — and with it each stored document's id, a hash
/// of that JSON (`workflow::documents::document_id`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parties {
    /// Who writes, or whose bailiff serves.
    pub office: Office,
    /// On whose behalf: the creditor (the claimant in a writ).
    pub client: Party,
    /// The debtor (the defendant in a writ).
    pub debtor: Party,
}

impl Parties {
    /// The office, `client` and the debtor of `case`.
    pub fn of(office: &Office, client: &Client, case: &CaseRecord) -> Parties {
        Parties {
            office: office.clone(),
            client: Party::client(client),
            debtor: Party::debtor(&case.claim.debtor),
        }
    }

    /// A document's title: its kind's name, the dossier number and the debtor, e.g.
    /// "Sommatie 6271 8281 8284 5904 — Bouwbedrijf Jansen B.V.".
    fn title(&self, name: &str, reference: &str) -> String {
        format!("{name} {reference} — {}", self.debtor.name)
    }

    /// A new document written by the office, with the dossier in every page's footer.
    fn doc(&self, title: &str, subject: &str, date: NaiveDate, reference: &str) -> Doc {
        Doc::new(
            title,
            &self.office.name,
            subject,
            date,
            &format!("{} · dossier {reference}", self.office.name),
        )
    }
}

/// One invoice as listed in a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// The client's invoice number.
    pub number: String,
    /// Invoice date, if known.
    pub invoice_date: Option<NaiveDate>,
    /// Due date.
    pub due_date: NaiveDate,
    /// Amount.
    #[serde(with = "amount")]
    pub amount: Money,
}

impl InvoiceLine {
    /// The invoices of a case.
    pub fn all(case: &CaseRecord) -> Vec<InvoiceLine> {
        case.claim.invoices.iter().map(InvoiceLine::from).collect()
    }
}

impl From<&Invoice> for InvoiceLine {
    fn from(invoice: &Invoice) -> Self {
        InvoiceLine {
            number: invoice.number.clone(),
            invoice_date: invoice.invoice_date,
            due_date: invoice.due_date,
            amount: invoice.amount,
        }
    }
}

/// The invoices of a case as [`crate::law::quote`] takes them: every document's figures
/// are that quote's, on the document's own day.
pub fn quote_invoices(case: &CaseRecord) -> Vec<InvoiceInput> {
    case.claim
        .invoices
        .iter()
        .map(|i| InvoiceInput {
            number: i.number.clone(),
            due_date: i.due_date,
            amount: i.amount,
        })
        .collect()
}

/// The law's quote request for `case` on `as_of`, on the office's rates: the debtor's
/// kind, the invoices, the `payments` received so far and whether VAT is charged on
/// collection costs (the track's own flag: the client cannot deduct it). The
/// 14-dagenbrief's own day and term, where they matter, the caller adds.
fn quote_request(
    office: &Office,
    case: &CaseRecord,
    as_of: NaiveDate,
    payments: &[PaymentInput],
) -> QuoteRequest {
    let mut request = QuoteRequest::new(case.claim.debtor.kind, as_of);
    request.rates = office.rates.clone();
    request.invoices = quote_invoices(case);
    request.payments = payments.to_vec();
    request.vat_on_collection_costs = case.track.vat_on_collection_costs;
    request
}

/// The bailiff's fee for `act` done on `day` from the office's tariffs (Btag) and the VAT
/// on it as the track charges it ([`BailiffTariffs::fee_and_vat`]); `what` names the act in
/// the error when the tariff has no figure that day.
fn bailiff_fee_with_vat(
    office: &Office,
    act: BailiffAct,
    day: NaiveDate,
    case: &CaseRecord,
    what: &str,
) -> Result<(Money, Money), BuildError> {
    office
        .bailiff_tariffs
        .fee_and_vat(act, day, case.track.vat_on_fees)
        .ok_or_else(|| BuildError::NoFigure(format!("bailiff's fee for {what} on {day}")))
}

/// Money in stored data: a decimal string in euros (`"1234.56"`), as on the wire, so the
/// JSON is exact and readable.
pub mod amount {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::law::money::Money;

    /// Writes `"1234.56"`.
    pub fn serialize<S: Serializer>(value: &Money, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&value.to_string())
    }

    /// Reads `"1234.56"` (also negative amounts, e.g. a balance).
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        let text = String::deserialize(deserializer)?;
        Money::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Optional money in stored data (`null` or `"1234.56"`).
pub mod optional_amount {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::law::money::Money;

    /// Writes `null` or `"1234.56"`.
    pub fn serialize<S: Serializer>(
        value: &Option<Money>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(m) => serializer.serialize_str(&m.to_string()),
            None => serializer.serialize_none(),
        }
    }

    /// Reads `null` or `"1234.56"`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Money>, D::Error> {
        let text = Option::<String>::deserialize(deserializer)?;
        text.map(|t| Money::parse(&t).map_err(serde::de::Error::custom))
            .transpose()
    }
}

// ---------------------------------------------------------------------------------------
// Shared layout pieces
// ---------------------------------------------------------------------------------------

use layout::{Column, Doc, LEFT, RIGHT, Style};

/// A date the Dutch way, `14 april 2026`.
fn nl(date: NaiveDate) -> String {
    format_date_nl(date)
}

/// A date with its weekday, `dinsdag 14 april 2026`: for hearing days and last days to
/// pay, where the weekday helps a reader.
fn nl_weekday(date: NaiveDate) -> String {
    use chrono::Datelike;
    let day = match date.weekday() {
        chrono::Weekday::Mon => "maandag",
        chrono::Weekday::Tue => "dinsdag",
        chrono::Weekday::Wed => "woensdag",
        chrono::Weekday::Thu => "donderdag",
        chrono::Weekday::Fri => "vrijdag",
        chrono::Weekday::Sat => "zaterdag",
        chrono::Weekday::Sun => "zondag",
    };
    format!("{day} {}", format_date_nl(date))
}

/// The opening of a letter: the letterhead (the office top right, the addressee left in
/// the window, the date and references beside it), the subject line in bold and the
/// salutation.
fn letter_opening(
    doc: &mut Doc,
    office: &Office,
    to: &Party,
    details: &[(&str, String)],
    subject: &str,
    salutation: &str,
) {
    letter_opening_to(
        doc,
        office,
        &to.address_lines(),
        details,
        subject,
        salutation,
    );
}

/// [`letter_opening`] to an address block of its own (e.g. with an attention line).
fn letter_opening_to(
    doc: &mut Doc,
    office: &Office,
    to: &[String],
    details: &[(&str, String)],
    subject: &str,
    salutation: &str,
) {
    let right_x = 345.0;
    doc.lines(right_x, &office.address_lines(), Style::Regular, 8.5);
    doc.space(34.0);
    let detail_lines: Vec<String> = details.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    doc.side_by_side(to, right_x, &detail_lines, layout::BODY);
    doc.space(26.0);
    doc.paragraph(subject, Style::Bold, layout::BODY);
    doc.space(8.0);
    doc.body(salutation);
}

const AMOUNT_COLUMNS: [Column; 2] = [Column::left(400.0), Column::right(500.0)];

/// One line of an itemised statement: a label and an amount.
fn amount_row(doc: &mut Doc, label: &str, amount: Money) {
    doc.row(
        &AMOUNT_COLUMNS,
        &[label, &amount.format_nl()],
        Style::Regular,
        layout::BODY,
    );
}

/// An itemised line that is printed only when its amount is more than zero (optional
/// costs, VAT that may not be charged).
fn amount_row_if_positive(doc: &mut Doc, label: &str, amount: Money) {
    if amount.is_positive() {
        amount_row(doc, label, amount);
    }
}

/// The total line of a statement, in bold under a rule.
fn total_row(doc: &mut Doc, label: &str, amount: Money) {
    doc.rule(300.0, 500.0);
    doc.row(
        &AMOUNT_COLUMNS,
        &[label, &amount.format_nl()],
        Style::Bold,
        layout::BODY,
    );
    doc.space(6.0);
}

/// The invoices as a table: number, invoice date, due date, amount.
fn invoice_table(doc: &mut Doc, invoices: &[InvoiceLine]) {
    let columns = [
        Column::left(190.0),
        Column::left(300.0),
        Column::left(410.0),
        Column::right(500.0),
    ];
    doc.row(
        &columns,
        &["Factuur", "Factuurdatum", "Vervaldatum", "Bedrag"],
        Style::Bold,
        9.0,
    );
    for invoice in invoices {
        let date = invoice.invoice_date.map(nl).unwrap_or_else(|| "—".into());
        doc.row(
            &columns,
            &[
                &invoice.number,
                &date,
                &nl(invoice.due_date),
                &invoice.amount.format_nl(),
            ],
            Style::Regular,
            9.0,
        );
    }
    doc.space(6.0);
}

/// How to pay: the office's account, the account name and the reference to quote.
fn payment_instructions(doc: &mut Doc, office: &Office, reference: &str, amount: Money) {
    doc.heading("Zo betaalt u", 11.0);
    let columns = [Column::left(200.0), Column::left(RIGHT)];
    for (label, value) in [
        ("Bedrag", amount.format_nl()),
        ("IBAN", office.iban_grouped()),
        ("BIC", office.bic.clone()),
        ("Ten name van", office.account_name.clone()),
        ("Betalingskenmerk", reference.to_owned()),
    ] {
        if value.is_empty() {
            continue;
        }
        doc.row(&columns, &[label, &value], Style::Regular, layout::BODY);
    }
    doc.space(6.0);
    doc.body(&format!(
        "Vermeld bij uw betaling altijd het betalingskenmerk {reference}, zodat wij uw betaling \
         aan het juiste dossier kunnen koppelen."
    ));
}

/// What opens an attachment writ: its title and subject (the PDF's), its heading, its day,
/// the dossier number, the addressee and to whom the copy was left.
struct WritHead<'a> {
    title: &'a str,
    subject: &'a str,
    heading: &'a str,
    on: NaiveDate,
    reference: &'a str,
    addressee: &'a Party,
    left_with: Option<&'a str>,
}

/// A new writ with the elements of art. 45 lid 3 Rv: the date (a), the requesting party
/// with its chosen domicile at the bailiff's office (b; art. 439 lid 3, 475 lid 1 Rv), the
/// bailiff with his office (c), the addressee (d) and to whom the copy was left, with the
/// capacity (e) — as recorded once served, a line to fill in on a draft before.
fn writ(parties: &Parties, head: WritHead<'_>) -> Doc {
    let mut doc = parties.doc(head.title, head.subject, head.on, head.reference);
    doc.paragraph(head.heading, Style::Bold, 14.0);
    doc.paragraph(&format!("Dossier {}", head.reference), Style::Regular, 8.5);
    doc.space(10.0);
    doc.body(&format!(
        "Heden, {}, ten verzoeke van {}, die voor deze zaak en voor de executie woonplaats \
         kiest ten kantore van de hierna genoemde gerechtsdeurwaarder,",
        nl(head.on),
        parties.client.one_line()
    ));
    doc.body(&parties.office.bailiff_clause());
    doc.paragraph("BETEKEND AAN:", Style::Bold, layout::BODY);
    doc.body(&format!(
        "{}, aldaar mijn exploot doende en een afschrift hiervan latende aan: {}",
        head.addressee.one_line(),
        head.left_with.unwrap_or(".........................")
    ));
    doc
}

/// The closing of a writ: the bailiff signs (art. 45 lid 5 Rv) and states its costs, when
/// it has any.
fn writ_signature(doc: &mut Doc, office: &Office, costs: Option<Money>) {
    doc.space(8.0);
    let mut lines = vec![office.bailiff_signature()];
    if let Some(costs) = costs {
        lines.push(format!(
            "De kosten van dit exploot zijn {}.",
            costs.format_nl()
        ));
    }
    doc.lines(LEFT, &lines, Style::Regular, layout::BODY);
}

/// The closing of a letter: the office signs on the client's behalf.
fn signature(doc: &mut Doc, parties: &Parties) {
    doc.space(8.0);
    doc.body("Met vriendelijke groet,");
    doc.lines(
        LEFT,
        &[
            parties.office.name.clone(),
            format!("namens {}", parties.client.name),
        ],
        Style::Regular,
        layout::BODY,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_their_names() {
        for kind in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(kind.as_str()), Some(kind));
            assert!(kind.template_version().starts_with(kind.as_str()));
        }
        assert_eq!(DocumentKind::parse("letter"), None);
    }

    #[test]
    fn iban_is_grouped_by_four() {
        assert_eq!(group_iban("NL02ABNA0123456789"), "NL02 ABNA 0123 4567 89");
    }
}
