//! How many imports one token may run at once. The rate limit counts calls, and an import
//! is one call however many rows it streams; without this, a client script that opens
//! imports in a loop would hold one pooled connection each and crowd out the front office.
//! Each import commits 500-row batches in short transactions on one connection, so a
//! bounded number of them leaves the rest of the pool to everyone else.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Imports one token may run at the same time.
pub const IMPORTS_PER_TOKEN: usize = 2;

/// The running imports per token.
#[derive(Clone, Default)]
pub struct ImportSlots {
    running: Arc<Mutex<HashMap<String, usize>>>,
}

/// A running import's place; given back when dropped (the call ended, however).
pub struct ImportSlot {
    slots: ImportSlots,
    token_id: String,
}

impl ImportSlots {
    /// A place for an import by `token_id`, or `None` when it runs [`IMPORTS_PER_TOKEN`].
    pub fn take(&self, token_id: &str) -> Option<ImportSlot> {
        let mut running = self.lock();
        let count = running.entry(token_id.to_owned()).or_default();
        if *count >= IMPORTS_PER_TOKEN {
            return None;
        }
        *count += 1;
        Some(ImportSlot {
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

impl Drop for ImportSlot {
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
        let slots = ImportSlots::default();
        let first = slots.take("t1").expect("first");
        let _second = slots.take("t1").expect("second");
        assert!(slots.take("t1").is_none(), "a third waits");
        assert!(slots.take("t2").is_some(), "another token is not affected");
        drop(first);
        assert!(slots.take("t1").is_some(), "a place came back");
    }
}
