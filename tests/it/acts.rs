//! The bailiff's acts as a legal review found them missing (issue 16): execution against
//! third parties of a judgment not provisionally enforceable (art. 432 Rv), the release of
//! a goods attachment on close, and a filing done in time but recorded late.

use exploot::proto as pb;

use crate::harness::fixtures::{self, advance_to, at, get_case as get};
use crate::harness::walk::{
    complete_with, events, judgment_request, open_task, open_tasks, to_the_approved_summons,
};
use crate::harness::{TestDb, TestServer, bad_fields, on_both_backends};

/// Registers the default judgment of 17 June 2026 of `walk::register_judgment`, with
/// `provisionally_enforceable` as given.
async fn register(server: &TestServer, id: &str, provisionally_enforceable: Option<bool>) {
    let mut request = judgment_request(id, "2026-06-17", pb::judgment::Kind::Default);
    if let Some(j) = request.judgment.as_mut() {
        j.provisionally_enforceable = provisionally_enforceable;
    }
    server
        .cases()
        .register_judgment(request)
        .await
        .expect("RegisterJudgment");
}

/// A judgment not declared uitvoerbaar bij voorraad (art. 233, 432 Rv).
///
/// The walk of `track.rs`: summons served Tue 26 May 2026, default judgment of Wed 17 June
/// registered that day, without provisional enforceability. Served with the order to pay
/// on Thu 18 June: the order ends Sat 20 June → Mon 22 June (Atw); the eight days of art.
/// 432 Rv run 19 – 26 June and end Fri 26 June (a working day), so the
/// `no_appeal_statement` task is due Fri 26 June and a bank attachment may be laid from
/// Sat 27 June. On Tue 23 June the bank attachment waits: no attachment task. Bad values
/// are named (a day before the service, an unknown key). A statement dated Wed 24 June,
/// inside the eight days, is refused (it cannot speak of an appeal lodged by 26 June). The
/// registry's statement of Mon 29 June: the insolvency register is asked, and the bank
/// attachment's task opens from that day; laying it on Fri 26 June is refused (before
/// it), on Mon 29 June accepted.
async fn a_judgment_not_provisionally_enforceable_waits_for_the_registry(db: TestDb) {
    let server = TestServer::start_at(&db, at("2026-05-04T08:00:00Z")).await;
    fixtures::put_client(&server, "acme").await;
    let id = to_the_approved_summons(&server, "ART432-1").await;
    advance_to(&server, "2026-06-17T08:00:00Z").await;
    register(&server, &id, Some(false)).await;
    advance_to(&server, "2026-06-18T08:00:00Z").await;
    let case = get(&server, &id).await;
    let judgment = case.judgment.expect("judgment");
    assert_eq!(
        (
            judgment.served_on.as_str(),
            judgment.provisionally_enforceable
        ),
        ("2026-06-18", Some(false))
    );
    let statement = open_task(&server, &id, "no_appeal_statement").await;
    assert_eq!(statement.due_on, "2026-06-26");

    advance_to(&server, "2026-06-23T08:00:00Z").await;
    let open: Vec<String> = open_tasks(&server, &id)
        .await
        .into_iter()
        .map(|t| t.kind)
        .collect();
    assert!(!open.contains(&"attachment".to_owned()), "{open:?}");

    let bad = complete_with(
        &server,
        &statement,
        "received",
        &[("received_on", "2026-06-17"), ("griffie", "Utrecht")],
    )
    .await
    .expect_err("bad values");
    assert_eq!(bad.code(), tonic::Code::InvalidArgument);
    assert_eq!(
        bad_fields(&bad),
        ["values[\"griffie\"]", "values[\"received_on\"]"]
    );

    advance_to(&server, "2026-06-24T08:00:00Z").await;
    let early = complete_with(
        &server,
        &statement,
        "received",
        &[("received_on", "2026-06-24")],
    )
    .await
    .expect_err("inside the eight days");
    assert_eq!(bad_fields(&early), ["values[\"received_on\"]"]);
    advance_to(&server, "2026-06-29T08:00:00Z").await;
    complete_with(
        &server,
        &statement,
        "received",
        &[("received_on", "2026-06-29")],
    )
    .await
    .expect("received");
    let bank = open_task(&server, &id, "attachment").await;
    let details: serde_json::Value = serde_json::from_str(&bank.details_json).expect("details");
    assert_eq!(
        (details["attachment"].as_str(), details["from"].as_str()),
        (Some("bank"), Some("2026-06-29"))
    );
    let garnishee = |laid_on: &'static str| {
        [
            ("laid_on", laid_on),
            ("garnishee_name", "ING Bank N.V."),
            ("garnishee_street", "Bijlmerdreef 106"),
            ("garnishee_postcode", "1102 CT"),
            ("garnishee_city", "Amsterdam"),
        ]
    };
    let early = complete_with(&server, &bank, "attached", &garnishee("2026-06-26"))
        .await
        .expect_err("before the ninth day");
    assert_eq!(bad_fields(&early), ["values[\"laid_on\"]"]);
    // A day after today (Mon 29 June) is named with the other bad values at once.
    let mut ahead = garnishee("2026-06-30").to_vec();
    ahead.push(("colour", "red"));
    let future = complete_with(&server, &bank, "attached", &ahead)
        .await
        .expect_err("laid tomorrow");
    assert_eq!(future.code(), tonic::Code::InvalidArgument);
    assert_eq!(
        bad_fields(&future),
        ["values[\"colour\"]", "values[\"laid_on\"]"]
    );
    complete_with(&server, &bank, "attached", &garnishee("2026-06-29"))
        .await
        .expect("attached");
    let audit = events(&server, &db, &id).await;
    let kinds: Vec<&str> = audit.iter().map(|(k, _)| k.as_str()).collect();
    let waited = audit
        .iter()
        .find(|(k, _)| k == "order_to_pay_ended")
        .expect("order_to_pay_ended");
    assert_eq!(waited.1["waits_for"], "no_appeal_statement");
    assert!(
        kinds.contains(&"no_appeal_statement_received") && kinds.contains(&"attachment_made"),
        "{kinds:?}"
    );
    server.stop().await;
}

