//! Two `exploot serve` processes on one PostgreSQL database with the shared manual clock:
//! every timer fires exactly once, also when one process is killed holding leases.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use exploot::cli::bearer::AuthChannel;
use exploot::proto::{self as pb, admin_service_client::AdminServiceClient};
use exploot::store::Store;
use exploot::store::seed::{SyntheticCases, synthetic_cases};
use exploot::workflow::Role;
use tonic::transport::Endpoint;

use crate::engine::count;
use crate::harness::server::{Caller, wait_serving};
use crate::harness::{eventually, fixtures, pg};

const START: &str = "2026-05-04T08:00:00Z";

/// A running `exploot serve`, killed when dropped (also used by `rates`).
pub(crate) struct Instance {
    child: Child,
    channel: AuthChannel,
}

impl Instance {
    pub(crate) async fn start(url: &str, lease_seconds: u32, batch: u32) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_exploot"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--database-url", url])
            .arg(format!("--clock=manual:{START}"))
            .args(["--lease-seconds", &lease_seconds.to_string()])
            .args(["--job-batch", &batch.to_string()])
            .args(["--pool-size", "6"])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start exploot serve");
        let plain = Endpoint::from_shared(format!("http://127.0.0.1:{port}"))
            .unwrap()
            .connect_lazy();
        wait_serving(&plain).await;
        let store = Store::open(url, 1).expect("the server's database");
        let admin = Caller::issue(&store, &plain, Role::Admin, None).await;
        Self {
            child,
            channel: admin.channel,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn admin(&self) -> AdminServiceClient<AuthChannel> {
        AdminServiceClient::new(self.channel.clone())
    }

    /// The calculator, with the admin's token.
    pub(crate) fn calculator(
        &self,
    ) -> exploot::proto::calculator_service_client::CalculatorServiceClient<AuthChannel> {
        exploot::proto::calculator_service_client::CalculatorServiceClient::new(
            self.channel.clone(),
        )
    }

    /// SIGKILL: no shutdown, no lease given back.
    fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _already_gone = self.child.kill();
            let _reaped = self.child.wait();
        }
    }
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// `count` cases of client `acme`, each with a start-track timer due at 09:00 UTC. The
/// client's letters are made by a print house (no PDF per case), so what runs is the
/// timers alone.
async fn seed(url: &str, instance: &Instance, count: i64) {
    instance
        .admin()
        .put_client(pb::PutClientRequest {
            client: Some(fixtures::client("acme")),
        })
        .await
        .expect("PutClient");
    let policy_version = instance
        .admin()
        .put_track_policy(pb::PutTrackPolicyRequest {
            policy: Some(pb::TrackPolicy {
                client_id: "acme".into(),
                render_letters: Some(false),
                ..Default::default()
            }),
        })
        .await
        .expect("PutTrackPolicy")
        .into_inner()
        .version;
    let store = Store::open(url, 1).expect("store");
    store
        .run(move |conn| {
            synthetic_cases(
                conn,
                &SyntheticCases {
                    client_id: "acme",
                    policy_version,
                    prefix: "case-",
                    count,
                    first_due: at("2026-05-04T09:00:00Z"),
                    spacing_micros: 0,
                    accepted_on: NaiveDate::from_ymd_opt(2026, 5, 4).unwrap(),
                    now: at(START),
                    max_attempts: 5,
                },
            )
        })
        .await
        .expect("seed");
}

async fn advance(instance: &Instance, seconds: i64) -> pb::AdvanceClockResponse {
    instance
        .admin()
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::By(
                prost_types::Duration { seconds, nanos: 0 },
            )),
        })
        .await
        .expect("AdvanceClock")
        .into_inner()
}

/// Each case's timer fired once: one audit row per case, no start-track job left, each
/// case in the letter stage with its next timer set.
async fn assert_exactly_once(url: &str, cases: i64) {
    let fired = "SELECT count(*) AS n FROM case_events WHERE kind = 'track_started'";
    assert_eq!(count(url, fired).await, cases, "one audit row per timer");
    let twice = "SELECT count(*) AS n FROM (SELECT case_id FROM case_events \
                 WHERE kind = 'track_started' GROUP BY case_id HAVING count(*) > 1) t";
    assert_eq!(count(url, twice).await, 0, "no timer fired twice");
    let left = "SELECT count(*) AS n FROM jobs WHERE kind = 'timer.start_track'";
    assert_eq!(count(url, left).await, 0, "no start-track job left");
    let next = "SELECT count(*) AS n FROM jobs WHERE kind = 'timer.letter_term_ended'";
    assert_eq!(count(url, next).await, cases, "one next timer per case");
    let moved = "SELECT count(*) AS n FROM cases WHERE stage = 'letter' AND version = 2";
    assert_eq!(count(url, moved).await, cases);
}

async fn applied_by(url: &str, instance_pid: u32) -> i64 {
    count(
        url,
        &format!(
            "SELECT count(*) AS n FROM case_events WHERE kind = 'track_started' \
             AND payload LIKE '%\"worker\":\"{instance_pid}-%'"
        ),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_fire_ten_thousand_timers_exactly_once() {
    let url = pg::cluster().fresh_database();
    let a = Instance::start(&url, 30, 64).await;
    let b = Instance::start(&url, 30, 64).await;
    seed(&url, &a, 10_000).await;
    let answer = advance(&a, 2 * 3600).await;
    assert_eq!(answer.jobs_run, 10_000);
    assert_exactly_once(&url, 10_000).await;
    let (by_a, by_b) = (
        applied_by(&url, a.pid()).await,
        applied_by(&url, b.pid()).await,
    );
    assert_eq!(by_a + by_b, 10_000);
    assert!(
        by_a > 0 && by_b > 0,
        "both instances worked: {by_a} + {by_b}"
    );
    // B sees the time A moved.
    let clock = b
        .admin()
        .get_clock(pb::GetClockRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(clock.now, answer.now);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_instances_leases_are_taken_over_exactly_once() {
    let url = pg::cluster().fresh_database();
    let mut a = Instance::start(&url, 2, 200).await;
    seed(&url, &a, 3_000).await;

    let mut admin = a.admin();
    let advancing = tokio::spawn(async move {
        admin
            .advance_clock(pb::AdvanceClockRequest {
                target: Some(pb::advance_clock_request::Target::By(
                    prost_types::Duration {
                        seconds: 2 * 3600,
                        nanos: 0,
                    },
                )),
            })
            .await
    });
    let pid = a.pid();
    eventually("A at work, holding leases", Duration::from_secs(60), || {
        let url = url.clone();
        async move {
            let done = applied_by(&url, pid).await;
            let held = count(
                &url,
                &format!("SELECT count(*) AS n FROM jobs WHERE leased_by LIKE '{pid}-%'"),
            )
            .await;
            (done >= 100 && held > 0).then_some(())
        }
    })
    .await;
    a.kill();
    assert!(
        advancing.await.unwrap().is_err(),
        "A died during AdvanceClock"
    );
    let orphaned = count(
        &url,
        &format!("SELECT count(*) AS n FROM jobs WHERE leased_by LIKE '{pid}-%'"),
    )
    .await;
    assert!(orphaned > 0, "A died holding leases");

    let b = Instance::start(&url, 2, 200).await;
    advance(&b, 0).await;
    assert_exactly_once(&url, 3_000).await;
    let (by_a, by_b) = (applied_by(&url, pid).await, applied_by(&url, b.pid()).await);
    assert_eq!(by_a + by_b, 3_000);
    assert!(
        by_b >= orphaned,
        "B took over A's {orphaned} leased jobs ({by_b})"
    );
}
