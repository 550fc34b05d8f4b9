//! Engine benchmark (issue 6): N cases, each with a start-track timer due, processed end to
//! end by the engine — lease, load, decide, one transaction (case row against its version,
//! audit event, the next timer scheduled, the job consumed) — and, beside it in the same
//! run, the bare-SQL upper bound: the same row changes from a plain loop with no engine.
//!
//! ```text
//! cargo run --release --example engine_bench -- --database-url URL \
//!     [--cases 100000] [--instances 1] [--workers 2] [--batch 64] [--rate PER_SECOND] \
//!     [--sqlite-synchronous full|normal]
//! ```
//!
//! `--sqlite-synchronous` is the server's option of that name (default `full`: every commit
//! synced), so the cost of durable commits can be measured beside the faster mode.
//!
//! Without `--rate` every timer is due at once (throughput). With `--rate R` the timers come
//! due R per second (due time of case n = start + n/R), and the lag from each timer's due
//! time to its transition's commit is reported (p50/p99/max). Each instance is an engine
//! with its own connection pool, as a separate `exploot serve` would be. The database must
//! be empty (a fresh `createdb`, or a new SQLite path).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::sql_types::{BigInt, Text, Timestamp};
use diesel::{QueryableByName, RunQueryDsl};
use exploot::case::{Address, Client, ClientId, TrackPolicy};
use exploot::clock::{Clock, SystemClock};
use exploot::store::seed::{SyntheticCases, synthetic_cases};
use exploot::store::{DbConnection, SqliteSync, Store, StoreError, db_instant, transaction};
use exploot::workflow::{App, EngineConfig, run_workers};

