//! The desk's search: each case's keys as `case::search` normalises them, written with the
//! case and rewritten when its debtor changes, and the one query that searches them on
//! either backend. One `case_search` row per case holds the debtor's name key and the
//! exact keys as tokens ([`token`]); SQLite indexes both columns with FTS5, PostgreSQL
//! the name with full text and the tokens with a GIN index of their array. Both are
//! inverted indexes that take a transaction's entries in sorted bulk, where a B-tree row
//! per key cost an import half its time (issue 19).

use std::collections::HashMap;
use std::fmt::Write as _;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text, Timestamp};

use super::rows::CaseRow;
use super::schema::{case_search, cases};
use super::{DbConnection, StoreError, db_instant, utc};
use crate::case::search::{self, SearchQuery, kind};
use crate::case::{CaseRecord, Debtor};
use crate::page::{Cursor, RankedCursor};

/// What is stored for one case: its name key and exact keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseKeys {
    /// The case.
    pub case_id: String,
    /// `case::search::debtor_name_key`.
    pub name_key: String,
    /// (kind, value).
    pub keys: Vec<(&'static str, String)>,
}

impl CaseKeys {
    /// The keys of a case with this debtor and these references.
    pub fn of(
        case_id: &str,
        debtor: &Debtor,
        client_reference: &str,
        payment_reference: &str,
        court_case_number: Option<&str>,
    ) -> Self {
        Self {
            case_id: case_id.to_owned(),
            name_key: search::debtor_name_key(debtor),
            keys: search::case_keys(
                debtor,
                client_reference,
                payment_reference,
                court_case_number,
            ),
        }
    }

    /// The keys of a stored case.
    pub fn of_record(case: &CaseRecord) -> Self {
        Self::of(
            &case.id,
            &case.claim.debtor,
            &case.claim.client_reference,
            case.payment_reference.as_str(),
            case.track
                .judgment
                .as_ref()
                .map(|j| j.court_case_number.as_str()),
        )
    }

    /// The `keys` column: the tokens of the exact keys, space-separated.
    fn tokens(&self) -> String {
        let tokens: Vec<String> = self.keys.iter().map(|(k, v)| token(k, v)).collect();
        tokens.join(" ")
    }

    /// The value of the key of `kind`, if the case has one.
    fn value(&self, kind: &str) -> Option<&str> {
        self.keys
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| v.as_str())
    }
}

/// One letter per kind of key: the first character of its tokens.
fn kind_letter(kind: &str) -> char {
    match kind {
        kind::NAME => 'n',
        kind::ADDRESS => 'a',
        kind::POSTCODE => 'p',
        kind::BIRTH => 'b',
        kind::IBAN => 'i',
        kind::EMAIL => 'e',
        kind::PHONE => 't',
        kind::KVK => 'k',
        kind::CLIENT_REFERENCE => 'c',
        kind::PAYMENT_REFERENCE => 'r',
        kind::COURT_CASE => 'g',
        _ => 'x',
    }
}

/// A key as one token: its kind's letter, then the value with every byte but a lower-case
/// letter before `z` or a digit written as `z` and two hex digits ("1234AB:12" →
/// `a1234abz3a12`). Any value (an e-mail address, a name key with spaces) is then one
/// word of letters and digits to FTS5's tokenizer and to `string_to_array`, and the kind
/// can never be mistaken. Upper case is written as lower case: every kind's values are
/// already of one case (`case::search` normalises them), and FTS5 folds case anyway.
pub fn token(kind: &str, value: &str) -> String {
    let mut token = String::with_capacity(1 + value.len() + value.len() / 2);
    token.push(kind_letter(kind));
    for byte in value.bytes().map(|b| b.to_ascii_lowercase()) {
        if matches!(byte, b'a'..=b'y' | b'0'..=b'9') {
            token.push(char::from(byte));
        } else {
            let _infallible = write!(token, "z{byte:02x}");
        }
    }
    token
}

/// Rows per multi-row insert on SQLite (3 parameters each).
const ROWS_PER_INSERT: usize = 1_000;

/// A `case_search` row as written (owned, and no column defaulted: what diesel can COPY).
#[derive(Insertable)]
#[diesel(table_name = case_search, treat_none_as_default_value = false)]
pub struct SearchRow {
    case_id: String,
    name_key: String,
    keys: String,
}

