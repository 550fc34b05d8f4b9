//! Cases: insert, read back, list with filters and keyset paging.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::clients::optional;
use super::prepared::Prepared;
use super::rows::{CaseRow, InvoiceRow, PartyRow};
use super::schema::{cases, clients, invoices, parties};
use super::{DbConnection, StoreError, db_instant, utc};
use crate::case::track::TrackState;
use crate::case::{
    Address, CaseFilter, CaseRecord, Claim, ClientId, CloseReason, Debtor, DebtorKind, Iban,
    Invoice, KvkNumber, NewCase, PaymentReference, Stage, Suspension,
};
use crate::law::money::Money;
use crate::page::Cursor;

/// The party role of the debtor in `parties`.
pub(crate) const DEBTOR: &str = "debtor";

/// The `state` column: what the track has recorded about the case beyond its columns.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct CaseState {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
    track: TrackState,
}

/// The id and fingerprint of the case a client already has under a reference.
pub fn find_by_reference(
    conn: &mut DbConnection,
    client_id: &str,
    reference: &str,
) -> Result<Option<(String, String)>, StoreError> {
    Ok(cases::table
        .filter(cases::client_id.eq(client_id))
        .filter(cases::client_reference.eq(reference))
        .select((cases::id, cases::content_hash))
        .first(conn)
        .optional()?)
}

/// Inserts a new case with its debtor and invoices. The caller holds the transaction and
/// appends the audit event.
pub fn insert(
    conn: &mut DbConnection,
    case: &NewCase,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (case_row, party, invoice_rows) = rows(case, case.claim.fingerprint(), now)?;
    diesel::insert_into(cases::table)
        .values(case_row)
        .execute(conn)?;
    diesel::insert_into(parties::table)
        .values(party)
        .execute(conn)?;
    // Multi-row inserts are backend-specific in diesel, so the one statement is
    // built on the concrete connection.
    let insert = diesel::insert_into(invoices::table).values(&invoice_rows);
    match conn {
        DbConnection::Sqlite(c) => insert.execute(c)?,
        DbConnection::Pg(c) => insert.execute(c)?,
    };
    super::search::insert(conn, &[search_keys(case)])
}

/// The search keys of a new case (`store::search`).
pub(super) fn search_keys(case: &NewCase) -> super::search::CaseKeys {
    super::search::CaseKeys::of(
        &case.id,
        &case.claim.debtor,
        &case.claim.client_reference,
        case.payment_reference.as_str(),
        None,
    )
}

