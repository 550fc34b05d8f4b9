//! The client portal (issue 18): a real headless Chromium signs in, finds a case, opens
//! it, downloads its letter, approves the summons, uploads 1,000 claims and reads the
//! summary, with axe-core checking every page; plain HTTP checks the security rules
//! (another client's case, CSRF, lockout, headers, sign-out everywhere); and the logs of a
//! portal session carry no debtor data. On both databases.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use exploot::portal::{CONTENT_SECURITY_POLICY, PortalConfig};
use exploot::proto as pb;
use exploot::workflow::{App, Principal, Role};
use serde_json::json;

use crate::harness::browser::{Browser, PAGE_DEADLINE, axe_script};
use crate::harness::{TestDb, TestServer, eventually, fixtures, on_both_backends, traced_runtime};

const PASSWORD: &str = "correct horse battery staple";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// The server with its portal, clients acme and bolt, and three cases on 22 May 2026:
/// acme's S2 (J. de Vries) waits for the summons' approval with its 14-dagenbrief stored,
/// acme's S3 (a business) for a decision after the recoverability check, bolt's B-1 exists.
struct Setup {
    server: TestServer,
    url: String,
    app: App,
    s2: String,
    bolt_case: String,
}

async fn setup(db: &TestDb, secure_cookies: bool) -> Setup {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let server = TestServer::start_configured(
        db,
        at("2026-05-04T08:00:00Z"),
        exploot::registry::Registers::default(),
        move |config| {
            config.portal = Some(PortalConfig {
                listener,
                secure_cookies,
                // The test's requests come from loopback, as from a proxy on this machine.
                trusted_proxies: vec![std::net::Ipv4Addr::LOCALHOST.into()],
            })
        },
    )
    .await;
    fixtures::put_client(&server, "acme").await;
    fixtures::put_client(&server, "bolt").await;
    let mut claim = fixtures::consumer_claim("acme", "S2");
    claim.invoices = vec![pb::Invoice {
        number: "F-1".into(),
        invoice_date: String::new(),
        due_date: "2026-03-31".into(),
        amount: "1825.00".into(),
    }];
    let create = |request: pb::CreateCaseRequest| {
        let mut cases = server.cases();
        async move {
            cases
                .create_case(request)
                .await
                .expect("CreateCase")
                .into_inner()
                .id
        }
    };
    let s2 = create(claim).await;
    create(fixtures::business_claim("acme", "S3", "90000000")).await;
    let bolt_case = create(fixtures::consumer_claim("bolt", "B-1")).await;
    server
        .admin()
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::To(
                prost_types::Timestamp {
                    seconds: at("2026-05-22T08:00:00Z").timestamp(),
                    nanos: 0,
                },
            )),
        })
        .await
        .expect("AdvanceClock");
    let case = server
        .cases()
        .get_case(pb::GetCaseRequest {
            case_id: s2.clone(),
        })
        .await
        .expect("GetCase")
        .into_inner();
    assert_eq!(case.stage, pb::Stage::Summons as i32, "{}", db.backend);
    let app = App::new(server.store.clone(), Arc::new(server.clock.clone()));
    Setup {
        server,
        url,
        app,
        s2,
        bolt_case,
    }
}

impl Setup {
    /// A portal user of `client`, as `exploot user create` makes one.
    async fn user(&self, client: &str, email: &str) -> String {
        self.app
            .create_portal_user("cli:test", client.into(), email.into(), PASSWORD.into())
            .await
            .expect("create a portal user")
            .id
    }

    fn office() -> Principal {
        Principal {
            token_id: "test".into(),
            role: Role::Admin,
            client_id: None,
        }
    }

    /// The stored document of `kind` of case `id`: (document id, bytes).
    async fn document(&self, id: &str, kind: &str) -> (String, Vec<u8>) {
        let page = self
            .app
            .list_documents(&Self::office(), id.into(), None, 100)
            .await
            .expect("documents");
        let meta = page
            .documents
            .into_iter()
            .find(|d| d.kind == kind)
            .unwrap_or_else(|| panic!("no {kind} stored"));
        let (_, bytes) = self
            .app
            .get_document(&Self::office(), meta.id.clone())
            .await
            .expect("the document");
        (meta.id, bytes)
    }

    /// The case's open task of `kind`.
    async fn open_task(&self, case_id: &str, kind: &str) -> Option<pb::Task> {
        crate::harness::walk::open_tasks(&self.server, case_id)
            .await
            .into_iter()
            .find(|t| t.kind == kind)
    }
}

