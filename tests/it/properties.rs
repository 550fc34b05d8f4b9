//! Property: whatever valid protobuf a caller sends to any RPC of the contract — control
//! characters, 3 MB strings, odd Unicode, negative and absurd amounts and dates, empty
//! fields, a thousand repeated items — the real server answers OK or a caller's error
//! (INVALID_ARGUMENT with BadRequest details, NOT_FOUND, FAILED_PRECONDITION, …), never
//! INTERNAL or UNKNOWN, never a panic; and a refused request stores nothing.
//!
//! The requests are built from the contract's descriptors (prost-reflect), so every method
//! of every `exploot.v1` service is covered by the same generator, a new RPC included, and
//! sent as raw bytes through a generic gRPC call. Proptest drives the bytes that choose
//! each request, and shrinks a failure to a small one. `PROPTEST_CASES` sets the number of
//! requests per method (default 16: both backends take about 40 s here); e.g.
//! `PROPTEST_CASES=500 cargo test --test it -- properties` for a longer run.

use std::collections::HashMap;
use std::str::FromStr;

use exploot::cli::bearer::AuthChannel;
use exploot::proto as pb;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use prost::Message as _;
use prost::bytes::{Buf, BufMut};
use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, Value};
use tonic::Code;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic_types::StatusExt;

use crate::harness::fixtures::{consumer_claim, put_client};
use crate::harness::{TestDb, TestServer, on_both_backends};

/// Sends and receives messages already encoded: one call path for every method.
#[derive(Clone, Copy, Default)]
struct Raw;

impl Codec for Raw {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = Raw;
    type Decoder = Raw;
    fn encoder(&mut self) -> Raw {
        Raw
    }
    fn decoder(&mut self) -> Raw {
        Raw
    }
}

impl Encoder for Raw {
    type Item = Vec<u8>;
    type Error = tonic::Status;
    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), tonic::Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for Raw {
    type Item = Vec<u8>;
    type Error = tonic::Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, tonic::Status> {
        Ok(Some(src.copy_to_bytes(src.remaining()).to_vec()))
    }
}

/// The bytes proptest generated, read as choices.
struct Choices<'a> {
    data: &'a [u8],
    at: usize,
    huge_left: bool,
    /// A request that looks right (each field a plausible value for its name, now and then
    /// a hostile one), so the deeper checks and the stores are reached too.
    tame: bool,
}

impl Choices<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }
    fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n.max(1)
    }
    fn pick<'s, T>(&mut self, items: &'s [T]) -> &'s T {
        &items[self.below(items.len())]
    }
    fn u64(&mut self) -> u64 {
        (0..8).fold(0, |n, _| (n << 8) | u64::from(self.byte()))
    }
}

/// Values the server knows (ids of things that exist) and well-formed ones, so requests get
/// past the first check and reach the deeper ones.
struct Known {
    values: Vec<String>,
}

const NUMBERS: &[&str] = &[
    "-1",
    "0",
    "0.00",
    "-0.00",
    "0.001",
    "12.34",
    "1234.56",
    "1e309",
    "NaN",
    "inf",
    "99999999999999999999999999999.99",
    "79228162514264337593543950335",
    "1,234.56",
    "١٢٣٤",
    " 12.34 ",
    "+5",
    "0x10",
    "5000000000000",
];
const DATES: &[&str] = &[
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "2026-02-29",
    "2024-02-29",
    "1900-01-01",
    "2026-05-04",
    "2026-01-15",
    "2025-12-31",
    "2026-5-4",
    "-2026-05-04",
    "2026-05-04T00:00:00Z",
    "+10000-01-01",
    "262143-12-31",
    "16:00",
    "24:61",
];
const ODD: &[&str] = &[
    "\u{202E}",
    "\u{FEFF}",
    "e\u{301}",
    "👩‍👩‍👧",
    "\u{FFFF}",
    "\u{10FFFF}",
    "\u{2028}",
    "Ⅻ",
    "１２３４．５６",
    "\u{00A0}",
    "\u{3000}",
    "'; DROP TABLE cases;--",
    "%s%n{}",
    "../../etc/passwd",
    "\\",
    "\"",
];
const CONTROLS: &[char] = &[
    '\0', '\u{1}', '\u{1b}', '\n', '\r', '\t', '\u{7f}', '\u{85}',
];

