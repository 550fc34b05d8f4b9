//! Payouts (afdracht): runs, one payout per client per run, and per payment what each
//! run settled of it. A payment's lines add up to what the client and the office have had
//! of it, so the next run pays only the difference: a payment is paid out once.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::payments::PaymentRow;
use super::schema::{cases, payments, payout_lines, payout_runs, payouts, tasks};
use super::{DbConnection, StoreError};

/// A `payout_runs` row.
#[derive(Insertable, Queryable, Selectable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = payout_runs)]
pub struct RunRow {
    pub id: String,
    pub up_to_date: NaiveDate,
    pub message_id: String,
    pub pain001: String,
    pub total_cents: i64,
    pub created_at: NaiveDateTime,
}

/// A `payouts` row.
#[derive(Insertable, Queryable, Selectable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = payouts)]
pub struct PayoutRow {
    pub id: String,
    pub run_id: String,
    pub client_id: String,
    pub iban: String,
    pub received_cents: i64,
    pub to_client_cents: i64,
    pub to_office_cents: i64,
    pub invoiced_cents: i64,
    pub amount_cents: i64,
    pub end_to_end_id: String,
    pub statement_csv: String,
    pub statement_pdf: Vec<u8>,
    pub created_at: NaiveDateTime,
    /// Its shortfall (a negative client's share) is set off against the next payout;
    /// `false` for payouts made before 8 December 2026, whose shortfall was invoiced.
    pub carries_shortfall: bool,
}

/// A `payout_lines` row.
#[derive(Insertable, Queryable, Selectable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = payout_lines)]
pub struct LineRow {
    pub payment_id: String,
    pub seq: i32,
    pub payout_id: String,
    pub case_id: String,
    pub paid_on: NaiveDate,
    pub received_cents: i64,
    pub to_client_cents: i64,
    pub to_office_cents: i64,
    pub paid_to_client: bool,
}

/// What the lines of one payment add up to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settled {
    /// Received, as settled.
    pub received_cents: i64,
    /// To the client.
    pub to_client_cents: i64,
    /// To the office.
    pub to_office_cents: i64,
    /// The last line's number.
    pub seq: i32,
}

/// A payment of the ledger with its case's client and reference.
#[derive(Clone, Debug)]
pub struct LedgerPayment {
    /// The ledger row.
    pub payment: PaymentRow,
    /// The case's client.
    pub client_id: String,
    /// The client's reference of the case.
    pub client_reference: String,
    /// Not a payment but a cost for the client's account (`client_charges`), carried as a
    /// payment of nothing whose allocation is `client_costs`: its description.
    pub charge: Option<String>,
}

/// Every payment paid on or before `up_to`, with its case's client, in payment order.
pub fn payments_up_to(
    conn: &mut DbConnection,
    up_to: NaiveDate,
) -> Result<Vec<LedgerPayment>, StoreError> {
    let rows: Vec<PaymentRow> = payments::table
        .filter(payments::paid_on.le(up_to))
        .order((payments::paid_on, payments::recorded_at, payments::id))
        .select(PaymentRow::as_select())
        .load(conn)?;
    let owners = owners(conn, rows.iter().map(|r| r.case_id.as_str()))?;
    rows.into_iter()
        .map(|payment| ledger(&owners, payment, None))
        .collect()
}

/// Every cost for the client's account incurred on or before `up_to`, as ledger entries:
/// a payment of nothing allocated to `client_costs` (so a payout run settles it once, as
/// it settles a payment), paid on the day incurred.
pub fn charges_up_to(
    conn: &mut DbConnection,
    up_to: NaiveDate,
) -> Result<Vec<LedgerPayment>, StoreError> {
    let rows = super::client_charges::up_to(conn, up_to)?;
    let owners = owners(conn, rows.iter().map(|r| r.case_id.as_str()))?;
    rows.into_iter()
        .map(|c| {
            let payment = PaymentRow {
                id: c.id,
                case_id: c.case_id,
                paid_on: c.incurred_on,
                amount_cents: 0,
                invoice_number: String::new(),
                reference: c.description.clone(),
                allocation: format!("{{\"client_costs\":{}}}", c.amount_cents),
                recorded_at: c.recorded_at,
                paid_to_client: false,
                reversed_on: None,
            };
            ledger(&owners, payment, Some(c.description))
        })
        .collect()
}

fn ledger(
    owners: &HashMap<String, (String, String)>,
    payment: PaymentRow,
    charge: Option<String>,
) -> Result<LedgerPayment, StoreError> {
    let (client_id, client_reference) = owners
        .get(&payment.case_id)
        .cloned()
        .ok_or_else(|| StoreError::Corrupt(format!("payment {} has no case", payment.id)))?;
    Ok(LedgerPayment {
        payment,
        client_id,
        client_reference,
        charge,
    })
}