/// 1,000 claims in the import's CSV format, two of them with a negative amount.
fn thousand_claims() -> String {
    let mut csv = String::from(
        "dossiernummer;soort;naam;adres;postcode;plaats;factuurnummer;vervaldatum;bedrag\n",
    );
    for i in 0..1000 {
        let amount = if i == 10 || i == 500 {
            "-15,00"
        } else {
            "125,50"
        };
        csv.push_str(&format!(
            "IMP-{i:04};particulier;Debiteur {i};Dorpsstraat {n};1234 AB;Amersfoort;F-{i};15-03-2026;{amount}\n",
            n = i % 200 + 1
        ));
    }
    csv
}

/// Where screenshots go: `docs/portal/` when `EXPLOOT_PORTAL_SCREENSHOTS` is set (on the
/// SQLite run; the pages are the same on PostgreSQL).
fn screenshot_dir(backend: &str) -> Option<std::path::PathBuf> {
    (std::env::var_os("EXPLOOT_PORTAL_SCREENSHOTS").is_some() && backend == "sqlite")
        .then(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/portal"))
}

/// Checks the page with axe-core and takes its screenshot (a PNG in any case; written
/// when asked).
async fn check_page(browser: &Browser, axe: &str, name: &str, backend: &str) {
    let problems = browser.accessibility_problems(axe).await;
    assert!(problems.is_empty(), "{name}: {problems:#?}");
    let png = browser.screenshot().await;
    assert!(png.starts_with(b"\x89PNG"), "{name}: a PNG");
    if let Some(dir) = screenshot_dir(backend) {
        std::fs::create_dir_all(&dir).expect("docs/portal");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot written");
    }
}

/// Waits until the page has loaded and `script` (an expression) is true.
async fn until(browser: &Browser, what: &str, script: &str) {
    let probe = format!("return document.readyState === 'complete' && !!({script});");
    eventually(what, PAGE_DEADLINE, || {
        let probe = probe.clone();
        async move { (browser.execute(&probe, json!([])).await == json!(true)).then_some(()) }
    })
    .await;
}

async fn in_a_browser(db: TestDb) {
    let setup = setup(&db, false).await;
    let user = setup.user("acme", "anna@acme.example").await;
    let url = &setup.url;
    let axe = axe_script();
    let browser = Browser::start().await;

    // Signed out, a page leads to the sign-in form.
    browser.goto(&format!("{url}/dossiers")).await;
    browser.wait_for_text("h1", "Inloggen").await;
    check_page(&browser, &axe, "sign-in", db.backend).await;
    browser.type_into("#email", "anna@acme.example").await;
    browser.type_into("#password", PASSWORD).await;
    browser.click("form.stack button[type=submit]").await;
    browser.wait_for_text("h1", "Dossiers").await;
    let all = browser.text("tbody").await;
    assert!(
        all.contains("S2") && all.contains("S3") && !all.contains("B-1"),
        "{all}"
    );

    // Find the case by the debtor's name.
    browser.type_into("#q", "vries").await;
    browser.click("form.search button[type=submit]").await;
    until(
        &browser,
        "the search's answer",
        "location.search.indexOf('q=vries') >= 0",
    )
    .await;
    let found = browser.text("tbody").await;
    assert!(found.contains("S2") && !found.contains("S3"), "{found}");
    check_page(&browser, &axe, "cases", db.backend).await;

    // Open it: amounts today, timeline, documents, the decision waiting.
    browser.click("tbody a").await;
    browser.wait_for_text("h1", "Dossier S2").await;
    let page = browser.text("main").await;
    for shown in [
        "Wacht op uw besluit",
        "Dagvaarding goedkeuren",
        "Dossier ontvangen",
        "14-dagenbrief",
        "Totaal open",
    ] {
        assert!(page.contains(shown), "{shown:?} on the case page: {page}");
    }
    check_page(&browser, &axe, "case", db.backend).await;

    // Download the letter: the bytes are the stored document's.
    let (letter, stored) = setup.document(&setup.s2, "fourteen_day_letter").await;
    browser
        .click(&format!("a[href='/documenten/{letter}']"))
        .await;
    let downloaded = browser.downloaded("fourteen_day_letter").await;
    assert!(downloaded.starts_with(b"%PDF"), "a PDF");
    assert_eq!(
        downloaded, stored,
        "the downloaded letter is the stored document"
    );

    // The tasks waiting for the client; approve the summons.
    browser.goto(&format!("{url}/taken")).await;
    browser.wait_for_text("h1", "Taken").await;
    let tasks = browser.text("main").await;
    assert!(tasks.contains("Dagvaarding goedkeuren"), "{tasks}");
    assert!(
        tasks.contains("Besluit na het verhaalsonderzoek"),
        "{tasks}"
    );
    check_page(&browser, &axe, "tasks", db.backend).await;
    let task = setup
        .open_task(&setup.s2, "summons_approval")
        .await
        .expect("the summons waits for approval");
    browser
        .click(&format!(
            "form[action='/taken/{}'] button[value=approve]",
            task.id
        ))
        .await;
    until(&browser, "back on the case, decided", "location.pathname.indexOf('/dossiers/') === 0 && !document.querySelector('section.attention')").await;
    let case = setup
        .server
        .cases()
        .get_case(pb::GetCaseRequest {
            case_id: setup.s2.clone(),
        })
        .await
        .expect("GetCase")
        .into_inner();
    assert!(
        case.summons.expect("summons").approved,
        "approved through the portal"
    );
    assert!(
        setup
            .open_task(&setup.s2, "summons_approval")
            .await
            .is_none()
    );
    let actor = format!("user:{user}/client");
    let events = setup
        .server
        .store
        .run(move |conn| exploot::store::events::list_from(conn, &case.id, 0, 1000))
        .await
        .expect("events");
    assert!(
        events.iter().any(|e| e.actor == actor),
        "the approval is in the audit trail as {actor}: {:?}",
        events
            .iter()
            .map(|e| (&e.kind, &e.actor))
            .collect::<Vec<_>>()
    );

    // The overview: cases by stage, outstanding by the quotes, the payouts (none yet).
    browser.goto(&format!("{url}/overzicht")).await;
    browser.wait_for_text("h1", "Overzicht").await;
    let overview = browser.text("main").await;
    assert!(
        overview.contains("Dagvaarding") && overview.contains("€"),
        "{overview}"
    );
    assert!(overview.contains("Nog geen afdrachten aan u"), "{overview}");
    check_page(&browser, &axe, "overview", db.backend).await;

    // Upload 1,000 claims: the summary, and the two bad rows to download.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("vorderingen.csv");
    std::fs::write(&file, thousand_claims()).expect("CSV written");
    browser.goto(&format!("{url}/import")).await;
    browser.wait_for_text("h1", "Importeren").await;
    check_page(&browser, &axe, "import", db.backend).await;
    browser
        .type_into("#bestand", &file.display().to_string())
        .await;
    browser.click("#upload button[type=submit]").await;
    assert_eq!(browser.wait_for_text("#aangenomen", "998").await, "998");
    assert_eq!(browser.text("#afgewezen").await, "2");
    assert_eq!(
        browser
            .execute(
                "return document.getElementById('voortgang') === null;",
                json!([])
            )
            .await,
        json!(true),
        "the summary replaced the form"
    );
    check_page(&browser, &axe, "import-summary", db.backend).await;
    browser.click("#afwijzingen").await;
    let rejects = String::from_utf8(browser.downloaded("afgewezen").await).expect("UTF-8");
    assert_eq!(rejects.lines().count(), 3, "header and two rows: {rejects}");
    assert!(
        rejects.contains("IMP-0010") && rejects.contains("IMP-0500"),
        "{rejects}"
    );

    // English, and a phone's screen without sideways scrolling.
    browser.goto(&format!("{url}/dossiers")).await;
    browser.click("a[lang=en]").await;
    browser.wait_for_text("h1", "Cases").await;
    browser.click("a[lang=nl]").await;
    browser.wait_for_text("h1", "Dossiers").await;
    browser.resize(390, 844).await;
    browser.goto(&format!("{url}/dossiers/{}", setup.s2)).await;
    browser.wait_for_text("h1", "Dossier S2").await;
    assert_eq!(
        browser
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth;",
                json!([])
            )
            .await,
        json!(true),
        "no sideways scrolling on a phone"
    );
    check_page(&browser, &axe, "case-phone", db.backend).await;

    browser.quit().await;
    setup.server.stop().await;
}
on_both_backends!(in_a_browser);

