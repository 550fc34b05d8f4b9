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
            // The driver's words may name the database's host, user or file: logged here,
            // never sent to a caller (a client's token among them).
            StoreError::Unavailable(m) => {
                tracing::warn!(error = %m, "database unavailable");
                Self::Unavailable("the database is unavailable; retry shortly".into())
            }
            StoreError::BadUrl(m) | StoreError::Migration(m) | StoreError::Corrupt(m) => {
                Self::Internal(m)
            }
            StoreError::Conflict(_) => Self::Conflict,
            StoreError::Full(m) => Self::Exhausted(format!("database disk full: {m}")),
            StoreError::Query(q) => Self::Internal(q.to_string()),
        }
    }
}
