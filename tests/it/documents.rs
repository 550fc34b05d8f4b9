//! The letters and writs: each kind rendered for a known case, its text read back with
//! `pdftotext` and checked for every mandatory element with the amounts and dates in Dutch
//! form; a stored letter streamed by `GetDocument` with the stored SHA-256, on both
//! backends.
//!
//! The known case: consumer J. de Vries owes Acme Energie B.V. (which cannot deduct VAT)
//! invoice F2026-001 of € 1.234,56 due 14 February 2026 and F2026-014 of € 99,95 due
//! 3 March 2026: principal € 1.334,51. Hand-worked figures that do not depend on the
//! interest table are asserted as such; the interest itself is the law module's figure
//! (its own tests check it against the rate table).

use std::io::Write;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime};
use exploot::case::{CaseRecord, Client, DebtorKind};
use exploot::clock::{Clock, ManualClock};
use exploot::documents::{
    CourtLocation, Demand, DocumentData, DocumentKind, FinalStatement, FinalStatementInput,
    FourteenDayLetter, Insolvency, JudgmentInput, JudgmentService, Office, PaymentPlanConfirmation,
    Payout, Receipt, RenderError, SummonsDraft, SummonsInput, render, samples,
};
use exploot::law::interest::interest;
use exploot::law::money::Money;
use exploot::law::procedure::liquidation_tariff;
use exploot::law::quote::{QuoteRequest, quote};
use exploot::proto as pb;
use exploot::store::Store;
use exploot::workflow::{Actor, App};
use tokio_stream::StreamExt;
use tonic::Code;

use crate::harness::fixtures::{consumer_claim, put_client};
use crate::harness::{TestDb, TestServer, on_both_backends};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn m(s: &str) -> Money {
    Money::parse(s).expect("amount")
}

/// Acme, as `fixtures::client`: a company (KvK 68750110) that cannot deduct VAT.
fn client() -> Client {
    samples::client()
}

/// The known consumer case (the module doc), id `3f2a9c1e-…`.
fn consumer_case() -> CaseRecord {
    samples::consumer_case()
}

/// Bouwbedrijf Jansen B.V. (KvK 12345678), one invoice of € 15.000,00 due 31 March 2026.
fn business_case() -> CaseRecord {
    samples::business_case()
}

/// The law's quote of the consumer case on `as_of` (with the letter of 1 April 2026).
fn consumer_quote(as_of: NaiveDate, letter: Option<NaiveDate>) -> exploot::law::quote::ClaimQuote {
    let mut request = QuoteRequest::new(DebtorKind::Consumer, as_of);
    request.invoices = exploot::documents::quote_invoices(&consumer_case());
    request.letter_sent_on = letter;
    request.vat_on_collection_costs = true;
    quote(&request).expect("quote")
}

/// The text `pdftotext -layout` extracts (a label and its amount stay on one line), without
/// the page footers, with every run of white space made one space (lines wrap wherever the
/// layout wraps them).
pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(bytes).expect("write");
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(file.path())
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils; .ci/run installs it)");
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        // The page footer ("… — pagina 1 van 2") may fall inside a sentence.
        .filter(|line| !line.contains(" — pagina "))
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

#[track_caller]
fn assert_contains_all(text: &str, expected: &[&str]) {
    let missing: Vec<&&str> = expected.iter().filter(|e| !text.contains(**e)).collect();
    assert!(missing.is_empty(), "missing {missing:?} in:\n{text}");
}

fn rendered_text(data: &DocumentData) -> String {
    let rendered = render(data.kind(), data).expect("renders");
    pdf_text(&rendered.bytes)
}

fn letter() -> FourteenDayLetter {
    FourteenDayLetter::build(
        &Office::example(),
        &client(),
        &consumer_case(),
        d("2026-04-01"),
        2,
        &[],
    )
    .expect("letter")
}