/// A client over plain HTTP, cookies handled by hand, redirects not followed.
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `name=value` of the cookie `name` a response sets, with its attributes.
fn set_cookie(response: &reqwest::Response, name: &str) -> String {
    header(response, "set-cookie")
        .lines()
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie set"))
        .to_owned()
}

fn pair(cookie: &str) -> String {
    cookie.split(';').next().unwrap_or_default().to_owned()
}

/// The value of the first hidden `csrf` field of a page.
fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    page[at..].split('"').next().unwrap_or_default().to_owned()
}

/// A user's sign-in: the status and the session cookie (`name=value`), if one was set.
async fn sign_in(url: &str, email: &str, password: &str) -> (u16, String, Option<String>) {
    sign_in_via(url, email, password, None).await
}

/// As [`sign_in`], through a proxy that names the browser's address `forwarded_for`.
async fn sign_in_via(
    url: &str,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> (u16, String, Option<String>) {
    let form = http()
        .get(format!("{url}/inloggen"))
        .send()
        .await
        .expect("GET");
    let pre = pair(&set_cookie(&form, "exploot_sign_in"));
    let csrf = csrf_of(&form.text().await.expect("page"));
    let mut post = http()
        .post(format!("{url}/inloggen"))
        .header("cookie", &pre)
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(address) = forwarded_for {
        // A forged entry first, the proxy's own last: only the last counts.
        post = post.header("x-forwarded-for", format!("203.0.113.9, {address}"));
    }
    let answer = post
        .body(format!(
            "csrf={csrf}&email={}&password={}",
            email.replace('@', "%40"),
            password.replace(' ', "+")
        ))
        .send()
        .await
        .expect("POST");
    let status = answer.status().as_u16();
    let session = header(&answer, "set-cookie")
        .lines()
        .find(|c| c.starts_with("exploot_session="))
        .map(str::to_owned);
    let body = answer.text().await.unwrap_or_default();
    (status, body, session)
}

async fn security(db: TestDb) {
    let setup = setup(&db, true).await;
    setup.user("acme", "anna@acme.example").await;
    setup.user("acme", "bob@acme.example").await;
    setup.user("acme", "carol@acme.example").await;
    let url = &setup.url;

    // Headers: a strict CSP without inline anything, no framing, no sniffing.
    let form = http()
        .get(format!("{url}/inloggen"))
        .send()
        .await
        .expect("GET");
    assert_eq!(
        header(&form, "content-security-policy"),
        CONTENT_SECURITY_POLICY
    );
    assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
    assert!(CONTENT_SECURITY_POLICY.contains("script-src 'self'"));
    assert!(CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'"));
    assert_eq!(header(&form, "x-frame-options"), "DENY");
    assert_eq!(header(&form, "x-content-type-options"), "nosniff");
    let pre = set_cookie(&form, "exploot_sign_in");
    for flag in ["HttpOnly", "SameSite=Strict", "Secure"] {
        assert!(pre.contains(flag), "{flag} on {pre}");
    }

    // The language switch goes back to this site only.
    for (back, to) in [
        ("/dossiers", "/dossiers"),
        ("//evil.example", "/"),
        ("/%5Cevil.example", "/"),
        // A tab browsers drop: `/\t/evil.example` would be `//evil.example`.
        ("/%09/evil.example", "/"),
        ("/dossiers?q=de%20vries", "/dossiers?q=de vries"),
    ] {
        let switched = http()
            .get(format!("{url}/taal/en?terug={back}"))
            .send()
            .await
            .expect("GET");
        assert_eq!(header(&switched, "location"), to, "{back}");
    }

    // The sign-in form without its CSRF token: 403, and no session.
    let forged = http()
        .post(format!("{url}/inloggen"))
        .header("cookie", pair(&pre))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "email=anna%40acme.example&password={}",
            PASSWORD.replace(' ', "+")
        ))
        .send()
        .await
        .expect("POST");
    assert_eq!(forged.status().as_u16(), 403);
    assert!(header(&forged, "set-cookie").is_empty());

    // Signed in: the session cookie's flags.
    let (status, _, session) = sign_in(url, "anna@acme.example", PASSWORD).await;
    assert_eq!(status, 303);
    let session = session.expect("a session cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(session.contains(flag), "{flag} on the session cookie");
    }
    let anna = pair(&session);
    let get = |path: String, cookie: String| async move {
        let r = http()
            .get(format!("{url}{path}"))
            .header("cookie", cookie)
            .send()
            .await
            .expect("GET");
        (r.status().as_u16(), r.text().await.expect("body"))
    };
    let (status, cases) = get("/dossiers".into(), anna.clone()).await;
    assert_eq!(status, 200);
    assert!(
        cases.contains("S2") && !cases.contains("B-1"),
        "only acme's cases"
    );
    // The debtor J. de Vries however the client writes the name: with the tussenvoegsel
    // first or last, in capitals or with an accent.
    for q in ["de%20Vries", "Vries%2C%20de", "VRIES", "de%20Vri%C3%ABs"] {
        let (_, found) = get(format!("/dossiers?q={q}"), anna.clone()).await;
        let found = found.split("<tbody").nth(1).unwrap_or_default();
        assert!(
            found.contains("S2") && !found.contains("S3"),
            "{q}: {found}"
        );
    }
    // LIKE's wildcards and a digit or two are text to find, not every case.
    for q in ["_", "%25", "1", "a_b"] {
        let (_, found) = get(format!("/dossiers?q={q}"), anna.clone()).await;
        let found = found.split("<tbody").nth(1).unwrap_or_default();
        assert!(!found.contains("S2"), "{q}: {found}");
    }

    // Another client's case: the words of a missing page.
    let (status, other) = get(format!("/dossiers/{}", setup.bolt_case), anna.clone()).await;
    let (missing_status, missing) = get(
        "/dossiers/00000000-0000-7000-8000-000000000000".into(),
        anna.clone(),
    )
    .await;
    assert_eq!((status, missing_status), (404, 404));
    assert_eq!(
        other, missing,
        "another client's case reads as a missing one"
    );
    let (bolt_letter, _) = setup
        .document(&setup.bolt_case, "fourteen_day_letter")
        .await;
    let (status, other_document) = get(format!("/documenten/{bolt_letter}"), anna.clone()).await;
    assert_eq!(status, 404);
    assert_eq!(other_document, missing);

    // A decision without the session's CSRF token (or with another): 403, nothing done.
    let task = setup
        .open_task(&setup.s2, "summons_approval")
        .await
        .expect("the summons waits");
    for body in [
        "outcome=approve".to_owned(),
        "outcome=approve&csrf=forged".to_owned(),
    ] {
        let answer = http()
            .post(format!("{url}/taken/{}", task.id))
            .header("cookie", &anna)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("POST");
        assert_eq!(answer.status().as_u16(), 403);
    }
    assert!(
        setup
            .open_task(&setup.s2, "summons_approval")
            .await
            .is_some()
    );
    // Decided twice (a colleague was first, or a second click): a page in Dutch that
    // names no internal id.
    let (_, page) = get(format!("/dossiers/{}", setup.s2), anna.clone()).await;
    let csrf = csrf_of(&page);
    let decide = |outcome: &str| {
        http()
            .post(format!("{url}/taken/{}", task.id))
            .header("cookie", &anna)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("outcome={outcome}&csrf={csrf}"))
            .send()
    };
    assert_eq!(
        decide("approve").await.expect("POST").status().as_u16(),
        303
    );
    let again = decide("reject").await.expect("POST");
    assert_eq!(again.status().as_u16(), 409);
    let page = again.text().await.expect("body");
    assert!(page.contains("Laad de pagina opnieuw"), "{page}");
    assert!(
        !page.contains(&task.id) && !page.contains("task "),
        "{page}"
    );

    // Five wrong passwords lock the user: even the right one is refused then.
    for attempt in 1..=4 {
        let (status, page, session) = sign_in(url, "bob@acme.example", "wrong password!").await;
        assert_eq!(status, 401, "attempt {attempt}");
        assert!(session.is_none() && page.contains("horen niet bij elkaar"));
    }
    let (status, page, _) = sign_in(url, "bob@acme.example", "wrong password!").await;
    assert_eq!(status, 403);
    assert!(page.contains("geblokkeerd"), "{page}");
    let (status, page, session) = sign_in(url, "bob@acme.example", PASSWORD).await;
    assert_eq!(status, 403);
    assert!(session.is_none() && page.contains("geblokkeerd"));
    // Five wrong passwords at once count five times: locked all the same.
    let wrong = || sign_in(url, "carol@acme.example", "wrong password!");
    let _ = tokio::join!(wrong(), wrong(), wrong(), wrong(), wrong());
    let (status, page, session) = sign_in(url, "carol@acme.example", PASSWORD).await;
    assert_eq!(status, 403, "{page}");
    assert!(session.is_none() && page.contains("geblokkeerd"));
    // Sign-ins are limited per address and account: carol's go on until they are refused,
    // and anna, from the same address (as behind a proxy), still signs in.
    let mut limited = false;
    for _ in 0..30 {
        let (status, _, _) = sign_in(url, "carol@acme.example", "wrong password!").await;
        if status == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "carol's attempts are limited");
    // Behind the trusted proxy, each browser's address has its own limit: carol's at one
    // address runs out, carol at another (a colleague's desk) is still heard.
    let mut limited = false;
    for _ in 0..30 {
        let (status, _, _) = sign_in_via(
            url,
            "carol@acme.example",
            "wrong password!",
            Some("10.0.0.1"),
        )
        .await;
        if status == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "carol's attempts from 10.0.0.1 are limited");
    let (status, _, _) = sign_in_via(
        url,
        "carol@acme.example",
        "wrong password!",
        Some("10.0.0.2"),
    )
    .await;
    assert_ne!(status, 429, "another address is not");
    // Attempts still being checked count before their passwords are: with five of dave's
    // wrong guesses in flight, his right password is not even checked.
    let dave = setup.user("acme", "dave@acme.example").await;
    // The server's clock (this test's `App` keeps the harness' own).
    let now = setup
        .server
        .admin()
        .get_clock(pb::GetClockRequest {})
        .await
        .expect("GetClock")
        .into_inner()
        .now
        .expect("now");
    let at = chrono::DateTime::from_timestamp(now.seconds, 0).expect("a time");
    let in_flight: Vec<Option<i32>> = setup
        .app
        .store()
        .run(move |conn| {
            (0..6)
                .map(|_| {
                    exploot::store::portal::reserve_attempt(
                        conn,
                        &dave,
                        at,
                        5,
                        chrono::Duration::minutes(15),
                    )
                })
                .collect::<Result<_, _>>()
        })
        .await
        .expect("reserve");
    assert_eq!(
        in_flight,
        [Some(1), Some(2), Some(3), Some(4), Some(5), None]
    );
    let (status, page, session) = sign_in(url, "dave@acme.example", PASSWORD).await;
    assert_eq!(status, 403, "{page}");
    assert!(session.is_none());
    let (status, _, session) = sign_in(url, "anna@acme.example", PASSWORD).await;
    assert_eq!(status, 303);
    assert!(session.is_some());

    // Paging: 30 more cases make two pages of 25. A case added after page 1 was read does
    // not bring a row of page 1 back onto page 2 (pages start from a case, not at a row
    // count), and "Vorige" leads back to the same first page.
    for i in 0..30 {
        setup
            .server
            .cases()
            .create_case(fixtures::consumer_claim("acme", &format!("P-{i:02}")))
            .await
            .expect("CreateCase");
    }
    let references = |page: &str| -> Vec<String> {
        page.split("<tbody")
            .nth(1)
            .unwrap_or_default()
            .split("</tbody>")
            .next()
            .unwrap_or_default()
            .split("</a>")
            .filter_map(|cell| cell.rsplit('>').next())
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let next_link = |page: &str, rel: &str| -> String {
        let marker = format!("rel=\"{rel}\"");
        let before = page.split(&marker).next().unwrap_or_default();
        let href = before.rsplit("href=\"").next().unwrap_or_default();
        href.split('"')
            .next()
            .unwrap_or_default()
            .replace("&amp;", "&")
    };
    let (_, first) = get("/dossiers".into(), anna.clone()).await;
    let page_one = references(&first);
    assert_eq!(page_one.len(), 25, "{page_one:?}");
    setup
        .server
        .cases()
        .create_case(fixtures::consumer_claim("acme", "P-LATE"))
        .await
        .expect("CreateCase");
    let (_, second_page) = get(next_link(&first, "next"), anna.clone()).await;
    let page_two = references(&second_page);
    assert!(!page_two.is_empty());
    assert!(
        page_two.iter().all(|r| !page_one.contains(r)),
        "{page_one:?} then {page_two:?}"
    );
    let (_, back) = get(next_link(&second_page, "prev"), anna.clone()).await;
    assert_eq!(references(&back), page_one);

    // A closed case shows its final statement as of the closing day, not figures that
    // go on growing.
    let closed = setup
        .server
        .cases()
        .create_case(fixtures::consumer_claim("acme", "W-1"))
        .await
        .expect("CreateCase")
        .into_inner()
        .id;
    setup
        .server
        .cases()
        .withdraw_case(pb::WithdrawCaseRequest {
            case_id: closed.clone(),
            request_id: "withdraw-w1".into(),
            reason: "settled with the debtor".into(),
        })
        .await
        .expect("WithdrawCase");
    let (status, page) = get(format!("/dossiers/{closed}"), anna.clone()).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Eindafrekening") && page.contains("Open bij afsluiting"),
        "{page}"
    );
    assert!(!page.contains("Totaal open"), "{page}");

    // Sign out everywhere ends every session of the user.
    let (_, _, second) = sign_in(url, "anna@acme.example", PASSWORD).await;
    let second = pair(&second.expect("a second session"));
    let (_, page) = get("/dossiers".into(), anna.clone()).await;
    let out = http()
        .post(format!("{url}/uitloggen-overal"))
        .header("cookie", &anna)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={}", csrf_of(&page)))
        .send()
        .await
        .expect("POST");
    assert_eq!(out.status().as_u16(), 303);
    for cookie in [anna, second] {
        let r = http()
            .get(format!("{url}/dossiers"))
            .header("cookie", cookie)
            .send()
            .await
            .expect("GET");
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(header(&r, "location"), "/inloggen");
    }
    // Sessions past their end are deleted as new ones begin, not kept for ever.
    let (_, _, left) = sign_in(url, "anna@acme.example", PASSWORD).await;
    assert!(left.is_some());
    fixtures::advance_by(&setup.server, 13 * 3_600).await;
    let (status, _, _) = sign_in(url, "dave@acme.example", PASSWORD).await;
    assert_eq!(
        status, 303,
        "attempts that never finished lock for a while, not for ever"
    );
    let now = setup
        .server
        .admin()
        .get_clock(pb::GetClockRequest {})
        .await
        .expect("GetClock")
        .into_inner()
        .now
        .expect("now");
    let now = chrono::DateTime::from_timestamp(now.seconds, 0)
        .expect("a time")
        .naive_utc();
    let expired: i64 = setup
        .app
        .store()
        .run(move |conn| {
            use diesel::prelude::*;
            use exploot::store::schema::portal_sessions::dsl as s;
            s::portal_sessions
                .filter(s::expires_at.lt(now))
                .count()
                .get_result(conn)
                .map_err(exploot::store::StoreError::from)
        })
        .await
        .expect("count");
    assert_eq!(expired, 0);
    setup.server.stop().await;
}
on_both_backends!(security);

