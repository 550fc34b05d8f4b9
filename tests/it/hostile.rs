//! The input holes an outside check found, closed through the real server on both
//! backends: a NUL in a debtor's name, text without a length limit, and more violations
//! than a client's metadata limit takes.

use exploot::cli::bearer::Bearer;
use exploot::proto as pb;
use exploot::proto::import_claims_response::Outcome;
use tonic::Code;
use tonic::transport::Endpoint;
use tonic_types::StatusExt;

use crate::harness::fixtures::{client, consumer_claim, put_client};
use crate::harness::{TestDb, TestServer, bad_fields, on_both_backends};

/// How many cases the server holds for `client_id`.
async fn case_count(server: &TestServer, client_id: &str) -> usize {
    server
        .cases()
        .list_cases(pb::ListCasesRequest {
            client_id: client_id.into(),
            page_size: 1000,
            ..Default::default()
        })
        .await
        .expect("ListCases")
        .into_inner()
        .cases
        .len()
}

fn with_debtor_name(reference: &str, name: &str) -> pb::CreateCaseRequest {
    let mut request = consumer_claim("acme", reference);
    request.debtor.as_mut().expect("a debtor").name = name.into();
    request
}

/// The first violation's description for `field`.
fn description(status: &tonic::Status, field: &str) -> String {
    status
        .get_details_bad_request()
        .expect("BadRequest")
        .field_violations
        .into_iter()
        .find(|v| v.field == field)
        .map(|v| v.description)
        .unwrap_or_else(|| panic!("no violation of {field}: {status:?}"))
}

async fn a_nul_or_control_character_in_any_text_is_invalid_argument_naming_the_field(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;

    // PostgreSQL answered INTERNAL here; SQLite stored it and put it in the summons.
    let refused = server
        .cases()
        .create_case(with_debtor_name("NUL-1", "J. de\0Vries"))
        .await
        .expect_err("a NUL in a name");
    assert_eq!(
        refused.code(),
        Code::InvalidArgument,
        "{}: {refused:?}",
        db.backend
    );
    assert_eq!(bad_fields(&refused), ["debtor.name"]);
    assert!(description(&refused, "debtor.name").contains("NUL"));

    // Any text field of any request, named by its path.
    let mut request = consumer_claim("acme", "NUL-2");
    request.invoices[1].number = "F-\u{1b}[2J".into();
    request
        .debtor
        .as_mut()
        .unwrap()
        .address
        .as_mut()
        .unwrap()
        .city = "Utrecht\u{202E}".into();
    // … named together with the claim's other bad fields, not one round trip later.
    request.invoices[0].amount = "-5".into();
    let refused = server.cases().create_case(request).await.unwrap_err();
    assert_eq!(
        bad_fields(&refused),
        [
            "debtor.address.city",
            "invoices[0].amount",
            "invoices[1].number"
        ]
    );
    let mut bad_client = client("beta");
    bad_client.name = "Beta\u{0}".into();
    let refused = server
        .admin()
        .put_client(pb::PutClientRequest {
            client: Some(bad_client),
        })
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&refused), ["client.name"]);
    let refused = server
        .cases()
        .get_case(pb::GetCaseRequest {
            case_id: "\0".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&refused), ["case_id"]);

    // Free text keeps its line breaks.
    let mut request = consumer_claim("acme", "NOTES");
    request.notes = "Debiteur belde.\r\n\tBetaalt na de 25e.".into();
    let case = server.cases().create_case(request.clone()).await.unwrap();
    assert_eq!(case.into_inner().notes, request.notes);

    // An import row is rejected alone, with the same rule; the next row goes in.
    let mut bad_row = pb::ImportClaimsRequest {
        client_id: "acme".into(),
        row: 2,
        client_reference: "IMP-1".into(),
        debtor: consumer_claim("acme", "x").debtor,
        invoices: consumer_claim("acme", "x").invoices,
        notes: String::new(),
    };
    let mut good_row = bad_row.clone();
    bad_row.debtor.as_mut().unwrap().name = "A\0B".into();
    bad_row.invoices[0].amount = "-5".into();
    good_row.row = 3;
    good_row.client_reference = "IMP-2".into();
    good_row.debtor.as_mut().unwrap().name = "A. B".into();
    let answers: Vec<pb::ImportClaimsResponse> = {
        let mut stream = server
            .intake()
            .import_claims(tokio_stream::iter([bad_row, good_row.clone()]))
            .await
            .unwrap()
            .into_inner();
        let mut all = Vec::new();
        while let Some(a) = stream.message().await.unwrap() {
            all.push(a);
        }
        all
    };
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0].outcome, Outcome::Rejected as i32);
    let mut named: Vec<&str> = answers[0]
        .violations
        .iter()
        .map(|v| v.field.as_str())
        .collect();
    named.sort_unstable();
    assert_eq!(named, ["debtor.name", "invoices[0].amount"]);
    assert_eq!(answers[1].outcome, Outcome::Accepted as i32);

    // Stored: the notes case and the good row; nothing of the refused requests.
    assert_eq!(case_count(&server, "acme").await, 2, "{}", db.backend);

    // A row the server cannot read (beyond the 4 MiB a message may take) breaks the
    // stream: the import ends with an error, never with OK as if every row had been
    // answered; what was answered is stored, nothing else.
    let mut before = good_row.clone();
    before.row = 4;
    before.client_reference = "IMP-3".into();
    let mut unreadable = good_row.clone();
    unreadable.row = 5;
    unreadable.client_reference = "IMP-4".into();
    unreadable.notes = "x".repeat(5 << 20);
    let mut stream = server
        .intake()
        .import_claims(tokio_stream::iter([before, unreadable]))
        .await
        .unwrap()
        .into_inner();
    let mut answered = Vec::new();
    let ended = loop {
        match stream.message().await {
            Ok(Some(answer)) => answered.push(answer.row),
            Ok(None) => break None,
            Err(status) => break Some(status.code()),
        }
    };
    assert!(ended.is_some_and(|code| code != Code::Ok), "{ended:?}");
    assert!(answered.iter().all(|row| *row == 4), "{answered:?}");
    assert_eq!(
        case_count(&server, "acme").await,
        2 + answered.len(),
        "{}",
        db.backend
    );
    server.stop().await;
}
on_both_backends!(a_nul_or_control_character_in_any_text_is_invalid_argument_naming_the_field);

