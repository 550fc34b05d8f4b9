//! The real server, in process, on 127.0.0.1:0, and callers of it: every client the
//! harness hands out carries an admin token unless a test asks for another role.

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use exploot::cli::bearer::{AuthChannel, Bearer};
use exploot::clock::{Clock, ManualClock};
use exploot::proto::{
    self as pb, admin_service_client::AdminServiceClient,
    calculator_service_client::CalculatorServiceClient, case_service_client::CaseServiceClient,
    document_service_client::DocumentServiceClient, intake_service_client::IntakeServiceClient,
    payout_service_client::PayoutServiceClient, task_service_client::TaskServiceClient,
};
use exploot::server::{Config, serve};
use exploot::store::Store;
use exploot::workflow::{Role, tokens};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus};

use super::TestDb;

/// A running server and a channel to it. It derefs to a [`Caller`] holding an admin token,
/// so `server.cases()`, `server.channel`, … call as the admin.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`, for clients outside the harness (`exploot import`).
    pub endpoint: String,
    /// A connected channel without a token.
    pub plain: Channel,
    /// The admin's calls.
    admin: Caller,
    /// The server's database, for issuing tokens and reading what was stored.
    pub store: Store,
    /// The manual clock it runs on.
    pub clock: ManualClock,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), exploot::server::ServeError>>>,
}

/// The instant tests start at unless they say otherwise: Monday 4 May 2026, 10:00 in
/// Amsterdam (08:00 UTC).
pub fn default_start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-05-04T08:00:00Z")
        .expect("valid")
        .with_timezone(&Utc)
}

impl TestServer {
    /// Starts a server on `db` with a manual clock at [`default_start`], and waits for
    /// health to say SERVING.
    pub async fn start(db: &TestDb) -> Self {
        Self::start_at(db, default_start()).await
    }

    /// Starts a server on `db` with a manual clock at `now`.
    pub async fn start_at(db: &TestDb, now: DateTime<Utc>) -> Self {
        Self::start_with(db, now, exploot::registry::Registers::default()).await
    }

    /// Starts a server on `db` with a manual clock at `now` that asks `registers`
    /// (the fixture register unless they name real ones, e.g. the fake servers).
    pub async fn start_with(
        db: &TestDb,
        now: DateTime<Utc>,
        registers: exploot::registry::Registers,
    ) -> Self {
        Self::start_configured(db, now, registers, |_| {}).await
    }

    /// Starts a server as [`TestServer::start_with`] with `configure` applied to its
    /// configuration last (rate limit, token cache, request timeout).
    pub async fn start_configured(
        db: &TestDb,
        now: DateTime<Utc>,
        registers: exploot::registry::Registers,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        let server = Self::start_bare(db, now, registers, configure).await;
        server.configure_office().await;
        server
    }

    /// Starts a server on `db` as [`TestServer::start`] does, but stores no office: what a
    /// new installation looks like before its admin calls `PutOffice`.
    pub async fn start_without_office(db: &TestDb) -> Self {
        Self::start_bare(db, default_start(), Default::default(), |_| {}).await
    }

    /// Stores [`super::fixtures::office`] unless the database has an office already (a
    /// restarted server keeps its office, as a real one does).
    async fn configure_office(&self) {
        let mut admin = self.admin();
        match admin.get_office(pb::GetOfficeRequest { version: 0 }).await {
            Ok(_) => {}
            Err(status) if status.code() == tonic::Code::NotFound => {
                admin
                    .put_office(pb::PutOfficeRequest {
                        office: Some(super::fixtures::office()),
                    })
                    .await
                    .expect("PutOffice");
            }
            Err(status) => panic!("GetOffice: {status:?}"),
        }
    }

