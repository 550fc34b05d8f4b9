//! Synthetic cases in bulk, for load: the exactly-once tests and the engine benchmark
//! need thousands of cases with a due timer in seconds, which one RPC per claim cannot
//! give. Plain SQL, one statement per table, the same text on both backends.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text, Timestamp};

use super::{DbConnection, StoreError, db_instant, transaction};
use crate::case::{JobKind, PAYMENT_REFERENCE_PAYLOAD_LIMIT as PAYLOAD_LIMIT, Timer};

/// What to seed.
#[derive(Clone, Debug)]
pub struct SyntheticCases<'a> {
    /// An existing client.
    pub client_id: &'a str,
    /// The client's stored policy version the cases run under.
    pub policy_version: i64,
    /// Case ids are `{prefix}{n}` for n in 1..=count; client references the same.
    pub prefix: &'a str,
    /// How many.
    pub count: i64,
    /// Every case has a start-track timer due at `first_due + (n - 1) * spacing_micros`.
    pub first_due: DateTime<Utc>,
    /// Spacing of the timers in microseconds (0: all due at once).
    pub spacing_micros: i64,
    /// Accepted on.
    pub accepted_on: NaiveDate,
    /// Creation instant.
    pub now: DateTime<Utc>,
    /// Attempts of each timer job.
    pub max_attempts: i64,
}

/// Where a seed's payment references start: 15 digits from the prefix's SHA-256, leaving
/// room for a billion cases below 10^15, so seeds with other prefixes draw other numbers.
fn reference_base(prefix: &str) -> i64 {
    let hex = crate::digest::sha256_hex(prefix.as_bytes());
    let bits = u64::from_str_radix(&hex[..15], 16).unwrap_or(0);
    i64::try_from(bits % (PAYLOAD_LIMIT - 1_000_000_000)).unwrap_or(0)
}

/// The weighted digit sum of the betalingskenmerk check (`case::check_digit`) over the
/// 15-digit integer `column`, as SQL both backends run: digit i from the right times
/// 2, 4, 8, 5, 10, 9, 7, 3, 6, 1, repeating.
fn weighted_digits(column: &str) -> String {
    const WEIGHTS: [u32; 10] = [2, 4, 8, 5, 10, 9, 7, 3, 6, 1];
    (0..15)
        .map(|i| {
            format!(
                "(({column} / {}) % 10) * {}",
                10u64.pow(i),
                WEIGHTS[i as usize % 10]
            )
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Inserts `count` consumer cases in stage intake, each with a payment reference, a debtor, one invoice of
/// € 1.000,00 (due 30 days before acceptance: overdue, as a claim comes in), its
/// `case_created` audit event and a due start-track timer, in one transaction. Returns the
/// number of cases.
pub fn synthetic_cases(conn: &mut DbConnection, s: &SyntheticCases<'_>) -> Result<i64, StoreError> {
    const SERIES: &str =
        "WITH RECURSIVE series(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM series WHERE n < $1) ";
    let now = db_instant(s.now);
    transaction(conn, |conn| {
        diesel::sql_query(format!(
            "{SERIES} INSERT INTO cases (id, client_id, client_reference, content_hash, stage, \
               suspension, debtor_kind, principal_cents, received_at, accepted_on, \
               policy_version, version, created_at, updated_at, payment_reference) \
             SELECT $2 || n, $3, $2 || n, 'synthetic', 'intake', 'none', 'consumer', 100000, \
               $4, $5, $6, 1, $4, $4, \
               CAST(CASE c WHEN 11 THEN 0 WHEN 10 THEN 1 ELSE c END AS TEXT) \
                 || substr(CAST(1000000000000000 + p AS TEXT), 2) \
             FROM (SELECT n, p, 11 - ({weighted}) % 11 AS c \
                   FROM (SELECT n, $7 + n AS p FROM series) payloads) checked",
            weighted = weighted_digits("p"),
        ))
        .bind::<BigInt, _>(s.count)
        .bind::<Text, _>(s.prefix)
        .bind::<Text, _>(s.client_id)
        .bind::<Timestamp, _>(now)
        .bind::<Date, _>(s.accepted_on)
        .bind::<BigInt, _>(s.policy_version)
        .bind::<BigInt, _>(reference_base(s.prefix))
        .execute(conn)?;
        diesel::sql_query(format!(
            "{SERIES} INSERT INTO parties (case_id, role, kind, name) \
             SELECT $2 || n, 'debtor', 'consumer', 'Synthetic debtor ' || n FROM series"
        ))
        .bind::<BigInt, _>(s.count)
        .bind::<Text, _>(s.prefix)
        .execute(conn)?;
        diesel::sql_query(format!(
            "{SERIES} INSERT INTO invoices (case_id, position, number, due_date, amount_cents) \
             SELECT $2 || n, 0, 'F-' || n, $3, 100000 FROM series"
        ))
        .bind::<BigInt, _>(s.count)
        .bind::<Text, _>(s.prefix)
        .bind::<Date, _>(s.accepted_on - chrono::Days::new(30))
        .execute(conn)?;
        diesel::sql_query(format!(
            "{SERIES} INSERT INTO case_events (case_id, sequence, kind, at, actor, stage, \
               suspension, reason, payload, policy_version) \
             SELECT $2 || n, 1, 'case_created', $3, 'seed', 'intake', 'none', 'synthetic', '{{}}', $4 \
             FROM series"
        ))
        .bind::<BigInt, _>(s.count)
        .bind::<Text, _>(s.prefix)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(s.policy_version)
        .execute(conn)?;
        // Instant arithmetic differs per backend in SQL, so the timers' due instants are
        // written from Rust, in chunks, in the text form diesel itself uses on SQLite.
        let kind = JobKind::Timer(Timer::StartTrack).as_str();
        let mut n = 1;
        while n <= s.count {
            let end = (n + 500).min(s.count + 1);
            let mut sql = String::from(
                "INSERT INTO jobs (id, case_id, kind, payload, due_at, attempts, max_attempts, created_at) VALUES ",
            );
            for i in n..end {
                if i > n {
                    sql.push(',');
                }
                let due = db_instant(
                    s.first_due + chrono::Duration::microseconds((i - 1) * s.spacing_micros),
                );
                sql.push_str(&format!(
                    "('{p}job{i}', '{p}{i}', '{kind}', '{{}}', '{due}', 0, {max}, '{now}')",
                    p = s.prefix,
                    due = due.format("%Y-%m-%d %H:%M:%S%.f"),
                    max = s.max_attempts,
                    now = now.format("%Y-%m-%d %H:%M:%S%.f"),
                ));
            }
            diesel::sql_query(sql).execute(conn)?;
            n = end;
        }
        Ok(s.count)
    })
}
