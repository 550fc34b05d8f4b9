//! The office's statutory interest rates (`AdminService.AddRate` / `ListRates`, `exploot
//! rates`): a row added through the API changes quotes from its date on, on every
//! instance, without a restart; a row from today or earlier needs the override and names
//! the open cases whose figures it changes; every add is audited.

use exploot::proto as pb;
use exploot::workflow::Role;
use tonic::Code;

use crate::harness::fixtures::{business_claim, consumer_claim, put_client};
use crate::harness::{TestDb, TestServer, bad_fields, on_both_backends};
use crate::processes::Instance;

/// Business, € 10,000.00 due 2026-06-30, no letter needed; asked on `as_of`.
fn quote_request(as_of: &str) -> pb::QuoteClaimRequest {
    pb::QuoteClaimRequest {
        debtor_kind: pb::DebtorKind::Business.into(),
        invoices: vec![pb::Invoice {
            number: "F1".into(),
            due_date: "2026-06-30".into(),
            amount: "10000.00".into(),
            ..Default::default()
        }],
        as_of: as_of.into(),
        ..Default::default()
    }
}

/// 6:119a at 9.90 % from 2027-01-01 (a row after the clock's today, 2026-05-04).
fn rate_2027() -> pb::AddRateRequest {
    pb::AddRateRequest {
        series: "6:119a".into(),
        valid_from: "2027-01-01".into(),
        rate: "9.90".into(),
        source: "ECB MRO 1.90 % + 8 (test)".into(),
        r#override: false,
    }
}

/// The figures of [`quote_request`], worked by hand (6:119a 10.40 % from 2026-07-01,
/// rates.csv; collection costs over 10,000.00: 375 + 250 + 250 = 875.00; no
/// capitalisation before the anniversary 2027-06-30):
///
/// - as of 2026-12-31: 2026-07-01 ..= 12-31 = 184 days at 10.40 %: 10000 × 0.104 × 184 /
///   365 = 524.273973 → 524.27, with or without the 2027 row.
/// - as of 2027-03-31 on the built-in table: + 90 days at 10.40 %: 10000 × 0.104 × 274 /
///   365 = 780.712329 → 780.71; total 10,000 + 780.71 + 875 = 11,655.71.
/// - as of 2027-03-31 with 9.90 % from 2027-01-01: (191,360 + 10000 × 0.099 × 90 × 100)
///   / 365 → (191,360 + 89,100) / 365 = 768.383562 → 768.38; total 11,643.38.
const BEFORE: (&str, &str) = ("780.71", "11655.71");
const AFTER: (&str, &str) = ("768.38", "11643.38");

fn figures(q: &pb::ClaimQuote) -> (&str, &str) {
    (q.interest.as_str(), q.total_due.as_str())
}

/// Two `exploot serve` processes on one PostgreSQL database: the row added on the first
/// is used by the second's next quote, no restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_added_on_one_instance_is_used_by_the_other() {
    let db = TestDb::postgres();
    let first = Instance::start(&db.url, 60, 64).await;
    let second = Instance::start(&db.url, 60, 64).await;
    let quote = |instance: &Instance, as_of: &str| {
        let mut calculator = instance.calculator();
        let request = quote_request(as_of);
        async move {
            calculator
                .quote_claim(request)
                .await
                .expect("QuoteClaim")
                .into_inner()
        }
    };
    assert_eq!(figures(&quote(&second, "2027-03-31").await), BEFORE);

    let added = first
        .admin()
        .add_rate(rate_2027())
        .await
        .expect("AddRate")
        .into_inner();
    let row = added.row.expect("the row");
    assert_eq!(
        (
            row.series.as_str(),
            row.valid_from.as_str(),
            row.rate.as_str()
        ),
        ("6:119a", "2027-01-01", "9.90")
    );
    assert_eq!(row.status, "office");
    assert!(added.changed_case_ids.is_empty());

    for instance in [&second, &first] {
        let q = quote(instance, "2027-03-31").await;
        assert_eq!(figures(&q), AFTER);
        let last = q.interest_periods.last().expect("periods");
        assert_eq!(
            (last.from.as_str(), last.rate.as_str()),
            ("2027-01-01", "9.90")
        );
        // Before its date the row changes nothing.
        assert_eq!(quote(instance, "2026-12-31").await.interest, "524.27");
    }
    let listed = second
        .admin()
        .list_rates(pb::ListRatesRequest {
            series: "6:119a".into(),
        })
        .await
        .expect("ListRates")
        .into_inner()
        .rows;
    let last = listed.last().expect("rows");
    assert_eq!(
        (last.valid_from.as_str(), last.id.as_str()),
        ("2027-01-01", row.id.as_str())
    );
    assert!(listed.iter().all(|r| r.series == "6:119a"));
}

