//! Load generator (issue 20): a front office's mix of calls against a real `exploot serve`
//! at rising rates, open loop (calls start on schedule whether or not earlier ones have
//! answered, so a slow server shows as latency, not as a lower rate), with p50/p99 per
//! rate; then, optionally, a soak at one rate with the server's memory and open sockets
//! sampled.
//!
//! ```text
//! cargo build --release --bin exploot
//! cargo run --release --example load -- [--exploot target/release/exploot]
//!     [--database-url sqlite:///tmp/load.db | postgres://…] [--rates 50,100,200,400]
//!     [--seconds 20] [--cases 500] [--soak-rate R --soak-minutes 30]
//! ```
//!
//! The mix: GetCase 40 %, QuoteCase 20 %, ListCases 15 %, CreateCase 15 %,
//! RecordPayment 10 %, all with one front-office token (the server is started with a rate
//! limit high enough not to refuse it). Without `--database-url` a new SQLite file in a
//! temp directory. The load average is printed beside each figure: on a shared machine it
//! says how much of the box the server had.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use exploot::cli::bearer::{AuthChannel, Bearer};
use exploot::clock::{Clock, SystemClock};
use exploot::proto::{
    self as pb, admin_service_client::AdminServiceClient, case_service_client::CaseServiceClient,
};
use exploot::store::Store;
use exploot::workflow::{Role, tokens};
use tokio::sync::Mutex;
use tonic::transport::Endpoint;

struct Args {
    exploot: String,
    url: Option<String>,
    rates: Vec<u32>,
    seconds: u64,
    cases: usize,
    soak_rate: Option<u32>,
    soak_minutes: u64,
}

