//! Search benchmark (issue 17): N generated cases written through the import's write path
//! (`store::import::NewRows`, which stores every case's search keys as `CreateCase`
//! does), then searches by each key, timed one by one as the desk's RPC runs them
//! (`store::search::search`, page of 50, the cases assembled), p50/p99/max per key.
//!
//! ```text
//! cargo run --release --example search_bench -- --database-url URL [--cases 1000000] \
//!     [--queries 500] [--seed 17]
//! ```
//!
//! The database must be empty (a fresh `createdb`, or a new SQLite path). Names are drawn
//! from 40 first names and 4,000 generated surnames, a third with a tussenvoegsel, so a
//! surname matches about 250 cases in a million; a random debtor's postcode and house
//! number, birth date and IBAN are searched exactly.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use exploot::case::search::{NameQuery, SearchQuery, address, birth, compact, house_number, kind};
use exploot::case::{
    Address, Claim, Client, ClientId, Debtor, Iban, Invoice, NewCase, PaymentReference, Stage,
    Suspension, TrackPolicy,
};
use exploot::clock::{Clock, SystemClock};
use exploot::law::money::Money;
use exploot::store::import::{ImportedCase, ImportedEvent, NewRows};
use exploot::store::search::search;
use exploot::store::{Store, StoreError, transaction};

/// How a search of one key is built from a sampled debtor.
type QueryOf = fn(&Debtor) -> SearchQuery;

struct Args {
    url: String,
    cases: usize,
    queries: usize,
    seed: u64,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        url: String::new(),
        cases: 1_000_000,
        queries: 500,
        seed: 17,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
        match flag.as_str() {
            "--database-url" => a.url = value,
            "--cases" => a.cases = value.parse().map_err(|e| bad(&e))?,
            "--queries" => a.queries = value.parse().map_err(|e| bad(&e))?,
            "--seed" => a.seed = value.parse().map_err(|e| bad(&e))?,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if a.url.is_empty() {
        return Err("--database-url is required".into());
    }
    Ok(a)
}

/// xorshift64*: reproducible draws without a dependency.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
}

const FIRST: [&str; 40] = [
    "Jan", "Piet", "Klaas", "Kees", "Henk", "Willem", "Johan", "Sander", "Bram", "Daan", "Sem",
    "Lucas", "Finn", "Thijs", "Ruben", "Jesse", "Noah", "Milan", "Luuk", "Ömer", "Anna", "Emma",
    "Sophie", "Julia", "Lotte", "Fleur", "Sanne", "Iris", "Noor", "Eva", "Zoë", "Chloë", "Inès",
    "Lieke", "Femke", "Marieke", "Anouk", "Esther", "Fatima", "Renée",
];
const STEMS: [&str; 40] = [
    "berg", "bosch", "dijk", "veld", "hof", "kamp", "straat", "meer", "broek", "wijk", "horst",
    "burg", "mond", "zand", "heuvel", "laan", "water", "bos", "huis", "molen", "brink", "hout",
    "stee", "waard", "akker", "beek", "donk", "gaard", "hoek", "kerk", "loo", "rade", "schot",
    "ven", "voort", "weg", "winkel", "zijl", "ham", "koop",
];
const HEADS: [&str; 100] = [
    "Jans", "Peters", "Vis", "Smit", "Bakk", "Mul", "Dek", "Brou", "Mei", "Hoek", "Kok", "Vos",
    "Wit", "Zwart", "Groen", "Bruin", "Roo", "Bos", "Berg", "Dijk", "Ven", "Graaf", "Kuip", "Wolf",
    "Haan", "Boer", "Koning", "Prins", "Hert", "Leeuw", "Valk", "Kraai", "Duif", "Zwaan", "Hol",
    "Brink", "Lange", "Korte", "Hooge", "Lage", "Nieuw", "Oude", "Oost", "West", "Noord", "Zuid",
    "Ber", "Wal", "Hul", "Ros", "Mart", "Hend", "Gerrit", "Dirk", "Klaas", "Pauw", "Bleek", "Ruyt",
    "Vree", "Stap", "Steen", "Rot", "Ham", "Schel", "Spoor", "Vaar", "Veen", "Laar", "Mol", "Nooi",
    "Pol", "Rijn", "Sloot", "Tol", "Uijl", "Vliet", "Wouters", "IJssel", "Zee", "Aker", "Boek",
    "Clerc", "Duin", "Eik", "Fokker", "Goud", "Horn", "Ike", "Jong", "Kamp", "Linde", "Maas",
    "Nijs", "Ouwe", "Plas", "Quak", "Rust", "Sikkel", "Terp", "Ulder",
];
const PARTICLES: [&str; 5] = ["de", "van", "van der", "van den", "ter"];

