//! The shared manual clock (`serve --clock manual`): one row that every instance reads.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::clock;
use super::{DbConnection, StoreError, transaction};

/// The one row's id.
const ROW: i32 = 1;

/// The stored time, if the clock was ever set.
pub fn read(conn: &mut DbConnection) -> Result<Option<NaiveDateTime>, StoreError> {
    Ok(clock::table
        .find(ROW)
        .select(clock::now)
        .first(conn)
        .optional()?)
}

/// Moves the stored clock to `to` unless it already stands later (time never goes back;
/// two instances starting at once agree), and returns where it stands.
pub fn advance(conn: &mut DbConnection, to: NaiveDateTime) -> Result<NaiveDateTime, StoreError> {
    transaction(conn, |conn| {
        // One statement, so two instances moving the clock at once cannot move it back.
        diesel::update(clock::table.find(ROW).filter(clock::now.lt(to)))
            .set(clock::now.eq(to))
            .execute(conn)?;
        if read(conn)?.is_none() {
            diesel::insert_into(clock::table)
                .values((clock::id.eq(ROW), clock::now.eq(to)))
                .execute(conn)?;
        }
        read(conn)?.ok_or_else(|| StoreError::Corrupt("clock row vanished".into()))
    })
}
