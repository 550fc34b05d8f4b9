//! The adversary's view: tokens, roles, another client's cases, limits and deadlines.

use std::time::Duration;

use exploot::proto::{self as pb, FILE_DESCRIPTOR_SET};
use exploot::store::DbConnection;
use exploot::workflow::{Role, tokens};
use prost_reflect::{DescriptorPool, MethodDescriptor};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::{Code, Request, Status};

use crate::harness::fixtures::{advance_by, consumer_claim, put_client};
use crate::harness::server::{Caller, default_start};
use crate::harness::{TestDb, TestServer, eventually, on_both_backends};

/// Calls `method` with empty messages (a client stream of none), whatever its types: an
/// empty message is valid for every message type, and any answer decodes as `()`. The
/// status of the call, or of the first streamed answer.
async fn call_empty<T>(channel: T, method: &MethodDescriptor) -> Result<(), Status>
where
    T: tonic::client::GrpcService<tonic::body::Body>,
    T::Error: Into<tonic::codegen::StdError>,
    T::ResponseBody: tonic::codegen::Body<Data = tonic::codegen::Bytes> + Send + 'static,
    <T::ResponseBody as tonic::codegen::Body>::Error: Into<tonic::codegen::StdError> + Send,
{
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|e| Status::unavailable(e.into().to_string()))?;
    let path = PathAndQuery::try_from(format!(
        "/{}/{}",
        method.parent_service().full_name(),
        method.name()
    ))
    .expect("a path");
    let codec = tonic_prost::ProstCodec::<(), ()>::default();
    let none = || Request::new(tokio_stream::iter(Vec::<()>::new()));
    match (method.is_client_streaming(), method.is_server_streaming()) {
        (false, false) => grpc.unary(Request::new(()), path, codec).await.map(drop),
        (false, true) => {
            let mut answers = grpc
                .server_streaming(Request::new(()), path, codec)
                .await?
                .into_inner();
            answers.message().await.map(drop)
        }
        (true, false) => grpc.client_streaming(none(), path, codec).await.map(drop),
        (true, true) => {
            let mut answers = grpc.streaming(none(), path, codec).await?.into_inner();
            answers.message().await.map(drop)
        }
    }
}

/// A unary call of `path`, which the contract may not have.
async fn call_path<T>(channel: T, path: &'static str) -> Result<(), Status>
where
    T: tonic::client::GrpcService<tonic::body::Body>,
    T::Error: Into<tonic::codegen::StdError>,
    T::ResponseBody: tonic::codegen::Body<Data = tonic::codegen::Bytes> + Send + 'static,
    <T::ResponseBody as tonic::codegen::Body>::Error: Into<tonic::codegen::StdError> + Send,
{
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|e| Status::unavailable(e.into().to_string()))?;
    let codec = tonic_prost::ProstCodec::<(), ()>::default();
    grpc.unary(Request::new(()), PathAndQuery::from_static(path), codec)
        .await
        .map(drop)
}

/// Every method of the contract, from the descriptor set the server itself serves.
fn every_method() -> Vec<MethodDescriptor> {
    let pool = DescriptorPool::decode(FILE_DESCRIPTOR_SET).expect("descriptor set");
    let methods: Vec<MethodDescriptor> = pool
        .services()
        .flat_map(|s| s.methods().collect::<Vec<_>>())
        .collect();
    assert!(methods.len() > 20, "the whole contract: {}", methods.len());
    methods
}

