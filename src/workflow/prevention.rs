//! Prevention (`CaseService.CheckDebtor`): a client or the office checks a prospective
//! customer before doing business — the Handelsregister and the insolvency register through
//! the same clients and cache as the recoverability check, the same verdict — and the
//! answer is kept with its raw register answers as an `admin_events` row (`debtor_checked`,
//! subject `check:<id>`). No case is created.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::{App, Principal};
use crate::case::recoverability::Verdict;
use crate::case::{Address, Debtor, KvkNumber};
use crate::error::AppError;
use crate::registry::{Findings, Registry};
use crate::store::{admin_events, transaction};

/// Who is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckSubject {
    /// A business by its KvK number.
    Kvk(KvkNumber),
    /// A business by name and city.
    NameAndCity {
        /// The name.
        name: String,
        /// The city.
        city: String,
    },
    /// A person by surname (with tussenvoegsel) and date of birth.
    Person {
        /// The surname without prefix.
        family_name: String,
        /// The tussenvoegsel, may be empty.
        prefix: String,
        /// The date of birth.
        born: NaiveDate,
    },
}

impl CheckSubject {
    /// The subject as a debtor, as the registers are asked about one; `postcode` (may be
    /// empty) is compared with the register's address.
    fn debtor(&self, postcode: &str) -> Debtor {
        let address = Address::nl("", postcode, "");
        match self {
            Self::Kvk(number) => Debtor::business("", Some(number.clone()), address),
            Self::NameAndCity { name, city } => Debtor::business(
                name,
                None,
                Address {
                    city: city.clone(),
                    ..address
                },
            ),
            Self::Person {
                family_name,
                prefix,
                born,
            } => {
                let name = [prefix.as_str(), family_name.as_str()]
                    .iter()
                    .filter(|p| !p.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" ");
                Debtor::consumer(&name, family_name, prefix, Some(*born), address)
            }
        }
    }
}

/// A check's answer.
#[derive(Clone, Debug)]
pub struct DebtorCheck {
    /// The stored check (`admin_events` subject `check:<id>`).
    pub id: String,
    /// The verdict with its reasons.
    pub verdict: Verdict,
    /// What the registers said, with their raw answers.
    pub findings: Findings,
    /// When.
    pub checked_at: DateTime<Utc>,
}

impl App {
    /// CheckDebtor: the registers' answers on `subject` and the verdict, stored with the
    /// raw answers and audited as `who`'s. A register that cannot be reached is
    /// UNAVAILABLE (nothing stored; a retry may succeed).
    pub async fn check_debtor(
        &self,
        who: &Principal,
        subject: CheckSubject,
        postcode: String,
    ) -> Result<DebtorCheck, AppError> {
        let debtor = subject.debtor(&postcode);
        let registry = match &self.registry {
            Some(registry) => registry.clone(),
            None => Arc::new(Registry::fixture(self.clock.clone())),
        };
        let findings = registry
            .check(&debtor)
            .await
            .map_err(|e| AppError::Unavailable(format!("register lookup: {e}")))?;
        let verdict = findings.verdict(&debtor);
        let checked_at = self.service_now().await?;
        let id = crate::store::ids::new_id(checked_at);
        let payload = json!({
            "subject": format!("{subject:?}"),
            "postcode": postcode,
            "client_id": who.client_id,
            "verdict": verdict,
            "findings": findings,
        });
        let actor = who.actor().0;
        let subject_key = format!("check:{id}");
        self.store
            .run(move |conn| {
                transaction(conn, |conn| {
                    admin_events::append(
                        conn,
                        checked_at,
                        &actor,
                        "debtor_checked",
                        &subject_key,
                        &payload,
                    )
                })
            })
            .await
            .map_err(AppError::from)?;
        Ok(DebtorCheck {
            id,
            verdict,
            findings,
            checked_at,
        })
    }
}
