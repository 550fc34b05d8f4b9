//! The store: diesel over SQLite (bundled, WAL; the embedded default) and PostgreSQL (the
//! production store, shared by any number of instances), behind one connection type.
//!
//! All database work goes through [`Store::run`]: a closure on the blocking pool with a
//! pooled connection, never on the async reactor threads. One closure is one transaction
//! when it calls [`transaction`].

pub mod admin_events;
pub mod bank;
pub mod cases;
pub mod client_charges;
pub mod clients;
pub mod clock;
mod connection;
pub mod documents;
pub mod events;
pub mod idempotency;
pub mod ids;
pub mod import;
pub mod jobs;
pub mod office;
pub mod payments;
pub mod payouts;
pub mod portal;
mod prepared;
pub mod rates;
pub mod register_cache;
pub mod rows;
pub mod schema;
pub mod search;
pub mod seed;
pub mod tariff_years;
pub mod tasks;
pub mod tokens;

use std::time::Duration;

use diesel::Connection;
use diesel::result::Error as DieselError;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use tracing::Instrument;

use connection::Manager;
pub use connection::{Backend, DbConnection, SqliteSync};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// What can go wrong below the domain: the caller maps it to a status.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is not one we understand.
    #[error("bad database URL: {0}")]
    BadUrl(String),
    /// No connection could be had (database down, pool exhausted).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A concurrent write took the key first (a unique violation): the operation may be
    /// tried again, and then sees the winner's row.
    #[error("a concurrent write conflicted: {0}")]
    Conflict(String),
    /// The disk under the database is full: nothing was written.
    #[error("database disk full: {0}")]
    Full(String),
    /// A query failed.
    #[error("database error: {0}")]
    Query(DieselError),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// A stored row does not read back as a valid domain value (a bug or a hand edit).
    #[error("unreadable stored data: {0}")]
    Corrupt(String),
}

/// diesel's errors sorted by what the caller can do about them, here, so that nothing
/// above the store needs to know diesel: a lost race is [`StoreError::Conflict`], a
/// serialization failure or a closed connection is [`StoreError::Unavailable`] (a retry
/// may succeed), the rest is a failed query.
impl From<DieselError> for StoreError {
    fn from(e: DieselError) -> Self {
        use diesel::result::DatabaseErrorKind;
        match e {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Self::Conflict(info.message().to_owned())
            }
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
                Self::Unavailable(format!("conflicting write, retry: {}", info.message()))
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(info.message().to_owned())
            }
            DieselError::DatabaseError(_, info) if is_disk_full(info.message()) => {
                Self::Full(info.message().to_owned())
            }
            DieselError::DatabaseError(_, info) if is_connection_lost(info.message()) => {
                Self::Unavailable(format!("database connection lost: {}", info.message()))
            }
            // A commit that failed and could not be rolled back: the commit's error tells.
            DieselError::RollbackErrorOnCommit { commit_error, .. } => Self::from(*commit_error),
            DieselError::BrokenTransactionManager => {
                Self::Unavailable("database connection lost mid-transaction".to_owned())
            }
            other => Self::Query(other),
        }
    }
}

/// SQLite's SQLITE_FULL (and PostgreSQL's `could not extend file … No space left`).
fn is_disk_full(message: &str) -> bool {
    message.contains("database or disk is full") || message.contains("No space left on device")
}

/// libpq's words for a connection that broke under a query (the server went away, was
/// restarted, or the network cut it) when diesel could not tell it by the connection state.
fn is_connection_lost(message: &str) -> bool {
    const LOST: [&str; 7] = [
        "server closed the connection unexpectedly",
        "no connection to the server",
        "could not send data to server",
        "could not receive data from server",
        "terminating connection due to administrator command",
        "the database system is shutting down",
        "the database system is starting up",
    ];
    LOST.iter().any(|words| message.contains(words))
}

/// An instant as stored: UTC, whole microseconds (what PostgreSQL keeps), so what is
/// written reads back equal on both backends.
pub fn db_instant(at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    use chrono::SubsecRound;
    at.naive_utc().trunc_subsecs(6)
}

/// A stored instant back as UTC.
pub fn utc(at: chrono::NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    at.and_utc()
}

/// A pool of connections to one database, and the way to use it from async code.
#[derive(Clone)]
pub struct Store {
    pool: r2d2::Pool<Manager>,
    backend: Backend,
}

impl Store {
    /// Opens a pool to `url` (`sqlite://PATH`, a plain path, or `postgres://…`) and checks
    /// that one connection can be made, so a bad URL or a database that is down fails at
    /// start with a clear message.
    /// SQLite syncs every commit ([`SqliteSync::Full`]).
    pub fn open(url: &str, max_size: u32) -> Result<Self, StoreError> {
        Self::open_with(url, max_size, SqliteSync::default())
    }