/// For every RPC × every role: the roles of the access table get past the gate, the
/// others get PERMISSION_DENIED; no token and a garbage token get UNAUTHENTICATED.
async fn every_rpc_answers_each_role_as_the_table_says(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let mut callers = Vec::new();
    for role in Role::ALL {
        let caller = match role {
            Role::Client => server.as_client("acme").await,
            office => server.as_role(office).await,
        };
        callers.push((role, caller));
    }
    let garbage = server.with_token("exploot_not-a-token");
    for method in every_method() {
        let path = format!("/{}/{}", method.parent_service().full_name(), method.name());
        let allowed = exploot::api::access::allowed_roles(&path).expect("a row");
        for (role, caller) in &callers {
            let code = call_empty(caller.channel.clone(), &method)
                .await
                .err()
                .map(|s| s.code());
            if allowed.contains(role) {
                assert!(
                    !matches!(code, Some(Code::PermissionDenied | Code::Unauthenticated)),
                    "{}: {role} may call {path}, got {code:?}",
                    db.backend
                );
            } else {
                assert_eq!(
                    code,
                    Some(Code::PermissionDenied),
                    "{}: {role} calling {path}",
                    db.backend
                );
            }
        }
        let no_token = call_empty(server.plain.clone(), &method).await;
        let bad_token = call_empty(garbage.channel.clone(), &method).await;
        for (who, result) in [("no token", no_token), ("a garbage token", bad_token)] {
            let status = result.expect_err(who);
            assert_eq!(status.code(), Code::Unauthenticated, "{who} calling {path}");
        }
    }
    // A method the server does not have (a client of a newer contract): UNIMPLEMENTED for
    // any token, not a role's refusal; without a token still UNAUTHENTICATED.
    const MISSING: &str = "/exploot.v1.CaseService/DeleteCase";
    for (role, caller) in &callers {
        let status = call_path(caller.channel.clone(), MISSING)
            .await
            .expect_err("no such method");
        assert_eq!(status.code(), Code::Unimplemented, "{role}");
    }
    let status = call_path(server.plain.clone(), MISSING)
        .await
        .expect_err("no token");
    assert_eq!(status.code(), Code::Unauthenticated);
    server.stop().await;
}
on_both_backends!(every_rpc_answers_each_role_as_the_table_says);

/// Creates a case as the admin and returns its id.
async fn case_of(server: &TestServer, client: &str, reference: &str) -> String {
    server
        .cases()
        .create_case(consumer_claim(client, reference))
        .await
        .expect("CreateCase")
        .into_inner()
        .id
}

/// Withdraws a case (its final statement is rendered) and returns that document's id.
async fn closed_with_document(server: &TestServer, case_id: &str) -> String {
    server
        .cases()
        .withdraw_case(pb::WithdrawCaseRequest {
            case_id: case_id.into(),
            request_id: format!("withdraw-{case_id}"),
            reason: "client's instruction".into(),
        })
        .await
        .expect("WithdrawCase");
    advance_by(server, 60).await;
    let documents = server
        .documents()
        .list_documents(pb::ListDocumentsRequest {
            case_id: case_id.into(),
            ..Default::default()
        })
        .await
        .expect("ListDocuments")
        .into_inner()
        .documents;
    documents.first().expect("the final statement").id.clone()
}

/// What a client token may do to one case: read, watch, quote, pay, list and fetch its
/// documents; the status of each, in that order.
async fn try_everything(
    client: &Caller,
    case_id: &str,
    document_id: &str,
) -> Vec<Result<(), Status>> {
    let id = || case_id.to_owned();
    let mut cases = client.cases();
    let mut documents = client.documents();
    vec![
        cases
            .get_case(pb::GetCaseRequest { case_id: id() })
            .await
            .map(drop),
        cases
            .watch_case(pb::WatchCaseRequest {
                case_id: id(),
                from_sequence: 1,
            })
            .await
            .map(drop),
        cases
            .quote_case(pb::QuoteCaseRequest {
                case_id: id(),
                as_of: String::new(),
            })
            .await
            .map(drop),
        cases
            .record_payment(pb::RecordPaymentRequest {
                case_id: id(),
                request_id: format!("pay-{case_id}"),
                payment: Some(pb::Payment {
                    paid_on: "2026-05-04".into(),
                    amount: "10.00".into(),
                    ..Default::default()
                }),
            })
            .await
            .map(drop),
        documents
            .list_documents(pb::ListDocumentsRequest {
                case_id: id(),
                ..Default::default()
            })
            .await
            .map(drop),
        documents
            .get_document(pb::GetDocumentRequest {
                document_id: document_id.into(),
            })
            .await
            .map(drop),
    ]
}