#[test]
fn fourteen_day_letter_states_everything_art_6_96_lid_6_asks() {
    let letter = letter();
    // Sent Wed 1 April 2026. Delivery days (HR 2016:2704): Thu 2 April (1); Fri 3 April is
    // Good Friday, no delivery day; Sat 4 April (2) = presumed receipt. 14 days end Sat
    // 18 April → Atw art. 1 → Mon 20 April 2026.
    assert_eq!(letter.received_on, d("2026-04-04"));
    assert_eq!(letter.last_day_to_pay, d("2026-04-20"));
    // Collection costs over € 1.334,51: 15 % = 200.1765 → € 200,18; VAT 21 % = 42.0378 →
    // € 42,04; together € 242,22 (Besluit BIK art. 2).
    assert_eq!(letter.collection_costs, m("200.18"));
    assert_eq!(letter.collection_costs_vat, m("42.04"));
    let figures = consumer_quote(d("2026-04-01"), None);
    assert_eq!(letter.interest, figures.interest);
    assert!(letter.interest.is_positive());

    let text = rendered_text(&DocumentData::FourteenDayLetter(letter.clone()));
    assert_contains_all(
        &text,
        &[
            // Who writes, for whom, to whom.
            "Van Dijk & Bakker Gerechtsdeurwaarders",
            "Acme Energie B.V.",
            "KvK 68750110",
            "J. de Vries",
            "Kerkstraat 12",
            "3511 LK Utrecht",
            "1 april 2026",
            // The claim.
            "F2026-001",
            "14 februari 2026",
            "€ 1.234,56",
            "F2026-014",
            "€ 99,95",
            "Hoofdsom (openstaand) € 1.334,51",
            "Wettelijke rente (art. 6:119 BW) tot en met 1 april 2026",
            &figures.interest.format_nl(),
            &format!("Nu te betalen {}", figures.total_due.format_nl()),
            // The term, in the HR's words, and the last day as a date.
            "binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd",
            "zaterdag 4 april 2026",
            "maandag 20 april 2026",
            // Paying what it asks in time avoids the costs (the track counts it so).
            &format!(
                "Betaalt u {} op tijd, dan bent u geen incassokosten verschuldigd",
                figures.total_due.format_nl()
            ),
            // The consequence: the exact costs, with VAT.
            "buitengerechtelijke incassokosten verschuldigd van € 242,22",
            "inclusief € 42,04 btw",
            "Incassokosten (exclusief btw) € 200,18",
            "Besluit vergoeding voor buitengerechtelijke incassokosten",
            &(figures.total_due + m("242.22")).format_nl(),
            // How to pay.
            "NL02 ABNA 0123 4567 89",
            "Stichting Derdengelden Van Dijk & Bakker",
            "Betalingskenmerk 5000 0567 8901 2345",
            // Dutch characters survive extraction.
            "één keer",
            "vóór 20 april 2026",
        ],
    );
}

#[test]
fn a_letter_to_a_business_or_before_the_due_date_is_refused() {
    let business = FourteenDayLetter::build(
        &Office::example(),
        &client(),
        &business_case(),
        d("2026-05-04"),
        2,
        &[],
    );
    assert!(business.is_err());
    let early = FourteenDayLetter::build(
        &Office::example(),
        &client(),
        &consumer_case(),
        d("2026-03-03"),
        2,
        &[],
    );
    assert!(
        early.is_err(),
        "F2026-014 is due that very day: no verzuim yet"
    );
}

