//! Fake public registers on loopback: a KvK API server (Zoeken v2, Basisprofiel v1) and an
//! insolvency register SOAP server (`cir.asmx`), answering from the embedded fixtures in
//! the registers' real wire formats (registers.md), recording every request, and able to
//! misbehave on demand: slow answers, 500s, malformed bodies, dropped connections.
//!
//! Plain HTTP/1.1 over a `TcpListener`, one request per connection (`Connection: close`),
//! so a fault can be anything a socket can do, down to closing without a word.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use exploot::registry::fixture::Fixtures;
use exploot::registry::xml;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The KvK test environment's public API key (registers.md §1).
pub const KVK_TEST_KEY: &str = "l7xx1f2691f2520d487b902f4e0b57a0b197";
/// The credentials the fake insolvency register accepts.
pub const CIR_USER: &str = "exploot-test";
/// Its password.
pub const CIR_PASSWORD: &str = "s3cret&<pass>";

/// A way to misbehave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer correctly, but only after this long.
    Slow(Duration),
    /// HTTP 500 with an error body.
    ServerError,
    /// HTTP 200 with a body cut in half.
    Malformed,
    /// Read the request, then close the connection without answering.
    Drop,
}

/// One request as it reached the fake.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// `GET`, `POST`.
    pub method: String,
    /// Path and query as sent.
    pub target: String,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl Recorded {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The query's parameters, decoded, in order.
    pub fn query(&self) -> Vec<(String, String)> {
        self.target
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect()
    }
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Default)]
struct Behaviour {
    next: VecDeque<Fault>,
    always: Option<Fault>,
}

struct Shared {
    requests: Mutex<Vec<Recorded>>,
    behaviour: Mutex<Behaviour>,
    fixtures: Mutex<Fixtures>,
}

/// Which register a fake plays.
#[derive(Clone, Copy)]
enum Kind {
    Kvk,
    Cir,
}

/// One fake register server.
#[derive(Clone)]
pub struct FakeRegister {
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    shared: Arc<Shared>,
}

impl FakeRegister {
    /// A fake KvK API; its base URL for the client is `{origin}/test/api`.
    pub async fn kvk() -> Self {
        Self::start(Kind::Kvk).await
    }

    /// A fake insolvency register; its URL for the client is `{origin}/cir.asmx`.
    pub async fn insolvency() -> Self {
        Self::start(Kind::Cir).await
    }

    async fn start(kind: Kind) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let origin = format!("http://{}", listener.local_addr().expect("addr"));
        let shared = Arc::new(Shared {
            requests: Mutex::new(Vec::new()),
            behaviour: Mutex::new(Behaviour::default()),
            fixtures: Mutex::new(Fixtures::embedded()),
        });
        let serving = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(handle(stream, kind, serving.clone()));
            }
        });
        Self { origin, shared }
    }

    /// The KvK base URL as the test environment's (`…/test/api`).
    pub fn kvk_base_url(&self) -> String {
        format!("{}/test/api", self.origin)
    }

    /// The insolvency register's service URL.
    pub fn cir_url(&self) -> String {
        format!("{}/cir.asmx", self.origin)
    }

    /// Misbehave on the next request(s), in this order.
    pub fn fail_next(&self, faults: &[Fault]) {
        let mut b = self.shared.behaviour.lock().unwrap();
        b.next.extend(faults.iter().copied());
    }

    /// Misbehave on every request until told otherwise (`None`: behave).
    pub fn always(&self, fault: Option<Fault>) {
        self.shared.behaviour.lock().unwrap().always = fault;
    }

    /// Publishes an insolvency from now on: later searches find it (a register that
    /// changes between two checks of one case).
    pub fn publish(&self, case: exploot::registry::fixture::InsolvencyFixture) {
        self.shared.fixtures.lock().unwrap().insolvency.push(case);
    }

    /// How many requests have reached the server.
    pub fn count(&self) -> usize {
        self.shared.requests.lock().unwrap().len()
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }
}

