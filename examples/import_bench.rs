//! Load generator for `ImportClaims` (issue 5): N realistic claims (1–3 invoices each)
//! streamed through the real gRPC stream into a real `exploot serve` process, measuring
//! claims/s and the server's peak RSS; then, beside it, the upper bound: the same rows
//! written with the database's fastest bulk path (PostgreSQL `COPY`, SQLite one
//! transaction of prepared inserts) without gRPC or validation, into the same schema.
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example import_bench -- --claims 1000000 --database sqlite
//! cargo run --release --example import_bench -- --claims 1000000 \
//!     --database postgres://postgres@127.0.0.1:5433/postgres
//! ```
//!
//! With `sqlite` the databases are files in `--dir`; with a PostgreSQL URL the benchmark
//! (re)creates the databases `exploot_bench_import` and `exploot_bench_raw` next to the one
//! named. Results go to stdout as a Markdown table row for `BENCHMARKS.md`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clap::Parser;
use diesel::prelude::*;
use exploot::proto::import_claims_response::Outcome;
use exploot::proto::{self as pb, admin_service_client::AdminServiceClient};
use exploot::store::schema::{case_events, cases, invoices, jobs, parties};
use exploot::store::{SqliteSync, Store};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::{Channel, Endpoint};

/// Claims per COPY statement / per progress report.
const CHUNK: usize = 50_000;

/// The instant the server's clock stands at: Monday 4 May 2026, 10:00 in Amsterdam.
const NOW: &str = "2026-05-04T08:00:00Z";

#[derive(Parser)]
struct Args {
    /// Claims to import.
    #[arg(long, default_value_t = 100_000)]
    claims: usize,
    /// `sqlite`, or a PostgreSQL URL (`postgres://USER@HOST:PORT/postgres`).
    #[arg(long, default_value = "sqlite")]
    database: String,
    /// Where the SQLite files go.
    #[arg(long, default_value_os_t = std::env::temp_dir())]
    dir: PathBuf,
    /// The `exploot` binary (default: next to this example's directory, i.e. the same
    /// profile's `target/*/exploot`).
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// Skip the gRPC import.
    #[arg(long)]
    skip_import: bool,
    /// Skip the raw bulk-insert bound.
    #[arg(long)]
    skip_raw: bool,
    /// Passed to `exploot serve --sqlite-synchronous`: `full` (the default: every commit
    /// synced before it is acknowledged) or `normal`.
    #[arg(long, value_enum, default_value = "full")]
    sqlite_synchronous: SqliteSync,
    /// `exploot serve` processes on the one database, each importing its share of the
    /// claims over its own stream at the same time (scale-out, issue 20). RSS is the
    /// first instance's.
    #[arg(long, default_value_t = 1)]
    instances: usize,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let (import_url, raw_url) = databases(&args)?;
    let machine = machine();
    eprintln!("{machine}; {} claims on {}", args.claims, backend(&args));

    let import = if args.skip_import {
        None
    } else {
        Some(run_import(&args, &import_url)?)
    };
    let raw = if args.skip_raw {
        None
    } else {
        Some(run_raw(&args, &raw_url)?)
    };

    println!();
    println!(
        "| backend | claims | invoices | gRPC import | claims/s | server peak RSS | raw bulk insert | claims/s | ratio |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let invoices: usize = (0..args.claims)
        .map(|i| Generated::new(i).invoices.len())
        .sum();
    let rate = |secs: f64| args.claims as f64 / secs;
    let (import_cell, import_rate, rss) = match &import {
        Some(r) => (
            format!("{:.1} s", r.seconds),
            format!("{:.0}", rate(r.seconds)),
            format!("{} MB", r.peak_rss_kb / 1024),
        ),
        None => ("–".into(), "–".into(), "–".into()),
    };
    let (raw_cell, raw_rate) = match raw {
        Some(s) => (format!("{s:.1} s"), format!("{:.0}", rate(s))),
        None => ("–".into(), "–".into()),
    };
    let ratio = match (&import, raw) {
        (Some(i), Some(r)) => format!("{:.0} %", 100.0 * r / i.seconds),
        _ => "–".into(),
    };
    println!(
        "| {} | {} | {invoices} | {import_cell} | {import_rate} | {rss} | {raw_cell} | {raw_rate} | {ratio} |",
        backend(&args),
        args.claims
    );
    if let Some(r) = import {
        println!();
        println!("server RSS by progress: {}", r.rss_curve.join(", "));
    }
    println!("{machine}");
    Ok(())
}

fn backend(args: &Args) -> &'static str {
    if args.database == "sqlite" {
        "SQLite"
    } else {
        "PostgreSQL"
    }
}

fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores, {model}")
}

/// Fresh databases for the import and the raw bound.
fn databases(args: &Args) -> Result<(String, String), Box<dyn std::error::Error>> {
    if args.database == "sqlite" {
        let file = |name: &str| {
            let path = args.dir.join(format!("exploot-bench-{name}.db"));
            for suffix in ["", "-wal", "-shm"] {
                let _absent = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            format!("sqlite://{}", path.display())
        };
        return Ok((file("import"), file("raw")));
    }
    let mut admin = PgConnection::establish(&args.database)?;
    let base = args
        .database
        .rsplit_once('/')
        .map(|(b, _)| b)
        .ok_or("a PostgreSQL URL ends in /DATABASE")?;
    let mut urls = Vec::new();
    for name in ["exploot_bench_import", "exploot_bench_raw"] {
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name}")).execute(&mut admin)?;
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin)?;
        urls.push(format!("{base}/{name}"));
    }
    let raw = urls.pop().unwrap_or_default();
    let import = urls.pop().unwrap_or_default();
    Ok((import, raw))
}

/// One generated claim: deterministic in its number, varied like a real export.
struct Generated {
    reference: String,
    business: bool,
    name: String,
    street: String,
    postcode: String,
    city: &'static str,
    email: String,
    phone: String,
    kvk: String,
    date_of_birth: Option<NaiveDate>,
    invoices: Vec<(String, NaiveDate, NaiveDate, i64)>,
    notes: &'static str,
}

/// splitmix64: a few good pseudo-random bits per claim, no dependency.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

const FIRST: &[&str] = &["J.", "M.", "A.", "P.", "K.", "S.", "L.", "R.", "H.", "E."];
const SURNAMES: &[(&str, &str)] = &[
    ("de", "Vries"),
    ("", "Jansen"),
    ("van", "Dijk"),
    ("", "Bakker"),
    ("", "Visser"),
    ("", "Smit"),
    ("", "Meijer"),
    ("de", "Boer"),
    ("", "Mulder"),
    ("de", "Groot"),
    ("", "Bos"),
    ("", "Vos"),
    ("", "Peters"),
    ("", "Hendriks"),
    ("van", "Leeuwen"),
    ("", "El Amrani"),
    ("", "Öztürk"),
];
const STREETS: &[&str] = &[
    "Kerkstraat",
    "Dorpsstraat",
    "Schoolstraat",
    "Molenweg",
    "Stationsweg",
    "Industrieweg",
    "Hoofdstraat",
    "Julianalaan",
    "Beatrixstraat",
    "Marktplein",
];
const CITIES: &[&str] = &[
    "Amsterdam",
    "Rotterdam",
    "Den Haag",
    "Utrecht",
    "Eindhoven",
    "Groningen",
    "Tilburg",
    "Almere",
    "Breda",
    "Nijmegen",
];
const TRADES: &[&str] = &[
    "Bouwbedrijf",
    "Transport",
    "Installatietechniek",
    "Kapsalon",
    "Bloemenhandel",
    "Adviesbureau",
];

