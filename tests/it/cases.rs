//! CreateCase, GetCase, ListCases end to end on both backends.

use exploot::clock::Clock;
use exploot::proto as pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::harness::fixtures::{business_claim, consumer_claim, put_client};
use crate::harness::{TestDb, TestServer, bad_fields, on_both_backends};

async fn create_then_get_round_trips_every_field(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let request = consumer_claim("acme", "DOS-1");
    let created = server
        .cases()
        .create_case(request.clone())
        .await
        .expect("CreateCase")
        .into_inner();
    let fetched = server
        .cases()
        .get_case(pb::GetCaseRequest {
            case_id: created.id.clone(),
        })
        .await
        .expect("GetCase")
        .into_inner();
    assert_eq!(
        created, fetched,
        "{}: GetCase differs from CreateCase's answer",
        db.backend
    );

    assert!(!fetched.id.is_empty());
    assert_eq!(fetched.client_id, request.client_id);
    assert_eq!(fetched.client_reference, request.client_reference);
    assert_eq!(fetched.debtor, request.debtor, "every debtor field");
    assert_eq!(fetched.invoices, request.invoices, "every invoice field");
    assert_eq!(fetched.notes, request.notes);
    assert_eq!(fetched.principal, "1334.51", "1234.56 + 99.95");
    assert_eq!(fetched.stage, pb::Stage::Intake as i32);
    assert_eq!(fetched.suspension, pb::Suspension::None as i32);
    // Monday 4 May 2026 10:00 Amsterdam, before the 16:00 cut-off: handled that day.
    assert_eq!(fetched.accepted_on, "2026-05-04");
    // Created (1), then accepted: the track's first timer is set (2).
    assert_eq!(fetched.version, 2);
    assert_eq!(fetched.policy_version, 1);
    assert!(
        exploot::case::PaymentReference::parse(&fetched.payment_reference).is_ok(),
        "a betalingskenmerk from the start: {:?}",
        fetched.payment_reference
    );
    assert!(
        fetched.warnings.is_empty(),
        "above the €500 minimum: {:?}",
        fetched.warnings
    );
    server.stop().await;
}
on_both_backends!(create_then_get_round_trips_every_field);

async fn the_same_claim_twice_is_one_case(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let first = server
        .cases()
        .create_case(consumer_claim("acme", "DOS-2"))
        .await
        .expect("first")
        .into_inner();
    let second = server
        .cases()
        .create_case(consumer_claim("acme", "DOS-2"))
        .await
        .expect("retry")
        .into_inner();
    assert_eq!(first, second);
    let listed = list_all(
        &server,
        pb::ListCasesRequest {
            client_id: "acme".into(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(listed.len(), 1);

    let mut different = consumer_claim("acme", "DOS-2");
    different.invoices[0].amount = "1234.57".into();
    let err = server
        .cases()
        .create_case(different)
        .await
        .expect_err("reference reused");
    assert_eq!(err.code(), Code::AlreadyExists, "{err:?}");
    assert!(
        err.message().contains(&first.id),
        "names the existing case: {}",
        err.message()
    );
    server.stop().await;
}
on_both_backends!(the_same_claim_twice_is_one_case);

async fn four_bad_fields_are_named_at_once_and_nothing_is_stored(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let mut request = business_claim("acme", "DOS-3", "1234567"); // 7 digits
    request.invoices[0].amount = "12.345".into(); // sub-cent
    request.invoices[0].due_date = "2026-05-05".into(); // tomorrow
    request
        .debtor
        .as_mut()
        .unwrap()
        .address
        .as_mut()
        .unwrap()
        .postcode = "56 AA".into();
    let err = server
        .cases()
        .create_case(request)
        .await
        .expect_err("invalid");
    assert_eq!(err.code(), Code::InvalidArgument);
    let bad_request = err
        .get_details_bad_request()
        .expect("google.rpc.BadRequest details");
    let mut fields: Vec<&str> = bad_request
        .field_violations
        .iter()
        .map(|v| v.field.as_str())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "debtor.address.postcode",
            "debtor.kvk_number",
            "invoices[0].amount",
            "invoices[0].due_date"
        ],
        "{bad_request:?}"
    );
    assert!(
        bad_request
            .field_violations
            .iter()
            .all(|v| !v.description.is_empty())
    );
    let listed = list_all(&server, pb::ListCasesRequest::default()).await;
    assert!(listed.is_empty(), "nothing stored: {listed:?}");
    server.stop().await;
}
on_both_backends!(four_bad_fields_are_named_at_once_and_nothing_is_stored);

async fn unknown_client_and_other_mistakes_come_together(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut request = consumer_claim("nobody", "DOS-4");
    request.invoices[1].amount = "-5".into();
    request.debtor.as_mut().unwrap().iban = "NL92ABNA0417164300".into();
    let err = server
        .cases()
        .create_case(request)
        .await
        .expect_err("invalid");
    assert_eq!(err.code(), Code::InvalidArgument);
    let fields = bad_fields(&err);
    assert_eq!(fields, ["client_id", "debtor.iban", "invoices[1].amount"]);
    server.stop().await;
}
on_both_backends!(unknown_client_and_other_mistakes_come_together);

async fn a_restarted_server_still_has_every_case(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let case = server
            .cases()
            .create_case(consumer_claim("acme", &format!("R-{n}")))
            .await
            .unwrap();
        ids.push(case.into_inner());
    }
    server.stop().await;

    let restarted = TestServer::start(&db).await;
    for case in &ids {
        let again = restarted
            .cases()
            .get_case(pb::GetCaseRequest {
                case_id: case.id.clone(),
            })
            .await
            .unwrap();
        assert_eq!(&again.into_inner(), case);
    }
    restarted.stop().await;
}
on_both_backends!(a_restarted_server_still_has_every_case);