impl SearchRow {
    /// The row of a case's keys.
    pub fn of(keys: &CaseKeys) -> Self {
        Self {
            case_id: keys.case_id.clone(),
            name_key: keys.name_key.clone(),
            keys: keys.tokens(),
        }
    }
}

/// Writes the keys of new cases (no row stored for them yet).
pub fn insert(conn: &mut DbConnection, all: &[CaseKeys]) -> Result<(), StoreError> {
    insert_rows(conn, all.iter().map(SearchRow::of).collect())
}

/// Writes built rows of new cases' keys.
pub fn insert_rows(conn: &mut DbConnection, rows: Vec<SearchRow>) -> Result<(), StoreError> {
    match conn {
        DbConnection::Pg(c) => {
            diesel::copy_from(case_search::table)
                .from_insertable(&rows)
                .execute(c)?;
        }
        DbConnection::Sqlite(c) => {
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                diesel::insert_into(case_search::table)
                    .values(chunk)
                    .execute(c)?;
            }
        }
    }
    Ok(())
}

/// Replaces a case's keys (its debtor or references changed).
pub fn replace(conn: &mut DbConnection, keys: &CaseKeys) -> Result<(), StoreError> {
    let updated = diesel::update(case_search::table.filter(case_search::case_id.eq(&keys.case_id)))
        .set((
            case_search::name_key.eq(&keys.name_key),
            case_search::keys.eq(keys.tokens()),
        ))
        .execute(conn)?;
    if updated == 0 {
        insert(conn, std::slice::from_ref(keys))?;
    }
    Ok(())
}

/// Keeps the court case number key in step with the judgment the track recorded.
pub fn set_court_case(
    conn: &mut DbConnection,
    case_id: &str,
    number: &str,
) -> Result<(), StoreError> {
    let value = search::compact(number);
    let Some(current) = case_search::table
        .filter(case_search::case_id.eq(case_id))
        .select(case_search::keys)
        .first::<String>(conn)
        .optional()?
    else {
        return Ok(()); // not indexed yet: the backfill writes every key
    };
    let letter = kind_letter(kind::COURT_CASE);
    let mut tokens: Vec<String> = current
        .split(' ')
        .filter(|t| !t.is_empty() && !t.starts_with(letter))
        .map(str::to_owned)
        .collect();
    if !value.is_empty() {
        tokens.push(token(kind::COURT_CASE, &value));
    }
    let keys = tokens.join(" ");
    if keys != current {
        diesel::update(case_search::table.filter(case_search::case_id.eq(case_id)))
            .set(case_search::keys.eq(keys))
            .execute(conn)?;
    }
    Ok(())
}