/// One server: the row changes the calculator's quote from its date; a row in the past
/// without override is refused naming `valid_from`; with it, the answer names the open
/// cases whose figures change (the business case on 6:119a, not the consumer's), their
/// quote changes, and both adds are audited.
async fn rates_the_office_adds(db: TestDb) {
    let server = TestServer::start(&db).await;
    let quote = |as_of: &str| {
        let mut calculator = server.calculator();
        let request = quote_request(as_of);
        async move {
            calculator
                .quote_claim(request)
                .await
                .expect("QuoteClaim")
                .into_inner()
        }
    };
    assert_eq!(figures(&quote("2027-03-31").await), BEFORE);
    server.admin().add_rate(rate_2027()).await.expect("AddRate");
    assert_eq!(figures(&quote("2027-03-31").await), AFTER);

    // Every bad field named at once.
    let bad = server
        .admin()
        .add_rate(pb::AddRateRequest {
            series: "6:120".into(),
            valid_from: "2027-02-30".into(),
            rate: "9.905".into(),
            source: " ".into(),
            r#override: false,
        })
        .await
        .expect_err("refused");
    assert_eq!(bad.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&bad), ["rate", "series", "source", "valid_from"]);

    // A correction from before today (2026-05-04) without the override.
    put_client(&server, "acme").await;
    let business = server
        .cases()
        .create_case(business_claim("acme", "B-1", "68750110"))
        .await
        .expect("CreateCase")
        .into_inner();
    let consumer = server
        .cases()
        .create_case(consumer_claim("acme", "C-1"))
        .await
        .expect("CreateCase")
        .into_inner();
    let correction = pb::AddRateRequest {
        series: "6:119a".into(),
        valid_from: "2026-04-01".into(),
        rate: "9.00".into(),
        source: "correction (test)".into(),
        r#override: false,
    };
    let refused = server
        .admin()
        .add_rate(correction.clone())
        .await
        .expect_err("a past row without override");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&refused), ["valid_from"]);
    assert!(
        refused.message().contains("valid_from"),
        "{}",
        refused.message()
    );

    // The business case: € 15,000.00 due 2026-03-31, 6:119a 10.15 % (2026-01-01 row),
    // 2026-04-01 ..= 05-04 = 34 days: 15000 × 0.1015 × 34 / 365 = 141.821918 → 141.82;
    // at 9.00 %: 15000 × 0.09 × 34 / 365 = 125.753425 → 125.75.
    let case_interest = |id: String| {
        let mut cases = server.cases();
        async move {
            cases
                .quote_case(pb::QuoteCaseRequest {
                    case_id: id,
                    as_of: String::new(),
                })
                .await
                .expect("QuoteCase")
                .into_inner()
                .interest
        }
    };
    let consumer_before = case_interest(consumer.id.clone()).await;
    assert_eq!(case_interest(business.id.clone()).await, "141.82");
    let added = server
        .admin()
        .add_rate(pb::AddRateRequest {
            r#override: true,
            ..correction
        })
        .await
        .expect("AddRate with override")
        .into_inner();
    assert_eq!(added.changed_case_ids, std::slice::from_ref(&business.id));
    assert_eq!(case_interest(business.id.clone()).await, "125.75");
    assert_eq!(case_interest(consumer.id.clone()).await, consumer_before);

    // Audited: who, what, and which cases it changed.
    let events = server
        .store
        .run(|conn| exploot::store::admin_events::about(conn, "rates"))
        .await
        .expect("admin events");
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["rate_added", "rate_added"]);
    assert!(events.iter().all(|e| e.actor.starts_with("token:")));
    let payload: serde_json::Value = serde_json::from_str(&events[1].payload).unwrap();
    assert_eq!(payload["valid_from"], "2026-04-01");
    assert_eq!(payload["rate"], "9.00");
    assert_eq!(payload["override"], true);
    assert_eq!(payload["changed_case_ids"][0], business.id.as_str());

    // Only the admin adds.
    let front = server.as_role(Role::FrontOffice).await;
    let denied = front
        .admin()
        .add_rate(rate_2027())
        .await
        .expect_err("front office");
    assert_eq!(denied.code(), Code::PermissionDenied);
    server.stop().await;
}
on_both_backends!(rates_the_office_adds);

/// `exploot rates add` and `exploot rates list` against a running server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rates_command() {
    let server = TestServer::start(&TestDb::sqlite()).await;
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_exploot"))
            .arg("rates")
            .args(args)
            .args(["--server", &server.endpoint])
            .env("EXPLOOT_TOKEN", &server.token)
            .output()
            .expect("run exploot rates");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let args = [
        "add",
        "--series",
        "6:119",
        "--from",
        "2027-01-01",
        "--rate",
        "3.5",
        "--source",
        "Stcrt. test",
    ];
    let added = tokio::task::block_in_place(|| run(&args));
    assert!(added.0, "{added:?}");
    assert!(
        added.1.contains("6:119   2027-01-01   3.50 %  office"),
        "{}",
        added.1
    );
    let past = tokio::task::block_in_place(|| {
        run(&[
            "add",
            "--series",
            "6:119",
            "--from",
            "2026-01-01",
            "--rate",
            "3",
            "--source",
            "x",
        ])
    });
    assert!(!past.0);
    assert!(past.2.contains("valid_from"), "{}", past.2);
    let listed = tokio::task::block_in_place(|| run(&["list", "--series", "6:119"]));
    assert!(listed.0, "{listed:?}");
    let lines: Vec<&str> = listed.1.lines().collect();
    assert_eq!(lines.len(), 33, "{}", listed.1);
    assert!(
        lines[0].starts_with("6:119   1976-04-01   8.00 %  verified"),
        "{}",
        lines[0]
    );
    assert!(
        lines[32].contains("2027-01-01   3.50 %  office"),
        "{}",
        lines[32]
    );
    server.stop().await;
}
