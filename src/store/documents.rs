//! The dossier's documents (`documents`): each stored once with its bytes, SHA-256,
//! template version and the data it was rendered from.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::documents;
use super::{DbConnection, StoreError, db_instant, utc};
use crate::page::Cursor;

/// A `documents` row without its bytes: what a listing shows.
#[derive(Queryable, Selectable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = documents)]
pub struct DocumentMeta {
    pub id: String,
    pub case_id: String,
    pub kind: String,
    pub title: String,
    pub media_type: String,
    pub sha256: String,
    pub template_version: String,
    pub size_bytes: i64,
    pub created_at: NaiveDateTime,
}

/// A document to insert.
#[derive(Insertable, Debug, Clone)]
#[diesel(table_name = documents)]
pub struct NewDocument<'a> {
    pub id: &'a str,
    pub case_id: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub media_type: &'a str,
    pub sha256: &'a str,
    pub template_version: &'a str,
    pub data: &'a str,
    pub bytes: &'a [u8],
    pub size_bytes: i64,
    pub created_at: NaiveDateTime,
}

/// Inserts a document. Inside the caller's transaction.
pub fn insert(conn: &mut DbConnection, document: &NewDocument<'_>) -> Result<(), StoreError> {
    diesel::insert_into(documents::table)
        .values(document)
        .execute(conn)?;
    Ok(())
}

/// A document's metadata by id.
pub fn get_meta(conn: &mut DbConnection, id: &str) -> Result<Option<DocumentMeta>, StoreError> {
    Ok(documents::table
        .find(id)
        .select(DocumentMeta::as_select())
        .first(conn)
        .optional()?)
}

/// A document's metadata and bytes by id.
pub fn get_with_bytes(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<(DocumentMeta, Vec<u8>)>, StoreError> {
    Ok(documents::table
        .find(id)
        .select((DocumentMeta::as_select(), documents::bytes))
        .first(conn)
        .optional()?)
}

/// A document's kind and stored data by id (to re-render or audit it).
pub fn get_data(conn: &mut DbConnection, id: &str) -> Result<Option<(String, String)>, StoreError> {
    Ok(documents::table
        .find(id)
        .select((documents::kind, documents::data))
        .first(conn)
        .optional()?)
}

/// One page of a case's documents in creation order, and the cursor of the next page.
pub fn list(
    conn: &mut DbConnection,
    case_id: &str,
    after: Option<&Cursor>,
    page_size: i64,
) -> Result<(Vec<DocumentMeta>, Option<Cursor>), StoreError> {
    let mut query = documents::table
        .filter(documents::case_id.eq(case_id))
        .into_boxed();
    if let Some(cursor) = after {
        let at = db_instant(cursor.created_at);
        query = query.filter(
            documents::created_at.gt(at).or(documents::created_at
                .eq(at)
                .and(documents::id.gt(cursor.id.clone()))),
        );
    }
    let mut rows: Vec<DocumentMeta> = query
        .order((documents::created_at.asc(), documents::id.asc()))
        .limit(page_size + 1)
        .select(DocumentMeta::as_select())
        .load(conn)?;
    let next = if rows.len() as i64 > page_size {
        rows.truncate(usize::try_from(page_size).unwrap_or(0));
        rows.last().map(|r| Cursor {
            created_at: utc(r.created_at),
            id: r.id.clone(),
        })
    } else {
        None
    };
    Ok((rows, next))
}
