//! Clients' batch imports (`ImportClaims`): rows in, one outcome per row out.
//!
//! Each row gets exactly the rules of [`App::create_case`] (unknown client, idempotency on
//! (client, client_reference) by fingerprint, the client's policy for the cut-off and the
//! minimum for legal action, and the track's claim-accepted decision with its first
//! timer, through the same `pipeline::create_in`), but rows are committed in batches of
//! up to [`BATCH_ROWS`] (SQLite: 2,000) per transaction, and a row's outcome is sent only
//! after its batch has committed. A stream broken at any point therefore leaves every
//! acknowledged row stored and no half-stored row; sending the file again finds every
//! stored row and answers `duplicate`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use tracing::Instrument as _;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::cases::new_case;
use super::pipeline::{Creation, Prepared, prepare, write};
use super::{Actor, App, Principal};
use crate::case::{Claim, ClientId, FieldViolation, VersionedPolicy};
use crate::error::AppError;
use crate::store::import::{self, ExistingCase};
use crate::store::{Backend, DbConnection, clients, transaction};

/// Rows per transaction: large enough that a commit's fixed cost is spread thin, small
/// enough that a batch's rows are acknowledged soon and a retried batch is cheap. Since a
/// stream's batches are written side by side on PostgreSQL, 1,000 rows beat 500 by about
/// a fifth (100,000 claims, interleaved: median 12,500 against 10,300 claims/s; peak RSS
/// 58 → 85 MB; BENCHMARKS.md issue 19).
pub const BATCH_ROWS: usize = 1_000;

/// Rows per transaction on SQLite. Each row's search keys land on random pages of one
/// index, and SQLite's WAL writes every page a commit changed: four times the rows put
/// about four times as many keys on each page written (100,000 claims: +35 % claims/s,
/// peak RSS 90 → 160 MB; BENCHMARKS.md issue 19).
const SQLITE_BATCH_ROWS: usize = 2_000;

/// Times a batch is tried when a concurrent writer took one of its references first.
const ATTEMPTS: usize = 3;

/// One row of an import as the API layer parsed it.
#[derive(Clone, Debug)]
pub struct ImportRow {
    /// The client's row number, echoed in the outcome.
    pub row: i64,
    /// The client the row is for, as sent (checked against the known clients here).
    pub client_id: String,
    /// The client's reference, as sent (echoed in the outcome).
    pub client_reference: String,
    /// The parsed claim, or every field violation the API layer found.
    pub claim: Result<Claim, Vec<FieldViolation>>,
}

/// What the API layer feeds an import.
#[derive(Debug)]
pub enum ImportInput {
    /// The next row.
    Row(Box<ImportRow>),
    /// The caller's stream broke (why, as the transport said): the batches under way are
    /// answered, nothing not yet under way is stored, and the import ends with an error —
    /// never as if every row had been answered.
    Broken(String),
}

/// What became of one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Stored as a new case; warnings such as a principal below the minimum for legal action.
    Accepted {
        /// The new case.
        case_id: String,
        /// Remarks for the client.
        warnings: Vec<String>,
    },
    /// The same claim was stored before under this reference.
    Duplicate {
        /// The existing case.
        case_id: String,
    },
    /// A different claim is stored under this reference; nothing was stored.
    Conflict {
        /// The existing case.
        case_id: String,
    },
    /// Invalid; nothing was stored.
    Rejected(Vec<FieldViolation>),
}

/// The outcome of one row, with the row's number and reference echoed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowOutcome {
    /// The client's row number.
    pub row: i64,
    /// The client's reference.
    pub client_reference: String,
    /// What became of it.
    pub outcome: Outcome,
}