async fn text_beyond_its_limit_is_refused_and_a_name_at_the_limit_is_taken(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;

    // 3 MB rendered a 12.6 MB letter; now it is refused before anything is stored.
    let huge = "A".repeat(3_000_000);
    let refused = server
        .cases()
        .create_case(with_debtor_name("BIG-1", &huge))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&refused), ["debtor.name"]);
    assert_eq!(
        description(&refused, "debtor.name"),
        "at most 200 characters"
    );

    // The limit counts characters: 200 two-byte letters are a name, 201 are not.
    let at_limit = "é".repeat(200);
    let taken = server
        .cases()
        .create_case(with_debtor_name("BIG-2", &at_limit))
        .await
        .expect("a name of 200 characters")
        .into_inner();
    assert_eq!(taken.debtor.unwrap().name, at_limit);
    let refused = server
        .cases()
        .create_case(with_debtor_name("BIG-3", &"é".repeat(201)))
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&refused), ["debtor.name"]);

    let mut request = consumer_claim("acme", "BIG-4");
    request.notes = "n".repeat(10_001);
    request.invoices[0].number = "9".repeat(51);
    let refused = server.cases().create_case(request).await.unwrap_err();
    assert_eq!(bad_fields(&refused), ["invoices[0].number", "notes"]);

    assert_eq!(case_count(&server, "acme").await, 1, "{}", db.backend);
    server.stop().await;
}
on_both_backends!(text_beyond_its_limit_is_refused_and_a_name_at_the_limit_is_taken);

async fn a_thousand_bad_invoices_reach_a_client_that_takes_16_kib_of_metadata(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let mut request = consumer_claim("acme", "MANY");
    request.invoices = (0..1000)
        .map(|i| pb::Invoice {
            number: format!("F-{i}"),
            due_date: "2026-13-45".into(),
            amount: "-1".into(),
            ..Default::default()
        })
        .collect();
    // What a default grpcio (C core) client accepts.
    let small_headers = Endpoint::from_shared(server.endpoint.clone())
        .unwrap()
        .http2_max_header_list_size(16 * 1024)
        .connect_lazy();
    let mut cases = pb::case_service_client::CaseServiceClient::new(
        Bearer::new(&server.token).unwrap().on(small_headers),
    );
    let refused = cases.create_case(request).await.unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument, "{refused:?}");
    let listed = refused
        .get_details_bad_request()
        .expect("the details arrive")
        .field_violations;
    assert!(
        (10..=100).contains(&listed.len()),
        "{} violations listed",
        listed.len()
    );
    assert_eq!(listed[0].field, "invoices[0].due_date");
    // 1000 invoices with two bad fields each, as many as fit listed, the rest counted.
    let more = 2000 - listed.len();
    assert!(
        refused
            .message()
            .contains(&format!("and {more} more violations not listed")),
        "{}",
        refused.message()
    );
    assert_eq!(case_count(&server, "acme").await, 0);
    server.stop().await;
}
on_both_backends!(a_thousand_bad_invoices_reach_a_client_that_takes_16_kib_of_metadata);