#[test]
fn demand_to_a_business_states_costs_owed_and_the_last_day() {
    let demand = Demand::build(
        &Office::example(),
        &client(),
        &business_case(),
        d("2026-05-04"),
        14,
        &[],
    )
    .expect("demand");
    // BIK over € 15.000: 375 + 250 + 250 + 1 % × 5.000 = € 925,00; VAT 21 % = € 194,25.
    assert_eq!(demand.collection_costs, m("925.00"));
    assert_eq!(demand.collection_costs_vat, m("194.25"));
    // Sent Mon 4 May 2026 + 14 days = Mon 18 May 2026.
    assert_eq!(demand.last_day_to_pay, d("2026-05-18"));
    let text = rendered_text(&DocumentData::Demand(demand.clone()));
    assert_contains_all(
        &text,
        &[
            "Sommatie",
            "Bouwbedrijf Jansen B.V.",
            "KvK 12345678",
            "€ 15.000,00",
            "Wettelijke handelsrente (art. 6:119a BW) tot en met 4 mei 2026",
            &demand.interest.format_nl(),
            "€ 925,00",
            "€ 194,25",
            &format!("Totaal verschuldigd {}", demand.total_due.format_nl()),
            "maandag 18 mei 2026",
            "NL02 ABNA 0123 4567 89",
        ],
    );
    // Sent Mon 13 April 2026: the fourteenth day is Koningsdag (Mon 27 April), so the
    // term runs on to Tue 28 April (Algemene termijnenwet), as the track counts it.
    let koningsdag = Demand::build(
        &Office::example(),
        &client(),
        &business_case(),
        d("2026-04-13"),
        14,
        &[],
    )
    .expect("demand");
    assert_eq!(koningsdag.last_day_to_pay, d("2026-04-28"));
    assert_contains_all(
        &rendered_text(&DocumentData::Demand(koningsdag)),
        &["dinsdag 28 april 2026"],
    );
    assert_eq!(
        demand.total_due,
        m("15000.00") + demand.interest + m("925.00") + m("194.25")
    );
}

#[test]
fn payment_plan_lists_instalments_and_what_a_missed_one_does() {
    let plan = PaymentPlanConfirmation::build(
        &Office::example(),
        &client(),
        &consumer_case(),
        d("2026-05-04"),
        Some(d("2026-04-01")),
        2,
        &[],
        &[
            (d("2026-05-15"), m("500.00")),
            (d("2026-06-15"), m("500.00")),
            (d("2026-07-15"), m("600.00")),
        ],
        7,
    )
    .expect("plan");
    // The letter's term ended 20 April unpaid: costs € 200,18 + € 42,04 = € 242,22.
    assert_eq!(plan.collection_costs, m("242.22"));
    let figures = consumer_quote(d("2026-05-04"), Some(d("2026-04-01")));
    assert_eq!(plan.total_due, figures.total_due);
    let text = rendered_text(&DocumentData::PaymentPlan(plan));
    assert_contains_all(
        &text,
        &[
            "bevestiging betalingsregeling",
            "4 mei 2026",
            "Hoofdsom (openstaand) € 1.334,51",
            "Incassokosten € 242,22",
            &format!("Totaal {}", figures.total_due.format_nl()),
            "1 vrijdag 15 mei 2026 € 500,00",
            "2 maandag 15 juni 2026 € 500,00",
            "3 woensdag 15 juli 2026 € 600,00",
            "Totaal van de termijnen € 1.600,00",
            "binnen 7 dagen",
            "vervalt de betalingsregeling",
            "art. 6:44 BW",
        ],
    );
}

fn summons_input() -> SummonsInput {
    SummonsInput {
        drafted_on: d("2026-05-06"),
        planned_service_on: d("2026-05-11"),
        court: CourtLocation {
            court: "Rechtbank Midden-Nederland".into(),
            location: "Utrecht".into(),
            street: "Vrouwe Justitiaplein 1".into(),
            postcode: "3511 EX".into(),
            city: "Utrecht".into(),
        },
        hearing_on: d("2026-05-20"),
        hearing_time: NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        letter_sent_on: Some(d("2026-04-01")),
        delivery_days: 2,
        payments: Vec::new(),
        defences: vec!["Gedaagde stelt dat de levering van maart onvolledig was.".into()],
        evidence: vec![
            "de facturen F2026-001 en F2026-014".into(),
            "de aanmaning van 1 april 2026".into(),
        ],
        witnesses: Vec::new(),
    }
}

