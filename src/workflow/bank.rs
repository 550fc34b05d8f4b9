//! Bank statements in: a camt.053 of the office's third-party account (derdengeldenrekening)
//! is read whole ([`camt053::parse`], nothing booked when it cannot be), checked to be of
//! that account, and booked in one transaction: each credit to its case by the payment
//! reference, else by the debtor's IBAN and the amount, through the same event as
//! RecordPayment (`Event::PaymentReceived`, the track allocates it); each storno or return
//! reverses the payment it takes back (`Event::PaymentReversed`). Every entry is stored
//! once per bank reference, so a statement imported twice books nothing twice. What cannot
//! be matched, or fits more than one case, becomes an `unmatched_payment` task that a
//! person resolves to a case or to a refund (CompleteTask).

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::effects::payment_row;
use super::pipeline::{Applied, Command, apply_in, retrying};
use super::{Actor, App, Principal};
use crate::bank::camt053::{self, Direction, Entry, EntryStatus, Statement};
use crate::case::track::{PaymentRecord, owed};
use crate::case::{CASE_HANDLER_QUEUE, Event, FieldViolation, Iban, PaymentReference};
use crate::clock::amsterdam_local;
use crate::error::AppError;
use crate::law::money::Money;
use crate::store::bank::{self as entries, BankEntryRow, outcome};
use crate::store::tasks::{self, TaskRow, state};
use crate::store::{DbConnection, cases, clients, db_instant, transaction};

/// The task a person resolves an entry with.
pub const UNMATCHED_PAYMENT_TASK: &str = "unmatched_payment";
/// Its outcomes: book it on the case named in `values["case_id"]`, or pay it back.
const BOOK: &str = "book";
const REFUND: &str = "refund";
/// A storno whose payment is not found: a person checks it.
const CHECKED: &str = "checked";

/// What became of one entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryOutcome {
    /// Booked as a payment.
    Booked,
    /// No case found: a task.
    Unmatched,
    /// More than one case fits: a task.
    Ambiguous,
    /// Imported before: nothing booked.
    Duplicate,
    /// A storno: its payment was reversed.
    Reversed,
    /// Not a debtor's payment.
    Skipped,
}

/// One entry's result.
#[derive(Clone, Debug)]
pub struct EntryResult {
    /// The entry's place in the file.
    pub position: String,
    /// The bank's reference.
    pub reference: String,
    /// Amount in cents.
    pub amount_cents: i64,
    /// Money in.
    pub credit: bool,
    /// Booking date.
    pub booking_date: NaiveDate,
    /// What became of it.
    pub outcome: EntryOutcome,
    /// The case it was booked on or reversed from.
    pub case_id: Option<String>,
    /// The payment booked or reversed.
    pub payment_id: String,
    /// The task opened.
    pub task_id: Option<String>,
    /// Why, in words.
    pub note: String,
}

/// A statement as imported.
#[derive(Clone, Debug)]
pub struct BankImport {
    /// GrpHdr/MsgId.
    pub message_id: String,
    /// The account.
    pub account: String,
    /// Per entry, in file order.
    pub entries: Vec<EntryResult>,
}

/// The office's third-party account, which every statement imported must be of.
fn third_party_account(conn: &mut DbConnection) -> Result<Iban, AppError> {
    let needs = "the third-party account (derdengeldenrekening) a bank statement must be of";
    Ok(super::office::office_in_force(conn, needs)?
        .office
        .third_party_account
        .iban)
}

