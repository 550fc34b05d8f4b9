//! `AdvanceClock` benchmark (issue 19): N cases with a start-track timer due at the same
//! instant, a shared manual clock standing before it, K engine instances on one database,
//! and one `AdvanceClock` past the due instant that returns once every timer has run. On
//! PostgreSQL with `pg_stat_statements` loaded it reports how much of the database's
//! statement time (planning and execution) went to `AdvanceClock` waiting — its looks at
//! the jobs table — against everything else in the run.
//!
//! ```text
//! cargo run --release --example advance_bench -- --database-url URL \
//!     [--cases 20000] [--instances 2] [--workers 2] [--batch 64] [--days 0] \
//!     [--serve target/release/exploot --kill-after 30000 --lease-seconds 2]
//! ```
//!
//! `--days D` moves the clock D days and 5 hours (the default, 0: 5 hours: the start-track
//! timers alone; 40: each case also through its letter term, the recoverability check and
//! what follows, three job-driven transitions a case). With `--serve BIN` the instances
//! are `BIN serve` processes (PostgreSQL), `AdvanceClock` is called over gRPC on the last
//! one, and `--kill-after N` SIGKILLs the first once N job-driven transitions have
//! committed: its leases run out after `--lease-seconds` and the others take them over.
//! Every run checks that no job's event committed twice (the job id each audit event of
//! a job records).
//!
//! The database must be empty (a fresh `createdb`, or a new SQLite path). For the wait
//! share the server needs `shared_preload_libraries = 'pg_stat_statements'` and
//! `pg_stat_statements.track_planning = on`; the benchmark creates the extension.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use diesel::sql_types::{BigInt, Double, Text};
use diesel::{QueryableByName, RunQueryDsl};
use exploot::case::{Address, Client, ClientId, TrackPolicy};
use exploot::clock::{Clock, SystemClock};
use exploot::proto::{self as pb, admin_service_client::AdminServiceClient};
use exploot::store::seed::{SyntheticCases, synthetic_cases};
use exploot::store::{DbConnection, Store, StoreError};
use exploot::workflow::{Actor, App, ClockTarget, DbClock, EngineConfig, run_workers};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Statement {
    #[diesel(sql_type = Text)]
    query: String,
    #[diesel(sql_type = BigInt)]
    calls: i64,
    #[diesel(sql_type = Double)]
    ms: f64,
}

/// Transitions the engine made (events of the `system` actor).
async fn job_events(store: &Store) -> Result<i64, StoreError> {
    store
        .run(|conn| {
            Ok::<_, StoreError>(
                diesel::sql_query("SELECT count(*) AS n FROM case_events WHERE actor = 'system'")
                    .get_result::<Count>(conn)?
                    .n,
            )
        })
        .await
}