impl Generated {
    fn new(i: usize) -> Self {
        let r = |k: u64| mix((i as u64) << 8 | k);
        let pick = |k: u64, n: usize| (r(k) % n as u64) as usize;
        let business = r(1) % 10 < 3;
        let (prefix, surname) = SURNAMES[pick(2, SURNAMES.len())];
        let name = if business {
            format!("{} {surname} B.V.", TRADES[pick(3, TRADES.len())])
        } else if prefix.is_empty() {
            format!("{} {surname}", FIRST[pick(3, FIRST.len())])
        } else {
            format!("{} {prefix} {surname}", FIRST[pick(3, FIRST.len())])
        };
        let letters = r(4);
        let mut pair = [
            b'A' + (letters % 26) as u8,
            b'A' + (letters / 26 % 26) as u8,
        ];
        // PostNL gives out no SA, SD or SS (the server refuses them).
        if matches!(&pair, b"SA" | b"SD" | b"SS") {
            pair[0] = b'T';
        }
        let postcode = format!(
            "{} {}{}",
            1000 + r(5) % 9000,
            char::from(pair[0]),
            char::from(pair[1])
        );
        let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid");
        let count = 1 + pick(6, 3);
        let invoices = (0..count)
            .map(|n| {
                let issued = start + chrono::Days::new(r(10 + n as u64) % 450);
                let due = issued + chrono::Days::new(14 + 16 * (r(20 + n as u64) % 2));
                // Mostly a few hundred euros, now and then a large one.
                let cents = match r(30 + n as u64) % 20 {
                    0 => 500_000 + (r(40 + n as u64) % 2_000_000) as i64,
                    _ => 2_500 + (r(40 + n as u64) % 150_000) as i64,
                };
                (
                    format!("F{}-{i:07}-{n}", issued.format("%Y")),
                    issued,
                    due,
                    cents,
                )
            })
            .collect();
        Self {
            reference: format!("BENCH-{i:08}"),
            business,
            name,
            street: format!("{} {}", STREETS[pick(7, STREETS.len())], 1 + r(8) % 250),
            postcode,
            city: CITIES[pick(9, CITIES.len())],
            email: if r(11) % 10 < 7 {
                format!("debiteur{i}@example.nl")
            } else {
                String::new()
            },
            phone: if r(12) % 2 == 0 {
                format!("06 {:08}", r(13) % 100_000_000)
            } else {
                String::new()
            },
            kvk: if business {
                format!("{:08}", 10_000_000 + r(14) % 89_999_999)
            } else {
                String::new()
            },
            date_of_birth: (!business && r(15) % 10 < 6).then(|| {
                NaiveDate::from_ymd_opt(1940, 1, 1).expect("valid")
                    + chrono::Days::new(r(16) % 22_000)
            }),
            invoices,
            notes: if r(17) % 5 == 0 {
                "Reageert niet op herinneringen."
            } else {
                ""
            },
        }
    }

    fn request(&self, row: usize) -> pb::ImportClaimsRequest {
        let (prefix, family) = self.family();
        pb::ImportClaimsRequest {
            client_id: "bench".into(),
            row: row as i64,
            client_reference: self.reference.clone(),
            debtor: Some(pb::Debtor {
                kind: if self.business {
                    pb::DebtorKind::Business
                } else {
                    pb::DebtorKind::Consumer
                }
                .into(),
                name: self.name.clone(),
                address: Some(pb::Address {
                    street: self.street.clone(),
                    postcode: self.postcode.clone(),
                    city: self.city.into(),
                    country: "NL".into(),
                }),
                email: self.email.clone(),
                phone: self.phone.clone(),
                kvk_number: self.kvk.clone(),
                date_of_birth: self
                    .date_of_birth
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                family_name: family,
                family_name_prefix: prefix,
                iban: String::new(),
            }),
            invoices: self
                .invoices
                .iter()
                .map(|(number, issued, due, cents)| pb::Invoice {
                    number: number.clone(),
                    invoice_date: issued.to_string(),
                    due_date: due.to_string(),
                    amount: format!("{}.{:02}", cents / 100, cents % 100),
                })
                .collect(),
            notes: self.notes.into(),
        }
    }

    fn family(&self) -> (String, String) {
        if self.business {
            return (String::new(), String::new());
        }
        let mut words: Vec<&str> = self.name.split(' ').skip(1).collect();
        let family = words.pop().unwrap_or_default().to_owned();
        (words.join(" "), family)
    }
}

struct ImportResult {
    seconds: f64,
    peak_rss_kb: u64,
    rss_curve: Vec<String>,
}