#[test]
fn summons_draft_has_the_contents_of_art_45_and_111_rv() {
    let draft = SummonsDraft::build(
        &Office::example(),
        &client(),
        &consumer_case(),
        summons_input(),
    )
    .expect("summons");
    let at_hearing = consumer_quote(d("2026-05-20"), Some(d("2026-04-01")));
    assert_eq!(draft.claim_total, at_hearing.total_due);
    // Claim value ≈ € 1.590 (principal + costs + interest): class € 1.500,01–2.500; Acme
    // is a legal person: € 397 (griffierecht kanton 2026).
    assert_eq!(draft.court_fee, m("397"));
    // Btag art. 2a 2026: € 125,57; VAT 21 % = 26.3697 → € 26,37.
    assert_eq!(draft.summons_fee, m("125.57"));
    assert_eq!(draft.summons_fee_vat, m("26.37"));
    assert_eq!(
        draft.representative_fee,
        liquidation_tariff(d("2026-05-20"), at_hearing.total_due, 1)
    );
    let text = rendered_text(&DocumentData::Summons(draft.clone()));
    assert_contains_all(
        &text,
        &[
            "CONCEPT",
            "DAGVAARDING",
            // Parties, domicile, representative, bailiff (art. 45 lid 3, 111 lid 2 a–b).
            "ten verzoeke van Acme Energie B.V., Stationsplein 1, 1012 AB Amsterdam (KvK 68750110)",
            "woonplaats kiest ten kantore van de hierna genoemde gerechtsdeurwaarder",
            "mr. P.J. van Dijk, gerechtsdeurwaarder, kantoorhoudende te Utrecht",
            "J. de Vries, Kerkstraat 12, 3511 LK Utrecht",
            // Court, address, day and hour (lid 2 e–f).
            "kantonrechter van de Rechtbank Midden-Nederland, zittingsplaats Utrecht",
            "Vrouwe Justitiaplein 1, 3511 EX Utrecht",
            "woensdag 20 mei 2026 om 10:00 uur",
            // How to appear, default, court fee (lid 2 g, i, k).
            "advocaat is niet verplicht",
            "verstek",
            "art. 139 Rv",
            "geen griffierecht geheven",
            "€ 397,00",
            // Claim and grounds, the letter, defences, evidence (lid 2 d, lid 3).
            "Eis en gronden",
            "aanmaning van 1 april 2026",
            "brief van 1 april 2026",
            "eindigde op 20 april 2026",
            "Gedaagde stelt dat de levering van maart onvolledig was.",
            "de facturen F2026-001 en F2026-014",
            // Amounts as of the hearing date.
            "Berekening per de roldatum 20 mei 2026",
            "Hoofdsom (openstaand) € 1.334,51",
            "tot en met 20 mei 2026",
            &at_hearing.interest.format_nl(),
            "Buitengerechtelijke incassokosten € 200,18",
            "Btw over de incassokosten € 42,04",
            &format!("Vordering {}", at_hearing.total_due.format_nl()),
            "Kosten dagvaarding (Btag art. 2a) € 125,57",
            "€ 26,37",
            &format!("Totaal {}", draft.total.format_nl()),
            "vanaf 21 mei 2026 tot de dag der algehele voldoening",
        ],
    );
}

#[test]
fn summons_within_the_term_or_before_the_rechtbank_is_refused() {
    let mut early = summons_input();
    // Served Mon 11 May: the earliest hearing is Tue 19 May (art. 114, 119 Rv).
    early.hearing_on = d("2026-05-18");
    assert!(SummonsDraft::build(&Office::example(), &client(), &consumer_case(), early).is_err());
    let mut big = business_case();
    big.claim.invoices[0].amount = m("30000.00");
    let mut input = summons_input();
    input.letter_sent_on = None;
    assert!(SummonsDraft::build(&Office::example(), &client(), &big, input).is_err());
}

