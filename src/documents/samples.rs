//! One known case and one document of each kind for it: what `examples/documents/` shows
//! and what the benchmark renders. The figures are built by the kinds' own `build`, so a
//! sample is exactly what the track would store for this case on these days.
//!
//! The case: consumer J. de Vries owes Acme Energie B.V. (which cannot deduct VAT) two
//! invoices, € 1.234,56 due 14 February 2026 and € 99,95 due 3 March 2026; the
//! 14-dagenbrief goes out on 1 April 2026. The business sample is Bouwbedrijf Jansen B.V.
//! with one invoice of € 15.000,00 due 31 March 2026.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::{
    AttachmentNotice, BuildError, CourtLocation, Demand, DocumentData, EnforceableTitle,
    FinalStatement, FinalStatementInput, FourteenDayLetter, Garnishment, GarnishmentInput,
    GarnishmentKind, GoodsAttachment, GoodsAttachmentInput, Insolvency, JudgmentInput,
    JudgmentService, Office, Party, PaymentPlanConfirmation, Payout, Receipt, Release,
    ReleaseReason, SummonsDraft, SummonsInput,
};
use crate::case::track::TrackState;
use crate::case::{
    Address, CaseRecord, Claim, Client, ClientId, Debtor, DebtorKind, Iban, Invoice, KvkNumber,
    PaymentReference, Stage, Suspension,
};
use crate::law::money::Money;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("sample dates are valid")
}

fn euros(cents: i64) -> Money {
    Money::from_cents(cents)
}

/// The sample client: a company that cannot deduct VAT (so VAT is added to costs).
pub fn client() -> Client {
    Client {
        id: ClientId::parse("acme").expect("valid id"),
        name: "Acme Energie B.V.".into(),
        kvk_number: KvkNumber::parse("68750110").ok(),
        iban: Iban::parse("NL91ABNA0417164300").ok(),
        address: Address {
            street: "Stationsplein 1".into(),
            postcode: "1012 AB".into(),
            city: "Amsterdam".into(),
            country: "NL".into(),
        },
        email: "incasso@acme.example".into(),
        vat_deductible: false,
        natural_person: false,
    }
}

fn case(id: &str, reference: u64, debtor: Debtor, invoices: Vec<Invoice>) -> CaseRecord {
    let at: DateTime<Utc> = d(2026, 3, 20)
        .and_hms_opt(9, 0, 0)
        .expect("valid time")
        .and_utc();
    CaseRecord {
        id: id.into(),
        payment_reference: PaymentReference::from_payload(reference),
        claim: Claim {
            client_id: ClientId::parse("acme").expect("valid id"),
            client_reference: "DOS-1".into(),
            debtor,
            invoices,
            notes: String::new(),
        },
        stage: Stage::Letter,
        suspension: Suspension::None,
        close_reason: None,
        close_note: String::new(),
        accepted_on: d(2026, 3, 20),
        version: 1,
        policy_version: 1,
        warnings: Vec::new(),
        // As the store reads it: the client cannot deduct VAT, so the track charges it.
        track: TrackState {
            vat_on_collection_costs: !client().vat_deductible,
            vat_on_fees: !client().vat_deductible,
            ..TrackState::default()
        },
        created_at: at,
        updated_at: at,
    }
}

fn debtor(kind: DebtorKind, name: &str, street: &str, postcode: &str, city: &str) -> Debtor {
    Debtor {
        kind,
        name: name.into(),
        address: Address {
            street: street.into(),
            postcode: postcode.into(),
            city: city.into(),
            country: "NL".into(),
        },
        email: String::new(),
        phone: String::new(),
        kvk_number: None,
        date_of_birth: None,
        family_name: String::new(),
        family_name_prefix: String::new(),
        iban: None,
    }
}

/// The consumer case.
pub fn consumer_case() -> CaseRecord {
    case(
        "3f2a9c1e-77b0-4d5e-9a1b-0c2d3e4f5a6b",
        // Betaalvereniging's published example: 5000 0567 8901 2345.
        56_789_012_345,
        debtor(
            DebtorKind::Consumer,
            "J. de Vries",
            "Kerkstraat 12",
            "3511 LK",
            "Utrecht",
        ),
        vec![
            Invoice {
                number: "F2026-001".into(),
                invoice_date: Some(d(2026, 1, 15)),
                due_date: d(2026, 2, 14),
                amount: euros(123_456),
            },
            Invoice {
                number: "F2026-014".into(),
                invoice_date: Some(d(2026, 2, 1)),
                due_date: d(2026, 3, 3),
                amount: euros(9_995),
            },
        ],
    )
}

