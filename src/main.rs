//! The `exploot` command: serve, migrate, quote, import, bank-import, token, rates.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};
use exploot::api::rate_limit::RateLimit;
use exploot::clock::{Clock, ManualClock, SystemClock};
use exploot::registry::{CirConfig, KvkConfig, Registers};
use exploot::server::{self, Config};
use exploot::store::{SqliteSync, Store};
use exploot::telemetry::{LogFormat, Telemetry};
use exploot::tls::TlsConfig;
use exploot::workflow::EngineConfig;

/// The legal track of a Dutch bailiff office, as a gRPC service.
#[derive(Parser)]
#[command(name = "exploot", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// How a command reaches a running server.
#[derive(Args)]
struct Remote {
    /// The server's gRPC address.
    #[arg(long, env = "EXPLOOT_SERVER", default_value = "http://127.0.0.1:50051")]
    server: String,
    /// The API token (prefer the environment: the command line shows in `ps`).
    #[arg(long, env = "EXPLOOT_TOKEN", hide_env_values = true)]
    token: String,
    /// For an `https://` server: the CA certificate (PEM) its certificate is signed by.
    /// Plain `http://` is only allowed to a loopback address.
    #[arg(long, env = "EXPLOOT_TLS_CA")]
    tls_ca: Option<std::path::PathBuf>,
    /// This client's certificate (PEM), for a server that asks for one (mTLS).
    #[arg(long, env = "EXPLOOT_TLS_CLIENT_CERT", requires = "tls_client_key")]
    tls_client_cert: Option<std::path::PathBuf>,
    /// The key (PEM) of --tls-client-cert.
    #[arg(long, env = "EXPLOOT_TLS_CLIENT_KEY", requires = "tls_client_cert")]
    tls_client_key: Option<std::path::PathBuf>,
}