/// The server's resident set size now and at its peak, in kB.
fn rss_kb(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn server_bin(args: &Args) -> PathBuf {
    args.server_bin.clone().unwrap_or_else(|| {
        let exe = std::env::current_exe().expect("current exe");
        let profile_dir = exe
            .parent()
            .and_then(|examples| examples.parent())
            .expect("target/PROFILE/examples/import_bench");
        profile_dir.join("exploot")
    })
}

fn run_import(args: &Args, url: &str) -> Result<ImportResult, Box<dyn std::error::Error>> {
    let bin = server_bin(args);
    // An admin token for the calls (the command migrates a fresh database first).
    let issued = Command::new(&bin)
        .args(["token", "create", "--role", "admin", "--database-url", url])
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("{}: {e} (cargo build --release first)", bin.display()))?;
    if !issued.status.success() {
        return Err(format!("token create failed: {issued:?}").into());
    }
    let token = String::from_utf8(issued.stdout)?.trim().to_owned();
    let instances = args.instances.max(1);
    let mut servers: Vec<(Child, u16)> = Vec::new();
    for _ in 0..instances {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let server = Command::new(&bin)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--database-url", url, "--clock", &format!("manual:{NOW}")])
            .args(["--sqlite-synchronous", &sync_name(args.sqlite_synchronous)])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("{}: {e} (cargo build --release first)", bin.display()))?;
        servers.push((server, port));
    }
    let pids: Vec<u32> = servers.iter().map(|(s, _)| s.id()).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let result = runtime.block_on(async {
        let mut channels = Vec::new();
        for (_, port) in &servers {
            let channel = Endpoint::from_shared(format!("http://127.0.0.1:{port}"))?.connect_lazy();
            wait_serving(&channel).await?;
            channels.push(channel);
        }
        AdminServiceClient::new(channels[0].clone())
            .put_client(authorized(
                pb::PutClientRequest {
                    client: Some(pb::Client {
                        id: "bench".into(),
                        name: "Benchmark Energie B.V.".into(),
                        ..Default::default()
                    }),
                },
                &token,
            )?)
            .await?;
        // Instance k imports claims [k·n/N, (k+1)·n/N), all at once; the wall time is
        // the slowest stream's.
        let started = Instant::now();
        let mut streams = Vec::new();
        for (k, channel) in channels.into_iter().enumerate() {
            let (from, to) = (
                k * args.claims / instances,
                (k + 1) * args.claims / instances,
            );
            let token = token.clone();
            let pid = pids[k];
            streams.push(tokio::spawn(async move {
                stream(channel, &token, from..to, pid)
                    .await
                    .map_err(|e| e.to_string())
            }));
        }
        let mut first = None;
        for handle in streams {
            let result = handle.await??;
            first.get_or_insert(result);
        }
        let mut result = first.ok_or("no instance")?;
        result.seconds = started.elapsed().as_secs_f64();
        Ok::<_, Box<dyn std::error::Error>>(result)
    });
    // SIGTERM: the servers stop gracefully.
    for (mut server, _) in servers {
        let _ = Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status();
        let _ = server.wait();
    }
    // A stream that failed leaves its feeder blocked on a full channel: dropping the
    // runtime would wait for it forever; a failed benchmark exits instead.
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

/// `message` with the `authorization: Bearer` metadata of `token`.
fn authorized<T>(message: T, token: &str) -> Result<tonic::Request<T>, Box<dyn std::error::Error>> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse()?);
    Ok(request)
}

