//! Outbound lookups in the two public registers the recoverability check rests on: the KvK
//! Handelsregister (Zoeken API v2, Basisprofiel API v1) and the Centraal
//! Insolventieregister (SOAP web service of the Rechtspraak); and the bailiffs' own
//! Digitaal Beslagregister ([`dbr`]: its trait and fixture only, its interface not being
//! public).
//!
//! Behind two traits, [`TradeRegister`] and [`InsolvencyRegister`], with three kinds of
//! implementation: the real clients ([`kvk::KvkClient`], [`cir::CirClient`]) that retry,
//! stop hammering a register that is down and cache answers in the database; and the
//! [`fixture::FixtureRegister`], the embedded default when no register URL is configured,
//! which answers from a checked-in file through the same parsers. Tests fake the registers
//! only at their network edge (local servers speaking the real formats).
//!
//! Every answer comes with its [`Evidence`]: the raw body as the register sent it, so the
//! case keeps what the verdict was based on. [`Registry::check`] runs the lookups a debtor
//! needs; `case::recoverability::verdict` turns the findings into proceed / review / stop.

pub mod cir;
mod config;
pub mod dbr;
pub mod fixture;
pub mod kvk;
mod transport;
pub mod xml;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::case::recoverability::{
    InsolvencyCase, InsolvencyRecord, TradeLookup, Verdict, verdict,
};
use crate::case::{Debtor, DebtorKind, KvkNumber};
use crate::clock::Clock;

pub use config::{BreakerPolicy, CirConfig, ConfigError, KvkConfig, Registers, RetryPolicy};

/// How a debtor is looked up in the Handelsregister.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KvkQuery {
    /// By KvK number: the Basisprofiel directly.
    Number(KvkNumber),
    /// By name and city (Zoeken), then the Basisprofiel of the one match.
    NameAndPlace {
        /// The name as the client wrote it.
        name: String,
        /// The city (plaats).
        place: String,
    },
}

/// How a company is searched in the insolvency register (`searchUndertaking`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UndertakingQuery {
    /// `commercialRegisterID`: the KvK number.
    KvkNumber(KvkNumber),
    /// `name`: the company's name.
    Name(String),
}

/// How a natural person is searched in the insolvency register (`searchNaturalPerson`):
/// surname and date of birth, with the tussenvoegsel if there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonQuery {
    /// Achternaam without the prefix.
    pub surname: String,
    /// Tussenvoegsel (`van der`), may be empty.
    pub prefix: String,
    /// Geboortedatum.
    pub date_of_birth: NaiveDate,
}

/// The raw answer of one register call, kept with the case as evidence of what the verdict
/// was based on. Credentials never appear in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// `kvk`, `insolvency`, or `fixture` for the embedded register.
    pub register: String,
    /// The operation (`basisprofiel`, `zoeken`, `searchUndertaking`, `getCase`…).
    pub operation: String,
    /// What was asked: method and URL, or the SOAP body without its security header.
    pub request: String,
    /// The HTTP status of the answer.
    pub status: u16,
    /// The body exactly as received.
    pub body: String,
    /// When the register gave this answer (earlier than now when it came from the cache).
    pub fetched_at: DateTime<Utc>,
    /// Whether it was served from the cache instead of the network.
    pub from_cache: bool,
}

/// A parsed answer and the raw answers it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer<T> {
    /// What the answer means.
    pub value: T,
    /// The raw answers, in the order they were received.
    pub evidence: Vec<Evidence>,
}

/// Why a lookup gave no answer. [`LookupError::is_transient`] tells the engine whether a
/// later try may succeed; either way, after its last try the case gets a review task.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// Timeouts, dropped connections or 5xx on every attempt.
    #[error("{register} unreachable after {attempts} attempt(s): {last}")]
    Unavailable {
        /// Which register.
        register: &'static str,
        /// Attempts made.
        attempts: u32,
        /// The last failure, in words.
        last: String,
    },
    /// The circuit is open: the register failed repeatedly and is left alone for a while.
    #[error("{register} is left alone for now after repeated failures (circuit open)")]
    CircuitOpen {
        /// Which register.
        register: &'static str,
    },
    /// The answer could not be read: not the format the register documents.
    #[error("{register} {operation}: malformed answer: {detail}")]
    Malformed {
        /// Which register.
        register: &'static str,
        /// Which operation.
        operation: &'static str,
        /// What did not fit.
        detail: String,
    },
    /// The register refused the request (bad API key, bad credentials, invalid input,
    /// too many results): retrying the same request will not help.
    #[error("{register} {operation} refused (HTTP {status}{}): {message}", code.as_deref().map(|c| format!(", {c}")).unwrap_or_default())]
    Rejected {
        /// Which register.
        register: &'static str,
        /// Which operation.
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// The register's error code (`IPD0004`, `exceptie 3`), if it gave one.
        code: Option<String>,
        /// Its message.
        message: String,
    },
}