impl Remote {
    fn tls(&self) -> exploot::cli::server_endpoint::ClientTls {
        exploot::cli::server_endpoint::ClientTls {
            ca: self.tls_ca.clone(),
            identity: self
                .tls_client_cert
                .clone()
                .zip(self.tls_client_key.clone()),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the gRPC service.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "EXPLOOT_LISTEN", default_value = "127.0.0.1:50051")]
        listen: SocketAddr,
        /// `sqlite://PATH` (created if missing) or `postgres://USER@HOST/DB`.
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://exploot.db")]
        database_url: String,
        /// `system`, or `manual[:RFC3339]` for a clock that moves only by AdvanceClock,
        /// stored in the database so every instance on it shares the time.
        #[arg(long, default_value = "system")]
        clock: String,
        /// Database connections in the pool.
        #[arg(long, env = "EXPLOOT_POOL_SIZE", default_value_t = 8)]
        pool_size: u32,
        /// SQLite only: `full` syncs every commit before it is acknowledged; `normal`
        /// syncs at checkpoints (faster; an OS crash or power loss may undo the last
        /// acknowledged commits).
        #[arg(
            long,
            env = "EXPLOOT_SQLITE_SYNCHRONOUS",
            value_enum,
            default_value = "full"
        )]
        sqlite_synchronous: SqliteSync,
        /// How long a job lease holds, in seconds; a dead instance's jobs are taken over
        /// after it.
        #[arg(long, env = "EXPLOOT_LEASE_SECONDS", default_value_t = 60)]
        lease_seconds: u64,
        /// Concurrent job workers in this instance.
        #[arg(long, env = "EXPLOOT_WORKERS", default_value_t = 2)]
        workers: usize,
        /// Jobs leased at a time by one worker.
        #[arg(long, env = "EXPLOOT_JOB_BATCH", default_value_t = 64)]
        job_batch: i64,
        /// Calls a second one token may make, sustained; more get RESOURCE_EXHAUSTED.
        #[arg(long, env = "EXPLOOT_RATE_LIMIT", default_value_t = 100.0)]
        rate_limit: f64,
        /// Calls one token may make at once after a pause.
        #[arg(long, env = "EXPLOOT_RATE_BURST", default_value_t = 200.0)]
        rate_burst: f64,
        /// Seconds a looked-up token is trusted before it is read again: a revocation
        /// takes effect within this (0: read on every call).
        #[arg(long, env = "EXPLOOT_TOKEN_CACHE_SECONDS", default_value_t = 5)]
        token_cache_seconds: u64,
        /// The server's deadline for a call's answer, in seconds (a caller's shorter
        /// `grpc-timeout` wins); streams, once answered, are not cut.
        #[arg(long, env = "EXPLOOT_REQUEST_TIMEOUT_SECONDS", default_value_t = 300)]
        request_timeout_seconds: u64,
        #[command(flatten)]
        registers: Box<RegisterArgs>,
        #[command(flatten)]
        transport: Box<TransportArgs>,
        /// Log lines on stderr: `text`, or `json` (one object per line). `RUST_LOG` filters.
        #[arg(long, env = "EXPLOOT_LOG_FORMAT", value_enum, default_value = "text")]
        log_format: LogFormat,
        /// The client portal's address (plain HTTP: off loopback only with --insecure,
        /// behind a TLS proxy), or `off`. Default 127.0.0.1:8080; when that default is in
        /// use, the service runs without the portal and says so.
        #[arg(long, env = "EXPLOOT_PORTAL_LISTEN")]
        portal_listen: Option<String>,
        /// The portal stands behind a TLS proxy even on loopback (nginx or caddy on this
        /// machine): its cookies are `Secure`, as they always are off loopback.
        #[arg(long, env = "EXPLOOT_PORTAL_BEHIND_TLS")]
        portal_behind_tls: bool,
        /// The address of a TLS proxy in front of the portal (repeat for several): sign-in
        /// limits then count per address the proxy names last in `X-Forwarded-For`, not
        /// per the proxy's own address, which every user shares.
        #[arg(long, env = "EXPLOOT_PORTAL_TRUSTED_PROXY", value_delimiter = ',')]
        portal_trusted_proxy: Vec<std::net::IpAddr>,
    },
    /// Quote a claim offline: FILE is a QuoteClaimRequest in proto JSON.
    Quote {
        /// The request, e.g. `{"debtor_kind": "DEBTOR_KIND_CONSUMER", "invoices": [...], "as_of": "2026-05-04"}`.
        file: std::path::PathBuf,
        /// Print the ClaimQuote as proto JSON instead of the breakdown.
        #[arg(long)]
        json: bool,
    },
    /// Import claims from a CSV file into a running server: one row per invoice, the
    /// rows of a claim together (see README → Importing claims).
    Import {
        /// The CSV file; rejected rows go to FILE.rejects.csv.
        file: std::path::PathBuf,
        /// The client (opdrachtgever) the claims are for.
        #[arg(long)]
        client: String,
        /// The server, and the token: the client's own, or an admin's.
        #[command(flatten)]
        remote: Remote,
    },
    /// Import a bank statement (camt.053) of the office's third-party account into a
    /// running server: every credit booked to its case, the rest as tasks (see README →
    /// Money in and out).
    BankImport {
        /// The camt.053 XML file.
        file: std::path::PathBuf,
        /// The server, and the token: a case handler's or the admin's.
        #[command(flatten)]
        remote: Remote,
    },
    /// Issue, list and revoke API tokens, straight on the database.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Create the client portal's users, straight on the database.
    User {
        #[command(subcommand)]
        command: UserCommand,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// The office's statutory interest rates on a running server: add a row, list the
    /// table in force (see README → Interest rates).
    Rates {
        #[command(subcommand)]
        command: RatesCommand,
        #[command(flatten)]
        remote: Box<RemoteArgs>,
    },
    /// The office's kanton court fee tables on a running server: add a year, list the
    /// tables in force (see README → Court fees).
    CourtFees {
        #[command(subcommand)]
        command: CourtFeesCommand,
        #[command(flatten)]
        remote: Box<RemoteArgs>,
    },
    /// The office's bailiff's tariffs (Btag) on a running server: add a year, list the
    /// years in force (see README → Bailiff's tariffs).
    BailiffTariffs {
        #[command(subcommand)]
        command: BailiffTariffsCommand,
        #[command(flatten)]
        remote: Box<RemoteArgs>,
    },
    /// Apply the embedded database migrations and exit.
    Migrate {
        /// `sqlite://PATH` or `postgres://USER@HOST/DB`.
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://exploot.db")]
        database_url: String,
    },
}

