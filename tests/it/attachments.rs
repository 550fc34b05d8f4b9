//! The attachment writs (issue 16): the exploot van derdenbeslag under a bank and under an
//! employer, its overbetekening to the debtor and its opheffing, each read back with
//! `pdftotext` and checked for the mandatory elements of art. 45 lid 3 Rv — the date, the
//! requesting party (with its chosen domicile), the bailiff and his office, the addressee
//! and to whom the copy was left — and the figures of the year of the act.

use chrono::NaiveDate;
use exploot::documents::{
    AttachmentNotice, DocumentData, EnforceableTitle, Garnishment, GarnishmentInput,
    GarnishmentKind, Office, Party, Release, ReleaseReason, render, samples,
};
use exploot::law::money::Money;
use exploot::law::protected_income::{Debtor, LivingSituation, protected_income};

use exploot::proto as pb;

use crate::documents::pdf_text;
use crate::harness::fixtures::{advance_to, at, get_case as get};
use crate::harness::walk::{
    complete_with, create_case, events, open_task, open_tasks, put_recording_client,
    to_the_judgment,
};
use crate::harness::{TestDb, TestServer, bad_fields, fixtures, on_both_backends};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn m(s: &str) -> Money {
    Money::parse(s).expect("amount")
}

#[track_caller]
fn assert_contains_all(text: &str, expected: &[&str]) {
    let missing: Vec<&&str> = expected.iter().filter(|e| !text.contains(**e)).collect();
    assert!(missing.is_empty(), "missing {missing:?} in:\n{text}");
}

fn text_of(data: DocumentData) -> String {
    let rendered = render(data.kind(), &data).expect("renders");
    pdf_text(&rendered.bytes)
}

/// What every writ of the sample office for Acme against J. de Vries shows (art. 45 lid 3
/// sub b–c Rv): the requesting party with its domicile, the bailiff and his office.
const PARTIES_AND_BAILIFF: [&str; 3] = [
    "ten verzoeke van Acme Energie B.V., Stationsplein 1, 1012 AB Amsterdam (KvK 68750110), die voor deze zaak en voor de executie woonplaats kiest ten kantore van de hierna genoemde gerechtsdeurwaarder",
    "heb ik, mr. P.J. van Dijk, gerechtsdeurwaarder, kantoorhoudende te Utrecht aan Oudegracht 100, 3511 AX Utrecht",
    "mr. P.J. van Dijk, gerechtsdeurwaarder",
];

/// The bank attachment of the samples, laid Mon 20 July 2026 for what the served judgment
/// demanded (€ 2.596,66, the judgment writ's total): Btag 2026 art. 2i € 260,68, VAT 21 %
/// = 54.7428 → € 54,74 (Acme cannot deduct VAT); laid for 2.596,66 + 260,68 + 54,74 =
/// € 2.912,08. The statement is due four weeks on, Mon 17 August 2026 (art. 476a Rv). The
/// notice, served Thu 23 July (within the eight days that end Tue 28 July, art. 475i Rv):
/// Btag art. 2d € 90,11 + VAT 18.9231 → € 18,92 = € 109,03. The release on 31 August 2026
/// costs nothing.
#[test]
fn attachment_writs_carry_the_elements_of_art_45_rv() {
    let attachment = samples::garnishment().expect("sample attachment");
    assert_eq!(attachment.amount_claimed, m("2596.66"));
    assert_eq!(
        (attachment.fee, attachment.fee_vat, attachment.total),
        (m("260.68"), m("54.74"), m("2912.08"))
    );
    assert_eq!(attachment.statement_due, d("2026-08-17"));
    let bank = "ING Bank N.V., Bijlmerdreef 106, 1102 CT Amsterdam (KvK 33031431)";
    let text = text_of(DocumentData::Garnishment(attachment.clone()));
    assert_contains_all(&text, &PARTIES_AND_BAILIFF);
    assert_contains_all(
        &text,
        &[
            "EXPLOOT VAN EXECUTORIAAL DERDENBESLAG",
            "Heden, 20 juli 2026",
            &format!(
                "BETEKEND AAN: {bank}, aldaar mijn exploot doende en een afschrift hiervan latende aan: mevrouw S. de Boer, medewerker beslagzaken van de bank"
            ),
            "J. de Vries, Kerkstraat 12, 3511 LK Utrecht als gedaagde partij",
            "17 juni 2026, zaaknummer 11223344 CV EXPL 26-1234",
            "betekend op 6 juli 2026",
            "Kosten van dit exploot (Btag art. 2i) € 260,68",
            "€ 54,74",
            "Totaal waarvoor beslag is gelegd € 2.912,08",
            "onder zich te houden",
            "Zodra vier weken na heden zijn verstreken, dat is na afloop van maandag 17 augustus 2026",
            "art. 476a Rv",
        ],
    );

    let office = Office::example();
    let client = samples::client();
    let case = samples::consumer_case();
    let notice = AttachmentNotice::build(
        &office,
        &client,
        &case,
        &attachment,
        d("2026-07-23"),
        String::new(),
        None,
    )
    .expect("notice");
    assert_eq!((notice.fee, notice.fee_vat), (m("90.11"), m("18.92")));
    let text = text_of(DocumentData::AttachmentNotice(notice));
    assert_contains_all(&text, &PARTIES_AND_BAILIFF);
    assert_contains_all(
        &text,
        &[
            "OVERBETEKENING VAN DERDENBESLAG",
            "Heden, 23 juli 2026",
            // Not yet recorded: a line for the bailiff to fill in.
            "BETEKEND AAN: J. de Vries, Kerkstraat 12, 3511 LK Utrecht, aldaar mijn exploot doende en een afschrift hiervan latende aan: ......",
            &format!("derdenbeslag van 20 juli 2026, gelegd onder {bank}"),
            "voor een bedrag van € 2.912,08",
            "Kosten van dit exploot (Btag art. 2d) € 90,11",
            "Kosten van deze betekening € 109,03",
            "uiterlijk op 28 juli 2026 (art. 475i Rv)",
        ],
    );
    // After the eighth day the attachment still stands (the court may lift it at the
    // debtor's request, art. 475i Rv): the notice is served and says the term has passed.
    let late = AttachmentNotice::build(
        &office,
        &client,
        &case,
        &attachment,
        d("2026-07-29"),
        String::new(),
        None,
    )
    .expect("late, but served");
    let text = text_of(DocumentData::AttachmentNotice(late));
    assert_contains_all(
        &text,
        &[
            "De termijn van acht dagen na de beslaglegging eindigde op 28 juli 2026",
            "voorzieningenrechter vragen het beslag op te heffen",
        ],
    );
    let before = AttachmentNotice::build(
        &office,
        &client,
        &case,
        &attachment,
        d("2026-07-19"),
        String::new(),
        None,
    )
    .expect_err("before the attachment");
    assert!(before.to_string().contains("2026-07-20"), "{before}");

    let release = Release::build(
        &office,
        &client,
        &case,
        &attachment,
        d("2026-08-31"),
        ReleaseReason::Paid,
        Some("de heer K. Jansen, medewerker beslagzaken".into()),
    )
    .expect("release");
    let text = text_of(DocumentData::Release(release));
    assert_contains_all(&text, &PARTIES_AND_BAILIFF);
    assert_contains_all(
        &text,
        &[
            "OPHEFFING VAN DERDENBESLAG",
            "Heden, 31 augustus 2026",
            &format!(
                "BETEKEND AAN: {bank}, aldaar mijn exploot doende en een afschrift hiervan latende aan: de heer K. Jansen, medewerker beslagzaken"
            ),
            "op 20 juli 2026 onder haar is gelegd ten laste van J. de Vries",
            "is opgeheven, omdat de vordering volledig is voldaan",
            "geen kosten",
        ],
    );
}