impl LookupError {
    /// Whether the same lookup may succeed later (the register was down or busy), as
    /// opposed to an answer that will stay unreadable or refused.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unavailable { .. } | Self::CircuitOpen { .. } => true,
            Self::Malformed { .. } | Self::Rejected { .. } => false,
        }
    }
}

/// The Handelsregister: is the debtor registered, active, where.
#[async_trait::async_trait]
pub trait TradeRegister: Send + Sync {
    /// Looks a registration up; not found is an answer, not an error.
    async fn lookup(&self, query: &KvkQuery) -> Result<Answer<TradeLookup>, LookupError>;
}

/// The Centraal Insolventieregister: searches give publication references, `get_case`
/// gives the case behind one.
#[async_trait::async_trait]
pub trait InsolvencyRegister: Send + Sync {
    /// `searchUndertaking`: publication references of a company's insolvencies (empty when
    /// there are none).
    async fn search_undertaking(
        &self,
        query: &UndertakingQuery,
    ) -> Result<Answer<Vec<String>>, LookupError>;

    /// `searchNaturalPerson`: publication references of a person's insolvencies.
    async fn search_person(&self, query: &PersonQuery) -> Result<Answer<Vec<String>>, LookupError>;

    /// `getCase`: the case behind a publication reference (`None` when the register no
    /// longer shows it).
    async fn get_case(
        &self,
        publication: &str,
    ) -> Result<Answer<Option<InsolvencyCase>>, LookupError>;
}

/// What the registers said about one debtor, with the raw answers. Serializable, so the
/// engine can carry it in an activity's outcome and the dossier keeps it as it was.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Findings {
    /// The Handelsregister's answer; `None` for consumers and businesses with nothing to
    /// search by.
    pub trade: Option<TradeLookup>,
    /// The insolvency register's cases; `None` when it could not be searched.
    pub insolvency: Option<InsolvencyRecord>,
    /// Every raw answer, for the case's dossier.
    pub evidence: Vec<Evidence>,
}

impl Findings {
    /// The verdict these findings lead to.
    pub fn verdict(&self, debtor: &Debtor) -> Verdict {
        verdict(self.trade.as_ref(), self.insolvency.as_ref(), debtor)
    }
}

/// Both registers, as the engine uses them. Build it once and clone it (clones share the
/// clients): the circuit breakers and the coalescing of identical lookups live inside.
#[derive(Clone)]
pub struct Registry {
    trade: Arc<dyn TradeRegister>,
    insolvency: Arc<dyn InsolvencyRegister>,
    /// The attachment register (DBR); `None`: the embedded fixture.
    attachments: Option<Arc<dyn dbr::AttachmentRegister>>,
    /// The insolvency register without the answers cache, for the check before an
    /// execution act: a bankruptcy ends execution the day it is pronounced (art. 33 Fw), so
    /// yesterday's "nothing" may not stand in for today's answer.
    insolvency_uncached: Arc<dyn InsolvencyRegister>,
}

impl Registry {
    /// A registry over any two implementations.
    pub fn new(trade: Arc<dyn TradeRegister>, insolvency: Arc<dyn InsolvencyRegister>) -> Self {
        Self {
            trade,
            insolvency: insolvency.clone(),
            insolvency_uncached: insolvency,
            attachments: None,
        }
    }

    /// The same registry, asking `uncached` (the insolvency register without the answers
    /// cache) in [`Registry::check_before_execution`].
    pub fn with_uncached_insolvency(mut self, uncached: Arc<dyn InsolvencyRegister>) -> Self {
        self.insolvency_uncached = uncached;
        self
    }

    /// The same registers with `attachments` as the attachment register (DBR).
    pub fn with_attachment_register(
        mut self,
        attachments: Arc<dyn dbr::AttachmentRegister>,
    ) -> Self {
        self.attachments = Some(attachments);
        self
    }

    /// The attachment register, when one other than the fixture is configured.
    pub fn attachment_register(&self) -> Option<&Arc<dyn dbr::AttachmentRegister>> {
        self.attachments.as_ref()
    }

    /// The embedded fixture register for both (development, demos, `serve` without URLs);
    /// `clock` dates its evidence.
    pub fn fixture(clock: Arc<dyn Clock>) -> Self {
        let register = Arc::new(fixture::FixtureRegister::embedded(clock));
        Self::new(register.clone(), register)
    }

    /// The trade register.
    pub fn trade(&self) -> &Arc<dyn TradeRegister> {
        &self.trade
    }

    /// The insolvency register.
    pub fn insolvency(&self) -> &Arc<dyn InsolvencyRegister> {
        &self.insolvency
    }

