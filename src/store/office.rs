//! The office's versions (`office_versions`): one row per `PutOffice`, the office as JSON.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::office_versions;
use super::{DbConnection, StoreError, db_instant, utc};
use crate::case::{Office, VersionedOffice};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = office_versions)]
struct OfficeRow {
    version: i64,
    body: String,
    created_at: NaiveDateTime,
}

/// Stores `office` as the next version. Two racing puts break the primary key: the caller
/// sees a conflict and tries again.
pub fn put(
    conn: &mut DbConnection,
    office: &Office,
    now: DateTime<Utc>,
) -> Result<VersionedOffice, StoreError> {
    let latest: Option<i64> = office_versions::table
        .select(diesel::dsl::max(office_versions::version))
        .first(conn)?;
    let body = serde_json::to_string(office).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let row = OfficeRow {
        version: latest.unwrap_or(0) + 1,
        body,
        created_at: db_instant(now),
    };
    diesel::insert_into(office_versions::table)
        .values(&row)
        .execute(conn)?;
    from_row(row)
}

/// An office version; `None` asks for the one in force (the latest). `Ok(None)`: no such
/// version, or no office configured at all.
pub fn get(
    conn: &mut DbConnection,
    version: Option<i64>,
) -> Result<Option<VersionedOffice>, StoreError> {
    let mut query = office_versions::table
        .select(OfficeRow::as_select())
        .order(office_versions::version.desc())
        .into_boxed();
    if let Some(version) = version {
        query = query.filter(office_versions::version.eq(version));
    }
    query.first(conn).optional()?.map(from_row).transpose()
}

fn from_row(row: OfficeRow) -> Result<VersionedOffice, StoreError> {
    let office = serde_json::from_str(&row.body)
        .map_err(|e| StoreError::Corrupt(format!("office version {}: {e}", row.version)))?;
    Ok(VersionedOffice {
        version: row.version,
        office,
        created_at: utc(row.created_at),
    })
}
