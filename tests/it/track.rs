//! The legal track end to end through the API on the manual clock (issue 7): every date
//! and every cent checked against figures worked out by hand in the comments.
//!
//! Common to the consumer scenarios: one invoice of € 1,825.00 due Tue 31 Mar 2026, the
//! fixture debtor J. de Vries; statutory interest (art. 6:119 BW) 4 % in 2026, so
//! 1,825.00 × 4 % / 365 = € 0.20 a day exactly, counted from 1 April (days = date − 31
//! Mar). Collection costs (Besluit BIK): 15 % of 1,825.00 = 273.75; the client does not
//! deduct VAT, so 21 % VAT on them: 57.4875 → 57.49; with VAT 331.24.
//! Letter sent Mon 4 May 2026 at the 16:00 cut-off; Tue 5 May is Bevrijdingsdag, so the
//! delivery days are Wed 6 (1) and Thu 7 (2): received Thu 7 May; 14 days → Thu 21 May,
//! the last day to pay; collection costs from Fri 22 May.

use chrono::{DateTime, Utc};
use exploot::proto as pb;
use tokio_stream::StreamExt;
use tonic::Code;

use crate::harness::{TestDb, TestServer, fixtures, on_both_backends};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub(crate) async fn advance_to(server: &TestServer, to: &str) {
    server
        .admin()
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::To(
                prost_types::Timestamp {
                    seconds: at(to).timestamp(),
                    nanos: 0,
                },
            )),
        })
        .await
        .expect("AdvanceClock");
}

/// Runs whatever a command made due now: the clock moves a minute and AdvanceClock
/// returns when every due job has run.
pub(crate) async fn drain(server: &TestServer) {
    fixtures::advance_by(server, 60).await;
}

pub(crate) async fn start(db: &TestDb, now: &str) -> TestServer {
    let server = TestServer::start_at(db, at(now)).await;
    fixtures::put_client(&server, "acme").await;
    server
}

/// The consumer claim of the module comment, with the invoice due on `due`.
pub(crate) async fn consumer_case(server: &TestServer, reference: &str, due: &str) -> String {
    let mut request = fixtures::consumer_claim("acme", reference);
    request.invoices = vec![pb::Invoice {
        number: "F-1".into(),
        invoice_date: String::new(),
        due_date: due.into(),
        amount: "1825.00".into(),
    }];
    server
        .cases()
        .create_case(request)
        .await
        .expect("CreateCase")
        .into_inner()
        .id
}

pub(crate) async fn get(server: &TestServer, id: &str) -> pb::Case {
    server
        .cases()
        .get_case(pb::GetCaseRequest { case_id: id.into() })
        .await
        .expect("GetCase")
        .into_inner()
}

pub(crate) async fn quote(server: &TestServer, id: &str, as_of: &str) -> pb::ClaimQuote {
    server
        .cases()
        .quote_case(pb::QuoteCaseRequest {
            case_id: id.into(),
            as_of: as_of.into(),
        })
        .await
        .expect("QuoteCase")
        .into_inner()
}

/// (principal, interest, collection costs, VAT, legal costs, total) of a quote.
fn figures(q: &pb::ClaimQuote) -> [&str; 6] {
    [
        &q.principal,
        &q.interest,
        &q.collection_costs,
        &q.collection_costs_vat,
        &q.legal_costs,
        &q.total_due,
    ]
}

async fn pay(
    server: &TestServer,
    id: &str,
    request_id: &str,
    on: &str,
    amount: &str,
) -> pb::RecordPaymentResponse {
    server
        .cases()
        .record_payment(pb::RecordPaymentRequest {
            case_id: id.into(),
            request_id: request_id.into(),
            payment: Some(pb::Payment {
                paid_on: on.into(),
                amount: amount.into(),
                ..Default::default()
            }),
        })
        .await
        .expect("RecordPayment")
        .into_inner()
}

/// (costs, interest, principal, overpaid) of a recorded payment.
fn allocation(p: &pb::RecordedPayment) -> [&str; 4] {
    [&p.to_costs, &p.to_interest, &p.to_principal, &p.overpaid]
}

/// Completes the case's one open task of `kind` with `outcome`.
pub(crate) async fn complete(server: &TestServer, id: &str, kind: &str, outcome: &str) -> pb::Task {
    let mut tasks = server.tasks();
    let open = tasks
        .list_tasks(pb::ListTasksRequest {
            case_id: id.into(),
            state: pb::TaskState::Open.into(),
            ..Default::default()
        })
        .await
        .expect("ListTasks")
        .into_inner()
        .tasks;
    let task = open
        .iter()
        .find(|t| t.kind == kind)
        .unwrap_or_else(|| panic!("no open {kind} task in {open:?}"))
        .clone();
    tasks
        .claim_task(pb::ClaimTaskRequest {
            task_id: task.id.clone(),
            assignee: "alice".into(),
        })
        .await
        .expect("ClaimTask");
    let done = tasks
        .complete_task(pb::CompleteTaskRequest {
            task_id: task.id.clone(),
            request_id: format!("{}-{outcome}", task.id),
            outcome: outcome.into(),
            ..Default::default()
        })
        .await
        .expect("CompleteTask")
        .into_inner();
    drain(server).await;
    done
}

/// Every audit event of the case so far from WatchCase (as many as the dossier holds).
/// The case's documents, oldest first.
pub(crate) async fn documents_listed(server: &TestServer, id: &str) -> Vec<pb::Document> {
    server
        .documents()
        .list_documents(pb::ListDocumentsRequest {
            case_id: id.to_owned(),
            ..Default::default()
        })
        .await
        .expect("ListDocuments")
        .into_inner()
        .documents
}

/// The kinds of the case's documents, oldest first.
async fn document_kinds(server: &TestServer, id: &str) -> Vec<String> {
    documents_listed(server, id)
        .await
        .into_iter()
        .map(|d| d.kind)
        .collect()
}