impl App {
    /// Starts an import: rows go into the returned sender, outcomes (in row order) come out
    /// of the returned receiver once their batch has committed. Closing the sender ends the
    /// import after the last rows are committed; [`ImportInput::Broken`] ends it at once.
    /// A database error ends it with that error as the last item. A row for a client `who`
    /// may not act for (a client token imports for its own client only) is rejected naming
    /// `client_id`, and the import goes on. Both channels are
    /// bounded, so memory stays flat however many rows come in.
    pub fn import(
        &self,
        who: &Principal,
    ) -> (
        mpsc::Sender<ImportInput>,
        mpsc::Receiver<Result<RowOutcome, AppError>>,
    ) {
        let batch_rows = match self.store.backend() {
            Backend::Sqlite(_) => SQLITE_BATCH_ROWS,
            Backend::Postgres(_) => BATCH_ROWS,
        };
        let (input, mut rows) = mpsc::channel::<ImportInput>(2 * batch_rows);
        let (send, outcomes) = mpsc::channel(2 * batch_rows);
        let app = self.clone();
        let who = who.clone();
        let actor = who.actor();
        // In the call's span, so its transactions are part of the caller's trace.
        tokio::spawn(
            async move {
                let mut import = Stream {
                    app,
                    actor,
                    send,
                    committing: VecDeque::new(),
                    all_written: None,
                };
                // Rows keep arriving (and are parsed by the caller) while batches commit;
                // a batch starts once it is full, or with whatever has arrived when
                // nothing is committing, or when the rows end.
                let mut batch = Vec::with_capacity(batch_rows);
                let mut open = true;
                loop {
                    if import.committing.is_empty() {
                        while open && batch.len() < batch_rows {
                            match rows.try_recv() {
                                Ok(input) => match take(&who, input, &mut batch) {
                                    Taken::Row => {}
                                    Taken::Broken(why) => return import.refuse(broken(&why)).await,
                                },
                                Err(mpsc::error::TryRecvError::Empty) => break,
                                Err(mpsc::error::TryRecvError::Disconnected) => open = false,
                            }
                        }
                    }
                    let start = !batch.is_empty()
                        && import.committing.len() < IN_FLIGHT
                        && (batch.len() >= batch_rows || import.committing.is_empty() || !open);
                    if start {
                        import.commit(std::mem::replace(
                            &mut batch,
                            Vec::with_capacity(batch_rows),
                        ));
                        continue;
                    }
                    let taking = open && batch.len() < batch_rows;
                    tokio::select! {
                        biased;
                        done = async { (&mut import.committing.front_mut().expect("a batch").stored).await },
                            if !import.committing.is_empty() => {
                            import.committing.pop_front();
                            if !import.answer(done).await {
                                return;
                            }
                        }
                        input = rows.recv(), if taking => match input {
                            Some(input) => match take(&who, input, &mut batch) {
                                Taken::Row => {}
                                Taken::Broken(why) => return import.refuse(broken(&why)).await,
                            },
                            None => open = false,
                        },
                        else => return,
                    }
                }
            }
            .in_current_span(),
        );
        (input, outcomes)
    }

    /// Stores one batch in one transaction and returns the rows' outcomes in order, once
    /// `earlier` (the stream's batches before it) are written too. The batch is read and
    /// decided first; `in_order` holds its write back until the earlier batches are
    /// written, so that of two rows with one reference the earlier creates the case (the
    /// stream asks for it when the batch shares a reference with one still under way, and
    /// always on SQLite, where writers take turns anyway). When another writer took one of
    /// the batch's references first, the batch is rolled back and tried again: the second
    /// look finds that case, so no row is lost. An `in_order` batch whose earlier batches
    /// failed writes nothing: it could store a later row's content under a reference whose
    /// earlier row was never stored (the stream ends with the earlier failure anyway).
    /// Returns the outcomes, and whether this batch and every one before it were written.
    pub async fn import_batch(
        &self,
        rows: Vec<ImportRow>,
        actor: Actor,
        mut earlier: Option<oneshot::Receiver<bool>>,
        in_order: bool,
    ) -> (Result<Vec<RowOutcome>, AppError>, bool) {
        let rows = Arc::new(rows);
        let actor = Arc::new(actor);
        let mut attempt = 1;
        let mut earlier_written = None;
        let stored = loop {
            let received_at = self.clock.now();
            let (rows, actor) = (Arc::clone(&rows), Arc::clone(&actor));
            let decided = self
                .store
                .run(move |conn| decide_batch(conn, &rows, &actor, received_at))
                .await;
            let (outcomes, prepared) = match decided {
                Ok(decided) => decided,
                Err(e) => break Err(e),
            };
            if in_order && let Some(earlier) = earlier.take() {
                let written = earlier.await.unwrap_or(false);
                earlier_written = Some(written);
                if !written {
                    break Err(AppError::Unavailable(
                        "an earlier batch of this import was not stored".into(),
                    ));
                }
            }
            let result = self
                .store
                .run(move |conn| transaction(conn, |conn| write(conn, prepared, received_at)))
                .await;
            match result {
                Err(AppError::Conflict) if attempt < ATTEMPTS => attempt += 1,
                Ok(due_now) => {
                    // The new cases' first timers may be due at once (accepted today).
                    self.after_commit(due_now);
                    break Ok(outcomes);
                }
                Err(e) => break Err(e),
            }
        };
        let earlier_written = match (earlier_written, earlier) {
            (Some(written), _) => written,
            // This batch counts as written once those before it are (see `Stream`).
            (None, Some(earlier)) => earlier.await.unwrap_or(false),
            (None, None) => true,
        };
        let all_written = earlier_written && stored.is_ok();
        (stored, all_written)
    }
}

/// Batches of one stream under way at once: the next batch is read, decided and built
/// while the one before it is written, and on PostgreSQL written beside it unless they
/// share a reference. Outcomes go out in row order.
const IN_FLIGHT: usize = 2;