/// The debtor's personal data in the fixture's consumer claim.
const PERSONAL: &[&str] = &[
    "Vries",
    "Kerkstraat",
    "3511 LK",
    "Utrecht",
    "1980-02-29",
    "j.devries@example.nl",
    "NL44RABO0123456789",
];

/// A portal session searching for, opening and failing on a debtor's case, with every
/// log line and span (at INFO, and everything of exploot's own) captured: none names the
/// debtor.
#[test]
fn no_debtor_data_in_the_portals_logs_or_traces() {
    #[derive(Clone, Default)]
    struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("capture").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("info,exploot=trace"))
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let dispatch = tracing::Dispatch::new(subscriber);
    let runtime = traced_runtime(&dispatch);
    let db = TestDb::sqlite();
    tracing::dispatcher::with_default(&dispatch, || {
        runtime.block_on(async {
            let setup = setup(&db, false).await;
            setup.user("acme", "anna@acme.example").await;
            let url = setup.url.clone();
            let (_, _, session) = sign_in(&url, "anna@acme.example", PASSWORD).await;
            let cookie = pair(&session.expect("signed in"));
            // An unknown address that is the debtor's, a search for the debtor's name.
            sign_in(&url, "j.devries@example.nl", PASSWORD).await;
            for path in [
                "/dossiers?q=Vries".to_owned(),
                "/dossiers?q=Kerkstraat%20Utrecht&fase=summons".to_owned(),
                format!("/dossiers/{}", setup.s2),
                format!("/dossiers/{}", setup.bolt_case),
                "/taken".to_owned(),
                "/overzicht".to_owned(),
            ] {
                let status = http()
                    .get(format!("{url}{path}"))
                    .header("cookie", &cookie)
                    .send()
                    .await
                    .expect("GET")
                    .status();
                assert!(
                    status.is_success() || status.as_u16() == 404,
                    "{path}: {status}"
                );
            }
            setup.server.stop().await;
        })
    });
    drop(runtime);
    let text = String::from_utf8_lossy(&captured.0.lock().expect("capture")).into_owned();
    assert!(
        text.contains("portal.request"),
        "the portal's spans were captured"
    );
    for personal in PERSONAL {
        assert!(
            !text.contains(personal),
            "{personal:?} in the logs:\n{text}"
        );
    }
}