/// The case's documents, oldest first: each kind with its text.
pub(crate) async fn documents_of(server: &TestServer, id: &str) -> Vec<(String, String)> {
    let listed = documents_listed(server, id).await;
    let mut out = Vec::new();
    for document in listed {
        let mut stream = server
            .documents()
            .get_document(pb::GetDocumentRequest {
                document_id: document.id.clone(),
            })
            .await
            .expect("GetDocument")
            .into_inner();
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(&chunk.expect("chunk").data);
        }
        out.push((document.kind, crate::documents::pdf_text(&bytes)));
    }
    out
}

/// The kinds of the case's audit events so far.
async fn event_kinds(server: &TestServer, db: &TestDb, id: &str) -> Vec<String> {
    crate::harness::walk::events(server, db, id)
        .await
        .into_iter()
        .map(|(kind, _)| kind)
        .collect()
}

fn statement(case: &pb::Case) -> &pb::FinalStatement {
    case.final_statement.as_ref().expect("a final statement")
}

// Scenario 1: the consumer pays within the 14-day term → closed paid, no collection costs.
async fn consumer_pays_within_the_term(db: TestDb) {
    let server = start(&db, "2026-05-04T08:00:00Z").await;
    let id = consumer_case(&server, "S1", "2026-03-31").await;
    advance_to(&server, "2026-05-15T08:00:00Z").await;
    let case = get(&server, &id).await;
    assert_eq!(case.stage, pb::Stage::Letter as i32, "{}", db.backend);
    assert_eq!(case.letter_sent_on, "2026-05-04");
    assert_eq!(case.letter_term_ends_on, "2026-05-21");

    // Fri 15 May: 45 days × 0.20 = 9.00 interest; no costs inside the term;
    // 1,825.00 + 9.00 = 1,834.00.
    let q = quote(&server, &id, "").await;
    assert_eq!(
        figures(&q),
        ["1825.00", "9.00", "0.00", "0.00", "0.00", "1834.00"]
    );
    assert_eq!(q.as_of, "2026-05-15");
    assert_eq!(q.letter_term_ends_on, "2026-05-21");

    // Paid in full on 15 May: 9.00 to interest, 1,825.00 to principal (art. 6:44 BW).
    let paid = pay(&server, &id, "pay-1", "2026-05-15", "1834.00").await;
    let recorded = paid.recorded.unwrap();
    assert_eq!(allocation(&recorded), ["0.00", "9.00", "1825.00", "0.00"]);
    let case = paid.case.unwrap();
    assert_eq!(case.stage, pb::Stage::Closed as i32);
    assert_eq!(case.close_reason, pb::CloseReason::Paid as i32);
    let s = statement(&case);
    // Received 1,834.00 = paid out 1,834.00 + costs 0.00 + overpaid 0.00.
    assert_eq!(
        [
            &s.received,
            &s.paid_out,
            &s.office_costs,
            &s.overpaid,
            &s.outstanding
        ],
        ["1834.00", "1834.00", "0.00", "0.00", "0.00"]
    );

    // The same request again records nothing twice.
    let again = pay(&server, &id, "pay-1", "2026-05-15", "1834.00").await;
    assert_eq!(again.case.unwrap().payments.len(), 1);

    // The letter's timer was cancelled: nothing moves after the term; the final
    // statement went into the dossier.
    advance_to(&server, "2026-05-25T08:00:00Z").await;
    let after = get(&server, &id).await;
    assert_eq!(after.close_reason, pb::CloseReason::Paid as i32);
    assert_eq!(
        event_kinds(&server, &db, &id).await,
        [
            "case_created",
            "claim_accepted",
            "track_started",
            "document_stored",
            "document_rendered",
            "payment_recorded",
            "document_stored",
            "document_rendered"
        ]
    );
    // The dossier's payment event carries the instant it was recorded.
    let mut events = server
        .cases()
        .watch_case(pb::WatchCaseRequest {
            case_id: id.clone(),
            from_sequence: 0,
        })
        .await
        .expect("WatchCase")
        .into_inner();
    let recorded = loop {
        let event = events.message().await.expect("ok").expect("an event");
        if event.kind == "payment_recorded" {
            break event;
        }
    };
    assert!(
        recorded
            .payload_json
            .contains("\"recorded_at\":\"2026-05-15T08:00:00Z\""),
        "{}",
        recorded.payload_json
    );
    // The payments ledger holds the payment once, with its allocation, despite the retry.
    let ledger = format!(
        "SELECT count(*) AS n FROM payments WHERE case_id = '{id}' AND amount_cents = 183400 \
         AND paid_on = '2026-05-15' AND allocation LIKE '%\"principal\":182500%'"
    );
    assert_eq!(crate::engine::count(&db.url, &ledger).await, 1);
    server.stop().await;
}
on_both_backends!(consumer_pays_within_the_term);