/// A wage attachment under an employer on Mon 1 September 2025, with the protected income
/// of a single debtor earning € 1.200,00 net a month: at or below the single norm of
/// 1 July 2025 (€ 1.369,06, VERIFIED), so 95 % of the income = € 1.140,00 stays free, and
/// the employer pays € 60,00 a month. Btag 2025 art. 2j € 175,83 (UNVERIFIED,
/// back-calculated from 2026), VAT 21 % = 36.9243 → € 36,92.
#[test]
fn a_wage_attachment_states_the_protected_income() {
    let protected = protected_income(
        &Debtor {
            situation: LivingSituation::Single,
            net_monthly_income: m("1200.00"),
            taxable_annual_income: None,
            no_fixed_address: false,
        },
        d("2025-09-01"),
    )
    .expect("low income, verified norm");
    assert_eq!(protected.amount, m("1140.00"));
    let office = Office::example();
    let client = samples::client();
    let case = samples::consumer_case();
    let attachment = Garnishment::build(
        &office,
        &client,
        &case,
        GarnishmentInput {
            laid_on: d("2025-09-01"),
            kind: GarnishmentKind::Wages,
            garnishee: Party {
                name: "Zorggroep Utrecht B.V.".into(),
                street: "Catharijnesingel 10".into(),
                postcode: "3511 GB".into(),
                city: "Utrecht".into(),
                country: "NL".into(),
                kvk_number: String::new(),
            },
            title: EnforceableTitle {
                court: "Rechtbank Midden-Nederland".into(),
                judgment_on: d("2025-07-16"),
                court_case_number: "11223344 CV EXPL 25-999".into(),
                served_on: d("2025-08-04"),
            },
            amount_claimed: m("1000.00"),
            protected_income: Some(protected.amount),
            left_with: Some("mevrouw A. Smit, salarisadministratie".into()),
        },
    )
    .expect("wage attachment");
    assert_eq!(
        (attachment.fee, attachment.fee_vat),
        (m("175.83"), m("36.92"))
    );
    assert_eq!(attachment.total, m("1212.75"));
    let text = text_of(DocumentData::Garnishment(attachment.clone()));
    assert_contains_all(
        &text,
        &[
            "Heden, 1 september 2025",
            "BETEKEND AAN: Zorggroep Utrecht B.V., Catharijnesingel 10, 3511 GB Utrecht, aldaar mijn exploot doende en een afschrift hiervan latende aan: mevrouw A. Smit, salarisadministratie",
            "op het loon, de uitkering of andere periodieke betalingen",
            "Kosten van dit exploot (Btag art. 2j) € 175,83",
            "ten minste € 1.140,00 (beslagvrije voet, art. 475da Rv)",
        ],
    );
    let notice = AttachmentNotice::build(
        &office,
        &client,
        &case,
        &attachment,
        d("2025-09-04"),
        protected.explanation.clone(),
        Some("de geadresseerde in persoon".into()),
    )
    .expect("notice");
    let text = text_of(DocumentData::AttachmentNotice(notice));
    assert_contains_all(
        &text,
        &[
            "Uw beslagvrije voet",
            "per maand € 1.140,00 vrij van beslag",
            "laag inkomen: het netto inkomen € 1.200,00 is niet hoger dan de norm € 1.369,06: 95 % van het inkomen = € 1.140,00",
            "latende aan: de geadresseerde in persoon",
        ],
    );
    // An attachment before the judgment was served is refused (art. 430 lid 3 Rv).
    let early = Garnishment::build(
        &office,
        &client,
        &case,
        GarnishmentInput {
            laid_on: d("2025-08-01"),
            ..GarnishmentInput {
                laid_on: attachment.laid_on,
                kind: GarnishmentKind::Bank,
                garnishee: attachment.garnishee.clone(),
                title: attachment.title.clone(),
                amount_claimed: m("1.00"),
                protected_income: None,
                left_with: None,
            }
        },
    );
    assert!(early.is_err());
}

// ---------------------------------------------------------------------------------------
// Service (betekening) as a record, through the API on the manual clock
// ---------------------------------------------------------------------------------------

