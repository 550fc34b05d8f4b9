//! Money in and out (issue 15): a camt.053 statement written by hand from the standard
//! (`tests/fixtures/camt053/statement.xml`) booked through the real server, the tasks and
//! the storno; payouts to the client with a pain.001 that validates against the official
//! XSD, reconciled to the cent; the client's overview as the sum of its cases; bad files
//! refused with nothing booked.
//!
//! The cases, all for acme, invoices due Sun 1 Mar 2026, created Mon 4 May 2026:
//! - A: business debtor, € 1,000.00, IBAN NL38RABO0300000001: pays 500.00 by reference;
//! - B: consumer, € 800.00, NL86INGB0002445588: pays 250.00 by reference, which the bank
//!   takes back the next day (storno, AC04);
//! - C: consumer, € 300.00, NL19ABNA0999999990, and D: business, € 300.00, the same IBAN:
//!   300.00 without a reference fits both (ambiguous);
//! - E: consumer, € 75.00, NL63TRIO0212345678: pays 75.00 without a reference (matched by
//!   IBAN and amount);
//! - and 123.45 from an unknown account (unmatched), entry 1 twice (duplicate), a
//!   transfer out (skipped).

use std::collections::HashMap;

use exploot::proto as pb;
use tonic::Code;

use crate::harness::{TestDb, TestServer, bad_fields, fixtures, on_both_backends};

const STATEMENT: &str = include_str!("../fixtures/camt053/statement.xml");
const CAMT_XSD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/iso20022/camt.053.001.02.xsd"
);
const PAIN_XSD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/iso20022/pain.001.001.03.xsd"
);

fn at(s: &str) -> prost_types::Timestamp {
    let t = chrono::DateTime::parse_from_rfc3339(s).unwrap();
    prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: 0,
    }
}

fn claim(reference: &str, business: bool, iban: &str, amount: &str) -> pb::CreateCaseRequest {
    let mut request = if business {
        fixtures::business_claim("acme", reference, "69599084")
    } else {
        fixtures::consumer_claim("acme", reference)
    };
    let debtor = request.debtor.as_mut().unwrap();
    debtor.iban = iban.into();
    request.invoices = vec![pb::Invoice {
        number: format!("F-{reference}"),
        invoice_date: String::new(),
        due_date: "2026-03-01".into(),
        amount: amount.into(),
    }];
    request
}

/// The server with the cases of the module comment, its clock on Fri 8 May 2026, and the
/// statement with A's and B's payment references put in.
struct World {
    server: TestServer,
    ids: HashMap<&'static str, String>,
    statement: String,
}

async fn world(db: &TestDb) -> World {
    let server = TestServer::start_at(
        db,
        chrono::DateTime::parse_from_rfc3339("2026-05-04T08:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc),
    )
    .await;
    fixtures::put_client(&server, "acme").await;
    let mut ids = HashMap::new();
    for (name, business, iban, amount) in [
        ("A", true, "NL38RABO0300000001", "1000.00"),
        ("B", false, "NL86INGB0002445588", "800.00"),
        ("C", false, "NL19ABNA0999999990", "300.00"),
        ("D", true, "NL19ABNA0999999990", "300.00"),
        ("E", false, "NL63TRIO0212345678", "75.00"),
    ] {
        let case = server
            .cases()
            .create_case(claim(name, business, iban, amount))
            .await
            .expect("CreateCase")
            .into_inner();
        ids.insert(name, case.id);
    }
    server
        .admin()
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::To(at(
                "2026-05-08T08:00:00Z",
            ))),
        })
        .await
        .expect("AdvanceClock");
    let statement = STATEMENT
        .replace("${REF_A}", &reference(&server, &ids["A"]).await)
        .replace("${REF_B}", &reference(&server, &ids["B"]).await);
    World {
        server,
        ids,
        statement,
    }
}

/// The payment reference a debtor of the case writes on the transfer.
async fn reference(server: &TestServer, case_id: &str) -> String {
    server
        .cases()
        .get_case(pb::GetCaseRequest {
            case_id: case_id.into(),
        })
        .await
        .expect("GetCase")
        .into_inner()
        .payment_reference
}

async fn import(
    server: &TestServer,
    bytes: &[u8],
) -> Result<pb::ImportBankStatementResponse, tonic::Status> {
    let chunks: Vec<pb::ImportBankStatementRequest> = bytes
        .chunks(1000)
        .map(|c| pb::ImportBankStatementRequest {
            chunk: c.to_vec(),
            file_name: String::new(),
        })
        .collect();
    server
        .intake()
        .import_bank_statement(tokio_stream::iter(chunks))
        .await
        .map(tonic::Response::into_inner)
}

async fn case(server: &TestServer, id: &str) -> pb::Case {
    server
        .cases()
        .get_case(pb::GetCaseRequest { case_id: id.into() })
        .await
        .expect("GetCase")
        .into_inner()
}

