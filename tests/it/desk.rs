//! The desk (issue 17): search by every key the front office is told, a debtor's cases
//! with what they owe, notes, changes to the debtor, evidence uploads, tasks as people
//! work them and the prevention check — on both backends, through the real server.

use exploot::proto as pb;
use tonic::Code;

use crate::harness::server::Caller;
use crate::harness::{TestDb, TestServer, bad_fields, fixtures, on_both_backends};

/// A consumer claim of `client` against `name` at an address, born on a day.
fn claim(
    client: &str,
    reference: &str,
    name: &str,
    street: &str,
    postcode: &str,
    born: &str,
) -> pb::CreateCaseRequest {
    let mut request = fixtures::consumer_claim(client, reference);
    let debtor = request.debtor.as_mut().expect("debtor");
    debtor.name = name.into();
    debtor.family_name = String::new();
    debtor.family_name_prefix = String::new();
    debtor.date_of_birth = born.into();
    let address = debtor.address.as_mut().expect("address");
    address.street = street.into();
    address.postcode = postcode.into();
    request
}

async fn create(server: &TestServer, request: pb::CreateCaseRequest) -> pb::Case {
    server
        .cases()
        .create_case(request)
        .await
        .expect("CreateCase")
        .into_inner()
}

/// The client references of the cases a search finds, in the order found.
async fn found(caller: &Caller, request: pb::SearchCasesRequest) -> Vec<String> {
    caller
        .cases()
        .search_cases(request)
        .await
        .expect("SearchCases")
        .into_inner()
        .cases
        .into_iter()
        .map(|c| c.client_reference)
        .collect()
}

fn by_name(name: &str) -> pb::SearchCasesRequest {
    pb::SearchCasesRequest {
        name: name.into(),
        ..Default::default()
    }
}

fn by_court_case(number: &str) -> pb::SearchCasesRequest {
    pb::SearchCasesRequest {
        court_case_number: number.into(),
        ..Default::default()
    }
}

/// acme's case A-1 against "Vries, de", Kerkstraat 12, 3511 LK, born 29 February 1980.
async fn create_de_vries(server: &TestServer) -> pb::Case {
    create(
        server,
        claim(
            "acme",
            "A-1",
            "Vries, de",
            "Kerkstraat 12",
            "3511 LK",
            "1980-02-29",
        ),
    )
    .await
}

async fn search_finds_each_key(db: TestDb) {
    let server = TestServer::start(&db).await;
    fixtures::put_client(&server, "acme").await;
    fixtures::put_client(&server, "globex").await;
    let vries = create_de_vries(&server).await;
    create(
        &server,
        claim(
            "acme",
            "A-2",
            "José Müller",
            "Dorpsstraat 3-bis",
            "1234 AB",
            "1975-06-01",
        ),
    )
    .await;
    create(
        &server,
        claim(
            "acme",
            "A-3",
            "Dekker",
            "Kerkstraat 14",
            "3511 LK",
            "1990-01-01",
        ),
    )
    .await;
    let mut foreign = claim(
        "acme",
        "A-4",
        "Ștefan Nguyễn",
        "Dorpsstraat 5",
        "1234 AB",
        "1985-03-01",
    );
    let debtor = foreign.debtor.as_mut().expect("debtor");
    (debtor.email, debtor.phone, debtor.iban) = (String::new(), String::new(), String::new());
    create(&server, foreign).await;
    // Another client's case against a de Vries: never found with acme's token.
    create(
        &server,
        claim(
            "globex",
            "G-1",
            "Jan de Vries",
            "Laan 1",
            "9999 ZZ",
            "1980-02-29",
        ),
    )
    .await;

    // Name: tussenvoegsel moved, case and accents ignored; "de" never finds "Dekker".
    assert_eq!(found(&server, by_name("de Vries")).await, ["A-1", "G-1"]);
    assert_eq!(found(&server, by_name("VRIES")).await, ["G-1", "A-1"]);
    assert_eq!(found(&server, by_name("jose muller")).await, ["A-2"]);
    assert_eq!(found(&server, by_name("Müll")).await, ["A-2"]);
    // Letters beyond Latin Extended-A fold too: typed plain, or as written.
    assert_eq!(found(&server, by_name("stefan nguyen")).await, ["A-4"]);
    assert_eq!(found(&server, by_name("Nguyễn")).await, ["A-4"]);
    assert_eq!(found(&server, by_name("dek")).await, ["A-3"]);
    // Postcode with and without a space, with and without the house number.
    let at = |postcode: &str, house: &str| pb::SearchCasesRequest {
        postcode: postcode.into(),
        house_number: house.into(),
        ..Default::default()
    };
    assert_eq!(found(&server, at("3511 LK", "12")).await, ["A-1"]);
    assert_eq!(found(&server, at("3511lk", "12")).await, ["A-1"]);
    assert_eq!(found(&server, at("3511LK", "")).await, ["A-3", "A-1"]);
    assert_eq!(found(&server, at("1234 AB", "3")).await, ["A-2"]);
    // Every other key, as people type it.
    let key = |f: fn(&mut pb::SearchCasesRequest)| {
        let mut r = pb::SearchCasesRequest::default();
        f(&mut r);
        r
    };
    assert_eq!(
        found(&server, key(|r| r.date_of_birth = "1975-06-01".into())).await,
        ["A-2"]
    );
    assert_eq!(
        found(&server, key(|r| r.iban = "nl44 rabo 0123 4567 89".into()))
            .await
            .len(),
        4
    );
    assert_eq!(
        found(&server, key(|r| r.email = "J.DeVries@Example.nl".into()))
            .await
            .len(),
        4
    );
    assert_eq!(
        found(&server, key(|r| r.phone = "06-12345678".into()))
            .await
            .len(),
        4
    );
    assert_eq!(
        found(&server, key(|r| r.client_reference = " a-2 ".into())).await,
        ["A-2"]
    );
    let reference = vries.payment_reference.clone();
    let spaced: String = reference
        .chars()
        .enumerate()
        .flat_map(|(i, c)| (i > 0 && i % 4 == 0).then_some(' ').into_iter().chain([c]))
        .collect();
    assert_eq!(
        found(
            &server,
            pb::SearchCasesRequest {
                payment_reference: spaced,
                ..Default::default()
            }
        )
        .await,
        ["A-1"]
    );
    // Keys combine (AND), and the filters narrow.
    let mut both = by_name("de vries");
    both.date_of_birth = "1980-02-29".into();
    both.client_id = "acme".into();
    assert_eq!(found(&server, both).await, ["A-1"]);
    let mut closed = by_name("de vries");
    closed.stage = pb::Stage::Closed.into();
    assert!(found(&server, closed).await.is_empty());
    let mut held = by_name("de vries");
    held.suspension = pb::Suspension::OnHold.into();
    assert!(found(&server, held).await.is_empty());

    // Paging: one a page, the same order as one page.
    let mut seen = Vec::new();
    let mut request = by_name("vries");
    request.page_size = 1;
    loop {
        let page = server
            .cases()
            .search_cases(request.clone())
            .await
            .expect("SearchCases")
            .into_inner();
        seen.extend(page.cases.into_iter().map(|c| c.client_reference));
        if page.next_page_token.is_empty() {
            break;
        }
        request.page_token = page.next_page_token;
    }
    assert_eq!(seen, ["G-1", "A-1"]);

    // A client token finds its own cases only, even when it names another client.
    let acme = server.as_client("acme").await;
    assert_eq!(found(&acme, by_name("de vries")).await, ["A-1"]);
    let mut other = by_name("de vries");
    other.client_id = "globex".into();
    assert!(found(&acme, other).await.is_empty());
    let globex = server.as_client("globex").await;
    assert_eq!(
        found(&globex, key(|r| r.date_of_birth = "1980-02-29".into())).await,
        ["G-1"]
    );

    // No key, or a key that holds nothing to search by: INVALID_ARGUMENT naming it.
    let refused = server
        .cases()
        .search_cases(pb::SearchCasesRequest::default())
        .await
        .expect_err("no key");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&refused), ["name"]);
    let refused = server
        .cases()
        .search_cases(pb::SearchCasesRequest {
            name: "van der".into(),
            house_number: "x".into(),
            date_of_birth: "1980-13-01".into(),
            page_token: "nonsense".into(),
            ..Default::default()
        })
        .await
        .expect_err("bad keys");
    assert_eq!(
        bad_fields(&refused),
        ["date_of_birth", "house_number", "name", "page_token"]
    );
    server.stop().await;
}
on_both_backends!(search_finds_each_key);

