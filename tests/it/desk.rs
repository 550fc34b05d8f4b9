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

async fn search_finds_each_key(db: TestDb) {
    let server = TestServer::start(&db).await;
    fixtures::put_client(&server, "acme").await;
    fixtures::put_client(&server, "globex").await;
    let vries = create(
        &server,
        claim(
            "acme",
            "A-1",
            "Vries, de",
            "Kerkstraat 12",
            "3511 LK",
            "1980-02-29",
        ),
    )
    .await;
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
    let hits = found(
        &server,
        pb::SearchCasesRequest {
            court_case_number: "c/16/123456 / cv expl 26-42".into(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(hits, ["C-1"]);
    server.stop().await;
}
on_both_backends!(search_by_court_case_number);

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
    let office = debtor_cases(&server, &first.id).await;
    // Same name and birth date (P-2), same name at the same address (P-3); not P-4.
    assert_eq!(references(&office), ["P-1", "P-2", "P-3"]);
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
        assert_eq!(c.owed, quoted.total_due);
        total += c.owed.parse::<rust_decimal::Decimal>().expect("decimal");
    }
    assert_eq!(office.total_owed, total.to_string());
    assert!(total > rust_decimal::Decimal::ZERO);
    // A client sees its own cases of the debtor only.
    let acme = server.as_client("acme").await;
    let own = debtor_cases(&acme, &first.id).await;
    assert_eq!(references(&own), ["P-1", "P-3"]);
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
