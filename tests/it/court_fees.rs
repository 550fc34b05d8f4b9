//! The office's yearly tariffs: kanton court fees (`AdminService.AddCourtFees` /
//! `ListCourtFees`) and bailiff's fees (`AddBailiffTariffs` / `ListBailiffTariffs`). A
//! summons whose first hearing, or whose service, falls in a year with no figures waits on
//! hold; the year the office adds drafts it, with the class and column the law gives; a
//! year begun or already in the table needs the override; every bad field is named; every
//! add is audited.

use exploot::proto as pb;
use exploot::workflow::Role;
use tokio_stream::StreamExt;
use tonic::Code;
use tonic_types::StatusExt;

use crate::harness::{TestDb, TestServer, bad_fields, on_both_backends};
use crate::track::{advance_to, consumer_case, drain, get, start};

/// A class row of the request.
fn class(legal: &str, natural: &str, onvermogend: &str) -> pb::CourtFeeClass {
    pb::CourtFeeClass {
        up_to: String::new(),
        legal_person: legal.into(),
        natural_person: natural.into(),
        onvermogend: onvermogend.into(),
    }
}

/// A 2027 table for the test (not the published one): every figure distinct, so a
/// wrong class or column shows.
fn fees_2027() -> pb::AddCourtFeesRequest {
    pb::AddCourtFeesRequest {
        year: 2027,
        classes: vec![
            class("143.00", "96.00", "95.00"),
            class("360.00", "240.00", "94.00"),
            class("409.00", "273.00", "93.00"),
            class("545.00", "274.00", "92.00"),
            class("576.00", "275.00", "91.00"),
            class("1549.00", "776.00", "90.00"),
        ],
        source: "Stcrt. 2026, 99999 (test)".into(),
        r#override: false,
    }
}

async fn add(
    server: &TestServer,
    request: pb::AddCourtFeesRequest,
) -> Result<pb::CourtFeeYear, tonic::Status> {
    server
        .admin()
        .add_court_fees(request)
        .await
        .map(tonic::Response::into_inner)
}

async fn listed(server: &TestServer) -> Vec<pb::CourtFeeYear> {
    server
        .admin()
        .list_court_fees(pb::ListCourtFeesRequest {})
        .await
        .expect("ListCourtFees")
        .into_inner()
        .years
}