/// A client token sees its own cases and nothing of another client's: each call on the
/// other's case is NOT_FOUND in the very words of a missing case.
async fn a_client_cannot_reach_another_clients_case(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    put_client(&server, "bolt").await;
    let own_open = case_of(&server, "acme", "A-1").await;
    let own_closed = case_of(&server, "acme", "A-2").await;
    let other_open = case_of(&server, "bolt", "B-1").await;
    let other_closed = case_of(&server, "bolt", "B-2").await;
    let own_document = closed_with_document(&server, &own_closed).await;
    let other_document = closed_with_document(&server, &other_closed).await;
    let acme = server.as_client("acme").await;

    // Another client's: every call NOT_FOUND, worded as for a case that does not exist.
    let missing = try_everything(&acme, "no-such-case", "no-such-document").await;
    let other = try_everything(&acme, &other_open, &other_document).await;
    for (n, result) in other.iter().enumerate() {
        let status = result.as_ref().expect_err("another client's case");
        assert_eq!(status.code(), Code::NotFound, "{}: call {n}", db.backend);
        let expected = missing[n].as_ref().expect_err("missing").message().replace(
            if n == 5 {
                "no-such-document"
            } else {
                "no-such-case"
            },
            if n == 5 { &other_document } else { &other_open },
        );
        assert_eq!(status.message(), expected, "call {n}: no hint it exists");
    }
    let documents_of_closed = try_everything(&acme, &other_closed, &other_document).await;
    assert_eq!(
        documents_of_closed[4].as_ref().map_err(Status::code),
        Err(Code::NotFound)
    );

    // Its own: the same calls work.
    for (n, result) in try_everything(&acme, &own_open, &own_document)
        .await
        .into_iter()
        .enumerate()
    {
        assert!(
            result.is_ok(),
            "{}: own case, call {n}: {result:?}",
            db.backend
        );
    }

    // Listing: its own cases only; asking for another client's is an empty page.
    let list = |client_id: &str| pb::ListCasesRequest {
        client_id: client_id.into(),
        ..Default::default()
    };
    let mine = acme
        .cases()
        .list_cases(list(""))
        .await
        .expect("list")
        .into_inner();
    let mut ids: Vec<String> = mine.cases.into_iter().map(|c| c.id).collect();
    ids.sort();
    let mut expected = vec![own_open.clone(), own_closed.clone()];
    expected.sort();
    assert_eq!(ids, expected, "{}", db.backend);
    let theirs = acme
        .cases()
        .list_cases(list("bolt"))
        .await
        .expect("list")
        .into_inner();
    assert!(theirs.cases.is_empty(), "{}", db.backend);

    // Entering a claim: for itself yes, for another client PERMISSION_DENIED.
    acme.cases()
        .create_case(consumer_claim("acme", "A-3"))
        .await
        .expect("its own claim");
    let refused = acme
        .cases()
        .create_case(consumer_claim("bolt", "B-3"))
        .await
        .expect_err("another client's claim");
    assert_eq!(refused.code(), Code::PermissionDenied, "{}", db.backend);
    // In an import the row for another client is rejected, naming client_id, and the
    // client's own rows go on (one bad row never stops the rest).
    let row = |client: &str, row: i64, reference: &str| {
        let claim = consumer_claim(client, reference);
        pb::ImportClaimsRequest {
            client_id: claim.client_id,
            row,
            client_reference: claim.client_reference,
            debtor: claim.debtor,
            invoices: claim.invoices,
            notes: claim.notes,
        }
    };
    let mut answers = acme
        .intake()
        .import_claims(tokio_stream::iter(vec![
            row("bolt", 1, "B-4"),
            row("acme", 2, "A-4"),
        ]))
        .await
        .expect("ImportClaims")
        .into_inner();
    let first = answers.message().await.expect("ok").expect("row 1");
    assert_eq!(
        (first.row, first.outcome),
        (1, pb::import_claims_response::Outcome::Rejected as i32)
    );
    assert_eq!(first.violations[0].field, "client_id");
    let second = answers.message().await.expect("ok").expect("row 2");
    assert_eq!(
        (second.row, second.outcome),
        (2, pb::import_claims_response::Outcome::Accepted as i32),
        "{}",
        db.backend
    );
    let bolt_cases = server
        .cases()
        .list_cases(list("bolt"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        bolt_cases.cases.len(),
        2,
        "nothing entered for bolt by acme"
    );
    server.stop().await;
}
on_both_backends!(a_client_cannot_reach_another_clients_case);

/// Expiry is judged by the service clock (here the manual one); a revoked token is refused
/// within the token cache time (five seconds by default).
async fn expired_and_revoked_tokens_are_refused(db: TestDb) {
    let server = TestServer::start(&db).await;
    let expiring = tokens::issue(
        &server.store,
        "cli:test",
        Role::FrontOffice,
        None,
        Some(default_start() + chrono::Duration::days(1)),
        default_start(),
    )
    .await
    .expect("issue");
    let expiring = server.with_token(&expiring.secret);
    let revoked = server.as_role(Role::FrontOffice).await;
    let get_clock = |caller: &Caller| {
        let mut admin = caller.admin();
        async move { admin.get_clock(pb::GetClockRequest {}).await }
    };
    get_clock(&expiring).await.expect("valid today");
    get_clock(&revoked).await.expect("valid until revoked");
    // A watch opened before the revocation ends with it too.
    put_client(&server, "acme").await;
    let case_id = case_of(&server, "acme", "R-1").await;
    let mut watch = revoked
        .cases()
        .watch_case(pb::WatchCaseRequest {
            case_id,
            from_sequence: 0,
        })
        .await
        .expect("WatchCase")
        .into_inner();

    advance_by(&server, 2 * 86_400).await;
    let status = get_clock(&expiring).await.expect_err("expired");
    assert_eq!(status.code(), Code::Unauthenticated, "{}", db.backend);
    assert!(
        status.message().contains("expired at 2026-05-05"),
        "{}",
        status.message()
    );

    tokens::revoke(
        &server.store,
        "cli:test",
        revoked.token_id.clone(),
        default_start(),
    )
    .await
    .expect("revoke");
    // Issuing and revoking are on the office's audit trail, with who did it, not the secret.
    let token_id = revoked.token_id.clone();
    let audited = server
        .store
        .run(move |conn| exploot::store::admin_events::about(conn, &token_id))
        .await
        .expect("admin events");
    // (Issued on the wall clock, revoked at the test's earlier manual time: sorted.)
    let mut kinds: Vec<(&str, &str)> = audited
        .iter()
        .map(|e| (e.kind.as_str(), e.actor.as_str()))
        .collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        [("token_issued", "cli:test"), ("token_revoked", "cli:test")]
    );
    assert!(audited.iter().all(|e| !e.payload.contains("exploot_")));
    let status = eventually(
        "the revocation to take effect",
        Duration::from_secs(30),
        || {
            let answer = get_clock(&revoked);
            async move { answer.await.err() }
        },
    )
    .await;
    assert_eq!(status.code(), Code::Unauthenticated, "{}", db.backend);
    assert!(status.message().contains("revoked"), "{}", status.message());
    let ended = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match watch.message().await {
                Ok(Some(_event)) => {}
                Ok(None) => panic!("the watch ended without saying why"),
                Err(status) => return status,
            }
        }
    })
    .await
    .expect("the watch ends after the revocation");
    assert_eq!(ended.code(), Code::Unauthenticated, "{ended:?}");
    server.stop().await;
}
on_both_backends!(expired_and_revoked_tokens_are_refused);

