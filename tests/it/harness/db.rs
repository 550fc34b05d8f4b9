//! A fresh database per test: a temp SQLite file, or a PostgreSQL database cloned from a
//! migrated template.

use std::sync::Arc;

/// A database that lives as long as the test.
#[derive(Clone)]
pub struct TestDb {
    /// The URL to hand to the server.
    pub url: String,
    /// Which backend, for messages.
    pub backend: &'static str,
    _keep: Arc<Option<tempfile::TempDir>>,
}

impl TestDb {
    /// A new SQLite file in its own temp directory.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("exploot.db").display());
        Self {
            url,
            backend: "sqlite",
            _keep: Arc::new(Some(dir)),
        }
    }

    /// A database at `url` that the test made itself (a private cluster, a small disk).
    pub fn at(url: String) -> Self {
        let backend = if url.starts_with("postgres") {
            "postgres"
        } else {
            "sqlite"
        };
        Self {
            url,
            backend,
            _keep: Arc::new(None),
        }
    }

    /// A new PostgreSQL database cloned from the migrated template.
    pub fn postgres() -> Self {
        let url = super::pg::cluster().fresh_database();
        Self {
            url,
            backend: "postgres",
            _keep: Arc::new(None),
        }
    }
}
