//! Payouts (afdracht) and the client's overview. A run settles, per payment received up
//! to a day, the difference between what the payment now comes to for the client and the
//! office ([`crate::bank::payout::share`]) and what earlier runs settled of it: a payment is
//! paid out once, a payment taken back since is taken back from the client, and running
//! twice pays nothing twice. One transaction per run; two runs racing over one payment
//! cannot both settle it (the line key (payment, seq) is unique).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};

use super::office::office_in_force;
use super::pipeline::{IdempotencyKey, retrying};
use super::{App, Principal};
use crate::bank::pain001::{self, Batch, CreditTransfer};
use crate::bank::payout::{Allocation, Share, share};
use crate::case::CaseFilter;
use crate::case::track::owed;
use crate::case::{CaseRecord, Iban, Stage, Suspension};
use crate::clock::amsterdam_local;
use crate::documents::client_money::{self, Report};
use crate::error::AppError;
use crate::law::money::Money;
use crate::store::payouts::{self, LedgerPayment, LineRow, PayoutRow, RunRow};
use crate::store::{DbConnection, clients, db_instant, transaction};
use crate::store::{admin_events, cases};

/// A run's result.
#[derive(Clone, Debug, Default)]
pub struct PayoutRun {
    /// The run (empty: nothing to pay).
    pub id: String,
    /// Payments paid up to and including.
    pub up_to_date: Option<NaiveDate>,
    /// The pain.001's message id.
    pub message_id: String,
    /// One per client.
    pub payouts: Vec<(PayoutRow, usize)>,
    /// The control sum.
    pub total_cents: i64,
    /// The pain.001.
    pub pain001: String,
    /// What was held back and why.
    pub warnings: Vec<String>,
}

/// One case's line in the overview.
#[derive(Clone, Debug, Default)]
pub struct CaseLine {
    /// The case.
    pub case_id: String,
    /// The client's reference.
    pub client_reference: String,
    /// Stage.
    pub stage: String,
    /// Open (not closed).
    pub open: bool,
    /// The earliest due date of its invoices.
    pub oldest_due_date: Option<NaiveDate>,
    /// Days past that on `as_of` (0 if not yet due).
    pub days_past_due: i64,
    /// Owed on `as_of` (0 when closed).
    pub outstanding_cents: i64,
    /// Received up to `as_of`.
    pub received_cents: i64,
    /// Paid out to the client by payouts made up to `as_of`.
    pub paid_out_cents: i64,
    /// The client's decision is awaited.
    pub waiting_for_client: bool,
}

/// A client's overview on a day.
#[derive(Clone, Debug, Default)]
pub struct Overview {
    /// The client.
    pub client_id: String,
    /// The day.
    pub as_of: Option<NaiveDate>,
    /// Every case of the client.
    pub cases: Vec<CaseLine>,
    /// The CSV.
    pub csv: String,
    /// The PDF.
    pub pdf: Vec<u8>,
}

impl Overview {
    /// Open cases per stage: (stage, cases, outstanding cents), in track order.
    pub fn stages(&self) -> Vec<(String, usize, i64)> {
        let mut by: BTreeMap<usize, (String, usize, i64)> = BTreeMap::new();
        for c in self.cases.iter().filter(|c| c.open) {
            let order = STAGE_ORDER
                .iter()
                .position(|s| *s == c.stage)
                .unwrap_or(STAGE_ORDER.len());
            let e = by.entry(order).or_insert((c.stage.clone(), 0, 0));
            e.1 += 1;
            e.2 += c.outstanding_cents;
        }
        by.into_values().collect()
    }

    /// Open cases per days past due: ("0-30" …, cases, outstanding cents).
    pub fn aging(&self) -> Vec<(&'static str, usize, i64)> {
        let mut buckets = vec![
            ("0-30", 0, 0),
            ("31-60", 0, 0),
            ("61-90", 0, 0),
            ("90+", 0, 0),
        ];
        for c in self.cases.iter().filter(|c| c.open) {
            let i = match c.days_past_due {
                ..=30 => 0,
                31..=60 => 1,
                61..=90 => 2,
                _ => 3,
            };
            buckets[i].1 += 1;
            buckets[i].2 += c.outstanding_cents;
        }
        buckets
    }

