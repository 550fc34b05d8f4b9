//! Faults under the real server: the database connection cut or stalled mid-import and
//! mid-engine (a proxy between the service and PostgreSQL), PostgreSQL restarted under
//! load, SQLite on a full disk, and `exploot serve` SIGKILLed twenty times at random
//! instants. Each ends with the same check: every acknowledged row and transition is
//! there once, and the service recovered by itself. `RELIABILITY.md` lists them.

use std::collections::HashMap;
use std::time::Duration;

use exploot::cli::bearer::AuthChannel;
use exploot::proto::{self as pb, import_claims_response::Outcome};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Code;
use tonic::transport::Channel;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus};

use crate::engine::count;
use crate::harness::fixtures::{consumer_claim, put_client};
use crate::harness::pg::{self, Cluster};
use crate::harness::proxy::Proxy;
use crate::harness::server::{default_start, wait_serving};
use crate::harness::{TestDb, TestServer, eventually};
use crate::processes::{Instance, assert_exactly_once, seed};

/// The whole server's health status, or `None` when the health service does not answer.
async fn health(channel: &Channel) -> Option<ServingStatus> {
    let answer = HealthClient::new(channel.clone())
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .ok()?;
    ServingStatus::try_from(answer.into_inner().status).ok()
}

/// Waits until health says NOT_SERVING (the database is gone and the server noticed).
async fn wait_not_serving(channel: &Channel) {
    eventually("health NOT_SERVING", Duration::from_secs(30), || {
        let channel = channel.clone();
        async move { (health(&channel).await == Some(ServingStatus::NotServing)).then_some(()) }
    })
    .await;
}

/// How many rows `sql` counts, as a probe for [`eventually`]: `Some` once `done` says so.
async fn counted(url: &str, sql: &str, done: impl Fn(i64) -> bool) -> Option<i64> {
    let n = count(url, sql).await;
    done(n).then_some(n)
}

const FIRED: &str = "SELECT count(*) AS n FROM case_events WHERE kind = 'track_started'";
const TIMERS_LEFT: &str = "SELECT count(*) AS n FROM jobs WHERE kind = 'timer.start_track'";

/// `AdvanceClock` by `seconds` on `channel` as the admin.
async fn advance_by(
    channel: AuthChannel,
    seconds: i64,
) -> Result<tonic::Response<pb::AdvanceClockResponse>, tonic::Status> {
    pb::admin_service_client::AdminServiceClient::new(channel)
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::By(
                prost_types::Duration { seconds, nanos: 0 },
            )),
        })
        .await
}

/// Runs the jobs due on `channel`'s server until no start-track timer is left (jobs a cut
/// or a kill left leased run again once their lease is out).
async fn run_out_timers(channel: &AuthChannel, url: &str) {
    eventually("every timer fired", Duration::from_secs(600), || {
        let channel = channel.clone();
        let url = url.to_owned();
        async move {
            let _cut_or_done = advance_by(channel, 0).await;
            counted(&url, TIMERS_LEFT, |left| left == 0).await
        }
    })
    .await;
}

/// Import row `i`: a consumer claim `IMP-i`, one invoice of an amount that varies.
fn import_row(client: &str, i: usize) -> pb::ImportClaimsRequest {
    let claim = consumer_claim(client, &format!("IMP-{i:06}"));
    pb::ImportClaimsRequest {
        client_id: claim.client_id,
        row: i64::try_from(i).unwrap() + 2,
        client_reference: claim.client_reference,
        debtor: claim.debtor,
        invoices: vec![pb::Invoice {
            number: format!("F-{i}"),
            invoice_date: "2026-01-10".into(),
            due_date: "2026-02-09".into(),
            amount: format!("{}.{:02}", 100 + i % 900, i % 100),
        }],
        notes: claim.notes,
    }
}

/// What one import stream got acknowledged before it ended (cleanly or not).
#[derive(Default)]
struct Acked {
    /// Reference → case id, for ACCEPTED and DUPLICATE outcomes.
    cases: HashMap<String, String>,
    /// How the stream ended: `None` when every row was answered.
    error: Option<tonic::Status>,
}