/// The rows that store a new case: one place decides how a case is written, whether it
/// comes in alone ([`insert`]) or in an import batch (`store::import`). `content_hash` is
/// the claim's fingerprint, passed in because the caller has usually computed it already.
pub(super) fn rows(
    case: &NewCase,
    content_hash: String,
    now: DateTime<Utc>,
) -> Result<(CaseRow, PartyRow, Vec<InvoiceRow>), StoreError> {
    let claim = &case.claim;
    let now = db_instant(now);
    let state = serde_json::to_string(&CaseState {
        warnings: case.warnings.clone(),
        track: TrackState::default(),
    })
    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let case_row = CaseRow {
        id: case.id.clone(),
        client_id: claim.client_id.as_str().to_owned(),
        client_reference: claim.client_reference.clone(),
        content_hash,
        stage: Stage::Intake.as_str().to_owned(),
        suspension: Suspension::None.as_str().to_owned(),
        close_reason: None,
        close_note: String::new(),
        debtor_kind: claim.debtor.kind.as_str().to_owned(),
        debtor_kvk_number: claim
            .debtor
            .kvk_number
            .as_ref()
            .map(|k| k.as_str().to_owned()),
        principal_cents: cents(claim.principal())?,
        received_at: db_instant(case.received_at),
        accepted_on: case.accepted_on,
        policy_version: case.policy_version,
        version: 1,
        notes: claim.notes.clone(),
        state,
        created_at: now,
        updated_at: now,
        payment_reference: Some(case.payment_reference.as_str().to_owned()),
    };
    let invoice_rows = claim
        .invoices
        .iter()
        .enumerate()
        .map(|(position, invoice)| {
            Ok(InvoiceRow {
                case_id: case.id.clone(),
                position: i32::try_from(position)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                number: invoice.number.clone(),
                invoice_date: invoice.invoice_date,
                due_date: invoice.due_date,
                amount_cents: cents(invoice.amount)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((case_row, party_row(&case.id, &claim.debtor), invoice_rows))
}

/// A case by id.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<CaseRecord>, StoreError> {
    let Some(row) = cases::table.find(id).first::<CaseRow>(conn).optional()? else {
        return Ok(None);
    };
    Ok(assemble(conn, vec![row])?.pop())
}

/// The cases of `ids` that exist, by id: four queries however many.
pub fn get_many(
    conn: &mut DbConnection,
    ids: &[&str],
) -> Result<HashMap<String, CaseRecord>, StoreError> {
    let rows = cases::table
        .filter(cases::id.eq_any(ids))
        .load::<CaseRow>(conn)?;
    Ok(assemble(conn, rows)?
        .into_iter()
        .map(|case| (case.id.clone(), case))
        .collect())
}

/// The client a case belongs to; `None` when there is no such case.
pub fn client_of(conn: &mut DbConnection, id: &str) -> Result<Option<String>, StoreError> {
    Ok(cases::table
        .find(id)
        .select(cases::client_id)
        .first(conn)
        .optional()?)
}

/// The case's stage, suspension and policy version (what an audit event records), or
/// `None` when there is no such case.
pub fn standing(
    conn: &mut DbConnection,
    case_id: &str,
) -> Result<Option<(Stage, Suspension, i64)>, StoreError> {
    let row: Option<(String, String, i64)> = cases::table
        .find(case_id)
        .select((cases::stage, cases::suspension, cases::policy_version))
        .first(conn)
        .optional()?;
    let Some((stage, suspension, policy_version)) = row else {
        return Ok(None);
    };
    let stage = Stage::parse(&stage)
        .ok_or_else(|| StoreError::Corrupt(format!("case {case_id}: stage {stage:?}")))?;
    let suspension = Suspension::parse(&suspension)
        .ok_or_else(|| StoreError::Corrupt(format!("case {case_id}: suspension {suspension:?}")))?;
    Ok(Some((stage, suspension, policy_version)))
}

/// One page of cases in creation order, and the cursor of the next page if there is one.
pub fn list(
    conn: &mut DbConnection,
    filter: &CaseFilter,
    after: Option<&Cursor>,
    page_size: i64,
) -> Result<(Vec<CaseRecord>, Option<Cursor>), StoreError> {
    let mut query = cases::table.into_boxed();
    if let Some(client_id) = &filter.client_id {
        query = query.filter(cases::client_id.eq(client_id.clone()));
    }
    if let Some(stage) = filter.stage {
        query = query.filter(cases::stage.eq(stage.as_str()));
    }
    if let Some(kvk) = &filter.debtor_kvk_number {
        query = query.filter(cases::debtor_kvk_number.eq(kvk.clone()));
    }
    if let Some(at) = filter.created_after {
        query = query.filter(cases::created_at.ge(db_instant(at)));
    }
    if let Some(at) = filter.created_before {
        query = query.filter(cases::created_at.lt(db_instant(at)));
    }
    if let Some(at) = filter.updated_after {
        query = query.filter(cases::updated_at.ge(db_instant(at)));
    }
    if let Some(at) = filter.updated_before {
        query = query.filter(cases::updated_at.lt(db_instant(at)));
    }
    if let Some(cursor) = after {
        let at = db_instant(cursor.created_at);
        query = query.filter(
            cases::created_at.gt(at).or(cases::created_at
                .eq(at)
                .and(cases::id.gt(cursor.id.clone()))),
        );
    }
    let mut rows: Vec<CaseRow> = query
        .order((cases::created_at.asc(), cases::id.asc()))
        .limit(page_size + 1)
        .load(conn)?;
    let next = if rows.len() as i64 > page_size {
        rows.truncate(usize::try_from(page_size).unwrap_or(0));
        rows.last().map(|r| Cursor {
            created_at: utc(r.created_at),
            id: r.id.clone(),
        })
    } else {
        None
    };
    Ok((assemble(conn, rows)?, next))
}

/// Reads the debtors and invoices of `rows` in two queries and builds the records.
pub(super) fn assemble(
    conn: &mut DbConnection,
    rows: Vec<CaseRow>,
) -> Result<Vec<CaseRecord>, StoreError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let client_ids: Vec<&str> = rows.iter().map(|r| r.client_id.as_str()).collect();
    // Whether the client deducts VAT decides the VAT on collection costs in every quote.
    // So does whether it is a legal person (a KvK number, not a sole trader) the court fee
    // it pays.
    // One case (the engine's and every command's read) filters with `=`, which diesel
    // keeps prepared; a list's `IN (…)` it prepares again on every call on SQLite.
    let one = match ids[..] {
        [id] => Some((id, client_ids[0])),
        _ => None,
    };
    let clients_of = clients::table
        .select((
            clients::id,
            clients::vat_deductible,
            clients::kvk_number,
            clients::natural_person,
        ))
        .into_boxed();
    let clients_of = match one {
        Some((_, client)) => clients_of.filter(clients::id.eq(client)),
        None => clients_of.filter(clients::id.eq_any(&client_ids)),
    };
    let client_facts: HashMap<String, (bool, bool)> = clients_of
        .load::<(String, bool, String, bool)>(conn)?
        .into_iter()
        .map(|(id, deducts_vat, kvk, natural)| {
            (id, (deducts_vat, !kvk.trim().is_empty() && !natural))
        })
        .collect();
    let debtors_of = parties::table.filter(parties::role.eq(DEBTOR)).into_boxed();
    let debtors_of = match one {
        Some((id, _)) => debtors_of.filter(parties::case_id.eq(id)),
        None => debtors_of.filter(parties::case_id.eq_any(&ids)),
    };
    let mut debtors: HashMap<String, PartyRow> = debtors_of
        .load::<PartyRow>(conn)?
        .into_iter()
        .map(|p| (p.case_id.clone(), p))
        .collect();
    let invoices_of = invoices::table
        .order((invoices::case_id, invoices::position))
        .into_boxed();
    let invoices_of = match one {
        Some((id, _)) => invoices_of.filter(invoices::case_id.eq(id)),
        None => invoices_of.filter(invoices::case_id.eq_any(&ids)),
    };
    let mut invoices_by_case: HashMap<String, Vec<InvoiceRow>> = HashMap::new();
    for invoice in invoices_of.load::<InvoiceRow>(conn)? {
        invoices_by_case
            .entry(invoice.case_id.clone())
            .or_default()
            .push(invoice);
    }
    rows.into_iter()
        .map(|row| {
            let debtor = debtors
                .remove(&row.id)
                .ok_or_else(|| StoreError::Corrupt(format!("case {} has no debtor", row.id)))?;
            let invoices = invoices_by_case.remove(&row.id).unwrap_or_default();
            let (deducts_vat, legal_person) = client_facts
                .get(&row.client_id)
                .copied()
                .unwrap_or((true, true));
            let mut record = record(row, debtor, invoices)?;
            record.track.vat_on_collection_costs =
                record.track.letter_vat_on_costs.unwrap_or(!deducts_vat);
            record.track.vat_on_fees = !deducts_vat;
            record.track.client_is_legal_person = legal_person;
            Ok(record)
        })
        .collect()
}

fn record(
    row: CaseRow,
    debtor: PartyRow,
    invoice_rows: Vec<InvoiceRow>,
) -> Result<CaseRecord, StoreError> {
    let corrupt = |what: &str, detail: String| {
        StoreError::Corrupt(format!("case {} {what}: {detail}", row.id))
    };
    let state: CaseState =
        serde_json::from_str(&row.state).map_err(|e| corrupt("state", e.to_string()))?;
    let invoices = invoice_rows
        .into_iter()
        .map(|i| Invoice {
            number: i.number,
            invoice_date: i.invoice_date,
            due_date: i.due_date,
            amount: Money::from_cents(i.amount_cents),
        })
        .collect();
    let claim = Claim {
        client_id: ClientId::parse(&row.client_id).map_err(|e| corrupt("client", e))?,
        client_reference: row.client_reference.clone(),
        debtor: debtor_from_row(debtor).map_err(|e| corrupt("debtor", e))?,
        invoices,
        notes: row.notes.clone(),
    };
    Ok(CaseRecord {
        stage: Stage::parse(&row.stage).ok_or_else(|| corrupt("stage", row.stage.clone()))?,
        suspension: Suspension::parse(&row.suspension)
            .ok_or_else(|| corrupt("suspension", row.suspension.clone()))?,
        close_reason: match &row.close_reason {
            Some(text) => Some(
                CloseReason::parse(text).ok_or_else(|| corrupt("close reason", text.clone()))?,
            ),
            None => None,
        },
        payment_reference: PaymentReference::parse(row.payment_reference.as_deref().unwrap_or(""))
            .map_err(|e| corrupt("payment reference", e))?,
        id: row.id,
        claim,
        close_note: row.close_note,
        accepted_on: row.accepted_on,
        version: row.version,
        policy_version: row.policy_version,
        warnings: state.warnings,
        track: state.track,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

fn party_row(case_id: &str, debtor: &Debtor) -> PartyRow {
    PartyRow {
        case_id: case_id.to_owned(),
        role: DEBTOR.to_owned(),
        kind: debtor.kind.as_str().to_owned(),
        name: debtor.name.clone(),
        family_name: debtor.family_name.clone(),
        family_name_prefix: debtor.family_name_prefix.clone(),
        street: debtor.address.street.clone(),
        postcode: debtor.address.postcode.clone(),
        city: debtor.address.city.clone(),
        country: debtor.address.country.clone(),
        email: debtor.email.clone(),
        phone: debtor.phone.clone(),
        kvk_number: debtor
            .kvk_number
            .as_ref()
            .map(|k| k.as_str().to_owned())
            .unwrap_or_default(),
        date_of_birth: debtor.date_of_birth,
        iban: debtor
            .iban
            .as_ref()
            .map(|i| i.as_str().to_owned())
            .unwrap_or_default(),
    }
}

fn debtor_from_row(row: PartyRow) -> Result<Debtor, String> {
    Ok(Debtor {
        kind: DebtorKind::parse(&row.kind).ok_or_else(|| format!("kind {:?}", row.kind))?,
        kvk_number: optional(&row.kvk_number, KvkNumber::parse)?,
        iban: optional(&row.iban, Iban::parse)?,
        name: row.name,
        address: Address {
            street: row.street,
            postcode: row.postcode,
            city: row.city,
            country: row.country,
        },
        email: row.email,
        phone: row.phone,
        date_of_birth: row.date_of_birth,
        family_name: row.family_name,
        family_name_prefix: row.family_name_prefix,
    })
}

fn cents(amount: Money) -> Result<i64, StoreError> {
    amount
        .to_cents()
        .map_err(|e| StoreError::Corrupt(format!("amount {amount}: {e}")))
}

/// The case's new standing after a decision.
#[derive(Clone, Copy, Debug)]
pub struct Standing<'a> {
    /// Stage.
    pub stage: Stage,
    /// Suspension.
    pub suspension: Suspension,
    /// Close reason (closed cases only).
    pub close_reason: Option<CloseReason>,
    /// With the close reason.
    pub close_note: &'a str,
    /// Intake remarks and the track's record, as they stand after the decision.
    pub warnings: &'a [String],
    /// The track's record.
    pub track: &'a TrackState,
    /// The court case number of the judgment the case had before (its search key, kept
    /// in step only when the number changes).
    pub court_case_before: Option<&'a str>,
}

impl Standing<'_> {
    /// The judgment's court case number when it differs from the one before.
    fn changed_court_case(&self) -> Option<&str> {
        let now = self.track.judgment.as_ref()?.court_case_number.as_str();
        (self.court_case_before != Some(now)).then_some(now)
    }
}

/// Writes a case's new standing against the version it was read at and bumps the version.
/// `false` when another transition committed first: re-read and decide again.
pub fn update_standing(
    conn: &mut DbConnection,
    id: &str,
    read_version: i64,
    standing: Standing<'_>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let updated = diesel::update(
        cases::table
            .filter(cases::id.eq(id))
            .filter(cases::version.eq(read_version)),
    )
    .set((
        cases::stage.eq(standing.stage.as_str()),
        cases::suspension.eq(standing.suspension.as_str()),
        cases::close_reason.eq(standing.close_reason.map(CloseReason::as_str)),
        cases::close_note.eq(standing.close_note),
        cases::state.eq(standing.state()?),
        cases::version.eq(read_version + 1),
        cases::updated_at.eq(db_instant(now)),
    ))
    .execute(conn)?;
    if updated == 1
        && let Some(number) = standing.changed_court_case()
    {
        super::search::set_court_case(conn, id, number)?;
    }
    Ok(updated == 1)
}

/// One case's new standing against the version it was read at, for [`update_standings`].
#[derive(Clone, Copy, Debug)]
pub struct StandingUpdate<'a> {
    /// The case.
    pub id: &'a str,
    /// Its version as read.
    pub read_version: i64,
    /// What it becomes.
    pub standing: Standing<'a>,
}

/// [`update_standing`] for many cases at once: the ids of those still at the version read
/// (the others lost their race). One prepared `UPDATE … FROM unnest(…)` on PostgreSQL.
pub fn update_standings(
    conn: &mut DbConnection,
    updates: &[StandingUpdate<'_>],
    now: DateTime<Utc>,
) -> Result<HashSet<String>, StoreError> {
    use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamp};

    #[derive(QueryableByName)]
    struct Updated {
        #[diesel(sql_type = Text)]
        id: String,
    }
    let DbConnection::Pg(pg) = conn else {
        let mut updated = HashSet::with_capacity(updates.len());
        for u in updates {
            if update_standing(conn, u.id, u.read_version, u.standing, now)? {
                updated.insert(u.id.to_owned());
            }
        }
        return Ok(updated);
    };
    let states = updates
        .iter()
        .map(|u| u.standing.state())
        .collect::<Result<Vec<_>, _>>()?;
    let updated = Prepared(
        diesel::sql_query(
            "UPDATE cases AS c SET stage = u.stage, suspension = u.suspension, \
               close_reason = u.close_reason, close_note = u.close_note, state = u.state, \
               version = u.version + 1, updated_at = $8 \
             FROM unnest($1, $2, $3, $4, $5, $6, $7) \
               AS u(id, version, stage, suspension, close_reason, close_note, state) \
             WHERE c.id = u.id AND c.version = u.version RETURNING c.id",
        )
        .bind::<Array<Text>, _>(updates.iter().map(|u| u.id).collect::<Vec<_>>())
        .bind::<Array<BigInt>, _>(updates.iter().map(|u| u.read_version).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(column(updates, |s| s.stage.as_str()))
        .bind::<Array<Text>, _>(column(updates, |s| s.suspension.as_str()))
        .bind::<Array<Nullable<Text>>, _>(
            updates
                .iter()
                .map(|u| u.standing.close_reason.map(CloseReason::as_str))
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Text>, _>(
            updates
                .iter()
                .map(|u| u.standing.close_note)
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Text>, _>(states)
        .bind::<Timestamp, _>(db_instant(now)),
    )
    .load::<Updated>(pg)?;
    let updated: HashSet<String> = updated.into_iter().map(|row| row.id).collect();
    for u in updates {
        if let Some(number) = u.standing.changed_court_case()
            && updated.contains(u.id)
        {
            super::search::set_court_case(conn, u.id, number)?;
        }
    }
    Ok(updated)
}

/// One column of `updates`' standings, as an array to bind.
fn column(
    updates: &[StandingUpdate<'_>],
    f: fn(&Standing<'_>) -> &'static str,
) -> Vec<&'static str> {
    updates.iter().map(|u| f(&u.standing)).collect()
}

impl Standing<'_> {
    /// The `state` column of this standing.
    fn state(&self) -> Result<String, StoreError> {
        serde_json::to_string(&CaseState {
            warnings: self.warnings.to_vec(),
            track: self.track.clone(),
        })
        .map_err(|e| StoreError::Corrupt(e.to_string()))
    }
}

/// Writes the debtor's new details (UpdateDebtor), inside the caller's transaction.
pub fn update_debtor(
    conn: &mut DbConnection,
    case_id: &str,
    debtor: &Debtor,
) -> Result<(), StoreError> {
    let row = party_row(case_id, debtor);
    diesel::update(
        parties::table
            .filter(parties::case_id.eq(case_id))
            .filter(parties::role.eq(DEBTOR)),
    )
    .set((
        parties::street.eq(row.street),
        parties::postcode.eq(row.postcode),
        parties::city.eq(row.city),
        parties::country.eq(row.country),
        parties::email.eq(row.email),
        parties::phone.eq(row.phone),
        parties::iban.eq(row.iban),
    ))
    .execute(conn)?;
    Ok(())
}