/// Every row of `tokens`, every column as text, read with plain SQL.
fn dump_tokens(conn: &mut DbConnection) -> Vec<String> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text)]
        line: String,
    }
    let sql = "SELECT id || '|' || secret_sha256 || '|' || role || '|' || \
               COALESCE(client_id, '') || '|' || CAST(created_at AS TEXT) || '|' || \
               COALESCE(CAST(expires_at AS TEXT), '') || '|' || \
               COALESCE(CAST(revoked_at AS TEXT), '') AS line FROM tokens";
    let query = diesel::sql_query(sql);
    let lines: Vec<Line> = match conn {
        DbConnection::Sqlite(c) => query.load(c),
        DbConnection::Pg(c) => query.load(c),
    }
    .expect("read tokens");
    lines.into_iter().map(|l| l.line).collect()
}

/// The token never reaches the database: only its SHA-256 does.
async fn tokens_are_stored_only_as_a_hash(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let client = server.as_client("acme").await;
    let secrets = [server.token.clone(), client.token.clone()];
    let rows = server
        .store
        .run(|conn| Ok::<_, exploot::store::StoreError>(dump_tokens(conn)))
        .await
        .expect("tokens");
    assert_eq!(rows.len(), 2, "{}: {rows:?}", db.backend);
    let all = rows.join("\n");
    for secret in &secrets {
        assert!(secret.len() > 60, "a long random token");
        let random_part = secret.trim_start_matches("exploot_");
        assert!(
            !all.contains(random_part),
            "{}: the token is in the table",
            db.backend
        );
        assert!(all.contains(&exploot::digest::sha256_hex(secret.as_bytes())));
    }
    server.stop().await;
}
on_both_backends!(tokens_are_stored_only_as_a_hash);