/// The database of the commands that work on it directly (`token`, `user`).
#[derive(clap::Args)]
struct DatabaseArg {
    /// `sqlite://PATH` or `postgres://USER@HOST/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://exploot.db",
        global = true
    )]
    database_url: String,
}

/// What `exploot user` does.
#[derive(Subcommand)]
enum UserCommand {
    /// A portal user of a client: the password is read from stdin (one line), or, when
    /// stdin is a terminal or empty, generated and printed once.
    Create {
        /// The client whose cases the user sees.
        #[arg(long)]
        client: String,
        /// The e-mail address the user signs in with.
        #[arg(long)]
        email: String,
    },
    /// Refuse the user from now on (someone who left the client): every session ends.
    Disable {
        /// The e-mail address the user signs in with.
        #[arg(long)]
        email: String,
    },
    /// Let a disabled user sign in again.
    Enable {
        /// The e-mail address the user signs in with.
        #[arg(long)]
        email: String,
    },
    /// Lift the lock after too many wrong passwords.
    Unlock {
        /// The e-mail address the user signs in with.
        #[arg(long)]
        email: String,
    },
    /// A new password, read from stdin or generated and printed once, as with `create`;
    /// every session ends and the lock is lifted.
    ResetPassword {
        /// The e-mail address the user signs in with.
        #[arg(long)]
        email: String,
    },
}

/// What `exploot token` does.
#[derive(Subcommand)]
enum TokenCommand {
    /// Issue a token and print it, once: only its SHA-256 is stored.
    Create {
        /// case_handler, front_office, client or admin.
        #[arg(long)]
        role: String,
        /// The client a `client` token is bound to.
        #[arg(long)]
        client: Option<String>,
        /// Refused from then on: an RFC 3339 instant, or a date (valid through that day,
        /// Amsterdam time). Judged by the service clock.
        #[arg(long)]
        expires: Option<String>,
    },
    /// Every token: id, role, client, created, expires, revoked (never the token).
    List,
    /// Refuse a token from now on.
    Revoke {
        /// The token's id, from `token list`.
        id: String,
    },
}

/// What `exploot rates` does.
#[derive(Subcommand)]
enum RatesCommand {
    /// Add a row: from FROM on, RATE is the yearly rate of SERIES. A row from today or
    /// earlier corrects figures already owed and needs --override.
    Add {
        /// `6:119` (wettelijke rente) or `6:119a` (wettelijke handelsrente).
        #[arg(long)]
        series: String,
        /// First day in force, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Yearly percentage, e.g. 10.15.
        #[arg(long)]
        rate: String,
        /// Where the figure comes from, e.g. "Stcrt. 2026, 12345".
        #[arg(long)]
        source: String,
        /// Add a row from today or earlier: figures already owed change.
        #[arg(long = "override")]
        override_past: bool,
    },
    /// The table in force: built-in rows and the office's, with status and source.
    List {
        /// Only this series: `6:119` or `6:119a`.
        #[arg(long)]
        series: Option<String>,
    },
}

/// What `exploot court-fees` does.
#[derive(clap::Subcommand)]
enum CourtFeesCommand {
    /// Add YEAR's table: six --class, lowest first (up to € 500, € 1,500, € 2,500,
    /// € 5,000, € 12,500, above), each LEGAL/NATURAL/ONVERMOGEND in euros. A year begun or
    /// already in the table needs --override.
    Add {
        /// The year of the first hearing dates it applies to.
        #[arg(long)]
        year: i32,
        /// One class, LEGAL/NATURAL/ONVERMOGEND, e.g. 143/96/96; six, lowest first.
        #[arg(long = "class", value_parser = exploot::cli::court_fees::class)]
        classes: Vec<exploot::proto::CourtFeeClass>,
        /// Where the figures come from, e.g. "Stcrt. 2026, 34567".
        #[arg(long)]
        source: String,
        /// A year begun or already in the table: a correction.
        #[arg(long = "override")]
        override_past: bool,
    },
    /// The tables in force: the built-in years and the office's, with status and source.
    List,
}

