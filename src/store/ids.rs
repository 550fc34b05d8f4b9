//! Row ids: UUIDv7 of the service's time (its clock, manual in tests), never the machine's.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use uuid::{ContextV7, Timestamp, Uuid};

/// A new row id (cases, jobs, tasks): a UUIDv7 of `at`, the service's time. Time-ordered
/// ids make a batch of new rows append to the id indexes instead of touching a random page
/// per row (a large import runs 2–3 times faster). A counter per millisecond keeps the ids
/// of one instant ordered while a manual clock stands still; every id keeps its own
/// instant (PostgreSQL files the dossier by it), even when another service's clock in the
/// same process (the tests) stands elsewhere — one shared counter would lend it that
/// clock's later instant.
pub fn new_id(at: DateTime<Utc>) -> String {
    /// Instants with a counter of their own; the least recently used goes first.
    const KEPT: usize = 64;
    static IDS: Mutex<Vec<(i64, u64, ContextV7)>> = Mutex::new(Vec::new());
    static USES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let use_no = USES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let millis = at.timestamp_millis();
    let mut ids = IDS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let index = match ids.iter().position(|(m, ..)| *m == millis) {
        Some(index) => index,
        None => {
            if ids.len() >= KEPT
                && let Some(oldest) = (0..ids.len()).min_by_key(|&i| ids[i].1)
            {
                ids.swap_remove(oldest);
            }
            ids.push((millis, use_no, ContextV7::new()));
            ids.len() - 1
        }
    };
    ids[index].1 = use_no;
    let seconds = u64::try_from(at.timestamp()).unwrap_or(0);
    Uuid::new_v7(Timestamp::from_unix(
        &ids[index].2,
        seconds,
        at.timestamp_subsec_nanos(),
    ))
    .to_string()
}
