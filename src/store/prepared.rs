//! Statements diesel keeps prepared although it would not by itself.
//!
//! diesel prepares a statement once per connection only when it can prove its text fixed:
//! never a `sql_query` nor an `UPDATE`, so PostgreSQL parses and plans those on every call
//! (on the engine's hot path that was a fifth of the statement time). [`Prepared`] marks a
//! statement whose text depends on nothing but the code (its values are bind parameters,
//! arrays where the count varies): diesel then keeps it prepared under its text.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

/// A statement of fixed text: prepared once per connection, keyed by that text.
pub(super) struct Prepared<Q>(pub Q);

impl<Q, DB> QueryFragment<DB> for Prepared<Q>
where
    Q: QueryFragment<DB>,
    DB: Backend,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q> QueryId for Prepared<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Prepared<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> RunQueryDsl<Conn> for Prepared<Q> {}