    async fn start_bare(
        db: &TestDb,
        now: DateTime<Utc>,
        registers: exploot::registry::Registers,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        init_logging();
        let clock = ManualClock::new(now);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, stopped) = oneshot::channel();
        let mut config = Config {
            database_url: db.url.clone(),
            clock: Arc::new(clock.clone()) as Arc<dyn Clock>,
            pool_size: 4,
            sqlite_sync: exploot::store::SqliteSync::Full,
            engine: exploot::workflow::EngineConfig::default(),
            registers,
            tls: None,
            rate_limit: exploot::api::rate_limit::RateLimit::default(),
            token_cache: exploot::server::DEFAULT_TOKEN_CACHE,
            request_timeout: exploot::server::DEFAULT_REQUEST_TIMEOUT,
            portal: None,
        };
        configure(&mut config);
        let task = tokio::spawn(serve(config, listener, async {
            let _ = stopped.await;
        }));
        let plain = Endpoint::from_shared(endpoint.clone())
            .expect("endpoint")
            .connect_lazy();
        wait_serving(&plain).await;
        let store = Store::open(&db.url, 2).expect("the server's database");
        let admin = Caller::issue(&store, &plain, Role::Admin, None).await;
        Self {
            endpoint,
            plain,
            admin,
            store,
            clock,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops the server gracefully and waits until it has.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("server task")
                .expect("server stopped cleanly");
        }
    }

    /// A caller with a new token of an office `role` (case_handler, front_office, admin).
    pub async fn as_role(&self, role: Role) -> Caller {
        Caller::issue(&self.store, &self.plain, role, None).await
    }

    /// A caller with a new client token of `client_id` (the client must exist).
    pub async fn as_client(&self, client_id: &str) -> Caller {
        Caller::issue(&self.store, &self.plain, Role::Client, Some(client_id)).await
    }

    /// A caller presenting `token` as it is (garbage, revoked, expired …).
    pub fn with_token(&self, token: &str) -> Caller {
        Caller::new(&self.plain, token, String::new())
    }
}

impl Deref for TestServer {
    type Target = Caller;

    fn deref(&self) -> &Caller {
        &self.admin
    }
}

/// Calls with one token.
#[derive(Clone)]
pub struct Caller {
    /// The channel, with the token on every call.
    pub channel: AuthChannel,
    /// The token (what `exploot token create` prints).
    pub token: String,
    /// The token's id (`token:<id>/<role>` on audit events).
    pub token_id: String,
}

impl Caller {
    fn new(plain: &Channel, token: &str, token_id: String) -> Self {
        Self {
            channel: Bearer::new(token)
                .expect("a header value")
                .on(plain.clone()),
            token: token.to_owned(),
            token_id,
        }
    }

    /// Issues a token through the library, as `exploot token create` does.
    pub async fn issue(store: &Store, plain: &Channel, role: Role, client: Option<&str>) -> Self {
        let issued = tokens::issue(
            store,
            "cli:test",
            role,
            client.map(str::to_owned),
            None,
            exploot::clock::SystemClock.now(),
        )
        .await
        .expect("issue a token");
        Self::new(plain, &issued.secret, issued.row.id)
    }

    pub fn cases(&self) -> CaseServiceClient<AuthChannel> {
        CaseServiceClient::new(self.channel.clone())
    }

    pub fn admin(&self) -> AdminServiceClient<AuthChannel> {
        AdminServiceClient::new(self.channel.clone())
    }

    pub fn intake(&self) -> IntakeServiceClient<AuthChannel> {
        IntakeServiceClient::new(self.channel.clone())
    }

    pub fn tasks(&self) -> TaskServiceClient<AuthChannel> {
        TaskServiceClient::new(self.channel.clone())
    }

    pub fn documents(&self) -> DocumentServiceClient<AuthChannel> {
        DocumentServiceClient::new(self.channel.clone())
    }

    pub fn payouts(&self) -> PayoutServiceClient<AuthChannel> {
        PayoutServiceClient::new(self.channel.clone())
    }

    pub fn calculator(&self) -> CalculatorServiceClient<AuthChannel> {
        CalculatorServiceClient::new(self.channel.clone())
    }
}

/// Waits until the health service answers SERVING for the whole server.
pub async fn wait_serving(channel: &Channel) {
    super::eventually("health SERVING", Duration::from_secs(30), || {
        let mut health = HealthClient::new(channel.clone());
        async move {
            let answer = health
                .check(HealthCheckRequest {
                    service: String::new(),
                })
                .await
                .ok()?;
            (answer.into_inner().status == ServingStatus::Serving as i32).then_some(())
        }
    })
    .await;
}

/// Server logs in the test's captured output (`RUST_LOG` to choose; warnings by default).
fn init_logging() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
    });
}