    /// Sums over the cases: (open cases, outstanding, received, paid out).
    pub fn totals(&self) -> (usize, i64, i64, i64) {
        (
            self.cases.iter().filter(|c| c.open).count(),
            self.cases.iter().map(|c| c.outstanding_cents).sum(),
            self.cases.iter().map(|c| c.received_cents).sum(),
            self.cases.iter().map(|c| c.paid_out_cents).sum(),
        )
    }
}

const STAGE_ORDER: &[&str] = &[
    "intake",
    "letter",
    "recoverability",
    "summons",
    "judgment",
    "execution",
    "closed",
];

fn euros(cents: i64) -> String {
    Money::from_cents(cents).to_string()
}

fn nl(cents: i64) -> String {
    Money::from_cents(cents).format_nl()
}

impl App {
    /// RunPayouts: settles every client's payments received up to `up_to`. Under a
    /// `request_id` a retry answers the run made the first time, its pain.001 included
    /// (without one a retry finds everything settled and answers an empty run, and a lost
    /// answer's file could not be had again).
    pub async fn run_payouts(
        &self,
        who: &Principal,
        up_to: NaiveDate,
        request_id: Option<String>,
    ) -> Result<PayoutRun, AppError> {
        let actor = who.actor();
        let now = self.service_now().await?;
        let today = amsterdam_local(now).date();
        if up_to > today {
            return Err(AppError::invalid(
                "up_to_date",
                &format!("{up_to} lies after today ({today})"),
            ));
        }
        self.store
            .run(move |conn| {
                retrying("payout run", || {
                    transaction(conn, |conn| {
                        let mut key = request_id.as_ref().map(|id| IdempotencyKey {
                            scope: RUN_SCOPE,
                            key: id.clone(),
                            request_id: id.clone(),
                            fingerprint: up_to.to_string(),
                            response: String::new(),
                        });
                        if let Some(key) = &key
                            && let Some(run_id) = key.answered(conn)?
                        {
                            return stored_run(conn, &run_id, up_to);
                        }
                        let run = run_in(conn, up_to, now)?;
                        if !run.id.is_empty() {
                            // Money leaves the third-party account: who sent it, on record.
                            admin_events::append(
                                conn,
                                now,
                                &actor.0,
                                "payout_run",
                                &run.id,
                                &serde_json::json!({
                                    "up_to_date": up_to.to_string(),
                                    "message_id": run.message_id,
                                    "total_cents": run.total_cents,
                                    "payouts": run.payouts.len(),
                                }),
                            )?;
                        }
                        if let Some(key) = &mut key {
                            key.response = run.id.clone();
                            key.store(conn, now)?;
                        }
                        Ok(run)
                    })
                })
            })
            .await
    }

    /// GetPayoutStatement: a payout's statement, `(media type, bytes)`; a client sees its
    /// own only (another's is NOT_FOUND).
    pub async fn payout_statement(
        &self,
        who: &Principal,
        payout_id: String,
        csv: bool,
    ) -> Result<(&'static str, Vec<u8>), AppError> {
        let who = who.clone();
        self.store
            .run(move |conn| {
                let payout = payouts::get(conn, &payout_id)?
                    .filter(|p| who.sees(&p.client_id))
                    .ok_or_else(|| AppError::NotFound(format!("no payout {payout_id:?}")))?;
                Ok(if csv {
                    ("text/csv", payout.statement_csv.into_bytes())
                } else {
                    ("application/pdf", payout.statement_pdf)
                })
            })
            .await
    }