/// Surname number `n` of 4,000: a head and a stem.
fn surname(n: usize) -> String {
    format!(
        "{}{}",
        HEADS[n % HEADS.len()],
        STEMS[n / HEADS.len() % STEMS.len()]
    )
}

/// A Dutch IBAN with valid check digits for account `account`.
fn iban(account: u64) -> Iban {
    let bban = format!("ABNA{:010}", account % 10_000_000_000);
    // Rearranged: BBAN + "NL00", letters as 10 … 35; the check digits are 98 - mod 97.
    let rearranged: String = format!("{bban}NL00")
        .chars()
        .map(|c| c.to_digit(36).map_or_else(String::new, |d| d.to_string()))
        .collect();
    let remainder = rearranged
        .bytes()
        .fold(0u32, |acc, b| (acc * 10 + u32::from(b - b'0')) % 97);
    Iban::parse(&format!("NL{:02}{bban}", 98 - remainder)).expect("a valid IBAN")
}

/// The debtor of generated case `n`.
fn debtor(draw: &mut Draw) -> Debtor {
    let first = FIRST[draw.below(FIRST.len())];
    let family = surname(draw.below(HEADS.len() * STEMS.len()));
    let prefix = if draw.below(3) == 0 {
        PARTICLES[draw.below(PARTICLES.len())]
    } else {
        ""
    };
    let name = if prefix.is_empty() {
        format!("{first} {family}")
    } else {
        format!("{first} {prefix} {family}")
    };
    let mut pair = [
        b'A' + u8::try_from(draw.below(26)).unwrap_or(0),
        b'A' + u8::try_from(draw.below(26)).unwrap_or(0),
    ];
    // PostNL gives out no SA, SD or SS.
    if matches!(&pair, b"SA" | b"SD" | b"SS") {
        pair[0] = b'T';
    }
    let postcode = format!(
        "{} {}{}",
        1000 + draw.below(9000),
        char::from(pair[0]),
        char::from(pair[1]),
    );
    let born = NaiveDate::from_ymd_opt(1940, 1, 1).expect("date")
        + chrono::Days::new(draw.next() % 25_000);
    let mut debtor = Debtor::consumer(
        &name,
        &family,
        prefix,
        Some(born),
        Address::nl(
            &format!("Dorpsstraat {}", 1 + draw.below(300)),
            &postcode,
            "Utrecht",
        ),
    );
    debtor.iban = Some(iban(draw.next()));
    debtor
}

fn imported(n: usize, debtor: Debtor, policy_version: i64, draw: &mut Draw) -> ImportedCase {
    let now = SystemClock.now();
    let case = NewCase {
        id: format!("s{n:08}"),
        claim: Claim {
            client_id: ClientId::parse("bench").expect("id"),
            client_reference: format!("R-{n}"),
            debtor,
            invoices: vec![Invoice {
                number: format!("F-{n}"),
                invoice_date: None,
                due_date: NaiveDate::from_ymd_opt(2026, 3, 31).expect("date"),
                amount: Money::from_cents(100_000),
            }],
            notes: String::new(),
        },
        payment_reference: PaymentReference::issue(|| draw.next()),
        received_at: now,
        accepted_on: NaiveDate::from_ymd_opt(2026, 5, 4).expect("date"),
        policy_version,
        warnings: Vec::new(),
    };
    ImportedCase {
        case,
        content_hash: format!("bench{n}"),
        stage: Stage::Intake,
        suspension: Suspension::None,
        close_reason: None,
        close_note: String::new(),
        version: 1,
        events: vec![ImportedEvent {
            kind: "case_created".into(),
            stage: Stage::Intake,
            suspension: Suspension::None,
            reason: "benchmark".into(),
            payload: "{}".into(),
        }],
    }
}

