//! Which cases a list asks for: the filters of `ListCases`, read by the store.

use chrono::{DateTime, Utc};

use super::Stage;

/// Which cases to list. Ranges are [after, before).
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    /// Only this client's cases.
    pub client_id: Option<String>,
    /// Only cases in this stage.
    pub stage: Option<Stage>,
    /// Only cases against this debtor.
    pub debtor_kvk_number: Option<String>,
    /// Created at or after.
    pub created_after: Option<DateTime<Utc>>,
    /// Created before.
    pub created_before: Option<DateTime<Utc>>,
    /// Updated at or after.
    pub updated_after: Option<DateTime<Utc>>,
    /// Updated before.
    pub updated_before: Option<DateTime<Utc>>,
}
