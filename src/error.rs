//! The application's errors, free of transport types: `api` maps each to a gRPC status in
//! one exhaustive `From`.

use crate::case::FieldViolation;
use crate::store::StoreError;

/// Why a command or query did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request has bad fields; every one is named.
    #[error("invalid request: {} bad field(s)", .0.len())]
    Invalid(Vec<FieldViolation>),
    /// No such thing, or the caller may not know it exists.
    #[error("{0}")]
    NotFound(String),
    /// The caller's token no longer holds (revoked or expired while a stream ran).
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller is known but may not do this (e.g. a client token entering a claim for
    /// another client).
    #[error("{0}")]
    PermissionDenied(String),
    /// A different thing already holds that key.
    #[error("{0}")]
    AlreadyExists(String),
    /// The case's stage does not allow this.
    #[error("{0}")]
    FailedPrecondition(String),
    /// A concurrent write took the key first; the operation may be retried once.
    #[error("a concurrent write conflicted; retry")]
    Conflict,
    /// Not built yet.
    #[error("{0}")]
    Unimplemented(String),
    /// The database is unreachable or overloaded; a retry may succeed.
    #[error("{0}")]
    Unavailable(String),
    /// The database's disk is full: nothing was stored; a retry succeeds once space is
    /// freed (RESOURCE_EXHAUSTED, not INTERNAL: the operator, not the code, must act).
    #[error("{0}")]
    Exhausted(String),
    /// A bug or a broken invariant; logged where it is turned into a status.
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    /// One bad field.
    pub fn invalid(field: &str, description: &str) -> Self {
        Self::Invalid(vec![FieldViolation::new(field, description)])
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(m) => Self::Unavailable(m),
            StoreError::BadUrl(m) | StoreError::Migration(m) | StoreError::Corrupt(m) => {
                Self::Internal(m)
            }
            StoreError::Query(q) => Self::from(q),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
                Self::Unavailable(format!("conflicting write, retry: {}", info.message()))
            }
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => Self::Conflict,
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(info.message().to_owned())
            }
            Error::DatabaseError(_, info) if is_disk_full(info.message()) => {
                Self::Exhausted(format!("database disk full: {}", info.message()))
            }
            Error::DatabaseError(_, info) if is_connection_lost(info.message()) => {
                Self::Unavailable(format!("database connection lost: {}", info.message()))
            }
            // A commit that failed and could not be rolled back: the commit's error tells.
            Error::RollbackErrorOnCommit { commit_error, .. } => Self::from(*commit_error),
            Error::BrokenTransactionManager => {
                Self::Unavailable("database connection lost mid-transaction".to_owned())
            }
            other => Self::Internal(other.to_string()),
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
