//! How many long-running streams one token may hold open at once. The rate limit counts
//! calls, and a stream is one call however long it runs; without this, a client script
//! that opens imports or case watches in a loop would hold pooled connections (an import
//! commits 1,000-row batches, 2,000 on SQLite, on one or two) or poll the database (a watch asks every 100 ms) for
//! each, and crowd out the front office.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Imports one token may run at the same time.
pub const IMPORTS_PER_TOKEN: usize = 2;

/// Case watches (`WatchCase`) one token may hold open at the same time: a case handler's
/// screen follows a handful of cases.
pub const WATCHES_PER_TOKEN: usize = 16;

/// The open streams of one kind per token.
#[derive(Clone)]
pub struct StreamSlots {
    limit: usize,
    running: Arc<Mutex<HashMap<String, usize>>>,
}

/// An open stream's place; given back when dropped (the call ended, however).
pub struct StreamSlot {
    slots: StreamSlots,
    token_id: String,
}

impl StreamSlots {
    /// At most `limit` open streams per token.
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            running: Arc::default(),
        }
    }

    /// The most one token may hold.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// A place for a stream of `token_id`, or `None` when it holds [`Self::limit`].
    pub fn take(&self, token_id: &str) -> Option<StreamSlot> {
        let mut running = self.lock();
        let count = running.entry(token_id.to_owned()).or_default();
        if *count >= self.limit {
            return None;
        }
        *count += 1;
        Some(StreamSlot {
            slots: self.clone(),
            token_id: token_id.to_owned(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, usize>> {
        self.running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut running = self.slots.lock();
        if let Some(count) = running.get_mut(&self.token_id) {
            *count -= 1;
            if *count == 0 {
                running.remove(&self.token_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_runs_at_most_its_share_and_gets_places_back() {
        let slots = StreamSlots::new(2);
        let first = slots.take("t1").expect("first");
        let _second = slots.take("t1").expect("second");
        assert!(slots.take("t1").is_none(), "a third waits");
        assert!(slots.take("t2").is_some(), "another token is not affected");
        drop(first);
        assert!(slots.take("t1").is_some(), "a place came back");
    }
}
