//! One connection type over both backends, and the pool's connection manager that picks
//! the backend from the URL scheme (never by trial: an SQLite "open" of a postgres URL
//! would happily create a file of that name).

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};

use super::StoreError;

/// A connection to either database; queries written once run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// The embedded default.
    Sqlite(SqliteConnection),
    /// The production store.
    Pg(PgConnection),
}

/// Which database a URL names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A file path (`sqlite://PATH`, `sqlite:PATH` or a bare path).
    Sqlite(String),
    /// A `postgres://` or `postgresql://` URL, passed to libpq as is.
    Postgres(String),
}

impl Backend {
    /// The OpenTelemetry `db.system.name` of this backend.
    pub fn system_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgresql",
        }
    }

    /// Reads the scheme of a database URL.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() || path.contains("://") {
            return Err(StoreError::BadUrl(format!(
                "{url:?}: expected sqlite://PATH or postgres://USER@HOST/DB"
            )));
        }
        Ok(Self::Sqlite(path.to_owned()))
    }
}

/// When SQLite tells the disk to keep a commit (`PRAGMA synchronous`), in WAL mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SqliteSync {
    /// Every commit is synced to the disk before it is acknowledged: a claim or payment the
    /// service answered for survives a power loss or an operating-system crash.
    #[default]
    Full,
    /// Commits are synced at WAL checkpoints only: faster, and durable across a crash of
    /// the process, but SQLite's documentation says the last commits may roll back after a
    /// power loss or an operating-system crash. An explicit choice, never the default.
    Normal,
}

impl SqliteSync {
    fn pragma(self) -> &'static str {
        match self {
            Self::Full => "FULL",
            Self::Normal => "NORMAL",
        }
    }
}

/// The r2d2 manager: opens a connection of the right kind and sets it up.
pub struct Manager {
    backend: Backend,
    sqlite_sync: SqliteSync,
}

impl Manager {
    pub(super) fn new(backend: Backend, sqlite_sync: SqliteSync) -> Self {
        Self {
            backend,
            sqlite_sync,
        }
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = StoreError;

    fn connect(&self) -> Result<DbConnection, StoreError> {
        match &self.backend {
            Backend::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)
                    .map_err(|e| StoreError::Unavailable(format!("{path}: {e}")))?;
                // WAL lets readers run beside the one writer; FULL syncs the WAL at each
                // commit, so what the service acknowledged is on the disk (NORMAL only on
                // request: see SqliteSync). No cache spill: an import's 2,000-row
                // transaction dirties more pages than the default 2 MB cache holds, and
                // spilling them into the WAL before the commit wrote many twice (3.6 % of
                // an import's profile, issue 19); the cache shrinks back after the commit.
                // Temporary files in memory: each multi-row insert inside a transaction
                // keeps a statement journal (to undo just that statement), written to a
                // temporary file by default (5.4 % of an import's profile, issue 19).
                conn.batch_execute(&format!(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = {}; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                     PRAGMA cache_spill = OFF; PRAGMA temp_store = MEMORY;",
                    self.sqlite_sync.pragma()
                ))
                .map_err(|e| StoreError::Unavailable(e.to_string()))?;
                Ok(DbConnection::Sqlite(conn))
            }
            Backend::Postgres(url) => {
                let mut conn = PgConnection::establish(url)
                    .map_err(|e| StoreError::Unavailable(one_line(&e.to_string())))?;
                conn.batch_execute("SET statement_timeout = '30s'; SET TIME ZONE 'UTC';")
                    .map_err(|e| StoreError::Unavailable(e.to_string()))?;
                Ok(DbConnection::Pg(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), StoreError> {
        conn.batch_execute("SELECT 1").map_err(StoreError::Query)
    }

    /// A connection whose link or transaction state broke under a statement (libpq lost
    /// the server, a transaction left open by a panic): dropped instead of pooled again.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// libpq's messages span lines; an operator's error is one.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