async fn yearly_tariffs_the_office_adds(db: TestDb) {
    let server = start(&db, "2026-12-09T08:00:00Z").await;
    let id = consumer_case(&server, "CF-1", "2026-11-01").await;

    // The built-in years, each with its source and status.
    let years: Vec<(i32, String)> = listed(&server)
        .await
        .into_iter()
        .map(|y| (y.year, y.status))
        .collect();
    assert_eq!(
        years,
        [
            (2022, "unverified".to_owned()),
            (2024, "verified".to_owned()),
            (2025, "unverified".to_owned()),
            (2026, "verified".to_owned())
        ]
    );

    // The letter's term ends in late December; the summons drafted then would have its
    // first hearing in January 2027, a year the built-in table does not have: on hold.
    advance_to(&server, "2026-12-31T08:00:00Z").await;
    let case = get(&server, &id).await;
    assert_eq!(
        (case.stage, case.suspension),
        (pb::Stage::Summons as i32, pb::Suspension::OnHold as i32)
    );
    assert!(case.summons.is_none());
    let (_, reason) = last_event(&server, &db, &id).await;
    assert!(
        reason.contains("no kanton court fee table for 2027"),
        "{reason}"
    );

    // Every bad field named at once; nothing stored.
    let mut bad = fees_2027();
    bad.year = 1999;
    bad.classes[1].natural_person = "-5".into();
    bad.classes[2].up_to = "2000".into();
    bad.classes[4].onvermogend = "12.345".into();
    bad.source = " ".into();
    let refused = add(&server, bad).await.expect_err("bad fields");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(
        bad_fields(&refused),
        [
            "classes[1].natural_person",
            "classes[2].up_to",
            "classes[4].onvermogend",
            "source",
            "year"
        ]
    );
    let mut five = fees_2027();
    five.classes.pop();
    let refused = add(&server, five).await.expect_err("five classes");
    assert_eq!(bad_fields(&refused), ["classes"]);

    // The year under way (the clock says 2026) needs the override.
    let refused = add(
        &server,
        pb::AddCourtFeesRequest {
            year: 2026,
            ..fees_2027()
        },
    )
    .await
    .expect_err("a year begun");
    assert_eq!(bad_fields(&refused), ["year"]);

    // Only the admin adds.
    let front = server.as_role(Role::FrontOffice).await;
    let denied = front
        .admin()
        .add_court_fees(fees_2027())
        .await
        .expect_err("front office");
    assert_eq!(denied.code(), Code::PermissionDenied);

    let added = add(&server, fees_2027()).await.expect("AddCourtFees");
    assert_eq!((added.year, added.status.as_str()), (2027, "office"));
    assert!(!added.id.is_empty());
    let bounds: Vec<&str> = added.classes.iter().map(|c| c.up_to.as_str()).collect();
    assert_eq!(
        bounds,
        ["500.00", "1500.00", "2500.00", "5000.00", "12500.00", ""]
    );
    assert_eq!(added.classes[2].legal_person, "409.00");
    let in_force = listed(&server).await;
    let last = in_force.last().expect("years");
    assert_eq!((last.year, last.id.as_str()), (2027, added.id.as_str()));

    // A second 2027 table is a correction: refused without the override.
    let refused = add(&server, fees_2027())
        .await
        .expect_err("2027 has a table");
    assert_eq!(bad_fields(&refused), ["year"]);
    let why = &refused
        .get_details_bad_request()
        .expect("BadRequest")
        .field_violations[0]
        .description;
    assert!(why.contains("2027 already has a table (office"), "{why}");

    // Resumed, the summons still cannot be drafted: it would be served on Mon 4 January
    // 2027, and the bailiff's tariffs are indexed every 1 January (art. 14 Btag): 2026's
    // do not run on.
    resume(&server, &id, "resume-1").await;
    let case = get(&server, &id).await;
    assert_eq!(case.suspension, pb::Suspension::OnHold as i32);
    let (_, reason) = last_event(&server, &db, &id).await;
    assert!(reason.contains("no Btag tariff for 2027"), "{reason}");

    // Every bad Btag field named at once; only the admin adds.
    let mut bad = btag_2027();
    bad.tariffs[0].amount = "0".into();
    bad.tariffs[1].act = "dagvaarding".into();
    bad.tariffs.pop();
    bad.source.clear();
    let refused = add_btag(&server, bad).await.expect_err("bad fields");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(
        bad_fields(&refused),
        ["source", "tariffs", "tariffs[0].amount", "tariffs[1].act"]
    );
    let denied = front
        .admin()
        .add_bailiff_tariffs(btag_2027())
        .await
        .expect_err("front office");
    assert_eq!(denied.code(), Code::PermissionDenied);
    let added = add_btag(&server, btag_2027())
        .await
        .expect("AddBailiffTariffs");
    assert_eq!(
        (added.year, added.valid_from.as_str(), added.status.as_str()),
        (2027, "2027-01-01", "office")
    );
    assert_eq!(
        (
            added.tariffs[0].act.as_str(),
            added.tariffs[0].article.as_str()
        ),
        ("summons", "2a")
    );
    let years = server
        .admin()
        .list_bailiff_tariffs(pb::ListBailiffTariffsRequest {})
        .await
        .expect("ListBailiffTariffs")
        .into_inner()
        .years;
    let listed: Vec<(i32, &str)> = years.iter().map(|y| (y.year, y.status.as_str())).collect();
    assert_eq!(
        listed,
        [
            (2021, "verified"),
            (2022, "verified"),
            (2023, "unverified"),
            (2024, "verified"),
            (2025, "unverified"),
            (2026, "verified"),
            (2027, "office")
        ]
    );
    assert_eq!(years[0].valid_from, "2021-07-01");
    assert_eq!(years[6].id, added.id);

    // Resumed on Thu 31 December 2026, the summons is drafted on the 2027 tables: service on
    // the next working day, Mon 4 January 2027 (New Year, then the weekend); a week later
    // is Mon 11 January, the hearing the day after (art. 114 Rv). The value at service is
    // 1,825.00 + costs 273.75 + VAT 57.49 = 2,156.24 plus some euros of interest: the class
    // 1,500.01 – 2,500; acme has a KvK number, so the legal person's column: € 409. The
    // summons' Btag 2a of 2027: € 131.00, with 21 % VAT (acme cannot deduct it, as the
    // collection costs show) € 27.51: € 158.51.
    resume(&server, &id, "resume-2").await;
    let s = get(&server, &id).await.summons.expect("drafted");
    assert_eq!(
        [
            s.planned_service_on.as_str(),
            s.hearing_date.as_str(),
            s.court_fee.as_str(),
            s.bailiff_fee.as_str()
        ],
        ["2027-01-04", "2027-01-12", "409.00", "158.51"]
    );

    // Audited: one add (the refused ones wrote nothing).
    let events = server
        .store
        .run(|conn| exploot::store::admin_events::about(conn, "court_fees"))
        .await
        .expect("admin events");
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["court_fees_added"]);
    assert!(events[0].actor.starts_with("token:"));
    let payload: serde_json::Value = serde_json::from_str(&events[0].payload).unwrap();
    assert_eq!(payload["year"], 2027);
    assert_eq!(payload["cents"][2][0], 40_900);
    assert!(payload["replaced"].is_null());
    let events = server
        .store
        .run(|conn| exploot::store::admin_events::about(conn, "bailiff_fees"))
        .await
        .expect("admin events");
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["bailiff_fees_added"]);
    let payload: serde_json::Value = serde_json::from_str(&events[0].payload).unwrap();
    assert_eq!(payload["cents"][0], 13_100);
    server.stop().await;
}