/// Indexes the cases stored without keys (before the search existed, or seeded in bulk by
/// `store::seed`), a thousand at a time; returns how many.
pub fn backfill(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let mut done = 0;
    let mut races = 0;
    loop {
        match super::transaction(conn, backfill_some) {
            Ok(0) => return Ok(done),
            Ok(indexed) => {
                done += indexed;
                races = 0;
            }
            // Another instance starting beside this one wrote some of them first: look
            // again for what is left (again and again: not a race, a real error).
            Err(StoreError::Conflict(e)) if races < 3 => {
                tracing::debug!(error = %e, "another instance indexes the same cases");
                races += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Up to a thousand cases without keys, indexed inside the caller's transaction. The cases
/// are read there and, on PostgreSQL, held against change until the commit: a judgment
/// or a debtor's new details written meanwhile (whose own key update finds no row yet)
/// waits, and then updates the row written here instead of being lost under it. On
/// SQLite the transaction holds the one write lock.
fn backfill_some(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let unindexed = cases::table
        .filter(diesel::dsl::not(diesel::dsl::exists(
            case_search::table.filter(case_search::case_id.eq(cases::id)),
        )))
        .filter(diesel::dsl::exists(
            super::schema::parties::table.filter(super::schema::parties::case_id.eq(cases::id)),
        ))
        .select(cases::id)
        .limit(1000);
    let ids: Vec<String> = match conn {
        DbConnection::Pg(pg) => unindexed.for_share().load(pg)?,
        DbConnection::Sqlite(sqlite) => unindexed.load(sqlite)?,
    };
    if ids.is_empty() {
        return Ok(0);
    }
    let rows: Vec<CaseRow> = cases::table.filter(cases::id.eq_any(&ids)).load(conn)?;
    let records = super::cases::assemble(conn, rows)?;
    let keys: Vec<CaseKeys> = records.iter().map(CaseKeys::of_record).collect();
    insert(conn, &keys)?;
    Ok(keys.len())
}

/// One bind parameter of the search's SQL.
enum Bind {
    Text(String),
    /// PostgreSQL only.
    Texts(Vec<String>),
    Int(i64),
    At(chrono::NaiveDateTime),
}

/// A matched case: id, rank, creation instant.
#[derive(QueryableByName)]
struct Hit {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = BigInt)]
    rank: i64,
    #[diesel(sql_type = Timestamp)]
    created_at: chrono::NaiveDateTime,
}

/// The SQL of a search, built clause by clause with numbered parameters (`$1`, `$2`, …
/// each used once and in order: both backends bind them by position).
struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    fn param(&mut self, bind: Bind) -> String {
        self.binds.push(bind);
        format!("${}", self.binds.len())
    }
}

/// One page of the cases matching `query`, most relevant first and newest first within a
/// rank, and the cursor of the next page. Relevance (the same on both backends): 2 when
/// the debtor's name key is the query's ("de Vries" and "Vries, de"), 1 when it holds the
/// query's words in order, 0 when it only has words beginning with them; without a name
/// every match ranks alike.
pub fn search(
    conn: &mut DbConnection,
    query: &SearchQuery,
    after: Option<&RankedCursor>,
    page_size: i64,
) -> Result<(Vec<CaseRecord>, Option<RankedCursor>), StoreError> {
    if !query.has_key() {
        return Err(StoreError::Corrupt("a search without a key".into()));
    }
    let mut sql = Sql {
        text: String::new(),
        binds: Vec::new(),
    };
    let mut wheres: Vec<String> = Vec::new();
    let rank = match &query.name {
        Some(name) => {
            let exact = sql.param(Bind::Text(name.key.clone()));
            let within = sql.param(Bind::Text(format!("% {} %", name.key)));
            format!(
                "CAST(CASE WHEN s.name_key = {exact} THEN 2 \
                 WHEN (' ' || s.name_key || ' ') LIKE {within} THEN 1 ELSE 0 END AS BIGINT)"
            )
        }
        None => "CAST(0 AS BIGINT)".to_owned(),
    };
    let tokens: Vec<String> = query.keys.iter().map(|(k, v)| token(k, v)).collect();
    // PostgreSQL: the keys matched first, in a materialised CTE, whatever the statistics
    // say. Left to itself, the planner guesses a GIN match at 0.5 % of the table on fresh
    // data and walks every case newest first instead (3 s over a million cases, where the
    // index answers in under a millisecond). Its parameters may come after the rank's in
    // the text: PostgreSQL numbers them, SQLite (which takes them in order) has no CTE.
    let (with, from) = match conn {
        DbConnection::Pg(_) => {
            let mut matched = Vec::new();
            if let Some(name) = &query.name {
                let terms: Vec<String> = name
                    .words
                    .iter()
                    .map(|w| format!("{w}:*"))
                    .chain(name.particles.iter().cloned())
                    .collect();
                let p = sql.param(Bind::Text(terms.join(" & ")));
                matched.push(format!(
                    "to_tsvector('simple', name_key) @@ to_tsquery('simple', {p})"
                ));
            }
            if !tokens.is_empty() {
                let p = sql.param(Bind::Texts(tokens));
                matched.push(format!("string_to_array(keys, ' ') @> {p}"));
            }
            (
                format!(
                    "WITH s AS MATERIALIZED (SELECT case_id, name_key FROM case_search \
                     WHERE {}) ",
                    matched.join(" AND ")
                ),
                "s JOIN cases c ON c.id = s.case_id",
            )
        }
        DbConnection::Sqlite(_) => {
            let p = sql.param(Bind::Text(fts_match(query.name.as_ref(), &tokens)));
            wheres.push(format!("case_search_fts MATCH {p}"));
            (
                String::new(),
                "case_search_fts f JOIN case_search s ON s.id = f.rowid \
                 JOIN cases c ON c.id = s.case_id",
            )
        }
    };
    if let Some(client) = &query.client_id {
        let p = sql.param(Bind::Text(client.clone()));
        wheres.push(format!("c.client_id = {p}"));
    }
    if let Some(stage) = query.stage {
        let p = sql.param(Bind::Text(stage.as_str().to_owned()));
        wheres.push(format!("c.stage = {p}"));
    }
    if let Some(suspension) = query.suspension {
        let p = sql.param(Bind::Text(suspension.as_str().to_owned()));
        wheres.push(format!("c.suspension = {p}"));
    }
    if let Some(reason) = query.close_reason {
        let p = sql.param(Bind::Text(reason.as_str().to_owned()));
        wheres.push(format!("c.close_reason = {p}"));
    }
    let mut outer = String::new();
    if let Some(cursor) = after {
        let r1 = sql.param(Bind::Int(cursor.rank));
        let r2 = sql.param(Bind::Int(cursor.rank));
        let t1 = sql.param(Bind::At(db_instant(cursor.at.created_at)));
        let t2 = sql.param(Bind::At(db_instant(cursor.at.created_at)));
        let id = sql.param(Bind::Text(cursor.at.id.clone()));
        outer = format!(
            "WHERE m.rank < {r1} OR (m.rank = {r2} AND (m.created_at < {t1} \
             OR (m.created_at = {t2} AND m.id < {id})))"
        );
    }
    let limit = sql.param(Bind::Int(page_size + 1));
    if wheres.is_empty() {
        wheres.push("TRUE".to_owned());
    }
    sql.text = format!(
        "{with}SELECT m.id, m.rank, m.created_at FROM (\
           SELECT c.id AS id, {rank} AS rank, c.created_at AS created_at FROM {from} \
           WHERE {wheres}) m {outer} \
         ORDER BY m.rank DESC, m.created_at DESC, m.id DESC LIMIT {limit}",
        wheres = wheres.join(" AND "),
    );
    let mut hits: Vec<Hit> = run(conn, sql)?;
    let next = if hits.len() as i64 > page_size {
        hits.truncate(usize::try_from(page_size).unwrap_or(0));
        hits.last().map(|h| RankedCursor {
            rank: h.rank,
            at: Cursor {
                created_at: utc(h.created_at),
                id: h.id.clone(),
            },
        })
    } else {
        None
    };
    let ids: Vec<String> = hits.into_iter().map(|h| h.id).collect();
    Ok((in_order(conn, &ids)?, next))
}

/// The cases of `ids`, in that order.
pub(super) fn in_order(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<Vec<CaseRecord>, StoreError> {
    let rows: Vec<CaseRow> = cases::table.filter(cases::id.eq_any(ids)).load(conn)?;
    let mut by_id: HashMap<String, CaseRecord> = super::cases::assemble(conn, rows)?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// An FTS5 query for the `case_search_fts` table: the name's words as prefixes and its
/// tussenvoegsels whole in the `name_key` column, each token whole in `keys`; all of them.
fn fts_match(name: Option<&search::NameQuery>, tokens: &[String]) -> String {
    let mut terms: Vec<String> = Vec::new();
    if let Some(name) = name {
        terms.extend(name.words.iter().map(|w| format!("name_key : \"{w}\"*")));
        terms.extend(name.particles.iter().map(|w| format!("name_key : \"{w}\"")));
    }
    terms.extend(tokens.iter().map(|t| format!("keys : \"{t}\"")));
    terms.join(" AND ")
}

/// Runs a built query on either backend.
fn run(conn: &mut DbConnection, sql: Sql) -> Result<Vec<Hit>, StoreError> {
    Ok(match conn {
        DbConnection::Sqlite(c) => {
            let mut q = diesel::sql_query(sql.text).into_boxed::<diesel::sqlite::Sqlite>();
            for bind in sql.binds {
                q = match bind {
                    Bind::Text(v) => q.bind::<Text, _>(v),
                    Bind::Int(v) => q.bind::<BigInt, _>(v),
                    Bind::At(v) => q.bind::<Timestamp, _>(v),
                    Bind::Texts(_) => {
                        return Err(StoreError::Corrupt("an array bound on SQLite".into()));
                    }
                };
            }
            q.load::<Hit>(c)?
        }
        DbConnection::Pg(c) => {
            let mut q = diesel::sql_query(sql.text).into_boxed::<diesel::pg::Pg>();
            for bind in sql.binds {
                q = match bind {
                    Bind::Text(v) => q.bind::<Text, _>(v),
                    Bind::Int(v) => q.bind::<BigInt, _>(v),
                    Bind::At(v) => q.bind::<Timestamp, _>(v),
                    Bind::Texts(v) => q.bind::<Array<Text>, _>(v),
                };
            }
            q.load::<Hit>(c)?
        }
    })
}

/// A case id found by its keys.
#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = Text)]
    case_id: String,
}

/// The cases whose keys hold every one of `tokens`.
fn cases_with(conn: &mut DbConnection, tokens: &[String]) -> Result<Vec<String>, StoreError> {
    let found: Vec<Found> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT s.case_id FROM case_search_fts f JOIN case_search s ON s.id = f.rowid \
             WHERE case_search_fts MATCH $1",
        )
        .bind::<Text, _>(fts_match(None, tokens))
        .load(c)?,
        DbConnection::Pg(c) => diesel::sql_query(
            "SELECT case_id FROM case_search WHERE string_to_array(keys, ' ') @> $1",
        )
        .bind::<Array<Text>, _>(tokens)
        .load(c)?,
    };
    Ok(found.into_iter().map(|f| f.case_id).collect())
}