/// A case's payments: (id, paid on, amount).
async fn payments(server: &TestServer, id: &str) -> Vec<(String, String, String)> {
    case(server, id)
        .await
        .payments
        .into_iter()
        .map(|p| {
            let payment = p.payment.unwrap_or_default();
            (p.id, payment.paid_on, payment.amount)
        })
        .collect()
}

async fn total_due(server: &TestServer, id: &str, as_of: &str) -> String {
    server
        .cases()
        .quote_case(pb::QuoteCaseRequest {
            case_id: id.into(),
            as_of: as_of.into(),
        })
        .await
        .expect("QuoteCase")
        .into_inner()
        .total_due
}

async fn unmatched_tasks(server: &TestServer) -> Vec<pb::Task> {
    let mut tasks: Vec<pb::Task> = server
        .tasks()
        .list_tasks(pb::ListTasksRequest {
            queue: "case_handler".into(),
            state: pb::TaskState::Open.into(),
            page_size: 100,
            ..Default::default()
        })
        .await
        .expect("ListTasks")
        .into_inner()
        .tasks
        .into_iter()
        .filter(|t| t.kind == "unmatched_payment")
        .collect();
    tasks.sort_by_key(|t| detail(t, "amount"));
    tasks
}

fn detail(task: &pb::Task, key: &str) -> String {
    let details: serde_json::Value = serde_json::from_str(&task.details_json).unwrap();
    match &details[key] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

async fn complete(server: &TestServer, task: &pb::Task, outcome: &str, case_id: &str) {
    let mut values = HashMap::new();
    if !case_id.is_empty() {
        values.insert("case_id".to_owned(), case_id.to_owned());
    }
    server
        .tasks()
        .complete_task(pb::CompleteTaskRequest {
            task_id: task.id.clone(),
            request_id: format!("resolve-{}", task.id),
            outcome: outcome.into(),
            note: String::new(),
            values,
        })
        .await
        .expect("CompleteTask");
}

fn xmllint(schema: &str, xml: &[u8]) {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), xml).unwrap();
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--schema", schema])
        .arg(file.path())
        .output()
        .expect("xmllint (Debian: libxml2-utils)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

on_both_backends!(a_statement_books_exactly_the_expected_payments);
async fn a_statement_books_exactly_the_expected_payments(db: TestDb) {
    let w = world(&db).await;
    let s = &w.server;
    xmllint(CAMT_XSD, STATEMENT.as_bytes());
    xmllint(CAMT_XSD, w.statement.as_bytes());
    let b_owed_before = total_due(s, &w.ids["B"], "2026-05-08").await;

    let answer = import(s, w.statement.as_bytes()).await.expect("import");
    use pb::bank_entry_outcome::Outcome;
    let outcomes: Vec<(String, Outcome, String)> = answer
        .entries
        .iter()
        .map(|e| {
            (
                e.position.clone(),
                Outcome::try_from(e.outcome).unwrap(),
                e.case_id.clone(),
            )
        })
        .collect();
    let id = |n: &str| w.ids[n].clone();
    assert_eq!(
        outcomes,
        vec![
            ("1".into(), Outcome::Booked, id("A")),
            ("2".into(), Outcome::Booked, id("B")),
            ("3".into(), Outcome::Unmatched, String::new()),
            ("4".into(), Outcome::Ambiguous, String::new()),
            ("5".into(), Outcome::Duplicate, String::new()),
            ("6".into(), Outcome::Booked, id("E")),
            ("7".into(), Outcome::Reversed, id("B")),
            ("8".into(), Outcome::Skipped, String::new()),
        ]
    );
    assert_eq!(
        (
            answer.booked,
            answer.unmatched,
            answer.duplicates,
            answer.reversed,
            answer.skipped
        ),
        (3, 2, 1, 1, 1)
    );
    assert_eq!(answer.booked_amount, "825.00");
    assert_eq!(answer.account, "NL20INGB0001234567");

    // Exactly these payments, on their booking dates.
    let a = payments(s, &w.ids["A"]).await;
    assert_eq!(
        a,
        vec![(
            "bank:2026050600000001".into(),
            "2026-05-06".into(),
            "500.00".into()
        )]
    );
    assert_eq!(
        payments(s, &w.ids["E"]).await,
        vec![(
            "bank:2026050600000005".into(),
            "2026-05-06".into(),
            "75.00".into()
        )]
    );
    assert!(payments(s, &w.ids["C"]).await.is_empty());
    assert!(payments(s, &w.ids["D"]).await.is_empty());
    // B's 250.00 came and went: it owes to the cent what it owed before.
    assert!(payments(s, &w.ids["B"]).await.is_empty());
    assert_eq!(total_due(s, &w.ids["B"], "2026-05-08").await, b_owed_before);

    // Two tasks for a person, to the cent; the ambiguous one names both cases.
    let tasks = unmatched_tasks(s).await;
    assert_eq!(tasks.len(), 2);
    assert_eq!(detail(&tasks[0], "amount"), "123.45");
    assert_eq!(detail(&tasks[0], "debtor_iban"), "NL68SNSB0901234567");
    assert_eq!(tasks[0].outcomes, vec!["book", "refund"]);
    assert_eq!(detail(&tasks[1], "amount"), "300.00");
    let mut named: Vec<String> = serde_json::from_str(&detail(&tasks[1], "candidates")).unwrap();
    named.sort();
    let mut both = vec![id("C"), id("D")];
    both.sort();
    assert_eq!(named, both);

    // Imported again: nothing booked twice, no task twice.
    let again = import(s, w.statement.as_bytes())
        .await
        .expect("import again");
    assert_eq!(
        (
            again.booked,
            again.unmatched,
            again.duplicates,
            again.reversed
        ),
        (0, 0, 8, 0)
    );
    assert_eq!(payments(s, &w.ids["A"]).await, a);
    assert_eq!(unmatched_tasks(s).await.len(), 2);

    // Two people book the ambiguous 300.00 on C at once: one of them does, the other is
    // told the task is no longer open.
    let book_on_c = |request_id: &str| {
        let mut tasks_api = s.tasks();
        let request = pb::CompleteTaskRequest {
            task_id: tasks[1].id.clone(),
            request_id: request_id.into(),
            outcome: "book".into(),
            note: String::new(),
            values: HashMap::from([("case_id".to_owned(), id("C"))]),
        };
        async move { tasks_api.complete_task(request).await }
    };
    let (first, second) = tokio::join!(book_on_c("desk-1"), book_on_c("desk-2"));
    let refused: Vec<tonic::Code> = [first, second]
        .into_iter()
        .filter_map(|r| r.err().map(|e| e.code()))
        .collect();
    assert_eq!(refused, [tonic::Code::FailedPrecondition], "{}", db.backend);
    // The unknown payer's bank takes its 123.45 back (AC04) before anyone decided: the
    // credit is reversed and its task closed, so nobody books money the bank took back.
    let storno = r#"<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>053D-STORNO</MsgId><CreDtTm>2026-05-08T22:00:00</CreDtTm></GrpHdr><Stmt><Id>S-STORNO</Id><CreDtTm>2026-05-08T22:00:00</CreDtTm><Acct><Id><IBAN>NL20INGB0001234567</IBAN></Id></Acct><Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-05-08</Dt></Dt></Bal><Ntry><Amt Ccy="EUR">123.45</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd><Sts>BOOK</Sts><BookgDt><Dt>2026-05-08</Dt></BookgDt><ValDt><Dt>2026-05-08</Dt></ValDt><AcctSvcrRef>STORNO-1</AcctSvcrRef><BkTxCd><Prtry><Cd>RTRN</Cd><Issr>ING</Issr></Prtry></BkTxCd><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>S. Smit</Nm></Dbtr><DbtrAcct><Id><IBAN>NL68SNSB0901234567</IBAN></Id></DbtrAcct></RltdPties><RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>"#;
    xmllint(CAMT_XSD, storno.as_bytes());
    let taken = import(s, storno.as_bytes())
        .await
        .expect("import the storno");
    assert_eq!((taken.reversed, taken.unmatched), (1, 0));
    assert!(unmatched_tasks(s).await.is_empty());
    assert_eq!(
        payments(s, &w.ids["C"]).await,
        vec![(
            "bank:2026050600000004".into(),
            "2026-05-06".into(),
            "300.00".into()
        )]
    );
    assert!(unmatched_tasks(s).await.is_empty());

    // ReversePayment: E's 75.00 taken back; a later 10.00 is allocated again as if the
    // 75.00 had never come, to the cent the same as on a twin case that only got 10.00.
    let twin = s
        .cases()
        .create_case(claim("E2", false, "", "75.00"))
        .await
        .unwrap()
        .into_inner()
        .id;
    for case_id in [&w.ids["E"], &twin] {
        s.cases()
            .record_payment(pb::RecordPaymentRequest {
                case_id: case_id.clone(),
                request_id: "ten".into(),
                payment: Some(pb::Payment {
                    paid_on: "2026-05-07".into(),
                    amount: "10.00".into(),
                    ..Default::default()
                }),
            })
            .await
            .expect("RecordPayment");
    }
    let reversed = s
        .cases()
        .reverse_payment(pb::ReversePaymentRequest {
            case_id: w.ids["E"].clone(),
            request_id: "storno-e".into(),
            payment_id: "bank:2026050600000005".into(),
            reversed_on: "2026-05-08".into(),
            reason: "MD06".into(),
        })
        .await
        .expect("ReversePayment")
        .into_inner();
    let twin_case = case(s, &twin).await;
    let split = |p: &pb::RecordedPayment| {
        (
            p.to_costs.clone(),
            p.to_interest.clone(),
            p.to_principal.clone(),
            p.overpaid.clone(),
        )
    };
    assert_eq!(reversed.payments.len(), 1);
    assert_eq!(split(&reversed.payments[0]), split(&twin_case.payments[0]));
    assert_eq!(
        total_due(s, &w.ids["E"], "2026-05-08").await,
        total_due(s, &twin, "2026-05-08").await
    );
    // A payment the case does not have: FAILED_PRECONDITION, nothing changed.
    let status = s
        .cases()
        .reverse_payment(pb::ReversePaymentRequest {
            case_id: w.ids["E"].clone(),
            request_id: "storno-x".into(),
            payment_id: "nope".into(),
            reversed_on: "2026-05-08".into(),
            reason: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    // A RecordPayment retried after its payment was taken back answers that payment, as
    // any retry does, not INTERNAL.
    let ten = twin_case.payments[0].id.clone();
    s.cases()
        .reverse_payment(pb::ReversePaymentRequest {
            case_id: twin.clone(),
            request_id: "storno-ten".into(),
            payment_id: ten.clone(),
            reversed_on: "2026-05-08".into(),
            reason: "MD06".into(),
        })
        .await
        .expect("ReversePayment");
    let retried = s
        .cases()
        .record_payment(pb::RecordPaymentRequest {
            case_id: twin.clone(),
            request_id: "ten".into(),
            payment: Some(pb::Payment {
                paid_on: "2026-05-07".into(),
                amount: "10.00".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("the retry answers the first call's payment")
        .into_inner();
    assert_eq!(retried.recorded.expect("recorded").id, ten);
    // A statement format the contract does not have is named, not taken for a PDF.
    let status = s
        .payouts()
        .get_payout_statement(pb::GetPayoutStatementRequest {
            payout_id: "any".into(),
            format: 7,
        })
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&status), ["format"]);
}

on_both_backends!(a_bad_statement_books_nothing);

/// A bank that gives only an NtryRef, numbered afresh each day: the next day's entry 1 is
/// another payment, booked, not dropped as a duplicate; the same file again books nothing.
/// And a file's entries are booked in date order.
async fn a_reference_numbered_per_day_is_not_a_duplicate(db: TestDb) {
    let w = world(&db).await;
    let s = &w.server;
    let b = reference(s, &w.ids["B"]).await;
    let day = |day: &str, amount: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>053D-{day}</MsgId><CreDtTm>{day}T22:00:00</CreDtTm></GrpHdr><Stmt><Id>S-{day}</Id><CreDtTm>{day}T22:00:00</CreDtTm><Acct><Id><IBAN>NL20INGB0001234567</IBAN></Id></Acct><Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal><Ntry><NtryRef>1</NtryRef><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><BkTxCd><Prtry><Cd>TRF</Cd><Issr>ING</Issr></Prtry></BkTxCd><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>B. Bakker</Nm></Dbtr><DbtrAcct><Id><IBAN>NL86INGB0002445588</IBAN></Id></DbtrAcct></RltdPties><RmtInf><Strd><CdtrRefInf><Ref>{b}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>"#
        )
    };
    let first = day("2026-05-06", "100.00");
    let second = day("2026-05-07", "50.00");
    xmllint(CAMT_XSD, first.as_bytes());
    for (file, booked) in [(&first, 1), (&second, 1), (&second, 0), (&first, 0)] {
        let answer = import(s, file.as_bytes()).await.expect("import");
        assert_eq!(
            (answer.booked, answer.duplicates),
            (booked, 1 - booked),
            "{answer:?}"
        );
    }
    assert_eq!(case(s, &w.ids["B"]).await.payments.len(), 2);
    // Within a file, an entry dated earlier than one before it is booked first: a case
    // takes no payment dated before its last one.
    let entry = |reference: &str, day: &str, amount: &str| {
        format!(
            r#"<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{reference}</AcctSvcrRef><BkTxCd><Prtry><Cd>TRF</Cd><Issr>ING</Issr></Prtry></BkTxCd><NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf><Ref>{b}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>"#
        )
    };
    let out_of_order = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>053D-LATE</MsgId><CreDtTm>2026-05-08T22:00:00</CreDtTm></GrpHdr><Stmt><Id>S-LATE</Id><CreDtTm>2026-05-08T22:00:00</CreDtTm><Acct><Id><IBAN>NL20INGB0001234567</IBAN></Id></Acct><Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-05-08</Dt></Dt></Bal>{}{}</Stmt></BkToCstmrStmt></Document>"#,
        entry("LATE-2", "2026-05-08", "20.00"),
        entry("LATE-1", "2026-05-07", "30.00"),
    );
    xmllint(CAMT_XSD, out_of_order.as_bytes());
    let answer = import(s, out_of_order.as_bytes()).await.expect("import");
    assert_eq!(answer.booked, 2, "{answer:?}");
    let paid: Vec<String> = case(s, &w.ids["B"])
        .await
        .payments
        .iter()
        .map(|p| p.payment.as_ref().expect("payment").paid_on.clone())
        .collect();
    assert_eq!(
        paid,
        ["2026-05-06", "2026-05-07", "2026-05-07", "2026-05-08"]
    );
    w.server.stop().await;
}
on_both_backends!(a_reference_numbered_per_day_is_not_a_duplicate);
async fn a_bad_statement_books_nothing(db: TestDb) {
    let w = world(&db).await;
    let s = &w.server;
    let refused = |status: tonic::Status| {
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        let details = {
            use tonic_types::StatusExt;
            status.get_details_bad_request().unwrap().field_violations
        };
        (bad_fields(&status), details[0].description.clone())
    };
    // A file name with a control character: named, the file not read.
    let named = s
        .intake()
        .import_bank_statement(tokio_stream::iter([pb::ImportBankStatementRequest {
            chunk: w.statement.as_bytes().to_vec(),
            file_name: "mt940\u{1b}[2J.xml".into(),
        }]))
        .await
        .expect_err("a bad file name");
    assert_eq!(refused(named).0, ["file_name"]);
    // Truncated half-way.
    let half = &w.statement.as_bytes()[..w.statement.len() / 2];
    let (fields, why) = refused(import(s, half).await.unwrap_err());
    assert_eq!(fields, vec!["file"]);
    assert!(why.contains("not well-formed XML"), "{why}");
    // A statement of another account.
    let other = w
        .statement
        .replace("NL20INGB0001234567", "NL91ABNA0417164300");
    let (fields, why) = refused(import(s, other.as_bytes()).await.unwrap_err());
    assert_eq!(fields, vec!["Document/BkToCstmrStmt/Stmt/Acct/Id/IBAN"]);
    assert!(
        why.contains("not of the office's third-party account"),
        "{why}"
    );
    // A wrong IBAN (a typo in the check digits).
    let typo = w
        .statement
        .replace("NL20INGB0001234567", "NL21INGB0001234567");
    let (fields, why) = refused(import(s, typo.as_bytes()).await.unwrap_err());
    assert_eq!(fields, vec!["Document/BkToCstmrStmt/Stmt[1]/Acct/Id/IBAN"]);
    assert!(why.contains("check digits"), "{why}");
    // The last entry malformed: the good entries before it are not booked either.
    let last = w.statement.replace(
        r#"<Amt Ccy="EUR">100.00</Amt>"#,
        r#"<Amt Ccy="EUR">1OO.00</Amt>"#,
    );
    let (fields, _) = refused(import(s, last.as_bytes()).await.unwrap_err());
    assert_eq!(fields, vec!["Document/BkToCstmrStmt/Stmt[1]/Ntry[8]/Amt"]);
    // Not a statement at all.
    let (fields, _) = refused(import(s, b"%PDF-1.7 not xml").await.unwrap_err());
    assert_eq!(fields, vec!["file"]);

    for name in ["A", "B", "C", "D", "E"] {
        assert!(payments(s, &w.ids[name]).await.is_empty(), "case {name}");
    }
    assert!(unmatched_tasks(s).await.is_empty());
    // Nothing was kept either: the good file books in full afterwards.
    let answer = import(s, w.statement.as_bytes()).await.expect("import");
    assert_eq!((answer.booked, answer.duplicates), (3, 1));
}

fn cents(amount: &str) -> i64 {
    let d: rust_decimal::Decimal = amount.parse().unwrap();
    i64::try_from((d * rust_decimal::Decimal::ONE_HUNDRED).trunc().mantissa()).unwrap()
}

pub(crate) async fn run(server: &TestServer, up_to: &str) -> pb::PayoutRun {
    run_as(server, up_to, "").await.expect("RunPayouts")
}

async fn run_as(
    server: &TestServer,
    up_to: &str,
    request_id: &str,
) -> Result<pb::PayoutRun, tonic::Status> {
    server
        .payouts()
        .run_payouts(pb::RunPayoutsRequest {
            up_to_date: up_to.into(),
            request_id: request_id.into(),
        })
        .await
        .map(tonic::Response::into_inner)
}

on_both_backends!(payouts_reconcile_to_the_cent_and_pay_once);
async fn payouts_reconcile_to_the_cent_and_pay_once(db: TestDb) {
    let w = world(&db).await;
    let s = &w.server;
    import(s, w.statement.as_bytes()).await.expect("import");
    let tasks = unmatched_tasks(s).await;
    complete(s, &tasks[1], "book", &w.ids["C"]).await; // the ambiguous 300.00 is C's
    // The unknown 123.45 goes back to its payer: decided once, booked nowhere.
    complete(s, &tasks[0], "refund", "").await;
    assert!(unmatched_tasks(s).await.is_empty());
    // D's debtor paid the client 50.00 directly; the client says so itself.
    fixtures::put_client(s, "other").await;
    let acme = s.as_client("acme").await;
    acme.cases()
        .record_payment(pb::RecordPaymentRequest {
            case_id: w.ids["D"].clone(),
            request_id: "direct-1".into(),
            payment: Some(pb::Payment {
                paid_on: "2026-05-07".into(),
                amount: "50.00".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("RecordPayment by the client");

    // What the ledger says each payment went to.
    let mut to_client = 0;
    let mut to_office = 0;
    let mut invoiced = 0;
    let mut overpaid = 0;
    for name in ["A", "B", "C", "D", "E"] {
        for p in case(s, &w.ids[name]).await.payments {
            let direct = p.payment.as_ref().is_some_and(|p| p.paid_to_client);
            assert_eq!(direct, name == "D", "{name}");
            if direct {
                invoiced += cents(&p.to_costs);
            } else {
                to_client += cents(&p.to_interest) + cents(&p.to_principal);
                overpaid += cents(&p.overpaid);
            }
            to_office += cents(&p.to_costs);
        }
    }
    // D's 50.00 all went to the collection costs (a business debtor owes them at once).
    assert_eq!(invoiced, 5_000);

    let first = run_as(s, "2026-05-08", "run-0508")
        .await
        .expect("RunPayouts");
    // Money leaving the third-party account is on record with who sent it.
    let run_id = first.id.clone();
    let audited = s
        .store
        .run(move |conn| exploot::store::admin_events::about(conn, &run_id))
        .await
        .expect("admin events");
    assert_eq!(
        audited.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["payout_run"]
    );
    assert!(audited[0].actor.ends_with("/admin"), "{:?}", audited[0]);
    assert!(audited[0].payload.contains(&first.message_id));
    // The answer lost, the retry under the same request id is the same run, its file
    // included; the id for another day is refused.
    let retried = run_as(s, "2026-05-08", "run-0508").await.expect("retry");
    assert!(!first.id.is_empty());
    assert_eq!(
        (
            &retried.id,
            &retried.message_id,
            &retried.total,
            &retried.pain001
        ),
        (&first.id, &first.message_id, &first.total, &first.pain001)
    );
    assert_eq!(retried.payouts, first.payouts);
    let reused = run_as(s, "2026-05-07", "run-0508")
        .await
        .expect_err("another day");
    assert_eq!(reused.code(), Code::AlreadyExists);
    assert_eq!(first.payouts.len(), 1, "{first:?}");
    let payout = &first.payouts[0];
    assert_eq!(payout.client_id, "acme");
    assert_eq!(payout.iban, "NL91ABNA0417164300");
    assert_eq!(cents(&payout.received), 50_000 + 7_500 + 30_000 + 5_000);
    assert_eq!(cents(&payout.to_client), to_client);
    assert_eq!(cents(&payout.to_office), to_office);
    assert_eq!(cents(&payout.invoiced), invoiced);
    assert_eq!(cents(&payout.amount), to_client - invoiced);
    assert_eq!(first.total, payout.amount);
    // The books reconcile to the cent: what came into the account (the statement's
    // credits less the storno) = paid out to the client + the office's share of it + held
    // (the unmatched 123.45 and anything overpaid).
    let into_account = 50_000 + 25_000 + 12_345 + 30_000 + 7_500 - 25_000;
    assert_eq!(
        into_account,
        to_client + (to_office - invoiced) + 12_345 + overpaid
    );

    // The client's bank returns the transfer (account closed, AC04): no debtor's payment
    // to book, a task naming the payout instead, with nothing to do but check it.
    let returned = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>053D-RET</MsgId><CreDtTm>2026-05-08T22:00:00</CreDtTm></GrpHdr><Stmt><Id>S-RET</Id><CreDtTm>2026-05-08T22:00:00</CreDtTm><Acct><Id><IBAN>NL20INGB0001234567</IBAN></Id></Acct><Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-05-08</Dt></Dt></Bal><Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-05-08</Dt></BookgDt><ValDt><Dt>2026-05-08</Dt></ValDt><AcctSvcrRef>RET-1</AcctSvcrRef><BkTxCd><Prtry><Cd>RTRN</Cd><Issr>ING</Issr></Prtry></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs><RltdPties><Dbtr><Nm>Acme</Nm></Dbtr><DbtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></DbtrAcct></RltdPties><RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>"#,
        amount = payout.amount,
        e2e = payout.end_to_end_id
    );
    xmllint(CAMT_XSD, returned.as_bytes());
    let answer = import(s, returned.as_bytes())
        .await
        .expect("import the return");
    assert_eq!((answer.booked, answer.unmatched), (0, 1));
    let task = unmatched_tasks(s)
        .await
        .into_iter()
        .find(|t| t.title.contains("came back"))
        .expect("a task for the returned payout");
    assert_eq!(task.outcomes, ["checked"]);
    assert!(task.title.contains(&payout.id), "{}", task.title);
    assert!(task.title.contains("AC04"), "{}", task.title);
    assert!(task.title.contains("pays it again"), "{}", task.title);
    complete(s, &task, "checked", "").await;
    // The client gives a new account; the next run pays the returned payout's lines again,
    // to it, to the cent, and only once.
    let mut client = s
        .admin()
        .get_client(pb::GetClientRequest {
            client_id: "acme".into(),
        })
        .await
        .expect("GetClient")
        .into_inner();
    client.iban = "NL02ABNA0123456789".into();
    s.admin()
        .put_client(pb::PutClientRequest {
            client: Some(client),
        })
        .await
        .expect("PutClient");
    let again = run(s, "2026-05-08").await;
    let [repaid] = again.payouts.as_slice() else {
        panic!("one payout again: {again:?}");
    };
    assert_eq!(
        (repaid.amount.as_str(), repaid.iban.as_str()),
        (payout.amount.as_str(), "NL02ABNA0123456789")
    );
    // Only the client's share came back: the office's and what was received stay settled.
    assert_eq!(
        (repaid.received.as_str(), repaid.to_office.as_str()),
        ("0.00", "0.00")
    );
    assert!(run(s, "2026-05-08").await.payouts.is_empty(), "paid once");

    // The pain.001 validates against the official XSD and pays exactly that.
    xmllint(PAIN_XSD, &first.pain001);
    let pain = String::from_utf8(first.pain001.clone()).unwrap();
    assert!(pain.contains(&format!("<CtrlSum>{}</CtrlSum>", first.total)));
    assert!(pain.contains("<DbtrAcct><Id><IBAN>NL20INGB0001234567</IBAN>"));
    assert!(pain.contains("<CdtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN>"));
    assert!(pain.contains(&format!(
        "<InstdAmt Ccy=\"EUR\">{}</InstdAmt>",
        payout.amount
    )));

    // The statement: per case received, to the client, to the office; it adds up.
    let csv = s
        .payouts()
        .get_payout_statement(pb::GetPayoutStatementRequest {
            payout_id: payout.id.clone(),
            format: pb::get_payout_statement_request::Format::Csv.into(),
        })
        .await
        .expect("statement CSV")
        .into_inner();
    assert_eq!(csv.media_type, "text/csv");
    let text = String::from_utf8(csv.content).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows.iter().map(|r| cents(r[5])).sum::<i64>(),
        cents(&payout.amount)
    );
    assert_eq!(rows.iter().map(|r| cents(r[6])).sum::<i64>(), to_office);
    let pdf = acme
        .payouts()
        .get_payout_statement(pb::GetPayoutStatementRequest {
            payout_id: payout.id.clone(),
            format: pb::get_payout_statement_request::Format::Pdf.into(),
        })
        .await
        .expect("the client reads its own statement")
        .into_inner();
    assert!(pdf.content.starts_with(b"%PDF"));
    let stranger = s.as_client("other").await;
    let status = stranger
        .payouts()
        .get_payout_statement(pb::GetPayoutStatementRequest {
            payout_id: payout.id.clone(),
            format: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);

    // Run again: nothing is paid twice.
    let second = run(s, "2026-05-08").await;
    assert!(second.id.is_empty() && second.payouts.is_empty() && second.pain001.is_empty());

    // The client's overview: its figures are the sums over its cases.
    s.cases()
        .put_on_hold(pb::PutOnHoldRequest {
            case_id: w.ids["B"].clone(),
            request_id: "hold-b".into(),
            reason: pb::put_on_hold_request::Reason::ClientInstruction.into(),
            note: "klant overlegt met debiteur".into(),
        })
        .await
        .expect("PutOnHold");
    let overview = acme
        .payouts()
        .client_overview(pb::ClientOverviewRequest {
            client_id: "acme".into(),
            as_of: "2026-05-08".into(),
        })
        .await
        .expect("ClientOverview")
        .into_inner();
    assert_eq!(overview.cases.len(), 5);
    let sum =
        |f: fn(&pb::CaseLine) -> &str| overview.cases.iter().map(|c| cents(f(c))).sum::<i64>();
    assert_eq!(cents(&overview.outstanding), sum(|c| &c.outstanding));
    assert_eq!(cents(&overview.received), sum(|c| &c.received));
    assert_eq!(cents(&overview.paid_out), sum(|c| &c.paid_out));
    assert_eq!(cents(&overview.paid_out), cents(&payout.amount));
    assert_eq!(cents(&overview.received), 50_000 + 7_500 + 30_000 + 5_000);
    let mut owed = 0;
    for c in &overview.cases {
        let quoted = if c.stage == "closed" {
            0
        } else {
            cents(&total_due(s, &c.case_id, "2026-05-08").await)
        };
        assert_eq!(cents(&c.outstanding), quoted, "{}", c.client_reference);
        owed += quoted;
        assert_eq!(c.days_past_due, 68); // 1 March to 8 May
    }
    assert_eq!(cents(&overview.outstanding), owed);
    let open = overview
        .cases
        .iter()
        .filter(|c| c.stage != "closed")
        .count();
    assert_eq!(overview.open_cases as usize, open);
    assert_eq!(
        overview.stages.iter().map(|s| s.cases).sum::<i32>(),
        overview.open_cases
    );
    assert_eq!(
        overview
            .stages
            .iter()
            .map(|s| cents(&s.outstanding))
            .sum::<i64>(),
        owed
    );
    let aging: Vec<(String, i32)> = overview
        .aging
        .iter()
        .map(|b| (b.bucket.clone(), b.cases))
        .collect();
    assert_eq!(
        aging,
        vec![
            ("0-30".into(), 0),
            ("31-60".into(), 0),
            ("61-90".into(), overview.open_cases),
            ("90+".into(), 0)
        ]
    );
    let waiting: Vec<&str> = overview
        .waiting_for_client
        .iter()
        .map(|c| c.client_reference.as_str())
        .collect();
    // B is on hold on the client's instruction; C, D and E are below acme's minimum for
    // legal action, so their intake review (go on or close) waits for the client's word.
    assert_eq!(waiting, vec!["B", "C", "D", "E"]);
    assert_eq!(String::from_utf8(overview.csv).unwrap().lines().count(), 6);
    assert!(overview.pdf.starts_with(b"%PDF"));
    let status = stranger
        .payouts()
        .client_overview(pb::ClientOverviewRequest {
            client_id: "acme".into(),
            as_of: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);

    // A payment taken back after it was paid out is taken back from the client: a
    // negative line, no transfer.
    let c_payment = case(s, &w.ids["C"]).await.payments[0].clone();
    let reverse_on = |day: &str| pb::ReversePaymentRequest {
        case_id: w.ids["C"].clone(),
        request_id: format!("storno-c-{day}"),
        payment_id: c_payment.id.clone(),
        reversed_on: day.into(),
        reason: "FRAD".into(),
    };
    // Not on a day to come (today is Fri 8 May).
    let ahead = s
        .cases()
        .reverse_payment(reverse_on("2026-05-09"))
        .await
        .expect_err("tomorrow");
    assert_eq!(ahead.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&ahead), ["reversed_on"]);
    s.cases()
        .reverse_payment(reverse_on("2026-05-08"))
        .await
        .expect("ReversePayment");
    // Even a run up to the day before: the money has gone by the time it runs.
    let third = run(s, "2026-05-07").await;
    assert_eq!(third.payouts.len(), 1);
    let back = &third.payouts[0];
    assert_eq!(
        cents(&back.to_client),
        -(cents(&c_payment.to_interest) + cents(&c_payment.to_principal))
    );
    assert_eq!(cents(&back.received), -30_000);
    assert_eq!(back.amount, "0.00");
    assert!(third.pain001.is_empty());
    assert!(run(s, "2026-05-08").await.payouts.is_empty());
    // That shortfall is set off against the client's next payout, not forgotten.
    let shortfall = -cents(&back.to_client);
    assert!(shortfall > 0);
    s.cases()
        .record_payment(pb::RecordPaymentRequest {
            case_id: w.ids["D"].clone(),
            request_id: "after-the-storno".into(),
            payment: Some(pb::Payment {
                paid_on: "2026-05-08".into(),
                amount: "400.00".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("RecordPayment");
    let fourth = run(s, "2026-05-08").await;
    let [next] = fourth.payouts.as_slice() else {
        panic!("one payout: {fourth:?}");
    };
    assert!(cents(&next.to_client) > shortfall, "{next:?}");
    assert_eq!(
        cents(&next.amount),
        cents(&next.to_client) - cents(&next.invoiced) - shortfall,
        "{next:?}"
    );
    // That payout comes back: paid again, the shortfall still set off (the returned one
    // set off nothing, as it paid nothing).
    let back_again = returned
        .replace(&payout.amount, &next.amount)
        .replace(&payout.end_to_end_id, &next.end_to_end_id)
        .replace("RET-1", "RET-2")
        .replace("053D-RET", "053D-RET2")
        .replace("S-RET", "S-RET2");
    import(s, back_again.as_bytes())
        .await
        .expect("import the second return");
    let fifth = run(s, "2026-05-08").await;
    let [paid_again] = fifth.payouts.as_slice() else {
        panic!("one payout: {fifth:?}");
    };
    assert_eq!(paid_again.amount, next.amount, "{paid_again:?}");
    // Another run for the same day at the same time (the clock stands still here) is
    // another message: a bank refuses a MsgId it has seen.
    assert_eq!(first.message_id.len(), 35, "{}", first.message_id);
    assert_ne!(third.message_id, first.message_id);
}

/// `exploot bank-import FILE` against the real server: the same booking as the RPC, and
/// a refused file exits non-zero naming the element, nothing booked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bank_import_command_books_the_statement() {
    let w = world(&TestDb::sqlite()).await;
    let dir = tempfile::tempdir().unwrap();
    let run = |file: std::path::PathBuf| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_exploot"));
        command
            .arg("bank-import")
            .arg(file)
            .args(["--server", &w.server.endpoint])
            .env("EXPLOOT_TOKEN", &w.server.token)
            .env("RUST_LOG", "warn");
        async move {
            tokio::task::spawn_blocking(move || command.output())
                .await
                .unwrap()
                .expect("run exploot bank-import")
        }
    };
    let bad = dir.path().join("other.xml");
    std::fs::write(
        &bad,
        w.statement
            .replace("NL20INGB0001234567", "NL91ABNA0417164300"),
    )
    .unwrap();
    let out = run(bad).await;
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Document/BkToCstmrStmt/Stmt/Acct/Id/IBAN")
            && stderr.contains("nothing was booked"),
        "{stderr}"
    );
    let good = dir.path().join("statement.xml");
    std::fs::write(&good, &w.statement).unwrap();
    let out = run(good).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("booked        3  (825.00)"), "{stdout}");
    assert_eq!(payments(&w.server, &w.ids["A"]).await.len(), 1);
}