/// Done when 1 and 5 (issue 16): a dagvaarding not served, then served at the new address
/// a week later; the hearing follows the real service; bad values are named one by one.
///
/// The claim of `track.rs`: consumer J. de Vries, € 1.825,00 due 31 March 2026. The
/// letter of 4 May runs out on 21 May; on Fri 22 May the dagvaarding is drafted for
/// service on Tue 26 May (Mon 25 May is Whit Monday), hearing Wed 3 June (26 May + 7 =
/// Tue 2 June, the hearing the day after: art. 114/119 Rv). Btag 2026 art. 2a € 125,57 +
/// 21 % VAT 26,37 = € 151,94 (the client cannot deduct VAT).
///
/// - Tue 26 May: the bailiff finds the debtor moved (costs of the journey stated: € 25,00):
///   a `service_failed` task; the new address Nieuwegracht 7, 3512 LB Utrecht; the next
///   attempt planned on the next working day, Wed 27 May.
/// - Served there a week after the first attempt, Tue 2 June, to a housemate: the
///   drafted hearing of 3 June would leave only a day, so the hearing follows the real
///   service: 2 June + 7 = Tue 9 June, the hearing the day after, Wed 10 June. The fee is
///   that of 2 June: € 151,94 again.
/// - The audit: two `service_due`, a `service_failed` with `attempt_costs` 25.00, the
///   `service_address_changed` with both addresses, and `summons_served` with the fee
///   151.94 and the hearing date.
/// - The failed attempt's € 25,00 has no Btag tariff, so the debtor does not owe it: it is
///   the client's cost (`Case.client_costs`), deducted on the client's payout.
async fn a_summons_not_served_then_served_at_the_new_address(db: TestDb) {
    let server = TestServer::start_at(&db, at("2026-05-04T08:00:00Z")).await;
    put_recording_client(&server).await;
    let id = create_case(&server, "SERVICE-1").await;
    advance_to(&server, "2026-05-22T08:00:00Z").await;
    let s = get(&server, &id).await.summons.expect("drafted");
    assert_eq!(
        [&s.planned_service_on, &s.hearing_date, &s.bailiff_fee],
        ["2026-05-26", "2026-06-03", "151.94"]
    );
    let approval = open_task(&server, &id, "summons_approval").await;
    complete_with(&server, &approval, "approve", &[])
        .await
        .expect("approve");

    // Tue 26 May: the planned day asks for the record; nothing is assumed served.
    advance_to(&server, "2026-05-26T08:00:00Z").await;
    let first = open_task(&server, &id, "service").await;
    assert_eq!(
        first.outcomes,
        [
            "in_person",
            "housemate",
            "closed_envelope",
            "domicile",
            "not_served"
        ]
    );
    assert_eq!(get(&server, &id).await.summons.unwrap().served_on, "");

    // Bad values, each named; nothing stored (the task stays open).
    let bad = complete_with(
        &server,
        &first,
        "housemate",
        &[("served_on", "2026-05-20"), ("costs", "-5.00")],
    )
    .await
    .expect_err("bad values");
    assert_eq!(bad.code(), tonic::Code::InvalidArgument, "{bad:?}");
    assert_eq!(
        bad_fields(&bad),
        [
            "values[\"costs\"]",
            "values[\"left_with\"]",
            "values[\"served_on\"]"
        ]
    );
    let unknown = complete_with(&server, &first, "posted", &[])
        .await
        .expect_err("unknown outcome");
    assert_eq!(unknown.code(), tonic::Code::InvalidArgument);
    assert_eq!(bad_fields(&unknown), ["outcome"]);
    assert_eq!(open_task(&server, &id, "service").await.id, first.id);

    complete_with(
        &server,
        &first,
        "not_served",
        &[
            ("attempted_on", "2026-05-26"),
            ("found", "moved"),
            ("remarks", "buren: verhuisd naar de Nieuwegracht"),
            ("costs", "25.00"),
        ],
    )
    .await
    .expect("not served");
    let failed = open_task(&server, &id, "service_failed").await;
    assert_eq!(failed.outcomes, ["new_address", "replan", "stop"]);
    complete_with(
        &server,
        &failed,
        "new_address",
        &[
            ("street", "Nieuwegracht 7"),
            ("postcode", "3512lb"),
            ("city", "Utrecht"),
        ],
    )
    .await
    .expect("new address");
    assert_eq!(
        get(&server, &id).await.summons.unwrap().planned_service_on,
        "2026-05-27"
    );

    // Wed 27 May: the second attempt is asked for, at the new address; served Tue 2 June.
    advance_to(&server, "2026-05-27T08:00:00Z").await;
    let second = open_task(&server, &id, "service").await;
    assert_ne!(second.id, first.id);
    advance_to(&server, "2026-06-02T08:00:00Z").await;
    complete_with(
        &server,
        &second,
        "housemate",
        &[
            ("served_on", "2026-06-02"),
            ("left_with", "mevrouw A. de Vries-Smit, echtgenote"),
        ],
    )
    .await
    .expect("served");
    let s = get(&server, &id).await.summons.unwrap();
    assert_eq!(
        [&s.served_on, &s.hearing_date, &s.bailiff_fee],
        ["2026-06-02", "2026-06-10", "151.94"]
    );
    // Filed with the registry by the last day it is open before the roldatum, Tue 9 June
    // (art. 125 lid 2 Rv; `hearing.rs` has the rest of the court side).
    let enrol = open_task(&server, &id, "enrol").await;
    assert_eq!(enrol.due_on, "2026-06-09");
    complete_with(&server, &enrol, "filed", &[("filed_on", "2026-06-02")])
        .await
        .expect("filed");
    // The hearing comes on its new date, not the drafted one.
    advance_to(&server, "2026-06-09T08:00:00Z").await;
    assert_eq!(get(&server, &id).await.stage, pb::Stage::Summons as i32);
    advance_to(&server, "2026-06-10T08:00:00Z").await;
    let hearing = open_task(&server, &id, "hearing").await;
    complete_with(&server, &hearing, "default", &[])
        .await
        .expect("verstek");
    assert_eq!(get(&server, &id).await.stage, pb::Stage::Judgment as i32);

    let audit = events(&server, &db, &id).await;
    let of = |kind: &str| -> Vec<&serde_json::Value> {
        audit
            .iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, p)| p)
            .collect()
    };
    assert_eq!(of("service_due").len(), 2, "{audit:?}");
    let failed = of("service_failed");
    assert_eq!(failed[0]["amounts"]["attempt_costs"], "25.00");
    assert_eq!(failed[0]["service"]["found"], "moved");
    assert_eq!(
        failed[0]["service"]["address"],
        "Kerkstraat 12, 3511 LK Utrecht"
    );
    let moved = of("service_address_changed");
    assert_eq!(moved[0]["new_address"]["postcode"], "3512 LB");
    let served = of("summons_served");
    assert_eq!(served.len(), 1);
    assert_eq!(served[0]["amounts"]["bailiff_fee"], "151.94");
    assert_eq!(served[0]["hearing_date"], "2026-06-10");
    assert_eq!(served[0]["service"]["attempt"], 2);
    assert_eq!(
        served[0]["service"]["address"],
        "Nieuwegracht 7, 3512 LB Utrecht"
    );
    // Both attempts with their costs: the failed one's € 25,00, the served one's none.
    assert_eq!(failed[0]["service"]["attempt"], 1);
    assert_eq!(failed[0]["service"]["costs_cents"], 2500);
    assert_eq!(served[0]["amounts"]["attempt_costs"], "0.00");

    // The failed attempt is the client's cost, not the debtor's: on the case, but not in
    // what the debtor owes on 10 June — 1.825,00 + interest 1 April – 10 June, 71 days ×
    // 0,20 = 14,20 + collection costs 331,24 = 2.170,44, no legal costs yet.
    let case = get(&server, &id).await;
    assert_eq!(case.client_costs, "25.00");
    let q = crate::track::quote(&server, &id, "2026-06-10").await;
    assert_eq!(
        [&q.interest, &q.legal_costs, &q.total_due],
        ["14.20", "0.00", "2170.44"]
    );
    // The debtor pays € 100,00 on 10 June: all to the collection costs (art. 6:44 BW), so
    // nothing is the client's; the payout run of that day takes the € 25,00 from the
    // client: to the office 100,00 + 25,00 = 125,00, invoiced 25,00, transferred nothing.
    record(&server, &id, "debtor-1", "2026-06-10", "100.00", 0)
        .await
        .expect("RecordPayment");
    let run = crate::bank::run(&server, "2026-06-10").await;
    let payout = &run.payouts[0];
    assert_eq!(
        [
            &payout.received,
            &payout.to_client,
            &payout.to_office,
            &payout.invoiced,
            &payout.amount
        ],
        ["100.00", "0.00", "125.00", "25.00", "0.00"]
    );
    let csv = server
        .payouts()
        .get_payout_statement(pb::GetPayoutStatementRequest {
            payout_id: payout.id.clone(),
            format: pb::get_payout_statement_request::Format::Csv.into(),
        })
        .await
        .expect("statement CSV")
        .into_inner();
    let csv = String::from_utf8(csv.content).expect("UTF-8");
    assert!(
        csv.lines().any(|l| l.contains(&format!(
            "{id}/service:summons-1,2026-05-26,0.00,-25.00,25.00"
        ))),
        "{csv}"
    );
    // A second run charges it no more.
    let again = crate::bank::run(&server, "2026-06-10").await;
    assert!(again.payouts.is_empty(), "{again:?}");
    server.stop().await;
}