/// What `exploot bailiff-tariffs` does.
#[derive(clap::Subcommand)]
enum BailiffTariffsCommand {
    /// Add YEAR's Btag tariffs: a --tariff ACT=EUROS (excl. VAT) for each of the nine acts:
    /// summons, judgment_service, notice, other_service, attachment_of_movables,
    /// garnishment, wage_garnishment, maintenance_garnishment, attachment_of_real_property.
    /// A year begun or already in the table needs --override.
    Add {
        /// The year of the acts it applies to, from 1 January.
        #[arg(long)]
        year: i32,
        /// One act's tariff, ACT=EUROS, e.g. summons=130.00; nine, in any order.
        #[arg(long = "tariff", value_parser = exploot::cli::bailiff_tariffs::tariff)]
        tariffs: Vec<exploot::proto::BailiffTariff>,
        /// Where the figures come from, e.g. "Stcrt. 2026, 45678".
        #[arg(long)]
        source: String,
        /// A year begun or already in the table: a correction.
        #[arg(long = "override")]
        override_past: bool,
    },
    /// The years in force: the built-in ones and the office's, with status and source.
    List,
}

/// Where a command reaches a running server, and with which token.
#[derive(clap::Args)]
struct RemoteArgs {
    /// The server's gRPC address.
    #[arg(
        long,
        env = "EXPLOOT_SERVER",
        default_value = "http://127.0.0.1:50051",
        global = true
    )]
    server: String,
    /// The API token: an admin's to add, any office token to list (prefer the
    /// environment: the command line shows in `ps`).
    #[arg(long, env = "EXPLOOT_TOKEN", hide_env_values = true, global = true)]
    token: Option<String>,
    /// For an `https://` server: the CA certificate (PEM) its certificate is signed by.
    #[arg(long, env = "EXPLOOT_TLS_CA", global = true)]
    tls_ca: Option<std::path::PathBuf>,
    /// This client's certificate (PEM), for a server that asks for one (mTLS).
    #[arg(long, env = "EXPLOOT_TLS_CLIENT_CERT", global = true)]
    tls_client_cert: Option<std::path::PathBuf>,
    /// The key (PEM) of --tls-client-cert.
    #[arg(long, env = "EXPLOOT_TLS_CLIENT_KEY", global = true)]
    tls_client_key: Option<std::path::PathBuf>,
}

impl RemoteArgs {
    /// The server, its TLS and the token, as the remote commands take them.
    fn into_remote(self) -> Result<exploot::cli::rates::Remote, String> {
        Ok(exploot::cli::rates::Remote {
            server: self.server,
            tls: exploot::cli::server_endpoint::ClientTls {
                ca: self.tls_ca,
                identity: self.tls_client_cert.zip(self.tls_client_key),
            },
            token: self
                .token
                .ok_or("name a token with --token or EXPLOOT_TOKEN")?,
        })
    }
}