/// The binary as an operator runs it: `exploot user create` (password from stdin, or
/// generated and printed once) and `exploot serve --portal-listen`, signed in over HTTP.
#[tokio::test]
async fn the_binary_creates_users_and_serves_the_portal() {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_exploot"))
            .env_remove("DATABASE_URL")
            .args(args)
            .args(["--database-url", &db])
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("exploot");
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(text.as_bytes())
                .expect("password written");
        }
        let out = child.wait_with_output().expect("exploot ran");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).trim().to_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let create_user = |email: &str, stdin: Option<&str>| {
        run(
            &["user", "create", "--client", "acme", "--email", email],
            stdin,
        )
    };
    let (ok, _, error) = create_user("anna@acme.example", Some("short\n"));
    assert!(!ok);
    assert!(
        error.contains("--password") && error.contains("--client"),
        "{error}"
    );

    let (ok, admin, error) = run(&["token", "create", "--role", "admin"], None);
    assert!(ok, "{error}");
    let grpc = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let portal = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let server = Command::new(env!("CARGO_BIN_EXE_exploot"))
        .args([
            "serve",
            "--listen",
            &grpc.to_string(),
            "--portal-listen",
            &portal.to_string(),
        ])
        .args(["--database-url", &db])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("exploot serve");
    struct Stop(std::process::Child);
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _server = Stop(server);
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{grpc}"))
        .unwrap()
        .connect_lazy();
    crate::harness::server::wait_serving(&channel).await;
    pb::admin_service_client::AdminServiceClient::new(
        exploot::cli::bearer::Bearer::new(&admin)
            .unwrap()
            .on(channel),
    )
    .put_client(pb::PutClientRequest {
        client: Some(fixtures::client("acme")),
    })
    .await
    .expect("PutClient");

    let (ok, printed, error) = create_user("Anna@Acme.example", Some(&format!("{PASSWORD}\n")));
    assert!(ok, "{error}");
    assert!(
        printed.is_empty(),
        "a typed password is not printed: {printed}"
    );
    let (ok, generated, error) = create_user("bob@acme.example", None);
    assert!(ok, "{error}");
    assert_eq!(
        generated.len(),
        23,
        "a generated password, printed once: {generated}"
    );
    let (ok, _, error) = create_user("bob@acme.example", None);
    assert!(!ok && error.contains("already"), "{error}");

    let url = format!("http://{portal}");
    let (status, _, session) = sign_in(&url, "anna@acme.example", PASSWORD).await;
    assert_eq!(status, 303);
    assert!(
        !session.expect("a session").contains("Secure"),
        "plain HTTP on loopback"
    );
    let (status, _, bobs) = sign_in(&url, "bob@acme.example", &generated).await;
    assert_eq!(status, 303);
    let bobs = pair(&bobs.expect("bob's session"));

    // Bob leaves acme: disabled, his session ends at once, and he signs in no more (as if
    // he never had an account). A new password (printed once) and `enable` let him back.
    let change = |verb: &str, email: &str, stdin: Option<&str>| {
        run(&["user", verb, "--email", email], stdin)
    };
    let (ok, _, error) = change("disable", "Bob@acme.example", None);
    assert!(ok && error.contains("disabled"), "{error}");
    let r = http()
        .get(format!("{url}/dossiers"))
        .header("cookie", &bobs)
        .send()
        .await
        .expect("GET");
    assert_eq!(
        (r.status().as_u16(), header(&r, "location").as_str()),
        (303, "/inloggen")
    );
    let (status, page, _) = sign_in(&url, "bob@acme.example", &generated).await;
    assert_eq!(status, 401, "{page}");
    let (ok, new_password, error) = change("reset-password", "bob@acme.example", None);
    assert!(ok, "{error}");
    assert_eq!(new_password.len(), 23, "{new_password}");
    let (ok, _, error) = change("enable", "bob@acme.example", None);
    assert!(ok, "{error}");
    let (status, _, _) = sign_in(&url, "bob@acme.example", &generated).await;
    assert_eq!(status, 401, "the old password is gone");
    let (status, _, _) = sign_in(&url, "bob@acme.example", &new_password).await;
    assert_eq!(status, 303);
    // A locked-out user is unlocked by the office.
    for _ in 0..5 {
        sign_in(&url, "anna@acme.example", "wrong password!").await;
    }
    let (status, _, _) = sign_in(&url, "anna@acme.example", PASSWORD).await;
    assert_eq!(status, 403, "locked");
    let (ok, _, error) = change("unlock", "anna@acme.example", None);
    assert!(ok, "{error}");
    let (status, _, _) = sign_in(&url, "anna@acme.example", PASSWORD).await;
    assert_eq!(status, 303);
    let (ok, _, error) = change("disable", "nobody@acme.example", None);
    assert!(!ok && error.contains("no portal user"), "{error}");
}