/// Streams rows `0..n` on `channel`; calls `after(acks)` after each outcome (the test's
/// hook to cut or kill), and returns what was acknowledged.
async fn import_rows(channel: &AuthChannel, n: usize, mut after: impl FnMut(usize)) -> Acked {
    let (send, requests) = mpsc::channel(256);
    let feeder = tokio::spawn(async move {
        for i in 0..n {
            if send.send(import_row("acme", i)).await.is_err() {
                return;
            }
        }
    });
    let mut intake = pb::intake_service_client::IntakeServiceClient::new(channel.clone());
    let mut acked = Acked::default();
    let mut answers = match intake.import_claims(ReceiverStream::new(requests)).await {
        Ok(answers) => answers.into_inner(),
        Err(status) => {
            acked.error = Some(status);
            feeder.abort();
            return acked;
        }
    };
    let mut seen = 0;
    loop {
        match answers.message().await {
            Ok(Some(answer)) => {
                let outcome = Outcome::try_from(answer.outcome).expect("known outcome");
                assert!(
                    matches!(outcome, Outcome::Accepted | Outcome::Duplicate),
                    "row {}: {outcome:?}",
                    answer.row
                );
                acked.cases.insert(answer.client_reference, answer.case_id);
                seen += 1;
                after(seen);
            }
            Ok(None) => break,
            Err(status) => {
                acked.error = Some(status);
                break;
            }
        }
    }
    feeder.abort();
    acked
}

/// Every case of client `acme` as reference → id, read from the database, asserting that
/// no reference is stored twice.
async fn stored_cases(url: &str) -> HashMap<String, String> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::Text;
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        id: String,
        #[diesel(sql_type = Text)]
        client_reference: String,
    }
    let store = exploot::store::Store::open(url, 1).expect("open store");
    let rows = store
        .run(|conn| {
            diesel::sql_query(
                "SELECT id, client_reference FROM cases WHERE client_id = 'acme' ORDER BY id",
            )
            .load::<Row>(conn)
            .map_err(exploot::store::StoreError::from)
        })
        .await
        .expect("cases");
    let total = rows.len();
    let by_reference: HashMap<String, String> = rows
        .into_iter()
        .map(|r| (r.client_reference, r.id))
        .collect();
    assert_eq!(
        by_reference.len(),
        total,
        "no client reference stored twice"
    );
    by_reference
}

/// Every acknowledged case is stored under its reference with the id it was acknowledged
/// with.
fn assert_kept(acked: &HashMap<String, String>, stored: &HashMap<String, String>) {
    for (reference, id) in acked {
        assert_eq!(
            stored.get(reference),
            Some(id),
            "acknowledged {reference} is stored as {id}"
        );
    }
}

/// The status of a call made while the database is gone: a retryable one that says so,
/// never INTERNAL.
fn assert_clear_outage(status: &tonic::Status) {
    assert!(
        matches!(status.code(), Code::Unavailable | Code::Aborted),
        "a database outage is UNAVAILABLE, not {:?}: {}",
        status.code(),
        status.message()
    );
    assert!(!status.message().is_empty());
    // The driver's words (host, port, user, file) stay in the log.
    for private in [
        "127.0.0.1",
        "postgres",
        "sqlite",
        "connection to server",
        "connecting",
        "os error",
        "timed out waiting for connection",
    ] {
        assert!(
            !status.message().to_lowercase().contains(private),
            "{private} in {:?}",
            status.message()
        );
    }
}

