//! Test harness: databases, the in-process server, waiting without sleeping.

pub mod browser;
pub mod db;
pub mod fake_registers;
pub mod fixtures;
pub mod pg;
pub mod proxy;
pub mod server;
pub mod walk;

pub use db::TestDb;
pub use server::TestServer;

/// Runs an async test body once on SQLite and once on PostgreSQL, as two tests.
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::harness::TestDb::sqlite()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::harness::TestDb::postgres()).await;
            }
        }
    };
}
pub(crate) use on_both_backends;

/// Polls `probe` until it yields a value or `deadline` passes: a condition with a deadline,
/// never a fixed sleep.
pub async fn eventually<T, F, Fut>(what: &str, deadline: std::time::Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let give_up = tokio::time::Instant::now() + deadline;
    let mut pause = std::time::Duration::from_millis(5);
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < give_up,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(std::time::Duration::from_millis(100));
    }
}

/// The fields an INVALID_ARGUMENT's `google.rpc.BadRequest` names, sorted; panics when the
/// status carries no BadRequest, since every refusal of bad input must name its fields.
pub fn bad_fields(status: &tonic::Status) -> Vec<String> {
    use tonic_types::StatusExt;
    let mut fields: Vec<String> = status
        .get_details_bad_request()
        .expect("google.rpc.BadRequest details")
        .field_violations
        .into_iter()
        .map(|v| v.field)
        .collect();
    fields.sort_unstable();
    fields
}

/// A multi-thread runtime every thread of which reports to `dispatch`.
pub fn traced_runtime(dispatch: &tracing::Dispatch) -> tokio::runtime::Runtime {
    thread_local! {
        static DEFAULT: std::cell::RefCell<Option<tracing::dispatcher::DefaultGuard>> =
            const { std::cell::RefCell::new(None) };
    }
    let dispatch = dispatch.clone();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .on_thread_start(move || {
            let guard = tracing::dispatcher::set_default(&dispatch);
            DEFAULT.with(|default| *default.borrow_mut() = Some(guard));
        })
        .build()
        .expect("runtime")
}