/// The public registers the recoverability check asks (see README → Recoverability check).
/// A register without a URL is the embedded fixture register. Prefer the environment for
/// the secrets: the command line shows in `ps`.
#[derive(clap::Args)]
struct RegisterArgs {
    /// KvK API base URL up to `/api`: `https://api.kvk.nl/api`, or the test environment
    /// `https://api.kvk.nl/test/api`. Unset: the fixture register.
    #[arg(long, env = "EXPLOOT_KVK_URL")]
    kvk_url: Option<String>,
    /// KvK API key, sent as the `apikey` header.
    #[arg(
        long,
        env = "EXPLOOT_KVK_API_KEY",
        hide_env_values = true,
        default_value = ""
    )]
    kvk_api_key: String,
    /// Insolvency register web service, e.g. `https://webservice.rechtspraak.nl/cir.asmx`.
    /// Unset: the fixture register.
    #[arg(long, env = "EXPLOOT_INSOLVENCY_URL")]
    insolvency_url: Option<String>,
    /// Insolvency register username (WS-Security UsernameToken).
    #[arg(long, env = "EXPLOOT_INSOLVENCY_USERNAME", default_value = "")]
    insolvency_username: String,
    /// Insolvency register password.
    #[arg(
        long,
        env = "EXPLOOT_INSOLVENCY_PASSWORD",
        hide_env_values = true,
        default_value = ""
    )]
    insolvency_password: String,
    /// Extra trusted root certificates (PEM) for the registers: api.kvk.nl needs the Staat
    /// der Nederlanden Private Root CA – G1.
    #[arg(long, env = "EXPLOOT_REGISTER_CA_FILE")]
    register_ca_file: Option<std::path::PathBuf>,
    /// Seconds one register request may take before it is retried.
    #[arg(long, env = "EXPLOOT_REGISTER_TIMEOUT_SECONDS", default_value_t = 10)]
    register_timeout_seconds: u64,
    /// Hours a register answer is reused from the database (0: never).
    #[arg(long, env = "EXPLOOT_REGISTER_CACHE_HOURS", default_value_t = 24)]
    register_cache_hours: u64,
}

/// How the listener is secured (see README → TLS).
#[derive(clap::Args)]
struct TransportArgs {
    /// Serve TLS with this certificate chain (PEM, leaf first).
    #[arg(long, env = "EXPLOOT_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<std::path::PathBuf>,
    /// The private key of `--tls-cert` (PEM).
    #[arg(long, env = "EXPLOOT_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<std::path::PathBuf>,
    /// Require client certificates signed by this CA (PEM): mutual TLS.
    #[arg(long, env = "EXPLOOT_TLS_CLIENT_CA", requires = "tls_cert")]
    tls_client_ca: Option<std::path::PathBuf>,
    /// Allow plain TCP on an address other than loopback (e.g. behind a TLS proxy).
    #[arg(long)]
    insecure: bool,
}

impl TransportArgs {
    /// The TLS settings, after checking that plain TCP is allowed where there are none.
    fn tls_for(&self, listen: SocketAddr) -> Result<Option<TlsConfig>, String> {
        let tls = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => {
                Some(TlsConfig::read(cert, key, self.tls_client_ca.as_deref())?)
            }
            _ => None,
        };
        exploot::tls::check_plaintext(listen, tls.is_some(), self.insecure)?;
        Ok(tls)
    }
}

impl RegisterArgs {
    fn into_registers(self) -> Registers {
        Registers {
            kvk: self.kvk_url.map(|base_url| KvkConfig {
                base_url,
                api_key: self.kvk_api_key,
            }),
            insolvency: self.insolvency_url.map(|url| CirConfig {
                url,
                username: self.insolvency_username,
                password: self.insolvency_password,
            }),
            ca_file: self.register_ca_file,
            timeout: std::time::Duration::from_secs(self.register_timeout_seconds.max(1)),
            cache_ttl: std::time::Duration::from_secs(self.register_cache_hours * 3600),
            ..Registers::default()
        }
    }
}

