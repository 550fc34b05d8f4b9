//! The gRPC server: every v1 service, the standard health service and server reflection
//! (v1 and v1alpha, so grpcurl, Evans, Postman and grpcui can list and call everything),
//! behind the auth layer (tokens, roles, rate limit) with explicit message and time limits.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;

use crate::api::auth::{AuthLayer, Gate};
use crate::api::rate_limit::{RateLimit, RateLimiter};
use crate::api::{AdminApi, CalculatorApi, CaseApi, DocumentApi, IntakeApi, PayoutApi, TaskApi};
use crate::clock::Clock;
use crate::proto::{
    FILE_DESCRIPTOR_SET, admin_service_server::AdminServiceServer,
    calculator_service_server::CalculatorServiceServer, case_service_server::CaseServiceServer,
    document_service_server::DocumentServiceServer, intake_service_server::IntakeServiceServer,
    payout_service_server::PayoutServiceServer, task_service_server::TaskServiceServer,
};
use crate::registry::{ConfigError, Registers};
use crate::store::{SqliteSync, Store, StoreError};
use crate::telemetry::rpc::RpcLayer;
use crate::tls::TlsConfig;
use crate::workflow::tokens::{self, Tokens};
use crate::workflow::{App, DbClock, EngineConfig, run_workers};

/// The largest message a service takes or sends, either way: gRPC's customary 4 MiB,
/// which every client expects. A claim with a thousand invoices is some 200 KiB and a
/// document streams in 64 KiB chunks; a bigger request is refused (OUT_OF_RANGE) before it
/// is read into memory, and a page that would not fit calls for a smaller `page_size`.
pub const MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

/// How long a call may take by default, unless the caller's own deadline (`grpc-timeout`)
/// is shorter: tonic's server answers CANCELLED when the shorter one passes. It bounds the
/// wait for a call's answer, not a stream once it flows, so `WatchCase` and a long import
/// run on. Long enough for an `AdvanceClock` that runs thousands of jobs.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(300);

/// How long a looked-up token is trusted before it is read again: a revocation by
/// `exploot token revoke` (another process) takes effect on a running server within this.
pub const DEFAULT_TOKEN_CACHE: Duration = Duration::from_secs(5);

