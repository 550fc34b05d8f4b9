//! The desk: finding cases by what the debtor is known by, and a debtor's cases with what
//! they owe today. A client token is confined to its own client here, as in `ListCases`.

use chrono::NaiveDate;

use super::{App, Principal};
use crate::case::search::SearchQuery;
use crate::case::track::owed;
use crate::case::{CaseRecord, Stage};
use crate::clock::amsterdam_local;
use crate::error::AppError;
use crate::law::money::Money;
use crate::page::RankedCursor;
use crate::store::clients;
use crate::store::search::{self, CaseKeys};

/// At most this many cases of one debtor are listed (a debtor with more is a file for a
/// search with filters).
const DEBTOR_CASES: i64 = 1000;

/// A debtor's cases, each with what it owes on `as_of`, and the total.
#[derive(Clone, Debug)]
pub struct DebtorCases {
    /// Newest first, with what each owes.
    pub cases: Vec<(CaseRecord, Money)>,
    /// The sum.
    pub total: Money,
    /// Today.
    pub as_of: NaiveDate,
}

impl App {
    /// A page of the cases matching `query` that `who` may see. A client token searches its
    /// own client's cases; a filter naming another client matches nothing.
    pub async fn find_cases(
        &self,
        who: &Principal,
        mut query: SearchQuery,
        after: Option<RankedCursor>,
        page_size: i64,
    ) -> Result<(Vec<CaseRecord>, Option<RankedCursor>), AppError> {
        if let Some(own) = who.confined_to() {
            if query.client_id.as_deref().is_some_and(|c| c != own) {
                return Ok((Vec::new(), None));
            }
            query.client_id = Some(own.to_owned());
        }
        self.store
            .run(move |conn| Ok(search::search(conn, &query, after.as_ref(), page_size)?))
            .await
    }

    /// Every case of the debtor of `case_id` that `who` may see, with what each owes today
    /// (the law's quote, as `QuoteCase`; nothing on a closed case) and the total. NOT_FOUND as `GetCase` for a case
    /// the caller may not see.
    pub async fn list_debtor_cases(
        &self,
        who: &Principal,
        case_id: String,
    ) -> Result<DebtorCases, AppError> {
        let case = self.get_case(who, case_id).await?;
        let as_of = amsterdam_local(self.service_now().await?).date();
        let own = who.confined_to().map(str::to_owned);
        self.store
            .run(move |conn| {
                let keys = CaseKeys::of_record(&case);
                let found = search::debtor_cases(conn, &keys, own.as_deref(), DEBTOR_CASES)?;
                let mut listed = Vec::with_capacity(found.len());
                let mut total = Money::ZERO;
                for case in found {
                    let policy = clients::get_policy(
                        conn,
                        case.claim.client_id.as_str(),
                        Some(case.policy_version),
                    )?
                    .ok_or_else(|| AppError::Internal("the case's policy is missing".into()))?;
                    // A closed case is collected no more: its final statement says what
                    // was left on the closing day, and the debtor owes the office nothing.
                    let owes = if case.stage == Stage::Closed {
                        Money::ZERO
                    } else {
                        owed(&case, &policy.policy, as_of)
                            .map_err(|e| AppError::Internal(format!("case {}: {e}", case.id)))?
                            .total
                    };
                    total += owes;
                    listed.push((case, owes));
                }
                Ok(DebtorCases {
                    cases: listed,
                    total,
                    as_of,
                })
            })
            .await
    }
}
