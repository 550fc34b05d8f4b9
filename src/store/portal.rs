//! The client portal's tables (`portal_users`, `portal_sessions`) and its case search: a
//! client's cases by a piece of the debtor's name, the client's reference, the case's
//! payment reference (betalingskenmerk) or a received payment's reference, optionally in one stage, newest first.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::rows::CaseRow;
use super::schema::{case_search, cases, parties, payments, portal_sessions, portal_users};
use super::{DbConnection, StoreError, db_instant};
use crate::case::{CaseRecord, Stage};

diesel::define_sql_function! {
    /// SQL `lower`, the same on both backends (PostgreSQL's LIKE is case-sensitive).
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A portal user: everything but nothing secret beyond the password's argon2id hash.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = portal_users)]
pub struct UserRow {
    /// Public id, named in the audit trail as `user:<id>/client`.
    pub id: String,
    /// The one client whose cases the user sees.
    pub client_id: String,
    /// Sign-in name, stored lowercase.
    pub email: String,
    /// The PHC string of the argon2id hash.
    pub password_hash: String,
    /// Wrong passwords since the last right one.
    pub failed_attempts: i32,
    /// Refused until then (UTC), after too many wrong passwords.
    pub locked_until: Option<NaiveDateTime>,
    /// When the office created it (UTC).
    pub created_at: NaiveDateTime,
    /// When the office disabled it (UTC): refused at sign-in from then on.
    pub disabled_at: Option<NaiveDateTime>,
}

/// Stores a new user; `false` when the e-mail address is taken.
pub fn insert_user(conn: &mut DbConnection, row: &UserRow) -> Result<bool, StoreError> {
    let taken = portal_users::table
        .filter(portal_users::email.eq(&row.email))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if taken {
        return Ok(false);
    }
    diesel::insert_into(portal_users::table)
        .values(row)
        .execute(conn)?;
    Ok(true)
}

/// The user signing in with `email` (lowercase).
pub fn user_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<UserRow>, StoreError> {
    Ok(portal_users::table
        .filter(portal_users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// Records a sign-in attempt's result: a right password clears the count, a wrong one
/// adds to it and sets `locked_until` when given.
pub fn record_attempt(
    conn: &mut DbConnection,
    user_id: &str,
    failed_attempts: i32,
    locked_until: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    diesel::update(portal_users::table.find(user_id))
        .set((
            portal_users::failed_attempts.eq(failed_attempts),
            portal_users::locked_until.eq(locked_until.map(db_instant)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes one of `user_id`'s sign-in attempts before its password is checked, so that
/// attempts made at once can never check more than `max` passwords in a lock window: the
/// count goes up first and only a right password sets it back to 0. A lock that ran out by
/// `now` starts the count again. `None` when the user is locked or `max` attempts are
/// already counted; in the latter case (attempts whose check never finished: a burst, or
/// a process that stopped mid-check) the lock of `lockout` starts now, so that it ends.
/// The caller holds the transaction. Returns the count with this one.
pub fn reserve_attempt(
    conn: &mut DbConnection,
    user_id: &str,
    now: DateTime<Utc>,
    max: i32,
    lockout: chrono::Duration,
) -> Result<Option<i32>, StoreError> {
    use portal_users::dsl as u;
    diesel::update(
        u::portal_users
            .find(user_id)
            .filter(u::locked_until.le(db_instant(now))),
    )
    .set((
        u::failed_attempts.eq(0),
        u::locked_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    let taken = diesel::update(
        u::portal_users
            .find(user_id)
            .filter(u::locked_until.is_null())
            .filter(u::failed_attempts.lt(max)),
    )
    .set(u::failed_attempts.eq(u::failed_attempts + 1))
    .execute(conn)?;
    if taken == 0 {
        diesel::update(
            u::portal_users
                .find(user_id)
                .filter(u::locked_until.is_null())
                .filter(u::failed_attempts.ge(max)),
        )
        .set(u::locked_until.eq(Some(db_instant(now + lockout))))
        .execute(conn)?;
        return Ok(None);
    }
    Ok(Some(
        u::portal_users
            .find(user_id)
            .select(u::failed_attempts)
            .first(conn)?,
    ))
}

/// Locks `user_id` out until `until`.
pub fn lock(
    conn: &mut DbConnection,
    user_id: &str,
    until: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(portal_users::table.find(user_id))
        .set(portal_users::locked_until.eq(Some(db_instant(until))))
        .execute(conn)?;
    Ok(())
}

/// A session as stored: the cookie's SHA-256, never the cookie.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = portal_sessions)]
pub struct SessionRow {
    /// SHA-256 of the cookie value, lowercase hex.
    pub secret_sha256: String,
    /// Whose.
    pub user_id: String,
    /// The token every form of this session carries.
    pub csrf_token: String,
    /// Signed in at (UTC).
    pub created_at: NaiveDateTime,
    /// Refused from then on (UTC).
    pub expires_at: NaiveDateTime,
}

/// Stores a new session.
pub fn insert_session(conn: &mut DbConnection, row: &SessionRow) -> Result<(), StoreError> {
    diesel::insert_into(portal_sessions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The session with this cookie hash and its user, if both exist.
pub fn session(
    conn: &mut DbConnection,
    secret_sha256: &str,
) -> Result<Option<(SessionRow, UserRow)>, StoreError> {
    let Some(session) = portal_sessions::table
        .find(secret_sha256)
        .select(SessionRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let user = portal_users::table
        .find(&session.user_id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    Ok(user.map(|user| (session, user)))
}

/// What the office may change of a user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserChange {
    /// Refused at sign-in from then on (UTC).
    Disable(DateTime<Utc>),
    /// Signs in again.
    Enable,
    /// The wrong passwords forgotten and the lock lifted.
    Unlock,
    /// A new password hash; unlocked too.
    Password(String),
}

/// Changes the user signing in as `email`; `None` when there is none.
pub fn change_user(
    conn: &mut DbConnection,
    email: &str,
    change: &UserChange,
) -> Result<Option<UserRow>, StoreError> {
    use portal_users::dsl as u;
    let found = u::portal_users.filter(u::email.eq(email));
    let changed = match change {
        UserChange::Disable(at) => diesel::update(found)
            .set(u::disabled_at.eq(Some(db_instant(*at))))
            .execute(conn)?,
        UserChange::Enable => diesel::update(found)
            .set(u::disabled_at.eq(None::<NaiveDateTime>))
            .execute(conn)?,
        UserChange::Unlock => diesel::update(found)
            .set((
                u::failed_attempts.eq(0),
                u::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?,
        UserChange::Password(hash) => diesel::update(found)
            .set((
                u::password_hash.eq(hash),
                u::failed_attempts.eq(0),
                u::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?,
    };
    if changed == 0 {
        return Ok(None);
    }
    user_by_email(conn, email)
}

/// The user `id`, its row held against change until the caller's transaction ends (on
/// PostgreSQL; SQLite's write transaction holds the one lock anyway): what a session is
/// granted on cannot be changed by the office under it.
pub fn user_for_update(conn: &mut DbConnection, id: &str) -> Result<Option<UserRow>, StoreError> {
    let found = portal_users::table.find(id.to_owned());
    Ok(match conn {
        DbConnection::Pg(pg) => found
            .select(UserRow::as_select())
            .for_update()
            .first(pg)
            .optional()?,
        DbConnection::Sqlite(sqlite) => found
            .select(UserRow::as_select())
            .first(sqlite)
            .optional()?,
    })
}

/// Deletes the sessions that ended before `now` (UTC); how many.
pub fn delete_expired_sessions(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(portal_sessions::table.filter(portal_sessions::expires_at.lt(now)))
            .execute(conn)?,
    )
}

/// Ends every session of a user ("sign out everywhere"); how many there were.
pub fn delete_sessions(conn: &mut DbConnection, user_id: &str) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(portal_sessions::table.filter(portal_sessions::user_id.eq(user_id)))
            .execute(conn)?,
    )
}

/// Ends one session.
pub fn delete_session(conn: &mut DbConnection, secret_sha256: &str) -> Result<(), StoreError> {
    diesel::delete(portal_sessions::table.find(secret_sha256)).execute(conn)?;
    Ok(())
}

/// What a portal search asks for.
#[derive(Clone, Debug, Default)]
pub struct CaseSearch {
    /// The client whose cases are searched (always set: a user sees one client).
    pub client_id: String,
    /// A piece of the debtor's name, the client's reference or a payment reference; empty:
    /// every case.
    pub text: String,
    /// Only cases in this stage.
    pub stage: Option<Stage>,
    /// Where the page starts: after (older than) or before (newer than) a case of the
    /// client, by id — a place in the list that cases added meanwhile do not move.
    pub from: Option<PageFrom>,
    /// At most this many.
    pub limit: i64,
}

/// Where a page of the portal's case list starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageFrom {
    /// The cases older than this one (the next page).
    After(String),
    /// The cases newer than this one (the previous page).
    Before(String),
}

/// The most cases a name in a portal search picks out (a bound on the query's parameters:
/// a name that matches more is not a search but a list).
const NAMED_AT_MOST: i64 = 10_000;

/// A page of a client's cases matching `search`, newest first, and whether more follow
/// in the direction paged (older ones; newer ones for [`PageFrom::Before`]).
pub fn search_cases(
    conn: &mut DbConnection,
    search: &CaseSearch,
) -> Result<(Vec<CaseRecord>, bool), StoreError> {
    let mut query = cases::table
        .filter(cases::client_id.eq(search.client_id.clone()))
        .into_boxed();
    if let Some(stage) = search.stage {
        query = query.filter(cases::stage.eq(stage.as_str()));
    }
    let text = search.text.trim().to_lowercase();
    if !text.is_empty() {
        let pattern = format!(
            "%{}%",
            text.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let by_debtor = parties::table
            .filter(lower(parties::name).like(pattern.clone()).escape('\\'))
            .select(parties::case_id);
        let by_payment = payments::table
            .filter(
                lower(payments::reference)
                    .like(pattern.clone())
                    .escape('\\'),
            )
            .select(payments::case_id);
        // The debtor's name as the desk's search keys hold it (`case::search::name_key`:
        // accents folded, tussenvoegsels last): every word of the query in it, so "de
        // Vries" finds "Vries, de" and "muller" finds "Müller" (SQL's lower() folds
        // neither on SQLite).
        let query_words = crate::case::search::words(&text);
        let by_name: Vec<String> = if query_words.is_empty() {
            Vec::new()
        } else {
            let mut named = case_search::table
                .filter(
                    case_search::case_id.eq_any(
                        cases::table
                            .filter(cases::client_id.eq(search.client_id.clone()))
                            .select(cases::id),
                    ),
                )
                .select(case_search::case_id)
                .limit(NAMED_AT_MOST)
                .into_boxed();
            for word in &query_words {
                // Words are ASCII letters and digits only: nothing to escape.
                named = named.filter(case_search::name_key.like(format!("%{word}%")));
            }
            named.load(conn)?
        };
        // The case's betalingskenmerk is digits, often typed in groups of four or with
        // dashes. Fewer than four digits would match nearly every reference, so they
        // match none ('' is no case's reference).
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let by_reference = if digits.len() >= 4 {
            format!("%{digits}%")
        } else {
            String::new()
        };
        query = query.filter(
            lower(cases::client_reference)
                .like(pattern)
                .escape('\\')
                .or(cases::id.eq_any(by_debtor))
                .or(cases::id.eq_any(by_name))
                .or(cases::id.eq_any(by_payment))
                .or(cases::payment_reference
                    .assume_not_null()
                    .like(by_reference)),
        );
    }
    // Newest first: (created_at, id) descending; a page from a case goes on past it.
    let anchor = |conn: &mut DbConnection, id: &str| -> Result<Option<NaiveDateTime>, StoreError> {
        Ok(cases::table
            .filter(cases::client_id.eq(search.client_id.clone()))
            .filter(cases::id.eq(id.to_owned()))
            .select(cases::created_at)
            .first(conn)
            .optional()?)
    };
    let backwards = matches!(search.from, Some(PageFrom::Before(_)));
    match &search.from {
        Some(PageFrom::After(id)) => {
            if let Some(at) = anchor(conn, id)? {
                query = query.filter(
                    cases::created_at
                        .lt(at)
                        .or(cases::created_at.eq(at).and(cases::id.lt(id.clone()))),
                );
            }
        }
        Some(PageFrom::Before(id)) => {
            if let Some(at) = anchor(conn, id)? {
                query = query.filter(
                    cases::created_at
                        .gt(at)
                        .or(cases::created_at.eq(at).and(cases::id.gt(id.clone()))),
                );
            }
        }
        None => {}
    }
    query = if backwards {
        query.order((cases::created_at.asc(), cases::id.asc()))
    } else {
        query.order((cases::created_at.desc(), cases::id.desc()))
    };
    let mut rows: Vec<CaseRow> = query.limit(search.limit + 1).load(conn)?;
    let more = rows.len() as i64 > search.limit;
    rows.truncate(usize::try_from(search.limit).unwrap_or(0));
    if backwards {
        rows.reverse();
    }
    Ok((super::cases::assemble(conn, rows)?, more))
}

/// How many of a client's cases stand in each stage (stages without cases left out).
pub fn cases_by_stage(
    conn: &mut DbConnection,
    client_id: &str,
) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(cases::table
        .filter(cases::client_id.eq(client_id))
        .group_by(cases::stage)
        .select((cases::stage, diesel::dsl::count_star()))
        .load(conn)?)
}

/// The ids of a client's cases not closed, for the overview's quotes (at most `limit`).
pub fn open_case_ids(
    conn: &mut DbConnection,
    client_id: &str,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    Ok(cases::table
        .filter(cases::client_id.eq(client_id))
        .filter(cases::stage.ne(Stage::Closed.as_str()))
        .order(cases::created_at.asc())
        .limit(limit)
        .select(cases::id)
        .load(conn)?)
}