/// A plausible value for a field called `name`.
fn plausible(name: &str, c: &mut Choices<'_>, known: &Known) -> String {
    let n = c.byte();
    let has = |part: &str| name.contains(part);
    if name == "case_id" || name == "task_id" || name == "document_id" {
        known.values[1].clone()
    } else if has("client_id") || name == "id" {
        "acme".to_owned()
    } else if has("date") || name.ends_with("_on") || has("as_of") || has("from") {
        (*c.pick(&["2026-02-14", "2026-05-04", "2026-01-31", "2026-06-15"])).to_owned()
    } else if has("amount") || has("principal") || has("costs") || has("minimum") {
        (*c.pick(&["12.34", "500.00", "1234.56", "0.01"])).to_owned()
    } else if has("kvk") {
        "68750110".to_owned()
    } else if has("iban") {
        "NL91ABNA0417164300".to_owned()
    } else if has("postcode") {
        "3511 LK".to_owned()
    } else if has("country") {
        "NL".to_owned()
    } else if has("email") {
        "debiteur@example.nl".to_owned()
    } else if has("cutoff") {
        "16:00".to_owned()
    } else if has("page_token") {
        String::new()
    } else if has("queue") {
        "case_handler".to_owned()
    } else if has("outcome") {
        (*c.pick(&["proceed", "retry", "approve", "served"])).to_owned()
    } else if has("reference") || has("number") || has("request_id") {
        format!("R-{n}")
    } else {
        format!("Tekst {n}")
    }
}

fn text(name: &str, c: &mut Choices<'_>, known: &Known) -> String {
    if c.tame && c.below(12) != 0 {
        return plausible(name, c, known);
    }
    match c.below(16) {
        0 => String::new(),
        1..=5 => c.pick(&known.values).clone(),
        6 => (0..c.below(24))
            .map(|_| char::from(c.byte() % 95 + 32))
            .collect(),
        7 => (0..c.below(12))
            .map(|_| {
                let n = u32::try_from(c.u64() % 0x11_0000).unwrap_or(0);
                char::from_u32(n).unwrap_or('?')
            })
            .collect(),
        8 => {
            let mut t = c.pick(&known.values).clone();
            let at = t
                .char_indices()
                .map(|(i, _)| i)
                .nth(c.below(4))
                .unwrap_or(t.len());
            t.insert(at, *c.pick(CONTROLS));
            t
        }
        9 => format!("{}{}", c.pick(&known.values), c.pick(ODD)),
        10 => {
            let n = *c.pick(&[
                2, 5, 10, 11, 32, 33, 64, 65, 100, 101, 200, 201, 2001, 10_001,
            ]);
            c.pick(&["9", "é", "A", "€"]).repeat(n)
        }
        11 if c.huge_left => {
            c.huge_left = false;
            let n = *c.pick(&[1 << 20, 3_000_000]);
            c.pick(&["A", "é"]).repeat(n)
        }
        11 | 12 => (*c.pick(NUMBERS)).to_owned(),
        13 => (*c.pick(DATES)).to_owned(),
        14 => (*c.pick(ODD)).to_owned(),
        _ => "   ".to_owned(),
    }
}

fn int64(c: &mut Choices<'_>) -> i64 {
    if c.tame {
        return i64::from(c.byte() % 30);
    }
    match c.below(6) {
        0 => 0,
        1 => i64::MAX,
        2 => i64::MIN,
        3 => -1,
        4 => i64::from(c.byte()),
        _ => c.u64().cast_signed(),
    }
}