/// The business case.
pub fn business_case() -> CaseRecord {
    let mut debtor = debtor(
        DebtorKind::Business,
        "Bouwbedrijf Jansen B.V.",
        "Industrieweg 7",
        "5611 AA",
        "Eindhoven",
    );
    debtor.kvk_number = KvkNumber::parse("12345678").ok();
    case(
        "9b8c7d6e-5f40-4a3b-8c2d-1e0f9a8b7c6d",
        271_828_182_845_904,
        debtor,
        vec![Invoice {
            number: "2026-0042".into(),
            invoice_date: Some(d(2026, 3, 1)),
            due_date: d(2026, 3, 31),
            amount: euros(1_500_000),
        }],
    )
}

/// The 14-dagenbrief to the consumer, sent on 1 April 2026.
pub fn fourteen_day_letter() -> Result<DocumentData, BuildError> {
    FourteenDayLetter::build(
        &Office::example(),
        &client(),
        &consumer_case(),
        d(2026, 4, 1),
        2,
        &[],
    )
    .map(DocumentData::FourteenDayLetter)
}

/// The judgment of the consumer sample, served with the order to pay on 6 July 2026.
fn judgment_service() -> Result<JudgmentService, BuildError> {
    JudgmentService::build(
        &Office::example(),
        &client(),
        &consumer_case(),
        JudgmentInput {
            served_on: d(2026, 7, 6),
            court: "Rechtbank Midden-Nederland, kantonrechter, zittingsplaats Utrecht".into(),
            judgment_on: d(2026, 6, 17),
            court_case_number: "11223344 CV EXPL 26-1234".into(),
            default_judgment: true,
            principal: euros(133_451),
            awarded_interest: euros(1_370),
            interest_from: d(2026, 5, 21),
            collection_costs: euros(24_222),
            legal_costs: euros(76_594),
            post_judgment_costs: euros(6_800),
            paid: Money::ZERO,
            statutory_interest: None,
            left_with: None,
            by_envelope: false,
        },
    )
}

/// The served judgment an attachment rests on.
fn title_of(service: &JudgmentService) -> EnforceableTitle {
    EnforceableTitle {
        court: service.court.clone(),
        judgment_on: service.judgment_on,
        court_case_number: service.court_case_number.clone(),
        served_on: service.served_on,
    }
}

/// The attachment under the consumer's bank on Monday 20 July 2026, for what the served
/// judgment demanded; the copy left with a clerk of the bank.
pub fn garnishment() -> Result<Garnishment, BuildError> {
    let service = judgment_service()?;
    Garnishment::build(
        &Office::example(),
        &client(),
        &consumer_case(),
        GarnishmentInput {
            laid_on: d(2026, 7, 20),
            kind: GarnishmentKind::Bank,
            garnishee: Party {
                name: "ING Bank N.V.".into(),
                street: "Bijlmerdreef 106".into(),
                postcode: "1102 CT".into(),
                city: "Amsterdam".into(),
                country: "NL".into(),
                kvk_number: "33031431".into(),
            },
            title: title_of(&service),
            amount_claimed: service.total,
            protected_income: None,
            left_with: Some("mevrouw S. de Boer, medewerker beslagzaken van de bank".into()),
        },
    )
}

/// The consumer's movables seized at home on Monday 20 July 2026, for what the served
/// judgment demanded; the copy left with the debtor in person.
pub fn goods_attachment() -> Result<GoodsAttachment, BuildError> {
    let service = judgment_service()?;
    GoodsAttachment::build(
        &Office::example(),
        &client(),
        &consumer_case(),
        GoodsAttachmentInput {
            laid_on: d(2026, 7, 20),
            title: title_of(&service),
            amount_claimed: service.total,
            inventory: "televisie Samsung 55 inch, zwart\nbankstel, drie zits, grijze stof\n\
                        eettafel met zes stoelen, eiken"
                .into(),
            valuation: euros(45_000),
            left_with: Some("de geadresseerde in persoon".into()),
        },
    )
}

