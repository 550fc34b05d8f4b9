//! ImportClaims end to end: batches, duplicates, conflicts, rejections, broken streams
//! and a killed server, on both backends.

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use exploot::cli::bearer::AuthChannel;
use exploot::proto::intake_service_client::IntakeServiceClient;
use exploot::proto::{self as pb, import_claims_response::Outcome};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Endpoint;

use crate::harness::fixtures::{business_claim, consumer_claim, put_client};
use crate::harness::server::{Caller, default_start, wait_serving};
use crate::harness::{TestDb, TestServer, eventually, on_both_backends};
use exploot::case::PaymentReference;
use exploot::workflow::Role;

/// Row `i` of a generated import: consumers and businesses, 1–3 invoices, some below the
/// €500 minimum for legal action.
fn good_row(client: &str, i: usize) -> pb::ImportClaimsRequest {
    let reference = format!("IMP-{i:06}");
    let claim = if i.is_multiple_of(2) {
        consumer_claim(client, &reference)
    } else {
        business_claim(client, &reference, &format!("{:08}", 10_000_000 + i))
    };
    let invoices = (0..1 + i % 3)
        .map(|n| pb::Invoice {
            number: format!("F-{i}-{n}"),
            invoice_date: "2026-01-10".into(),
            due_date: "2026-02-09".into(),
            amount: format!("{}.{:02}", 50 + (i * 37 + n * 11) % 900, i % 100),
        })
        .collect();
    pb::ImportClaimsRequest {
        client_id: claim.client_id,
        row: i64::try_from(i).unwrap() + 2,
        client_reference: claim.client_reference,
        debtor: claim.debtor,
        invoices,
        notes: claim.notes,
    }
}

/// Whether row `i` of the generated file is a bad one: 3 in every 100.
fn is_bad(i: usize) -> bool {
    matches!(i % 100, 7 | 42 | 77)
}

/// Row `i`, spoilt if it is a bad one, and the fields its rejection must name.
fn row(client: &str, i: usize) -> (pb::ImportClaimsRequest, Vec<&'static str>) {
    let mut r = good_row(client, i);
    if !is_bad(i) {
        return (r, Vec::new());
    }
    let debtor = r.debtor.as_mut().unwrap();
    let fields = match (i / 100) % 5 {
        0 => {
            r.invoices[0].amount = "-5".into();
            vec!["invoices[0].amount"]
        }
        1 => {
            debtor.address.as_mut().unwrap().postcode = "12".into();
            vec!["debtor.address.postcode"]
        }
        2 => {
            r.invoices[0].due_date = "2027-01-01".into();
            vec!["invoices[0].due_date"]
        }
        3 => {
            debtor.kind = pb::DebtorKind::Business.into();
            debtor.date_of_birth = String::new();
            debtor.kvk_number = "123".into();
            vec!["debtor.kvk_number"]
        }
        _ => {
            debtor.name = " ".into();
            r.invoices[0].number = String::new();
            vec!["debtor.name", "invoices[0].number"]
        }
    };
    (r, fields)
}

fn rows(client: &str, n: usize) -> Vec<pb::ImportClaimsRequest> {
    (0..n).map(|i| row(client, i).0).collect()
}

/// Streams `requests` and collects every answer.
async fn import(
    mut client: IntakeServiceClient<AuthChannel>,
    requests: Vec<pb::ImportClaimsRequest>,
) -> Vec<pb::ImportClaimsResponse> {
    let mut answers = client
        .import_claims(tokio_stream::iter(requests))
        .await
        .expect("ImportClaims")
        .into_inner();
    let mut all = Vec::new();
    while let Some(answer) = answers.message().await.expect("an outcome") {
        all.push(answer);
    }
    all
}

fn outcome(a: &pb::ImportClaimsResponse) -> Outcome {
    Outcome::try_from(a.outcome).expect("known outcome")
}