async fn list_filters_and_pages(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    put_client(&server, "bolt").await;
    for n in 0..7 {
        server
            .cases()
            .create_case(consumer_claim("acme", &format!("A-{n}")))
            .await
            .unwrap();
    }
    server
        .cases()
        .create_case(business_claim("bolt", "B-1", "12345678"))
        .await
        .unwrap();
    server
        .cases()
        .create_case(business_claim("bolt", "B-2", "87654321"))
        .await
        .unwrap();

    let acme = list_all(
        &server,
        pb::ListCasesRequest {
            client_id: "acme".into(),
            page_size: 3,
            ..Default::default()
        },
    )
    .await;
    let mut refs: Vec<String> = acme.iter().map(|c| c.client_reference.clone()).collect();
    refs.sort();
    assert_eq!(
        refs,
        (0..7).map(|n| format!("A-{n}")).collect::<Vec<_>>(),
        "3 pages of 3, 3, 1, no repeats"
    );

    let by_kvk = list_all(
        &server,
        pb::ListCasesRequest {
            debtor_kvk_number: "87654321".into(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        by_kvk
            .iter()
            .map(|c| c.client_reference.as_str())
            .collect::<Vec<_>>(),
        ["B-2"]
    );

    let intake = list_all(
        &server,
        pb::ListCasesRequest {
            stage: pb::Stage::Intake.into(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(intake.len(), 9);
    let closed = list_all(
        &server,
        pb::ListCasesRequest {
            stage: pb::Stage::Closed.into(),
            ..Default::default()
        },
    )
    .await;
    assert!(closed.is_empty());

    let later = server.clock.now() + chrono::Duration::seconds(1);
    let none = list_all(
        &server,
        pb::ListCasesRequest {
            created_after: Some(exploot_ts(later)),
            ..Default::default()
        },
    )
    .await;
    assert!(none.is_empty(), "everything was created before {later}");

    let err = server
        .cases()
        .list_cases(pb::ListCasesRequest {
            page_size: -1,
            page_token: "garbage".into(),
            ..Default::default()
        })
        .await
        .expect_err("bad paging");
    let fields = bad_fields(&err);
    assert_eq!(fields, ["page_size", "page_token"]);
    server.stop().await;
}
on_both_backends!(list_filters_and_pages);

async fn below_the_minimum_is_accepted_with_a_warning_and_late_claims_wait_a_day(db: TestDb) {
    // Friday 1 May 2026, 16:30 in Amsterdam (14:30 UTC): after the cut-off; Saturday and
    // Sunday are no working days, so the claim is handled from Monday 4 May.
    let friday_late = chrono::DateTime::parse_from_rfc3339("2026-05-01T14:30:00Z")
        .unwrap()
        .to_utc();
    let server = TestServer::start_at(&db, friday_late).await;
    put_client(&server, "acme").await;
    let mut request = consumer_claim("acme", "SMALL-1");
    request.invoices.truncate(1);
    request.invoices[0].amount = "499.99".into();
    let case = server
        .cases()
        .create_case(request)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(case.accepted_on, "2026-05-04");
    assert_eq!(case.warnings.len(), 1, "{:?}", case.warnings);
    assert!(case.warnings[0].contains("€ 500,00"), "{:?}", case.warnings);
    server.stop().await;
}
on_both_backends!(below_the_minimum_is_accepted_with_a_warning_and_late_claims_wait_a_day);

fn exploot_ts(at: chrono::DateTime<chrono::Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: at.timestamp_subsec_nanos() as i32,
    }
}

/// Every case of a listing, following page tokens.
async fn list_all(server: &TestServer, mut request: pb::ListCasesRequest) -> Vec<pb::Case> {
    let mut all = Vec::new();
    loop {
        let page = server
            .cases()
            .list_cases(request.clone())
            .await
            .expect("ListCases")
            .into_inner();
        all.extend(page.cases);
        if page.next_page_token.is_empty() {
            return all;
        }
        request.page_token = page.next_page_token;
    }
}