async fn resume(server: &TestServer, id: &str, request_id: &str) {
    server
        .cases()
        .resume(pb::ResumeRequest {
            case_id: id.into(),
            request_id: request_id.into(),
            note: "the year's figures added".into(),
        })
        .await
        .expect("Resume");
    drain(server).await;
}

/// A 2027 Btag for the test (not the published one): € 131.00 for the summons (art. 2a),
/// then a euro more for each act.
fn btag_2027() -> pb::AddBailiffTariffsRequest {
    let acts = [
        "summons",
        "judgment_service",
        "notice",
        "other_service",
        "attachment_of_movables",
        "garnishment",
        "wage_garnishment",
        "maintenance_garnishment",
        "attachment_of_real_property",
    ];
    pb::AddBailiffTariffsRequest {
        year: 2027,
        tariffs: acts
            .iter()
            .zip(131..)
            .map(|(act, euros)| pb::BailiffTariff {
                act: (*act).into(),
                article: String::new(),
                amount: format!("{euros}.00"),
            })
            .collect(),
        source: "Stcrt. 2026, 88888 (test)".into(),
        r#override: false,
    }
}

async fn add_btag(
    server: &TestServer,
    request: pb::AddBailiffTariffsRequest,
) -> Result<pb::BailiffTariffYear, tonic::Status> {
    server
        .admin()
        .add_bailiff_tariffs(request)
        .await
        .map(tonic::Response::into_inner)
}
on_both_backends!(yearly_tariffs_the_office_adds);

/// The kind and reason of the case's last audit event.
async fn last_event(server: &TestServer, db: &TestDb, id: &str) -> (String, String) {
    let sql = format!("SELECT count(*) AS n FROM case_events WHERE case_id = '{id}'");
    let count = crate::engine::count(&db.url, &sql).await;
    let mut stream = server
        .cases()
        .watch_case(pb::WatchCaseRequest {
            case_id: id.into(),
            from_sequence: count,
        })
        .await
        .expect("WatchCase")
        .into_inner();
    let event = stream.next().await.expect("an event").expect("ok");
    (event.kind, event.reason)
}