/// Every case of `client`, by reference.
async fn stored(channel: &AuthChannel, client: &str) -> HashMap<String, pb::Case> {
    let mut cases = pb::case_service_client::CaseServiceClient::new(channel.clone());
    let mut all = HashMap::new();
    let mut token = String::new();
    loop {
        let page = cases
            .list_cases(pb::ListCasesRequest {
                client_id: client.into(),
                page_size: 1000,
                page_token: token,
                ..Default::default()
            })
            .await
            .expect("ListCases")
            .into_inner();
        for case in page.cases {
            let previous = all.insert(case.client_reference.clone(), case);
            assert!(previous.is_none(), "one case per reference");
        }
        if page.next_page_token.is_empty() {
            return all;
        }
        token = page.next_page_token;
    }
}

async fn ten_thousand_rows_with_three_percent_bad_then_again(db: TestDb) {
    const N: usize = 10_000;
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let answers = import(server.intake(), rows("acme", N)).await;
    assert_eq!(answers.len(), N, "one outcome per row");
    let rows_in_order: Vec<i64> = answers.iter().map(|a| a.row).collect();
    assert!(
        rows_in_order.windows(2).all(|w| w[0] < w[1]),
        "in row order"
    );

    let mut ids = HashMap::new();
    let mut below_minimum = 0;
    for (i, answer) in answers.iter().enumerate() {
        let (request, bad_fields) = row("acme", i);
        assert_eq!(answer.row, request.row);
        assert_eq!(answer.client_reference, request.client_reference);
        if bad_fields.is_empty() {
            assert_eq!(outcome(answer), Outcome::Accepted, "row {i}: {answer:?}");
            assert!(!answer.case_id.is_empty());
            let principal: rust_decimal::Decimal = request
                .invoices
                .iter()
                .map(|inv| inv.amount.parse::<rust_decimal::Decimal>().unwrap())
                .sum();
            let warned = principal < rust_decimal::Decimal::from(500);
            assert_eq!(!answer.warnings.is_empty(), warned, "row {i}: {answer:?}");
            below_minimum += usize::from(warned);
            ids.insert(answer.client_reference.clone(), answer.case_id.clone());
        } else {
            assert_eq!(outcome(answer), Outcome::Rejected, "row {i}: {answer:?}");
            assert!(answer.case_id.is_empty());
            let mut fields: Vec<&str> =
                answer.violations.iter().map(|v| v.field.as_str()).collect();
            fields.sort_unstable();
            assert_eq!(fields, bad_fields, "row {i}");
        }
    }
    assert_eq!(ids.len(), N - 300, "3 % bad");
    assert!(below_minimum > 0, "the generator makes some small claims");

    let cases = stored(&server.channel, "acme").await;
    assert_eq!(
        cases.len(),
        N - 300,
        "{}: every good row stored once",
        db.backend
    );
    for (reference, id) in &ids {
        assert_eq!(&cases[reference].id, id);
    }
    let sample = &cases["IMP-000005"];
    let expected = good_row("acme", 5);
    assert_eq!(
        sample.invoices, expected.invoices,
        "invoices stored as sent"
    );
    assert_eq!(sample.debtor, expected.debtor);
    assert_eq!(
        sample.accepted_on, "2026-05-04",
        "before the cut-off: that day"
    );

    let again = import(server.intake(), rows("acme", N)).await;
    assert_eq!(again.len(), N);
    for (i, answer) in again.iter().enumerate() {
        if is_bad(i) {
            assert_eq!(outcome(answer), Outcome::Rejected, "row {i}");
        } else {
            assert_eq!(outcome(answer), Outcome::Duplicate, "row {i}: {answer:?}");
            assert_eq!(answer.case_id, ids[&answer.client_reference]);
        }
    }
    assert_eq!(stored(&server.channel, "acme").await.len(), N - 300);
    server.stop().await;
}
on_both_backends!(ten_thousand_rows_with_three_percent_bad_then_again);