/// Waits until `n` job-driven transitions have committed; answers how many had.
async fn reached(store: &Store, n: i64) -> i64 {
    loop {
        match job_events(store).await {
            Ok(done) if done >= n => return done,
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

fn flag(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_owned())
}

fn number(name: &str, default: &str) -> Result<i64, String> {
    flag(name, default)
        .parse()
        .map_err(|e| format!("{name}: {e}"))
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), String> {
    let url = flag("--database-url", "");
    if url.is_empty() {
        return Err("--database-url is required".into());
    }
    let cases = number("--cases", "20000")?;
    let instances = usize::try_from(number("--instances", "2")?).map_err(|e| e.to_string())?;
    let workers = usize::try_from(number("--workers", "2")?).map_err(|e| e.to_string())?;
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let pool = u32::try_from(workers + 2).unwrap_or(8);
    let store = Store::open(&url, pool).map_err(|x| e(&x))?;
    store.migrate().map_err(|x| e(&x))?;
    let admin = App::new(store.clone(), Arc::new(SystemClock));
    let bench = Actor("bench".into());
    admin
        .put_client(
            bench.clone(),
            Client {
                id: ClientId::parse("bench").map_err(|x| e(&x))?,
                name: "Benchmark client".into(),
                kvk_number: None,
                iban: None,
                address: Address::default(),
                email: String::new(),
                vat_deductible: true,
                natural_person: false,
            },
        )
        .await
        .map_err(|x| e(&x))?;
    // The timers alone: the letters go to a print house, not to PDF.
    let policy_version = admin
        .put_policy(
            bench.clone(),
            "bench".into(),
            TrackPolicy {
                render_letters: false,
                ..TrackPolicy::default()
            },
        )
        .await
        .map_err(|x| e(&x))?
        .version;
    // Monday 4 May 2026: the clock stands at 10:00 UTC, every timer is due at 14:00.
    let start = Utc.with_ymd_and_hms(2026, 5, 4, 10, 0, 0).unwrap();
    let due = Utc.with_ymd_and_hms(2026, 5, 4, 14, 0, 0).unwrap();
    store
        .run(move |conn| {
            synthetic_cases(
                conn,
                &SyntheticCases {
                    client_id: "bench",
                    policy_version,
                    prefix: "a",
                    count: cases,
                    first_due: due,
                    spacing_micros: 0,
                    accepted_on: NaiveDate::from_ymd_opt(2026, 5, 4).expect("date"),
                    now: start,
                    max_attempts: 5,
                },
            )
        })
        .await
        .map_err(|x| e(&x))?;
    // The seeded cases' search keys, before any instance starts (each would write them
    // at its start, inside the measured run).
    store.migrate().map_err(|x| e(&x))?;
    let pg = url.starts_with("postgres");
    if pg {
        store
            .run(|conn| {
                if let DbConnection::Pg(c) = conn {
                    diesel::sql_query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
                        .execute(c)?;
                    diesel::sql_query("ANALYZE").execute(c)?;
                }
                Ok::<_, StoreError>(())
            })
            .await
            .map_err(|x| e(&x))?;
    }

    let reset = || async {
        if pg {
            store
                .run(|conn| {
                    if let DbConnection::Pg(c) = conn {
                        diesel::sql_query("SELECT pg_stat_statements_reset()").execute(c)?;
                    }
                    Ok::<_, StoreError>(())
                })
                .await
                .is_ok()
        } else {
            false
        }
    };
    let by = chrono::Duration::days(number("--days", "0")?) + chrono::Duration::hours(5);
    let serve = flag("--serve", "");
    let (took, jobs_run, reset) = if serve.is_empty() {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut apps = Vec::new();
        let mut engines = Vec::new();
        for k in 0..instances {
            let store = Store::open(&url, pool).map_err(|x| e(&x))?;
            let clock = Arc::new(
                DbClock::open(store.clone(), start)
                    .await
                    .map_err(|x| e(&x))?,
            );
            let config = EngineConfig {
                workers,
                batch: number("--batch", "64")?,
                ..EngineConfig::default()
            };
            let app = App::with_engine(
                store,
                Arc::new(SystemClock),
                Some(clock),
                config,
                stopped.clone(),
            );
            apps.push(app.clone());
            engines.push(tokio::spawn(run_workers(
                app,
                format!("advance-{k}"),
                stopped.clone(),
            )));
        }
        let reset = reset().await;
        let began = Instant::now();
        let (_, jobs_run) = apps[0]
            .advance_clock(bench, ClockTarget::By(by))
            .await
            .map_err(|x| e(&x))?;
        let took = began.elapsed();
        let _all_stopping = stop.send(true);
        for engine in engines {
            engine.await.map_err(|x| e(&x))?;
        }
        (took, jobs_run, reset)
    } else {
        let token = exploot::workflow::tokens::issue(
            &store,
            "cli:advance_bench",
            exploot::workflow::Role::Admin,
            None,
            None,
            SystemClock.now(),
        )
        .await
        .map_err(|x| e(&x))?
        .secret;
        let lease = flag("--lease-seconds", "2");
        let batch = flag("--batch", "64");
        let mut servers = Vec::new();
        let mut port = 0;
        for _ in 0..instances {
            port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|x| e(&x))?
                .port();
            servers.push(
                std::process::Command::new(&serve)
                    .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
                    .args(["--database-url", &url])
                    .arg(format!("--clock=manual:{}", start.to_rfc3339()))
                    .args(["--lease-seconds", &lease])
                    .args(["--workers", &workers.to_string()])
                    .args(["--job-batch", &batch])
                    .args(["--pool-size", &pool.to_string()])
                    .args(["--portal-listen", "off"])
                    .env("RUST_LOG", "error")
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .map_err(|x| format!("{serve}: {x}"))?,
            );
        }
        let channel = tonic::transport::Endpoint::from_shared(format!("http://127.0.0.1:{port}"))
            .map_err(|x| e(&x))?
            .connect_lazy();
        let mut admin =
            AdminServiceClient::new(exploot::cli::bearer::Bearer::new(&token)?.on(channel));
        // Until the last instance answers.
        let ready = Instant::now();
        while admin.get_clock(pb::GetClockRequest {}).await.is_err() {
            if ready.elapsed() > Duration::from_secs(60) {
                return Err("the last instance did not answer in 60 s".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let reset = reset().await;
        let kill_after = number("--kill-after", "0")?;
        let began = Instant::now();
        let advance = admin.advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::By(
                prost_types::Duration {
                    seconds: by.num_seconds(),
                    nanos: 0,
                },
            )),
        });
        tokio::pin!(advance);
        let mut killed = None;
        let answer = loop {
            tokio::select! {
                answer = &mut advance => break answer,
                at = reached(&store, kill_after), if kill_after > 0 && killed.is_none() => {
                    servers[0].kill().map_err(|x| e(&x))?;
                    killed = Some(at);
                }
            }
        };
        let took = began.elapsed();
        for mut server in servers {
            let _ = server.kill();
            server.wait().map_err(|x| e(&x))?;
        }
        let answer = answer.map_err(|x| e(&x))?.into_inner();
        match killed {
            Some(at) => println!("instance 0 SIGKILLed after {at} job-driven transitions"),
            None => println!("no instance killed"),
        }
        (took, answer.jobs_run, reset)
    };
    let fired = store
        .run(|conn| {
            Ok::<_, StoreError>(
                diesel::sql_query(
                    "SELECT count(DISTINCT case_id) AS n FROM case_events \
                     WHERE kind = 'track_started'",
                )
                .get_result::<Count>(conn)?
                .n,
            )
        })
        .await
        .map_err(|x| e(&x))?;
    assert_eq!(fired, cases, "every timer fired, each on its own case");
    let transitions = job_events(&store).await.map_err(|x| e(&x))?;
    if pg {
        let twice = store
            .run(|conn| {
                Ok::<_, StoreError>(
                    diesel::sql_query(
                        "SELECT count(*) - count(DISTINCT CAST(payload AS json)->'job'->>'id') AS n \
                         FROM case_events WHERE actor = 'system'",
                    )
                    .get_result::<Count>(conn)?
                    .n,
                )
            })
            .await
            .map_err(|x| e(&x))?;
        assert_eq!(twice, 0, "a job's event committed twice");
        println!("exactly once: {transitions} job-driven events, no job id twice");
    }
    println!(
        "AdvanceClock by {by}: {jobs_run} job runs counted, {transitions} job-driven transitions \
         ({fired} cases), {instances} instances × {workers} workers, in {:.2} s = {:.0} transitions/s",
        took.as_secs_f64(),
        transitions as f64 / took.as_secs_f64()
    );
    if !reset {
        println!("(no pg_stat_statements: the wait share is not measured)");
        return Ok(());
    }
    // Give the statistics collector a moment: pg_stat_statements is updated at each
    // statement's end, so this only orders the read after the last commit.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let statements = store
        .run(|conn| {
            Ok::<_, StoreError>(
                diesel::sql_query(
                    "SELECT query, calls, total_exec_time + total_plan_time AS ms \
                     FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid \
                     WHERE d.datname = current_database() ORDER BY ms DESC",
                )
                .load::<Statement>(conn)?,
            )
        })
        .await
        .map_err(|x| e(&x))?;
    // The benchmark's own looks (its count of transitions, these statistics) are not the
    // service's.
    let statements: Vec<Statement> = statements
        .into_iter()
        .filter(|s| !s.query.contains("WHERE actor = ") && !s.query.contains("pg_stat_statements"))
        .collect();
    let total: f64 = statements.iter().map(|s| s.ms).sum();
    // AdvanceClock's own statements: its looks at the due jobs, the next due instant, and
    // the clock row it moves.
    let waiting = |q: &str| {
        q.contains(r#"SELECT "jobs"."id", "jobs"."attempts" FROM "jobs""#)
            || q.contains(r#"SELECT min("jobs"."due_at")"#)
    };
    let wait: f64 = statements
        .iter()
        .filter(|s| waiting(&s.query))
        .map(|s| s.ms)
        .sum();
    println!(
        "database statement time {:.0} ms, of which AdvanceClock waiting {:.1} ms = {:.2} %",
        total,
        wait,
        100.0 * wait / total.max(f64::MIN_POSITIVE)
    );
    for s in statements.iter().take(12) {
        let mark = if waiting(&s.query) { "wait" } else { "    " };
        let query: String = s.query.chars().take(110).collect();
        println!("{mark} {:>9.1} ms {:>7} calls  {query}", s.ms, s.calls);
    }
    Ok(())
}