#[test]
fn judgment_service_orders_payment_within_two_days() {
    let served_on = d("2026-07-06");
    let service = JudgmentService::build(
        &Office::example(),
        &client(),
        &consumer_case(),
        JudgmentInput {
            served_on,
            court: "Rechtbank Midden-Nederland, kantonrechter, zittingsplaats Utrecht".into(),
            judgment_on: d("2026-06-17"),
            court_case_number: "11223344 CV EXPL 26-1234".into(),
            default_judgment: true,
            principal: m("1334.51"),
            awarded_interest: m("12.34"),
            interest_from: d("2026-05-21"),
            collection_costs: m("242.22"),
            legal_costs: m("770.94"),
            post_judgment_costs: m("68.00"),
            paid: m("100.00"),
            statutory_interest: None,
            left_with: None,
            by_envelope: false,
        },
    )
    .expect("service");
    // Served Mon 6 July 2026: two days end Wed 8 July (art. 439 Rv).
    assert_eq!(service.pay_by, d("2026-07-08"));
    // Btag art. 2b 2026: € 136,71; VAT 21 % = 28.7091 → € 28,71.
    assert_eq!(service.service_fee, m("136.71"));
    assert_eq!(service.service_fee_vat, m("28.71"));
    let running = interest(
        DebtorKind::Consumer.rate_series(),
        m("1334.51"),
        d("2026-05-20"),
        served_on,
    )
    .expect("interest")
    .interest;
    assert_eq!(service.running_interest, running);
    let total = m("1334.51")
        + m("12.34")
        + running
        + m("242.22")
        + m("770.94")
        + m("68.00")
        + m("136.71")
        + m("28.71")
        - m("100.00");
    assert_eq!(service.total, total);
    let text = rendered_text(&DocumentData::JudgmentService(service));
    assert_contains_all(
        &text,
        &[
            "BETEKENING VONNIS",
            "met bevel tot betaling",
            "Heden, 6 juli 2026",
            "woonplaats kiest ten kantore van de hierna genoemde gerechtsdeurwaarder (art. 439 lid 3 Rv)",
            "J. de Vries, Kerkstraat 12, 3511 LK Utrecht",
            "17 juni 2026",
            "11223344 CV EXPL 26-1234",
            "binnen twee dagen na heden, dat is uiterlijk op woensdag 8 juli 2026",
            "Hoofdsom € 1.334,51",
            "Rente volgens vonnis € 12,34",
            &format!(
                "Wettelijke rente van 21 mei 2026 tot en met 6 juli 2026 {}",
                running.format_nl()
            ),
            "Proceskosten volgens vonnis € 770,94",
            "Nakosten € 68,00",
            "Kosten van dit exploot (Btag art. 2b) € 136,71",
            "€ 28,71",
            "€ -100,00",
            &format!("Totaal te betalen {}", total.format_nl()),
            "Verzet",
            "art. 143 Rv",
            "beslag",
        ],
    );
    // A business debtor the court ordered to pay the statutory interest (art. 6:119 BW,
    // not the commercial rate): the writ names and computes that interest.
    let statutory = JudgmentService::build(
        &Office::example(),
        &client(),
        &business_case(),
        JudgmentInput {
            served_on,
            court: "Rechtbank Midden-Nederland, kantonrechter, zittingsplaats Utrecht".into(),
            judgment_on: d("2026-06-17"),
            court_case_number: "11223344 CV EXPL 26-1235".into(),
            default_judgment: true,
            principal: m("15000.00"),
            awarded_interest: Money::ZERO,
            interest_from: d("2026-05-21"),
            collection_costs: Money::ZERO,
            legal_costs: Money::ZERO,
            post_judgment_costs: Money::ZERO,
            paid: Money::ZERO,
            statutory_interest: Some(true),
            left_with: Some("de geadresseerde in persoon".into()),
            by_envelope: false,
        },
    )
    .expect("service");
    // 4 % over 15,000.00 from 21 May to 6 July 2026: 47 days → 77.26.
    assert_eq!(statutory.running_interest, m("77.26"));
    let mut envelope = statutory.clone();
    let text = rendered_text(&DocumentData::JudgmentService(statutory));
    assert!(!text.contains("handelsrente"), "{text}");
    // The service as the bailiff recorded it: to whom the copy was left (art. 45 lid 3 e).
    assert!(
        text.contains("latende aan: de geadresseerde in persoon"),
        "{text}"
    );
    // Served in a closed envelope (art. 47 Rv): left with nobody, and the writ says so.
    envelope.by_envelope = true;
    envelope.left_with = Some("in de brievenbus".into());
    let text = rendered_text(&DocumentData::JudgmentService(envelope));
    assert!(
        text.contains("in een gesloten envelop achterlatende (art. 47 Rv)"),
        "{text}"
    );
    assert!(!text.contains("latende aan: in de brievenbus"), "{text}");
}