/// Done-when of issue 15: a batch of rows is written in one statement per table, and
/// every case in it still gets a betalingskenmerk of its own whose check digit holds; the
/// old `EX-` + timestamp digits printed the same reference for a whole batch.
async fn ten_thousand_imported_claims_get_ten_thousand_payment_references(db: TestDb) {
    const N: usize = 10_000;
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let requests: Vec<_> = (0..N).map(|i| good_row("acme", i)).collect();
    let answers = import(server.intake(), requests).await;
    assert!(answers.iter().all(|a| outcome(a) == Outcome::Accepted));
    let cases = stored(&server.channel, "acme").await;
    assert_eq!(cases.len(), N);
    let references: HashSet<&str> = cases
        .values()
        .map(|case| case.payment_reference.as_str())
        .collect();
    assert_eq!(
        references.len(),
        N,
        "{}: one reference per case",
        db.backend
    );
    for reference in references {
        let parsed = PaymentReference::parse(reference)
            .unwrap_or_else(|e| panic!("{reference:?} does not validate: {e}"));
        assert_eq!(parsed.as_str(), reference, "stored as 16 digits");
    }
    server.stop().await;
}
on_both_backends!(ten_thousand_imported_claims_get_ten_thousand_payment_references);

/// Claims the law's quote could not handle are refused at the door, row by row: a due
/// date before the interest tables begin, an invoice beyond a trillion euros (a hundred of
/// them once made the principal overflow and ended the whole stream). The rows around
/// them are stored.
async fn claims_that_could_never_be_quoted_are_rejected_per_row(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let mut huge = good_row("acme", 2);
    huge.invoices = (0..100)
        .map(|n| pb::Invoice {
            number: format!("H-{n}"),
            invoice_date: String::new(),
            due_date: "2026-02-09".into(),
            amount: "999999999999999.99".into(),
        })
        .collect();
    let mut ancient = good_row("acme", 3); // a business: commercial rates from 2002-08-08
    ancient.invoices.truncate(1);
    ancient.invoices[0].invoice_date = String::new();
    ancient.invoices[0].due_date = "2001-06-01".into();
    let mut before_1976 = good_row("acme", 4); // a consumer: statutory rates from 1976-04-01
    before_1976.invoices.truncate(1);
    before_1976.invoices[0].invoice_date = String::new();
    before_1976.invoices[0].due_date = "1970-01-01".into();
    let answers = import(
        server.intake(),
        vec![
            good_row("acme", 1),
            huge.clone(),
            ancient.clone(),
            before_1976,
            good_row("acme", 5),
        ],
    )
    .await;
    let seen: Vec<(Outcome, Vec<&str>)> = answers
        .iter()
        .map(|a| {
            let mut fields: Vec<&str> = a.violations.iter().map(|v| v.field.as_str()).collect();
            fields.dedup();
            (outcome(a), fields.into_iter().take(1).collect())
        })
        .collect();
    assert_eq!(
        seen,
        [
            (Outcome::Accepted, vec![]),
            (Outcome::Rejected, vec!["invoices[0].amount"]),
            (Outcome::Rejected, vec!["invoices[0].due_date"]),
            (Outcome::Rejected, vec!["invoices[0].due_date"]),
            (Outcome::Accepted, vec![]),
        ]
    );
    assert_eq!(answers[1].violations.len(), 100, "each invoice named");
    // CreateCase answers the same, naming the field.
    let refused = server
        .cases()
        .create_case(pb::CreateCaseRequest {
            client_id: ancient.client_id,
            client_reference: ancient.client_reference,
            debtor: ancient.debtor,
            invoices: ancient.invoices,
            notes: String::new(),
        })
        .await
        .expect_err("not quotable");
    assert_eq!(
        crate::harness::bad_fields(&refused),
        ["invoices[0].due_date"]
    );
    // A date of birth before 1900 is a typing error, named as such.
    let mut old = consumer_claim("acme", "DOB-1");
    old.debtor.as_mut().expect("debtor").date_of_birth = "1800-01-01".into();
    let refused = server
        .cases()
        .create_case(old)
        .await
        .expect_err("born 1800");
    assert_eq!(
        crate::harness::bad_fields(&refused),
        ["debtor.date_of_birth"]
    );
    server.stop().await;
}
on_both_backends!(claims_that_could_never_be_quoted_are_rejected_per_row);