/// The audit log names the token that acted: `token:<id>/<role>`.
async fn audit_events_name_the_token_that_acted(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let front = server.as_role(Role::FrontOffice).await;
    let client = server.as_client("acme").await;
    let case = front
        .cases()
        .create_case(consumer_claim("acme", "DOS-1"))
        .await
        .expect("CreateCase")
        .into_inner();
    client
        .cases()
        .record_payment(pb::RecordPaymentRequest {
            case_id: case.id.clone(),
            request_id: "pay-1".into(),
            payment: Some(pb::Payment {
                paid_on: "2026-05-04".into(),
                amount: "25.00".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("RecordPayment");
    let mut events = server
        .cases()
        .watch_case(pb::WatchCaseRequest {
            case_id: case.id.clone(),
            from_sequence: 1,
        })
        .await
        .expect("WatchCase")
        .into_inner();
    let mut actors = Vec::new();
    while actors.len() < 2 {
        let event = tokio::time::timeout(Duration::from_secs(60), events.message())
            .await
            .unwrap_or_else(|_| panic!("{}: no more events after {actors:?}", db.backend))
            .expect("an event")
            .expect("more");
        if matches!(event.kind.as_str(), "case_created" | "payment_recorded") {
            actors.push((event.kind, event.actor));
        }
    }
    assert_eq!(
        actors,
        [
            (
                "case_created".to_owned(),
                format!("token:{}/front_office", front.token_id)
            ),
            (
                "payment_recorded".to_owned(),
                format!("token:{}/client", client.token_id)
            ),
        ],
        "{}",
        db.backend
    );

    // The office's acts outside cases too: a client stored (its payout IBAN), a policy
    // version, the clock moved — each with the admin token that did it.
    let admin = server.as_role(Role::Admin).await;
    let mut changed = crate::harness::fixtures::client("acme");
    changed.iban = "NL02ABNA0123456789".into();
    let changed_city = changed.address.as_ref().expect("address").city.clone();
    assert!(!changed_city.is_empty());
    admin
        .admin()
        .put_client(pb::PutClientRequest {
            client: Some(changed),
        })
        .await
        .expect("PutClient");
    admin
        .admin()
        .put_track_policy(pb::PutTrackPolicyRequest {
            policy: Some(pb::TrackPolicy {
                client_id: "acme".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("PutTrackPolicy");
    admin
        .admin()
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::By(
                prost_types::Duration {
                    seconds: 60,
                    nanos: 0,
                },
            )),
        })
        .await
        .expect("AdvanceClock");
    let about = |subject: &'static str| {
        let store = server.store.clone();
        async move {
            store
                .run(move |conn| exploot::store::admin_events::about(conn, subject))
                .await
                .expect("admin events")
        }
    };
    let by_admin = format!("token:{}/admin", admin.token_id);
    let acme = about("acme").await;
    let last_of = |kind: &str| {
        acme.iter()
            .rfind(|e| e.kind == kind)
            .unwrap_or_else(|| panic!("no {kind} in {acme:?}"))
    };
    assert_eq!(last_of("client_stored").actor, by_admin);
    assert!(
        last_of("client_stored")
            .payload
            .contains("NL02ABNA0123456789")
    );
    let city = changed_city.clone();
    assert!(
        last_of("client_stored").payload.contains(&city),
        "the address the summons prints: {}",
        last_of("client_stored").payload
    );
    assert_eq!(last_of("policy_stored").actor, by_admin);
    let clock = about("clock").await;
    assert_eq!(
        clock.last().map(|e| e.actor.as_str()),
        Some(by_admin.as_str())
    );
    server.stop().await;
}
on_both_backends!(audit_events_name_the_token_that_acted);

/// A token past its bucket is refused while another token is still served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_over_its_rate_is_refused_and_others_are_served() {
    let db = TestDb::sqlite();
    let server = TestServer::start_configured(
        &db,
        default_start(),
        exploot::registry::Registers::default(),
        |config| {
            // A bucket that does not refill during the test.
            config.rate_limit = exploot::api::rate_limit::RateLimit {
                per_second: 0.0001,
                burst: 3.0,
            };
        },
    )
    .await;
    let busy = server.as_role(Role::FrontOffice).await;
    let calm = server.as_role(Role::FrontOffice).await;
    for n in 0..3 {
        busy.admin()
            .get_clock(pb::GetClockRequest {})
            .await
            .unwrap_or_else(|s| panic!("call {n} within the burst: {s:?}"));
    }
    let refused = busy
        .admin()
        .get_clock(pb::GetClockRequest {})
        .await
        .expect_err("over the limit");
    assert_eq!(refused.code(), Code::ResourceExhausted);
    assert!(
        refused.message().contains("slow down"),
        "{}",
        refused.message()
    );
    calm.admin()
        .get_clock(pb::GetClockRequest {})
        .await
        .expect("another token is served");
    server.stop().await;
}

/// Unknown tokens cost a database lookup each: an address that presents too many in a
/// minute is refused without one, while a token the service knows is still served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_trying_unknown_tokens_is_held_back() {
    let server = TestServer::start(&TestDb::sqlite()).await;
    let known = server.as_role(Role::FrontOffice).await;
    known
        .admin()
        .get_clock(pb::GetClockRequest {})
        .await
        .expect("a known token");
    let mut codes = Vec::new();
    for n in 0..601 {
        let guess = server.with_token(&format!("exploot_{n:064x}"));
        let status = guess
            .admin()
            .get_clock(pb::GetClockRequest {})
            .await
            .expect_err("unknown");
        codes.push(status.code());
    }
    assert!(
        codes[..600].iter().all(|c| *c == Code::Unauthenticated),
        "{codes:?}"
    );
    assert_eq!(codes[600], Code::ResourceExhausted);
    known
        .admin()
        .get_clock(pb::GetClockRequest {})
        .await
        .expect("the known token is still served");
    server.stop().await;
}

/// A request over the message limit is refused as tonic reports it, and nothing is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversize_request_is_refused() {
    let server = TestServer::start(&TestDb::sqlite()).await;
    put_client(&server, "acme").await;
    let mut request = consumer_claim("acme", "BIG-1");
    request.notes = "x".repeat(exploot::server::MAX_MESSAGE_BYTES + 1);
    let status = server
        .cases()
        .create_case(request)
        .await
        .expect_err("too large");
    assert!(
        matches!(status.code(), Code::OutOfRange | Code::ResourceExhausted),
        "{status:?}"
    );
    let listed = server
        .cases()
        .list_cases(pb::ListCasesRequest::default())
        .await
        .expect("list")
        .into_inner();
    assert!(listed.cases.is_empty());
    server.stop().await;
}

/// Deadlines: a call stuck behind a database lock ends CANCELLED at the caller's
/// `grpc-timeout` and at the server's own timeout, while a `WatchCase` stream opened before
/// outlives the server's timeout. (tonic enforces `grpc-timeout` at both ends; the second
/// call sends none, so only the server can end it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_end_stuck_calls_but_not_streams() {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;

    let db = TestDb::sqlite();
    let server = TestServer::start_configured(
        &db,
        default_start(),
        exploot::registry::Registers::default(),
        |config| config.request_timeout = Duration::from_secs(2),
    )
    .await;
    put_client(&server, "acme").await;
    let case = case_of(&server, "acme", "DOS-1").await;
    let mut watch = server
        .cases()
        .watch_case(pb::WatchCaseRequest {
            case_id: case.clone(),
            from_sequence: 1,
        })
        .await
        .expect("WatchCase")
        .into_inner();
    watch.message().await.expect("first event").expect("some");

    let path = db.url.trim_start_matches("sqlite://").to_owned();
    let mut lock = diesel::SqliteConnection::establish(&path).expect("open");
    lock.batch_execute("BEGIN IMMEDIATE")
        .expect("the write lock");
    let put = |deadline: Option<Duration>| {
        let mut admin = server.admin();
        async move {
            let mut request = Request::new(pb::PutClientRequest {
                client: Some(crate::harness::fixtures::client("late")),
            });
            if let Some(deadline) = deadline {
                request.set_timeout(deadline);
            }
            admin.put_client(request).await
        }
    };
    for deadline in [Some(Duration::from_millis(100)), None] {
        let status = put(deadline).await.expect_err("stuck behind the lock");
        assert!(
            matches!(status.code(), Code::Cancelled | Code::DeadlineExceeded),
            "{deadline:?}: {status:?}"
        );
    }
    lock.batch_execute("ROLLBACK").expect("release");

    server
        .cases()
        .put_on_hold(pb::PutOnHoldRequest {
            case_id: case.clone(),
            request_id: "hold-1".into(),
            reason: pb::put_on_hold_request::Reason::Dispute.into(),
            note: String::new(),
        })
        .await
        .expect("PutOnHold");
    let held = loop {
        let event = watch
            .message()
            .await
            .expect("the stream lives")
            .expect("more");
        if event.kind.contains("hold") {
            break event;
        }
    };
    assert_eq!(held.case_id, case);
    server.stop().await;
}