fn count(c: &mut Choices<'_>) -> usize {
    match c.below(20) {
        0..=5 => 0,
        6..=15 => 1 + c.below(3),
        16..=18 => 1 + c.below(60),
        _ => *c.pick(&[1000, 1001, 2000]),
    }
}

fn value(field: &FieldDescriptor, c: &mut Choices<'_>, known: &Known, depth: usize) -> Value {
    match field.kind() {
        Kind::String => Value::String(text(field.name(), c, known)),
        Kind::Bytes => Value::Bytes((0..c.below(8)).map(|_| c.byte()).collect::<Vec<_>>().into()),
        Kind::Bool => Value::Bool(c.byte().is_multiple_of(2)),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
            Value::I32(i32::try_from(int64(c) % (1 << 31)).unwrap_or(i32::MAX))
        }
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(int64(c)),
        Kind::Uint32 | Kind::Fixed32 => Value::U32(u32::try_from(c.u64() >> 32).unwrap_or(0)),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(c.u64()),
        Kind::Float => Value::F32(f32::from(c.byte()) - 100.0),
        Kind::Double => Value::F64(f64::from(c.byte()) - 100.0),
        Kind::Enum(e) => {
            let numbers: Vec<i32> = e.values().map(|v| v.number()).collect();
            Value::EnumNumber(if c.tame && numbers.len() > 1 {
                *c.pick(&numbers[1..])
            } else if c.below(8) == 0 {
                i32::from(c.byte()) - 100
            } else {
                *c.pick(&numbers)
            })
        }
        Kind::Message(m) if depth > 4 => Value::Message(DynamicMessage::new(m)),
        Kind::Message(m) => Value::Message(message(&m, c, known, depth + 1)),
    }
}

/// A request of type `descriptor`: each field set or not, lists and maps of any length.
fn message(
    descriptor: &MessageDescriptor,
    c: &mut Choices<'_>,
    known: &Known,
    depth: usize,
) -> DynamicMessage {
    let mut m = DynamicMessage::new(descriptor.clone());
    for field in descriptor.fields() {
        if c.below(if c.tame { 12 } else { 4 }) == 0 {
            continue;
        }
        let v = if field.is_map() {
            let entry = field.kind();
            let entry = entry.as_message().expect("a map entry").clone();
            let (key, val) = (entry.map_entry_key_field(), entry.map_entry_value_field());
            let mut map = HashMap::new();
            for _ in 0..count(c).min(50) {
                if let Value::String(k) = value(&key, c, known, depth) {
                    map.insert(MapKey::String(k), value(&val, c, known, depth));
                }
            }
            Value::Map(map)
        } else if field.is_list() {
            let n = if c.tame { 1 + c.below(3) } else { count(c) };
            Value::List((0..n).map(|_| value(&field, c, known, depth)).collect())
        } else {
            value(&field, c, known, depth)
        };
        m.set_field(&field, v);
    }
    m
}

