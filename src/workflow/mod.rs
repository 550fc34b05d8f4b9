//! The application: commands and queries over the store, with time from the injected
//! clock. Every change is one transaction that also appends the case's audit event.
//! (The durable engine of timers and jobs grows here: see ARCHITECTURE.md → How a case
//! moves.)

mod admin;
mod cases;
mod import;

use std::sync::Arc;

use crate::clock::Clock;
use crate::store::Store;

pub use cases::CaseQuery;
pub use import::{BATCH_ROWS, ImportInput, ImportRow, Outcome, RowOutcome};

/// Who asked: recorded on every audit event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor(pub String);

/// The application's entry point, shared by all handlers.
#[derive(Clone)]
pub struct App {
    store: Store,
    clock: Arc<dyn Clock>,
}

impl App {
    /// An application over `store` telling time by `clock`.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// The clock the application runs on.
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }
}