/// The client and the client's reference of each case.
fn owners<'a>(
    conn: &mut DbConnection,
    case_ids: impl Iterator<Item = &'a str>,
) -> Result<HashMap<String, (String, String)>, StoreError> {
    let mut case_ids: Vec<&str> = case_ids.collect();
    case_ids.sort_unstable();
    case_ids.dedup();
    let mut owners: HashMap<String, (String, String)> = HashMap::new();
    for chunk in case_ids.chunks(500) {
        let found: Vec<(String, String, String)> = cases::table
            .filter(cases::id.eq_any(chunk))
            .select((cases::id, cases::client_id, cases::client_reference))
            .load(conn)?;
        owners.extend(found.into_iter().map(|(id, c, r)| (id, (c, r))));
    }
    Ok(owners)
}

/// What the lines so far settled of each of `payment_ids`.
pub fn settled(
    conn: &mut DbConnection,
    payment_ids: &[&str],
) -> Result<HashMap<String, Settled>, StoreError> {
    let mut sums: HashMap<String, Settled> = HashMap::new();
    // A payout the client's bank returned paid the client nothing: the client's share of
    // its lines is open again. The office's share never left the account with it, so it
    // stays settled, as does what was received.
    let returned: std::collections::HashSet<String> = payouts::table
        .filter(payouts::returned_on.is_not_null())
        .select(payouts::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    for chunk in payment_ids.chunks(500) {
        let lines: Vec<LineRow> = payout_lines::table
            .filter(payout_lines::payment_id.eq_any(chunk))
            .select(LineRow::as_select())
            .load(conn)?;
        for line in lines {
            let s = sums.entry(line.payment_id.clone()).or_default();
            // A returned payout's line keeps its number (the next line is numbered after
            // it) but settles none of the client's share.
            s.seq = s.seq.max(line.seq);
            s.received_cents += line.received_cents;
            s.to_office_cents += line.to_office_cents;
            if !returned.contains(&line.payout_id) {
                s.to_client_cents += line.to_client_cents;
            }
        }
    }
    Ok(sums)
}

/// What `client_id` still owes the office from earlier payouts: the shortfall of a payout
/// whose client's share came out negative (a storno after the money was paid out, costs
/// on payments made to the client directly), less what later payouts set off. A payout
/// pays its net less this.
pub fn shortfall(conn: &mut DbConnection, client_id: &str) -> Result<i64, StoreError> {
    // Every payout paid max(net, 0) where net = to_client − invoiced − shortfall before it,
    // so amount − (to_client − invoiced) summed over them is the shortfall now. A returned
    // payout paid nothing (its client's share is paid again by a later one), and one made
    // before the shortfall was carried was invoiced instead.
    let made: Vec<(i64, i64, i64)> = payouts::table
        .filter(payouts::client_id.eq(client_id))
        .filter(payouts::carries_shortfall.eq(true))
        .filter(payouts::returned_on.is_null())
        .select((
            payouts::amount_cents,
            payouts::to_client_cents,
            payouts::invoiced_cents,
        ))
        .load(conn)?;
    Ok(made
        .into_iter()
        .map(|(amount, to_client, invoiced)| amount - (to_client - invoiced))
        .sum())
}

/// Stores a run with its payouts and lines.
pub fn insert_run(
    conn: &mut DbConnection,
    run: &RunRow,
    payouts_of_run: &[PayoutRow],
    lines: &[LineRow],
) -> Result<(), StoreError> {
    diesel::insert_into(payout_runs::table)
        .values(run)
        .execute(conn)?;
    for payout in payouts_of_run {
        diesel::insert_into(payouts::table)
            .values(payout)
            .execute(conn)?;
    }
    for line in lines {
        diesel::insert_into(payout_lines::table)
            .values(line)
            .execute(conn)?;
    }
    Ok(())
}

/// What the payouts to one client add up to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaidToClient {
    /// Payouts made.
    pub count: i64,
    /// Transferred in total, in cents.
    pub amount_cents: i64,
    /// When the last was made.
    pub last_at: Option<NaiveDateTime>,
}

/// The payouts made to `client_id`, summed.
pub fn paid_to_client(
    conn: &mut DbConnection,
    client_id: &str,
) -> Result<PaidToClient, StoreError> {
    let made: Vec<(i64, NaiveDateTime)> = payouts::table
        .filter(payouts::client_id.eq(client_id))
        .filter(payouts::returned_on.is_null())
        .select((payouts::amount_cents, payouts::created_at))
        .load(conn)?;
    Ok(PaidToClient {
        count: i64::try_from(made.len()).unwrap_or(i64::MAX),
        amount_cents: made.iter().map(|(cents, _)| cents).sum(),
        last_at: made.iter().map(|(_, at)| *at).max(),
    })
}