on_both_backends!(a_summons_not_served_then_served_at_the_new_address);

// ---------------------------------------------------------------------------------------
// The insolvency register again before every execution act
// ---------------------------------------------------------------------------------------

/// A bankruptcy of the fixture consumer J. de Vries (born 29 February 1980), pronounced on
/// 19 June 2026: the WSNP fixture of the register, made a faillissement of this debtor.
fn bankruptcy_of_de_vries() -> exploot::registry::fixture::InsolvencyFixture {
    let mut case = exploot::registry::fixture::Fixtures::embedded()
        .insolvency
        .into_iter()
        .find(|f| f.surname.as_deref() == Some("Vries"))
        .expect("the WSNP fixture");
    let kenmerk = "16.mne.26.140.F.1300.1.00";
    case.date_of_birth = Some(chrono::NaiveDate::from_ymd_opt(1980, 2, 29).expect("date"));
    case.publicatie_kenmerken = vec![kenmerk.into()];
    case.insolvente = case
        .insolvente
        .replace("R.13/25/88", "F.16/26/140")
        .replace("13.ams.25.88.R.2301.1.00", kenmerk)
        .replace("1975-03-14", "1980-02-29")
        .replace("Pieter", "Jan")
        .replace("2025-09-01", "2026-06-19")
        .replace("2025-09-02", "2026-06-19")
        .replace(
            "Uitspraak schuldsanering op 1 september 2025",
            "Uitspraak faillissement op 19 juni 2026",
        );
    case
}

/// Done when 4 (issue 16): a bankruptcy published between the judgment and the attachment
/// stops the attachment and the case.
///
/// The walk of `track.rs`'s executed consumer: summons drafted 22 May 2026, served Tue 26
/// May, hearing Wed 3 June, default judgment of Wed 17 June. Thu 18 June, the service day
/// of the judgment: the insolvency register is asked first — nothing — and the judgment is
/// served (the order to pay ends Mon 22 June). On 19 June the debtor is declared bankrupt
/// (F.16/26/140). Tue 23 June, before the first attachment: the register is asked again,
/// finds the bankruptcy, and the case closes as uncollectable (art. 33 Fw) with the
/// advice to file the claim with the curator, without an attachment task. The register
/// was searched three times for the debtor: the recoverability check, before the service,
/// before the attachment.
async fn a_bankruptcy_after_the_judgment_stops_the_attachment(db: TestDb) {
    use exploot::registry::{CirConfig, Registers};

    use crate::harness::fake_registers::{CIR_PASSWORD, CIR_USER, FakeRegister};

    let cir = FakeRegister::insolvency().await;
    let registers = Registers {
        insolvency: Some(CirConfig {
            url: cir.cir_url(),
            username: CIR_USER.into(),
            password: CIR_PASSWORD.into(),
        }),
        ..Registers::default()
    };
    let server = TestServer::start_with(&db, at("2026-05-04T08:00:00Z"), registers).await;
    let id = to_the_judgment(&server, "BANKRUPT-1").await;
    advance_to(&server, "2026-06-18T08:00:00Z").await;
    let case = get(&server, &id).await;
    assert_eq!(case.judgment.unwrap().served_on, "2026-06-18");
    let searches = || {
        cir.requests()
            .iter()
            .filter(|r| r.body.contains("searchNaturalPerson"))
            .count()
    };
    assert_eq!(
        searches(),
        2,
        "the recoverability check and before the service"
    );

    cir.publish(bankruptcy_of_de_vries());
    advance_to(&server, "2026-06-23T08:00:00Z").await;
    assert_eq!(searches(), 3, "asked again before the attachment");
    let case = get(&server, &id).await;
    assert_eq!(case.stage, pb::Stage::Closed as i32);
    assert_eq!(case.close_reason, pb::CloseReason::Uncollectable as i32);
    let open = open_tasks(&server, &id).await;
    assert!(open.is_empty(), "no attachment task: {open:?}");
    let audit = events(&server, &db, &id).await;
    let kinds: Vec<&str> = audit.iter().map(|(k, _)| k.as_str()).collect();
    assert!(!kinds.contains(&"attachment_due"), "{kinds:?}");
    let (_, stop) = audit
        .iter()
        .find(|(k, _)| k == "insolvency_stop")
        .expect("insolvency_stop");
    assert_eq!(stop["verdict"]["insolvency_number"], "F.16/26/140");
    let advice = stop["statement"]["advice"].to_string();
    assert!(advice.contains("F.16/26/140"), "{advice}");
    server.stop().await;
}