/// `exploot COMMAND ARGS` against `server` with its admin token: whether it succeeded,
/// its stdout and its stderr.
fn exploot_command(
    server: &TestServer,
    command: &str,
    args: &[impl AsRef<std::ffi::OsStr>],
) -> (bool, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_exploot"))
        .arg(command)
        .args(args)
        .args(["--server", &server.endpoint])
        .env("EXPLOOT_TOKEN", &server.token)
        .output()
        .expect("run exploot");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `exploot court-fees add` and `exploot court-fees list` against a running server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_court_fees_command() {
    let server = TestServer::start(&TestDb::sqlite()).await;
    let run = |args: &[&str]| exploot_command(&server, "court-fees", args);
    let mut args = vec!["add", "--year", "2027", "--source", "Stcrt. test"];
    for class in [
        "143/96/95",
        "360/240/94",
        "409/273/93",
        "545/274/92",
        "576/275/91",
        "1549/776/90",
    ] {
        args.extend(["--class", class]);
    }
    let added = tokio::task::block_in_place(|| run(&args));
    assert!(added.0, "{added:?}");
    assert!(
        added.1.starts_with("added: 2027  office     Stcrt. test"),
        "{}",
        added.1
    );
    assert!(
        added
            .1
            .contains("≤ 2500.00       409.00    273.00     93.00"),
        "{}",
        added.1
    );
    // Five classes: every bad field named by the server.
    let short = tokio::task::block_in_place(|| run(&args[..args.len() - 2]));
    assert!(!short.0);
    assert!(short.2.contains("classes"), "{}", short.2);
    let listed = tokio::task::block_in_place(|| run(&["list"]));
    assert!(listed.0, "{listed:?}");
    let years: Vec<&str> = listed
        .1
        .lines()
        .filter(|l| !l.starts_with(' '))
        .map(|l| &l[..4])
        .collect();
    assert_eq!(
        years,
        ["2022", "2024", "2025", "2026", "2027"],
        "{}",
        listed.1
    );
    server.stop().await;
}

/// `exploot bailiff-tariffs add` and `exploot bailiff-tariffs list` against a running
/// server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bailiff_tariffs_command() {
    let server = TestServer::start(&TestDb::sqlite()).await;
    let run = |args: &[String]| exploot_command(&server, "bailiff-tariffs", args);
    let mut args: Vec<String> = ["add", "--year", "2027", "--source", "Stcrt. test"]
        .map(String::from)
        .into();
    for t in btag_2027().tariffs {
        args.extend(["--tariff".into(), format!("{}={}", t.act, t.amount)]);
    }
    let added = tokio::task::block_in_place(|| run(&args));
    assert!(added.0, "{added:?}");
    assert!(
        added
            .1
            .starts_with("added: 2027 from 2027-01-01  office     Stcrt. test"),
        "{}",
        added.1
    );
    assert!(
        added
            .1
            .contains("  2b  judgment_service                132.00"),
        "{}",
        added.1
    );
    // Eight acts: the server names what is missing.
    let short = tokio::task::block_in_place(|| run(&args[..args.len() - 2]));
    assert!(!short.0);
    assert!(
        short.2.contains("attachment_of_real_property"),
        "{}",
        short.2
    );
    let listed = tokio::task::block_in_place(|| run(&["list".to_owned()]));
    assert!(listed.0, "{listed:?}");
    let years: Vec<&str> = listed
        .1
        .lines()
        .filter(|l| !l.starts_with(' '))
        .map(|l| &l[..4])
        .collect();
    assert_eq!(
        years,
        ["2021", "2022", "2023", "2024", "2025", "2026", "2027"],
        "{}",
        listed.1
    );
    assert!(
        listed
            .1
            .contains("  2o  attachment_of_real_property          —"),
        "{}",
        listed.1
    );
    server.stop().await;
}

/// A sole trader (a KvK number, but a natural person) pays the natural person's court fee:
/// the consumer claim of `track` drafted on Mon 25 May 2026 for service on Tue 26 May, its
/// value at service 1,825.00 + 273.75 + 57.49 + some interest: the class 1,500.01 – 2,500
/// of 2026, € 265 (a legal person € 397).
async fn a_sole_trader_pays_the_natural_persons_court_fee(db: TestDb) {
    let server = start(&db, "2026-05-04T08:00:00Z").await;
    let mut client = server
        .admin()
        .get_client(pb::GetClientRequest {
            client_id: "acme".into(),
        })
        .await
        .expect("GetClient")
        .into_inner();
    assert!(!client.kvk_number.is_empty());
    assert!(!client.natural_person);
    client.natural_person = true;
    let stored = server
        .admin()
        .put_client(pb::PutClientRequest {
            client: Some(client),
        })
        .await
        .expect("PutClient")
        .into_inner();
    assert!(stored.natural_person, "read back as stored");
    let id = consumer_case(&server, "CF-sole", "2026-03-31").await;
    advance_to(&server, "2026-06-01T08:00:00Z").await;
    let s = get(&server, &id).await.summons.expect("drafted");
    assert_eq!(
        [s.planned_service_on.as_str(), s.court_fee.as_str()],
        ["2026-05-26", "265.00"]
    );
    server.stop().await;
}
on_both_backends!(a_sole_trader_pays_the_natural_persons_court_fee);
