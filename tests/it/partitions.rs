//! PostgreSQL's partitioned `case_events` (by month of the case's UUIDv7 id) and `jobs`
//! (by month of due_at): a case's dossier lands in its creation month's partition, its
//! timers in their due months', and months are added by `exploot_add_month_partitions`.

use exploot::proto as pb;

use crate::engine::count;
use crate::harness::fixtures::{consumer_claim, put_client};
use crate::harness::{TestDb, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cases_events_and_timers_land_in_their_months_partitions() {
    let db = TestDb::postgres();
    // The template covers the months from its migration on; the tests' clock stands in
    // May 2026, so add May to July 2026 (and once more: idempotent).
    let add = "SELECT exploot_add_month_partitions('2026-05-01', 3)::BIGINT AS n";
    assert_eq!(count(&db.url, add).await, 6, "three months, two tables");
    assert_eq!(
        count(&db.url, add).await,
        0,
        "existing months are left alone"
    );

    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let case = server
        .cases()
        .create_case(consumer_claim("acme", "PART-1"))
        .await
        .expect("CreateCase")
        .into_inner();
    assert!(
        case.id.starts_with("019d") || case.id.starts_with("019e"),
        "{}",
        case.id
    );

    let in_may = "SELECT count(*) AS n FROM case_events_y2026m05";
    assert!(count(&db.url, in_may).await >= 1, "the dossier in May");
    let stray = "SELECT count(*) AS n FROM case_events_default";
    assert_eq!(count(&db.url, stray).await, 0, "nothing in DEFAULT");
    let everywhere = "SELECT count(*) AS n FROM jobs";
    let covered = "SELECT count(*) AS n FROM jobs WHERE tableoid::regclass::text <> 'jobs_default'";
    let jobs = count(&db.url, everywhere).await;
    assert!(jobs >= 1, "the case has a timer");
    let due = count(
        &db.url,
        "SELECT count(*) AS n FROM jobs WHERE due_at < '2026-08-01'",
    )
    .await;
    assert_eq!(
        count(&db.url, covered).await,
        due,
        "timers due May–July in their months"
    );

    // The dossier reads back through the partitioned table.
    let events = server
        .cases()
        .get_case(pb::GetCaseRequest {
            case_id: case.id.clone(),
        })
        .await
        .expect("GetCase")
        .into_inner();
    assert_eq!(events.id, case.id);
    let partitions = "SELECT count(*) AS n FROM pg_inherits \
                      WHERE inhparent = 'case_events'::regclass";
    assert!(count(&db.url, partitions).await >= 4);
    server.stop().await;
}