/// Where the client portal listens unless `--portal-listen` says otherwise.
const DEFAULT_PORTAL: &str = "127.0.0.1:8080";

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `serve` sets up its own, with OTLP export, inside its runtime.
    if !matches!(cli.command, Command::Serve { .. }) {
        Telemetry::logs_only(LogFormat::Text);
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("exploot: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve {
            listen,
            database_url,
            clock,
            pool_size,
            sqlite_synchronous,
            lease_seconds,
            workers,
            job_batch,
            rate_limit,
            rate_burst,
            token_cache_seconds,
            request_timeout_seconds,
            registers,
            transport,
            log_format,
            portal_listen,
            portal_behind_tls,
            portal_trusted_proxy,
        } => {
            let clock = parse_clock(&clock)?;
            let tls = transport.tls_for(listen)?;
            let portal_default = portal_listen.is_none();
            let portal_listen = match portal_listen.as_deref().unwrap_or(DEFAULT_PORTAL) {
                "off" => None,
                text => {
                    let address: SocketAddr = text.parse().map_err(|e| {
                        format!("--portal-listen {text}: not an address or `off` ({e})")
                    })?;
                    exploot::tls::check_plaintext(address, false, transport.insecure)
                        .map_err(|e| format!("--portal-listen: {e}"))?;
                    Some(address)
                }
            };
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            let telemetry = {
                // The OTLP exporters' channels live on the runtime.
                let _in_runtime = runtime.enter();
                Telemetry::install(log_format).map_err(|e| e.to_string())?
            };
            let served = runtime.block_on(async {
                // Handlers first: a SIGTERM that arrives while the store opens or before
                // the first call must still mean a graceful stop, not the default kill.
                let shutdown = shutdown_signal().map_err(|e| format!("signal handlers: {e}"))?;
                let listener = tokio::net::TcpListener::bind(listen)
                    .await
                    .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
                let portal = match portal_listen {
                    Some(address) => match tokio::net::TcpListener::bind(address).await {
                        Ok(listener) => Some(exploot::portal::PortalConfig {
                            listener,
                            // Off loopback the portal stands behind a TLS proxy (--insecure);
                            // on loopback when the operator says so.
                            secure_cookies: portal_behind_tls || !address.ip().is_loopback(),
                            trusted_proxies: portal_trusted_proxy.clone(),
                        }),
                        // A second instance on one machine keeps serving gRPC.
                        Err(e) if portal_default && e.kind() == std::io::ErrorKind::AddrInUse => {
                            tracing::warn!(
                                "the portal's default address {address} is in use: serving \
                                 without the portal (give --portal-listen ADDR, or off)"
                            );
                            None
                        }
                        Err(e) => return Err(format!("cannot listen on {address}: {e}")),
                    },
                    None => None,
                };
                let config = Config {
                    database_url,
                    clock,
                    pool_size,
                    sqlite_sync: sqlite_synchronous,
                    engine: EngineConfig {
                        workers,
                        batch: job_batch.max(1),
                        lease: std::time::Duration::from_secs(lease_seconds.max(1)),
                        ..EngineConfig::default()
                    },
                    registers: (*registers).into_registers(),
                    tls,
                    rate_limit: RateLimit {
                        per_second: rate_limit.max(0.001),
                        burst: rate_burst.max(1.0),
                    },
                    token_cache: std::time::Duration::from_secs(token_cache_seconds),
                    request_timeout: std::time::Duration::from_secs(request_timeout_seconds.max(1)),
                    portal,
                };
                server::serve(config, listener, shutdown)
                    .await
                    .map_err(|e| e.to_string())
            });
            // Off the runtime's threads, with the runtime still up: the last export.
            telemetry.shutdown();
            served
        }
        Command::Quote { file, json } => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            print!("{}", exploot::cli::quote::run(&text, json)?);
            Ok(())
        }
        Command::Import {
            file,
            client,
            remote,
        } => {
            let summary = exploot::cli::import::run(
                &file,
                &client,
                &remote.server,
                &remote.tls(),
                &remote.token,
            )?;
            print!("{summary}");
            Ok(())
        }
        Command::BankImport { file, remote } => {
            let report = exploot::cli::bank_import::run(
                &file,
                &remote.server,
                &remote.tls(),
                &remote.token,
            )?;
            print!("{report}");
            Ok(())
        }
        Command::Token { command, database } => {
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            runtime.block_on(token_command(command, &database.database_url))
        }
        Command::User { command, database } => {
            use exploot::workflow::portal::UserChangeAsked as Asked;
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            let url = &database.database_url;
            runtime.block_on(async {
                match command {
                    UserCommand::Create { client, email } => {
                        exploot::cli::user::create(url, client, email).await
                    }
                    UserCommand::Disable { email } => {
                        exploot::cli::user::change(url, &email, Some(Asked::Disable)).await
                    }
                    UserCommand::Enable { email } => {
                        exploot::cli::user::change(url, &email, Some(Asked::Enable)).await
                    }
                    UserCommand::Unlock { email } => {
                        exploot::cli::user::change(url, &email, Some(Asked::Unlock)).await
                    }
                    UserCommand::ResetPassword { email } => {
                        exploot::cli::user::change(url, &email, None).await
                    }
                }
            })
        }
        Command::Rates { command, remote } => {
            let remote = remote.into_remote()?;
            let out = match command {
                RatesCommand::Add {
                    series,
                    from,
                    rate,
                    source,
                    override_past,
                } => exploot::cli::rates::add(
                    &remote,
                    exploot::proto::AddRateRequest {
                        series,
                        valid_from: from,
                        rate,
                        source,
                        r#override: override_past,
                    },
                )?,
                RatesCommand::List { series } => exploot::cli::rates::list(&remote, series)?,
            };
            print!("{out}");
            Ok(())
        }
        Command::CourtFees { command, remote } => {
            let remote = remote.into_remote()?;
            let out = match command {
                CourtFeesCommand::Add {
                    year,
                    classes,
                    source,
                    override_past,
                } => exploot::cli::court_fees::add(
                    &remote,
                    exploot::proto::AddCourtFeesRequest {
                        year,
                        classes,
                        source,
                        r#override: override_past,
                    },
                )?,
                CourtFeesCommand::List => exploot::cli::court_fees::list(&remote)?,
            };
            print!("{out}");
            Ok(())
        }
        Command::BailiffTariffs { command, remote } => {
            let remote = remote.into_remote()?;
            let out = match command {
                BailiffTariffsCommand::Add {
                    year,
                    tariffs,
                    source,
                    override_past,
                } => exploot::cli::bailiff_tariffs::add(
                    &remote,
                    exploot::proto::AddBailiffTariffsRequest {
                        year,
                        tariffs,
                        source,
                        r#override: override_past,
                    },
                )?,
                BailiffTariffsCommand::List => exploot::cli::bailiff_tariffs::list(&remote)?,
            };
            print!("{out}");
            Ok(())
        }
        Command::Migrate { database_url } => {
            let store = Store::open(&database_url, 1).map_err(|e| e.to_string())?;
            let applied = store.migrate().map_err(|e| e.to_string())?;
            println!("{applied} migration(s) applied");
            Ok(())
        }
    }
}