on_both_backends!(a_bankruptcy_after_the_judgment_stops_the_attachment);

// ---------------------------------------------------------------------------------------
// A wage attachment as a record: garnishee, protected income, statement, payments, release
// ---------------------------------------------------------------------------------------

/// RecordPayment of `amount` paid on `on`, against `attachment` (0: none).
async fn record(
    server: &TestServer,
    id: &str,
    request_id: &str,
    on: &str,
    amount: &str,
    attachment: u32,
) -> Result<pb::RecordPaymentResponse, tonic::Status> {
    server
        .cases()
        .record_payment(pb::RecordPaymentRequest {
            case_id: id.into(),
            request_id: request_id.into(),
            payment: Some(pb::Payment {
                paid_on: on.into(),
                amount: amount.into(),
                reference: "loonbeslag Zorggroep Utrecht".into(),
                attachment,
                ..Default::default()
            }),
        })
        .await
        .map(tonic::Response::into_inner)
}

/// The employer pays over under attachment 2 (the wage attachment).
async fn pay(
    server: &TestServer,
    id: &str,
    n: u32,
    on: &str,
    amount: &str,
) -> pb::RecordPaymentResponse {
    record(server, id, &format!("loonbeslag-{n}"), on, amount, 2)
        .await
        .expect("RecordPayment")
}

/// A day statement of the office's third-party account with one credit: `amount` from
/// `payer` on `on`, quoting the case's payment `reference` as a structured reference.
fn statement_with_one_credit(payer: &str, reference: &str, on: &str, amount: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>053D{day}</MsgId><CreDtTm>{on}T22:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>00002/{on}</Id>
      <CreDtTm>{on}T22:00:00</CreDtTm>
      <Acct><Id><IBAN>NL20INGB0001234567</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Ntry>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>{on}</Dt></BookgDt>
        <ValDt><Dt>{on}</Dt></ValDt>
        <AcctSvcrRef>{day}00000042</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>LOON-{day}</EndToEndId></Refs>
            <AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>
            <RltdPties>
              <Dbtr><Nm>{payer}</Nm></Dbtr>
              <DbtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></DbtrAcct>
            </RltdPties>
            <RmtInf>
              <Strd>
                <CdtrRefInf>
                  <Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr></Tp>
                  <Ref>{reference}</Ref>
                </CdtrRefInf>
              </Strd>
            </RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"#,
        day = on.replace('-', "")
    )
}

/// Imports `xml` as a bank statement.
async fn import_statement(server: &TestServer, xml: &str) -> pb::ImportBankStatementResponse {
    let chunks = vec![pb::ImportBankStatementRequest {
        chunk: xml.as_bytes().to_vec(),
        file_name: String::new(),
    }];
    server
        .intake()
        .import_bank_statement(tokio_stream::iter(chunks))
        .await
        .expect("ImportBankStatement")
        .into_inner()
}

/// Attachment `number` of the case as GetCase shows it.
async fn attachment(server: &TestServer, id: &str, number: u32) -> pb::Attachment {
    get(server, id)
        .await
        .attachments
        .into_iter()
        .find(|a| a.number == number)
        .unwrap_or_else(|| panic!("no attachment {number}"))
}