/// The cases of the debtor of `case`: the same KvK number, or the same name and date of
/// birth, or the same name at the same postcode and house number unless both dates of
/// birth are known and differ (a father and son of one name at one address), names
/// compared by their normalised key; `case` itself included; newest first, at most `limit`.
pub fn debtor_cases(
    conn: &mut DbConnection,
    keys: &CaseKeys,
    client_id: Option<&str>,
    limit: i64,
) -> Result<Vec<CaseRecord>, StoreError> {
    let mut matches: Vec<String> = vec![keys.case_id.clone()];
    if let Some(kvk) = keys.value(kind::KVK) {
        matches.extend(cases_with(conn, &[token(kind::KVK, kvk)])?);
    }
    if let Some(name) = keys.value(kind::NAME) {
        for kind in [kind::BIRTH, kind::ADDRESS] {
            let Some(value) = keys.value(kind) else {
                continue;
            };
            if value.ends_with(':') {
                continue; // an address without a house number: too vague
            }
            let both = [token(kind::NAME, name), token(kind, value)];
            matches.extend(cases_with(conn, &both)?);
        }
    }
    matches.sort_unstable();
    matches.dedup();
    let mut query = cases::table
        .filter(cases::id.eq_any(&matches))
        .order((cases::created_at.desc(), cases::id.desc()))
        // Room for the namesakes the birth-date rule below drops, so it leaves up to
        // `limit` (a company's cases by KvK number may be thousands: not all read).
        .limit(limit.saturating_mul(4))
        .into_boxed();
    if let Some(client) = client_id {
        query = query.filter(cases::client_id.eq(client.to_owned()));
    }
    let rows: Vec<CaseRow> = query.load(conn)?;
    let mut found = super::cases::assemble(conn, rows)?;
    if let Some(born) = keys.value(kind::BIRTH) {
        found.retain(|c| {
            c.id == keys.case_id
                || CaseKeys::of_record(c)
                    .value(kind::BIRTH)
                    .is_none_or(|b| b == born)
        });
    }
    found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_the_kind_letter_and_the_value_with_all_but_letters_and_digits_escaped() {
        assert_eq!(token(kind::ADDRESS, "1234AB:12"), "a1234abz3a12");
        assert_eq!(token(kind::POSTCODE, "1234AB"), "p1234ab");
        assert_eq!(
            token(kind::EMAIL, "j.de-vries@xyz.nl"),
            "ejz2edez2dvriesz40xyz7az2enl"
        );
        assert_eq!(token(kind::NAME, "jan vries de"), "njanz20vriesz20de");
        // A literal z is escaped too, so an escape can never be read into a value.
        assert_eq!(token(kind::CLIENT_REFERENCE, "z3a"), "cz7a3a");
        assert_ne!(
            token(kind::CLIENT_REFERENCE, "z3a"),
            token(kind::CLIENT_REFERENCE, ":")
        );
        // The same value under two kinds is two tokens.
        assert_ne!(token(kind::KVK, "12345678"), token(kind::PHONE, "12345678"));
        // Bytes beyond ASCII each escaped.
        assert_eq!(token(kind::EMAIL, "é"), "ezc3za9");
    }
}