impl App {
    /// ImportBankStatement: reads, checks and books a camt.053 file, all or nothing.
    pub async fn import_bank_statement(
        &self,
        who: &Principal,
        bytes: Vec<u8>,
    ) -> Result<BankImport, AppError> {
        let statement = camt053::parse_all(&bytes).map_err(|all| {
            AppError::Invalid(
                all.into_iter()
                    .map(|e| FieldViolation::new(e.path, e.message))
                    .collect(),
            )
        })?;
        let now = self.service_now().await?;
        let today = amsterdam_local(now).date();
        let future: Vec<FieldViolation> = statement
            .entries
            .iter()
            .filter(|e| e.status == EntryStatus::Booked && e.booking_date > today)
            .map(|e| {
                FieldViolation::new(
                    format!("entry {} (BookgDt)", e.position),
                    format!("booked on {}, after today ({today})", e.booking_date),
                )
            })
            .collect();
        if !future.is_empty() {
            return Err(AppError::Invalid(future));
        }
        let actor = who.actor();
        let (import, due_now) = self
            .store
            .run(move |conn| {
                let subject = format!("bank statement {}", statement.message_id);
                retrying(&subject, || {
                    transaction(conn, |conn| import_in(conn, &statement, &actor, now))
                })
            })
            .await?;
        self.after_commit(due_now);
        Ok(import)
    }
}

/// Books the whole statement inside the caller's transaction.
fn import_in(
    conn: &mut DbConnection,
    statement: &Statement,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(BankImport, bool), AppError> {
    let office = third_party_account(conn)?;
    if statement.account != office {
        return Err(AppError::Invalid(vec![FieldViolation::new(
            "Document/BkToCstmrStmt/Stmt/Acct/Id/IBAN",
            format!(
                "the statement is of {}, not of the office's third-party account {}: nothing \
                 booked",
                statement.account.as_str(),
                office.as_str()
            ),
        )]));
    }
    // Booked in the order of their booking dates (a case takes no payment dated before its
    // last one), reported in the file's order.
    let mut order: Vec<usize> = (0..statement.entries.len()).collect();
    order.sort_by_key(|&i| statement.entries[i].booking_date);
    let mut results = vec![None; statement.entries.len()];
    let mut due_now = false;
    for i in order {
        let (result, due) = import_entry(conn, statement, &statement.entries[i], actor, now)?;
        due_now |= due;
        results[i] = Some(result);
    }
    let results: Vec<EntryResult> = results.into_iter().flatten().collect();
    Ok((
        BankImport {
            message_id: statement.message_id.clone(),
            account: statement.account.as_str().to_owned(),
            entries: results,
        },
        due_now,
    ))
}

fn result(entry: &Entry, outcome: EntryOutcome, note: impl Into<String>) -> EntryResult {
    EntryResult {
        position: entry.position.clone(),
        reference: entry.reference.clone(),
        amount_cents: entry.amount_cents,
        credit: entry.direction == Direction::Credit,
        booking_date: entry.booking_date,
        outcome,
        case_id: None,
        payment_id: String::new(),
        task_id: None,
        note: note.into(),
    }
}

fn row(statement: &Statement, entry: &Entry, outcome: &str, now: DateTime<Utc>) -> BankEntryRow {
    BankEntryRow {
        id: crate::store::ids::new_id(now),
        account: statement.account.as_str().to_owned(),
        reference: entry.reference.clone(),
        message_id: statement.message_id.clone(),
        booking_date: entry.booking_date,
        amount_cents: entry.amount_cents,
        direction: direction_name(entry.direction).into(),
        reversal: entry.reversal,
        return_reason: entry.return_reason.clone().unwrap_or_default(),
        debtor_name: entry.debtor_name.clone(),
        debtor_iban: entry.debtor_iban.clone().unwrap_or_default(),
        creditor_reference: entry.creditor_reference.clone().unwrap_or_default(),
        remittance: entry.remittance.clone(),
        end_to_end_id: entry.end_to_end_id.clone().unwrap_or_default(),
        outcome: outcome.to_owned(),
        case_id: None,
        payment_id: String::new(),
        task_id: None,
        imported_at: db_instant(now),
    }
}

/// How an entry's direction is stored (`bank_entries.direction`).
fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Credit => "credit",
        Direction::Debit => "debit",
    }
}