    /// [`Store::open`] with SQLite's sync mode chosen (PostgreSQL ignores it).
    pub fn open_with(
        url: &str,
        max_size: u32,
        sqlite_sync: SqliteSync,
    ) -> Result<Self, StoreError> {
        let backend = Backend::from_url(url)?;
        let manager = Manager::new(backend.clone(), sqlite_sync);
        // One connection up front: a database that is down fails now, with its own
        // message, instead of after the pool's wait.
        drop(r2d2::ManageConnection::connect(&manager)?);
        // No `SELECT 1` before every checkout (a round trip per transaction, a tenth of the
        // engine's statements): a connection that broke fails its next statement with a
        // clear error instead, and the pool drops it as it comes back (`has_broken`).
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .min_idle(Some(1))
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(Self { pool, backend })
    }

    /// Which database this store talks to.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Runs the embedded migrations for this backend (idempotent).
    pub fn migrate(&self) -> Result<usize, StoreError> {
        let mut conn = self.checkout()?;
        let applied = match &mut *conn {
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            DbConnection::Pg(c) => c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len()),
        };
        let applied = applied.map_err(|e| StoreError::Migration(e.to_string()))?;
        // Cases stored before the search keys existed (or seeded in bulk) get theirs.
        search::backfill(&mut conn)?;
        Ok(applied)
    }

    fn checkout(&self) -> Result<r2d2::PooledConnection<Manager>, StoreError> {
        self.pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }

    /// Runs `f` with a pooled connection on the blocking pool, in a `store.run` span (a
    /// child of the current one) that covers the wait for a connection and the
    /// transaction. Work outside any span (the workers polling for due jobs) gets none,
    /// so an idle server exports no traces. A panic inside `f` is re-raised here.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        let this = self.clone();
        let caller = tracing::Span::current();
        let span = if caller.is_none() {
            caller
        } else {
            tracing::info_span!("store.run", db.system.name = self.backend.system_name())
        };
        let in_task = span.clone();
        let task = tokio::task::spawn_blocking(move || {
            let _entered = in_task.enter();
            let mut conn = this.checkout()?;
            f(&mut conn)
        });
        match task.instrument(span).await {
            Ok(result) => result,
            Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
            Err(join) => Err(StoreError::Unavailable(join.to_string()).into()),
        }
    }

    /// Whether a pooled connection can be had within `wait` and answers: what the health
    /// service reports. Blocking; call it off the async threads.
    pub fn ping(&self, wait: Duration) -> Result<(), StoreError> {
        use diesel::connection::SimpleConnection;
        let mut conn = self
            .pool
            .get_timeout(wait)
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        conn.batch_execute("SELECT 1").map_err(StoreError::from)
    }

    /// Runs `f` with a pooled connection on the calling thread, which must not be an async
    /// one: for callers that already run on a thread of their own (the metrics reader).
    pub fn run_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: From<StoreError>,
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
    {
        let mut conn = self.checkout()?;
        f(&mut conn)
    }
}

/// Runs `f` in one transaction: on SQLite an immediate one (the write lock is taken at the
/// start, so concurrent writers wait on `busy_timeout` instead of failing to upgrade a read
/// lock). diesel's own transaction manager opens it, so nested transactions inside `f`
/// (diesel's SQLite batch insert uses one) become savepoints.
pub fn transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    E: From<StoreError>,
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConnection::Sqlite(sqlite) = conn else {
        // diesel's transaction wants an error it can make from its own; the caller's
        // error rides inside.
        return conn
            .transaction(|conn| f(conn).map_err(Failed::Caller))
            .map_err(|failed| match failed {
                Failed::Caller(e) => e,
                Failed::Database(e) => StoreError::from(e).into(),
            });
    };
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")
        .map_err(StoreError::from)?;
    let outcome = f(conn);
    let DbConnection::Sqlite(sqlite) = conn else {
        unreachable!("the connection does not change backend");
    };
    match outcome {
        Ok(value) => match AnsiTransactionManager::commit_transaction(sqlite) {
            Ok(()) => Ok(value),
            Err(e) => {
                // A pooled connection must never go back with an open transaction.
                let _already_closed = AnsiTransactionManager::rollback_transaction(sqlite);
                Err(StoreError::from(e).into())
            }
        },
        Err(e) => {
            let _already_closed = AnsiTransactionManager::rollback_transaction(sqlite);
            Err(e)
        }
    }
}

/// Runs `f` in a savepoint of the transaction the caller holds ([`transaction`]): an error
/// rolls back what `f` wrote and nothing else, so one part of a batch can fail alone.
pub fn savepoint<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    E: From<StoreError>,
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
{
    // Inside a transaction diesel's transaction manager opens a SAVEPOINT.
    conn.transaction(|conn| f(conn).map_err(Failed::Caller))
        .map_err(|failed| match failed {
            Failed::Caller(e) => e,
            Failed::Database(e) => StoreError::from(e).into(),
        })
}

/// A failed transaction: the caller's error, or the database's on begin or commit.
enum Failed<E> {
    Caller(E),
    Database(DieselError),
}

impl<E> From<DieselError> for Failed<E> {
    fn from(e: DieselError) -> Self {
        Self::Database(e)
    }
}