/// What the payouts made so far paid the client for `case_id`: per payout, the moment it
/// was made and the case's share in it (negative: costs the client was charged), in the
/// order made.
pub fn paid_out_for_case(
    conn: &mut DbConnection,
    case_id: &str,
) -> Result<Vec<(NaiveDateTime, i64)>, StoreError> {
    let lines: Vec<(String, i64)> = payout_lines::table
        .filter(payout_lines::case_id.eq(case_id))
        .select((payout_lines::payout_id, payout_lines::to_client_cents))
        .load(conn)?;
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let mut per_payout: HashMap<String, i64> = HashMap::new();
    for (payout, cents) in lines {
        *per_payout.entry(payout).or_default() += cents;
    }
    let ids: Vec<&String> = per_payout.keys().collect();
    let mut made: Vec<(NaiveDateTime, String)> = payouts::table
        .filter(payouts::id.eq_any(ids))
        .filter(payouts::returned_on.is_null())
        .select((payouts::created_at, payouts::id))
        .load(conn)?;
    made.sort();
    Ok(made
        .into_iter()
        .map(|(at, id)| (at, per_payout.get(&id).copied().unwrap_or_default()))
        .collect())
}

/// A run with its payouts in the order made, each with its number of lines.
pub type RunWithPayouts = (RunRow, Vec<(PayoutRow, usize)>);

/// A run by id, with its payouts.
pub fn run_with_payouts(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<RunWithPayouts>, StoreError> {
    let Some(run) = payout_runs::table
        .find(id)
        .select(RunRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let rows: Vec<PayoutRow> = payouts::table
        .filter(payouts::run_id.eq(id))
        .order(payouts::id)
        .select(PayoutRow::as_select())
        .load(conn)?;
    let mut with_lines = Vec::with_capacity(rows.len());
    for row in rows {
        let lines: i64 = payout_lines::table
            .filter(payout_lines::payout_id.eq(&row.id))
            .count()
            .get_result(conn)?;
        with_lines.push((row, usize::try_from(lines).unwrap_or_default()));
    }
    Ok(Some((run, with_lines)))
}

/// The payout a bank's end-to-end id names.
pub fn by_end_to_end_id(
    conn: &mut DbConnection,
    end_to_end_id: &str,
) -> Result<Option<PayoutRow>, StoreError> {
    Ok(payouts::table
        .filter(payouts::end_to_end_id.eq(end_to_end_id))
        .select(PayoutRow::as_select())
        .first(conn)
        .optional()?)
}

/// Records that the client's bank returned payout `id` on `on`; `false` when it was
/// returned before (a statement imported twice is booked once anyway).
pub fn mark_returned(conn: &mut DbConnection, id: &str, on: NaiveDate) -> Result<bool, StoreError> {
    let updated = diesel::update(
        payouts::table
            .filter(payouts::id.eq(id))
            .filter(payouts::returned_on.is_null()),
    )
    .set(payouts::returned_on.eq(Some(on)))
    .execute(conn)?;
    Ok(updated == 1)
}

/// A payout by id.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<PayoutRow>, StoreError> {
    Ok(payouts::table
        .find(id)
        .select(PayoutRow::as_select())
        .first(conn)
        .optional()?)
}

/// What was paid out to the client per case by payouts made before `before`.
pub fn paid_out_per_case(
    conn: &mut DbConnection,
    client_id: &str,
    before: NaiveDateTime,
) -> Result<HashMap<String, i64>, StoreError> {
    let ids: Vec<String> = payouts::table
        .filter(payouts::client_id.eq(client_id))
        .filter(payouts::created_at.lt(before))
        .filter(payouts::returned_on.is_null())
        .select(payouts::id)
        .load(conn)?;
    let mut sums: HashMap<String, i64> = HashMap::new();
    for chunk in ids.chunks(500) {
        let lines: Vec<(String, i64)> = payout_lines::table
            .filter(payout_lines::payout_id.eq_any(chunk))
            .select((payout_lines::case_id, payout_lines::to_client_cents))
            .load(conn)?;
        for (case_id, cents) in lines {
            *sums.entry(case_id).or_default() += cents;
        }
    }
    Ok(sums)
}

/// The cases with an open or claimed task of `kind`.
pub fn cases_with_open_task(
    conn: &mut DbConnection,
    kind: &str,
) -> Result<Vec<String>, StoreError> {
    let ids: Vec<Option<String>> = tasks::table
        .filter(tasks::kind.eq(kind))
        .filter(tasks::state.eq_any([super::tasks::state::OPEN, super::tasks::state::CLAIMED]))
        .select(tasks::case_id)
        .load(conn)?;
    Ok(ids.into_iter().flatten().collect())
}