on_both_backends!(a_judgment_not_provisionally_enforceable_waits_for_the_registry);

/// A goods attachment released when the case closes (opheffing, to the debtor).
///
/// The executed consumer of `walk::to_the_judgment`: served Thu 18 June 2026 (Btag 2b
/// € 136,71 + VAT 28,71 = 165,42), the order to pay ends Mon 22 June. Tue 23 June: the bank
/// attachment yields nothing (2i € 260,68 + VAT 54,74 = 315,42), the wage attachment too
/// (2j € 184,91 + VAT 38,83 = 223,74), and the goods are seized that day (2e € 164,86 + VAT
/// 34,62 = 199,48). Owed on 23 June: principal 1.825,00; interest 4 % from 1 April, 84 days
/// × 0,20 = 16,80; collection costs 331,24; legal costs 657,57 + 165,42 + 315,42 + 223,74 +
/// 199,48 = 1.561,63; in all 3.734,67. The debtor pays it that day: the case closes paid,
/// and the goods attachment is released on 23 June with a writ to the debtor naming the
/// goods and the elements of art. 45 lid 3 Rv; no garnishee held anything under an
/// attachment, so there is no garnishee's release.
async fn a_goods_attachment_is_released_when_the_case_is_paid(db: TestDb) {
    let server = TestServer::start_at(&db, at("2026-05-04T08:00:00Z")).await;
    let id = crate::harness::walk::to_the_judgment(&server, "GOODS-REL-1").await;
    advance_to(&server, "2026-06-23T08:00:00Z").await;
    for _ in ["bank", "wages"] {
        let task = open_task(&server, &id, "attachment").await;
        complete_with(&server, &task, "nothing", &[])
            .await
            .expect("nothing");
    }
    let goods = open_task(&server, &id, "attachment").await;
    assert!(goods.title.contains("goods"), "{}", goods.title);
    complete_with(
        &server,
        &goods,
        "attached",
        &[
            ("laid_on", "2026-06-23"),
            ("inventory", "televisie Philips 50 inch; racefiets Gazelle"),
            ("valuation", "300.00"),
        ],
    )
    .await
    .expect("goods attached");
    let quote = server
        .cases()
        .quote_case(pb::QuoteCaseRequest {
            case_id: id.clone(),
            as_of: "2026-06-23".into(),
        })
        .await
        .expect("QuoteCase")
        .into_inner();
    assert_eq!(
        (quote.legal_costs.as_str(), quote.total_due.as_str()),
        ("1561.63", "3734.67")
    );
    server
        .cases()
        .record_payment(pb::RecordPaymentRequest {
            case_id: id.clone(),
            request_id: "paid-in-full".into(),
            payment: Some(pb::Payment {
                paid_on: "2026-06-23".into(),
                amount: "3734.67".into(),
                reference: "betaling in zijn geheel".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("RecordPayment");
    fixtures::advance_by(&server, 60).await;
    let case = get(&server, &id).await;
    assert_eq!(case.close_reason, pb::CloseReason::Paid as i32);
    let documents = crate::track::documents_of(&server, &id).await;
    let kinds: Vec<&str> = documents.iter().map(|(k, _)| k.as_str()).collect();
    assert!(!kinds.contains(&"release"), "{kinds:?}");
    let (_, text) = documents
        .iter()
        .find(|(kind, _)| kind == "goods_release")
        .unwrap_or_else(|| panic!("no goods_release in {kinds:?}"));
    for expected in [
        "OPHEFFING VAN BESLAG OP ROERENDE ZAKEN",
        "Heden, 23 juni 2026",
        "ten verzoeke van Acme Energie B.V.",
        "gerechtsdeurwaarder",
        "BETEKEND AAN: J. de Vries, Kerkstraat 12, 3511 LK Utrecht",
        "op 23 juni 2026 ten laste van de geadresseerde is gelegd",
        "11223344 CV EXPL 26-1234",
        "is opgeheven, omdat de vordering volledig is voldaan",
        "televisie Philips 50 inch",
        "racefiets Gazelle",
        "geen kosten",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    server.stop().await;
}

on_both_backends!(a_goods_attachment_is_released_when_the_case_is_paid);

/// A filing done in time but recorded only after the roldatum (policy `record_service`).
///
/// Summons drafted Fri 22 May 2026, served in person Tue 26 May, roldatum Wed 3 June (26
/// May + 7 = Tue 2 June, the hearing the day after); the last day to file: Tue 2 June. It is
/// filed Mon 1 June but nobody records it: on Wed 3 June the `enrolment_lapsed` task opens.
/// Recording it there: a filing on Wed 3 June (after the last day) and an unknown value are
/// refused, each named; filed Mon 1 June is taken — the case goes on to the hearing of
/// 3 June (its task opens, no herstelexploot), the audit's `summons_enrolled` says it was
/// recorded late. Verstek is recorded: the case waits for the judgment.
async fn a_filing_in_time_recorded_late(db: TestDb) {
    let server = TestServer::start_at(&db, at("2026-05-04T08:00:00Z")).await;
    crate::harness::walk::put_recording_client(&server).await;
    let id = to_the_approved_summons(&server, "ROL-LATE-1").await;
    advance_to(&server, "2026-05-26T08:00:00Z").await;
    let service = open_task(&server, &id, "service").await;
    complete_with(
        &server,
        &service,
        "in_person",
        &[("served_on", "2026-05-26")],
    )
    .await
    .expect("served");
    assert_eq!(open_task(&server, &id, "enrol").await.due_on, "2026-06-02");
    advance_to(&server, "2026-06-03T08:00:00Z").await;
    let lapsed = open_task(&server, &id, "enrolment_lapsed").await;
    assert!(lapsed.outcomes.contains(&"filed".to_owned()), "{lapsed:?}");
    let bad = complete_with(
        &server,
        &lapsed,
        "filed",
        &[("filed_on", "2026-06-03"), ("registry", "Utrecht")],
    )
    .await
    .expect_err("after the last day");
    assert_eq!(bad.code(), tonic::Code::InvalidArgument);
    assert_eq!(
        bad_fields(&bad),
        ["values[\"filed_on\"]", "values[\"registry\"]"]
    );
    complete_with(&server, &lapsed, "filed", &[("filed_on", "2026-06-01")])
        .await
        .expect("filed in time");
    let open: Vec<String> = open_tasks(&server, &id)
        .await
        .into_iter()
        .map(|t| t.kind)
        .collect();
    assert_eq!(open, ["hearing"]);
    let audit = events(&server, &db, &id).await;
    let (_, enrolled) = audit
        .iter()
        .find(|(k, _)| k == "summons_enrolled")
        .expect("summons_enrolled");
    assert_eq!(
        (&enrolled["filed_on"], &enrolled["recorded_late"]),
        (&serde_json::json!("2026-06-01"), &serde_json::json!(true))
    );
    assert!(!audit.iter().any(|(k, _)| k == "enrolment_lapse_stopped"));
    let hearing = open_task(&server, &id, "hearing").await;
    complete_with(&server, &hearing, "default", &[])
        .await
        .expect("verstek");
    assert_eq!(get(&server, &id).await.stage, pb::Stage::Judgment as i32);
    server.stop().await;
}

on_both_backends!(a_filing_in_time_recorded_late);
