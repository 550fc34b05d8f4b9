//! The office (issue 15): PutOffice / GetOffice versioned, audited and validated field by
//! field; every letter carries the configured office and the case's payment reference,
//! never the example office; without an office a letter's job renders nothing and opens
//! the `office_missing` task, and storing an office renders it.

use chrono::{DateTime, Utc};
use exploot::case::PaymentReference;
use exploot::proto as pb;
use tokio_stream::StreamExt;
use tonic::Code;

use crate::harness::walk::open_tasks;
use crate::harness::{TestDb, TestServer, bad_fields, fixtures, on_both_backends};

/// After the letter's timer: the 14-dagenbrief of a claim entered Monday 4 May 2026 at
/// 10:00 goes out at the 16:00 cut-off (as in tests/it/track.rs).
const AFTER_THE_LETTER: &str = "2026-05-04T15:00:00Z";

async fn advance_to(server: &TestServer, to: &str) {
    let to: DateTime<Utc> = DateTime::parse_from_rfc3339(to)
        .unwrap()
        .with_timezone(&Utc);
    server
        .admin()
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::To(
                prost_types::Timestamp {
                    seconds: to.timestamp(),
                    nanos: 0,
                },
            )),
        })
        .await
        .expect("AdvanceClock");
}

async fn new_case(server: &TestServer, reference: &str) -> pb::Case {
    fixtures::put_client(server, "acme").await;
    server
        .cases()
        .create_case(fixtures::consumer_claim("acme", reference))
        .await
        .expect("CreateCase")
        .into_inner()
}

async fn get(server: &TestServer, id: &str) -> pb::Case {
    server
        .cases()
        .get_case(pb::GetCaseRequest { case_id: id.into() })
        .await
        .expect("GetCase")
        .into_inner()
}

/// The case's documents: each kind with its text, white space made single spaces.
pub(crate) async fn documents_of(server: &TestServer, id: &str) -> Vec<(String, String)> {
    let listed = server
        .documents()
        .list_documents(pb::ListDocumentsRequest {
            case_id: id.to_owned(),
            ..Default::default()
        })
        .await
        .expect("ListDocuments")
        .into_inner()
        .documents;
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
        let text = crate::documents::pdf_text(&bytes);
        out.push((
            document.kind,
            text.split_whitespace().collect::<Vec<_>>().join(" "),
        ));
    }
    out
}

/// What the example office of the sample documents prints; no served document may.
const EXAMPLE_OFFICE: [&str; 4] = [
    "Van Dijk",
    "Oudegracht",
    "NL02 ABNA 0123 4567 89",
    "30123456",
];