/// What `serve` needs.
pub struct Config {
    /// `sqlite://PATH` or `postgres://…`.
    pub database_url: String,
    /// The clock the service runs on.
    pub clock: Arc<dyn Clock>,
    /// Connections in the pool.
    pub pool_size: u32,
    /// SQLite's sync mode (FULL: every acknowledged commit is on the disk).
    pub sqlite_sync: SqliteSync,
    /// How the job workers run (lease length, batch, poll interval).
    pub engine: EngineConfig,
    /// The KvK and insolvency registers; none configured = the embedded fixture register.
    pub registers: Registers,
    /// TLS (and mTLS with a client CA); `None`: plain TCP.
    pub tls: Option<TlsConfig>,
    /// How fast one token may call.
    pub rate_limit: RateLimit,
    /// How long a looked-up token is trusted ([`DEFAULT_TOKEN_CACHE`]; zero: never).
    pub token_cache: Duration,
    /// The server's own deadline for a call ([`DEFAULT_REQUEST_TIMEOUT`]).
    pub request_timeout: Duration,
    /// The client portal (`--portal-listen`); `None`: off.
    pub portal: Option<crate::portal::PortalConfig>,
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Reflection could not be built from the descriptor set.
    #[error("reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    /// The transport failed.
    #[error("transport: {0}")]
    Transport(#[from] tonic::transport::Error),
    /// A register is configured in a way that cannot work.
    #[error("registers: {0}")]
    Registers(#[from] ConfigError),
}

/// A generated service server with [`MAX_MESSAGE_BYTES`] both ways (the generated types
/// share no trait to write this as a function).
macro_rules! limited {
    ($server:expr) => {
        $server
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES)
    };
}

/// Opens and migrates the store, starts the job workers, then serves on `listener` until
/// `shutdown` resolves; then stops accepting and leasing, lets in-flight calls and the
/// jobs in hand finish, gives unstarted leases back and returns.
///
/// A manual `clock` becomes the shared clock in the database, starting at its time unless
/// the database's clock already stands later.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    let store = {
        let url = config.database_url.clone();
        let pool_size = config.pool_size;
        let sqlite_sync = config.sqlite_sync;
        tokio::task::spawn_blocking(move || {
            let store = Store::open_with(&url, pool_size, sqlite_sync)?;
            let applied = store.migrate()?;
            tracing::info!(
                applied,
                backend = store.backend().system_name(),
                "database ready"
            );
            Ok::<_, StoreError>(store)
        })
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))??
    };
    if tokens::count(&store).await.unwrap_or(0) == 0 {
        tracing::warn!(
            "no API tokens yet: every exploot.v1 call will be refused UNAUTHENTICATED; \
             create the first admin token with `exploot token create --role admin \
             --database-url <this server's database>`"
        );
    }
    let db_clock = if config.clock.is_manual() {
        Some(Arc::new(
            DbClock::open(store.clone(), config.clock.now()).await?,
        ))
    } else {
        None
    };
    // Built now so a register configuration that cannot work fails at start; the
    // recoverability job (issue 7) takes the registry from here.
    let registry_clock: Arc<dyn Clock> = match &db_clock {
        Some(shared) => shared.clone(),
        None => config.clock.clone(),
    };
    let registry = config
        .registers
        .build(Some(store.clone()), registry_clock)?;
    tracing::info!(registers = %config.registers.describe(), "register lookups");
    let (stop_engine, engine_stopped) = tokio::sync::watch::channel(false);
    let app = App::with_engine(
        store,
        config.clock,
        db_clock,
        config.engine,
        engine_stopped.clone(),
    )
    .with_registry(registry);
    match app.current_office().await {
        Ok(Some(office)) => tracing::info!(version = office.version, "office configured"),
        Ok(None) => tracing::warn!(
            "no office configured: no letter or writ will be rendered (each render job opens \
             an office_missing task) until an admin stores one with AdminService.PutOffice"
        ),
        Err(e) => tracing::warn!(error = %e, "could not read the office"),
    }
    let instance = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    app.observe_jobs_due();
    let portal = config.portal.map(|portal| {
        let mut stopped = engine_stopped.clone();
        tokio::spawn(crate::portal::serve(app.clone(), portal, async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        }))
    });
    let workers = tokio::spawn(run_workers(app.clone(), instance, engine_stopped.clone()));
    let shutdown = async move {
        shutdown.await;
        // Workers stop leasing and watchers end their streams, so in-flight calls finish.
        let _no_receivers_left = stop_engine.send(true);
    };

    let (health, health_service) = tonic_health::server::health_reporter();
    crate::health::report(&health, true).await;
    tokio::spawn(crate::health::watch_database(
        app.store().clone(),
        health,
        engine_stopped,
    ));

    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;

    let gate = Gate::new(
        app.clone(),
        Tokens::new(app.store().clone(), config.token_cache),
        RateLimiter::new(config.rate_limit),
    );
    tracing::info!(address = %listener.local_addr().map(|a| a.to_string()).unwrap_or_default(), "serving");
    let mut server = Server::builder().timeout(config.request_timeout);
    if let Some(tls) = &config.tls {
        server = server.tls_config(tls.server_config())?;
    }
    // The RPC span outermost, so a call refused by the gate is traced and measured too.
    server
        .layer(RpcLayer)
        .layer(AuthLayer::new(gate))
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(limited!(CaseServiceServer::new(CaseApi::new(app.clone()))))
        .add_service(limited!(IntakeServiceServer::new(IntakeApi::new(
            app.clone()
        ))))
        .add_service(limited!(TaskServiceServer::new(TaskApi::new(app.clone()))))
        .add_service(limited!(DocumentServiceServer::new(DocumentApi::new(
            app.clone()
        ))))
        .add_service(limited!(CalculatorServiceServer::new(CalculatorApi::new(
            app.clone()
        ))))
        .add_service(limited!(PayoutServiceServer::new(PayoutApi::new(
            app.clone()
        ))))
        .add_service(limited!(AdminServiceServer::new(AdminApi::new(app))))
        .serve_with_incoming_shutdown(incoming(listener), shutdown)
        .await?;
    if let Err(e) = workers.await {
        tracing::error!(error = %e, "job workers panicked");
    }
    if let Some(portal) = portal {
        match portal.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "the portal stopped with an error"),
            Err(e) => tracing::error!(error = %e, "the portal panicked"),
        }
    }
    tracing::info!("stopped");
    Ok(())
}

/// The accepted connections, with Nagle's algorithm off: a unary answer goes out in more
/// than one small segment (headers, data, trailers), and with Nagle on, the later ones
/// wait for the client's delayed ACK — which rides on its next request. The load curve
/// showed it: at 50 calls/s the median latency was the 20 ms between calls.
fn incoming(listener: TcpListener) -> TcpIncoming {
    TcpIncoming::from(listener).with_nodelay(Some(true))
}