/// `exploot import` with a client token: its own client's file goes in; another client is
/// as unknown to it as a client that does not exist; a bad token stops it at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_import_command_runs_on_a_client_token() {
    let server = TestServer::start(&TestDb::sqlite()).await;
    put_client(&server, "acme").await;
    put_client(&server, "bolt").await;
    let acme = server.as_client("acme").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("claims.csv");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/claims.csv"),
        &file,
    )
    .unwrap();
    let run = |client: &str, token: &str| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_exploot"));
        command
            .arg("import")
            .arg(&file)
            .args(["--client", client, "--server", &server.endpoint])
            .env("EXPLOOT_TOKEN", token)
            .env("RUST_LOG", "warn");
        async move {
            let out = tokio::task::spawn_blocking(move || command.output())
                .await
                .unwrap()
                .expect("run exploot import");
            (
                out.status.success(),
                String::from_utf8_lossy(&out.stdout).into_owned()
                    + &String::from_utf8_lossy(&out.stderr),
            )
        }
    };
    let (ok, output) = run("acme", &acme.token).await;
    assert!(ok, "{output}");
    assert!(output.contains("accepted           7"), "{output}");
    let (ok, output) = run("bolt", &acme.token).await;
    assert!(!ok && output.contains("no client \"bolt\""), "{output}");
    let (ok, output) = run("acme", "exploot_garbage").await;
    assert!(!ok && output.contains("refused the token"), "{output}");
    server.stop().await;
}

