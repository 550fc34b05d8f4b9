//! The real register clients against the fake KvK and insolvency servers: every verdict
//! path over the wire, retries, a register that is down, malformed answers, the circuit
//! breaker, the database cache, and the exact request the KvK test environment expects.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use exploot::case::recoverability::{ReasonCode, TradeLookup, VerdictKind};
use exploot::case::{Address, Debtor, KvkNumber};
use exploot::clock::{Clock, ManualClock};
use exploot::registry::{
    BreakerPolicy, CirConfig, KvkConfig, KvkQuery, LookupError, Registers, Registry, RetryPolicy,
};
use exploot::store::Store;

use crate::harness::fake_registers::{CIR_PASSWORD, CIR_USER, FakeRegister, Fault, KVK_TEST_KEY};
use crate::harness::{TestDb, on_both_backends, server::default_start};

/// Both fakes and a registry of real clients pointed at them.
struct Setup {
    kvk: FakeRegister,
    cir: FakeRegister,
    registry: Registry,
    clock: ManualClock,
    _db: Option<TestDb>,
}

/// Short timeouts and backoffs so misbehaviour costs milliseconds.
fn quick() -> Registers {
    Registers {
        timeout: Duration::from_millis(400),
        retry: RetryPolicy {
            attempts: 3,
            first_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        },
        ..Registers::default()
    }
}

impl Setup {
    async fn new(db: Option<TestDb>, registers: Registers) -> Self {
        let kvk = FakeRegister::kvk().await;
        let cir = FakeRegister::insolvency().await;
        let registers = Registers {
            kvk: Some(KvkConfig {
                base_url: kvk.kvk_base_url(),
                api_key: KVK_TEST_KEY.into(),
            }),
            insolvency: Some(CirConfig {
                url: cir.cir_url(),
                username: CIR_USER.into(),
                password: CIR_PASSWORD.into(),
            }),
            ..registers
        };
        let store = match &db {
            None => None,
            Some(db) => {
                let url = db.url.clone();
                Some(
                    tokio::task::spawn_blocking(move || {
                        let store = Store::open(&url, 2).expect("open store");
                        store.migrate().expect("migrate");
                        store
                    })
                    .await
                    .expect("store task"),
                )
            }
        };
        let clock = ManualClock::new(default_start());
        let registry = registers
            .build(store, Arc::new(clock.clone()) as Arc<dyn Clock>)
            .expect("registers");
        Self {
            kvk,
            cir,
            registry,
            clock,
            _db: db,
        }
    }

    fn counts(&self) -> (usize, usize) {
        (self.kvk.count(), self.cir.count())
    }
}

fn business(kvk: Option<&str>, name: &str, postcode: &str, city: &str) -> Debtor {
    let kvk = kvk.map(|k| KvkNumber::parse(k).unwrap());
    Debtor::business(name, kvk, Address::nl("", postcode, city))
}

fn person(surname: &str, prefix: &str, born: &str) -> Debtor {
    let born = NaiveDate::parse_from_str(born, "%Y-%m-%d").unwrap();
    let address = Address::nl("", "1016 GV", "Amsterdam");
    Debtor::consumer("P. de Vries", surname, prefix, Some(born), address)
}

fn dagobert() -> Debtor {
    business(
        Some("69599084"),
        "Test EMZ Dagobert",
        "1034 WL",
        "Amsterdam",
    )
}

