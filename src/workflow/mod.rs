//! The application: commands and queries over the store, with time from the injected
//! clock. Every change to a case — a caller's command, a task completed, a job come due,
//! a new case — goes through `pipeline`: one transaction that decides, writes the new
//! standing, the audit event and the decision's effects (`effects`: jobs and tasks as
//! rows). The durable engine (ARCHITECTURE.md → How a case moves): `jobs` runs timers and
//! activities through the pipeline, `worker` is the job loop in `serve`, `clock` the shared
//! manual clock.
//! What the API reads are the workflow's own views (`Task`, `AuditEntry`,
//! `StoredDocument`, pages by `page::Cursor`): store rows stay in the store. A document's
//! data comes from `documents::assemble`; the engine only stores it.

/// How often a transaction is tried again after losing a race on a case's version (or a
/// payout's settlement) to another transaction: the engine, commands, task completions,
/// bank imports and payout runs alike.
const MAX_CONFLICTS: usize = 8;

mod admin;
mod attachment_register;
mod bank;
mod cases;
mod clock;
mod desk;
mod documents;
mod effects;
mod evidence;
mod follow;
mod import;
mod jobs;
mod office;
mod payouts;
mod pipeline;
pub mod portal;
mod prevention;
mod principal;
mod rates;
mod search;
mod tariff_years;
mod task_view;
mod tasks;
pub mod tokens;
mod track;
mod worker;

use std::sync::Arc;

use tokio::sync::{Notify, broadcast, watch};

use crate::clock::Clock;
use crate::store::Store;

pub use bank::{BankImport, EntryOutcome, EntryResult, UNMATCHED_PAYMENT_TASK};
pub use cases::CaseQuery;
pub use clock::{ClockTarget, DbClock};
pub use desk::{ListedNote, NewNote};
pub use documents::{DocumentPage, StoredDocument};
pub use evidence::Upload;
pub use follow::AuditEntry;
pub use import::{BATCH_ROWS, ImportInput, ImportRow, Outcome, RowOutcome};
pub use jobs::{JobOutcome, SYSTEM, backoff};
pub use payouts::{CaseLine, Overview, PayoutRun};
pub use prevention::{CheckSubject, DebtorCheck};
pub use principal::{Principal, Role};
pub use rates::{AddedRate, NewRate};
pub use search::DebtorCases;
pub use tariff_years::{NewBailiffTariffs, NewCourtFees};
pub use task_view::{Task, TaskQuery, TaskState};
pub use tasks::Completion;
pub use worker::{EngineConfig, run_workers};

/// Who asked: recorded on every audit event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor(pub String);

/// The application's entry point, shared by all handlers.
#[derive(Clone)]
pub struct App {
    store: Store,
    clock: Arc<dyn Clock>,
    engine: Arc<Engine>,
    /// The registers the recoverability check asks; `None`: the embedded fixture register.
    registry: Option<Arc<crate::registry::Registry>>,
}

/// What the engine's parts of one instance share.
struct Engine {
    /// The shared manual clock, when the service runs on one.
    db_clock: Option<Arc<DbClock>>,
    /// How the workers run.
    config: EngineConfig,
    /// Wakes idle workers: a job due now was scheduled, or the clock moved.
    wake_workers: Notify,
    /// Wakes watchers: an event was committed here.
    appended: Notify,
    /// Each job run this instance finished (`AdvanceClock` waits on these instead of
    /// polling the jobs table; nobody listening costs nothing).
    ran: broadcast::Sender<clock::Ran>,
    /// Turns true when the server shuts down.
    shutdown: watch::Receiver<bool>,
    /// Keeps `shutdown` open when nobody else holds its sender (an App without a server).
    _never_shut: Option<watch::Sender<bool>>,
}

impl App {
    /// An application over `store` telling time by `clock`.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        let (never_shut, shutdown) = watch::channel(false);
        let mut app = Self::with_engine(store, clock, None, EngineConfig::default(), shutdown);
        if let Some(engine) = Arc::get_mut(&mut app.engine) {
            engine._never_shut = Some(never_shut);
        }
        app
    }

    /// An application whose engine runs on `db_clock` (the shared manual clock; `None`: on
    /// `clock`) with `config`, stopping when `shutdown` turns true.
    pub fn with_engine(
        store: Store,
        clock: Arc<dyn Clock>,
        db_clock: Option<Arc<DbClock>>,
        config: EngineConfig,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        let clock = match &db_clock {
            Some(db_clock) => db_clock.clone() as Arc<dyn Clock>,
            None => clock,
        };
        Self {
            store,
            clock,
            engine: Arc::new(Engine {
                db_clock,
                config,
                wake_workers: Notify::new(),
                appended: Notify::new(),
                ran: broadcast::channel(clock::RAN_BACKLOG).0,
                shutdown,
                _never_shut: None,
            }),
            registry: None,
        }
    }

    /// The same application asking `registry` in the recoverability check.
    pub fn with_registry(mut self, registry: crate::registry::Registry) -> Self {
        self.registry = Some(Arc::new(registry));
        self
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