/// One token runs at most two imports at once: a third is RESOURCE_EXHAUSTED while another
/// token still imports, and a place comes back when one of the two ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_runs_at_most_two_imports_at_once() {
    use tokio_stream::wrappers::ReceiverStream;

    let server = TestServer::start(&TestDb::sqlite()).await;
    put_client(&server, "acme").await;
    let acme = server.as_client("acme").await;
    let office = server.as_role(Role::Admin).await;
    type Rows = tokio::sync::mpsc::Sender<pb::ImportClaimsRequest>;
    let open = |caller: &Caller| {
        let mut intake = caller.intake();
        async move {
            let (rows, stream): (Rows, _) = tokio::sync::mpsc::channel(4);
            let answers = intake.import_claims(ReceiverStream::new(stream)).await;
            (rows, answers)
        }
    };
    let (first_rows, first) = open(&acme).await;
    let (second_rows, second) = open(&acme).await;
    assert!(first.is_ok() && second.is_ok());
    let (_, third) = open(&acme).await;
    assert_eq!(
        third.expect_err("a third import").code(),
        Code::ResourceExhausted
    );
    let (_, other) = open(&office).await;
    assert!(other.is_ok(), "another token is not held back");

    // The first import ends (its rows are all sent): its place comes back.
    drop(first_rows);
    let mut answers = first.expect("first").into_inner();
    while answers.message().await.expect("answers").is_some() {}
    eventually("a place for a new import", Duration::from_secs(10), || {
        let open = open(&acme);
        async move { open.await.1.ok().map(drop) }
    })
    .await;
    // The imports still open end, so the server can stop gracefully.
    drop((second_rows, second, other));
    server.stop().await;
}