#[tokio::test]
async fn every_verdict_path_over_the_wire() {
    let setup = Setup::new(None, quick()).await;
    let cases = [
        (dagobert(), VerdictKind::Proceed, ReasonCode::NothingFound),
        (
            business(None, "Test EMZ Dagobert", "1034WL", "Amsterdam"),
            VerdictKind::Proceed,
            ReasonCode::NothingFound,
        ),
        (
            business(
                Some("90000000"),
                "Opgeheven Test B.V.",
                "3511 AA",
                "Utrecht",
            ),
            VerdictKind::Review,
            ReasonCode::Dissolved,
        ),
        (
            business(Some("99098123"), "Company B.V.", "2012 ES", "Haarlem"),
            VerdictKind::Stop,
            ReasonCode::InsolvencyActive,
        ),
        (
            business(Some("99098131"), "Uitstel Test B.V.", "3500 AC", "Utrecht"),
            VerdictKind::Stop,
            ReasonCode::InsolvencyActive,
        ),
        (
            business(None, "Company B.V.", "2012 ES", "Haarlem"),
            VerdictKind::Review,
            ReasonCode::InsolvencyNameMatch,
        ),
        (
            business(Some("12345678"), "Onbekend B.V.", "1011 AB", "Amsterdam"),
            VerdictKind::Review,
            ReasonCode::NotInTradeRegister,
        ),
        (
            business(None, "Onbekend B.V.", "1011 AB", "Amsterdam"),
            VerdictKind::Review,
            ReasonCode::NotInTradeRegister,
        ),
        (
            business(Some("69599084"), "Test EMZ Dagobert", "9999 ZZ", "Elders"),
            VerdictKind::Review,
            ReasonCode::AddressDiffers,
        ),
        (
            person("Vries", "de", "1975-03-14"),
            VerdictKind::Stop,
            ReasonCode::InsolvencyActive,
        ),
        (
            person("Bakker", "", "1968-11-02"),
            VerdictKind::Review,
            ReasonCode::InsolvencyEnded,
        ),
        (
            person("Jansen", "", "1980-01-01"),
            VerdictKind::Proceed,
            ReasonCode::NothingFound,
        ),
    ];
    for (debtor, kind, reason) in cases {
        let findings = setup.registry.check(&debtor).await.expect("lookup");
        let verdict = findings.verdict(&debtor);
        let what = format!("{} {:?}: {verdict:?}", debtor.name, debtor.kvk_number);
        assert_eq!(verdict.kind, kind, "{what}");
        assert_eq!(verdict.reasons[0].code, reason, "{what}");
        // Evidence is the registers' own answers, received over the wire.
        assert!(!findings.evidence.is_empty(), "{what}");
        for e in &findings.evidence {
            assert!(
                ["kvk", "insolvency"].contains(&e.register.as_str()),
                "{e:?}"
            );
            assert!(!e.from_cache);
            assert!(!e.request.contains(CIR_PASSWORD), "{e:?}");
            assert!(!e.request.contains(KVK_TEST_KEY), "{e:?}");
        }
    }
    // The stops name whom to file the claim with, as the register gives it.
    let debtor = person("Vries", "de", "1975-03-14");
    let verdict = setup
        .registry
        .check(&debtor)
        .await
        .unwrap()
        .verdict(&debtor);
    let administrator = verdict.administrator.expect("bewindvoerder");
    assert_eq!(administrator.name, "mr. A. van Beek");
    assert_eq!(administrator.address.street, "Keizersgracht 100");
    assert_eq!(verdict.insolvency_number.as_deref(), Some("R.13/25/88"));
    let debtor = business(Some("99098131"), "Uitstel Test B.V.", "3500 AC", "Utrecht");
    let findings = setup.registry.check(&debtor).await.unwrap();
    assert!(findings.evidence.iter().any(|e| {
        e.operation == "getCase"
            && e.body
                .contains("<insolventienummer>S.16/26/12</insolventienummer>")
    }));
    assert_eq!(
        findings
            .verdict(&debtor)
            .administrator
            .unwrap()
            .address
            .street,
        "Maliebaan 50 A"
    );
}