/// Done when 3 (issue 16), with 5's bad values for an attachment, and the attachment
/// register (issue 16, 4) consulted and the income attachment registered.
///
/// From Tue 23 June 2026 (the order to pay ended Mon 22 June): the bank attachment yields
/// nothing (Btag 2i € 260,68 + VAT 54,74 = 315,42, charged as today); the register is
/// asked again and the wage attachment comes: laid on 23 June under the employer
/// Zorggroep Utrecht B.V. (Btag 2j € 184,91 + VAT 38,8311 → 38,83 = 223,74; its notice to
/// the debtor the same day, Btag 2d € 90,11 + VAT 18,92 = 109,03). The debtor, single,
/// earns € 2.600,00 net a month.
///
/// The protected income: the 2026 norms are UNVERIFIED in the law's table, so the law
/// refuses (never a guess) and the bailiff must state the official rekenmodule's figure —
/// € 1.400,00 here; the employer then pays 2.600,00 − 1.400,00 = € 1.200,00 a month. (The
/// worked example from a published source, 47,5 % × 1.536,34 = 729,76 for a debtor without
/// a fixed address on 1 January 2021, is `law::protected_income`'s unit test, and the low
/// group of a verified half-year is `a_wage_attachment_states_the_protected_income` above.)
///
/// The garnishee's statement is due four weeks after 23 June: Tue 21 July (art. 476a
/// Rv). Its task opens the day the attachment is laid, due that day; on Wed 22 July it is
/// late (overdue), and the employer's statement comes in: € 1.200,00 a month, the
/// Belastingdienst's attachment ahead of ours. Each payment is recorded against attachment
/// 2 (the bank's, attachment 1, yielded nothing); the second arrives on the bank statement
/// from "ZORGGROEP UTRECHT BV" with the case's payment reference and is matched to the
/// employer. The employer's yield: 1.200,00 + 1.200,00 + 1.261,09 = € 3.661,09.
///
/// Legal costs: 657,57 + 165,42 + 315,42 + 223,74 + 109,03 = 1.471,18; collection costs
/// 273,75 + VAT 57,49 = 331,24; interest 4 % on 1.825,00 = € 0,20 a day from 1 April.
/// The employer pays (art. 6:44 BW: costs, then interest, then principal):
/// - Sat 25 July € 1.200,00: all to the legal costs (271,18 left).
/// - Tue 25 Aug € 1.200,00: 271,18 + 331,24 = 602,42 costs; interest 1 April – 25 Aug,
///   147 days × 0,20 = 29,40; principal 1.200,00 − 602,42 − 29,40 = 568,18 → 1.256,82 left.
/// - Fri 25 Sep: interest on 1.256,82 for 26 Aug – 25 Sep, 31 days: 1.256,82 × 4 % × 31 /
///   365 = 4,2698 → 4,27; owed 1.261,09, paid: the case closes paid, the attachment is
///   released (opheffing) with its document.
async fn a_wage_attachment_is_paid_off_and_released(db: TestDb) {
    let server = TestServer::start_at(&db, at("2026-05-04T08:00:00Z")).await;
    let id = to_the_judgment(&server, "WAGES-1").await;
    advance_to(&server, "2026-06-23T08:00:00Z").await;
    let bank = open_task(&server, &id, "attachment").await;
    complete_with(&server, &bank, "nothing", &[])
        .await
        .expect("bank: nothing");
    let wages = open_task(&server, &id, "attachment").await;
    assert_ne!(wages.id, bank.id);
    let garnishee = [
        ("laid_on", "2026-06-23"),
        ("garnishee_name", "Zorggroep Utrecht B.V."),
        ("garnishee_street", "Catharijnesingel 10"),
        ("garnishee_postcode", "3511 GB"),
        ("garnishee_city", "Utrecht"),
        ("net_monthly_income", "2600.00"),
        ("living_situation", "single"),
    ];
    // Without the rekenmodule's figure: refused with the law's reason; bad values named.
    let refused = complete_with(&server, &wages, "attached", &garnishee)
        .await
        .expect_err("no verified norms for 2026");
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
    assert_eq!(bad_fields(&refused), ["values[\"protected_income\"]"]);
    let reason = {
        use tonic_types::StatusExt;
        refused
            .get_details_bad_request()
            .expect("BadRequest")
            .field_violations[0]
            .description
            .clone()
    };
    assert!(
        reason.contains("rekenmodule") && reason.contains("2026-01-01"),
        "{reason}"
    );
    let mut bad = garnishee.to_vec();
    bad[0] = ("laid_on", "2026-06-01");
    bad.push(("protected_income", "-1.00"));
    bad.push(("colour", "blue"));
    let refused = complete_with(&server, &wages, "attached", &bad)
        .await
        .expect_err("bad values");
    assert_eq!(
        bad_fields(&refused),
        [
            "values[\"colour\"]",
            "values[\"laid_on\"]",
            "values[\"protected_income\"]"
        ]
    );
    let mut good = garnishee.to_vec();
    good.push(("protected_income", "1400.00"));
    complete_with(&server, &wages, "attached", &good)
        .await
        .expect("wages attached");
    // The attachment register: consulted with the recoverability check before the
    // summons (22 May) and again before the wage attachment (23 June), and the wage
    // attachment registered — each a step of the case, each saying that the fixture, not
    // the Digitaal Beslagregister, answered. J. de Vries has no other attachments there,
    // so ours ranks first.
    let audit = events(&server, &db, &id).await;
    let steps: Vec<(&str, &serde_json::Value)> = audit
        .iter()
        .filter_map(|(kind, p)| p.get("attachment_register").map(|s| (kind.as_str(), s)))
        .collect();
    let purposes: Vec<(&str, &str, &str)> = steps
        .iter()
        .map(|(kind, s)| {
            (
                *kind,
                s["purpose"].as_str().unwrap_or_default(),
                s["on"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        purposes,
        [
            ("recoverability_proceed", "summons", "2026-05-22"),
            ("attachment_due", "income_attachment", "2026-06-23"),
            ("attachment_registered", "registration", "2026-06-23"),
        ],
        "{audit:?}"
    );
    assert!(steps.iter().all(|(_, s)| s["register"] == "fixture"));
    assert_eq!(steps[1].1["attachments"], serde_json::json!([]));
    assert_eq!(
        (&steps[2].1["attachment"], &steps[2].1["priority"]),
        (&serde_json::json!(2), &serde_json::json!(1))
    );

    let case = get(&server, &id).await;
    assert_eq!(case.stage, pb::Stage::Execution as i32);
    let q = crate::track::quote(&server, &id, "2026-06-23").await;
    assert_eq!(q.legal_costs, "1471.18");

    // The garnishee's statement is awaited from the day the attachment is laid, due on
    // its last day, Tue 21 July: in the case handler's list, not overdue on that day.
    let statement = open_task(&server, &id, "garnishee_statement").await;
    assert_eq!(statement.outcomes, ["received", "nothing", "not_received"]);
    assert_eq!(statement.due_on, "2026-07-21");
    advance_to(&server, "2026-07-21T08:00:00Z").await;
    assert!(!open_task(&server, &id, "garnishee_statement").await.overdue);
    // Wed 22 July: late; the same task is overdue, no second one is opened.
    advance_to(&server, "2026-07-22T08:00:00Z").await;
    let late = open_task(&server, &id, "garnishee_statement").await;
    assert_eq!(
        (late.id.as_str(), late.overdue),
        (statement.id.as_str(), true)
    );
    // Bad values, each named; nothing stored.
    let refused = complete_with(
        &server,
        &late,
        "received",
        &[
            ("received_on", "2026-06-22"),
            ("monthly", "-5.00"),
            ("held", "10.00"),
        ],
    )
    .await
    .expect_err("bad statement values");
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
    assert_eq!(
        bad_fields(&refused),
        [
            "values[\"held\"]",
            "values[\"monthly\"]",
            "values[\"received_on\"]"
        ]
    );
    // The employer declares: € 1.200,00 a month, an earlier attachment of the
    // Belastingdienst ahead of ours.
    complete_with(
        &server,
        &late,
        "received",
        &[
            ("received_on", "2026-07-22"),
            ("monthly", "1200.00"),
            ("ahead", "beslag Belastingdienst, afgelost per juli 2026"),
        ],
    )
    .await
    .expect("statement in");
    let wage = attachment(&server, &id, 2).await;
    let declared = wage.statement.clone().expect("statement recorded");
    assert_eq!(
        [
            &declared.received_on,
            &declared.result,
            &declared.monthly,
            &declared.ahead
        ],
        [
            "2026-07-22",
            "holds",
            "1200.00",
            "beslag Belastingdienst, afgelost per juli 2026"
        ]
    );
    assert_eq!(
        [&wage.kind, &wage.protected_income, &wage.monthly_payment],
        ["wages", "1400.00", "1200.00"]
    );
    assert_eq!(attachment(&server, &id, 1).await.result, "nothing");

    advance_to(&server, "2026-07-25T08:00:00Z").await;
    let first = pay(&server, &id, 1, "2026-07-25", "1200.00").await;
    let r = first.recorded.unwrap();
    assert_eq!(
        [&r.to_costs, &r.to_interest, &r.to_principal],
        ["1200.00", "0.00", "0.00"]
    );
    assert_eq!(r.payment.unwrap().attachment, 2);
    // A payment against an attachment the case never laid is refused.
    let stray = record(&server, &id, "stray", "2026-07-25", "1.00", 7)
        .await
        .expect_err("no attachment 7");
    assert_eq!(stray.code(), tonic::Code::FailedPrecondition, "{stray:?}");
    // Tue 25 August the employer's transfer comes in on the bank statement, quoting the
    // case's payment reference, from "ZORGGROEP UTRECHT BV": the garnishee of attachment 2.
    advance_to(&server, "2026-08-25T08:00:00Z").await;
    let reference = get(&server, &id).await.payment_reference;
    let imported = import_statement(
        &server,
        &statement_with_one_credit("ZORGGROEP UTRECHT BV", &reference, "2026-08-25", "1200.00"),
    )
    .await;
    assert_eq!((imported.booked, imported.unmatched), (1, 0));
    let case = get(&server, &id).await;
    let second = case.payments.last().expect("booked").clone();
    assert_eq!(
        [&second.to_costs, &second.to_interest, &second.to_principal],
        ["602.42", "29.40", "568.18"]
    );
    assert_eq!(second.payment.unwrap().attachment, 2);
    let wage = attachment(&server, &id, 2).await;
    assert_eq!(
        (
            wage.received.as_str(),
            wage.payments,
            wage.last_payment_on.as_str()
        ),
        ("2400.00", 2, "2026-08-25")
    );
    advance_to(&server, "2026-09-25T08:00:00Z").await;
    let q = crate::track::quote(&server, &id, "2026-09-25").await;
    assert_eq!(
        [&q.principal, &q.interest, &q.total_due],
        ["1256.82", "4.27", "1261.09"]
    );
    let third = pay(&server, &id, 3, "2026-09-25", "1261.09").await;
    let case = third.case.unwrap();
    assert_eq!(case.close_reason, pb::CloseReason::Paid as i32);
    // The employer's yield: 1.200,00 + 1.200,00 + 1.261,09 = 3.661,09 in three payments.
    let wage = &case.attachments[1];
    assert_eq!(
        (
            wage.received.as_str(),
            wage.payments,
            wage.last_payment_on.as_str()
        ),
        ("3661.09", 3, "2026-09-25")
    );
    fixtures::advance_by(&server, 60).await;

    // The dossier: the writ to the employer, its notice, and the release, each with the
    // elements of art. 45 lid 3 Rv.
    let texts: std::collections::BTreeMap<String, String> =
        crate::track::documents_of(&server, &id)
            .await
            .into_iter()
            .collect();
    let employer = "Zorggroep Utrecht B.V., Catharijnesingel 10, 3511 GB Utrecht";
    let writ = &texts["garnishment"];
    assert_contains_all(
        writ,
        &[
            "EXPLOOT VAN EXECUTORIAAL DERDENBESLAG",
            "Heden, 23 juni 2026",
            &format!("BETEKEND AAN: {employer}"),
            "Kosten van dit exploot (Btag art. 2j) € 184,91",
            "ten minste € 1.400,00",
            "Zodra vier weken na heden zijn verstreken, dat is na afloop van dinsdag 21 juli 2026",
        ],
    );
    let notice = &texts["attachment_notice"];
    assert_contains_all(
        notice,
        &[
            "OVERBETEKENING VAN DERDENBESLAG",
            "BETEKEND AAN: J. de Vries, Kerkstraat 12, 3511 LK Utrecht",
            "per maand € 1.400,00 vrij van beslag",
            "rekenmodule",
        ],
    );
    let release = &texts["release"];
    assert_contains_all(
        release,
        &[
            "OPHEFFING VAN DERDENBESLAG",
            "Heden, 25 september 2026",
            &format!("BETEKEND AAN: {employer}"),
            "omdat de vordering volledig is voldaan",
            "het loon of de uitkering weer geheel aan de schuldenaar betalen",
        ],
    );
    for text in [writ, notice, release] {
        assert_contains_all(text, &PARTIES_AND_BAILIFF[..1]);
    }
    server.stop().await;
}

on_both_backends!(a_wage_attachment_is_paid_off_and_released);

/// The sample proces-verbaal of beslag op roerende zaken (art. 439 ff. Rv) of Mon 20 July
/// 2026, for what the served judgment demanded (€ 2.596,66): Btag 2026 art. 2e € 164,86,
/// VAT 21 % = 34.6206 → € 34,62 (Acme cannot deduct VAT); laid for 2.596,66 + 164,86 +
/// 34,62 = € 2.796,14. Three goods, valued together at € 450,00, the copy left with the
/// debtor in person: the elements of art. 45 lid 3 Rv and the description of art. 443 Rv.
#[test]
fn a_goods_attachment_carries_the_elements_and_the_inventory() {
    let goods = samples::goods_attachment().expect("sample goods attachment");
    assert_eq!(
        (goods.fee, goods.fee_vat, goods.total),
        (m("164.86"), m("34.62"), m("2796.14"))
    );
    let text = text_of(DocumentData::GoodsAttachment(goods));
    assert_contains_all(&text, &PARTIES_AND_BAILIFF);
    assert_contains_all(
        &text,
        &[
            "PROCES-VERBAAL VAN EXECUTORIAAL BESLAG OP ROERENDE ZAKEN",
            "Heden, 20 juli 2026",
            "BETEKEND AAN: J. de Vries, Kerkstraat 12, 3511 LK Utrecht, aldaar mijn exploot doende en een afschrift hiervan latende aan: de geadresseerde in persoon",
            "17 juni 2026, zaaknummer 11223344 CV EXPL 26-1234",
            "Kosten van dit exploot (Btag art. 2e) € 164,86",
            "€ 34,62",
            "Totaal waarvoor beslag is gelegd € 2.796,14",
            "(art. 443 Rv)",
            "1. televisie Samsung 55 inch, zwart",
            "2. bankstel, drie zits, grijze stof",
            "3. eettafel met zes stoelen, eiken",
            "€ 450,00",
            "art. 198",
        ],
    );
}

/// Done when 3 and 5 (issue 16) for the garnishee's statement and goods: a bank
/// attachment whose garnishee declares on time that it holds nothing moves the track on,
/// and the goods attachment that follows has its proces-verbaal.
///
/// The executed consumer of `to_the_judgment`: the order to pay ends Mon 22 June 2026.
/// - Tue 23 June: the bank attachment under ING Bank N.V. (Btag 2i € 260,68 + VAT 54,74 =
///   315,42; its notice 2d € 90,11 + 18,92 = 109,03); the statement task opens, due four
///   weeks on, Tue 21 July.
/// - Mon 29 June, on time: ING declares it holds nothing (a balance below the protected
///   amount, say): the register is asked again and the wage attachment follows (the
///   policy's second attempt) — it yields nothing too (2j € 184,91 + 38,83 = 223,74).
/// - Fri 3 July: the goods (2e € 164,86 + VAT 34,6206 → 34,62 = 199,48). Owed that day
///   before it: principal 1.825,00; interest 4 % on it from 1 April, 94 days × 0,20 =
///   18,80; collection costs 331,24; legal costs 657,57 + 165,42 (service) + 315,42 +
///   109,03 + 223,74 = 1.471,18; 3.646,22 in all, laid for 3.646,22 + 199,48 = € 3.845,70.
async fn a_garnishee_with_nothing_then_goods_seized(db: TestDb) {
    let server = TestServer::start_at(&db, at("2026-05-04T08:00:00Z")).await;
    let id = to_the_judgment(&server, "GOODS-1").await;
    advance_to(&server, "2026-06-23T08:00:00Z").await;
    let bank = open_task(&server, &id, "attachment").await;
    complete_with(
        &server,
        &bank,
        "attached",
        &[
            ("laid_on", "2026-06-23"),
            ("garnishee_name", "ING Bank N.V."),
            ("garnishee_street", "Bijlmerdreef 106"),
            ("garnishee_postcode", "1102 CT"),
            ("garnishee_city", "Amsterdam"),
        ],
    )
    .await
    .expect("bank attached");
    let statement = open_task(&server, &id, "garnishee_statement").await;
    assert_eq!(statement.due_on, "2026-07-21");
    advance_to(&server, "2026-06-29T08:00:00Z").await;
    let unknown = complete_with(&server, &statement, "nothing", &[("monthly", "1.00")])
        .await
        .expect_err("bad values");
    assert_eq!(
        bad_fields(&unknown),
        ["values[\"monthly\"]", "values[\"received_on\"]"]
    );
    complete_with(
        &server,
        &statement,
        "nothing",
        &[
            ("received_on", "2026-06-29"),
            ("remarks", "saldo onder de beslagvrije voet"),
        ],
    )
    .await
    .expect("nothing declared");
    let bank = attachment(&server, &id, 1).await;
    let declared = bank.statement.expect("statement");
    assert_eq!(
        [&declared.result, &declared.received_on, &declared.remarks],
        ["nothing", "2026-06-29", "saldo onder de beslagvrije voet"]
    );
    let wages = open_task(&server, &id, "attachment").await;
    assert!(wages.title.contains("wages"), "{}", wages.title);
    complete_with(&server, &wages, "nothing", &[])
        .await
        .expect("wages: nothing");
    let goods = open_task(&server, &id, "attachment").await;
    assert!(goods.title.contains("goods"), "{}", goods.title);
    advance_to(&server, "2026-07-03T08:00:00Z").await;
    complete_with(
        &server,
        &goods,
        "attached",
        &[
            ("laid_on", "2026-07-03"),
            (
                "inventory",
                "televisie Philips 50 inch; bankstel, leer, bruin; racefiets Gazelle",
            ),
            ("valuation", "450.00"),
        ],
    )
    .await
    .expect("goods attached");
    let seized = attachment(&server, &id, 3).await;
    assert_eq!(
        [&seized.kind, &seized.result, &seized.valuation, &seized.fee],
        ["goods", "attached", "450.00", "199.48"]
    );
    // No garnishee, so no statement to wait for.
    assert!(
        open_tasks(&server, &id)
            .await
            .iter()
            .all(|t| t.kind != "garnishee_statement")
    );
    let documents = crate::track::documents_of(&server, &id).await;
    let (_, text) = documents
        .iter()
        .find(|(kind, _)| kind == "goods_attachment")
        .expect("the goods_attachment document");
    assert_contains_all(text, &PARTIES_AND_BAILIFF[..1]);
    assert_contains_all(
        text,
        &[
            "PROCES-VERBAAL VAN EXECUTORIAAL BESLAG OP ROERENDE ZAKEN",
            "Heden, 3 juli 2026",
            "BETEKEND AAN: J. de Vries, Kerkstraat 12, 3511 LK Utrecht",
            "Verschuldigd volgens vonnis op 3 juli 2026 € 3.646,22",
            "Kosten van dit exploot (Btag art. 2e) € 164,86",
            "€ 34,62",
            "Totaal waarvoor beslag is gelegd € 3.845,70",
            "1. televisie Philips 50 inch",
            "2. bankstel, leer, bruin",
            "3. racefiets Gazelle",
            "€ 450,00",
        ],
    );
    server.stop().await;
}

on_both_backends!(a_garnishee_with_nothing_then_goods_seized);
