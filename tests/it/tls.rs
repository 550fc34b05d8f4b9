//! TLS and mutual TLS on the real server, with the certificates in `fixtures/tls/` (see
//! the README there): a client with a certificate from the configured CA is served, one
//! without a certificate or with one from another CA is refused, and plain TCP to a TLS
//! listener gets nothing.

use std::sync::Arc;

use exploot::clock::{Clock, ManualClock};
use exploot::server::{Config, serve};
use exploot::tls::TlsConfig;
use tokio::sync::oneshot;
use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

use crate::harness::TestDb;
use crate::harness::server::{default_start, wait_serving};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/it/fixtures/tls/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A TLS server on 127.0.0.1:0; mTLS when `client_ca` names a CA fixture.
struct TlsServer {
    port: u16,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), exploot::server::ServeError>>,
    _db: TestDb,
}

impl TlsServer {
    async fn start(client_ca: Option<&str>) -> Self {
        let db = TestDb::sqlite();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let config = Config {
            database_url: db.url.clone(),
            clock: Arc::new(ManualClock::new(default_start())) as Arc<dyn Clock>,
            pool_size: 2,
            sqlite_sync: exploot::store::SqliteSync::Full,
            engine: exploot::workflow::EngineConfig::default(),
            registers: exploot::registry::Registers::default(),
            tls: Some(TlsConfig {
                cert_pem: fixture("server.pem"),
                key_pem: fixture("server.key"),
                client_ca_pem: client_ca.map(fixture),
            }),
            rate_limit: exploot::api::rate_limit::RateLimit::default(),
            token_cache: exploot::server::DEFAULT_TOKEN_CACHE,
            request_timeout: exploot::server::DEFAULT_REQUEST_TIMEOUT,
            portal: None,
        };
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(serve(config, listener, async {
            let _ = stopped.await;
        }));
        let server = Self {
            port,
            stop,
            task,
            _db: db,
        };
        // Up once a well-configured client is served.
        wait_serving(&server.channel(Some("client")).connect_lazy()).await;
        server
    }

    /// A TLS endpoint trusting the test CA, presenting `identity`'s certificate if any.
    fn channel(&self, identity: Option<&str>) -> Endpoint {
        let mut tls = ClientTlsConfig::new()
            .ca_certificate(Certificate::from_pem(fixture("ca.pem")))
            .domain_name("localhost");
        if let Some(name) = identity {
            tls = tls.identity(Identity::from_pem(
                fixture(&format!("{name}.pem")),
                fixture(&format!("{name}.key")),
            ));
        }
        Endpoint::from_shared(format!("https://127.0.0.1:{}", self.port))
            .unwrap()
            .tls_config(tls)
            .unwrap()
    }

    /// Whether a health check over `endpoint` is answered.
    async fn served(endpoint: Endpoint) -> Result<(), String> {
        let channel = endpoint.connect().await.map_err(|e| format!("{e:?}"))?;
        HealthClient::new(channel)
            .check(HealthCheckRequest::default())
            .await
            .map(drop)
            .map_err(|e| format!("{e:?}"))
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.unwrap().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_serves_only_clients_with_a_certificate_from_the_ca() {
    let server = TlsServer::start(Some("ca.pem")).await;
    TlsServer::served(server.channel(Some("client")))
        .await
        .expect("a client certificate signed by the CA is served");
    let anonymous = TlsServer::served(server.channel(None)).await;
    assert!(anonymous.is_err(), "no client certificate: refused");
    let stranger = TlsServer::served(server.channel(Some("stranger"))).await;
    assert!(stranger.is_err(), "a certificate from another CA: refused");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_tls_serves_any_client_and_no_plain_tcp() {
    let server = TlsServer::start(None).await;
    TlsServer::served(server.channel(None))
        .await
        .expect("TLS without a client certificate is served");
    let plain = Endpoint::from_shared(format!("http://127.0.0.1:{}", server.port))
        .unwrap()
        .timeout(std::time::Duration::from_secs(10));
    assert!(
        TlsServer::served(plain).await.is_err(),
        "plain HTTP/2 to a TLS listener is not answered"
    );
    server.stop().await;
}