#[tokio::test]
async fn the_kvk_test_environment_gets_exactly_the_recorded_request() {
    let setup = Setup::new(None, quick()).await;
    let number = KvkQuery::Number(KvkNumber::parse("69599084").unwrap());
    let answer = setup.registry.trade().lookup(&number).await.unwrap();
    assert!(matches!(answer.value, TradeLookup::Found(ref r) if r.name == "Test EMZ Dagobert"));

    let requests = setup.kvk.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    // As recorded against https://api.kvk.nl/test/api (registers.md §1).
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/test/api/v1/basisprofielen/69599084");
    assert_eq!(request.header("apikey"), Some(KVK_TEST_KEY));
    assert_eq!(request.header("accept"), Some("application/hal+json"));
    assert_eq!(
        answer.evidence[0].request,
        format!(
            "GET {}/v1/basisprofielen/69599084",
            setup.kvk.kvk_base_url()
        )
    );

    let by_name = KvkQuery::NameAndPlace {
        name: "Test EMZ Dagobert".into(),
        place: "Amsterdam".into(),
    };
    let answer = setup.registry.trade().lookup(&by_name).await.unwrap();
    assert!(matches!(answer.value, TradeLookup::Found(_)));
    let requests = setup.kvk.requests();
    assert_eq!(
        requests.len(),
        3,
        "zoeken, then the basisprofiel of the one match"
    );
    let search = &requests[1];
    assert_eq!(search.path(), "/test/api/v2/zoeken");
    assert_eq!(
        search.query(),
        [
            ("naam".to_owned(), "Test EMZ Dagobert".to_owned()),
            ("plaats".to_owned(), "Amsterdam".to_owned()),
            (
                "inclusiefInactieveRegistraties".to_owned(),
                "true".to_owned()
            ),
        ]
    );
    assert_eq!(search.header("apikey"), Some(KVK_TEST_KEY));
    assert_eq!(requests[2].target, "/test/api/v1/basisprofielen/69599084");
}

#[tokio::test]
async fn the_insolvency_register_gets_a_soap_1_1_request_with_ws_security() {
    let setup = Setup::new(None, quick()).await;
    setup
        .registry
        .check(&business(
            Some("99098123"),
            "Company B.V.",
            "2012 ES",
            "Haarlem",
        ))
        .await
        .unwrap();
    let requests = setup.cir.requests();
    let operations: Vec<String> = requests
        .iter()
        .map(|r| {
            let envelope = exploot::registry::xml::parse(&r.body).unwrap();
            envelope.child("Body").unwrap().children[0].name.clone()
        })
        .collect();
    assert_eq!(operations, ["searchUndertaking", "getCase"]);
    let search = &requests[0];
    assert_eq!(search.method, "POST");
    assert_eq!(search.target, "/cir.asmx");
    assert_eq!(
        search.header("content-type"),
        Some("text/xml; charset=utf-8")
    );
    assert_eq!(
        search.header("soapaction"),
        Some("\"http://www.rechtspraak.nl/namespaces/cir01/searchUndertaking\"")
    );
    let envelope = exploot::registry::xml::parse(&search.body).unwrap();
    assert_eq!(
        envelope.find("commercialRegisterID").unwrap().text,
        "99098123"
    );
    assert_eq!(
        envelope.find("Action").unwrap().text,
        "http://www.rechtspraak.nl/namespaces/cir01/searchUndertaking"
    );
    assert_eq!(envelope.find("To").unwrap().text, setup.cir.cir_url());
    assert_eq!(
        exploot::registry::xml::parse(&requests[1].body)
            .unwrap()
            .find("publicationNumber")
            .unwrap()
            .text,
        "16.mne.23.100.F.1300.1.00"
    );
}