fn statement(insolvency: Option<Insolvency>) -> FinalStatement {
    FinalStatement::build(
        &Office::example(),
        &client(),
        &consumer_case(),
        FinalStatementInput {
            drafted_on: d("2026-09-01"),
            close_reason: "betaald".into(),
            principal: m("1334.51"),
            interest: m("40.12"),
            collection_costs: m("242.22"),
            legal_costs: m("900.00"),
            receipts: vec![
                Receipt {
                    received_on: d("2026-08-01"),
                    amount: m("1000.00"),
                    description: "bankbeslag".into(),
                },
                Receipt {
                    received_on: d("2026-08-15"),
                    amount: m("500.00"),
                    description: "betaling debiteur".into(),
                },
            ],
            received_by_client: Money::ZERO,
            retained: Money::ZERO,
            charged_to_client: Money::ZERO,
            refunded: Money::ZERO,
            payouts: vec![Payout {
                paid_on: d("2026-08-20"),
                amount: m("1200.00"),
                description: "afdracht".into(),
            }],
            insolvency,
        },
    )
    .expect("statement")
}

#[test]
fn final_statement_adds_up() {
    // The office keeps the costs it received and refunds an overpayment: the client is
    // owed the rest, less what was paid out already.
    let mut kept = statement(None);
    kept = FinalStatement::build(
        &Office::example(),
        &client(),
        &consumer_case(),
        FinalStatementInput {
            drafted_on: kept.drafted_on,
            close_reason: kept.close_reason.clone(),
            principal: kept.principal,
            interest: kept.interest,
            collection_costs: kept.collection_costs,
            legal_costs: kept.legal_costs,
            receipts: kept.receipts.clone(),
            received_by_client: m("0"),
            retained: m("150.00"),
            charged_to_client: m("0"),
            refunded: m("30.00"),
            payouts: Vec::new(),
            insolvency: None,
        },
    )
    .expect("statement");
    // 1,500.00 − 150.00 − 30.00 = 1,320.00, nothing paid out yet.
    assert_eq!(kept.held, m("1320.00"));
    assert_eq!(kept.owed_by_client, m("0"));
    let text = rendered_text(&DocumentData::FinalStatement(kept));
    assert_contains_all(
        &text,
        &[
            "Kosten, door kantoor ingehouden € 150,00",
            "Te veel betaald, terug aan de debiteur € 30,00",
            "Ontvangen, nog aan u af te dragen € 1.320,00",
        ],
    );
    // The bank took the only payment back after it was paid out: nothing received, the
    // client owes the payout back; once a later run charged it back (a negative payout),
    // nothing.
    let storno = |payouts: Vec<Payout>| {
        FinalStatement::build(
            &Office::example(),
            &client(),
            &consumer_case(),
            FinalStatementInput {
                drafted_on: d("2026-09-01"),
                close_reason: "betaald".into(),
                principal: m("1000.00"),
                interest: m("0"),
                collection_costs: m("0"),
                legal_costs: m("0"),
                receipts: Vec::new(),
                received_by_client: m("0"),
                retained: m("0"),
                charged_to_client: m("0"),
                refunded: m("0"),
                payouts,
                insolvency: None,
            },
        )
        .expect("a statement after a storno")
    };
    let paid_out = Payout {
        paid_on: d("2026-08-01"),
        amount: m("1000.00"),
        description: "afdracht".into(),
    };
    let owes = storno(vec![paid_out.clone()]);
    assert_eq!((owes.held, owes.owed_by_client), (m("0"), m("1000.00")));
    let settled = storno(vec![
        paid_out,
        Payout {
            paid_on: d("2026-09-01"),
            amount: m("-1000.00"),
            description: "verrekend".into(),
        },
    ]);
    assert_eq!((settled.held, settled.owed_by_client), (m("0"), m("0")));
    let s = statement(None);
    // 1.334,51 + 40,12 + 242,22 + 900,00 = 2.516,85; received 1.500,00; paid out
    // 1.200,00; outstanding 1.016,85; held 300,00.
    assert_eq!(s.claim_total, m("2516.85"));
    assert_eq!(s.outstanding, m("1016.85"));
    assert_eq!(s.held, m("300.00"));
    let text = rendered_text(&DocumentData::FinalStatement(s));
    assert_contains_all(
        &text,
        &[
            "Betreft: eindafrekening dossier 5000 0567 8901 2345 — J. de Vries",
            "Geachte opdrachtgever",
            "Reden: betaald",
            "Hoofdsom € 1.334,51",
            "Rente € 40,12",
            "Buitengerechtelijke incassokosten € 242,22",
            "Proces- en executiekosten € 900,00",
            "Totaal vordering € 2.516,85",
            "1 augustus 2026 bankbeslag € 1.000,00",
            "15 augustus 2026 betaling debiteur € 500,00",
            "Totaal ontvangen € 1.500,00",
            "20 augustus 2026 afdracht € 1.200,00",
            "Totaal afgedragen € 1.200,00",
            "Nog openstaand bij de debiteur € 1.016,85",
            "Ontvangen, nog aan u af te dragen € 300,00",
        ],
    );
    assert!(
        !text.contains("curator"),
        "no insolvency advice without insolvency"
    );

    let bankrupt = statement(Some(Insolvency {
        kind: "faillissement".into(),
        administrator: "mr. A. Curatorsma".into(),
        administrator_address: "Maliebaan 1, 3581 CA Utrecht".into(),
        case_number: "C/16/26/123 F".into(),
    }));
    let text = rendered_text(&DocumentData::FinalStatement(bankrupt));
    assert_contains_all(
        &text,
        &[
            "faillissement",
            "C/16/26/123 F",
            "ter verificatie in te dienen bij de curator/bewindvoerder: mr. A. Curatorsma",
            "art. 29 Wet op de omzetbelasting 1968",
        ],
    );
}

