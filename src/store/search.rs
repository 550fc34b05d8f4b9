//! The desk's search: each case's keys as `case::search` normalises them, written with the
//! case and rewritten when its debtor changes, and the one query that searches them on
//! either backend (SQLite FTS5, PostgreSQL full text over the same name key; the exact keys
//! in one B-tree).

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::rows::CaseRow;
use super::schema::{case_keys, case_search, cases, parties};
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
}

/// Bind parameters per insert statement (under both backends' limits).
const MAX_PARAMS: usize = 30_000;

/// Writes the keys of new cases (no keys stored for them yet), in multi-row inserts.
pub fn insert(conn: &mut DbConnection, all: &[CaseKeys]) -> Result<(), StoreError> {
    let names: Vec<_> = all
        .iter()
        .map(|k| {
            (
                case_search::case_id.eq(k.case_id.as_str()),
                case_search::name_key.eq(k.name_key.as_str()),
            )
        })
        .collect();
    let keys: Vec<_> = all
        .iter()
        .flat_map(|k| {
            k.keys.iter().map(|(kind, value)| {
                (
                    case_keys::kind.eq(*kind),
                    case_keys::value.eq(value.as_str()),
                    case_keys::case_id.eq(k.case_id.as_str()),
                )
            })
        })
        .collect();
    for chunk in names.chunks(MAX_PARAMS / 2) {
        let insert = diesel::insert_into(case_search::table).values(chunk);
        match &mut *conn {
            DbConnection::Sqlite(c) => insert.execute(c)?,
            DbConnection::Pg(c) => insert.execute(c)?,
        };
    }
    for chunk in keys.chunks(MAX_PARAMS / 3) {
        let insert = diesel::insert_into(case_keys::table).values(chunk);
        match &mut *conn {
            DbConnection::Sqlite(c) => insert.execute(c)?,
            DbConnection::Pg(c) => insert.execute(c)?,
        };
    }
    Ok(())
}

/// Replaces a case's keys (its debtor or references changed).
pub fn replace(conn: &mut DbConnection, keys: &CaseKeys) -> Result<(), StoreError> {
    diesel::delete(case_keys::table.filter(case_keys::case_id.eq(&keys.case_id))).execute(conn)?;
    diesel::delete(case_search::table.filter(case_search::case_id.eq(&keys.case_id)))
        .execute(conn)?;
    insert(conn, std::slice::from_ref(keys))
}