struct Args {
    url: String,
    cases: i64,
    instances: usize,
    workers: usize,
    batch: i64,
    rate: Option<f64>,
    sqlite_sync: SqliteSync,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        url: String::new(),
        cases: 100_000,
        instances: 1,
        workers: 2,
        batch: 64,
        rate: None,
        sqlite_sync: SqliteSync::Full,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
        match flag.as_str() {
            "--database-url" => a.url = value,
            "--cases" => a.cases = value.parse().map_err(|e| bad(&e))?,
            "--instances" => a.instances = value.parse().map_err(|e| bad(&e))?,
            "--workers" => a.workers = value.parse().map_err(|e| bad(&e))?,
            "--batch" => a.batch = value.parse().map_err(|e| bad(&e))?,
            "--rate" => a.rate = Some(value.parse().map_err(|e| bad(&e))?),
            "--sqlite-synchronous" => {
                a.sqlite_sync = clap::ValueEnum::from_str(&value, true).map_err(|e| bad(&e))?;
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if a.url.is_empty() {
        return Err("--database-url is required".into());
    }
    Ok(a)
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Applied {
    #[diesel(sql_type = Text)]
    case_id: String,
    #[diesel(sql_type = Timestamp)]
    at: NaiveDateTime,
}

async fn count(store: &Store, sql: &'static str) -> i64 {
    store
        .run(move |conn| Ok::<_, StoreError>(diesel::sql_query(sql).get_result::<Count>(conn)?.n))
        .await
        .expect("count")
}

fn seed(
    store: &Store,
    policy_version: i64,
    prefix: &'static str,
    cases: i64,
    first_due: DateTime<Utc>,
    spacing_micros: i64,
) -> impl std::future::Future<Output = Result<i64, StoreError>> {
    let store = store.clone();
    async move {
        store
            .run(move |conn| {
                synthetic_cases(
                    conn,
                    &SyntheticCases {
                        client_id: "bench",
                        policy_version,
                        prefix,
                        count: cases,
                        first_due,
                        spacing_micros,
                        accepted_on: NaiveDate::from_ymd_opt(2026, 5, 4).expect("date"),
                        now: SystemClock.now(),
                        max_attempts: 5,
                    },
                )
            })
            .await
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), String> {
    let a = args()?;
    let pool = u32::try_from(a.workers + 2).unwrap_or(8);
    let store = Store::open_with(&a.url, pool, a.sqlite_sync).map_err(|e| e.to_string())?;
    store.migrate().map_err(|e| e.to_string())?;
    let admin = App::new(store.clone(), Arc::new(SystemClock));
    let bench = exploot::workflow::Actor("bench".into());
    admin
        .put_client(
            bench.clone(),
            Client {
                id: ClientId::parse("bench").map_err(|e| e.to_string())?,
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
        .map_err(|e| e.to_string())?;
    // What is measured is the timers: the letters go to a print house, not to PDF.
    let policy_version = admin
        .put_policy(
            bench,
            "bench".into(),
            TrackPolicy {
                render_letters: false,
                ..TrackPolicy::default()
            },
        )
        .await
        .map_err(|e| e.to_string())?
        .version;

    // The engine.
    let spacing = a.rate.map_or(0, |r| (1e6 / r) as i64);
    let first_due = match a.rate {
        Some(_) => SystemClock.now() + chrono::Duration::seconds(3),
        None => SystemClock.now(),
    };
    let seeded = Instant::now();
    seed(&store, policy_version, "e", a.cases, first_due, spacing)
        .await
        .map_err(|e| e.to_string())?;
    eprintln!("seeded {} cases in {:?}", a.cases, seeded.elapsed());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut engines = Vec::new();
    let started = Instant::now();
    let started_at = SystemClock.now();
    for k in 0..a.instances {
        let store = Store::open_with(&a.url, pool, a.sqlite_sync).map_err(|e| e.to_string())?;
        let config = EngineConfig {
            workers: a.workers,
            batch: a.batch,
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(20),
        };
        let app = App::with_engine(store, Arc::new(SystemClock), None, config, stopped.clone());
        engines.push(tokio::spawn(run_workers(
            app,
            format!("bench-{k}"),
            stopped.clone(),
        )));
    }
    while count(
        &store,
        "SELECT count(*) AS n FROM jobs WHERE kind = 'timer.start_track'",
    )
    .await
        > 0
    {
        // Coarse: the figures come from the commit instants, not from this loop.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let elapsed = started.elapsed();
    let _all_stopping = stop.send(true);
    for engine in engines {
        engine.await.map_err(|e| e.to_string())?;
    }
    let applied = count(
        &store,
        "SELECT count(*) AS n FROM case_events WHERE kind = 'track_started'",
    )
    .await;
    assert_eq!(applied, a.cases, "every timer fired once");
    let distinct = count(
        &store,
        "SELECT count(DISTINCT case_id) AS n FROM case_events WHERE kind = 'track_started'",
    )
    .await;
    assert_eq!(distinct, a.cases, "none fired twice, none lost");
    eprintln!("{applied} timers fired, on {distinct} distinct cases: none twice, none lost");
    let rows: Vec<Applied> = store
        .run(|conn| {
            Ok::<_, StoreError>(
                diesel::sql_query(
                    "SELECT case_id, at FROM case_events WHERE kind = 'track_started'",
                )
                .load::<Applied>(conn)?,
            )
        })
        .await
        .map_err(|e| e.to_string())?;
    let mut lags: Vec<f64> = rows
        .iter()
        .map(|r| {
            let n: i64 = r.case_id[1..].parse().expect("synthetic id");
            let due = db_instant(first_due + chrono::Duration::microseconds((n - 1) * spacing));
            (r.at - due).num_microseconds().unwrap_or(0) as f64 / 1e6
        })
        .collect();
    lags.sort_by(f64::total_cmp);
    let pct = |p: f64| lags[((lags.len() as f64 - 1.0) * p) as usize];
    let last = rows.iter().map(|r| r.at).max().expect("rows");
    let busy = (last - db_instant(started_at.max(first_due)))
        .num_microseconds()
        .unwrap_or(1) as f64
        / 1e6;
    let engine_rate = a.cases as f64 / busy;
    println!(
        "engine: {} transitions, first due to last commit {:.2} s = {:.0}/s (drained seen after {:.1} s); lag due→commit p50 {:.3} s, p99 {:.3} s, max {:.3} s",
        a.cases,
        busy,
        engine_rate,
        elapsed.as_secs_f64(),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );

    // The bare-SQL bound: the same row changes, one transaction per timer, as many
    // connections as the engine had workers, no leasing and no decide.
    seed(&store, policy_version, "b", a.cases, SystemClock.now(), 0)
        .await
        .map_err(|e| e.to_string())?;
    let threads = a.instances * a.workers;
    let bare = Store::open_with(&a.url, u32::try_from(threads).unwrap_or(8), a.sqlite_sync)
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut loops = Vec::new();
    for t in 0..threads {
        let cases = a.cases;
        loops.push(bare.run(move |conn| bare_loop(conn, t, threads, cases)));
    }
    for l in loops {
        l.await.map_err(|e: StoreError| e.to_string())?;
    }
    let bare_elapsed = started.elapsed();
    let bare_rate = a.cases as f64 / bare_elapsed.as_secs_f64();
    println!(
        "bare SQL: {} transitions in {:.2} s = {:.0}/s; engine = {:.0} % of it",
        a.cases,
        bare_elapsed.as_secs_f64(),
        bare_rate,
        100.0 * engine_rate / bare_rate
    );
    Ok(())
}

/// Timers n ≡ t (mod threads), one transaction each: delete the job, read the case, move
/// it against its version, append its audit event, schedule its next timer — with the
/// same prepared statements diesel gives the engine.
fn bare_loop(
    conn: &mut DbConnection,
    t: usize,
    threads: usize,
    cases: i64,
) -> Result<(), StoreError> {
    use diesel::prelude::*;
    use exploot::store::schema::{case_events, cases as cases_table, jobs};
    let mut n = i64::try_from(t).unwrap_or(0) + 1;
    while n <= cases {
        let now = db_instant(SystemClock.now());
        let case = format!("b{n}");
        transaction(conn, |conn| {
            // The same commit mode as the engine's job transitions.
            exploot::store::jobs::relaxed_commit(conn)?;
            diesel::delete(jobs::table.find(format!("bjob{n}"))).execute(conn)?;
            let version: i64 = cases_table::table
                .find(&case)
                .select(cases_table::version)
                .first(conn)?;
            diesel::update(
                cases_table::table
                    .filter(cases_table::id.eq(&case))
                    .filter(cases_table::version.eq(version)),
            )
            .set((
                cases_table::stage.eq("letter"),
                cases_table::version.eq(version + 1),
                cases_table::updated_at.eq(now),
            ))
            .execute(conn)?;
            diesel::insert_into(case_events::table)
                .values((
                    case_events::case_id.eq(&case),
                    case_events::sequence.eq(version + 1),
                    case_events::kind.eq("track_started"),
                    case_events::at.eq(now),
                    case_events::actor.eq("bare"),
                    case_events::stage.eq("letter"),
                    case_events::suspension.eq("none"),
                    case_events::reason.eq(""),
                    case_events::payload.eq("{}"),
                    case_events::policy_version.eq(1),
                ))
                .execute(conn)?;
            diesel::insert_into(jobs::table)
                .values((
                    jobs::id.eq(format!("bnext{n}")),
                    jobs::case_id.eq(&case),
                    jobs::kind.eq("timer.letter_term_ended"),
                    jobs::payload.eq("{}"),
                    jobs::due_at.eq(now),
                    jobs::attempts.eq(0),
                    jobs::max_attempts.eq(5),
                    jobs::created_at.eq(now),
                ))
                .execute(conn)?;
            Ok::<_, StoreError>(())
        })?;
        n += i64::try_from(threads).unwrap_or(1);
    }
    Ok(())
}