async fn wait_serving(channel: &Channel) -> Result<(), Box<dyn std::error::Error>> {
    use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};
    let give_up = Instant::now() + Duration::from_secs(60);
    loop {
        let answer = HealthClient::new(channel.clone())
            .check(HealthCheckRequest::default())
            .await;
        if answer.is_ok() {
            return Ok(());
        }
        if Instant::now() > give_up {
            return Err("the server did not report SERVING within 60 s".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn stream(
    channel: Channel,
    token: &str,
    claims: std::ops::Range<usize>,
    pid: u32,
) -> Result<ImportResult, Box<dyn std::error::Error + Send + Sync>> {
    let n = claims.len();
    // Sample the server's RSS in the background; its peak is VmHWM at the end.
    let done = Arc::new(AtomicBool::new(false));
    let max_rss = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (done, max_rss) = (Arc::clone(&done), Arc::clone(&max_rss));
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                max_rss.fetch_max(rss_kb(pid).0, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let (send, requests) = mpsc::channel(4096);
    let started = Instant::now();
    let feeder = tokio::task::spawn_blocking(move || {
        for i in claims {
            if send
                .blocking_send(Generated::new(i).request(i + 2))
                .is_err()
            {
                return;
            }
        }
    });
    let mut answers = pb::intake_service_client::IntakeServiceClient::new(channel)
        .max_decoding_message_size(64 << 20)
        .import_claims(authorized(ReceiverStream::new(requests), token).map_err(|e| e.to_string())?)
        .await?
        .into_inner();
    let mut seen = 0usize;
    let mut curve = Vec::new();
    let step = (n / 10).max(1);
    while let Some(answer) = answers.message().await? {
        if answer.outcome != Outcome::Accepted as i32 {
            return Err(format!("row {} not accepted: {answer:?}", answer.row).into());
        }
        seen += 1;
        if seen.is_multiple_of(step) || seen == n {
            let (now, _) = rss_kb(pid);
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "  {seen:>9} claims  {secs:>7.1} s  {:>7.0} claims/s  server RSS {} MB",
                seen as f64 / secs,
                now / 1024
            );
            curve.push(format!("{}: {} MB", seen, now / 1024));
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    feeder.await?;
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    if seen != n {
        return Err(format!("{seen} outcomes for {n} claims").into());
    }
    let (_, peak) = rss_kb(pid);
    Ok(ImportResult {
        seconds,
        peak_rss_kb: peak.max(max_rss.load(Ordering::Relaxed)),
        rss_curve: curve,
    })
}

// The raw bound: the same rows as the import writes, straight into the tables.

#[derive(Insertable)]
#[diesel(table_name = cases, treat_none_as_default_value = false)]
struct CaseRow {
    id: String,
    client_id: &'static str,
    client_reference: String,
    content_hash: String,
    stage: &'static str,
    suspension: &'static str,
    close_reason: Option<String>,
    close_note: &'static str,
    debtor_kind: &'static str,
    debtor_kvk_number: Option<String>,
    principal_cents: i64,
    received_at: chrono::NaiveDateTime,
    accepted_on: NaiveDate,
    policy_version: i64,
    version: i64,
    notes: &'static str,
    state: String,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = parties, treat_none_as_default_value = false)]
struct PartyRow {
    case_id: String,
    role: &'static str,
    kind: &'static str,
    name: String,
    family_name: String,
    family_name_prefix: String,
    street: String,
    postcode: String,
    city: &'static str,
    country: &'static str,
    email: String,
    phone: String,
    kvk_number: String,
    date_of_birth: Option<NaiveDate>,
    iban: &'static str,
}

#[derive(Insertable)]
#[diesel(table_name = invoices, treat_none_as_default_value = false)]
struct InvoiceRow {
    case_id: String,
    position: i32,
    number: String,
    invoice_date: Option<NaiveDate>,
    due_date: NaiveDate,
    amount_cents: i64,
}

#[derive(Insertable)]
#[diesel(table_name = case_events, treat_none_as_default_value = false)]
struct EventRow {
    case_id: String,
    sequence: i64,
    kind: &'static str,
    at: chrono::NaiveDateTime,
    actor: &'static str,
    stage: &'static str,
    suspension: &'static str,
    reason: &'static str,
    payload: String,
    policy_version: i64,
}

#[derive(Insertable)]
#[diesel(table_name = jobs, treat_none_as_default_value = false)]
struct JobRow {
    id: String,
    case_id: Option<String>,
    kind: &'static str,
    payload: &'static str,
    due_at: chrono::NaiveDateTime,
    attempts: i32,
    max_attempts: i32,
    leased_by: Option<String>,
    lease_until: Option<chrono::NaiveDateTime>,
    last_error: Option<String>,
    trace_context: Option<String>,
    created_at: chrono::NaiveDateTime,
}

/// What the service writes for one accepted claim: the case (already accepted: version
/// 2), its debtor, invoices, two audit events (`case_created`, `claim_accepted`) and the
/// track's first timer.
type Rows = (CaseRow, PartyRow, Vec<InvoiceRow>, [EventRow; 2], JobRow);

/// A time-ordered id, as the service makes them (UUIDv7 with a shared counter).
fn v7(now: chrono::NaiveDateTime) -> String {
    static IDS: Mutex<uuid::ContextV7> = Mutex::new(uuid::ContextV7::new());
    let context = IDS.lock().unwrap_or_else(|p| p.into_inner());
    let at = now.and_utc();
    uuid::Uuid::new_v7(uuid::Timestamp::from_unix(
        &*context,
        at.timestamp() as u64,
        at.timestamp_subsec_nanos(),
    ))
    .to_string()
}

fn rows(g: Generated) -> Rows {
    let now = chrono::DateTime::parse_from_rfc3339(NOW)
        .expect("valid")
        .naive_utc();
    let accepted_on = now.date();
    let id = v7(now);
    let principal: i64 = g.invoices.iter().map(|i| i.3).sum();
    let warnings = if principal < 50_000 {
        r#"["principal is below the client's minimum for legal action"]"#
    } else {
        "[]"
    };
    let (prefix, family) = g.family();
    let invoices = g
        .invoices
        .into_iter()
        .enumerate()
        .map(|(n, (number, issued, due, cents))| InvoiceRow {
            case_id: id.clone(),
            position: n as i32,
            number,
            invoice_date: Some(issued),
            due_date: due,
            amount_cents: cents,
        })
        .collect::<Vec<_>>();
    let kind = if g.business { "business" } else { "consumer" };
    let accepted = EventRow {
        case_id: id.clone(),
        sequence: 2,
        kind: "claim_accepted",
        at: now,
        actor: "anonymous",
        stage: "intake",
        suspension: "none",
        reason: "the track starts on 2026-05-04 at 16:00",
        payload: r#"{"amounts":{},"starts_on":"2026-05-04"}"#.to_owned(),
        policy_version: 1,
    };
    let job = JobRow {
        id: v7(now),
        case_id: Some(id.clone()),
        kind: "timer.start_track",
        payload: "{}",
        due_at: now + chrono::Duration::hours(6),
        attempts: 0,
        max_attempts: 5,
        leased_by: None,
        lease_until: None,
        last_error: None,
        trace_context: None,
        created_at: now,
    };
    let event = EventRow {
        case_id: id.clone(),
        sequence: 1,
        kind: "case_created",
        at: now,
        actor: "anonymous",
        stage: "intake",
        suspension: "none",
        reason: "claim received",
        payload: format!(
            r#"{{"accepted_on":"{accepted_on}","invoices":{},"principal":"{}.{:02}","warnings":{warnings}}}"#,
            invoices.len(),
            principal / 100,
            principal % 100
        ),
        policy_version: 1,
    };
    let party = PartyRow {
        case_id: id.clone(),
        role: "debtor",
        kind,
        name: g.name,
        family_name: family,
        family_name_prefix: prefix,
        street: g.street,
        postcode: g.postcode,
        city: g.city,
        country: "NL",
        email: g.email,
        phone: g.phone,
        kvk_number: g.kvk.clone(),
        date_of_birth: g.date_of_birth,
        iban: "",
    };
    let case = CaseRow {
        id,
        client_id: "bench",
        client_reference: g.reference,
        // A fingerprint's size, not its computation: the bound skips the service's work.
        content_hash: format!("{:064x}", mix(principal as u64)),
        stage: "intake",
        suspension: "none",
        close_reason: None,
        close_note: "",
        debtor_kind: kind,
        debtor_kvk_number: (!g.kvk.is_empty()).then_some(g.kvk),
        principal_cents: principal,
        received_at: now,
        accepted_on,
        policy_version: 1,
        version: 2,
        notes: g.notes,
        state: format!(r#"{{"warnings":{warnings}}}"#),
        created_at: now,
        updated_at: now,
    };
    (case, party, invoices, [event, accepted], job)
}

fn sync_name(mode: SqliteSync) -> String {
    clap::ValueEnum::to_possible_value(&mode)
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

fn run_raw(args: &Args, url: &str) -> Result<f64, Box<dyn std::error::Error>> {
    // The same schema (migrations, indexes) as the server's; the client row it refers to.
    let store = Store::open(url, 1)?;
    store.migrate()?;
    drop(store);
    let client = (
        exploot::store::schema::clients::id.eq("bench"),
        exploot::store::schema::clients::name.eq("Benchmark Energie B.V."),
        exploot::store::schema::clients::created_at.eq(chrono::NaiveDateTime::default()),
        exploot::store::schema::clients::updated_at.eq(chrono::NaiveDateTime::default()),
    );
    let n = args.claims;
    let started = Instant::now();
    let progress = |done: usize| {
        eprintln!(
            "  raw {done:>9} claims  {:>7.1} s",
            started.elapsed().as_secs_f64()
        );
    };
    if args.database == "sqlite" {
        // The server's connection settings; one transaction of prepared single-row
        // inserts (diesel caches each statement).
        let path = url.trim_start_matches("sqlite://");
        let mut conn = SqliteConnection::establish(path)?;
        diesel::sql_query("PRAGMA journal_mode = WAL").execute(&mut conn)?;
        diesel::sql_query("PRAGMA synchronous = NORMAL").execute(&mut conn)?;
        diesel::sql_query("PRAGMA foreign_keys = ON").execute(&mut conn)?;
        conn.immediate_transaction(|conn| {
            diesel::insert_into(exploot::store::schema::clients::table)
                .values(client)
                .execute(conn)?;
            for i in 0..n {
                let (case, party, invoice_rows, events, job) = rows(Generated::new(i));
                diesel::insert_into(cases::table)
                    .values(&case)
                    .execute(conn)?;
                diesel::insert_into(parties::table)
                    .values(&party)
                    .execute(conn)?;
                for invoice in &invoice_rows {
                    diesel::insert_into(invoices::table)
                        .values(invoice)
                        .execute(conn)?;
                }
                for event in &events {
                    diesel::insert_into(case_events::table)
                        .values(event)
                        .execute(conn)?;
                }
                diesel::insert_into(jobs::table)
                    .values(&job)
                    .execute(conn)?;
                if (i + 1).is_multiple_of(CHUNK) {
                    progress(i + 1);
                }
            }
            Ok::<_, diesel::result::Error>(())
        })?;
    } else {
        // COPY (binary) per table, in chunks, all in one transaction.
        let mut conn = PgConnection::establish(url)?;
        conn.transaction(|conn| {
            diesel::insert_into(exploot::store::schema::clients::table)
                .values(client)
                .execute(conn)?;
            let mut first = 0;
            while first < n {
                let last = (first + CHUNK).min(n);
                let (mut c, mut p, mut inv, mut e, mut j) = (
                    Vec::with_capacity(CHUNK),
                    Vec::with_capacity(CHUNK),
                    Vec::with_capacity(CHUNK * 2),
                    Vec::with_capacity(CHUNK * 2),
                    Vec::with_capacity(CHUNK),
                );
                for i in first..last {
                    let (case, party, invoice_rows, events, job) = rows(Generated::new(i));
                    c.push(case);
                    p.push(party);
                    inv.extend(invoice_rows);
                    e.extend(events);
                    j.push(job);
                }
                diesel::copy_from(cases::table)
                    .from_insertable(c)
                    .execute(conn)?;
                diesel::copy_from(parties::table)
                    .from_insertable(p)
                    .execute(conn)?;
                diesel::copy_from(invoices::table)
                    .from_insertable(inv)
                    .execute(conn)?;
                diesel::copy_from(case_events::table)
                    .from_insertable(e)
                    .execute(conn)?;
                diesel::copy_from(jobs::table)
                    .from_insertable(j)
                    .execute(conn)?;
                first = last;
                progress(first);
            }
            Ok::<_, diesel::result::Error>(())
        })?;
    }
    Ok(started.elapsed().as_secs_f64())
}