/// Keeps the court case number key in step with the judgment the track recorded.
pub fn set_court_case(
    conn: &mut DbConnection,
    case_id: &str,
    number: &str,
) -> Result<(), StoreError> {
    let value = search::compact(number);
    let current: Vec<String> = case_keys::table
        .filter(case_keys::case_id.eq(case_id))
        .filter(case_keys::kind.eq(kind::COURT_CASE))
        .select(case_keys::value)
        .load(conn)?;
    if current == [value.clone()] || (current.is_empty() && value.is_empty()) {
        return Ok(());
    }
    diesel::delete(
        case_keys::table
            .filter(case_keys::case_id.eq(case_id))
            .filter(case_keys::kind.eq(kind::COURT_CASE)),
    )
    .execute(conn)?;
    if !value.is_empty() {
        diesel::insert_into(case_keys::table)
            .values((
                case_keys::kind.eq(kind::COURT_CASE),
                case_keys::value.eq(value),
                case_keys::case_id.eq(case_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Indexes the cases stored without keys (before the search existed, or seeded in bulk by
/// `store::seed`), a thousand at a time; returns how many.
pub fn backfill(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let mut done = 0;
    let mut raced: Option<String> = None;
    loop {
        let rows: Vec<CaseRow> = cases::table
            .filter(diesel::dsl::not(diesel::dsl::exists(
                case_search::table.filter(case_search::case_id.eq(cases::id)),
            )))
            .filter(diesel::dsl::exists(
                parties::table.filter(parties::case_id.eq(cases::id)),
            ))
            .limit(1000)
            .load(conn)?;
        if rows.is_empty() {
            return Ok(done);
        }
        let records = super::cases::assemble(conn, rows)?;
        let keys: Vec<CaseKeys> = records.iter().map(CaseKeys::of_record).collect();
        match super::transaction(conn, |conn| insert(conn, &keys)) {
            Ok(()) => done += keys.len(),
            // Another instance starting beside this one wrote some of them first: look
            // again for what is left (the same cases again: not a race, a real error).
            Err(StoreError::Conflict(e)) if raced.as_deref() != Some(keys[0].case_id.as_str()) => {
                tracing::debug!(error = %e, "another instance indexes the same cases");
                raced = Some(keys[0].case_id.clone());
            }
            Err(e) => return Err(e),
        }
    }
}

/// One bind parameter of the search's SQL.
enum Bind {
    Text(String),
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
    let pg = matches!(conn, DbConnection::Pg(_));
    let mut sql = Sql {
        text: String::new(),
        binds: Vec::new(),
    };
    let mut from;
    let mut wheres: Vec<String> = Vec::new();
    let rank;
    if let Some(name) = &query.name {
        let exact = sql.param(Bind::Text(name.key.clone()));
        let within = sql.param(Bind::Text(format!("% {} %", name.key)));
        rank = format!(
            "CAST(CASE WHEN s.name_key = {exact} THEN 2 \
             WHEN (' ' || s.name_key || ' ') LIKE {within} THEN 1 ELSE 0 END AS BIGINT)"
        );
        if pg {
            let terms: Vec<String> = name
                .words
                .iter()
                .map(|w| format!("{w}:*"))
                .chain(name.particles.iter().cloned())
                .collect();
            let p = sql.param(Bind::Text(terms.join(" & ")));
            from = "case_search s JOIN cases c ON c.id = s.case_id".to_owned();
            wheres.push(format!(
                "to_tsvector('simple', s.name_key) @@ to_tsquery('simple', {p})"
            ));
        } else {
            let terms: Vec<String> = name
                .words
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .chain(name.particles.iter().map(|w| format!("\"{w}\"")))
                .collect();
            let p = sql.param(Bind::Text(terms.join(" AND ")));
            from = "case_search_fts f JOIN case_search s ON s.id = f.rowid \
                    JOIN cases c ON c.id = s.case_id"
                .to_owned();
            wheres.push(format!("case_search_fts MATCH {p}"));
        }
    } else {
        rank = "CAST(0 AS BIGINT)".to_owned();
        from = String::new();
    }
    let mut key_tables = 0;
    let mut key_clause = |sql: &mut Sql,
                          from: &mut String,
                          wheres: &mut Vec<String>,
                          kind: &str,
                          range: (String, Option<String>)| {
        key_tables += 1;
        let k = format!("k{key_tables}");
        let kind = sql.param(Bind::Text(kind.to_owned()));
        let value = match range {
            (exact, None) => format!("{k}.value = {}", sql.param(Bind::Text(exact))),
            (low, Some(high)) => format!(
                "{k}.value >= {} AND {k}.value < {}",
                sql.param(Bind::Text(low)),
                sql.param(Bind::Text(high))
            ),
        };
        if from.is_empty() {
            *from = format!(
                "case_keys {k} JOIN cases c ON c.id = {k}.case_id \
                 LEFT JOIN case_search s ON s.case_id = c.id"
            );
            wheres.push(format!("{k}.kind = {kind} AND {value}"));
        } else {
            wheres.push(format!(
                "c.id IN (SELECT {k}.case_id FROM case_keys {k} WHERE {k}.kind = {kind} AND {value})"
            ));
        }
    };
    for (kind, value) in &query.keys {
        key_clause(
            &mut sql,
            &mut from,
            &mut wheres,
            kind,
            (value.clone(), None),
        );
    }
    if let Some(postcode) = &query.postcode_only {
        key_clause(
            &mut sql,
            &mut from,
            &mut wheres,
            kind::ADDRESS,
            (format!("{postcode}:"), Some(format!("{postcode};"))),
        );
    }
    if from.is_empty() {
        return Err(StoreError::Corrupt("a search without a key".into()));
    }
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
    sql.text = format!(
        "SELECT m.id, m.rank, m.created_at FROM (\
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

/// Runs a built query on either backend.
fn run(conn: &mut DbConnection, sql: Sql) -> Result<Vec<Hit>, StoreError> {
    macro_rules! bound {
        ($backend:ty, $c:expr) => {{
            let mut q = diesel::sql_query(sql.text).into_boxed::<$backend>();
            for bind in sql.binds {
                q = match bind {
                    Bind::Text(v) => q.bind::<Text, _>(v),
                    Bind::Int(v) => q.bind::<BigInt, _>(v),
                    Bind::At(v) => q.bind::<Timestamp, _>(v),
                };
            }
            q.load::<Hit>($c)?
        }};
    }
    Ok(match conn {
        DbConnection::Sqlite(c) => bound!(diesel::sqlite::Sqlite, c),
        DbConnection::Pg(c) => bound!(diesel::pg::Pg, c),
    })
}

/// The cases of the debtor of `case`: the same KvK number, or the same name and date of
/// birth, or the same name at the same postcode and house number (names compared by
/// their normalised key), `case` itself included; newest first, at most `limit`.
pub fn debtor_cases(
    conn: &mut DbConnection,
    keys: &CaseKeys,
    client_id: Option<&str>,
    limit: i64,
) -> Result<Vec<CaseRecord>, StoreError> {
    let value_of = |kind: &str| {
        keys.keys
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| v.clone())
    };
    let mut matches: Vec<String> = vec![keys.case_id.clone()];
    if let Some(kvk) = value_of(kind::KVK) {
        matches.extend(
            case_keys::table
                .filter(case_keys::kind.eq(kind::KVK))
                .filter(case_keys::value.eq(kvk))
                .select(case_keys::case_id)
                .load::<String>(conn)?,
        );
    }
    let ids_with = |conn: &mut DbConnection, kind: &str, value: &str| {
        case_keys::table
            .filter(case_keys::kind.eq(kind.to_owned()))
            .filter(case_keys::value.eq(value.to_owned()))
            .select(case_keys::case_id)
            .load::<String>(conn)
    };
    if let Some(name) = value_of(kind::NAME) {
        for kind in [kind::BIRTH, kind::ADDRESS] {
            let Some(value) = value_of(kind) else {
                continue;
            };
            if value.ends_with(':') {
                continue; // an address without a house number: too vague
            }
            let same_key = ids_with(conn, kind, &value)?;
            if same_key.len() > 1 {
                let same_name: HashSet<String> =
                    ids_with(conn, kind::NAME, &name)?.into_iter().collect();
                matches.extend(same_key.into_iter().filter(|id| same_name.contains(id)));
            }
        }
    }
    matches.sort_unstable();
    matches.dedup();
    let mut query = cases::table
        .filter(cases::id.eq_any(&matches))
        .order((cases::created_at.desc(), cases::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(client) = client_id {
        query = query.filter(cases::client_id.eq(client.to_owned()));
    }
    let rows: Vec<CaseRow> = query.load(conn)?;
    super::cases::assemble(conn, rows)
}