/// A request id is the caller's within one case: two clients using the same id on their
/// own cases both succeed, and neither learns the other used it; on one case, the same id
/// for another request is still ALREADY_EXISTS.
async fn request_ids_are_per_case(db: TestDb) {
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    put_client(&server, "bolt").await;
    let own = case_of(&server, "acme", "A-1").await;
    let other = case_of(&server, "bolt", "B-1").await;
    let pay = |caller: Caller, case_id: String, amount: &'static str| async move {
        caller
            .cases()
            .record_payment(pb::RecordPaymentRequest {
                case_id,
                request_id: "NL-BANK-REF-0001".into(),
                payment: Some(pb::Payment {
                    paid_on: "2026-05-04".into(),
                    amount: amount.into(),
                    ..Default::default()
                }),
            })
            .await
    };
    pay(server.as_client("bolt").await, other, "10.00")
        .await
        .expect("bolt's payment");
    pay(server.as_client("acme").await, own.clone(), "20.00")
        .await
        .expect("acme's payment under the same id: no collision, no hint");
    let again = pay(server.as_client("acme").await, own, "30.00")
        .await
        .expect_err("the same id for another payment on the same case");
    assert_eq!(again.code(), Code::AlreadyExists, "{}", db.backend);
    server.stop().await;
}
on_both_backends!(request_ids_are_per_case);

/// One token holds at most 16 case watches open: the 17th is RESOURCE_EXHAUSTED while
/// another token can still watch, and a place comes back when a watch ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_watches_at_most_sixteen_cases_at_once() {
    let server = TestServer::start(&TestDb::sqlite()).await;
    put_client(&server, "acme").await;
    let case_id = case_of(&server, "acme", "W-1").await;
    let acme = server.as_client("acme").await;
    let watch = |caller: &Caller| {
        let mut cases = caller.cases();
        let case_id = case_id.clone();
        async move {
            cases
                .watch_case(pb::WatchCaseRequest {
                    case_id,
                    from_sequence: 0,
                })
                .await
        }
    };
    let mut open = Vec::new();
    for _ in 0..16 {
        open.push(watch(&acme).await.expect("a watch"));
    }
    let refused = watch(&acme).await.expect_err("a 17th watch");
    assert_eq!(refused.code(), Code::ResourceExhausted);
    let office = server.as_role(Role::CaseHandler).await;
    let other = watch(&office).await.expect("another token watches");
    drop(open.pop());
    eventually("a place for a new watch", Duration::from_secs(10), || {
        let watch = watch(&acme);
        async move { watch.await.ok() }
    })
    .await;
    drop((open, other));
    server.stop().await;
}