/// Rows of everything the server stores for callers (the engine's own job rows aside).
async fn stored_rows(server: &TestServer) -> i64 {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Total {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let sql = "SELECT (SELECT COUNT(*) FROM cases) + (SELECT COUNT(*) FROM case_events) \
               + (SELECT COUNT(*) FROM clients) + (SELECT COUNT(*) FROM track_policies) \
               + (SELECT COUNT(*) FROM payments) + (SELECT COUNT(*) FROM invoices) \
               + (SELECT COUNT(*) FROM parties) + (SELECT COUNT(*) FROM idempotency_keys) AS n";
    server
        .store
        .run(move |conn| {
            let q = diesel::sql_query(sql);
            let rows: Vec<Total> = match conn {
                exploot::store::DbConnection::Sqlite(c) => q.load(c),
                exploot::store::DbConnection::Pg(c) => q.load(c),
            }
            .map_err(exploot::store::StoreError::Query)?;
            Ok::<_, exploot::store::StoreError>(rows[0].n)
        })
        .await
        .expect("count rows")
}

/// Waits until no job is due by the server's clock: the engine has done what the calls
/// before set off (a document rendered after a withdrawal, say), so the rows counted next
/// change only by the call in between.
async fn settled(server: &TestServer) {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Due {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    crate::harness::eventually("no job due", std::time::Duration::from_secs(60), || {
        let now = exploot::store::db_instant(exploot::clock::Clock::now(&server.clock));
        let store = server.store.clone();
        async move {
            let due = store
                .run(move |conn| {
                    let q = diesel::sql_query("SELECT COUNT(*) AS n FROM jobs WHERE due_at <= $1")
                        .bind::<diesel::sql_types::Timestamp, _>(now);
                    let rows: Vec<Due> = match conn {
                        exploot::store::DbConnection::Sqlite(c) => q.load(c),
                        exploot::store::DbConnection::Pg(c) => q.load(c),
                    }
                    .map_err(exploot::store::StoreError::Query)?;
                    Ok::<_, exploot::store::StoreError>(rows[0].n)
                })
                .await
                .expect("count due jobs");
            (due == 0).then_some(())
        }
    })
    .await;
}

/// The answer of one call: its status (OK for a stream that ended well or is still open).
async fn call(
    channel: AuthChannel,
    method: &prost_reflect::MethodDescriptor,
    requests: Vec<Vec<u8>>,
) -> tonic::Status {
    let path = PathAndQuery::from_str(&format!(
        "/{}/{}",
        method.parent_service().full_name(),
        method.name()
    ))
    .expect("a path");
    let mut grpc = tonic::client::Grpc::new(channel);
    if let Err(e) = grpc.ready().await {
        return tonic::Status::unavailable(e.to_string());
    }
    let ok = || tonic::Status::ok("");
    let first = requests.first().cloned().unwrap_or_default();
    let stream = match (method.is_client_streaming(), method.is_server_streaming()) {
        (false, false) => {
            return match grpc.unary(tonic::Request::new(first), path, Raw).await {
                Ok(_) => ok(),
                Err(status) => status,
            };
        }
        (false, true) => {
            grpc.server_streaming(tonic::Request::new(first), path, Raw)
                .await
        }
        (true, _) => {
            let rows = tokio_stream::iter(requests);
            grpc.streaming(tonic::Request::new(rows), path, Raw).await
        }
    };
    let mut stream = match stream {
        Ok(s) => s.into_inner(),
        Err(status) => return status,
    };
    // A watch stays open for live events: its first answers say enough.
    let live = method.name() == "WatchCase";
    let mut seen = 0;
    loop {
        let next = if live {
            match tokio::time::timeout(std::time::Duration::from_millis(300), stream.message())
                .await
            {
                Ok(next) => next,
                Err(_) => return ok(),
            }
        } else {
            stream.message().await
        };
        match next {
            Ok(Some(_)) if live && seen > 3 => return ok(),
            Ok(Some(_)) => seen += 1,
            Ok(None) => return ok(),
            Err(status) => return status,
        }
    }
}

/// Codes that tell the caller what it did wrong or that the thing is not there.
const CALLERS_ERRORS: &[Code] = &[
    Code::InvalidArgument,
    Code::NotFound,
    Code::FailedPrecondition,
    Code::OutOfRange,
    Code::AlreadyExists,
    Code::PermissionDenied,
];

async fn hostile_requests_to_every_rpc_get_ok_or_a_callers_error(db: TestDb) {
    let server = TestServer::start_configured(
        &db,
        crate::harness::server::default_start(),
        exploot::registry::Registers::default(),
        |config| {
            // Thousands of calls in a minute from one token: not what is tested here.
            config.rate_limit = exploot::api::rate_limit::RateLimit {
                per_second: 1e9,
                burst: 1e9,
            };
        },
    )
    .await;
    put_client(&server, "acme").await;
    let case = server
        .cases()
        .create_case(consumer_claim("acme", "DOS-1"))
        .await
        .expect("CreateCase")
        .into_inner();
    let client_caller = server.as_client("acme").await;
    let known = Known {
        values: [
            "acme",
            case.id.as_str(),
            "DOS-1",
            "2026-05-04",
            "2026-02-14",
            "2026-06-01",
            "12.34",
            "1234.56",
            "J. de Vries",
            "Kerkstraat 12",
            "3511 LK",
            "NL",
            "F-1",
            "68750110",
            "NL91ABNA0417164300",
            "a@b.nl",
            "16:00",
            "case_handler",
            "proceed",
            "retry",
            "served_on",
        ]
        .map(str::to_owned)
        .to_vec(),
    };
    let methods: Vec<prost_reflect::MethodDescriptor> = pb::descriptor_pool()
        .services()
        .filter(|s| s.package_name() == "exploot.v1")
        .flat_map(|s| s.methods().collect::<Vec<_>>())
        .collect();
    assert!(
        methods.len() >= 24,
        "every RPC of the contract: {}",
        methods.len()
    );

    let handle = tokio::runtime::Handle::current();
    let mut config = Config::with_cases(16);
    if let Some(cases) = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        config.cases = cases;
    }
    config.failure_persistence = None;
    let answered: std::cell::RefCell<HashMap<String, HashMap<String, u32>>> =
        std::cell::RefCell::default();
    for method in &methods {
        let mut runner = TestRunner::new(config.clone());
        let name = format!("{}/{}", method.parent_service().name(), method.name());
        let outcome = runner.run(
            &proptest::collection::vec(proptest::arbitrary::any::<u8>(), 0..512),
            |bytes| {
                let mut c = Choices {
                    data: &bytes,
                    at: 0,
                    huge_left: true,
                    tame: false,
                };
                c.tame = c.below(2) == 0;
                let rows = if method.is_client_streaming() {
                    1 + c.below(4)
                } else {
                    1
                };
                let requests: Vec<Vec<u8>> = (0..rows)
                    .map(|_| message(&method.input(), &mut c, &known, 0).encode_to_vec())
                    .collect();
                let channel = if c.below(4) == 0 {
                    client_caller.channel.clone()
                } else {
                    server.channel.clone()
                };
                let status = tokio::task::block_in_place(|| {
                    handle.block_on(async {
                        settled(&server).await;
                        let before = stored_rows(&server).await;
                        let status = call(channel, method, requests).await;
                        let after = stored_rows(&server).await;
                        if status.code() != Code::Ok && before != after {
                            return Err(format!(
                                "refused with {:?} but stored {} rows: {}",
                                status.code(),
                                after - before,
                                status.message()
                            ));
                        }
                        Ok(status)
                    })
                })
                .map_err(TestCaseError::fail)?;
                let code = status.code();
                if code != Code::Ok && !CALLERS_ERRORS.contains(&code) {
                    return Err(TestCaseError::fail(format!(
                        "{name}: {code:?} {:?}",
                        status.message()
                    )));
                }
                if code == Code::InvalidArgument {
                    let details = status.get_details_bad_request();
                    if details.is_none_or(|d| d.field_violations.is_empty()) {
                        return Err(TestCaseError::fail(format!(
                            "{name}: INVALID_ARGUMENT without BadRequest details: {:?}",
                            status.message()
                        )));
                    }
                }
                *answered
                    .borrow_mut()
                    .entry(name.clone())
                    .or_default()
                    .entry(format!("{code:?}"))
                    .or_default() += 1;
                Ok(())
            },
        );
        if let Err(failure) = outcome {
            panic!("{}: {name}: {failure}", db.backend);
        }
    }
    // Every method was called (a new RPC is covered without a line here).
    let answered = answered.into_inner();
    assert_eq!(answered.len(), methods.len(), "{answered:#?}");
    eprintln!("{}: {answered:#?}", db.backend);
    server.stop().await;
}
on_both_backends!(hostile_requests_to_every_rpc_get_ok_or_a_callers_error);