    /// Runs every lookup the debtor needs: for a business the Handelsregister (by KvK
    /// number, else by name and city) and `searchUndertaking`; for a consumer
    /// `searchNaturalPerson` (surname + date of birth); then `getCase` for each insolvency
    /// found. Any lookup that fails fails the whole check, so the engine retries it as one
    /// (answers already received are in the cache and cost nothing the second time).
    #[tracing::instrument(name = "registry.check", skip_all, fields(debtor.kind = debtor.kind.as_str()))]
    pub async fn check(&self, debtor: &Debtor) -> Result<Findings, LookupError> {
        self.check_with(debtor, self.insolvency.as_ref()).await
    }

    /// [`Registry::check`] before an execution act (the judgment's service, an
    /// attachment): the insolvency register is asked afresh, never answered from the cache;
    /// the Handelsregister's cached answer still serves.
    #[tracing::instrument(name = "registry.check_before_execution", skip_all, fields(debtor.kind = debtor.kind.as_str()))]
    pub async fn check_before_execution(&self, debtor: &Debtor) -> Result<Findings, LookupError> {
        self.check_with(debtor, self.insolvency_uncached.as_ref())
            .await
    }

    async fn check_with(
        &self,
        debtor: &Debtor,
        insolvency: &dyn InsolvencyRegister,
    ) -> Result<Findings, LookupError> {
        let mut evidence = Vec::new();
        let trade = match (debtor.kind, trade_query(debtor)) {
            (DebtorKind::Business, Some(query)) => {
                let answer = self.trade.lookup(&query).await?;
                evidence.extend(answer.evidence);
                Some(answer.value)
            }
            _ => None,
        };
        let name_only = debtor.kind == DebtorKind::Business && debtor.kvk_number.is_none();
        // Without a KvK number of its own, the one the Handelsregister matched by name and
        // city narrows the insolvency search better than the name.
        let found_number = match &trade {
            Some(TradeLookup::Found(record)) => KvkNumber::parse(&record.kvk_number).ok(),
            _ => None,
        };
        let references = match debtor.kind {
            DebtorKind::Business => match found_number
                .filter(|_| debtor.kvk_number.is_none())
                .map(UndertakingQuery::KvkNumber)
                .or_else(|| undertaking_query(debtor))
            {
                Some(query) => Some(insolvency.search_undertaking(&query).await?),
                None => None,
            },
            DebtorKind::Consumer => match person_query(debtor) {
                Some(query) => Some(insolvency.search_person(&query).await?),
                None => None,
            },
        };
        let insolvency = match references {
            None => None,
            Some(answer) => {
                evidence.extend(answer.evidence);
                let mut record = InsolvencyRecord {
                    cases: Vec::new(),
                    name_only,
                    unread: Vec::new(),
                };
                for reference in answer.value {
                    // One case has many publications; each reference of a case already
                    // read names the same case.
                    let known = record
                        .cases
                        .iter()
                        .any(|c| c.publications.iter().any(|p| p.reference == reference));
                    if known {
                        continue;
                    }
                    let case = insolvency.get_case(&reference).await?;
                    evidence.extend(case.evidence);
                    match case.value {
                        Some(case)
                            if !record
                                .cases
                                .iter()
                                .any(|c| c.insolvency_number == case.insolvency_number) =>
                        {
                            record.cases.push(case);
                        }
                        Some(_) => {}
                        // Found by the search, but not given: a person looks.
                        None => record.unread.push(reference),
                    }
                }
                Some(record)
            }
        };
        Ok(Findings {
            trade,
            insolvency,
            evidence,
        })
    }
}

/// The Handelsregister query for a debtor: its KvK number, else name and city.
pub fn trade_query(debtor: &Debtor) -> Option<KvkQuery> {
    if let Some(number) = &debtor.kvk_number {
        return Some(KvkQuery::Number(number.clone()));
    }
    let name = debtor.name.trim();
    let place = debtor.address.city.trim();
    (!name.is_empty() && !place.is_empty()).then(|| KvkQuery::NameAndPlace {
        name: name.to_owned(),
        place: place.to_owned(),
    })
}

/// The `searchUndertaking` query for a business: its KvK number, else its name.
pub fn undertaking_query(debtor: &Debtor) -> Option<UndertakingQuery> {
    if let Some(number) = &debtor.kvk_number {
        return Some(UndertakingQuery::KvkNumber(number.clone()));
    }
    let name = debtor.name.trim();
    (!name.is_empty()).then(|| UndertakingQuery::Name(name.to_owned()))
}

/// The `searchNaturalPerson` query for a consumer: surname and date of birth are both
/// needed (the register refuses less).
pub fn person_query(debtor: &Debtor) -> Option<PersonQuery> {
    let surname = debtor.family_name.trim();
    match (surname.is_empty(), debtor.date_of_birth) {
        (false, Some(date_of_birth)) => Some(PersonQuery {
            surname: surname.to_owned(),
            prefix: debtor.family_name_prefix.trim().to_owned(),
            date_of_birth,
        }),
        _ => None,
    }
}