fn args() -> Result<Args, String> {
    let release = concat!(env!("CARGO_MANIFEST_DIR"), "/target/release/exploot");
    let mut a = Args {
        exploot: release.to_owned(),
        url: None,
        rates: vec![50, 100, 200, 400],
        seconds: 20,
        cases: 500,
        soak_rate: None,
        soak_minutes: 30,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
        match flag.as_str() {
            "--exploot" => a.exploot = value,
            "--database-url" => a.url = Some(value),
            "--rates" => {
                a.rates = value
                    .split(',')
                    .map(|r| r.trim().parse().map_err(|e| bad(&e)))
                    .collect::<Result<_, _>>()?;
            }
            "--seconds" => a.seconds = value.parse().map_err(|e| bad(&e))?,
            "--cases" => a.cases = value.parse().map_err(|e| bad(&e))?,
            "--soak-rate" => a.soak_rate = Some(value.parse().map_err(|e| bad(&e))?),
            "--soak-minutes" => a.soak_minutes = value.parse().map_err(|e| bad(&e))?,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(a)
}

/// The server under load, killed when dropped.
struct Server {
    child: Child,
    channel: AuthChannel,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _gone = self.child.kill();
        let _reaped = self.child.wait();
    }
}

async fn start_server(a: &Args, url: &str) -> Result<Server, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let child = Command::new(&a.exploot)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--database-url", url])
        .args(["--rate-limit", "1000000", "--rate-burst", "1000000"])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("{}: {e}", a.exploot))?;
    let plain = Endpoint::from_shared(format!("http://127.0.0.1:{port}"))
        .map_err(|e| e.to_string())?
        .connect_lazy();
    let mut health = tonic_health::pb::health_client::HealthClient::new(plain.clone());
    let mut serving = false;
    for _ in 0..600 {
        let answer = health
            .check(tonic_health::pb::HealthCheckRequest::default())
            .await;
        if answer.is_ok_and(|a| a.into_inner().status == 1) {
            serving = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !serving {
        return Err("the server did not report SERVING within 60 s".into());
    }
    let store = Store::open(url, 1).map_err(|e| e.to_string())?;
    let token = |role| {
        let store = store.clone();
        async move {
            tokens::issue(&store, "cli:load", role, None, None, SystemClock.now())
                .await
                .map(|t| t.secret)
                .map_err(|e| e.to_string())
        }
    };
    let admin = Bearer::new(&token(Role::Admin).await?)
        .map_err(|e| e.to_string())?
        .on(plain.clone());
    AdminServiceClient::new(admin)
        .put_client(pb::PutClientRequest {
            client: Some(pb::Client {
                id: "acme".into(),
                name: "Acme Energie B.V.".into(),
                kvk_number: "68750110".into(),
                iban: "NL91ABNA0417164300".into(),
                address: Some(address("Stationsplein 1", "1012 AB", "Amsterdam")),
                email: "incasso@acme.example".into(),
                ..Default::default()
            }),
        })
        .await
        .map_err(|e| e.to_string())?;
    let channel = Bearer::new(&token(Role::FrontOffice).await?)
        .map_err(|e| e.to_string())?
        .on(plain);
    Ok(Server { child, channel })
}

fn address(street: &str, postcode: &str, city: &str) -> pb::Address {
    pb::Address {
        street: street.into(),
        postcode: postcode.into(),
        city: city.into(),
        country: "NL".into(),
    }
}

/// A consumer claim of one or two invoices; `n` varies the figures.
fn claim(reference: &str, n: u64) -> pb::CreateCaseRequest {
    let invoices = (0..1 + n % 2)
        .map(|i| pb::Invoice {
            number: format!("F{n}-{i}"),
            invoice_date: "2026-01-15".into(),
            due_date: "2026-02-14".into(),
            amount: format!("{}.{:02}", 200 + n % 1800, n % 100),
        })
        .collect();
    pb::CreateCaseRequest {
        client_id: "acme".into(),
        client_reference: reference.into(),
        debtor: Some(pb::Debtor {
            kind: pb::DebtorKind::Consumer.into(),
            name: "J. de Vries".into(),
            address: Some(address("Kerkstraat 12", "3511 LK", "Utrecht")),
            date_of_birth: "1980-02-29".into(),
            ..Default::default()
        }),
        invoices,
        notes: String::new(),
    }
}

/// The calls of the mix.
#[derive(Clone, Copy, Debug)]
enum Call {
    GetCase,
    QuoteCase,
    ListCases,
    CreateCase,
    RecordPayment,
}

impl Call {
    /// The `n`th call of the mix (a fixed pattern of 20: 8 get, 4 quote, 3 list, 3 create,
    /// 2 payments).
    fn nth(n: u64) -> Self {
        match n % 20 {
            0..=7 => Self::GetCase,
            8..=11 => Self::QuoteCase,
            12..=14 => Self::ListCases,
            15..=17 => Self::CreateCase,
            _ => Self::RecordPayment,
        }
    }
}

/// The shared state of one run: the case ids to read and pay, a counter for new ones.
struct Mix {
    cases: CaseServiceClient<AuthChannel>,
    ids: Mutex<Vec<String>>,
    next: AtomicU64,
}

impl Mix {
    async fn pick(&self, n: u64) -> String {
        let ids = self.ids.lock().await;
        let i =
            usize::try_from(n.wrapping_mul(2_654_435_761) % ids.len().max(1) as u64).unwrap_or(0);
        ids.get(i).cloned().unwrap_or_default()
    }

    async fn call(&self, call: Call, n: u64) -> Result<(), tonic::Status> {
        let mut cases = self.cases.clone();
        match call {
            Call::GetCase => {
                let case_id = self.pick(n).await;
                cases.get_case(pb::GetCaseRequest { case_id }).await?;
            }
            Call::QuoteCase => {
                let case_id = self.pick(n).await;
                cases
                    .quote_case(pb::QuoteCaseRequest {
                        case_id,
                        as_of: String::new(),
                    })
                    .await?;
            }
            Call::ListCases => {
                cases
                    .list_cases(pb::ListCasesRequest {
                        client_id: "acme".into(),
                        page_size: 50,
                        ..Default::default()
                    })
                    .await?;
            }
            Call::CreateCase => {
                let k = self.next.fetch_add(1, Ordering::Relaxed);
                let case = cases
                    .create_case(claim(&format!("LOAD-{k:08}"), k))
                    .await?
                    .into_inner();
                self.ids.lock().await.push(case.id);
            }
            Call::RecordPayment => {
                let case_id = self.pick(n).await;
                cases
                    .record_payment(pb::RecordPaymentRequest {
                        case_id,
                        request_id: format!("pay-{n}-{}", self.next.load(Ordering::Relaxed)),
                        payment: Some(pb::Payment {
                            paid_on: "2026-03-01".into(),
                            amount: "1.00".into(),
                            ..Default::default()
                        }),
                    })
                    .await?;
            }
        }
        Ok(())
    }
}

/// Latencies of one window, in microseconds.
#[derive(Default)]
struct Window {
    micros: Vec<u64>,
    errors: u64,
    first_error: Option<String>,
}

impl Window {
    fn percentile(&self, p: f64) -> f64 {
        if self.micros.is_empty() {
            return f64::NAN;
        }
        let mut sorted = self.micros.clone();
        sorted.sort_unstable();
        let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted[i] as f64 / 1000.0
    }
}

/// Runs the mix at `rate` calls a second for `seconds`, open loop; returns the window.
async fn run_at(mix: &Arc<Mix>, rate: u32, seconds: u64, start_n: u64) -> Window {
    let window = Arc::new(std::sync::Mutex::new(Window::default()));
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let total = u64::from(rate) * seconds;
    let mut running = tokio::task::JoinSet::new();
    for n in start_n..start_n + total {
        ticks.tick().await;
        let mix = mix.clone();
        let window = window.clone();
        running.spawn(async move {
            let started = Instant::now();
            let outcome = mix.call(Call::nth(n), n).await;
            let took = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
            let mut w = window.lock().unwrap_or_else(|p| p.into_inner());
            match outcome {
                Ok(()) => w.micros.push(took),
                Err(status) => {
                    w.errors += 1;
                    w.first_error.get_or_insert_with(|| {
                        format!("{:?}: {}", status.code(), status.message())
                    });
                }
            }
        });
        while running.try_join_next().is_some() {}
    }
    while running.join_next().await.is_some() {}
    Arc::try_unwrap(window)
        .ok()
        .map(|m| m.into_inner().unwrap_or_else(|p| p.into_inner()))
        .unwrap_or_default()
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// The server's resident memory (MiB), open file descriptors and sockets among them.
fn sample(pid: u32) -> (f64, usize, usize) {
    let rss = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0);
    let (mut fds, mut sockets) = (0, 0);
    if let Ok(entries) = std::fs::read_dir(format!("/proc/{pid}/fd")) {
        for entry in entries.flatten() {
            fds += 1;
            if std::fs::read_link(entry.path())
                .is_ok_and(|t| t.to_string_lossy().starts_with("socket:"))
            {
                sockets += 1;
            }
        }
    }
    (rss, fds, sockets)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let a = args()?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let url = a
        .url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("load.db").display()));
    let server = start_server(&a, &url).await?;
    let pid = server.child.id();
    let mix = Arc::new(Mix {
        cases: CaseServiceClient::new(server.channel.clone()),
        ids: Mutex::new(Vec::new()),
        next: AtomicU64::new(0),
    });
    for n in 0..a.cases as u64 {
        mix.call(Call::CreateCase, n)
            .await
            .map_err(|e| format!("seeding: {e}"))?;
    }
    println!("exploot {} on {url}; {} cases seeded", a.exploot, a.cases);
    println!("| rate/s | calls | errors | p50 ms | p99 ms | max ms | load avg |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut n = 1_000_000;
    for &rate in &a.rates {
        let w = run_at(&mix, rate, a.seconds, n).await;
        n += u64::from(rate) * a.seconds;
        println!(
            "| {rate} | {} | {} | {:.2} | {:.2} | {:.2} | {} |",
            w.micros.len(),
            w.errors,
            w.percentile(0.5),
            w.percentile(0.99),
            w.percentile(1.0),
            loadavg()
        );
        if let Some(e) = w.first_error {
            println!("  first error: {e}");
        }
    }
    if let Some(rate) = a.soak_rate {
        println!(
            "\nsoak at {rate}/s for {} min, one row a minute:",
            a.soak_minutes
        );
        println!(
            "| minute | calls | errors | p50 ms | p99 ms | RSS MiB | fds | sockets | load avg |"
        );
        println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        let (rss, fds, sockets) = sample(pid);
        println!(
            "| 0 | | | | | {rss:.1} | {fds} | {sockets} | {} |",
            loadavg()
        );
        for minute in 1..=a.soak_minutes {
            let w = run_at(&mix, rate, 60, n).await;
            n += u64::from(rate) * 60;
            let (rss, fds, sockets) = sample(pid);
            println!(
                "| {minute} | {} | {} | {:.2} | {:.2} | {rss:.1} | {fds} | {sockets} | {} |",
                w.micros.len(),
                w.errors,
                w.percentile(0.5),
                w.percentile(0.99),
                loadavg()
            );
        }
    }
    drop(server);
    Ok(())
}