/// One import stream's commits under way, oldest first, and where their outcomes go.
struct Stream {
    app: App,
    actor: Actor,
    send: mpsc::Sender<Result<RowOutcome, AppError>>,
    committing: VecDeque<Commit>,
    /// Answers once every batch started so far has been written (`true`) or one of them
    /// has failed (`false`, or closed unanswered).
    all_written: Option<oneshot::Receiver<bool>>,
}

/// A batch being stored, with the references it carries.
struct Commit {
    stored: JoinHandle<Result<Vec<RowOutcome>, AppError>>,
    references: HashSet<(String, String)>,
}

impl Stream {
    /// Starts committing `batch`: beside the batches under way when the store takes
    /// writers side by side (PostgreSQL) and the batch shares no reference with them,
    /// after them otherwise. Two writers on PostgreSQL keep both cores busy; a reference
    /// repeated across batches stays the earlier row's case.
    fn commit(&mut self, batch: Vec<ImportRow>) {
        let (app, actor) = (self.app.clone(), self.actor.clone());
        let references: HashSet<(String, String)> = batch
            .iter()
            .filter_map(|row| row.claim.as_ref().ok())
            .map(reference_key)
            .collect();
        let in_order = must_follow(
            matches!(app.store.backend(), Backend::Sqlite(_)),
            self.committing
                .iter()
                .map(|under_way| &under_way.references),
            &references,
        );
        let (written, next_waits) = oneshot::channel::<bool>();
        let earlier = self.all_written.replace(next_waits);
        let stored = tokio::spawn(
            async move {
                let (outcomes, all_written) =
                    app.import_batch(batch, actor, earlier, in_order).await;
                let _next_gone = written.send(all_written);
                outcomes
            }
            .in_current_span(),
        );
        self.committing.push_back(Commit { stored, references });
    }

    /// Sends a committed batch's outcomes; `false` when the import ends (an error, or the
    /// caller gone: the batch is stored all the same).
    async fn answer(
        &self,
        done: Result<Result<Vec<RowOutcome>, AppError>, tokio::task::JoinError>,
    ) -> bool {
        let done = done.unwrap_or_else(|e| Err(AppError::Internal(format!("import batch: {e}"))));
        match done {
            Ok(outcomes) => {
                for outcome in outcomes {
                    if self.send.send(Ok(outcome)).await.is_err() {
                        return false;
                    }
                }
                true
            }
            Err(e) => {
                let _caller_gone = self.send.send(Err(e)).await;
                false
            }
        }
    }

    /// Answers the batches under way, then the refusal that ends the import.
    async fn refuse(mut self, refused: AppError) {
        while let Some(commit) = self.committing.pop_front() {
            if !self.answer(commit.stored.await).await {
                return;
            }
        }
        let _caller_gone = self.send.send(Err(refused)).await;
    }
}

/// The (client, reference) a claim's case is stored under, as the unique key sees it: the
/// parsed claim's, its reference trimmed (a row's reference as sent may differ by spaces).
fn reference_key(claim: &Claim) -> (String, String) {
    (
        claim.client_id.as_str().to_owned(),
        claim.client_reference.clone(),
    )
}

/// Whether a batch carrying `references` must be written after the batches under way:
/// always where writers take turns anyway (SQLite), else when it shares a (client,
/// reference) with one of them, so that the earlier row of the file creates the case.
fn must_follow<'a>(
    one_writer: bool,
    mut under_way: impl Iterator<Item = &'a HashSet<(String, String)>>,
    references: &HashSet<(String, String)>,
) -> bool {
    one_writer || under_way.any(|theirs| !theirs.is_disjoint(references))
}

/// What an input was.
enum Taken {
    /// A row, added to the batch.
    Row,
    /// The caller's stream broke, and why.
    Broken(String),
}

/// The error a broken request stream ends the import with.
fn broken(why: &str) -> AppError {
    AppError::FailedPrecondition(format!(
        "the request stream broke ({why}): the rows answered are stored, the others are not; \
         send them again (stored ones come back as duplicates)"
    ))
}

fn take(who: &Principal, input: ImportInput, batch: &mut Vec<ImportRow>) -> Taken {
    match input {
        ImportInput::Row(mut row) => {
            // A row for a client the token may not act for is that row's rejection, not
            // the end of the import: one bad row never stops the rest. (The check does not
            // depend on whether the other client exists.)
            if let Err(refused) = who.may_act_for(&row.client_id)
                && !row.client_id.is_empty()
            {
                row.claim = Err(vec![FieldViolation::new("client_id", refused.to_string())]);
            }
            batch.push(*row);
            Taken::Row
        }
        ImportInput::Broken(why) => Taken::Broken(why),
    }
}