// Scenario 2: the consumer never pays → letter, recoverability proceed, summons approved
// and served, default judgment, served with the order to pay, bank attachment yields the
// full amount → closed paid.
async fn consumer_never_pays_and_is_executed(db: TestDb) {
    let server = start(&db, "2026-05-04T08:00:00Z").await;
    let id = consumer_case(&server, "S2", "2026-03-31").await;

    // Fri 22 May: the term ran out; 52 days × 0.20 = 10.40; costs 273.75 + VAT 57.49;
    // 1,825.00 + 10.40 + 331.24 = 2,166.64.
    advance_to(&server, "2026-05-22T08:00:00Z").await;
    let q = quote(&server, &id, "2026-05-22").await;
    assert_eq!(
        figures(&q),
        ["1825.00", "10.40", "273.75", "57.49", "0.00", "2166.64"]
    );
    assert_eq!(q.collection_costs_due_from, "2026-05-22");

    // The fixture register knows nothing against J. de Vries (born 1980-02-29): proceed,
    // and the dagvaarding is drafted on 22 May. Service on the next working day: Mon
    // 25 May is Whit Monday, so Tue 26 May; hearing at least a week later (art. 114 Rv):
    // 26 May + 7 = Tue 2 June, the day after → Wed 3 June.
    // Claim as of 3 June: 64 days × 0.20 = 12.80; 1,825.00 + 12.80 + 331.24 = 2,169.04.
    // Court fee: the value at service (56 days: 11.20 → 2,167.44) is in the class
    // 1,500–2,500; 2026, legal person: € 397. Btag 2026 dagvaarding: € 125.57, with 21 %
    // VAT as the client cannot deduct VAT: 125.57 × 0.21 = 26.3697 → 26.37; 151.94.
    let case = get(&server, &id).await;
    assert_eq!(case.stage, pb::Stage::Summons as i32, "{}", db.backend);
    let r = case.recoverability.clone().unwrap();
    assert_eq!(
        r.verdict,
        pb::recoverability::Verdict::Proceed as i32,
        "{r:?}"
    );
    assert_eq!(r.checked_on, "2026-05-22");
    let s = case.summons.clone().unwrap();
    assert_eq!(
        [
            &s.planned_service_on,
            &s.hearing_date,
            &s.claim_total,
            &s.court_fee,
            &s.bailiff_fee
        ],
        ["2026-05-26", "2026-06-03", "2169.04", "397.00", "151.94"]
    );
    assert!(
        s.subdistrict && !s.approved && s.court.contains("Utrecht"),
        "{s:?}"
    );
    let q = quote(&server, &id, "2026-06-03").await;
    assert_eq!(q.total_due, "2169.04");

    complete(&server, &id, "summons_approval", "approve").await;
    assert!(get(&server, &id).await.summons.unwrap().approved);
    advance_to(&server, "2026-05-26T08:00:00Z").await;
    assert_eq!(
        get(&server, &id).await.summons.unwrap().served_on,
        "2026-05-26"
    );
    advance_to(&server, "2026-06-17T08:00:00Z").await;
    assert_eq!(get(&server, &id).await.stage, pb::Stage::Judgment as i32);

    // A judgment awarding other sums than the claim's, without the day interest runs from
    // on them, is refused, not guessed at.
    let other = server
        .cases()
        .register_judgment(pb::RegisterJudgmentRequest {
            case_id: id.clone(),
            request_id: "vonnis-0".into(),
            judgment: Some(pb::Judgment {
                judgment_date: "2026-06-17".into(),
                kind: pb::judgment::Kind::Default.into(),
                outcome: pb::judgment::Outcome::PartlyAwarded.into(),
                awarded_principal: "1000.00".into(),
                ..Default::default()
            }),
        })
        .await
        .expect_err("other sums");
    assert_eq!(other.code(), Code::FailedPrecondition, "{other:?}");

    // Default judgment of Wed 17 June: legal costs 397.00 court fee + 125.57 summons +
    // 135.00 representative's fee = 657.57.
    let judged = server
        .cases()
        .register_judgment(pb::RegisterJudgmentRequest {
            case_id: id.clone(),
            request_id: "vonnis-1".into(),
            judgment: Some(pb::Judgment {
                judgment_date: "2026-06-17".into(),
                kind: pb::judgment::Kind::Default.into(),
                outcome: pb::judgment::Outcome::Awarded.into(),
                awarded_principal: "1825.00".into(),
                interest_from: "2026-04-01".into(),
                awarded_collection_costs: "331.24".into(),
                legal_costs: "657.57".into(),
                court_case_number: "11223344 CV EXPL 26-1234".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("RegisterJudgment")
        .into_inner();
    assert_eq!(judged.stage, pb::Stage::Execution as i32);

    // Served with the order to pay on Thu 18 June (Btag 2026 € 136.71 + 21 % VAT 28.71 =
    // 165.42); two days from the day after: Sat 20 June → Mon 22 June (Atw); attachment
    // from Tue 23 June.
    advance_to(&server, "2026-06-23T08:00:00Z").await;
    let case = get(&server, &id).await;
    assert_eq!(case.judgment.unwrap().served_on, "2026-06-18");
    // Bank attachment on 23 June (Btag 2026 derdenbeslag € 260.68 + VAT 54.74 = 315.42),
    // recorded with its garnishee, and its notice to the debtor the same day (art. 475i
    // Rv; Btag 2d € 90.11 + VAT 18.92 = 109.03).
    let task = server
        .tasks()
        .list_tasks(pb::ListTasksRequest {
            case_id: id.clone(),
            state: pb::TaskState::Open.into(),
            ..Default::default()
        })
        .await
        .expect("ListTasks")
        .into_inner()
        .tasks
        .into_iter()
        .find(|t| t.kind == "attachment")
        .expect("the attachment task");
    server
        .tasks()
        .complete_task(pb::CompleteTaskRequest {
            task_id: task.id.clone(),
            request_id: "bank-attached".into(),
            outcome: "attached".into(),
            values: [
                ("laid_on", "2026-06-23"),
                ("garnishee_name", "ING Bank N.V."),
                ("garnishee_street", "Bijlmerdreef 106"),
                ("garnishee_postcode", "1102 CT"),
                ("garnishee_city", "Amsterdam"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
            ..Default::default()
        })
        .await
        .expect("CompleteTask");
    drain(&server).await;

    // Fri 26 June: 87 days × 0.20 = 17.40 interest; legal costs 657.57 + 165.42 + 315.42
    // + 109.03 = 1,247.44; total 1,825.00 + 17.40 + 331.24 + 1,247.44 = 3,421.08.
    advance_to(&server, "2026-06-26T08:00:00Z").await;
    let q = quote(&server, &id, "").await;
    assert_eq!(
        figures(&q),
        ["1825.00", "17.40", "273.75", "57.49", "1247.44", "3421.08"]
    );

    // The bank pays the attached 3,421.08: costs 1,247.44 + 331.24 = 1,578.68 first, then
    // interest 17.40, then principal 1,825.00 (art. 6:44 BW).
    let paid = pay(&server, &id, "bank-1", "2026-06-26", "3421.08").await;
    let recorded = paid.recorded.unwrap();
    assert_eq!(
        allocation(&recorded),
        ["1578.68", "17.40", "1825.00", "0.00"]
    );
    // Recorded at the service's instant: 26 June, 08:00 UTC.
    assert_eq!(
        recorded.recorded_at.map(|t| t.seconds),
        Some(
            chrono::DateTime::parse_from_rfc3339("2026-06-26T08:00:00Z")
                .unwrap()
                .timestamp()
        )
    );
    let case = paid.case.unwrap();
    assert_eq!(case.close_reason, pb::CloseReason::Paid as i32);
    // The statement adds up: 1,842.40 to the client + 1,578.68 costs = 3,421.08 received.
    let s = statement(&case);
    assert_eq!(
        [
            &s.received,
            &s.paid_out,
            &s.principal,
            &s.interest,
            &s.office_costs,
            &s.overpaid,
            &s.outstanding
        ],
        [
            "3421.08", "1842.40", "1825.00", "17.40", "1578.68", "0.00", "0.00"
        ]
    );
    drain(&server).await;
    assert_eq!(
        event_kinds(&server, &db, &id).await,
        [
            "case_created",
            "claim_accepted",
            "track_started",
            "document_stored",
            "document_rendered",
            "letter_term_ended",
            "recoverability_proceed",
            "document_stored",
            "document_rendered",
            "summons_approved",
            "summons_served",
            "hearing_held",
            "judgment_registered",
            // The insolvency register is asked again before every execution act (art. 33
            // Fw): before the service of the judgment, and before the attachment.
            "insolvency_recheck",
            "judgment_served",
            "document_stored",
            "document_rendered",
            "order_to_pay_ended",
            "attachment_due",
            "attachment_made",
            // The writ to the bank and its notice to the debtor.
            "document_stored",
            "document_rendered",
            "document_stored",
            "document_rendered",
            "payment_recorded",
            // The final statement and the release of the attachment.
            "document_stored",
            "document_rendered",
            "document_stored",
            "document_rendered",
        ]
    );
    // The dossier: the 14-dagenbrief as sent, the dagvaarding draft, the writ, then the
    // attachment with its notice (both of 23 June) and the final statement with the
    // release (both of 26 June), each pair in either order.
    let documents = documents_of(&server, &id).await;
    let mut kinds: Vec<&str> = documents.iter().map(|(kind, _)| kind.as_str()).collect();
    kinds[3..5].sort_unstable();
    kinds[5..].sort_unstable();
    assert_eq!(
        kinds,
        [
            "fourteen_day_letter",
            "summons",
            "judgment_service",
            "attachment_notice",
            "garnishment",
            "final_statement",
            "release"
        ]
    );
    let text_of = |kind: &str| {
        documents
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, text)| text.clone())
            .unwrap_or_default()
    };
    // The release tells the bank the attachment is lifted, the case being paid.
    assert!(
        text_of("release").contains("omdat de vordering volledig is voldaan"),
        "{}",
        text_of("release")
    );
    assert!(text_of("garnishment").contains("ING Bank N.V."));
    // The letter names the last day to pay, Thu 21 May 2026.
    assert!(documents[0].1.contains("21 mei 2026"), "{}", documents[0].1);
    // The writ of 18 June: 79 days' interest (1 April – 18 June) × 0.20 = 15.80; legal
    // costs 657.57 + this writ 165.42; 1,825.00 + 15.80 + 331.24 + 657.57 + 136.71 +
    // 28.71 = 2,995.03, as QuoteCase has it that day.
    let writ = &documents[2].1;
    for figure in [
        "1.825,00", "15,80", "331,24", "657,57", "136,71", "28,71", "2.995,03",
    ] {
        assert!(writ.contains(figure), "{figure} missing in:\n{writ}");
    }
    assert_eq!(quote(&server, &id, "2026-06-18").await.total_due, "2995.03");
    server.stop().await;
}
on_both_backends!(consumer_never_pays_and_is_executed);

// A partly awarded judgment: from its date the debtor owes what the court awarded, not
// the claim; payments go by art. 6:44 BW over the awarded sums.
async fn a_partly_awarded_judgment_is_executed_as_awarded(db: TestDb) {
    let server = start(&db, "2026-05-04T08:00:00Z").await;
    let id = consumer_case(&server, "S7", "2026-03-31").await;
    advance_to(&server, "2026-05-22T08:00:00Z").await;
    complete(&server, &id, "summons_approval", "approve").await;
    advance_to(&server, "2026-06-17T08:00:00Z").await;
    assert_eq!(get(&server, &id).await.stage, pb::Stage::Judgment as i32);
    // The court awards 1,500.00 with statutory interest from 1 May, 250.00 collection
    // costs and 600.00 legal costs.
    let judged = server
        .cases()
        .register_judgment(pb::RegisterJudgmentRequest {
            case_id: id.clone(),
            request_id: "vonnis-partly".into(),
            judgment: Some(pb::Judgment {
                judgment_date: "2026-06-17".into(),
                kind: pb::judgment::Kind::Contested.into(),
                outcome: pb::judgment::Outcome::PartlyAwarded.into(),
                awarded_principal: "1500.00".into(),
                interest_from: "2026-05-01".into(),
                awarded_collection_costs: "250.00".into(),
                legal_costs: "600.00".into(),
                court_case_number: "11223344 CV EXPL 26-5678".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("RegisterJudgment")
        .into_inner();
    assert_eq!(judged.stage, pb::Stage::Execution as i32, "{}", db.backend);
    // The day before, the claim: 77 days × 0.20 = 15.40; 1,825.00 + 15.40 + 331.24.
    let before = quote(&server, &id, "2026-06-16").await;
    assert_eq!(
        figures(&before),
        ["1825.00", "15.40", "273.75", "57.49", "0.00", "2171.64"]
    );
    // On the judgment's day, the award: 1,500.00 × 4 % × 48 / 365 (1 May – 17 June) =
    // 7.890… → 7.89; 1,500.00 + 7.89 + 250.00 + 600.00 = 2,357.89.
    let on = quote(&server, &id, "2026-06-17").await;
    assert_eq!(
        figures(&on),
        ["1500.00", "7.89", "250.00", "0.00", "600.00", "2357.89"]
    );
    // Served Thu 18 June (Btag 136.71 + VAT 28.71 = 165.42). Paid in full on Fri 19 June:
    // 50 days' interest = 8.219… → 8.22; costs 250.00 + 600.00 + 165.42 = 1,015.42 first,
    // then 8.22 interest, then 1,500.00: 2,523.64.
    advance_to(&server, "2026-06-19T08:00:00Z").await;
    // A plan agreed that morning: its letter states the debt as the track owes it, the
    // award with the legal and execution costs (600.00 + 165.42), not the claim.
    server
        .cases()
        .propose_payment_plan(pb::ProposePaymentPlanRequest {
            case_id: id.clone(),
            request_id: "plan-partly".into(),
            instalments: vec![pb::Instalment {
                due_on: "2026-07-01".into(),
                amount: "2523.64".into(),
                paid: String::new(),
            }],
        })
        .await
        .expect("ProposePaymentPlan");
    drain(&server).await;
    let documents = crate::office::documents_of(&server, &id).await;
    let (_, plan) = documents
        .iter()
        .find(|(kind, _)| kind == "payment_plan")
        .expect("the plan's letter");
    for line in [
        "Hoofdsom (openstaand) € 1.500,00",
        "Incassokosten € 250,00",
        "Proces- en executiekosten € 765,42",
        "Totaal € 2.523,64",
    ] {
        assert!(plan.contains(line), "{line}: {plan}");
    }
    // Paid on Fri 19 June in two parts, with a payout run between them. The first,
    // 2,000.00: costs 250.00 + 600.00 + 165.42 = 1,015.42 first, then 50 days' interest
    // 8.219… → 8.22, then 976.36 of principal; the client's 984.58 is paid out that day.
    let first = pay(&server, &id, "pay-partly-1", "2026-06-19", "2000.00").await;
    assert_eq!(
        allocation(&first.recorded.unwrap()),
        ["1015.42", "8.22", "976.36", "0.00"]
    );
    let run = crate::bank::run(&server, "2026-06-19").await;
    assert_eq!(run.total, "984.58");
    // The rest, 523.64, is principal: paid in full, closed.
    let paid = pay(&server, &id, "pay-partly-2", "2026-06-19", "523.64").await;
    let case = paid.case.unwrap();
    assert_eq!(case.close_reason, pb::CloseReason::Paid as i32);
    assert_eq!(statement(&case).outstanding, "0.00");
    // The client's final statement says so too: the principal as awarded, nothing open
    // (not the 325.00 the court did not award); of the 2,523.64 received the office keeps
    // the costs, the client is owed principal and interest, 1,508.22, of which 984.58 was
    // paid out already.
    drain(&server).await;
    let documents = crate::office::documents_of(&server, &id).await;
    let (_, text) = documents
        .iter()
        .find(|(kind, _)| kind == "final_statement")
        .expect("a final statement");
    for line in [
        "Hoofdsom € 1.500,00",
        "Nog openstaand bij de debiteur € 0,00",
        "Kosten, door kantoor ingehouden € 1.015,42",
        "afdracht € 984,58",
        "Ontvangen, nog aan u af te dragen € 523,64",
        "Wij maken € 523,64 binnen tien werkdagen aan u over",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
    server.stop().await;
}
on_both_backends!(a_partly_awarded_judgment_is_executed_as_awarded);

// Scenario 3: a business debtor in faillissement → stop, closed uncollectable; the
// statement names the curator and advises the VAT reclaim.
async fn bankrupt_business_closes_uncollectable(db: TestDb) {
    let server = start(&db, "2026-05-04T08:00:00Z").await;
    // One invoice of 15,000.00 due 31 Mar 2026 against KvK 99098123 (the fixture
    // register's company in faillissement F.16/21/150, curator mr K. Oopt).
    let id = server
        .cases()
        .create_case(fixtures::business_claim("acme", "S3", "99098123"))
        .await
        .unwrap()
        .into_inner()
        .id;
    // The sommatie of Mon 4 May gives 14 days: Mon 18 May, a working day.
    advance_to(&server, "2026-05-18T08:00:00Z").await;
    let case = get(&server, &id).await;
    assert_eq!(case.letter_term_ends_on, "2026-05-18");
    assert_eq!(case.stage, pb::Stage::Letter as i32);

    advance_to(&server, "2026-05-19T08:00:00Z").await;
    let case = get(&server, &id).await;
    assert_eq!(case.stage, pb::Stage::Closed as i32, "{}", db.backend);
    assert_eq!(case.close_reason, pb::CloseReason::Uncollectable as i32);
    let r = case.recoverability.clone().unwrap();
    assert_eq!(r.verdict, pb::recoverability::Verdict::Stop as i32);
    assert_eq!(r.insolvency_number, "F.16/21/150");
    assert!(r.administrator_name.contains("Oopt"), "{r:?}");

    // Outstanding on Tue 19 May: commercial interest (art. 6:119a) 10.15 % over 49 days:
    // 15,000 × 10.15 % × 49 / 365 = 204.3904 → 204.39; collection costs from 1 April over
    // 15,000: 375 + 250 + 250 + 50 = 925.00, VAT 194.25;
    // 15,000.00 + 204.39 + 925.00 + 194.25 = 16,323.64.
    let s = statement(&case);
    assert_eq!(s.received, "0.00");
    assert_eq!(s.outstanding, "16323.64");
    assert_eq!(s.closed_on, "2026-05-19");
    let advice = s.advice.join(" ");
    assert!(
        advice.contains("Oopt") && advice.contains("F.16/21/150"),
        "{advice}"
    );
    assert!(advice.contains("art. 29 Wet OB 1968"), "{advice}");
    let q = quote(&server, &id, "2026-05-19").await;
    assert_eq!(q.total_due, "16323.64");
    // The client's final statement (eindafrekening) is a document of the case.
    drain(&server).await;
    assert_eq!(
        document_kinds(&server, &id).await,
        ["demand", "final_statement"]
    );
    server.stop().await;
}
on_both_backends!(bankrupt_business_closes_uncollectable);

// Scenario 4: a payment plan of 6 instalments, the 3rd missed → the plan lapses and the
// track resumes; the earlier instalments were allocated by art. 6:44 BW.
async fn a_missed_instalment_lapses_the_plan(db: TestDb) {
    let server = start(&db, "2026-05-04T08:00:00Z").await;
    let id = consumer_case(&server, "S4", "2026-03-31").await;
    advance_to(&server, "2026-05-11T08:00:00Z").await;
    let instalments = [
        "2026-05-15",
        "2026-06-15",
        "2026-07-15",
        "2026-08-15",
        "2026-09-15",
        "2026-10-15",
    ]
    .iter()
    .map(|d| pb::Instalment {
        due_on: (*d).into(),
        amount: "310.00".into(),
        paid: String::new(),
    })
    .collect::<Vec<_>>();
    let planned = server
        .cases()
        .propose_payment_plan(pb::ProposePaymentPlanRequest {
            case_id: id.clone(),
            request_id: "plan-1".into(),
            instalments: instalments.clone(),
        })
        .await
        .expect("ProposePaymentPlan")
        .into_inner();
    assert_eq!(planned.suspension, pb::Suspension::PaymentPlan as i32);
    // The confirmation letter is rendered and stored in the dossier.
    drain(&server).await;
    assert_eq!(
        document_kinds(&server, &id).await,
        ["fourteen_day_letter", "payment_plan"]
    );
    assert_eq!(
        planned.payment_plan.unwrap().resumes_stage,
        pb::Stage::Letter as i32
    );

    // 15 May: 45 days × 0.20 = 9.00 interest, the rest 301.00 to principal → 1,524.00.
    advance_to(&server, "2026-05-15T08:00:00Z").await;
    let p1 = pay(&server, &id, "i-1", "2026-05-15", "310.00").await;
    assert_eq!(
        allocation(&p1.recorded.unwrap()),
        ["0.00", "9.00", "301.00", "0.00"]
    );

    // The term ran out on 21 May with 1,524.00 unpaid: costs from 22 May, 15 % = 228.60,
    // VAT 48.006 → 48.01 (the plan pauses the track, not the law). 15 June: costs 276.61
    // first; then interest 16 May–15 June, 31 days: 1,524 × 4 % × 31 / 365 = 5.1774 →
    // 5.18; principal 310.00 − 276.61 − 5.18 = 28.21 → 1,495.79.
    advance_to(&server, "2026-06-15T08:00:00Z").await;
    let case = get(&server, &id).await;
    assert_eq!(
        case.stage,
        pb::Stage::Letter as i32,
        "paused: still the letter stage"
    );
    let p2 = pay(&server, &id, "i-2", "2026-06-15", "310.00").await;
    assert_eq!(
        allocation(&p2.recorded.unwrap()),
        ["276.61", "5.18", "28.21", "0.00"]
    );

    // Nothing on 15 July; 7 grace days end 22 July; the check on 23 July lapses the plan,
    // and the letter's deferred timer fires: recoverability, then the summons draft.
    advance_to(&server, "2026-07-22T20:00:00Z").await;
    assert_eq!(
        get(&server, &id).await.suspension,
        pb::Suspension::PaymentPlan as i32
    );
    advance_to(&server, "2026-07-23T08:00:00Z").await;
    let case = get(&server, &id).await;
    let plan = case.payment_plan.clone().unwrap();
    assert!(plan.lapsed);
    assert_eq!(
        plan.instalments
            .iter()
            .map(|i| i.paid.as_str())
            .collect::<Vec<_>>(),
        ["310.00", "310.00", "0.00", "0.00", "0.00", "0.00"]
    );
    assert_eq!(case.suspension, pb::Suspension::None as i32);
    assert_eq!(case.stage, pb::Stage::Summons as i32, "{}", db.backend);
    // Service Fri 24 July; + 7 = Fri 31 July; hearing Mon 3 August.
    assert_eq!(case.summons.unwrap().hearing_date, "2026-08-03");

    // 23 July: 38 days on 1,495.79: 1,495.79 × 4 % × 38 / 365 = 6.2290 → 6.23;
    // 1,495.79 + 6.23 = 1,502.02; costs paid; 620.00 paid.
    let q = quote(&server, &id, "").await;
    assert_eq!(
        figures(&q),
        ["1495.79", "6.23", "0.00", "0.00", "0.00", "1502.02"]
    );
    assert_eq!(q.paid, "620.00");
    let kinds = event_kinds(&server, &db, &id).await;
    assert!(
        kinds.ends_with(&[
            "instalment_kept".to_owned(),
            "payment_recorded".to_owned(),
            "instalment_kept".to_owned(),
            "plan_lapsed".to_owned(),
            "letter_term_ended".to_owned(),
            "recoverability_proceed".to_owned(),
            // The dagvaarding draft, rendered into the dossier.
            "document_stored".to_owned(),
            "document_rendered".to_owned(),
        ]),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"timer_deferred".to_owned()));
    server.stop().await;
}
on_both_backends!(a_missed_instalment_lapses_the_plan);

// Scenario 5: dispute → hold → resume; the client's withdrawal closes the case.
async fn hold_resume_and_withdraw(db: TestDb) {
    let server = start(&db, "2026-05-04T08:00:00Z").await;
    let id = consumer_case(&server, "S5", "2026-03-31").await;
    advance_to(&server, "2026-05-11T08:00:00Z").await;
    let held = server
        .cases()
        .put_on_hold(pb::PutOnHoldRequest {
            case_id: id.clone(),
            request_id: "hold-1".into(),
            reason: pb::put_on_hold_request::Reason::Dispute.into(),
            note: "debtor says the meter reading is wrong".into(),
        })
        .await
        .expect("PutOnHold")
        .into_inner();
    assert_eq!(held.suspension, pb::Suspension::OnHold as i32);
    let twice = server
        .cases()
        .put_on_hold(pb::PutOnHoldRequest {
            case_id: id.clone(),
            request_id: "hold-2".into(),
            reason: pb::put_on_hold_request::Reason::Dispute.into(),
            note: String::new(),
        })
        .await
        .expect_err("already on hold");
    assert_eq!(twice.code(), Code::FailedPrecondition);

    // The term ends 21 May while on hold: the stage stays.
    advance_to(&server, "2026-06-01T08:00:00Z").await;
    let case = get(&server, &id).await;
    assert_eq!(case.stage, pb::Stage::Letter as i32, "{}", db.backend);
    // Mon 1 June: 62 days × 0.20 = 12.40; costs 331.24 (the term ran out);
    // 1,825.00 + 12.40 + 331.24 = 2,168.64.
    let q = quote(&server, &id, "").await;
    assert_eq!(
        figures(&q),
        ["1825.00", "12.40", "273.75", "57.49", "0.00", "2168.64"]
    );

    let resumed = server
        .cases()
        .resume(pb::ResumeRequest {
            case_id: id.clone(),
            request_id: "resume-1".into(),
            note: "dispute settled".into(),
        })
        .await
        .expect("Resume")
        .into_inner();
    assert_eq!(resumed.suspension, pb::Suspension::None as i32);
    drain(&server).await;
    let case = get(&server, &id).await;
    assert_eq!(case.stage, pb::Stage::Summons as i32);
    // Drafted Mon 1 June: service Tue 2 June; + 7 = Tue 9 June; hearing Wed 10 June.
    assert_eq!(case.summons.unwrap().hearing_date, "2026-06-10");

    let withdrawn = server
        .cases()
        .withdraw_case(pb::WithdrawCaseRequest {
            case_id: id.clone(),
            request_id: "w-1".into(),
            reason: "settled directly with the debtor".into(),
        })
        .await
        .expect("WithdrawCase")
        .into_inner();
    assert_eq!(withdrawn.close_reason, pb::CloseReason::Withdrawn as i32);
    // 1 June and 1 minute: still 2,168.64 outstanding, nothing received.
    let s = statement(&withdrawn);
    assert_eq!([&s.received, &s.outstanding], ["0.00", "2168.64"]);
    assert!(withdrawn.close_note.contains("settled directly"));
    let closed = server
        .cases()
        .resume(pb::ResumeRequest {
            case_id: id.clone(),
            request_id: "resume-2".into(),
            note: String::new(),
        })
        .await
        .expect_err("closed");
    assert_eq!(closed.code(), Code::FailedPrecondition);
    drain(&server).await;
    let kinds = event_kinds(&server, &db, &id).await;
    assert_eq!(
        kinds,
        [
            "case_created",
            "claim_accepted",
            "track_started",
            "document_stored",
            "document_rendered",
            "put_on_hold",
            "timer_deferred",
            "resumed",
            "letter_term_ended",
            "recoverability_proceed",
            "document_stored",
            "document_rendered",
            "withdrawn",
            "document_stored",
            "document_rendered",
        ]
    );
    server.stop().await;
}
on_both_backends!(hold_resume_and_withdraw);

// The office gives up on a case: closed as uncollectable with its reason, which is
// required; a retry answers the same case.
async fn the_office_closes_a_case_as_uncollectable(db: TestDb) {
    let server = start(&db, "2026-05-04T08:00:00Z").await;
    let id = consumer_case(&server, "S5u", "2026-03-31").await;
    advance_to(&server, "2026-05-11T08:00:00Z").await;
    let close = |request_id: &str, reason: &str| {
        let mut cases = server.cases();
        let request = pb::CloseUncollectableRequest {
            case_id: id.clone(),
            request_id: request_id.into(),
            reason: reason.into(),
        };
        async move { cases.close_uncollectable(request).await }
    };
    let refused = close("u-0", "  ").await.expect_err("no reason");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(crate::harness::bad_fields(&refused), ["reason"]);
    assert_eq!(get(&server, &id).await.stage, pb::Stage::Letter as i32);
    let closed = close("u-1", "debtor died without estate")
        .await
        .expect("CloseUncollectable")
        .into_inner();
    assert_eq!(closed.stage, pb::Stage::Closed as i32);
    assert_eq!(closed.close_reason, pb::CloseReason::Uncollectable as i32);
    assert!(closed.close_note.contains("debtor died without estate"));
    assert_ne!(statement(&closed).outstanding, "0.00");
    let again = close("u-1", "debtor died without estate")
        .await
        .expect("a retry")
        .into_inner();
    assert_eq!(again.version, closed.version, "answered, not applied twice");
    let twice = close("u-2", "again").await.expect_err("closed already");
    assert_eq!(twice.code(), Code::FailedPrecondition);
    server.stop().await;
}
on_both_backends!(the_office_closes_a_case_as_uncollectable);

// Intake: a claim below the client's minimum for legal action (default € 500.00) waits
// for a person before any letter; `proceed` sends it that day.
async fn a_claim_below_the_minimum_waits_for_review_at_intake(db: TestDb) {
    let server = start(&db, "2026-05-04T08:00:00Z").await;
    let mut request = fixtures::consumer_claim("acme", "SMALL");
    request.invoices = vec![pb::Invoice {
        number: "F-9".into(),
        invoice_date: String::new(),
        due_date: "2026-03-31".into(),
        amount: "499.99".into(),
    }];
    let id = server
        .cases()
        .create_case(request)
        .await
        .expect("CreateCase")
        .into_inner()
        .id;
    // Past the 16:00 cut-off of Mon 4 May: no letter, a review task instead.
    advance_to(&server, "2026-05-04T15:00:00Z").await;
    let case = get(&server, &id).await;
    assert_eq!(case.stage, pb::Stage::Intake as i32, "{}", db.backend);
    assert!(case.letter_sent_on.is_empty());
    // Tue 5 May, a person lets it go on: the 14-dagenbrief goes out that day. Received on
    // the 2nd delivery day, Thu 7 May (5 May is no delivery day); 14 days → Thu 21 May.
    advance_to(&server, "2026-05-05T08:00:00Z").await;
    let task = complete(&server, &id, "intake_review", "proceed").await;
    assert!(
        task.details_json.contains("minimum for legal action"),
        "{}",
        task.details_json
    );
    let case = get(&server, &id).await;
    assert_eq!(case.stage, pb::Stage::Letter as i32);
    assert_eq!(case.letter_sent_on, "2026-05-05");
    assert_eq!(case.letter_term_ends_on, "2026-05-21");
    server.stop().await;
}
on_both_backends!(a_claim_below_the_minimum_waits_for_review_at_intake);

// Scenario 6: a term ending on a Saturday, Sunday or holiday runs on to the next working
// day (Algemene termijnenwet).
async fn terms_ending_on_weekends_and_holidays_run_on(db: TestDb) {
    // Sent Thu 9 Apr 2026: delivery days Fri 10 (1), Sat 11 (2) → received Sat 11 Apr;
    // + 14 = Sat 25 Apr → Sun 26 → Mon 27 Apr is Koningsdag → Tue 28 Apr.
    let server = start(&db, "2026-04-09T08:00:00Z").await;
    let id = consumer_case(&server, "S6a", "2026-02-28").await;
    advance_to(&server, "2026-04-28T20:00:00Z").await;
    let case = get(&server, &id).await;
    assert_eq!(case.letter_sent_on, "2026-04-09");
    assert_eq!(case.letter_term_ends_on, "2026-04-28", "{}", db.backend);
    assert_eq!(case.stage, pb::Stage::Letter as i32);
    // Due 28 Feb: on 28 Apr 59 days; 1,825 × 4 % × 59 / 365 = 11.80; no costs yet.
    let q = quote(&server, &id, "2026-04-28").await;
    assert_eq!(
        figures(&q),
        ["1825.00", "11.80", "0.00", "0.00", "0.00", "1836.80"]
    );
    // From Wed 29 Apr the costs are owed: 60 days → 12.00; 1,825 + 12.00 + 331.24.
    let q = quote(&server, &id, "2026-04-29").await;
    assert_eq!(
        figures(&q),
        ["1825.00", "12.00", "273.75", "57.49", "0.00", "2168.24"]
    );
    advance_to(&server, "2026-04-29T08:00:00Z").await;
    assert_ne!(get(&server, &id).await.stage, pb::Stage::Letter as i32);
    server.stop().await;

    // Sent Thu 19 Mar 2026: received Sat 21 Mar; + 14 = Sat 4 Apr → Sun 5 Apr (Easter) →
    // Mon 6 Apr, Easter Monday → Tue 7 Apr.
    let db2 = if db.backend == "sqlite" {
        TestDb::sqlite()
    } else {
        TestDb::postgres()
    };
    let server = start(&db2, "2026-03-19T09:00:00Z").await;
    let id = consumer_case(&server, "S6b", "2026-02-28").await;
    advance_to(&server, "2026-03-20T09:00:00Z").await;
    let case = get(&server, &id).await;
    assert_eq!(case.letter_sent_on, "2026-03-19");
    assert_eq!(case.letter_term_ends_on, "2026-04-07");
    server.stop().await;
}
on_both_backends!(terms_ending_on_weekends_and_holidays_run_on);

/// A payment plan whose first instalment is too late, and a payment in the future, are
/// refused with reasons; nothing is recorded.
async fn bad_commands_are_refused(db: TestDb) {
    let server = start(&db, "2026-05-04T08:00:00Z").await;
    let id = consumer_case(&server, "S7", "2026-03-31").await;
    let late = server
        .cases()
        .propose_payment_plan(pb::ProposePaymentPlanRequest {
            case_id: id.clone(),
            request_id: "p".into(),
            instalments: vec![pb::Instalment {
                due_on: "2026-07-01".into(),
                amount: "100.00".into(),
                paid: String::new(),
            }],
        })
        .await
        .expect_err("first instalment beyond 30 days");
    assert_eq!(late.code(), Code::FailedPrecondition, "{late:?}");
    let future = server
        .cases()
        .record_payment(pb::RecordPaymentRequest {
            case_id: id.clone(),
            request_id: "f".into(),
            payment: Some(pb::Payment {
                paid_on: "2026-05-05".into(),
                amount: "1.00".into(),
                ..Default::default()
            }),
        })
        .await
        .expect_err("future payment");
    assert_eq!(future.code(), Code::FailedPrecondition);
    let bad = server
        .cases()
        .record_payment(pb::RecordPaymentRequest::default())
        .await
        .expect_err("empty");
    assert_eq!(bad.code(), Code::InvalidArgument);
    assert!(get(&server, &id).await.payments.is_empty());
    server.stop().await;
}
on_both_backends!(bad_commands_are_refused);

/// The letter told the debtor whether the collection costs carry VAT: a later change of
/// the client's VAT position changes nothing on that case, only on letters still to come.
async fn the_letters_vat_position_stays_with_its_case(db: TestDb) {
    let server = start(&db, "2026-05-04T08:00:00Z").await;
    let sent = consumer_case(&server, "VAT-1", "2026-03-01").await;
    advance_to(&server, "2026-05-06T08:00:00Z").await; // the 14-dagenbrief goes out
    assert!(!get(&server, &sent).await.letter_sent_on.is_empty());
    let quote = |id: String| {
        let server = &server;
        async move {
            server
                .cases()
                .quote_case(pb::QuoteCaseRequest {
                    case_id: id,
                    as_of: "2026-06-30".into(),
                })
                .await
                .expect("QuoteCase")
                .into_inner()
        }
    };
    let before = quote(sent.clone()).await;
    assert_ne!(
        before.collection_costs_vat, "0.00",
        "acme cannot deduct VAT"
    );
    let mut changed = fixtures::client("acme");
    changed.vat_deductible = true;
    server
        .admin()
        .put_client(pb::PutClientRequest {
            client: Some(changed),
        })
        .await
        .expect("PutClient");
    assert_eq!(quote(sent).await, before, "the letter's figures stand");
    let later = consumer_case(&server, "VAT-2", "2026-03-01").await;
    advance_to(&server, "2026-05-08T08:00:00Z").await;
    assert_eq!(quote(later).await.collection_costs_vat, "0.00");
    server.stop().await;
}
on_both_backends!(the_letters_vat_position_stays_with_its_case);