#[test]
fn rendering_is_deterministic_and_checks_the_kind() {
    let data = DocumentData::FourteenDayLetter(letter());
    let a = render(DocumentKind::FourteenDayLetter, &data).expect("renders");
    let b = render(DocumentKind::FourteenDayLetter, &data).expect("renders");
    assert_eq!(a, b, "the same data renders to the same bytes");
    assert_eq!(a.sha256, exploot::digest::sha256_hex(&a.bytes));
    assert_eq!(a.template_version, "fourteen_day_letter/1");
    // Stored data reads back into the same document.
    let json = data.to_json();
    let back = DocumentData::from_json(DocumentKind::FourteenDayLetter, &json).expect("reads");
    assert_eq!(back, data);
    assert!(matches!(
        render(DocumentKind::Summons, &data),
        Err(RenderError::KindMismatch { .. })
    ));
}

async fn stored_letter_streams_with_its_sha256(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let created = server
        .cases()
        .create_case(consumer_claim("acme", "DOS-DOC"))
        .await
        .expect("CreateCase")
        .into_inner();

    // The track's side: an App over the same database renders and stores the letter.
    let store = Store::open(&db.url, 2).expect("store");
    let clock = ManualClock::new(crate::harness::server::default_start());
    let app = App::new(store, Arc::new(clock.clone()) as Arc<dyn Clock>);
    let office = exploot::workflow::Principal {
        token_id: "test".into(),
        role: exploot::workflow::Role::Admin,
        client_id: None,
    };
    let case = app
        .get_case(&office, created.id.clone())
        .await
        .expect("case");
    let data = DocumentData::FourteenDayLetter(
        FourteenDayLetter::build(
            &Office::example(),
            &client(),
            &case,
            d("2026-05-04"),
            2,
            &[],
        )
        .expect("letter"),
    );
    let stored = app
        .store_document(
            case.id.clone(),
            DocumentKind::FourteenDayLetter,
            data.clone(),
            Actor("test".into()),
        )
        .await
        .expect("stored");
    let again = app
        .store_document(
            case.id.clone(),
            DocumentKind::FourteenDayLetter,
            data.clone(),
            Actor("test".into()),
        )
        .await
        .expect("stored again");
    assert_eq!(
        again, stored,
        "{}: same case, kind and data: same document",
        db.backend
    );

    let mut stream = server
        .documents()
        .get_document(pb::GetDocumentRequest {
            document_id: stored.id.clone(),
        })
        .await
        .expect("GetDocument")
        .into_inner();
    let mut bytes = Vec::new();
    let mut first = None;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("chunk");
        assert_eq!(chunk.offset, i64::try_from(bytes.len()).unwrap_or(-1));
        if first.is_none() {
            first = Some(
                chunk
                    .document
                    .clone()
                    .expect("the first chunk has the metadata"),
            );
        } else {
            assert!(chunk.document.is_none());
        }
        bytes.extend_from_slice(&chunk.data);
    }
    let meta = first.expect("at least one chunk");
    assert_eq!(meta.sha256, stored.sha256);
    assert_eq!(
        exploot::digest::sha256_hex(&bytes),
        stored.sha256,
        "{}: streamed bytes hash to the stored SHA-256",
        db.backend
    );
    assert_eq!(meta.size_bytes, i64::try_from(bytes.len()).unwrap_or(-1));
    assert_eq!(meta.kind, "fourteen_day_letter");
    assert_eq!(meta.media_type, "application/pdf");
    assert_eq!(meta.template_version, "fourteen_day_letter/1");
    assert_eq!(meta.case_id, case.id);
    assert!(
        pdf_text(&bytes)
            .contains("binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd")
    );

    // Re-rendering the stored data gives the stored bytes: the dossier can be audited.
    let reread = app.document_data(stored.id.clone()).await.expect("data");
    assert_eq!(
        render(DocumentKind::FourteenDayLetter, &reread)
            .expect("renders")
            .sha256,
        stored.sha256
    );

    // A second document, then the list in pages of one.
    let plan = DocumentData::PaymentPlan(
        PaymentPlanConfirmation::build(
            &Office::example(),
            &client(),
            &case,
            d("2026-05-04"),
            None,
            2,
            &[],
            &[(d("2026-05-15"), m("1334.51"))],
            7,
        )
        .expect("plan"),
    );
    clock.set(crate::harness::server::default_start() + chrono::Duration::seconds(1));
    app.store_document(
        case.id.clone(),
        DocumentKind::PaymentPlan,
        plan,
        Actor("test".into()),
    )
    .await
    .expect("plan stored");
    let page = |token: String| {
        let mut client = server.documents();
        let case_id = case.id.clone();
        async move {
            client
                .list_documents(pb::ListDocumentsRequest {
                    case_id,
                    page_size: 1,
                    page_token: token,
                })
                .await
                .expect("ListDocuments")
                .into_inner()
        }
    };
    let one = page(String::new()).await;
    assert_eq!(one.documents.len(), 1);
    assert_eq!(one.documents[0].id, stored.id);
    assert!(!one.next_page_token.is_empty());
    let two = page(one.next_page_token).await;
    assert_eq!(two.documents.len(), 1);
    assert_eq!(two.documents[0].kind, "payment_plan");
    assert!(
        two.next_page_token.is_empty(),
        "{}: two documents, two pages",
        db.backend
    );

    let unknown = server
        .documents()
        .get_document(pb::GetDocumentRequest {
            document_id: "no-such-document".into(),
        })
        .await;
    assert_eq!(unknown.err().map(|s| s.code()), Some(Code::NotFound));
    let no_case = server
        .documents()
        .list_documents(pb::ListDocumentsRequest {
            case_id: "no-such-case".into(),
            ..Default::default()
        })
        .await;
    assert_eq!(no_case.err().map(|s| s.code()), Some(Code::NotFound));
    let empty = server
        .documents()
        .list_documents(pb::ListDocumentsRequest::default())
        .await;
    assert_eq!(empty.err().map(|s| s.code()), Some(Code::InvalidArgument));
    server.stop().await;
}
on_both_backends!(stored_letter_streams_with_its_sha256);