async fn handle(mut stream: TcpStream, kind: Kind, shared: Arc<Shared>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    shared.requests.lock().unwrap().push(request.clone());
    let fault = {
        let mut b = shared.behaviour.lock().unwrap();
        b.next.pop_front().or(b.always)
    };
    let (status, content_type, mut body) = match kind {
        Kind::Kvk => kvk_answer(&request, &shared.fixtures.lock().unwrap()),
        Kind::Cir => cir_answer(&request, &shared.fixtures.lock().unwrap()),
    };
    let mut status = status;
    match fault {
        Some(Fault::Drop) => return,
        Some(Fault::Slow(pause)) => tokio::time::sleep(pause).await,
        Some(Fault::ServerError) => {
            status = 500;
            body = match kind {
                Kind::Kvk => json!({"fout": [{"code": "IPD9999", "omschrijving": "Algemene technische fout."}]}).to_string(),
                Kind::Cir => soap_fault("soap:Server", "Server was unable to process request."),
            };
        }
        Some(Fault::Malformed) => {
            status = 200;
            let half = body.len() / 2;
            body.truncate(half);
        }
        None => {}
    }
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "Internal Server Error",
    };
    let api_version = match (kind, request.path().contains("/v2/zoeken")) {
        (Kind::Kvk, true) => "API-Version: 2.1.0\r\n",
        (Kind::Kvk, false) => "API-Version: 1.5.0\r\n",
        (Kind::Cir, _) => "",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{api_version}Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _peer_may_have_gone = stream.write_all(head.as_bytes()).await;
    let _peer_may_have_gone = stream.write_all(body.as_bytes()).await;
    let _peer_may_have_gone = stream.shutdown().await;
}

async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Recorded {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn fout(code: &str, text: &str) -> String {
    json!({"fout": [{"code": code, "omschrijving": text}]}).to_string()
}

/// The KvK API: `apikey` required; `/…/v1/basisprofielen/{kvk}` and `/…/v2/zoeken`.
fn kvk_answer(request: &Recorded, fixtures: &Fixtures) -> (u16, &'static str, String) {
    const HAL: &str = "application/hal+json";
    const JSON: &str = "application/json";
    if request.header("apikey") != Some(KVK_TEST_KEY) {
        return (
            401,
            JSON,
            fout("IPD0001", "apikey ontbreekt of is ongeldig"),
        );
    }
    let path = request.path();
    let Some(rest) = path
        .strip_prefix("/test/api/")
        .or_else(|| path.strip_prefix("/api/"))
    else {
        return (404, "text/html", "<html>Not Found</html>".into());
    };
    if let Some(number) = rest.strip_prefix("v1/basisprofielen/") {
        if number.len() != 8 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return (
                400,
                JSON,
                fout(
                    "IPD0004",
                    &format!("Het KvK nummer {number} is niet valide."),
                ),
            );
        }
        return match fixtures.basisprofiel(number) {
            Some(profile) => (200, HAL, profile.to_string()),
            None => (
                404,
                JSON,
                fout(
                    "IPD0005",
                    &format!(
                        "Op basis van het KVK-nummer {number} kan het product niet worden geleverd."
                    ),
                ),
            ),
        };
    }
    if rest == "v2/zoeken" {
        let query = request.query();
        let param = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let found: Vec<&Value> = match (param("kvkNummer"), param("naam"), param("plaats")) {
            (Some(number), _, _) => fixtures.basisprofiel(number).into_iter().collect(),
            (None, Some(name), Some(place)) => fixtures.search_trade(name, place),
            _ => {
                return (
                    400,
                    JSON,
                    fout("IPD1998", "Algemene invoer parameter fout."),
                );
            }
        };
        if found.is_empty() {
            return (
                404,
                JSON,
                fout(
                    "IPD5200",
                    "Er zijn geen gegevens gevonden die voldoen aan de opgegeven zoekparameters.",
                ),
            );
        }
        let results: Vec<Value> = found
            .iter()
            .map(|b| {
                let number = b["kvkNummer"].as_str().unwrap_or("");
                let branch = &b["_embedded"]["hoofdvestiging"];
                let address = branch["adressen"]
                    .get(0)
                    .or_else(|| b["_embedded"]["eigenaar"]["adressen"].get(0))
                    .cloned()
                    .unwrap_or(Value::Null);
                json!({
                    "kvkNummer": number,
                    "vestigingsnummer": branch["vestigingsnummer"],
                    "naam": b["naam"],
                    "adres": {"binnenlandsAdres": {
                        "type": address["type"], "straatnaam": address["straatnaam"], "plaats": address["plaats"]}},
                    "type": "hoofdvestiging",
                    "_links": {"basisprofiel": {"href": format!("https://api.kvk.nl/test/api/v1/basisprofielen/{number}")}},
                })
            })
            .collect();
        let body = json!({
            "pagina": 1, "resultatenPerPagina": 10, "totaal": results.len(), "resultaten": results,
            "_links": {"self": {"href": format!("https://api.kvk.nl/test{}", request.target.to_lowercase())}},
        });
        return (200, HAL, body.to_string());
    }
    (404, "text/html", "<html>Not Found</html>".into())
}

const CIR_NS: &str = "http://www.rechtspraak.nl/namespaces/cir01";
const INSPUBBER_NS: &str = "http://www.rechtspraak.nl/namespaces/inspubber01";