/// The key `entry` is stored under, `None` when it was imported before. The bank's own
/// reference (AcctSvcrRef) is unique, but a bank that gives only an NtryRef may number
/// each day's entries afresh: an entry under a stored reference with another day, amount
/// or direction is another entry, keyed by those too, never dropped as a duplicate.
fn unseen_reference(
    conn: &mut DbConnection,
    account: &str,
    entry: &Entry,
) -> Result<Option<String>, AppError> {
    let direction = direction_name(entry.direction);
    let Some((day, cents, stored_direction)) = entries::stored_as(conn, account, &entry.reference)?
    else {
        return Ok(Some(entry.reference.clone()));
    };
    if (day, cents, stored_direction.as_str())
        == (entry.booking_date, entry.amount_cents, direction)
    {
        return Ok(None);
    }
    let keyed = format!(
        "{}@{}/{}/{direction}",
        entry.reference, entry.booking_date, entry.amount_cents
    );
    Ok((!entries::exists(conn, account, &keyed)?).then_some(keyed))
}

/// One entry: stored once, and booked, reversed, skipped or handed to a person.
fn import_entry(
    conn: &mut DbConnection,
    statement: &Statement,
    entry: &Entry,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(EntryResult, bool), AppError> {
    let account = statement.account.as_str();
    if entry.status != EntryStatus::Booked {
        // Not stored: the same reference comes back booked on a later statement.
        return Ok((
            result(
                entry,
                EntryOutcome::Skipped,
                "not booked yet (pending or information)",
            ),
            false,
        ));
    }
    let Some(reference) = unseen_reference(conn, account, entry)? else {
        return Ok((
            result(
                entry,
                EntryOutcome::Duplicate,
                "this bank reference was imported before; nothing booked",
            ),
            false,
        ));
    };
    let mut stored = row(statement, entry, outcome::SKIPPED, now);
    stored.reference = reference;
    if entry.takes_back_a_credit() {
        return reverse_entry(conn, entry, stored, actor, now);
    }
    if entry.direction == Direction::Credit && (entry.reversal || entry.return_reason.is_some()) {
        // Money back that went out: no debtor's payment to book, but never passed over
        // in silence — a payout the client's bank returned leaves the client unpaid.
        let why = returned_money(conn, entry)?;
        return open_task(conn, entry, stored, &[], &why, now);
    }
    if entry.direction == Direction::Debit || entry.reversal {
        entries::insert(conn, &stored)?;
        return Ok((
            result(
                entry,
                EntryOutcome::Skipped,
                "money out, or a reversal of money out: not a debtor's payment",
            ),
            false,
        ));
    }
    let (candidates, mut how) = candidates(conn, entry)?;
    if let [case_id] = candidates.as_slice() {
        let attachment = garnishee_of(conn, case_id, entry, &how)?;
        if let Some(number) = attachment {
            how = format!("{how}; paid by the garnishee of attachment {number}");
        }
        match book(conn, case_id, &stored, attachment, actor, now)? {
            Ok((payment_id, due_now)) => {
                stored.outcome = outcome::BOOKED.into();
                stored.case_id = Some(case_id.clone());
                stored.payment_id = payment_id.clone();
                entries::insert(conn, &stored)?;
                let mut r = result(entry, EntryOutcome::Booked, how);
                r.case_id = Some(case_id.clone());
                r.payment_id = payment_id;
                return Ok((r, due_now));
            }
            Err(refused) => {
                let why = format!("case {case_id} refused the payment: {refused}");
                return open_task(conn, entry, stored, &candidates, &why, now);
            }
        }
    }
    let why = if candidates.is_empty() {
        "no case has this payment reference, nor this payer's IBAN with this amount".to_owned()
    } else {
        format!(
            "{} cases of this payer's IBAN owe this amount: {}",
            candidates.len(),
            candidates.join(", ")
        )
    };
    open_task(conn, entry, stored, &candidates, &why, now)
}

/// Why a credit that returns money out (a reversal, or a return reason) needs a person:
/// the payout it returns, found by its end-to-end id, or what is known of it.
fn returned_money(conn: &mut DbConnection, entry: &Entry) -> Result<String, AppError> {
    let reason = entry.return_reason.as_deref().unwrap_or("reversal");
    let payout = match &entry.end_to_end_id {
        Some(id) => crate::store::payouts::by_end_to_end_id(conn, id)?,
        None => None,
    };
    Ok(match payout {
        // A reversal without a return reason may undo a duplicate debit of a payout the
        // client did receive: a person looks, nothing is paid again by itself.
        Some(p) if entry.return_reason.is_none() => format!(
            "money out of payout {} to client {} ({}) reversed by the bank, without a return \
             reason: check whether the client was paid (nothing is paid again by itself)",
            p.id, p.client_id, p.iban
        ),
        // The whole payout came back: its lines are open again, and the next run pays them
        // to the client's IBAN then in force.
        Some(p)
            if p.amount_cents == entry.amount_cents
                && crate::store::payouts::mark_returned(conn, &p.id, entry.booking_date)? =>
        {
            format!(
                "payout {} to client {} ({}) returned by the bank ({reason}): the client was \
                 not paid; the next payout run pays it again: correct the client's payout IBAN \
                 (PutClient) before it",
                p.id, p.client_id, p.iban
            )
        }
        Some(p) if p.amount_cents == entry.amount_cents => format!(
            "payout {} to client {} ({}) returned by the bank again ({reason}): it was \
             returned before and is paid again by the next run; check it is not paid twice",
            p.id, p.client_id, p.iban
        ),
        Some(p) => format!(
            "payout {} to client {} ({}) returned by the bank ({reason}), {} of {}: the client \
             was not paid in full; settle the difference by hand",
            p.id,
            p.client_id,
            p.iban,
            crate::law::money::Money::from_cents(entry.amount_cents).format_nl(),
            crate::law::money::Money::from_cents(p.amount_cents).format_nl()
        ),
        None => format!(
            "money out returned by the bank ({reason}), matching no payout: find what it was"
        ),
    })
}

/// The cases an incoming entry may be for, and how they were found: the one whose payment
/// reference (betalingskenmerk) it carries, structured or as the whole unstructured text
/// (a debtor who typed it into the description); else the open
/// cases of the payer's IBAN that owe exactly this amount (the principal, or everything
/// owed on the booking date).
fn candidates(conn: &mut DbConnection, entry: &Entry) -> Result<(Vec<String>, String), AppError> {
    let written: Vec<String> = entry
        .creditor_reference
        .iter()
        .cloned()
        .chain(std::iter::once(
            entry
                .remittance
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_uppercase(),
        ))
        .filter(|r| !r.is_empty())
        .collect();
    for written in &written {
        let Ok(reference) = PaymentReference::parse(written) else {
            continue;
        };
        if let Some(case_id) = entries::case_by_payment_reference(conn, reference.as_str())? {
            return Ok((vec![case_id], format!("by payment reference {reference}")));
        }
    }
    let Some(iban) = entry.debtor_iban.as_deref() else {
        return Ok((Vec::new(), String::new()));
    };
    let mut fits = Vec::new();
    for case_id in entries::open_cases_of_debtor_iban(conn, iban)? {
        let Some(case) = cases::get(conn, &case_id)? else {
            continue;
        };
        let principal = case.principal().to_cents().unwrap_or_default();
        let owed_then = clients::get_policy(
            conn,
            case.claim.client_id.as_str(),
            Some(case.policy_version),
        )?
        .and_then(|p| owed(&case, &p.policy, entry.booking_date).ok())
        .and_then(|o| o.total.to_cents().ok());
        if principal == entry.amount_cents || owed_then == Some(entry.amount_cents) {
            fits.push(case_id);
        }
    }
    Ok((fits, format!("by the payer's IBAN {iban} and the amount")))
}

/// The attachment of `case_id` whose garnishee paid `entry`: only where the entry carries
/// the case's own payment reference (a garnishee pays over quoting the bailiff's kenmerk),
/// and its payer's name is that of exactly one garnishee of the case
/// ([`crate::case::track::TrackState::garnishee_paying`]).
fn garnishee_of(
    conn: &mut DbConnection,
    case_id: &str,
    entry: &Entry,
    how: &str,
) -> Result<Option<u32>, AppError> {
    if !how.starts_with("by payment reference") || entry.debtor_name.trim().is_empty() {
        return Ok(None);
    }
    Ok(cases::get(conn, case_id)?.and_then(|c| c.track.garnishee_paying(&entry.debtor_name)))
}

/// Books `entry` on `case_id` as RecordPayment would (against `attachment` when its
/// garnishee paid it): `Err` is the track's refusal.
fn book(
    conn: &mut DbConnection,
    case_id: &str,
    entry: &BankEntryRow,
    attachment: Option<u32>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Result<(String, bool), String>, AppError> {
    let payment_id = format!("bank:{}", entry.reference);
    let reference = [&entry.creditor_reference, &entry.remittance]
        .into_iter()
        .find(|r| !r.is_empty())
        .cloned()
        .unwrap_or_default();
    let payment = PaymentRecord {
        id: payment_id.clone(),
        paid_on: entry.booking_date,
        amount_cents: entry.amount_cents,
        reference,
        attachment,
        ..PaymentRecord::default()
    };
    let event = Event::PaymentReceived {
        payment,
        recorded_at: now,
    };
    let command = Command::new(case_id.to_owned(), event, actor.clone());
    match apply_in(conn, &command, now)? {
        Applied::Done { due_now, .. } => Ok(Ok((payment_id, due_now))),
        Applied::Rejected(r) => Ok(Err(r.to_string())),
        Applied::Replayed(_) | Applied::LeaseLost => Err(unkeyed()),
    }
}

/// A storno or return: the booked credit it takes back, by end-to-end id, else payment
/// reference, else payer, is reversed on its case.
fn reverse_entry(
    conn: &mut DbConnection,
    entry: &Entry,
    mut stored: BankEntryRow,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(EntryResult, bool), AppError> {
    // Booked or still undecided, one search: a weak match among booked credits (the
    // payer's account) must not win over the end-to-end id of an undecided one.
    let credits = entries::credits_to_take_back(
        conn,
        &stored.account,
        entry.amount_cents,
        &[outcome::BOOKED, outcome::UNMATCHED, outcome::AMBIGUOUS],
    )?;
    let Some(original) = taken_back(&credits, entry).cloned() else {
        let why = "a storno or return of a payment that was not booked from a statement";
        return open_task(conn, entry, stored, &[], why, now);
    };
    if original.outcome != outcome::BOOKED {
        return reverse_undecided(conn, entry, stored, &original, now);
    }
    let case_id = original.case_id.clone().unwrap_or_default();
    let reason = entry
        .return_reason
        .clone()
        .unwrap_or_else(|| "storno".to_owned());
    let event = Event::PaymentReversed {
        payment_id: original.payment_id.clone(),
        reversed_on: entry.booking_date,
        reason: format!("bank entry {}: {reason}", entry.reference),
    };
    let command = Command::new(case_id.clone(), event, actor.clone());
    let due_now = match apply_in(conn, &command, now)? {
        Applied::Done { due_now, .. } => due_now,
        Applied::Rejected(r) => {
            let why = format!("case {case_id} refused the reversal: {r}");
            return open_task(conn, entry, stored, &[case_id], &why, now);
        }
        Applied::Replayed(_) | Applied::LeaseLost => return Err(unkeyed()),
    };
    entries::set_outcome(
        conn,
        &original.id,
        outcome::REVERSED,
        Some(&case_id),
        &original.payment_id,
    )?;
    stored.outcome = outcome::REVERSAL.into();
    stored.case_id = Some(case_id.clone());
    stored.payment_id = original.payment_id.clone();
    entries::insert(conn, &stored)?;
    let mut r = result(
        entry,
        EntryOutcome::Reversed,
        format!(
            "takes back {} of {} ({reason})",
            original.reference, original.booking_date
        ),
    );
    r.case_id = Some(case_id);
    r.payment_id = original.payment_id;
    Ok((r, due_now))
}

/// Of the credits a storno may take back, the one it names: by end-to-end id, else by
/// reference, else by the payer's account.
fn taken_back<'a>(credits: &'a [BankEntryRow], entry: &Entry) -> Option<&'a BankEntryRow> {
    let same = |a: &str, b: Option<&String>| !a.is_empty() && b.is_some_and(|b| a == b);
    credits
        .iter()
        .find(|o| same(&o.end_to_end_id, entry.end_to_end_id.as_ref()))
        .or_else(|| {
            credits
                .iter()
                .find(|o| same(&o.creditor_reference, entry.creditor_reference.as_ref()))
        })
        .or_else(|| {
            credits
                .iter()
                .find(|o| same(&o.debtor_iban, entry.debtor_iban.as_ref()))
        })
}

/// A storno of a credit no case was booked with, still waiting for a person's decision:
/// taken back, its task closed, so nobody books money the bank took back. The task goes
/// first (the lock order of a person completing it: task, then entry): a person who has
/// just booked it wins, and the import decides again (`Conflict`) to reverse that booking;
/// a task already closed otherwise (a returned payout `checked`) leaves it to a person.
fn reverse_undecided(
    conn: &mut DbConnection,
    entry: &Entry,
    mut stored: BankEntryRow,
    original: &BankEntryRow,
    now: DateTime<Utc>,
) -> Result<(EntryResult, bool), AppError> {
    let task_closed = match &original.task_id {
        Some(task) => tasks::cancel_one(conn, task, db_instant(now))?,
        None => true,
    };
    if !task_closed {
        let now_booked = entries::by_task(conn, original.task_id.as_deref().unwrap_or_default())?
            .is_some_and(|e| e.outcome == outcome::BOOKED);
        if now_booked {
            return Err(AppError::Conflict);
        }
        let why = format!(
            "a storno of {} of {}, which a person already decided on",
            original.reference, original.booking_date
        );
        return open_task(conn, entry, stored, &[], &why, now);
    }
    entries::set_outcome(conn, &original.id, outcome::REVERSED, None, "")?;
    stored.outcome = outcome::REVERSAL.into();
    entries::insert(conn, &stored)?;
    let r = result(
        entry,
        EntryOutcome::Reversed,
        format!(
            "takes back {} of {}, which was never booked: its task is closed",
            original.reference, original.booking_date
        ),
    );
    Ok((r, false))
}

/// A bank entry's command has no request id and drives no job: neither a replay nor a
/// lost lease can come back.
fn unkeyed() -> AppError {
    AppError::Internal("a bank entry's command was answered as a keyed or leased one".into())
}

/// Stores the entry with an `unmatched_payment` task for a person.
fn open_task(
    conn: &mut DbConnection,
    entry: &Entry,
    mut stored: BankEntryRow,
    candidates: &[String],
    why: &str,
    now: DateTime<Utc>,
) -> Result<(EntryResult, bool), AppError> {
    let money_in = entry.direction == Direction::Credit;
    let ambiguous = candidates.len() > 1;
    let task_id = crate::store::ids::new_id(now);
    let amount = Money::from_cents(entry.amount_cents).format_nl();
    let payer = if entry.debtor_name.is_empty() {
        entry
            .debtor_iban
            .clone()
            .unwrap_or_else(|| "unknown".into())
    } else {
        entry.debtor_name.clone()
    };
    let returned = entry.reversal || entry.return_reason.is_some();
    let outcomes: Vec<&str> = if money_in && !returned {
        vec![BOOK, REFUND]
    } else {
        vec![CHECKED]
    };
    tasks::insert(
        conn,
        &TaskRow {
            id: task_id.clone(),
            case_id: None,
            kind: UNMATCHED_PAYMENT_TASK.into(),
            queue: CASE_HANDLER_QUEUE.into(),
            state: state::OPEN.into(),
            title: if money_in && returned {
                format!(
                    "Money out of {amount} came back on {}: {why}",
                    entry.booking_date
                )
            } else if money_in {
                format!(
                    "Unmatched payment of {amount} from {payer} on {}",
                    entry.booking_date
                )
            } else {
                format!(
                    "Storno of {amount} on {} without its payment",
                    entry.booking_date
                )
            },
            details: json!({
                "bank_entry_id": stored.id,
                "reference": entry.reference,
                "amount": Money::from_cents(entry.amount_cents).to_string(),
                "credit": money_in,
                "booking_date": entry.booking_date,
                "debtor_name": entry.debtor_name,
                "debtor_iban": entry.debtor_iban,
                "creditor_reference": entry.creditor_reference,
                "remittance": entry.remittance,
                "return_reason": entry.return_reason,
                "candidates": candidates,
                "why": why,
                "how": "book: values {\"case_id\": …}; refund: the money goes back to the payer",
            })
            .to_string(),
            outcomes: json!(outcomes).to_string(),
            claimed_by: String::new(),
            outcome: String::new(),
            note: String::new(),
            created_at: db_instant(now),
            updated_at: db_instant(now),
            due_on: None,
        },
    )?;
    stored.outcome = if ambiguous {
        outcome::AMBIGUOUS
    } else {
        outcome::UNMATCHED
    }
    .into();
    stored.task_id = Some(task_id.clone());
    entries::insert(conn, &stored)?;
    let mut r = result(
        entry,
        if ambiguous {
            EntryOutcome::Ambiguous
        } else {
            EntryOutcome::Unmatched
        },
        why,
    );
    r.task_id = Some(task_id);
    Ok((r, false))
}

/// CompleteTask on an `unmatched_payment` task, inside the completing transaction: `book`
/// books the entry on the case in `values["case_id"]` as its import would have; `refund`
/// and `checked` record the person's decision. Returns whether a job is due now.
pub(super) fn resolve_unmatched(
    conn: &mut DbConnection,
    task: &TaskRow,
    outcome_chosen: &str,
    values: &std::collections::BTreeMap<String, String>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let entry = entries::by_task(conn, &task.id)?
        .ok_or_else(|| AppError::Internal(format!("task {} has no bank entry", task.id)))?;
    // Booked or refunded once only, whoever decided first.
    let deciding = matches!(outcome_chosen, BOOK | REFUND);
    if deciding && ![outcome::UNMATCHED, outcome::AMBIGUOUS].contains(&entry.outcome.as_str()) {
        return Err(AppError::FailedPrecondition(format!(
            "bank entry {} is already {}: nothing to decide",
            entry.reference, entry.outcome
        )));
    }
    match outcome_chosen {
        BOOK => {
            let case_id = values
                .get("case_id")
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    AppError::invalid("values.case_id", "required: the case to book it on")
                })?;
            if cases::get(conn, &case_id)?.is_none() {
                return Err(AppError::invalid(
                    "values.case_id",
                    &format!("no case {case_id:?}"),
                ));
            }
            match book(conn, &case_id, &entry, None, actor, now)? {
                Ok((payment_id, due_now)) => {
                    entries::set_outcome(
                        conn,
                        &entry.id,
                        outcome::BOOKED,
                        Some(&case_id),
                        &payment_id,
                    )?;
                    Ok(due_now)
                }
                Err(refused) => Err(AppError::FailedPrecondition(format!(
                    "case {case_id} refused the payment: {refused}"
                ))),
            }
        }
        REFUND => {
            entries::set_outcome(conn, &entry.id, outcome::REFUND, None, "")?;
            Ok(false)
        }
        _ => Ok(false),
    }
}

/// After a reversal on a case: the ledger marks the payment taken back and holds the
/// later payments' new allocations (`payments`: the case's payments as they now stand).
pub(super) fn sync_ledger(
    conn: &mut DbConnection,
    case_id: &str,
    payments: &[PaymentRecord],
    payment_id: &str,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), crate::store::StoreError> {
    entries::mark_reversed(conn, &format!("{case_id}/{payment_id}"), on)?;
    for p in payments {
        let row = payment_row(case_id, p, now);
        entries::set_allocation(conn, &row.id, &row.allocation)?;
    }
    Ok(())
}
