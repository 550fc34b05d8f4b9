//! Following a case's audit log: everything from a position, then what comes, whichever
//! instance applied it. The log is read in pages and polled at a bounded interval (and at
//! once when this instance commits), so an event applied elsewhere shows within that.

use std::time::Duration;

use tokio::sync::mpsc;

use chrono::{DateTime, Utc};

use super::{App, Principal};
use crate::case::{Stage, Suspension};
use crate::error::AppError;
use crate::store::{cases, events, utc};

/// Longest wait between two looks at the log.
const POLL: Duration = Duration::from_millis(100);
/// Events read per look.
const PAGE: i64 = 200;
/// How often a running watch checks that the token that opened it still holds: a
/// revocation or expiry ends the stream within this (the auth layer's cache time).
const TOKEN_RECHECK: Duration = Duration::from_secs(5);

/// One entry of a case's audit log, as the callers see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// The case.
    pub case_id: String,
    /// Its place in the case's log, from 1.
    pub sequence: i64,
    /// What happened (`payment_recorded`, `document_stored`, …).
    pub kind: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Who: a token or the system.
    pub actor: String,
    /// The stage after it (`None`: not one this build knows).
    pub stage: Option<Stage>,
    /// The suspension after it (`None`: not one this build knows).
    pub suspension: Option<Suspension>,
    /// Why, in words.
    pub reason: String,
    /// The event's data with the amounts as computed then, as JSON.
    pub payload_json: String,
    /// The policy version it was decided under.
    pub policy_version: i64,
}

/// The events whose words are the office's own: a note on the file, a task a person opened
/// by hand, what was said at a contested hearing. A client sees that they happened, not
/// what they say (`ListNotes` is the office's alone too).
const OFFICE_WORDS: [&str; 3] = ["note_added", "task_opened", "hearing_contested"];

impl AuditEntry {
    /// The entry as a client may read it: the office's own words left out
    /// ([`OFFICE_WORDS`]), its place in the log kept so a watch resumes where it was.
    pub fn for_client(mut self) -> Self {
        if OFFICE_WORDS.contains(&self.kind.as_str()) {
            self.reason = "recorded by the office".into();
            self.payload_json = "{}".into();
        } else if self.kind == "task_completed" {
            // The desk's own task (a follow-up, a call back a person opened): its
            // outcome shows, the note a person wrote on it does not.
            if let Ok(mut data) = serde_json::from_str::<serde_json::Value>(&self.payload_json) {
                let desk = data["task_kind"]
                    .as_str()
                    .is_some_and(|k| !crate::case::lifecycle::task_kind::ALL.contains(&k));
                if desk && let Some(note) = data.get_mut("note") {
                    *note = serde_json::Value::String(String::new());
                    self.payload_json = data.to_string();
                }
            }
        }
        self
    }

    /// The entry as `who` may read it.
    pub fn as_seen_by(self, who: &Principal) -> Self {
        if who.confined_to().is_some() {
            self.for_client()
        } else {
            self
        }
    }
}

impl From<events::EventRow> for AuditEntry {
    fn from(row: events::EventRow) -> Self {
        Self {
            stage: Stage::parse(&row.stage),
            suspension: Suspension::parse(&row.suspension),
            case_id: row.case_id,
            sequence: row.sequence,
            kind: row.kind,
            at: utc(row.at),
            actor: row.actor,
            reason: row.reason,
            payload_json: row.payload,
            policy_version: row.policy_version,
        }
    }
}

impl App {
    /// Streams the case's events from sequence `from` (1 = the start), then live, until the
    /// receiver is dropped or the server shuts down. NOT_FOUND for an unknown case or one
    /// `who` may not see.
    pub async fn watch_case(
        &self,
        who: &Principal,
        case_id: String,
        from: i64,
    ) -> Result<mpsc::Receiver<Result<AuditEntry, AppError>>, AppError> {
        self.check_case_visible(who, &case_id).await?;
        let id = case_id.clone();
        let exists = self
            .store
            .run(move |conn| Ok::<_, AppError>(cases::get(conn, &id)?.is_some()))
            .await?;
        if !exists {
            return Err(AppError::NotFound(format!("no case {case_id:?}")));
        }
        let (tx, rx) = mpsc::channel(PAGE as usize);
        let app = self.clone();
        let token_id = who.token_id.clone();
        let viewer = who.clone();
        tokio::spawn(async move {
            let mut next = from.max(1);
            let mut shutdown = app.engine.shutdown.clone();
            let mut checked = tokio::time::Instant::now();
            loop {
                if checked.elapsed() >= TOKEN_RECHECK {
                    checked = tokio::time::Instant::now();
                    if !app.token_in_force(&token_id).await {
                        let _receiver_gone = tx
                            .send(Err(AppError::Unauthenticated(
                                "the token that opened this watch was revoked or expired".into(),
                            )))
                            .await;
                        return;
                    }
                }
                let appended = app.engine.appended.notified();
                let id = case_id.clone();
                let page = app
                    .store
                    .run(move |conn| Ok::<_, AppError>(events::list_from(conn, &id, next, PAGE)?))
                    .await;
                match page {
                    Ok(rows) => {
                        let full = rows.len() as i64 == PAGE;
                        for row in rows {
                            next = row.sequence + 1;
                            let entry = AuditEntry::from(row).as_seen_by(&viewer);
                            if tx.send(Ok(entry)).await.is_err() {
                                return;
                            }
                        }
                        if full {
                            continue;
                        }
                    }
                    Err(e) => {
                        let _receiver_gone = tx.send(Err(e)).await;
                        return;
                    }
                }
                if *shutdown.borrow() {
                    return;
                }
                tokio::select! {
                    _ = tx.closed() => return,
                    _ = shutdown.changed() => return,
                    _ = appended => {}
                    _ = tokio::time::sleep(POLL) => {}
                }
            }
        });
        Ok(rx)
    }

    /// Whether token `id` still holds now (service clock); a database hiccup counts as
    /// holding, so a watch is not cut by it.
    async fn token_in_force(&self, id: &str) -> bool {
        let id = id.to_owned();
        let now = self.clock().now();
        self.store
            .run(move |conn| crate::store::tokens::in_force(conn, &id, now))
            .await
            .unwrap_or(true)
    }
}