/// Decides every row of a batch and turns the new cases into rows, outside the write
/// transaction: the clients' policies and the references already stored are read, each
/// claim fingerprinted, decided and built, so that on SQLite (one writer at a time) the
/// next batch does this while one is written. A reference another writer stores before
/// the batch is written breaks the unique key in its transaction (`Conflict`), and the
/// batch is decided again, reading afresh.
fn decide_batch(
    conn: &mut DbConnection,
    rows: &[ImportRow],
    actor: &Actor,
    received_at: DateTime<Utc>,
) -> Result<(Vec<RowOutcome>, Prepared), AppError> {
    let fingerprints: Vec<Option<String>> = rows
        .iter()
        .map(|r| r.claim.as_ref().ok().map(Claim::fingerprint))
        .collect();
    // The batch's clients and their current policies (None: no such client).
    let mut policies: HashMap<&str, Option<VersionedPolicy>> = HashMap::new();
    for row in rows {
        if policies.contains_key(row.client_id.as_str()) {
            continue;
        }
        // Only a well-formed id can name a client (a NUL in one would be refused by
        // PostgreSQL as a query error, not as a bad row).
        let policy =
            if ClientId::parse(&row.client_id).is_ok() && clients::exists(conn, &row.client_id)? {
                Some(
                    clients::get_policy(conn, &row.client_id, None)?.ok_or_else(|| {
                        AppError::Internal(format!("client {} has no policy", row.client_id))
                    })?,
                )
            } else {
                None
            };
        policies.insert(&row.client_id, policy);
    }

    // The cases already stored under the batch's references, one query per client.
    let mut references: HashMap<&str, Vec<&str>> = HashMap::new();
    for row in rows {
        if let (Ok(claim), Some(Some(_))) = (&row.claim, policies.get(row.client_id.as_str())) {
            references
                .entry(claim.client_id.as_str())
                .or_default()
                .push(&claim.client_reference);
        }
    }
    let mut known: HashMap<(String, String), ExistingCase> = HashMap::new();
    for (client_id, refs) in references {
        for (reference, case) in import::existing(conn, client_id, &refs)? {
            known.insert((client_id.to_owned(), reference), case);
        }
    }

    let mut outcomes = Vec::with_capacity(rows.len());
    let mut creations = Vec::new();
    for (row, fingerprint) in rows.iter().zip(&fingerprints) {
        let policy = policies
            .get(row.client_id.as_str())
            .and_then(Option::as_ref);
        let outcome = match (&row.claim, policy, fingerprint) {
            (Ok(claim), Some(policy), Some(fingerprint)) => {
                let key = reference_key(claim);
                match known.get(&key) {
                    Some(existing)
                        if existing.content_hash == *fingerprint
                            || claim.is_fingerprinted_by(&existing.content_hash) =>
                    {
                        Outcome::Duplicate {
                            case_id: existing.id.clone(),
                        }
                    }
                    Some(existing) => Outcome::Conflict {
                        case_id: existing.id.clone(),
                    },
                    None => {
                        let case = new_case(claim.clone(), policy, received_at);
                        known.insert(
                            key,
                            ExistingCase {
                                id: case.id.clone(),
                                content_hash: fingerprint.clone(),
                            },
                        );
                        let outcome = Outcome::Accepted {
                            case_id: case.id.clone(),
                            warnings: case.warnings.clone(),
                        };
                        creations.push(Creation {
                            case,
                            content_hash: fingerprint.clone(),
                            policy: &policy.policy,
                        });
                        outcome
                    }
                }
            }
            (result, policy, _) => {
                let mut violations = result.clone().err().unwrap_or_default();
                if policy.is_none() && !violations.iter().any(|v| v.field == "client_id") {
                    violations.push(FieldViolation::new("client_id", "no client with this id"));
                }
                Outcome::Rejected(violations)
            }
        };
        outcomes.push(RowOutcome {
            row: row.row,
            client_reference: row.client_reference.clone(),
            outcome,
        });
    }
    // The new cases and their first decisions, as CreateCase writes one.
    Ok((outcomes, prepare(creations, actor, received_at)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn references(pairs: &[(&str, &str)]) -> HashSet<(String, String)> {
        pairs
            .iter()
            .map(|(client, reference)| ((*client).to_owned(), (*reference).to_owned()))
            .collect()
    }

    #[test]
    fn a_batch_follows_the_batches_under_way_only_when_it_shares_a_reference() {
        let under_way = [
            references(&[("acme", "A-1"), ("acme", "A-2")]),
            references(&[("acme", "A-3")]),
        ];
        let fresh = references(&[("acme", "A-4"), ("other", "A-1")]);
        let repeated = references(&[("acme", "A-4"), ("acme", "A-3")]);
        assert!(!must_follow(false, under_way.iter(), &fresh));
        assert!(must_follow(false, under_way.iter(), &repeated));
        assert!(must_follow(true, under_way.iter(), &fresh));
        assert!(!must_follow(false, std::iter::empty(), &repeated));
    }
}