/// One document of each kind, in track order.
pub fn all() -> Result<Vec<DocumentData>, BuildError> {
    let office = Office::example();
    let client = client();
    let consumer = consumer_case();
    let letter_sent_on = Some(d(2026, 4, 1));
    let attachment = garnishment()?;
    let notice = AttachmentNotice::build(
        &office,
        &client,
        &consumer,
        &attachment,
        d(2026, 7, 23),
        String::new(),
        Some("de geadresseerde in persoon".into()),
    )?;
    let release = Release::build(
        &office,
        &client,
        &consumer,
        &attachment,
        d(2026, 8, 31),
        ReleaseReason::Paid,
        Some("mevrouw S. de Boer, medewerker beslagzaken van de bank".into()),
    )?;
    Ok(vec![
        fourteen_day_letter()?,
        DocumentData::Demand(Demand::build(
            &office,
            &client,
            &business_case(),
            d(2026, 5, 4),
            14,
            &[],
        )?),
        DocumentData::PaymentPlan(PaymentPlanConfirmation::build(
            &office,
            &client,
            &consumer,
            d(2026, 5, 4),
            letter_sent_on,
            2,
            &[],
            &[
                (d(2026, 5, 15), euros(50_000)),
                (d(2026, 6, 15), euros(50_000)),
                (d(2026, 7, 15), euros(60_000)),
            ],
            7,
        )?),
        DocumentData::Summons(SummonsDraft::build(
            &office,
            &client,
            &consumer,
            SummonsInput {
                drafted_on: d(2026, 5, 6),
                planned_service_on: d(2026, 5, 11),
                court: CourtLocation {
                    court: "Rechtbank Midden-Nederland".into(),
                    location: "Utrecht".into(),
                    street: "Vrouwe Justitiaplein 1".into(),
                    postcode: "3511 EX".into(),
                    city: "Utrecht".into(),
                },
                hearing_on: d(2026, 5, 20),
                hearing_time: NaiveTime::from_hms_opt(10, 0, 0).expect("valid time"),
                letter_sent_on,
                delivery_days: 2,
                payments: Vec::new(),
                defences: Vec::new(),
                evidence: vec![
                    "de facturen F2026-001 en F2026-014".into(),
                    "de aanmaning van 1 april 2026 met verzendbewijs".into(),
                ],
                witnesses: Vec::new(),
            },
        )?),
        DocumentData::JudgmentService(judgment_service()?),
        DocumentData::FinalStatement(FinalStatement::build(
            &office,
            &client,
            &consumer,
            FinalStatementInput {
                drafted_on: d(2026, 9, 1),
                close_reason: "oninbaar: de debiteur is in staat van faillissement verklaard"
                    .into(),
                principal: euros(133_451),
                interest: euros(2_245),
                collection_costs: euros(24_222),
                legal_costs: euros(91_588),
                receipts: vec![Receipt {
                    received_on: d(2026, 7, 20),
                    amount: euros(25_000),
                    description: "bankbeslag".into(),
                }],
                received_by_client: Money::ZERO,
                retained: Money::ZERO,
                charged_to_client: Money::ZERO,
                refunded: Money::ZERO,
                payouts: vec![Payout {
                    paid_on: d(2026, 7, 31),
                    amount: euros(25_000),
                    description: "afdracht aan opdrachtgever".into(),
                }],
                insolvency: Some(Insolvency {
                    kind: "faillissement".into(),
                    administrator: "mr. A. Curatorsma".into(),
                    administrator_address: "Maliebaan 1, 3581 CA Utrecht".into(),
                    case_number: "C/16/26/123 F".into(),
                }),
            },
        )?),
        DocumentData::Garnishment(attachment),
        DocumentData::AttachmentNotice(notice),
        DocumentData::Release(release),
        DocumentData::GoodsAttachment(goods_attachment()?),
        DocumentData::GoodsRelease(Release::of_goods(
            &goods_attachment()?,
            d(2026, 8, 31),
            ReleaseReason::Paid,
            Some("de geadresseerde in persoon".into()),
        )?),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::{DocumentKind, render};

    #[test]
    fn every_kind_has_a_sample_that_renders() {
        let samples = all().expect("samples build");
        let kinds: Vec<DocumentKind> = samples.iter().map(DocumentData::kind).collect();
        assert_eq!(kinds, DocumentKind::ALL.to_vec());
        for sample in &samples {
            let rendered = render(sample.kind(), sample).expect("renders");
            assert!(rendered.bytes.len() > 1_000, "{:?}", sample.kind());
        }
    }

    /// A stored document's id is a hash of its data JSON, so the shared `Parties` each kind
    /// embeds must stay flat and first (`office`, `client`, `debtor`), as the fields were
    /// before they had one home, and the JSON must read back to the same data.
    #[test]
    fn stored_json_keeps_the_parties_flat_and_first_and_reads_back() {
        for sample in all().expect("samples build") {
            let parties = match &sample {
                DocumentData::FourteenDayLetter(d) => &d.parties,
                DocumentData::Demand(d) => &d.parties,
                DocumentData::PaymentPlan(d) => &d.parties,
                DocumentData::Summons(d) => &d.parties,
                DocumentData::JudgmentService(d) => &d.parties,
                DocumentData::FinalStatement(d) => &d.parties,
                DocumentData::Garnishment(d) => &d.parties,
                DocumentData::AttachmentNotice(d) => &d.parties,
                DocumentData::Release(d) | DocumentData::GoodsRelease(d) => &d.parties,
                DocumentData::GoodsAttachment(d) => &d.parties,
            };
            let json = sample.to_json();
            let parties_json = serde_json::to_string(parties).expect("serialises");
            let open_fields = parties_json.strip_suffix('}').expect("an object");
            assert!(
                json.starts_with(&format!("{open_fields},")),
                "{:?}: {json}",
                sample.kind()
            );
            assert!(open_fields.starts_with(r#"{"office":{"#), "{open_fields}");
            let read = DocumentData::from_json(sample.kind(), &json).expect("reads back");
            assert_eq!(read, sample);
        }
    }
}