async fn token_command(command: TokenCommand, database_url: &str) -> Result<(), String> {
    use exploot::cli::token;
    let store = token::open(database_url)?;
    match command {
        TokenCommand::Create {
            role,
            client,
            expires,
        } => {
            let issued = token::create(&store, &role, client, expires.as_deref()).await?;
            eprint!("{}", token::line(&issued.row));
            eprintln!("the token is shown once, below; only its SHA-256 is kept");
            println!("{}", issued.secret);
        }
        TokenCommand::List => print!("{}", token::list(&store).await?),
        TokenCommand::Revoke { id } => print!("{}", token::revoke(&store, id).await?),
    }
    Ok(())
}

fn parse_clock(spec: &str) -> Result<Arc<dyn Clock>, String> {
    match spec
        .split_once(':')
        .map_or((spec, None), |(kind, start)| (kind, Some(start)))
    {
        ("system", None) => Ok(Arc::new(SystemClock)),
        ("manual", start) => {
            let start = match start {
                Some(text) => DateTime::parse_from_rfc3339(text)
                    .map_err(|e| format!("--clock manual:{text}: not an RFC 3339 instant ({e})"))?
                    .with_timezone(&Utc),
                None => SystemClock.now(),
            };
            Ok(Arc::new(ManualClock::new(start)))
        }
        _ => Err(format!(
            "--clock {spec}: expected system or manual[:RFC3339]"
        )),
    }
}

/// A future that resolves on SIGINT or SIGTERM; the handlers are installed at the call.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    // Registered now, when called, not when the future is first polled.
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        tracing::info!("shutting down: finishing in-flight calls");
    })
}