    /// ClientOverview: the client's cases on `as_of` (default today).
    pub async fn client_overview(
        &self,
        who: &Principal,
        client_id: String,
        as_of: Option<NaiveDate>,
    ) -> Result<Overview, AppError> {
        if !who.sees(&client_id) {
            return Err(AppError::NotFound(format!("no client {client_id:?}")));
        }
        let now = self.service_now().await?;
        let as_of = as_of.unwrap_or_else(|| amsterdam_local(now).date());
        self.store
            .run(move |conn| overview_in(conn, &client_id, as_of))
            .await
    }
}

/// One run inside the caller's transaction.
fn run_in(
    conn: &mut DbConnection,
    up_to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<PayoutRun, AppError> {
    let office = office_in_force(
        conn,
        "the third-party account (derdengeldenrekening) the payouts are made from",
    )?
    .office;
    let mut ledger = payouts::payments_up_to(conn, up_to)?;
    // The client's own costs (writs not served), settled like payments of nothing.
    ledger.extend(payouts::charges_up_to(conn, up_to)?);
    let ids: Vec<&str> = ledger.iter().map(|l| l.payment.id.as_str()).collect();
    let settled = payouts::settled(conn, &ids)?;
    // Per client, the payments with something left to settle.
    let mut due: BTreeMap<String, Vec<(&LedgerPayment, Share, i32)>> = BTreeMap::new();
    for l in &ledger {
        let p = &l.payment;
        let allocation: Allocation = serde_json::from_str(&p.allocation).map_err(|e| {
            AppError::Internal(format!("payment {}: allocation unreadable: {e}", p.id))
        })?;
        let target = share(
            p.amount_cents,
            allocation,
            p.paid_to_client,
            // Reversed by the time of the run, whatever the day: the money has left the
            // account, and the later payments are already allocated without it.
            p.reversed_on.is_some(),
        );
        let before = settled.get(&p.id).copied().unwrap_or_default();
        let so_far = Share {
            received: before.received_cents,
            to_client: before.to_client_cents,
            to_office: before.to_office_cents,
        };
        let delta = target.minus(so_far);
        if !delta.is_zero() {
            due.entry(l.client_id.clone())
                .or_default()
                .push((l, delta, before.seq + 1));
        }
    }
    let mut run = PayoutRun {
        up_to_date: Some(up_to),
        ..PayoutRun::default()
    };
    if due.is_empty() {
        return Ok(run);
    }
    run.id = crate::store::ids::new_id(now);
    // Unique per file (ISO 20022: MsgId unique for the bank; Dutch banks refuse a file
    // twice): a UUIDv7's first eight digits change only every 65 s, and two ids of one
    // instant differ only in their counter, digits 17–25; so its first 30 hex digits,
    // 35 characters in all, as the transfers' end-to-end ids.
    run.message_id = format!("AFDR-{}", &run.id.replace('-', "")[..30]);
    let today = amsterdam_local(now).date();
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut transfers = Vec::new();
    for (client_id, items) in due {
        let client = clients::get(conn, &client_id)?
            .ok_or_else(|| AppError::Internal(format!("client {client_id} vanished")))?
            .client;
        let Some(iban) = client.iban.as_ref().map(Iban::as_str) else {
            run.warnings.push(format!(
                "client {client_id} has no payout IBAN (PutClient): its money is held"
            ));
            continue;
        };
        let payout_id = crate::store::ids::new_id(now);
        let end_to_end_id = format!("AFDR-{}", &payout_id.replace('-', "")[..30]);
        let mut row = PayoutRow {
            id: payout_id.clone(),
            run_id: run.id.clone(),
            client_id: client_id.clone(),
            iban: iban.to_owned(),
            received_cents: 0,
            to_client_cents: 0,
            to_office_cents: 0,
            invoiced_cents: 0,
            amount_cents: 0,
            end_to_end_id: end_to_end_id.clone(),
            statement_csv: String::new(),
            statement_pdf: Vec::new(),
            created_at: db_instant(now),
            carries_shortfall: true,
        };
        let mut csv = csv::Writer::from_writer(Vec::new());
        let header = [
            "case_id",
            "client_reference",
            "payment_id",
            "paid_on",
            "received",
            "to_client",
            "to_office",
            "paid_to_client",
        ];
        csv.write_record(header)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut table = Vec::new();
        for (l, delta, seq) in &items {
            let p = &l.payment;
            row.received_cents += delta.received;
            row.to_office_cents += delta.to_office;
            if p.paid_to_client || l.charge.is_some() {
                row.invoiced_cents -= delta.to_client;
            } else {
                row.to_client_cents += delta.to_client;
            }
            csv.write_record([
                p.case_id.as_str(),
                l.client_reference.as_str(),
                p.id.as_str(),
                &p.paid_on.to_string(),
                &euros(delta.received),
                &euros(delta.to_client),
                &euros(delta.to_office),
                if p.paid_to_client { "yes" } else { "no" },
            ])
            .map_err(|e| AppError::Internal(e.to_string()))?;
            table.push(vec![
                match &l.charge {
                    Some(what) => format!(
                        "{} {} {what}",
                        l.client_reference,
                        p.paid_on.format("%d-%m-%Y")
                    ),
                    None => format!("{} {}", l.client_reference, p.paid_on.format("%d-%m-%Y")),
                },
                nl(delta.received),
                nl(delta.to_client),
                nl(delta.to_office),
            ]);
            lines.push(LineRow {
                payment_id: p.id.clone(),
                seq: *seq,
                payout_id: payout_id.clone(),
                case_id: p.case_id.clone(),
                paid_on: p.paid_on,
                received_cents: delta.received,
                to_client_cents: delta.to_client,
                to_office_cents: delta.to_office,
                paid_to_client: p.paid_to_client,
            });
        }
        let shortfall = payouts::shortfall(conn, &client_id)?;
        let net = row.to_client_cents - row.invoiced_cents - shortfall;
        row.amount_cents = net.max(0);
        row.statement_csv = String::from_utf8(
            csv.into_inner()
                .map_err(|e| AppError::Internal(e.to_string()))?,
        )
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut outro = vec![
            format!("Ontvangen: {}", nl(row.received_cents)),
            format!("Aan u (hoofdsom en rente): {}", nl(row.to_client_cents)),
            format!("Aan kantoor (kosten): {}", nl(row.to_office_cents)),
        ];
        if row.invoiced_cents != 0 {
            outro.push(format!(
                "Kosten over rechtstreeks aan u betaalde bedragen en kosten voor uw rekening \
                 (niet betekende exploten), verrekend: {}",
                nl(row.invoiced_cents)
            ));
        }
        if shortfall != 0 {
            outro.push(format!(
                "Tekort uit eerdere afdrachten, verrekend: {}",
                nl(shortfall)
            ));
        }
        outro.push(if net > 0 {
            format!("Overgemaakt naar {iban}: {}", nl(net))
        } else {
            format!(
                "Tekort, te verrekenen met uw volgende afdracht: {}",
                nl(-net)
            )
        });
        row.statement_pdf = client_money::render(&Report {
            title: "Afdrachtspecificatie".into(),
            intro: vec![
                client.name.clone(),
                format!(
                    "Betalingen ontvangen tot en met {}",
                    up_to.format("%d-%m-%Y")
                ),
            ],
            header: vec![
                "Dossier en datum".into(),
                "Ontvangen".into(),
                "Aan u".into(),
                "Aan kantoor".into(),
            ],
            rows: table,
            outro,
            office: office.trading_name.clone(),
            date: today,
        })
        .map_err(|e| AppError::Internal(e.to_string()))?;
        if row.amount_cents > 0 {
            transfers.push(CreditTransfer {
                end_to_end_id,
                amount_cents: row.amount_cents,
                creditor_name: client.name.clone(),
                creditor_iban: iban.to_owned(),
                remittance: format!("Afdracht tot en met {}", up_to.format("%d-%m-%Y")),
            });
        }
        rows.push((row, items.len()));
    }
    if rows.is_empty() {
        return Ok(PayoutRun {
            up_to_date: Some(up_to),
            warnings: run.warnings,
            ..PayoutRun::default()
        });
    }
    let batch = Batch {
        message_id: run.message_id.clone(),
        created_at: amsterdam_local(now),
        execution_date: today,
        debtor_name: office.third_party_account.holder.clone(),
        debtor_iban: office.third_party_account.iban.as_str().to_owned(),
        debtor_bic: office
            .third_party_account
            .bic
            .as_ref()
            .map(|b| b.as_str().to_owned()),
        transfers,
    };
    run.total_cents = batch.total_cents();
    run.pain001 = if batch.transfers.is_empty() {
        String::new()
    } else {
        pain001::write(&batch)
    };
    let stored: Vec<PayoutRow> = rows.iter().map(|(r, _)| r.clone()).collect();
    payouts::insert_run(
        conn,
        &RunRow {
            id: run.id.clone(),
            up_to_date: up_to,
            message_id: run.message_id.clone(),
            pain001: run.pain001.clone(),
            total_cents: run.total_cents,
            created_at: db_instant(now),
        },
        &stored,
        &lines,
    )?;
    run.payouts = rows;
    Ok(run)
}

/// The idempotency scope of RunPayouts.
const RUN_SCOPE: &str = "run_payouts";

/// A run made before, as its first answer was (less the warnings, which are not kept);
/// `run_id` empty: that run paid nothing.
fn stored_run(
    conn: &mut DbConnection,
    run_id: &str,
    up_to: NaiveDate,
) -> Result<PayoutRun, AppError> {
    let mut run = PayoutRun {
        up_to_date: Some(up_to),
        ..PayoutRun::default()
    };
    if run_id.is_empty() {
        return Ok(run);
    }
    let (stored, rows) = payouts::run_with_payouts(conn, run_id)?
        .ok_or_else(|| AppError::Internal(format!("payout run {run_id} vanished")))?;
    run.id = stored.id;
    run.message_id = stored.message_id;
    run.total_cents = stored.total_cents;
    run.pain001 = stored.pain001;
    run.payouts = rows;
    Ok(run)
}

/// The client's overview, read in one go.
fn overview_in(
    conn: &mut DbConnection,
    client_id: &str,
    as_of: NaiveDate,
) -> Result<Overview, AppError> {
    if clients::get(conn, client_id)?.is_none() {
        return Err(AppError::NotFound(format!("no client {client_id:?}")));
    }
    let filter = CaseFilter {
        client_id: Some(client_id.to_owned()),
        ..CaseFilter::default()
    };
    let mut all: Vec<CaseRecord> = Vec::new();
    let mut after = None;
    loop {
        let (page, next) = cases::list(conn, &filter, after.as_ref(), 1000)?;
        all.extend(page);
        match next {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }
    let end_of_day = crate::clock::amsterdam_start_of(as_of.succ_opt().unwrap_or(as_of));
    let paid_out = payouts::paid_out_per_case(conn, client_id, db_instant(end_of_day))?;
    let reviewing: Vec<String> =
        payouts::cases_with_open_task(conn, crate::case::task_kind::INTAKE_REVIEW)?;
    let mut policies = HashMap::new();
    let mut lines = Vec::with_capacity(all.len());
    for case in &all {
        let open = case.stage != Stage::Closed;
        let outstanding = if open {
            let policy = match policies.get(&case.policy_version) {
                Some(p) => p,
                None => {
                    let p = clients::get_policy(conn, client_id, Some(case.policy_version))?
                        .ok_or_else(|| AppError::Internal("a case's policy is missing".into()))?
                        .policy;
                    policies.entry(case.policy_version).or_insert(p)
                }
            };
            owed(case, policy, as_of)
                .ok()
                .and_then(|o| o.total.to_cents().ok())
                .unwrap_or_default()
        } else {
            0
        };
        let oldest = case.claim.invoices.iter().map(|i| i.due_date).min();
        let waiting = open
            && (case.suspension == Suspension::OnHold
                && case
                    .track
                    .hold
                    .as_ref()
                    .is_some_and(|h| h.reason == "client_instruction" || h.reason == "dispute")
                || reviewing.contains(&case.id));
        lines.push(CaseLine {
            case_id: case.id.clone(),
            client_reference: case.claim.client_reference.clone(),
            stage: case.stage.as_str().to_owned(),
            open,
            oldest_due_date: oldest,
            days_past_due: oldest.map_or(0, |d| (as_of - d).num_days().max(0)),
            outstanding_cents: outstanding,
            received_cents: case
                .track
                .payments
                .iter()
                .filter(|p| p.paid_on <= as_of)
                .map(|p| p.amount_cents)
                .sum(),
            paid_out_cents: paid_out.get(&case.id).copied().unwrap_or_default(),
            waiting_for_client: waiting,
        });
    }
    let mut overview = Overview {
        client_id: client_id.to_owned(),
        as_of: Some(as_of),
        cases: lines,
        ..Overview::default()
    };
    overview.csv = overview_csv(&overview)?;
    let office = crate::store::office::get(conn, None)?
        .map(|o| o.office.trading_name)
        .unwrap_or_default();
    overview.pdf = overview_pdf(&overview, office)?;
    Ok(overview)
}

fn overview_csv(o: &Overview) -> Result<String, AppError> {
    let mut csv = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::Internal(e.to_string());
    csv.write_record([
        "case_id",
        "client_reference",
        "stage",
        "oldest_due_date",
        "days_past_due",
        "outstanding",
        "received",
        "paid_out",
        "waiting_for_client",
    ])
    .map_err(fail)?;
    for c in &o.cases {
        csv.write_record([
            c.case_id.as_str(),
            c.client_reference.as_str(),
            c.stage.as_str(),
            &c.oldest_due_date.map(|d| d.to_string()).unwrap_or_default(),
            &c.days_past_due.to_string(),
            &euros(c.outstanding_cents),
            &euros(c.received_cents),
            &euros(c.paid_out_cents),
            if c.waiting_for_client { "yes" } else { "no" },
        ])
        .map_err(fail)?;
    }
    let bytes = csv
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(e.to_string()))
}

fn overview_pdf(o: &Overview, office: String) -> Result<Vec<u8>, AppError> {
    let as_of = o.as_of.unwrap_or_default();
    let (open, outstanding, received, paid_out) = o.totals();
    let mut intro = vec![
        format!(
            "Cliënt {}, stand per {}",
            o.client_id,
            as_of.format("%d-%m-%Y")
        ),
        format!(
            "Open dossiers: {open}; openstaand {}; ontvangen {}; afgedragen {}",
            nl(outstanding),
            nl(received),
            nl(paid_out)
        ),
    ];
    intro.extend(
        o.aging()
            .into_iter()
            .map(|(b, n, cents)| format!("{b} dagen na vervaldatum: {n} dossiers, {}", nl(cents))),
    );
    let waiting = o.cases.iter().filter(|c| c.waiting_for_client).count();
    intro.push(format!("Wachten op uw beslissing: {waiting} dossiers"));
    client_money::render(&Report {
        title: "Overzicht openstaande posten".into(),
        intro,
        header: vec![
            "Dossier".into(),
            "Fase".into(),
            "Dagen".into(),
            "Openstaand".into(),
            "Ontvangen".into(),
            "Afgedragen".into(),
        ],
        rows: o
            .cases
            .iter()
            .map(|c| {
                vec![
                    c.client_reference.clone(),
                    c.stage.clone(),
                    c.days_past_due.to_string(),
                    nl(c.outstanding_cents),
                    nl(c.received_cents),
                    nl(c.paid_out_cents),
                ]
            })
            .collect(),
        outro: Vec::new(),
        office,
        date: as_of,
    })
    .map_err(|e| AppError::Internal(e.to_string()))
}
