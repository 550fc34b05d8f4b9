//! The Digitaal Beslagregister (DBR) of the KBvG: the bailiffs' register of attachments.
//! The Verordening digitaal beslagregister (Stcrt. 2015, 39706; art. 57 lid 2 and 80
//! Gerechtsdeurwaarderswet) obliges a bailiff to consult it before a summons for recovery
//! and before an income attachment, and to register an income attachment in it; it
//! serves the priority of attachments (the coordinating bailiff of the oldest one, art. 478
//! Rv) and the right protected income.
//!
//! Its interface is not public: no specification of the SNG's (Stichting Netwerk
//! Gerechtsdeurwaarders) service was found, so there is no real client here, only the trait
//! a real client will implement and the [`FixtureAttachmentRegister`] the service uses by
//! default. A consultation answered by the fixture is marked `fixture` in its evidence and
//! is never a consultation of the register: see the README (The Digitaal Beslagregister).
//! The track asks it through `workflow::attachment_register` (`case::lifecycle::dbr`).

use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Answer, Evidence, LookupError};
use crate::case::Debtor;
use crate::clock::Clock;

/// One attachment the register holds against a debtor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredAttachment {
    /// `loonbeslag`, `bankbeslag`, `beslag_roerende_zaken` …
    pub kind: String,
    /// The day it was laid.
    pub laid_on: NaiveDate,
    /// The office that laid it.
    pub office: String,
    /// Its rank among the debtor's attachments: 1 is the oldest, whose bailiff coordinates
    /// (art. 478 Rv).
    pub priority: u32,
}

/// The DBR: consult before a summons or an income attachment; register an income
/// attachment laid.
#[async_trait]
pub trait AttachmentRegister: Send + Sync {
    /// The attachments registered against `debtor`, oldest first (empty when none).
    async fn consult(
        &self,
        debtor: &Debtor,
    ) -> Result<Answer<Vec<RegisteredAttachment>>, LookupError>;

    /// Registers an income attachment laid against `debtor`; the answer is its priority.
    async fn register(
        &self,
        debtor: &Debtor,
        attachment: &RegisteredAttachment,
    ) -> Result<Answer<u32>, LookupError>;
}

/// The embedded stand-in: a handful of known debtors (surname, date of birth) with their
/// attachments, for development and tests. It keeps nothing registered.
pub struct FixtureAttachmentRegister {
    clock: Arc<dyn Clock>,
    known: Vec<(String, NaiveDate, RegisteredAttachment)>,
}

impl FixtureAttachmentRegister {
    /// The fixture: M. Bakker (born 2 November 1968) has a wage attachment of 3 March
    /// 2025 by another office; nobody else has any.
    pub fn embedded(clock: Arc<dyn Clock>) -> Self {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a valid date");
        Self {
            clock,
            known: vec![(
                "Bakker".into(),
                day(1968, 11, 2),
                RegisteredAttachment {
                    kind: "loonbeslag".into(),
                    laid_on: day(2025, 3, 3),
                    office: "Gerechtsdeurwaarderskantoor Noord (fixture)".into(),
                    priority: 1,
                },
            )],
        }
    }

    fn evidence(&self, operation: &str, request: String, body: String) -> Evidence {
        Evidence {
            register: "fixture".into(),
            operation: operation.into(),
            request,
            status: 200,
            body,
            fetched_at: self.clock.now(),
            from_cache: false,
        }
    }

    fn of(&self, debtor: &Debtor) -> Vec<RegisteredAttachment> {
        self.known
            .iter()
            .filter(|(surname, born, _)| {
                surname.eq_ignore_ascii_case(debtor.family_name.trim())
                    && debtor.date_of_birth == Some(*born)
            })
            .map(|(_, _, a)| a.clone())
            .collect()
    }
}

#[async_trait]
impl AttachmentRegister for FixtureAttachmentRegister {
    async fn consult(
        &self,
        debtor: &Debtor,
    ) -> Result<Answer<Vec<RegisteredAttachment>>, LookupError> {
        let mut found = self.of(debtor);
        found.sort_by_key(|a| (a.laid_on, a.priority));
        let body = serde_json::to_string(&found).unwrap_or_default();
        Ok(Answer {
            evidence: vec![self.evidence(
                "dbr.consult",
                format!("consult {}", debtor.family_name.trim()),
                body,
            )],
            value: found,
        })
    }

    async fn register(
        &self,
        debtor: &Debtor,
        attachment: &RegisteredAttachment,
    ) -> Result<Answer<u32>, LookupError> {
        // Ranked after every attachment laid earlier (art. 478 Rv: the oldest coordinates).
        let earlier = self
            .of(debtor)
            .iter()
            .filter(|a| a.laid_on <= attachment.laid_on)
            .count();
        let priority = u32::try_from(earlier + 1).unwrap_or(u32::MAX);
        Ok(Answer {
            evidence: vec![self.evidence(
                "dbr.register",
                format!("register {} of {}", attachment.kind, attachment.laid_on),
                format!("{{\"priority\":{priority}}}"),
            )],
            value: priority,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Address, DebtorKind};
    use crate::clock::ManualClock;

    fn debtor(surname: &str, born: Option<NaiveDate>) -> Debtor {
        Debtor {
            kind: DebtorKind::Consumer,
            name: format!("M. {surname}"),
            address: Address::default(),
            email: String::new(),
            phone: String::new(),
            kvk_number: None,
            date_of_birth: born,
            family_name: surname.into(),
            family_name_prefix: String::new(),
            iban: None,
        }
    }

    #[tokio::test]
    async fn the_fixture_knows_one_earlier_attachment_and_ranks_a_new_one_after_it() {
        let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(
            chrono::DateTime::parse_from_rfc3339("2026-06-23T08:00:00Z")
                .unwrap()
                .with_timezone(&chrono::Utc),
        ));
        let register = FixtureAttachmentRegister::embedded(clock);
        let born = NaiveDate::from_ymd_opt(1968, 11, 2);
        let bakker = debtor("Bakker", born);
        let found = register.consult(&bakker).await.unwrap();
        assert_eq!(found.value.len(), 1);
        assert_eq!(found.value[0].kind, "loonbeslag");
        assert_eq!(found.evidence[0].register, "fixture");
        let ours = RegisteredAttachment {
            kind: "loonbeslag".into(),
            laid_on: NaiveDate::from_ymd_opt(2026, 6, 23).unwrap(),
            office: "ours".into(),
            priority: 0,
        };
        assert_eq!(register.register(&bakker, &ours).await.unwrap().value, 2);
        // Nobody else, and not without a date of birth.
        assert!(
            register
                .consult(&debtor("Vries", born))
                .await
                .unwrap()
                .value
                .is_empty()
        );
        assert!(
            register
                .consult(&debtor("Bakker", None))
                .await
                .unwrap()
                .value
                .is_empty()
        );
    }
}