async fn duplicates_conflicts_unknown_clients_and_the_cut_off(db: TestDb) {
    // Friday 8 May 2026 16:30 in Amsterdam: after the cut-off, so handled Monday 11 May.
    let after_cutoff = chrono::DateTime::parse_from_rfc3339("2026-05-08T14:30:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let server = TestServer::start_at(&db, after_cutoff).await;
    put_client(&server, "acme").await;
    server
        .admin()
        .put_track_policy(pb::PutTrackPolicyRequest {
            policy: Some(pb::TrackPolicy {
                client_id: "acme".into(),
                minimum_for_legal_action: "2000.00".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("PutTrackPolicy");
    let first = good_row("acme", 1);
    let mut changed = first.clone();
    changed.row = 4;
    changed.invoices[0].amount = "1.00".into();
    let mut repeated = first.clone();
    repeated.row = 3;
    let mut stranger = good_row("nobody", 2);
    stranger.row = 5;
    let answers = import(
        server.intake(),
        vec![first.clone(), repeated, changed, stranger],
    )
    .await;
    let kinds: Vec<Outcome> = answers.iter().map(outcome).collect();
    assert_eq!(
        kinds,
        [
            Outcome::Accepted,
            Outcome::Duplicate,
            Outcome::Conflict,
            Outcome::Rejected
        ],
        "{answers:?}"
    );
    assert_eq!(answers[1].case_id, answers[0].case_id, "the same case");
    assert_eq!(
        answers[2].case_id, answers[0].case_id,
        "names the existing case"
    );
    assert_eq!(answers[3].violations.len(), 1);
    assert_eq!(answers[3].violations[0].field, "client_id");
    assert_eq!(
        answers[0].warnings.len(),
        1,
        "below the client's €2.000 minimum"
    );
    assert!(
        answers[0].warnings[0].contains("€ 2.000,00"),
        "{:?}",
        answers[0].warnings
    );

    let case = server
        .cases()
        .get_case(pb::GetCaseRequest {
            case_id: answers[0].case_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        case.accepted_on, "2026-05-11",
        "after Friday's cut-off: Monday"
    );
    assert_eq!(case.policy_version, 2);
    assert_eq!(case.warnings, answers[0].warnings);

    // The same claim through CreateCase is the same case: one set of rules.
    let mut create = consumer_claim("acme", &first.client_reference);
    create.debtor = first.debtor.clone();
    create.invoices = first.invoices.clone();
    create.notes = first.notes.clone();
    create.client_reference = first.client_reference.clone();
    let created = server
        .cases()
        .create_case(create)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.id, answers[0].case_id);
    server.stop().await;
}
on_both_backends!(duplicates_conflicts_unknown_clients_and_the_cut_off);

async fn two_imports_racing_on_the_same_rows_store_each_once(db: TestDb) {
    const N: usize = 2_000;
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let (a, b) = tokio::join!(
        import(server.intake(), rows("acme", N)),
        import(server.intake(), rows("acme", N))
    );
    for i in 0..N {
        let pair = (outcome(&a[i]), outcome(&b[i]));
        if is_bad(i) {
            assert_eq!(pair, (Outcome::Rejected, Outcome::Rejected));
        } else {
            assert!(
                matches!(
                    pair,
                    (Outcome::Accepted, Outcome::Duplicate)
                        | (Outcome::Duplicate, Outcome::Accepted)
                ),
                "row {i}: {pair:?}"
            );
            assert_eq!(a[i].case_id, b[i].case_id);
        }
    }
    assert_eq!(stored(&server.channel, "acme").await.len(), N - 60);
    server.stop().await;
}
on_both_backends!(two_imports_racing_on_the_same_rows_store_each_once);

/// A reference repeated with other content across the last two batches of one stream
/// (batches hold 2,000 rows on SQLite, 1,000 on PostgreSQL): the earlier row creates the
/// case and the later one is the conflict, however fast the small last batch is decided.
async fn a_repeated_reference_is_the_earlier_rows_case(db: TestDb) {
    const N: usize = 2_001;
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let mut requests: Vec<pb::ImportClaimsRequest> =
        (0..N - 1).map(|i| good_row("acme", i)).collect();
    let mut again = good_row("acme", 1_998);
    again.row = i64::try_from(N).unwrap() + 1;
    again.invoices[0].amount = "999.99".into();
    requests.push(again);
    let answers = import(server.intake(), requests).await;
    assert_eq!(answers.len(), N);
    assert_the_earlier_row_is_the_case(&answers, 1_998, N - 1);
    server.stop().await;
}
on_both_backends!(a_repeated_reference_is_the_earlier_rows_case);

/// The answers at `earlier` and `later` carry one reference: the earlier created the case,
/// the later (other content) is its conflict.
fn assert_the_earlier_row_is_the_case(
    answers: &[pb::ImportClaimsResponse],
    earlier: usize,
    later: usize,
) {
    let (first, last) = (&answers[earlier], &answers[later]);
    assert_eq!(first.client_reference.trim(), last.client_reference.trim());
    assert_eq!(outcome(first), Outcome::Accepted, "{first:?}");
    assert_eq!(outcome(last), Outcome::Conflict, "{last:?}");
    assert_eq!(first.case_id, last.case_id);
}

/// References repeated with other content in the same or the next batch, two batches
/// later, and in the one-row last batch with a trailing space (stored trimmed: the same
/// reference), 1,000 rows a batch on PostgreSQL, where a batch is written beside the one
/// before it unless they share a reference (2,000 on SQLite): each time the earlier row is
/// the case and the later one the conflict.
async fn references_repeated_batches_apart_stay_the_earlier_rows(db: TestDb) {
    const N: usize = 3_000;
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let mut requests: Vec<pb::ImportClaimsRequest> = (0..N).map(|i| good_row("acme", i)).collect();
    let repeats = [(600, 1_100), (10, 2_000), (2_990, N)];
    for (earlier, at) in repeats {
        let mut again = good_row("acme", earlier);
        again.row = i64::try_from(at).unwrap() + 2;
        again.invoices[0].amount = "999.99".into();
        if at < N {
            requests[at] = again;
        } else {
            again.client_reference.push(' ');
            requests.push(again);
        }
    }
    let answers = import(server.intake(), requests).await;
    assert_eq!(answers.len(), N + 1);
    for (earlier, later) in repeats {
        assert_the_earlier_row_is_the_case(&answers, earlier, later);
    }
    server.stop().await;
}
on_both_backends!(references_repeated_batches_apart_stay_the_earlier_rows);

/// Streams the first `sent` of `n` rows through a channel, collects outcomes until `acks`
/// have come, then drops both directions: the client is gone mid-import. Returns the
/// acknowledged rows.
async fn import_cut_after(
    channel: &AuthChannel,
    client: &str,
    n: usize,
    sent: usize,
    acks: usize,
) -> HashMap<String, String> {
    let (send, requests) = mpsc::channel(64);
    let mut intake = pb::intake_service_client::IntakeServiceClient::new(channel.clone());
    let client = client.to_owned();
    let feeder = tokio::spawn(async move {
        for r in rows(&client, n).into_iter().take(sent) {
            if send.send(r).await.is_err() {
                return;
            }
        }
        // Keep the request side open: the cut, not the end of the rows, stops the import.
        std::future::pending::<()>().await;
    });
    let mut answers = intake
        .import_claims(ReceiverStream::new(requests))
        .await
        .expect("ImportClaims")
        .into_inner();
    let mut acked = HashMap::new();
    while acked.len() < acks {
        let answer = answers
            .message()
            .await
            .expect("outcome")
            .expect("more outcomes");
        if outcome(&answer) == Outcome::Accepted {
            acked.insert(answer.client_reference, answer.case_id);
        } else {
            acked.insert(answer.client_reference, String::new());
        }
    }
    feeder.abort();
    drop(answers);
    acked.retain(|_, id| !id.is_empty());
    acked
}

async fn a_stream_cut_midway_then_resumed_stores_each_case_once(db: TestDb) {
    const N: usize = 3_000;
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let acked = import_cut_after(&server.channel, "acme", N, 1_000, 600).await;
    assert!(acked.len() >= 580, "acknowledged rows: {}", acked.len());
    // Whatever the server had in hand when the client vanished is settled either way:
    // wait until the store stops changing (the last batch in flight may still commit).
    let partial = eventually("the cut import to settle", Duration::from_secs(30), || {
        let channel = server.channel.clone();
        async move {
            let a = stored(&channel, "acme").await.len();
            let b = stored(&channel, "acme").await.len();
            (a == b).then_some(a)
        }
    })
    .await;
    assert!(
        (acked.len()..=1_000 - 30).contains(&partial),
        "cut mid-way: {partial} stored"
    );

    let answers = import(server.intake(), rows("acme", N)).await;
    for (i, answer) in answers.iter().enumerate() {
        let kind = outcome(answer);
        if let Some(id) = acked.get(&answer.client_reference) {
            assert_eq!(
                kind,
                Outcome::Duplicate,
                "row {i} was acknowledged before the cut"
            );
            assert_eq!(&answer.case_id, id);
        } else if is_bad(i) {
            assert_eq!(kind, Outcome::Rejected);
        } else {
            assert!(
                matches!(kind, Outcome::Accepted | Outcome::Duplicate),
                "row {i}: {kind:?}"
            );
        }
    }
    let cases = stored(&server.channel, "acme").await;
    assert_eq!(cases.len(), N - 90, "{}: each case stored once", db.backend);
    server.stop().await;
}
on_both_backends!(a_stream_cut_midway_then_resumed_stores_each_case_once);

/// The `exploot serve` binary on `db`, on a free port.
struct Served {
    child: Child,
    channel: AuthChannel,
}

async fn serve_binary(db: &TestDb, port: u16) -> Served {
    let child = Command::new(env!("CARGO_BIN_EXE_exploot"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--database-url", &db.url])
        .args([
            "--clock",
            &format!("manual:{}", default_start().to_rfc3339()),
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start exploot serve");
    let plain = Endpoint::from_shared(format!("http://127.0.0.1:{port}"))
        .unwrap()
        .connect_lazy();
    wait_serving(&plain).await;
    let store = exploot::store::Store::open(&db.url, 1).expect("the server's database");
    let admin = Caller::issue(&store, &plain, Role::Admin, None).await;
    Served {
        child,
        channel: admin.channel,
    }
}

async fn a_server_killed_mid_import_keeps_every_acknowledged_row(db: TestDb) {
    const N: usize = 20_000;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut served = serve_binary(&db, port).await;
    let mut admin = pb::admin_service_client::AdminServiceClient::new(served.channel.clone());
    admin
        .put_client(pb::PutClientRequest {
            client: Some(crate::harness::fixtures::client("acme")),
        })
        .await
        .unwrap();

    let (send, requests) = mpsc::channel(256);
    let feeder = tokio::spawn(async move {
        for r in rows("acme", N) {
            if send.send(r).await.is_err() {
                return;
            }
        }
    });
    let mut intake = pb::intake_service_client::IntakeServiceClient::new(served.channel.clone());
    let mut answers = intake
        .import_claims(ReceiverStream::new(requests))
        .await
        .expect("ImportClaims")
        .into_inner();
    let mut acked = HashMap::new();
    let mut seen = 0;
    while seen < 1_500 {
        let answer = answers.message().await.expect("outcome").expect("more");
        seen += 1;
        if outcome(&answer) == Outcome::Accepted {
            acked.insert(answer.client_reference, answer.case_id);
        }
    }
    // SIGKILL: no shutdown, no flush. Outcomes already in the socket still count as
    // acknowledged; read what arrives until the connection breaks.
    served.child.kill().expect("SIGKILL");
    let _ = served.child.wait();
    while let Ok(Some(answer)) = answers.message().await {
        if outcome(&answer) == Outcome::Accepted {
            acked.insert(answer.client_reference, answer.case_id);
        }
    }
    feeder.abort();
    assert!(
        acked.len() > 1_000,
        "acknowledged before the kill: {}",
        acked.len()
    );

    let restarted = serve_binary(&db, port).await;
    let cases = stored(&restarted.channel, "acme").await;
    for (reference, id) in &acked {
        assert_eq!(
            cases.get(reference).map(|c| c.id.as_str()),
            Some(id.as_str()),
            "{}: acknowledged {reference} survives the kill",
            db.backend
        );
    }
    for case in cases.values() {
        let i: usize = case.client_reference[4..].parse().unwrap();
        assert_eq!(
            case.invoices,
            good_row("acme", i).invoices,
            "no half-stored row"
        );
    }
    assert!(cases.len() < N - 600, "killed mid-import");

    let again = import(
        IntakeServiceClient::new(restarted.channel.clone()),
        rows("acme", N),
    )
    .await;
    let accepted: HashSet<&str> = again
        .iter()
        .filter(|a| outcome(a) == Outcome::Accepted)
        .map(|a| a.client_reference.as_str())
        .collect();
    assert!(acked.keys().all(|r| !accepted.contains(r.as_str())));
    assert_eq!(stored(&restarted.channel, "acme").await.len(), N - 600);
    let Served { mut child, .. } = restarted;
    child.kill().expect("stop");
    let _ = child.wait();
}
on_both_backends!(a_server_killed_mid_import_keeps_every_acknowledged_row);

/// Runs `exploot import FILE --client acme --server …` and returns its stdout.
async fn import_command(server: &TestServer, file: &std::path::Path) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_exploot"));
    command
        .arg("import")
        .arg(file)
        .args(["--client", "acme", "--server", &server.endpoint])
        .env("EXPLOOT_TOKEN", &server.token)
        .env("RUST_LOG", "warn");
    let out = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("run exploot import");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "exploot import failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The count on the summary line that starts with `label`.
fn count(summary: &str, label: &str) -> u64 {
    summary
        .lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no {label:?} in {summary}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_import_command_writes_rejects_and_reads_dutch_excel_exports() {
    let server = TestServer::start(&TestDb::sqlite()).await;
    put_client(&server, "acme").await;
    let dir = tempfile::tempdir().unwrap();
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");

    let file = dir.path().join("claims.csv");
    std::fs::copy(examples.join("claims.csv"), &file).unwrap();
    let unknown = Command::new(env!("CARGO_BIN_EXE_exploot"))
        .arg("import")
        .arg(&file)
        .args(["--client", "nobody", "--server", &server.endpoint])
        .args(["--token", &server.token])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("no client \"nobody\""),
        "fails fast: {stderr}"
    );
    let summary = import_command(&server, &file).await;
    assert_eq!(count(&summary, "accepted"), 7, "{summary}");
    assert_eq!(count(&summary, "of which"), 1, "the €250 claim: {summary}");
    assert_eq!(count(&summary, "rejected"), 3, "{summary}");
    let rejects = std::fs::read_to_string(dir.path().join("claims.rejects.csv")).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines.len(), 4, "header and the three bad rows: {rejects}");
    assert!(lines[0].ends_with(",errors"), "{}", lines[0]);
    assert!(lines[1].starts_with("DOS-2026-0006,") && lines[1].contains("amount (line 10)"));
    assert!(lines[2].contains("postcode") && lines[2].contains("kvk_number"));
    assert!(lines[3].contains("email") && lines[3].contains("due_date (line 12)"));

    let again = import_command(&server, &file).await;
    assert_eq!(count(&again, "accepted"), 0, "{again}");
    assert_eq!(count(&again, "duplicate"), 7, "{again}");

    let excel = dir.path().join("export.csv");
    std::fs::copy(examples.join("claims-excel-nl.csv"), &excel).unwrap();
    let summary = import_command(&server, &excel).await;
    assert_eq!(count(&summary, "accepted"), 5, "{summary}");
    assert_eq!(count(&summary, "rejected"), 0, "{summary}");
    assert!(!dir.path().join("export.rejects.csv").exists());

    // A mistake in an Excel file (CRLF lines) is reported at its line, in the same dialect.
    let mut text = std::fs::read_to_string(&excel).unwrap();
    text = text
        .replace("2026/122;", "2026/123;")
        .replace("349,99", "349,999");
    std::fs::write(&excel, text).unwrap();
    let summary = import_command(&server, &excel).await;
    assert_eq!(count(&summary, "rejected"), 1, "{summary}");
    let rejects = std::fs::read_to_string(dir.path().join("export.rejects.csv")).unwrap();
    assert!(
        rejects.starts_with("\u{feff}Dossiernummer;"),
        "BOM and semicolons kept"
    );
    let line = rejects.lines().nth(1).unwrap();
    assert!(line.starts_with("2026/123;"), "{line}");
    assert!(line.contains("349,999;"), "the row as written: {line}");
    assert!(line.contains("amount (line 8)"), "{line}");
    let cases = stored(&server.channel, "acme").await;
    let van_dijk = &cases["2026/118"];
    let amounts: Vec<&str> = van_dijk
        .invoices
        .iter()
        .map(|i| i.amount.as_str())
        .collect();
    assert_eq!(amounts, ["1245.50", "87.25"], "decimal commas");
    assert_eq!(van_dijk.invoices[0].due_date, "2026-02-04", "DD-MM-YYYY");
    assert_eq!(van_dijk.principal, "1332.75");
    assert_eq!(
        cases["2026/120"].debtor.as_ref().unwrap().name,
        "dhr. K. Öztürk"
    );
    assert_eq!(
        cases["2026/120"].debtor.as_ref().unwrap().date_of_birth,
        "1969-08-12"
    );
    server.stop().await;
}

async fn imported_cases_start_the_track_like_created_ones(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    // No minimum for legal action: every claim goes straight to its letter (below the
    // minimum a claim waits for a person's review at intake, created or imported alike).
    server
        .admin()
        .put_track_policy(pb::PutTrackPolicyRequest {
            policy: Some(pb::TrackPolicy {
                client_id: "acme".into(),
                minimum_for_legal_action: "0.00".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("PutTrackPolicy");
    let answers = import(
        server.intake(),
        vec![good_row("acme", 0), good_row("acme", 1)],
    )
    .await;
    assert!(answers.iter().all(|a| outcome(a) == Outcome::Accepted));
    let created = server
        .cases()
        .create_case(consumer_claim("acme", "BY-HAND-1"))
        .await
        .unwrap()
        .into_inner();
    let get = |id: String| {
        let mut cases = server.cases();
        async move {
            cases
                .get_case(pb::GetCaseRequest { case_id: id })
                .await
                .unwrap()
                .into_inner()
        }
    };
    for answer in &answers {
        let imported = get(answer.case_id.clone()).await;
        assert_eq!(
            (imported.stage, imported.version, imported.policy_version),
            (created.stage, created.version, created.policy_version),
            "{}: accepted the same way",
            db.backend
        );
    }
    // Past 16:00 the start-track timer of every case fires: all go to the letter stage.
    server
        .admin()
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::By(
                prost_types::Duration {
                    seconds: 7 * 3600,
                    nanos: 0,
                },
            )),
        })
        .await
        .expect("AdvanceClock");
    let by_hand = get(created.id.clone()).await;
    assert_eq!(by_hand.stage, pb::Stage::Letter as i32, "{by_hand:?}");
    for answer in &answers {
        let imported = get(answer.case_id.clone()).await;
        assert_eq!(imported.stage, by_hand.stage, "{}", db.backend);
        assert_eq!(imported.version, by_hand.version);
        assert_eq!(
            imported.letter_term_ends_on.is_empty(),
            by_hand.letter_term_ends_on.is_empty()
        );
    }
    server.stop().await;
}
on_both_backends!(imported_cases_start_the_track_like_created_ones);
