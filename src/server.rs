//! The gRPC server: every v1 service, the standard health service and server reflection
//! (v1 and v1alpha, so grpcurl, Evans, Postman and grpcui can list and call everything).

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::Server;

use crate::api::{AdminApi, CalculatorApi, CaseApi, DocumentApi, IntakeApi, TaskApi};
use crate::clock::Clock;
use crate::proto::{
    FILE_DESCRIPTOR_SET, admin_service_server::AdminServiceServer,
    calculator_service_server::CalculatorServiceServer, case_service_server::CaseServiceServer,
    document_service_server::DocumentServiceServer, intake_service_server::IntakeServiceServer,
    task_service_server::TaskServiceServer,
};
use crate::registry::{ConfigError, Registers};
use crate::store::{Store, StoreError};
use crate::telemetry::rpc::RpcLayer;
use crate::tls::TlsConfig;
use crate::workflow::{App, DbClock, EngineConfig, run_workers};

/// What `serve` needs.
pub struct Config {
    /// `sqlite://PATH` or `postgres://…`.
    pub database_url: String,
    /// The clock the service runs on.
    pub clock: Arc<dyn Clock>,
    /// Connections in the pool.
    pub pool_size: u32,
    /// How the job workers run (lease length, batch, poll interval).
    pub engine: EngineConfig,
    /// The KvK and insolvency registers; none configured = the embedded fixture register.
    pub registers: Registers,
    /// TLS (and mTLS with a client CA); `None`: plain TCP.
    pub tls: Option<TlsConfig>,
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
        tokio::task::spawn_blocking(move || {
            let store = Store::open(&url, pool_size)?;
            let applied = store.migrate()?;
            tracing::info!(applied, backend = ?std::mem::discriminant(store.backend()), "database ready");
            Ok::<_, StoreError>(store)
        })
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))??
    };
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
    let instance = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    app.observe_jobs_due();
    let workers = tokio::spawn(run_workers(app.clone(), instance, engine_stopped));
    let shutdown = async move {
        shutdown.await;
        // Workers stop leasing and watchers end their streams, so in-flight calls finish.
        let _no_receivers_left = stop_engine.send(true);
    };

    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_serving::<CaseServiceServer<CaseApi>>().await;
    health.set_serving::<IntakeServiceServer<IntakeApi>>().await;
    health.set_serving::<TaskServiceServer<TaskApi>>().await;
    health
        .set_serving::<DocumentServiceServer<DocumentApi>>()
        .await;
    health
        .set_serving::<CalculatorServiceServer<CalculatorApi>>()
        .await;
    health.set_serving::<AdminServiceServer<AdminApi>>().await;

    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;

    tracing::info!(address = %listener.local_addr().map(|a| a.to_string()).unwrap_or_default(), "serving");
    let mut server = Server::builder();
    if let Some(tls) = &config.tls {
        server = server.tls_config(tls.server_config())?;
    }
    server
        .layer(RpcLayer)
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(CaseServiceServer::new(CaseApi::new(app.clone())))
        .add_service(IntakeServiceServer::new(IntakeApi::new(app.clone())))
        .add_service(TaskServiceServer::new(TaskApi::new(app.clone())))
        .add_service(DocumentServiceServer::new(DocumentApi::new(app.clone())))
        .add_service(CalculatorServiceServer::new(CalculatorApi))
        .add_service(AdminServiceServer::new(AdminApi::new(app)))
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), shutdown)
        .await?;
    if let Err(e) = workers.await {
        tracing::error!(error = %e, "job workers panicked");
    }
    tracing::info!("stopped");
    Ok(())
}