/// The configured office as a letter prints it, and the case's reference.
fn assert_configured_office(text: &str, case: &pb::Case) {
    let reference = PaymentReference::parse(&case.payment_reference).expect("valid reference");
    for expected in [
        "Zuidhoek Gerechtsdeurwaarders",
        "Gerechtsdeurwaarderskantoor Zuidhoek B.V.",
        "Coolsingel 40",
        "3011 AD Rotterdam",
        "Postadres: Postbus 2040, 3000 CA Rotterdam",
        "KvK 24123456",
        "Btw NL123456789B13",
        "IBAN NL20 INGB 0001 2345 67",
        "BIC INGBNL2A",
        "Ten name van Stichting Derdengelden Zuidhoek",
        &format!("Betalingskenmerk {}", reference.grouped()),
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    for example in EXAMPLE_OFFICE {
        assert!(
            !text.contains(example),
            "{example:?} of the example office in:\n{text}"
        );
    }
}

async fn letters_carry_the_configured_office_and_the_case_reference(db: TestDb) {
    let server = TestServer::start(&db).await;
    let created = new_case(&server, "OFF-1").await;
    assert_eq!(
        created.creditor_iban, "NL20INGB0001234567",
        "{}: the debtor pays into the office's third-party account",
        db.backend
    );
    advance_to(&server, AFTER_THE_LETTER).await;
    let case = get(&server, &created.id).await;
    assert_eq!(case.payment_reference, created.payment_reference);
    let documents = documents_of(&server, &case.id).await;
    let [(kind, text)] = documents.as_slice() else {
        panic!("{}: one letter: {documents:?}", db.backend);
    };
    assert_eq!(kind, "fourteen_day_letter");
    assert_configured_office(text, &case);

    // The stored data names the office version it was rendered with.
    let sql = format!(
        "SELECT count(*) AS n FROM documents WHERE case_id = '{}' AND data LIKE '%\"version\":1,%'",
        case.id
    );
    assert_eq!(
        crate::engine::count(&db.url, &sql).await,
        1,
        "{}",
        db.backend
    );
    server.stop().await;
}
on_both_backends!(letters_carry_the_configured_office_and_the_case_reference);

async fn without_an_office_the_letter_waits_in_a_task_until_one_is_stored(db: TestDb) {
    let server = TestServer::start_without_office(&db).await;
    let created = new_case(&server, "OFF-2").await;
    assert_eq!(created.creditor_iban, "", "no office, no account to name");
    advance_to(&server, AFTER_THE_LETTER).await;
    assert!(
        documents_of(&server, &created.id).await.is_empty(),
        "{}: nothing rendered without an office",
        db.backend
    );
    let tasks = open_tasks(&server, &created.id).await;
    let [task] = tasks.as_slice() else {
        panic!("{}: one task: {tasks:?}", db.backend);
    };
    assert_eq!(task.kind, "office_missing");
    assert!(
        task.title.contains("No office configured"),
        "{}",
        task.title
    );
    assert!(task.title.contains("fourteen_day_letter"), "{}", task.title);

    // Storing the office resumes the render: the task is done and the letter carries it.
    server
        .admin()
        .put_office(pb::PutOfficeRequest {
            office: Some(fixtures::office()),
        })
        .await
        .expect("PutOffice");
    fixtures::advance_by(&server, 60).await;
    assert!(open_tasks(&server, &created.id).await.is_empty());
    let case = get(&server, &created.id).await;
    assert_eq!(case.creditor_iban, "NL20INGB0001234567");
    let documents = documents_of(&server, &case.id).await;
    let [(kind, text)] = documents.as_slice() else {
        panic!("{}: one letter: {documents:?}", db.backend);
    };
    assert_eq!(kind, "fourteen_day_letter");
    assert_configured_office(text, &case);
    server.stop().await;
}
on_both_backends!(without_an_office_the_letter_waits_in_a_task_until_one_is_stored);

async fn the_office_is_versioned_audited_and_checked_field_by_field(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = server.admin();
    let first = admin
        .get_office(pb::GetOfficeRequest { version: 0 })
        .await
        .expect("GetOffice")
        .into_inner();
    assert_eq!(first.version, 1, "the harness stored one");
    let mut expected = fixtures::office();
    expected.version = 1;
    expected.created_at = first.created_at;
    expected.postal_address.as_mut().unwrap().country = "NL".into(); // empty means NL
    assert_eq!(first, expected, "{}: every field read back", db.backend);

    let mut bad = fixtures::office();
    bad.legal_name = " ".into();
    bad.bailiffs[1].title = pb::bailiff::Title::Unspecified.into();
    bad.bailiffs[0].standplaats = String::new();
    bad.visiting_address.as_mut().unwrap().postcode = "3011".into();
    bad.email = "betalen".into();
    bad.kvk_number = "2412345".into();
    bad.vat_number = "NL123456789B12".into();
    bad.third_party_account.as_mut().unwrap().iban = "NL21INGB0001234567".into();
    bad.third_party_account.as_mut().unwrap().bic = "INGB".into();
    bad.own_account.as_mut().unwrap().holder = String::new();
    let refused = admin
        .put_office(pb::PutOfficeRequest { office: Some(bad) })
        .await
        .expect_err("bad office");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(
        bad_fields(&refused),
        [
            "office.bailiffs[0].standplaats",
            "office.bailiffs[1].title",
            "office.email",
            "office.kvk_number",
            "office.legal_name",
            "office.own_account.holder",
            "office.third_party_account.bic",
            "office.third_party_account.iban",
            "office.vat_number",
            "office.visiting_address.postcode",
        ]
    );
    let mut same_account = fixtures::office();
    same_account.own_account = same_account.third_party_account.clone();
    let refused = admin
        .put_office(pb::PutOfficeRequest {
            office: Some(same_account),
        })
        .await
        .expect_err("one account for both");
    assert_eq!(bad_fields(&refused), ["office.own_account.iban"]);

    let mut moved = fixtures::office();
    moved.visiting_address.as_mut().unwrap().street = "Blaak 10".into();
    moved.postal_address = None;
    let second = admin
        .put_office(pb::PutOfficeRequest {
            office: Some(moved),
        })
        .await
        .expect("PutOffice")
        .into_inner();
    assert_eq!(
        second.version, 2,
        "{}: nothing stored by the refusals",
        db.backend
    );
    let in_force = admin
        .get_office(pb::GetOfficeRequest { version: 0 })
        .await
        .expect("GetOffice")
        .into_inner();
    assert_eq!(in_force, second);
    assert_eq!(in_force.postal_address, None);
    let old = admin
        .get_office(pb::GetOfficeRequest { version: 1 })
        .await
        .expect("GetOffice v1")
        .into_inner();
    assert_eq!(old, first);
    let missing = admin
        .get_office(pb::GetOfficeRequest { version: 3 })
        .await
        .expect_err("no version 3");
    assert_eq!(missing.code(), Code::NotFound);

    let events = server
        .store
        .run(|conn| exploot::store::admin_events::about(conn, "office"))
        .await
        .expect("admin events");
    let stored: Vec<_> = events
        .iter()
        .filter(|e| e.kind == "office_stored")
        .collect();
    assert_eq!(stored.len(), 2);
    assert!(
        stored[1].payload.contains("Blaak 10"),
        "{}",
        stored[1].payload
    );
    assert!(stored[1].actor.starts_with("token:"), "{}", stored[1].actor);

    let handler = server.as_role(exploot::workflow::Role::CaseHandler).await;
    let denied = handler
        .admin()
        .get_office(pb::GetOfficeRequest { version: 0 })
        .await
        .expect_err("admin only");
    assert_eq!(denied.code(), Code::PermissionDenied);
    server.stop().await;
}
on_both_backends!(the_office_is_versioned_audited_and_checked_field_by_field);