fn percentiles(mut times: Vec<Duration>) -> String {
    times.sort_unstable();
    let at = |q: f64| {
        let i = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1;
        times[i].as_secs_f64() * 1000.0
    };
    format!(
        "p50 {:6.2} ms  p99 {:6.2} ms  max {:6.2} ms",
        at(0.50),
        at(0.99),
        at(1.0)
    )
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), String> {
    let a = args()?;
    let store = Store::open(&a.url, 4).map_err(|e| e.to_string())?;
    store.migrate().map_err(|e| e.to_string())?;
    let policy_version = store
        .run(|conn| {
            let now = SystemClock.now();
            exploot::store::clients::put(
                conn,
                &Client {
                    id: ClientId::parse("bench").expect("id"),
                    name: "Benchmark client".into(),
                    kvk_number: None,
                    iban: None,
                    address: Address::default(),
                    email: String::new(),
                    vat_deductible: true,
                    natural_person: false,
                },
                now,
            )?;
            Ok::<_, StoreError>(
                exploot::store::clients::put_policy(conn, "bench", &TrackPolicy::default(), now)?
                    .version,
            )
        })
        .await
        .map_err(|e| e.to_string())?;

    // Generate and write in batches of 5,000 (one transaction each).
    let started = Instant::now();
    let mut draw = Draw(a.seed.max(1));
    let mut samples: Vec<Debtor> = Vec::new();
    let mut n = 0;
    while n < a.cases {
        let end = (n + 5_000).min(a.cases);
        let batch: Vec<ImportedCase> = (n..end)
            .map(|i| {
                let d = debtor(&mut draw);
                if i % (a.cases / a.queries.max(1)).max(1) == 0 {
                    samples.push(d.clone());
                }
                imported(i, d, policy_version, &mut draw)
            })
            .collect();
        store
            .run(move |conn| {
                transaction(conn, |conn| {
                    NewRows::build(&batch, &[], "bench", SystemClock.now())?.insert(conn)
                })
            })
            .await
            .map_err(|e: StoreError| e.to_string())?;
        n = end;
        if n % 100_000 == 0 {
            eprintln!("{n} cases in {:.0?}", started.elapsed());
        }
    }
    eprintln!("{} cases written in {:.1?}", a.cases, started.elapsed());

    // Each key kind, one search per sampled debtor.
    let kinds: [(&str, QueryOf); 5] = [
        ("surname", |d| SearchQuery {
            name: NameQuery::parse(&d.family_name),
            ..SearchQuery::default()
        }),
        ("full name", |d| SearchQuery {
            name: NameQuery::parse(&d.name),
            ..SearchQuery::default()
        }),
        ("postcode + house number", |d| SearchQuery {
            keys: vec![(
                kind::ADDRESS,
                address(&d.address.postcode, &house_number(&d.address.street)),
            )],
            ..SearchQuery::default()
        }),
        ("date of birth", |d| SearchQuery {
            keys: vec![(kind::BIRTH, birth(d.date_of_birth.expect("born")))],
            ..SearchQuery::default()
        }),
        ("IBAN", |d| SearchQuery {
            keys: vec![(kind::IBAN, compact(d.iban.as_ref().expect("iban").as_str()))],
            ..SearchQuery::default()
        }),
    ];
    println!(
        "{} cases, {} searches per key, page of 50 (backend {})",
        a.cases,
        samples.len(),
        store.backend().system_name()
    );
    for (label, build) in kinds {
        let mut times = Vec::with_capacity(samples.len());
        let mut hits = 0;
        for d in &samples {
            let query = build(d);
            let began = Instant::now();
            let (found, _) = store
                .run(move |conn| search(conn, &query, None, 50))
                .await
                .map_err(|e: StoreError| e.to_string())?;
            times.push(began.elapsed());
            hits += found.len();
        }
        println!(
            "{label:<24} {}  ({:.1} hits a search)",
            percentiles(times),
            hits as f64 / samples.len().max(1) as f64
        );
    }
    Ok(())
}