fn soap_fault(code: &str, text: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>{code}</faultcode><faultstring>{text}</faultstring></soap:Fault></soap:Body></soap:Envelope>"#
    )
}

/// The answer envelope as the register sends it (registers.md §2), with the WS-Addressing
/// and WS-Security timestamp headers.
fn soap_answer(operation: &str, result: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><soap:Header><wsa:Action>{CIR_NS}/{operation}Response</wsa:Action><wsa:MessageID>urn:uuid:97713055-7d5d-4b67-a702-3d070e2aeaff</wsa:MessageID><wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To><wsse:Security><wsu:Timestamp wsu:Id="Timestamp-1"><wsu:Created>2026-05-04T08:00:00Z</wsu:Created><wsu:Expires>2026-05-04T08:05:00Z</wsu:Expires></wsu:Timestamp></wsse:Security></soap:Header><soap:Body><{operation}Response xmlns="{CIR_NS}"><{operation}Result>{result}</{operation}Result></{operation}Response></soap:Body></soap:Envelope>"#
    )
}

/// The insolvency register: WS-Security credentials and a SOAPAction that names the body's
/// operation are required; dispatch on the body's element.
fn cir_answer(request: &Recorded, fixtures: &Fixtures) -> (u16, &'static str, String) {
    const XML: &str = "text/xml; charset=utf-8";
    let Ok(envelope) = xml::parse(&request.body) else {
        return (400, "text/html", "<html>Bad Request</html>".into());
    };
    let user = envelope.find("Username").map(|e| e.text.as_str());
    let password = envelope.find("Password").map(|e| e.text.as_str());
    if user != Some(CIR_USER) || password != Some(CIR_PASSWORD) {
        return (
            500,
            XML,
            soap_fault(
                "wsse:FailedAuthentication",
                "The security token could not be authenticated or authorized",
            ),
        );
    }
    let Some(operation) = envelope.child("Body").and_then(|b| b.children.first()) else {
        return (
            500,
            XML,
            soap_fault("soap:Client", "No operation in the SOAP Body"),
        );
    };
    let action = request.header("soapaction").unwrap_or("").trim_matches('"');
    if action != format!("{CIR_NS}/{}", operation.name) {
        return (
            500,
            XML,
            soap_fault(
                "soap:Client",
                &format!("Server did not recognize the value of HTTP Header SOAPAction: {action}."),
            ),
        );
    }
    let text = |name: &str| operation.child_text(name).map(str::to_owned);
    let list = |found: Vec<&exploot::registry::fixture::InsolvencyFixture>| {
        let references: String = found
            .iter()
            .flat_map(|f| f.publicatie_kenmerken.iter())
            .map(|k| format!("<publicatieKenmerk>{k}</publicatieKenmerk>"))
            .collect();
        let inner = if references.is_empty() {
            r#"<exceptie errorcode="1">Geen resultaten gevonden</exceptie>"#.to_owned()
        } else {
            references
        };
        format!(
            r#"<publicatieLijst extractiedatum="2026-05-04T10:00:00.0000000+02:00" xmlns="{INSPUBBER_NS}">{inner}</publicatieLijst>"#
        )
    };
    let result = match operation.name.as_str() {
        "searchUndertaking" => {
            let number = text("commercialRegisterID");
            let name = text("name");
            list(fixtures.search_undertaking(number.as_deref(), name.as_deref()))
        }
        "searchNaturalPerson" => {
            let born = text("dateOfBirth")
                .and_then(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok());
            match (text("surname"), born) {
                (Some(surname), Some(born)) => list(fixtures.search_person(
                    &surname,
                    text("prefix").as_deref().unwrap_or(""),
                    born,
                )),
                _ => format!(
                    r#"<publicatieLijst xmlns="{INSPUBBER_NS}"><exceptie errorcode="4">Input niet correct. Raadpleeg de handleiding.</exceptie></publicatieLijst>"#
                ),
            }
        }
        "getCase" => {
            let inner = text("publicationNumber")
                .and_then(|n| fixtures.case(&n))
                .map(|f| f.insolvente.clone())
                .unwrap_or_else(|| {
                    r#"<exceptie errorcode="1">Geen resultaten gevonden</exceptie>"#.to_owned()
                });
            format!(
                r#"<inspubWebserviceInsolvente xmlns="{INSPUBBER_NS}">{inner}</inspubWebserviceInsolvente>"#
            )
        }
        other => {
            return (
                500,
                XML,
                soap_fault("soap:Client", &format!("Unknown operation {other}")),
            );
        }
    };
    (200, XML, soap_answer(&operation.name, &result))
}