#[tokio::test]
async fn wrong_credentials_are_refused_not_retried_forever() {
    let setup = Setup::new(None, quick()).await;
    let wrong = Registers {
        kvk: Some(KvkConfig {
            base_url: setup.kvk.kvk_base_url(),
            api_key: "l7xx-not-the-key".into(),
        }),
        ..quick()
    };
    let registry = wrong.build(None, Arc::new(setup.clock.clone())).unwrap();
    let err = registry.check(&dagobert()).await.unwrap_err();
    assert!(
        matches!(err, LookupError::Rejected { status: 401, .. }),
        "{err}"
    );
    assert!(!err.is_transient());
    assert_eq!(setup.kvk.count(), 1, "a 401 is not retried");

    // The insolvency register answers wrong credentials with a SOAP Fault on HTTP 500:
    // a refusal, asked once, not an outage retried until the circuit opens.
    let wrong = Registers {
        kvk: Some(KvkConfig {
            base_url: setup.kvk.kvk_base_url(),
            api_key: KVK_TEST_KEY.into(),
        }),
        insolvency: Some(CirConfig {
            url: setup.cir.cir_url(),
            username: CIR_USER.into(),
            password: "not-the-password".into(),
        }),
        ..quick()
    };
    let registry = wrong.build(None, Arc::new(setup.clock.clone())).unwrap();
    let err = registry.check(&dagobert()).await.unwrap_err();
    assert!(
        matches!(err, LookupError::Rejected { status: 500, .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("could not be authenticated"),
        "{err}"
    );
    assert!(!err.is_transient());
    assert_eq!(setup.cir.count(), 1, "a credentials fault is not retried");
}

#[tokio::test]
async fn a_timeout_then_success_costs_one_retry() {
    let setup = Setup::new(None, quick()).await;
    setup.kvk.fail_next(&[Fault::Slow(Duration::from_secs(3))]);
    setup.cir.fail_next(&[Fault::Drop]);
    let debtor = dagobert();
    let findings = setup
        .registry
        .check(&debtor)
        .await
        .expect("second attempts succeed");
    assert_eq!(findings.verdict(&debtor).kind, VerdictKind::Proceed);
    assert_eq!(
        setup.counts(),
        (2, 2),
        "one retry each: after a timeout, after a dropped connection"
    );
}

#[tokio::test]
async fn a_register_that_is_down_fails_after_the_retries_and_works_when_back() {
    let setup = Setup::new(None, quick()).await;
    setup.cir.always(Some(Fault::ServerError));
    let debtor = person("Vries", "de", "1975-03-14");
    let err = setup.registry.check(&debtor).await.unwrap_err();
    match &err {
        LookupError::Unavailable {
            register,
            attempts,
            last,
        } => {
            assert_eq!(*register, "insolvency");
            assert_eq!(*attempts, 3);
            assert_eq!(last, "HTTP 500");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.is_transient(),
        "the engine retries the job, then opens a review task"
    );
    assert_eq!(setup.cir.count(), 3);

    // Nothing stuck: no failure was cached, the next try asks again and gets the answer.
    setup.cir.always(None);
    let findings = setup.registry.check(&debtor).await.unwrap();
    assert_eq!(findings.verdict(&debtor).kind, VerdictKind::Stop);
    assert_eq!(setup.cir.count(), 5);
}

#[tokio::test]
async fn the_circuit_opens_after_repeated_failures_and_stops_calling() {
    let setup = Setup::new(
        None,
        Registers {
            breaker: BreakerPolicy {
                failures: 2,
                cooldown: Duration::from_secs(3600),
            },
            ..quick()
        },
    )
    .await;
    setup.kvk.always(Some(Fault::ServerError));
    for _ in 0..2 {
        let err = setup.registry.check(&dagobert()).await.unwrap_err();
        assert!(matches!(err, LookupError::Unavailable { .. }), "{err}");
    }
    assert_eq!(setup.kvk.count(), 6);
    let err = setup.registry.check(&dagobert()).await.unwrap_err();
    assert_eq!(err, LookupError::CircuitOpen { register: "kvk" });
    assert!(err.is_transient());
    assert_eq!(setup.kvk.count(), 6, "an open circuit makes no call");
    // The other register has its own circuit.
    setup
        .registry
        .check(&person("Jansen", "", "1980-01-01"))
        .await
        .expect("insolvency register still called");
}

#[tokio::test]
async fn malformed_answers_are_clear_errors_without_retries() {
    let setup = Setup::new(None, quick()).await;
    setup.kvk.fail_next(&[Fault::Malformed]);
    let err = setup.registry.check(&dagobert()).await.unwrap_err();
    assert!(
        matches!(
            err,
            LookupError::Malformed {
                register: "kvk",
                operation: "basisprofiel",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("kvk basisprofiel: malformed answer"),
        "{err}"
    );
    assert!(!err.is_transient());
    assert_eq!(setup.kvk.count(), 1);

    setup.cir.fail_next(&[Fault::Malformed]);
    let err = setup
        .registry
        .check(&person("Vries", "de", "1975-03-14"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            LookupError::Malformed {
                register: "insolvency",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("not XML"), "{err}");

    // A malformed answer is not cached: the next lookup reads a good one.
    let findings = setup.registry.check(&dagobert()).await.unwrap();
    assert_eq!(findings.verdict(&dagobert()).kind, VerdictKind::Proceed);
}

async fn a_second_case_of_the_same_debtor_makes_no_call(db: TestDb) {
    let setup = Setup::new(Some(db.clone()), quick()).await;
    let debtor = business(Some("99098123"), "Company B.V.", "2012 ES", "Haarlem");
    let first = setup.registry.check(&debtor).await.unwrap();
    assert_eq!(
        setup.counts(),
        (1, 2),
        "basisprofiel; searchUndertaking and getCase"
    );
    assert!(first.evidence.iter().all(|e| !e.from_cache));

    setup
        .clock
        .set(default_start() + chrono::Duration::hours(23));
    let second = setup.registry.check(&debtor).await.unwrap();
    assert_eq!(setup.counts(), (1, 2), "answered from the cache");
    assert!(second.evidence.iter().all(|e| e.from_cache));
    assert_eq!(second.verdict(&debtor), first.verdict(&debtor));
    // The cached evidence is the register's answer as first received, dated then.
    for (a, b) in first.evidence.iter().zip(&second.evidence) {
        assert_eq!(
            (&a.body, a.status, a.fetched_at),
            (&b.body, b.status, b.fetched_at)
        );
    }

    // Not-found is an answer too and is cached; past the TTL the register is asked again.
    let unknown = business(Some("12345678"), "Onbekend B.V.", "1011 AB", "Amsterdam");
    setup.registry.check(&unknown).await.unwrap();
    setup.registry.check(&unknown).await.unwrap();
    assert_eq!(setup.counts(), (2, 3));
    setup
        .clock
        .set(default_start() + chrono::Duration::hours(25));
    setup.registry.check(&debtor).await.unwrap();
    assert_eq!(setup.counts(), (3, 5), "24 hours on, the answers are stale");

    // Another register (say the test environment next to production) shares no answers.
    let other = Setup::new(Some(db), quick()).await;
    other.registry.check(&debtor).await.unwrap();
    assert_eq!(other.counts(), (1, 2));
}
on_both_backends!(a_second_case_of_the_same_debtor_makes_no_call);

/// Before an execution act the insolvency register is asked afresh: an hour after the
/// recoverability check cached "nothing" for the company, a bankruptcy may have been
/// pronounced (art. 33 Fw ends execution that day). The Handelsregister's answer still
/// comes from the cache.
async fn an_execution_act_asks_the_insolvency_register_afresh(db: TestDb) {
    let setup = Setup::new(Some(db), quick()).await;
    let debtor = business(Some("99098123"), "Company B.V.", "2012 ES", "Haarlem");
    let first = setup.registry.check(&debtor).await.unwrap();
    assert_eq!(setup.counts(), (1, 2));

    setup
        .clock
        .set(default_start() + chrono::Duration::hours(1));
    let cached = setup.registry.check(&debtor).await.unwrap();
    assert_eq!(setup.counts(), (1, 2), "the ordinary check: from the cache");
    assert!(cached.evidence.iter().all(|e| e.from_cache));

    let fresh = setup
        .registry
        .check_before_execution(&debtor)
        .await
        .unwrap();
    assert_eq!(
        setup.counts(),
        (1, 4),
        "searchUndertaking and getCase asked again; basisprofiel from the cache"
    );
    let insolvency: Vec<_> = fresh
        .evidence
        .iter()
        .filter(|e| e.register == "insolvency")
        .collect();
    assert_eq!(insolvency.len(), 2);
    assert!(insolvency.iter().all(|e| !e.from_cache));
    assert!(
        insolvency
            .iter()
            .all(|e| e.fetched_at == default_start() + chrono::Duration::hours(1))
    );
    assert_eq!(fresh.verdict(&debtor), first.verdict(&debtor));
}
on_both_backends!(an_execution_act_asks_the_insolvency_register_afresh);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_one_debtor_makes_one_call() {
    let setup = Setup::new(Some(TestDb::sqlite()), quick()).await;
    setup
        .kvk
        .fail_next(&[Fault::Slow(Duration::from_millis(100))]);
    let lookups = (0..50).map(|_| {
        let registry = setup.registry.clone();
        tokio::spawn(async move { registry.check(&dagobert()).await })
    });
    for lookup in lookups.collect::<Vec<_>>() {
        let findings = lookup.await.unwrap().unwrap();
        assert_eq!(findings.verdict(&dagobert()).kind, VerdictKind::Proceed);
    }
    assert_eq!(
        setup.counts(),
        (1, 1),
        "50 concurrent lookups of one debtor, one call each"
    );
}

/// `exploot serve` refuses a register configuration that cannot work, at start, in one line.
#[test]
fn serve_refuses_an_unworkable_register_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("r.db").display());
    let serve = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_exploot"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--database-url",
                &database,
            ])
            .args(extra)
            .env_remove("EXPLOOT_KVK_API_KEY")
            .env_remove("EXPLOOT_INSOLVENCY_USERNAME")
            .env_remove("EXPLOOT_INSOLVENCY_PASSWORD")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{extra:?} should fail");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        stderr.lines().last().unwrap_or_default().to_owned()
    };
    let no_key = serve(&["--kvk-url", "https://api.kvk.nl/test/api"]);
    assert!(no_key.contains("--kvk-url needs --kvk-api-key"), "{no_key}");
    let bad_url = serve(&[
        "--insolvency-url",
        "ftp://webservice.rechtspraak.nl/cir.asmx",
        "--insolvency-username",
        "u",
        "--insolvency-password",
        "p",
    ]);
    assert!(bad_url.contains("is not an http(s) URL"), "{bad_url}");
}

/// What the log sink receives, for checking what the lookup spans carry.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every lookup is a span with the register, the operation and the outcome, and no
/// personal data: no name, no date of birth, no number of the debtor.
#[tokio::test(flavor = "current_thread")]
async fn lookups_are_traced_without_personal_data() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let _on_this_thread = tracing::subscriber::set_default(subscriber);

    let setup = Setup::new(None, quick()).await;
    setup.cir.fail_next(&[Fault::ServerError]);
    let debtor = person("Vries", "de", "1975-03-14");
    setup.registry.check(&debtor).await.unwrap();
    let company = business(Some("99098123"), "Company B.V.", "2012 ES", "Haarlem");
    setup.registry.check(&company).await.unwrap();

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for expected in [
        "registry.lookup",
        "register=\"insolvency\"",
        "operation=\"searchNaturalPerson\"",
        "operation=\"getCase\"",
        "operation=\"basisprofiel\"",
        "attempts=2",
        "outcome=\"ok\"",
        "registry.check",
        "debtor.kind=\"consumer\"",
    ] {
        assert!(log.contains(expected), "{expected} missing from:\n{log}");
    }
    for personal in [
        "Vries",
        "1975-03-14",
        "99098123",
        "Company B.V.",
        "R.13/25/88",
    ] {
        assert!(!log.contains(personal), "{personal} in the log:\n{log}");
    }
}