/// The service on `db` with its database connections through `proxy`; job leases of 2 s
/// so jobs a cut left leased are taken up again soon.
async fn behind_proxy(db: &TestDb, proxy: &Proxy) -> TestServer {
    let proxied = proxy.url_for(&db.url, pg::cluster().addr());
    TestServer::start_configured(
        db,
        default_start(),
        exploot::registry::Registers::default(),
        move |config| {
            config.database_url = proxied;
            config.engine.lease = Duration::from_secs(2);
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_cut_mid_import_keeps_every_acknowledged_row_and_recovers() {
    const N: usize = 4_000;
    let db = TestDb::postgres();
    let proxy = Proxy::start(pg::cluster().addr()).await;
    let server = behind_proxy(&db, &proxy).await;
    put_client(&server, "acme").await;

    let cut = import_rows(&server.channel, N, |seen| {
        if seen == 1_200 {
            proxy.cut();
        }
    })
    .await;
    let error = cut.error.expect("the cut ends the import");
    assert_clear_outage(&error);
    assert!(cut.cases.len() >= 1_200, "{} acknowledged", cut.cases.len());
    wait_not_serving(&server.plain).await;
    let refused = server
        .cases()
        .create_case(consumer_claim("acme", "DURING-CUT"))
        .await
        .expect_err("no database, no case");
    assert_clear_outage(&refused);

    proxy.pass();
    wait_serving(&server.plain).await;
    let before = stored_cases(&db.url).await;
    assert_kept(&cut.cases, &before);
    assert!(before.len() < N, "cut mid-import: {} stored", before.len());

    let again = import_rows(&server.channel, N, |_| {}).await;
    assert!(again.error.is_none(), "{:?}", again.error);
    let after = stored_cases(&db.url).await;
    assert_kept(&cut.cases, &after);
    assert_kept(&again.cases, &after);
    assert_eq!(after.len(), N, "each row stored once");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_cut_and_stalled_mid_engine_fires_each_timer_once() {
    const CASES: i64 = 3_000;
    let db = TestDb::postgres();
    let proxy = Proxy::start(pg::cluster().addr()).await;
    let server = behind_proxy(&db, &proxy).await;
    seed(&db.url, server.admin(), CASES).await;

    // Cut while AdvanceClock runs the timers.
    let running = tokio::spawn(advance_by(server.channel.clone(), 2 * 3600));
    eventually("timers firing", Duration::from_secs(120), || {
        counted(&db.url, FIRED, |n| n >= 300)
    })
    .await;
    proxy.cut();
    wait_not_serving(&server.plain).await;
    let at_cut = count(&db.url, FIRED).await;
    assert!(at_cut < CASES, "cut mid-run: {at_cut} fired");
    if let Err(status) = running.await.unwrap() {
        assert_clear_outage(&status);
    }
    proxy.pass();
    wait_serving(&server.plain).await;

    // Stall (packets held, no reset) while the rest run: health says NOT_SERVING, then
    // the held queries go on when traffic flows again.
    let running = tokio::spawn(advance_by(server.channel.clone(), 0));
    eventually("more timers firing", Duration::from_secs(120), || {
        counted(&db.url, FIRED, |n| n > at_cut || n == CASES)
    })
    .await;
    proxy.stall();
    wait_not_serving(&server.plain).await;
    proxy.pass();
    wait_serving(&server.plain).await;
    if let Err(status) = running.await.unwrap() {
        assert_clear_outage(&status);
    }

    run_out_timers(&server.channel, &db.url).await;
    assert_exactly_once(&db.url, CASES).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_under_load_loses_no_acknowledged_case() {
    const WRITERS: usize = 4;
    let cluster = std::sync::Arc::new(Cluster::private());
    let db = TestDb::at(cluster.fresh_database());
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;

    // Writers enter claims until told to stop; each remembers what was acknowledged and
    // what failed (to be sent again after the restart).
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let mut cases = server.cases();
            let stopped = stopped.clone();
            tokio::spawn(async move {
                let mut acked = HashMap::new();
                let mut failed = Vec::new();
                let mut i = 0;
                while !*stopped.borrow() {
                    let reference = format!("W{w}-{i:05}");
                    i += 1;
                    match cases.create_case(consumer_claim("acme", &reference)).await {
                        Ok(case) => {
                            acked.insert(reference, case.into_inner().id);
                        }
                        Err(status) => {
                            assert_clear_outage(&status);
                            failed.push(reference);
                        }
                    }
                }
                (acked, failed)
            })
        })
        .collect();
    const CASES_STORED: &str = "SELECT count(*) AS n FROM cases";
    eventually("load before the restart", Duration::from_secs(60), || {
        counted(&db.url, CASES_STORED, |n| n >= 200)
    })
    .await;
    {
        let cluster = cluster.clone();
        tokio::task::spawn_blocking(move || cluster.stop())
            .await
            .unwrap();
    }
    wait_not_serving(&server.plain).await;
    {
        let cluster = cluster.clone();
        tokio::task::spawn_blocking(move || cluster.start_again())
            .await
            .unwrap();
    }
    wait_serving(&server.plain).await;
    let at_restart = count(&db.url, CASES_STORED).await;
    eventually("load after the restart", Duration::from_secs(60), || {
        counted(&db.url, CASES_STORED, move |n| n >= at_restart + 200)
    })
    .await;
    stop.send_replace(true);

    let mut acked = HashMap::new();
    let mut failed = Vec::new();
    for writer in writers {
        let (a, f) = writer.await.unwrap();
        acked.extend(a);
        failed.extend(f);
    }
    eprintln!("{} calls met the restart and were sent again", failed.len());
    // A failed call may or may not have committed; sent again, it is stored once.
    for reference in &failed {
        let case = server
            .cases()
            .create_case(consumer_claim("acme", reference))
            .await
            .expect("after the restart");
        acked.insert(reference.clone(), case.into_inner().id);
    }
    let stored = stored_cases(&db.url).await;
    assert_kept(&acked, &stored);
    assert_eq!(stored.len(), acked.len(), "every case once, no stray one");
    let entered_twice = count(
        &db.url,
        "SELECT count(*) AS n FROM (SELECT case_id FROM case_events \
         WHERE kind = 'claim_accepted' GROUP BY case_id HAVING count(*) > 1) t",
    )
    .await;
    assert_eq!(entered_twice, 0, "no claim_accepted event twice");
    server.stop().await;
}

/// A tmpfs of `size` mounted on a new temp directory, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// `None` (with the reason printed) when this process may not mount; in CI (`CI` set)
    /// that fails the test instead, so the fault is never skipped there.
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match out {
            Ok(out) if out.status.success() => Some(Self { dir }),
            other => {
                let why = format!("cannot mount a tmpfs (root needed): {other:?}");
                assert!(std::env::var_os("CI").is_none(), "{why}");
                eprintln!("SKIPPED sqlite_on_a_full_disk: {why}");
                None
            }
        }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Writes zeroes to `path` until the file system says it is full.
fn fill(path: &std::path::Path) {
    use std::io::Write;
    let mut file = std::fs::File::create(path).expect("filler");
    let chunk = vec![0u8; 4096];
    while file.write_all(&chunk).is_ok() {}
    let _ = file.sync_all();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_on_a_full_disk_refuses_clearly_loses_nothing_and_recovers() {
    let Some(disk) = SmallDisk::mount("8m") else {
        return;
    };
    let db = TestDb::at(format!(
        "sqlite://{}",
        disk.dir.path().join("exploot.db").display()
    ));
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let mut acked = HashMap::new();
    for i in 0..50 {
        let reference = format!("BEFORE-{i}");
        let case = server
            .cases()
            .create_case(consumer_claim("acme", &reference))
            .await
            .expect("room on the disk");
        acked.insert(reference, case.into_inner().id);
    }

    let filler = disk.dir.path().join("filler");
    fill(&filler);
    // SQLite reuses the pages it has; the claims go on until one needs a new page.
    let mut refusals = 0;
    for i in 0..5_000 {
        let reference = format!("FULL-{i}");
        match server
            .cases()
            .create_case(consumer_claim("acme", &reference))
            .await
        {
            Ok(case) => {
                acked.insert(reference, case.into_inner().id);
            }
            Err(status) => {
                assert!(
                    matches!(status.code(), Code::ResourceExhausted | Code::Unavailable),
                    "a full disk is RESOURCE_EXHAUSTED, not {:?}: {}",
                    status.code(),
                    status.message()
                );
                assert!(
                    status.message().contains("full"),
                    "says why: {}",
                    status.message()
                );
                refusals += 1;
                if refusals == 5 {
                    break;
                }
            }
        }
    }
    assert_eq!(refusals, 5, "the full disk refuses writes");
    let got = server
        .cases()
        .get_case(pb::GetCaseRequest {
            case_id: acked["BEFORE-0"].clone(),
        })
        .await
        .expect("reads go on on a full disk");
    assert_eq!(got.into_inner().client_reference, "BEFORE-0");

    std::fs::remove_file(&filler).expect("space back");
    for i in 0..20 {
        let reference = format!("AFTER-{i}");
        let case = server
            .cases()
            .create_case(consumer_claim("acme", &reference))
            .await
            .expect("recovered once space is back");
        acked.insert(reference, case.into_inner().id);
    }
    server.stop().await;
    let stored = stored_cases(&db.url).await;
    assert_kept(&acked, &stored);
    assert_eq!(stored.len(), acked.len(), "nothing refused was stored");
    drop(disk);
}

/// A small xorshift generator: the kill instants, with the seed printed so a failing run
/// can be repeated (`FAULT_SEED=…`).
struct Instants(u64);

impl Instants {
    fn new() -> Self {
        let seed = std::env::var("FAULT_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| uuid::Uuid::new_v4().as_u64_pair().0 | 1);
        eprintln!("kill instants: FAULT_SEED={seed}");
        Self(seed)
    }

    /// A pause in `range` milliseconds.
    fn pause(&mut self, range: std::ops::Range<u64>) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Duration::from_millis(range.start + self.0 % (range.end - range.start))
    }
}

const KILLS: usize = 20;

/// Twenty times: start `exploot serve`, import the whole file again, SIGKILL it at a
/// random instant. Then once more to the end: every acknowledged claim is stored once,
/// under the id it was acknowledged with.
async fn killed_twenty_times_mid_import(url: String) {
    const N: usize = 5_000;
    let mut instants = Instants::new();
    let mut acked: HashMap<String, String> = HashMap::new();
    let mut first = true;
    let mut cut_short = 0;
    for _ in 0..KILLS {
        let mut instance = Instance::start(&url, 1, 64).await;
        if first {
            instance
                .admin()
                .put_client(pb::PutClientRequest {
                    client: Some(crate::harness::fixtures::client("acme")),
                })
                .await
                .expect("PutClient");
            first = false;
        }
        let channel = instance.channel.clone();
        let pause = instants.pause(20..800);
        let importing = tokio::spawn(async move { import_rows(&channel, N, |_| {}).await });
        tokio::time::sleep(pause).await;
        instance.kill();
        let round = importing.await.unwrap();
        cut_short += usize::from(round.error.is_some());
        for (reference, id) in round.cases {
            if let Some(before) = acked.insert(reference.clone(), id.clone()) {
                assert_eq!(before, id, "{reference} keeps its case id");
            }
        }
    }
    // Each round imports the whole file again, and rows stored before are answered fast,
    // so later rounds often finish before their kill: a quarter is enough to show the
    // kills landed mid-import (half failed once under a loaded machine).
    assert!(
        cut_short >= KILLS / 4,
        "{cut_short} imports cut by the kill"
    );
    let stored = stored_cases(&url).await;
    assert_kept(&acked, &stored);

    let last = Instance::start(&url, 1, 64).await;
    let round = import_rows(&last.channel, N, |_| {}).await;
    assert!(round.error.is_none(), "{:?}", round.error);
    let stored = stored_cases(&url).await;
    assert_kept(&acked, &stored);
    assert_kept(&round.cases, &stored);
    assert_eq!(stored.len(), N, "each claim once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_serve_killed_twenty_times_mid_import() {
    let db = TestDb::sqlite();
    killed_twenty_times_mid_import(db.url.clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_serve_killed_twenty_times_mid_import() {
    killed_twenty_times_mid_import(pg::cluster().fresh_database()).await;
}

/// When every seeded timer is due, and a kill round's `AdvanceClock` is aimed at.
const ALL_DUE: i64 = 1_777_888_800; // 2026-05-04T10:00:00Z

/// Seconds from the service clock's instant to the Unix second `target` (0 once past).
async fn seconds_to(channel: &AuthChannel, target: i64) -> i64 {
    let clock = pb::admin_service_client::AdminServiceClient::new(channel.clone())
        .get_clock(pb::GetClockRequest {})
        .await
        .expect("GetClock")
        .into_inner();
    let now = clock.now.expect("the clock's instant").seconds;
    (target - now).max(0)
}

/// Twenty times: start `exploot serve`, run the timers of 3,000 cases, SIGKILL it at a
/// random instant. Then once more to the end: every timer fired exactly once (one
/// `track_started` audit row per case, none twice).
async fn killed_twenty_times_mid_track_run(url: String) {
    const CASES: i64 = 3_000;
    let mut instants = Instants::new();
    let mut cut_short = 0;
    for round in 0..KILLS {
        let mut instance = Instance::start(&url, 1, 64).await;
        if round == 0 {
            seed(&url, instance.admin(), CASES).await;
        }
        // To 10:00 from the seeded 08:00, every timer due at 09:00: in the first round, or
        // in a later one when every earlier round was killed before the clock moved.
        let by = seconds_to(&instance.channel, ALL_DUE).await;
        let running = tokio::spawn(advance_by(instance.channel.clone(), by));
        tokio::time::sleep(instants.pause(20..400)).await;
        instance.kill();
        cut_short += usize::from(running.await.unwrap().is_err());
    }
    assert!(cut_short > 0, "the kills cut the run");

    let last = Instance::start(&url, 1, 64).await;
    let by = seconds_to(&last.channel, ALL_DUE).await;
    let _cut_or_done = advance_by(last.channel.clone(), by).await;
    run_out_timers(&last.channel, &url).await;
    assert_exactly_once(&url, CASES).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_serve_killed_twenty_times_mid_track_run() {
    let db = TestDb::sqlite();
    killed_twenty_times_mid_track_run(db.url.clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_serve_killed_twenty_times_mid_track_run() {
    killed_twenty_times_mid_track_run(pg::cluster().fresh_database()).await;
}