/// The court case number is a key once the judgment is registered.
async fn search_by_court_case_number(db: TestDb) {
    use crate::track::{advance_to, complete, consumer_case, get, start};
    let server = start(&db, "2026-05-04T08:00:00Z").await;
    let id = consumer_case(&server, "C-1", "2026-03-31").await;
    advance_to(&server, "2026-05-22T08:00:00Z").await;
    complete(&server, &id, "summons_approval", "approve").await;
    advance_to(&server, "2026-06-17T08:00:00Z").await;
    assert_eq!(get(&server, &id).await.stage, pb::Stage::Judgment as i32);
    server
        .cases()
        .register_judgment(pb::RegisterJudgmentRequest {
            case_id: id.clone(),
            request_id: "judgment".into(),
            judgment: Some(pb::Judgment {
                judgment_date: "2026-06-17".into(),
                kind: pb::judgment::Kind::Contested.into(),
                outcome: pb::judgment::Outcome::PartlyAwarded.into(),
                awarded_principal: "1500.00".into(),
                interest_from: "2026-05-01".into(),
                awarded_collection_costs: "250.00".into(),
                legal_costs: "600.00".into(),
                court_case_number: "C/16/123456 / CV EXPL 26-42".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("RegisterJudgment");
    let hits = found(&server, by_court_case("c/16/123456 / cv expl 26-42")).await;
    assert_eq!(hits, ["C-1"]);
    // The transitions after the judgment keep the key (they leave it as it is).
    let version = get(&server, &id).await.version;
    advance_to(&server, "2026-08-17T08:00:00Z").await;
    assert!(
        get(&server, &id).await.version > version,
        "the track moved on"
    );
    let again = found(&server, by_court_case("C/16/123456/CV EXPL 26-42")).await;
    assert_eq!(again, ["C-1"]);
    server.stop().await;
}
on_both_backends!(search_by_court_case_number);

/// A case without a search row (stored before its keys were written there: the migration
/// that moved them into `case_search` empties it) is indexed when the service starts, and
/// every key finds it again.
async fn cases_without_search_keys_are_indexed_at_start(db: TestDb) {
    let server = TestServer::start(&db).await;
    fixtures::put_client(&server, "acme").await;
    let vries = create_de_vries(&server).await;
    server
        .store
        .run(|conn| {
            use diesel::RunQueryDsl;
            let delete = diesel::sql_query("DELETE FROM case_search");
            match conn {
                exploot::store::DbConnection::Sqlite(c) => delete.execute(c),
                exploot::store::DbConnection::Pg(c) => delete.execute(c),
            }
            .map_err(exploot::store::StoreError::from)
        })
        .await
        .expect("delete the search rows");
    assert!(found(&server, by_name("Vries")).await.is_empty());
    server.stop().await;

    let server = TestServer::start(&db).await;
    let keyed = |request: pb::SearchCasesRequest| found(&server, request);
    assert_eq!(keyed(by_name("de Vries")).await, ["A-1"]);
    let at = pb::SearchCasesRequest {
        postcode: "3511LK".into(),
        house_number: "12".into(),
        ..Default::default()
    };
    assert_eq!(keyed(at).await, ["A-1"]);
    let born = pb::SearchCasesRequest {
        date_of_birth: "1980-02-29".into(),
        ..Default::default()
    };
    assert_eq!(keyed(born).await, ["A-1"]);
    let paid_with = pb::SearchCasesRequest {
        payment_reference: vries.payment_reference.clone(),
        ..Default::default()
    };
    assert_eq!(keyed(paid_with).await, ["A-1"]);
    server.stop().await;
}
on_both_backends!(cases_without_search_keys_are_indexed_at_start);

async fn debtor_cases(caller: &Caller, case_id: &str) -> pb::ListDebtorCasesResponse {
    caller
        .cases()
        .list_debtor_cases(pb::ListDebtorCasesRequest {
            case_id: case_id.into(),
        })
        .await
        .expect("ListDebtorCases")
        .into_inner()
}

/// The client references of a debtor's cases, sorted.
fn references(listed: &pb::ListDebtorCasesResponse) -> Vec<String> {
    let mut refs: Vec<_> = listed
        .cases
        .iter()
        .map(|c| c.case.as_ref().expect("case").client_reference.clone())
        .collect();
    refs.sort();
    refs
}

async fn a_debtors_cases_with_what_they_owe(db: TestDb) {
    let server = TestServer::start(&db).await;
    fixtures::put_client(&server, "acme").await;
    fixtures::put_client(&server, "globex").await;
    // The same person (name and birth date) at two clients, once at another address;
    // a namesake born another day; a business by KvK number at two clients.
    let first = create(
        &server,
        claim(
            "acme",
            "P-1",
            "J. de Vries",
            "Kerkstraat 12",
            "3511 LK",
            "1980-02-29",
        ),
    )
    .await;
    create(
        &server,
        claim(
            "globex",
            "P-2",
            "Vries, J. de",
            "Laan 1",
            "9999 ZZ",
            "1980-02-29",
        ),
    )
    .await;
    create(
        &server,
        claim(
            "acme",
            "P-3",
            "J. de Vries",
            "Kerkstraat 12",
            "3511 LK",
            "1955-01-01",
        ),
    )
    .await;
    create(
        &server,
        claim(
            "acme",
            "P-4",
            "J. de Vries",
            "Ander 1",
            "1111 AA",
            "1966-01-01",
        ),
    )
    .await;
    // The same name at the same address with no date of birth: the same debtor.
    create(
        &server,
        claim("acme", "P-5", "J. de Vries", "Kerkstraat 12", "3511 LK", ""),
    )
    .await;
    let withdrawn = create(
        &server,
        claim(
            "acme",
            "P-6",
            "J. de Vries",
            "Laan 1",
            "9999 ZZ",
            "1980-02-29",
        ),
    )
    .await;
    server
        .cases()
        .withdraw_case(pb::WithdrawCaseRequest {
            case_id: withdrawn.id.clone(),
            request_id: "withdraw-p6".into(),
            reason: "the client collects it itself".into(),
        })
        .await
        .expect("WithdrawCase");
    let office = debtor_cases(&server, &first.id).await;
    // Same name and birth date (P-2, P-6), same name at the same address with no birth
    // date (P-5); not P-3 (the same address, born another day: the father) nor P-4.
    assert_eq!(references(&office), ["P-1", "P-2", "P-5", "P-6"]);
    let mut total = rust_decimal::Decimal::ZERO;
    for c in &office.cases {
        let quoted = server
            .cases()
            .quote_case(pb::QuoteCaseRequest {
                case_id: c.case.as_ref().expect("case").id.clone(),
                as_of: String::new(),
            })
            .await
            .expect("QuoteCase")
            .into_inner();
        let case = c.case.as_ref().expect("case");
        if case.client_reference == "P-6" {
            // Withdrawn: the office collects nothing more on it, whatever the law's quote.
            assert_eq!(c.owed, "0.00");
            assert_ne!(quoted.total_due, "0.00");
            continue;
        }
        assert_eq!(c.owed, quoted.total_due);
        total += c.owed.parse::<rust_decimal::Decimal>().expect("decimal");
    }
    assert_eq!(office.total_owed, total.to_string());
    assert!(total > rust_decimal::Decimal::ZERO);
    // A client sees its own cases of the debtor only.
    let acme = server.as_client("acme").await;
    let own = debtor_cases(&acme, &first.id).await;
    assert_eq!(references(&own), ["P-1", "P-5", "P-6"]);
    let globex = server.as_client("globex").await;
    let hidden = globex
        .cases()
        .list_debtor_cases(pb::ListDebtorCasesRequest { case_id: first.id })
        .await
        .expect_err("another client's case");
    assert_eq!(hidden.code(), Code::NotFound);

    // Businesses by KvK number, whatever the name says.
    let a = create(&server, fixtures::business_claim("acme", "B-1", "12345678")).await;
    let mut renamed = fixtures::business_claim("globex", "B-2", "12345678");
    renamed.debtor.as_mut().expect("debtor").name = "Jansen Bouw".into();
    create(&server, renamed).await;
    assert_eq!(
        references(&debtor_cases(&server, &a.id).await),
        ["B-1", "B-2"]
    );
    server.stop().await;
}
on_both_backends!(a_debtors_cases_with_what_they_owe);

/// The upload stream of `bytes` in 1 MiB messages, the first carrying the metadata.
fn upload_stream(
    case_id: &str,
    kind: pb::EvidenceKind,
    file_name: &str,
    bytes: &[u8],
) -> impl tokio_stream::Stream<Item = pb::UploadDocumentRequest> + use<> {
    let mut messages: Vec<pb::UploadDocumentRequest> = bytes
        .chunks(1024 * 1024)
        .map(|data| pb::UploadDocumentRequest {
            data: data.to_vec(),
            ..Default::default()
        })
        .collect();
    if messages.is_empty() {
        messages.push(pb::UploadDocumentRequest::default());
    }
    messages[0].case_id = case_id.into();
    messages[0].kind = kind.into();
    messages[0].file_name = file_name.into();
    tokio_stream::iter(messages)
}

async fn upload(
    caller: &Caller,
    case_id: &str,
    kind: pb::EvidenceKind,
    file_name: &str,
    bytes: &[u8],
) -> Result<pb::Document, tonic::Status> {
    caller
        .documents()
        .upload_document(upload_stream(case_id, kind, file_name, bytes))
        .await
        .map(tonic::Response::into_inner)
}

/// A stored document's bytes, through GetDocument.
async fn read_back(caller: &Caller, id: &str) -> Vec<u8> {
    use tokio_stream::StreamExt;
    let mut stream = caller
        .documents()
        .get_document(pb::GetDocumentRequest {
            document_id: id.into(),
        })
        .await
        .expect("GetDocument")
        .into_inner();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.expect("chunk").data);
    }
    bytes
}

async fn listed(caller: &Caller, case_id: &str) -> Vec<pb::Document> {
    caller
        .documents()
        .list_documents(pb::ListDocumentsRequest {
            case_id: case_id.into(),
            ..Default::default()
        })
        .await
        .expect("ListDocuments")
        .into_inner()
        .documents
}

async fn evidence_is_stored_and_read_back_byte_identical(db: TestDb) {
    let server = TestServer::start(&db).await;
    fixtures::put_client(&server, "acme").await;
    fixtures::put_client(&server, "globex").await;
    let case = create(&server, fixtures::consumer_claim("acme", "E-1")).await;
    let acme = server.as_client("acme").await;
    let pdf: &[u8] = include_bytes!("../../examples/documents/demand.pdf");
    let png: &[u8] = include_bytes!("../../docs/portal/case.png");

    // The client uploads its invoice (a real PDF) and a screenshot (a real PNG).
    let invoice = upload(
        &acme,
        &case.id,
        pb::EvidenceKind::Invoice,
        "factuur.pdf",
        pdf,
    )
    .await
    .expect("UploadDocument PDF");
    assert_eq!(
        (
            invoice.kind.as_str(),
            invoice.media_type.as_str(),
            invoice.title.as_str()
        ),
        ("evidence_invoice", "application/pdf", "Factuur")
    );
    assert_eq!(invoice.size_bytes, i64::try_from(pdf.len()).unwrap());
    assert_eq!(invoice.sha256, exploot::digest::sha256_hex(pdf));
    let shot = upload(
        &server,
        &case.id,
        pb::EvidenceKind::Correspondence,
        "scherm.png",
        png,
    )
    .await
    .expect("UploadDocument PNG");
    assert_eq!(shot.media_type, "image/png");
    assert_eq!(read_back(&acme, &invoice.id).await, pdf);
    assert_eq!(read_back(&server, &shot.id).await, png);
    // Listed with the case's own documents; the same upload again is the same document.
    let again = upload(&acme, &case.id, pb::EvidenceKind::Invoice, "kopie.pdf", pdf)
        .await
        .expect("the same upload again");
    assert_eq!(again.id, invoice.id);
    let ids: Vec<String> = listed(&acme, &case.id)
        .await
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(ids.iter().filter(|id| **id == invoice.id).count(), 1);
    assert!(ids.contains(&shot.id));
    let before = ids.len();

    // Refused, naming `data`, nothing stored: an executable renamed .pdf, 21 MiB, empty.
    let exe = std::fs::read(std::env::current_exe().expect("the test binary")).expect("read");
    let exe = &exe[..exe.len().min(256 * 1024)];
    let big = {
        let mut b = pdf.to_vec();
        b.resize(21 * 1024 * 1024, b' ');
        b.extend_from_slice(b"%%EOF\n");
        b
    };
    for (what, bytes) in [
        ("executable", exe),
        ("21 MiB", &big[..]),
        ("empty", &[][..]),
    ] {
        let refused = upload(
            &acme,
            &case.id,
            pb::EvidenceKind::Invoice,
            "factuur.pdf",
            bytes,
        )
        .await
        .expect_err(what);
        assert_eq!(refused.code(), Code::InvalidArgument, "{what}: {refused:?}");
        assert_eq!(bad_fields(&refused), ["data"], "{what}");
    }
    let no_kind = upload(&acme, &case.id, pb::EvidenceKind::Unspecified, "f.pdf", pdf)
        .await
        .expect_err("no kind");
    assert_eq!(bad_fields(&no_kind), ["kind"]);
    assert_eq!(listed(&acme, &case.id).await.len(), before);
    // Another client's case is not found, and gets nothing.
    let globex = server.as_client("globex").await;
    let hidden = upload(&globex, &case.id, pb::EvidenceKind::Other, "x.png", png)
        .await
        .expect_err("another client's case");
    assert_eq!(hidden.code(), Code::NotFound);
    assert_eq!(listed(&acme, &case.id).await.len(), before);
    // The audit trail has the two uploads, with their actors.
    let uploaded = crate::engine::count(
        &db.url,
        &format!(
            "SELECT count(*) AS n FROM case_events WHERE case_id = '{}' AND kind = 'evidence_uploaded'",
            case.id
        ),
    )
    .await;
    assert_eq!(uploaded, 2);
    server.stop().await;
}
on_both_backends!(evidence_is_stored_and_read_back_byte_identical);

fn note(case_id: &str, request_id: &str, kind: pb::NoteKind, text: &str) -> pb::AddNoteRequest {
    pb::AddNoteRequest {
        case_id: case_id.into(),
        request_id: request_id.into(),
        kind: kind.into(),
        text: text.into(),
        ..Default::default()
    }
}

async fn tasks_where(caller: &Caller, request: pb::ListTasksRequest) -> Vec<pb::Task> {
    caller
        .tasks()
        .list_tasks(request)
        .await
        .expect("ListTasks")
        .into_inner()
        .tasks
}

/// Notes: a follow-up day opens a task due that day for the author, overdue the day after;
/// a promise to pay opens a check on the promised day; every note is an audit event with
/// its actor in WatchCase; tasks are unclaimed, reassigned and opened by hand.
async fn notes_open_follow_ups_and_show_in_the_dossier(db: TestDb) {
    use crate::track::{advance_to, start};
    let server = start(&db, "2026-05-04T08:00:00Z").await;
    let case = create(&server, fixtures::consumer_claim("acme", "N-1")).await;
    let desk = server.as_role(exploot::workflow::Role::FrontOffice).await;
    let mut call = note(
        &case.id,
        "note-1",
        pb::NoteKind::CallIn,
        "Debiteur belt: betaalt vrijdag.",
    );
    call.follow_up_on = "2026-05-06".into();
    let added = desk
        .cases()
        .add_note(call.clone())
        .await
        .expect("AddNote")
        .into_inner();
    let author = format!("token:{}/front_office", desk.token_id);
    assert_eq!(
        (added.kind.as_str(), added.author.as_str()),
        ("call_in", author.as_str())
    );
    // The same request again is the same note.
    let again = desk
        .cases()
        .add_note(call.clone())
        .await
        .expect("AddNote retry")
        .into_inner();
    assert_eq!(again.sequence, added.sequence);
    let mut promise = note(
        &case.id,
        "note-2",
        pb::NoteKind::PromiseToPay,
        "Belooft € 500 op 8 mei.",
    );
    promise.promised_on = "2026-05-08".into();
    desk.cases()
        .add_note(promise)
        .await
        .expect("AddNote promise");
    // The first request retried after another note: still its own note, not the latest.
    let late_retry = desk
        .cases()
        .add_note(call.clone())
        .await
        .expect("AddNote retry after another note")
        .into_inner();
    assert_eq!(
        (late_retry.sequence, late_retry.text.as_str()),
        (added.sequence, "Debiteur belt: betaalt vrijdag.")
    );

    // The front office works no task list: the follow-up due 6 May and the check due
    // 8 May wait in the case handlers' queue, for any of them to take; not yet overdue.
    let mine = pb::ListTasksRequest {
        queue: "case_handler".into(),
        case_id: case.id.clone(),
        ..Default::default()
    };
    let tasks = tasks_where(&server, mine.clone()).await;
    let due: Vec<(&str, &str, bool)> = tasks
        .iter()
        .map(|t| (t.kind.as_str(), t.due_on.as_str(), t.overdue))
        .collect();
    assert_eq!(
        due,
        [
            ("follow_up", "2026-05-06", false),
            ("promise_check", "2026-05-08", false)
        ]
    );
    assert!(
        tasks
            .iter()
            .all(|t| t.state == pb::TaskState::Open as i32 && t.claimed_by.is_empty())
    );
    // On the manual clock: 7 May the follow-up is overdue, the check is not.
    advance_to(&server, "2026-05-07T08:00:00Z").await;
    let overdue = tasks_where(
        &server,
        pb::ListTasksRequest {
            overdue: true,
            ..mine.clone()
        },
    )
    .await;
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].kind, "follow_up");
    let by_the_6th = tasks_where(
        &server,
        pb::ListTasksRequest {
            due_on_or_before: "2026-05-06".into(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(by_the_6th.len(), 1);
    // A handler takes it.
    let taken = server
        .tasks()
        .claim_task(pb::ClaimTaskRequest {
            task_id: overdue[0].id.clone(),
            assignee: "alice".into(),
        })
        .await
        .expect("ClaimTask")
        .into_inner();
    assert_eq!(taken.claimed_by, "alice");
    // Unclaim and reassign.
    let follow_up = overdue[0].id.clone();
    let back = server
        .tasks()
        .unclaim_task(pb::UnclaimTaskRequest {
            task_id: follow_up.clone(),
        })
        .await
        .expect("UnclaimTask")
        .into_inner();
    assert_eq!(
        (back.state, back.claimed_by.as_str()),
        (pb::TaskState::Open as i32, "")
    );
    let again = server
        .tasks()
        .unclaim_task(pb::UnclaimTaskRequest {
            task_id: follow_up.clone(),
        })
        .await
        .expect_err("not claimed");
    assert_eq!(again.code(), Code::FailedPrecondition);
    let moved = server
        .tasks()
        .reassign_task(pb::ReassignTaskRequest {
            task_id: follow_up.clone(),
            assignee: "bob".into(),
        })
        .await
        .expect("ReassignTask")
        .into_inner();
    assert_eq!(moved.claimed_by, "bob");
    let bobs = pb::ListTasksRequest {
        assignee: "bob".into(),
        ..mine
    };
    assert_eq!(tasks_where(&server, bobs).await.len(), 1);
    // A case handler opens a task by hand.
    let handler = server.as_role(exploot::workflow::Role::CaseHandler).await;
    let opened = handler
        .tasks()
        .open_task(pb::OpenTaskRequest {
            case_id: case.id.clone(),
            request_id: "open-1".into(),
            kind: "call_back".into(),
            title: "Debiteur terugbellen".into(),
            due_on: "2026-05-11".into(),
            ..Default::default()
        })
        .await
        .expect("OpenTask")
        .into_inner();
    assert_eq!(
        (
            opened.kind.as_str(),
            opened.due_on.as_str(),
            opened.state,
            opened.queue.as_str()
        ),
        (
            "call_back",
            "2026-05-11",
            pb::TaskState::Open as i32,
            "case_handler"
        )
    );
    let refused = handler
        .tasks()
        .open_task(pb::OpenTaskRequest {
            case_id: case.id.clone(),
            kind: "Bel Terug".into(),
            due_on: "11-05-2026".into(),
            ..Default::default()
        })
        .await
        .expect_err("bad task");
    assert_eq!(bad_fields(&refused), ["due_on", "kind", "title"]);
    // Only to a queue someone works: not a client's, nor the front office's.
    for queue in ["client", "front_office"] {
        let refused = handler
            .tasks()
            .open_task(pb::OpenTaskRequest {
                case_id: case.id.clone(),
                kind: "call_back".into(),
                title: "Terugbellen".into(),
                due_on: "2026-05-11".into(),
                queue: queue.into(),
                ..Default::default()
            })
            .await
            .expect_err("a queue nobody works");
        assert_eq!(bad_fields(&refused), ["queue"], "{queue}");
    }
    // A kind the track opens itself would run a step of the track when completed (an
    // attachment recorded, a review closing the case): refused.
    for kind in [
        "attachment",
        "intake_review",
        "unmatched_payment",
        "job_failed",
    ] {
        let refused = handler
            .tasks()
            .open_task(pb::OpenTaskRequest {
                case_id: case.id.clone(),
                kind: kind.into(),
                title: "Beslag leggen".into(),
                due_on: "2026-05-11".into(),
                ..Default::default()
            })
            .await
            .expect_err("a track kind");
        assert_eq!(bad_fields(&refused), ["kind"], "{kind}");
    }

    // The notes, listed and in WatchCase with their actor.
    let notes = server
        .cases()
        .list_notes(pb::ListNotesRequest {
            case_id: case.id.clone(),
        })
        .await
        .expect("ListNotes")
        .into_inner()
        .notes;
    assert_eq!(notes.len(), 2);
    let mut events = server
        .cases()
        .watch_case(pb::WatchCaseRequest {
            case_id: case.id.clone(),
            from_sequence: added.sequence,
        })
        .await
        .expect("WatchCase")
        .into_inner();
    let event = events.message().await.expect("ok").expect("an event");
    assert_eq!(
        (event.kind.as_str(), event.actor.as_str()),
        ("note_added", author.as_str())
    );
    assert!(
        event.payload_json.contains("betaalt vrijdag"),
        "{}",
        event.payload_json
    );
    // A client may not write notes.
    let acme = server.as_client("acme").await;
    let denied = acme
        .cases()
        .add_note(note(&case.id, "n", pb::NoteKind::Internal, "x"))
        .await
        .expect_err("a client");
    assert_eq!(denied.code(), Code::PermissionDenied);
    // Nor read them: its watch of its own case shows that a note was added, not what it
    // says, and goes on from there.
    let mut seen = acme
        .cases()
        .watch_case(pb::WatchCaseRequest {
            case_id: case.id.clone(),
            from_sequence: added.sequence,
        })
        .await
        .expect("WatchCase")
        .into_inner();
    let event = seen.message().await.expect("ok").expect("an event");
    assert_eq!(
        (event.kind.as_str(), event.sequence),
        ("note_added", added.sequence)
    );
    assert!(
        !event.payload_json.contains("betaalt"),
        "{}",
        event.payload_json
    );
    assert!(!event.reason.contains("betaalt"), "{}", event.reason);

    // On a closed case a task opened by hand can be completed too, and the client sees
    // that it was, not the note the handler wrote on it.
    server
        .cases()
        .withdraw_case(pb::WithdrawCaseRequest {
            case_id: case.id.clone(),
            request_id: "withdraw-notes".into(),
            reason: "the client's instruction".into(),
        })
        .await
        .expect("WithdrawCase");
    let late = handler
        .tasks()
        .open_task(pb::OpenTaskRequest {
            case_id: case.id.clone(),
            request_id: "open-closed".into(),
            kind: "call_back".into(),
            title: "Debiteur terugbellen over de intrekking".into(),
            due_on: "2026-05-11".into(),
            ..Default::default()
        })
        .await
        .expect("OpenTask on a closed case")
        .into_inner();
    let done = handler
        .tasks()
        .complete_task(pb::CompleteTaskRequest {
            task_id: late.id.clone(),
            request_id: "complete-closed".into(),
            outcome: "done".into(),
            note: "debiteur is ziek, belt zelf terug".into(),
            ..Default::default()
        })
        .await
        .expect("CompleteTask on a closed case")
        .into_inner();
    assert_eq!(done.state, pb::TaskState::Completed as i32);
    let mut office_view = server
        .cases()
        .watch_case(pb::WatchCaseRequest {
            case_id: case.id.clone(),
            from_sequence: 0,
        })
        .await
        .expect("WatchCase")
        .into_inner();
    let mut client_view = acme
        .cases()
        .watch_case(pb::WatchCaseRequest {
            case_id: case.id.clone(),
            from_sequence: 0,
        })
        .await
        .expect("WatchCase")
        .into_inner();
    let completed =
        |e: &pb::CaseEvent| e.kind == "task_completed" && e.payload_json.contains("call_back");
    let mut office_saw = None;
    while let Some(e) = office_view.message().await.expect("ok") {
        if completed(&e) {
            office_saw = Some(e);
            break;
        }
    }
    assert!(
        office_saw
            .expect("the office sees it")
            .payload_json
            .contains("ziek")
    );
    let mut client_saw = None;
    while let Some(e) = client_view.message().await.expect("ok") {
        if completed(&e) {
            client_saw = Some(e);
            break;
        }
    }
    let client_saw = client_saw.expect("the client sees that it was done");
    assert!(
        !client_saw.payload_json.contains("ziek"),
        "{}",
        client_saw.payload_json
    );
    assert!(
        client_saw.payload_json.contains("done"),
        "{}",
        client_saw.payload_json
    );
    server.stop().await;
}
on_both_backends!(notes_open_follow_ups_and_show_in_the_dossier);

/// A defence recorded before the summons is stated in the dagvaarding's draft (art. 111
/// lid 3 Rv).
async fn a_defence_is_stated_in_the_summons(db: TestDb) {
    use crate::track::{advance_to, consumer_case, documents_of, start};
    let server = start(&db, "2026-05-04T08:00:00Z").await;
    let id = consumer_case(&server, "D-1", "2026-03-31").await;
    let defence = "De debiteur stelt dat de levering onvolledig was.";
    server
        .cases()
        .add_note(note(&id, "defence-1", pb::NoteKind::Defence, defence))
        .await
        .expect("AddNote defence");
    advance_to(&server, "2026-05-22T08:00:00Z").await;
    let summons = documents_of(&server, &id)
        .await
        .into_iter()
        .find(|(kind, _)| kind == "summons")
        .expect("a summons draft")
        .1;
    let flat = summons.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(defence), "no defence in:\n{summons}");
    server.stop().await;
}
on_both_backends!(a_defence_is_stated_in_the_summons);

/// UpdateDebtor: the next letter carries the new address; the search finds the case by it.
async fn a_new_address_is_on_the_next_letter(db: TestDb) {
    use crate::track::{advance_to, documents_of, start};
    let server = start(&db, "2026-05-04T08:00:00Z").await;
    let case = create(&server, fixtures::consumer_claim("acme", "U-1")).await;
    let desk = server.as_role(exploot::workflow::Role::FrontOffice).await;
    let updated = desk
        .cases()
        .update_debtor(pb::UpdateDebtorRequest {
            case_id: case.id.clone(),
            request_id: "move-1".into(),
            address: Some(pb::Address {
                street: "Nieuwe Gracht 77".into(),
                postcode: "2011 AB".into(),
                city: "Haarlem".into(),
                country: "NL".into(),
            }),
            phone: "020-1234567".into(),
            reason: "verhuisd".into(),
            source: "debiteur telefonisch".into(),
            ..Default::default()
        })
        .await
        .expect("UpdateDebtor")
        .into_inner();
    let debtor = updated.debtor.expect("debtor");
    assert_eq!(debtor.address.expect("address").city, "Haarlem");
    assert_eq!(debtor.phone, "020-1234567");
    assert_eq!(debtor.email, "j.devries@example.nl", "unchanged");
    let refused = desk
        .cases()
        .update_debtor(pb::UpdateDebtorRequest {
            case_id: case.id.clone(),
            iban: "NL00BANK0000000000".into(),
            email: "x@@y".into(),
            ..Default::default()
        })
        .await
        .expect_err("bad change");
    assert_eq!(bad_fields(&refused), ["email", "iban", "reason", "source"]);
    // The 14-dagenbrief goes out at the 16:00 cut-off, to the new address.
    advance_to(&server, "2026-05-04T15:00:00Z").await;
    let letter = documents_of(&server, &case.id)
        .await
        .into_iter()
        .find(|(kind, _)| kind == "fourteen_day_letter")
        .expect("the letter")
        .1;
    assert!(letter.contains("Nieuwe Gracht 77"), "{letter}");
    assert!(letter.contains("2011 AB"), "{letter}");
    assert!(!letter.contains("Kerkstraat 12"), "{letter}");
    let at = pb::SearchCasesRequest {
        postcode: "2011AB".into(),
        house_number: "77".into(),
        ..Default::default()
    };
    assert_eq!(found(&server, at).await, ["U-1"]);
    let old = pb::SearchCasesRequest {
        postcode: "3511 LK".into(),
        ..Default::default()
    };
    assert!(found(&server, old).await.is_empty());
    server.stop().await;
}
on_both_backends!(a_new_address_is_on_the_next_letter);

fn by_kvk(number: &str) -> pb::CheckDebtorRequest {
    pb::CheckDebtorRequest {
        kvk_number: number.into(),
        ..Default::default()
    }
}

fn by_name_and_city(name: &str, city: &str) -> pb::CheckDebtorRequest {
    pb::CheckDebtorRequest {
        name: name.into(),
        city: city.into(),
        ..Default::default()
    }
}

fn by_person(family_name: &str, prefix: &str, born: &str) -> pb::CheckDebtorRequest {
    pb::CheckDebtorRequest {
        family_name: family_name.into(),
        family_name_prefix: prefix.into(),
        date_of_birth: born.into(),
        ..Default::default()
    }
}

async fn check(caller: &Caller, request: pb::CheckDebtorRequest) -> pb::CheckDebtorResponse {
    caller
        .cases()
        .check_debtor(request)
        .await
        .expect("CheckDebtor")
        .into_inner()
}

/// CheckDebtor through the fixture register: every row of the README's prevention table,
/// each stored with its raw answers as evidence, and no case created.
async fn check_debtor_gives_every_verdict_of_the_table(db: TestDb) {
    use pb::recoverability::Verdict::{Proceed, Review, Stop};
    let server = TestServer::start(&db).await;
    fixtures::put_client(&server, "acme").await;
    let acme = server.as_client("acme").await;
    let mut elsewhere = by_kvk("69599084");
    elsewhere.postcode = "9999 ZZ".into();
    let table = [
        (by_kvk("69599084"), Proceed, "active"),
        (
            by_name_and_city("Test EMZ Dagobert", "Amsterdam"),
            Proceed,
            "active",
        ),
        (by_kvk("90000000"), Review, "dissolved on 2023-12-31"),
        (by_kvk("99098123"), Stop, "active"),
        (by_kvk("99098131"), Stop, "active"),
        (
            by_name_and_city("Company B.V.", "Haarlem"),
            Review,
            "active",
        ),
        (by_kvk("12345678"), Review, "not found"),
        (elsewhere, Review, "active"),
        (
            by_person("Vries", "de", "1975-03-14"),
            Stop,
            "not consulted",
        ),
        (
            by_person("Bakker", "", "1968-11-02"),
            Review,
            "not consulted",
        ),
        (
            by_person("Jansen", "", "1980-01-01"),
            Proceed,
            "not consulted",
        ),
    ];
    let rows = table.len();
    for (request, verdict, trade) in table {
        let asked = format!("{request:?}");
        let answer = check(&acme, request).await;
        let got = answer.verdict.clone().expect("a verdict");
        assert_eq!(got.verdict, verdict as i32, "{asked}: {got:?}");
        assert!(!got.reasons.is_empty(), "{asked}");
        assert_eq!(answer.trade_status, trade, "{asked}");
        assert!(!answer.evidence.is_empty(), "{asked}: raw answers kept");
        if verdict == Stop {
            assert!(!got.insolvency_number.is_empty(), "{asked}");
        }
    }
    let stored = crate::engine::count(
        &db.url,
        "SELECT count(*) AS n FROM admin_events WHERE kind = 'debtor_checked' AND payload LIKE '%\"evidence\"%'",
    )
    .await;
    assert_eq!(stored, i64::try_from(rows).unwrap());
    let cases = crate::engine::count(&db.url, "SELECT count(*) AS n FROM cases").await;
    assert_eq!(cases, 0, "no case is created");
    // One way to ask, and its fields whole.
    let refused = acme
        .cases()
        .check_debtor(pb::CheckDebtorRequest {
            kvk_number: "123".into(),
            ..Default::default()
        })
        .await
        .expect_err("bad number");
    assert_eq!(bad_fields(&refused), ["kvk_number"]);
    let refused = acme
        .cases()
        .check_debtor(pb::CheckDebtorRequest {
            family_name: "Jansen".into(),
            ..Default::default()
        })
        .await
        .expect_err("no birth date");
    assert_eq!(bad_fields(&refused), ["date_of_birth"]);
    let refused = acme
        .cases()
        .check_debtor(pb::CheckDebtorRequest::default())
        .await
        .expect_err("nothing asked");
    assert_eq!(bad_fields(&refused), ["kvk_number"]);
    server.stop().await;
}
on_both_backends!(check_debtor_gives_every_verdict_of_the_table);

/// Through the fake registers at their network edge: a second check of the same business
/// is answered from the cache (no calls), and checks are rate limited per token.
async fn check_debtor_honours_the_cache_and_the_rate_limit(db: TestDb) {
    use crate::harness::fake_registers::FakeRegister;
    let kvk = FakeRegister::kvk().await;
    let cir = FakeRegister::insolvency().await;
    let registers = crate::recoverability::registers(&kvk, &cir);
    let server =
        TestServer::start_with(&db, crate::harness::server::default_start(), registers).await;
    fixtures::put_client(&server, "acme").await;
    let acme = server.as_client("acme").await;
    let first = check(&acme, by_kvk("99098123")).await;
    assert_eq!(
        first.verdict.expect("verdict").verdict,
        pb::recoverability::Verdict::Stop as i32
    );
    let calls = (kvk.count(), cir.count());
    assert_eq!(calls, (1, 2), "basisprofiel; searchUndertaking and getCase");
    assert!(first.evidence.iter().all(|e| !e.from_cache));
    let second = check(&server, by_kvk("99098123")).await;
    assert_eq!((kvk.count(), cir.count()), calls, "the cache answered");
    assert!(second.evidence.iter().all(|e| e.from_cache));

    // Per token: 20 at once (one used above), then refused until the bucket refills.
    let mut admitted = 1;
    let refused = loop {
        match acme.cases().check_debtor(by_kvk("99098123")).await {
            Ok(_) => admitted += 1,
            Err(status) => break status,
        }
        assert!(admitted < 40, "never refused");
    };
    assert_eq!(refused.code(), Code::ResourceExhausted);
    assert!(admitted >= 20, "{admitted}");
    // Another token is not held up by it.
    check(&server, by_kvk("99098123")).await;
    server.stop().await;
}
on_both_backends!(check_debtor_honours_the_cache_and_the_rate_limit);
