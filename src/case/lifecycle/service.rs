//! Service (*betekening*) as a record, not an assumption: on the planned day the bailiff
//! is asked what happened (a `service` task), and answers through `CompleteTask` with an
//! outcome and typed `values`:
//!
//! | outcome | means | values |
//! | --- | --- | --- |
//! | `in_person` | handed to the addressee in person | `served_on`; `left_with` optional |
//! | `housemate` | left with a member of the household (art. 46 lid 1 Rv) | `served_on`, `left_with` (who, in what capacity) |
//! | `closed_envelope` | left at the address in a closed envelope (art. 47 Rv) | `served_on` |
//! | `domicile` | at the chosen domicile or office | `served_on`, `left_with` |
//! | `not_served` | not served | `attempted_on`, `found` (`moved`, `unknown`, `refused`), `remarks` optional |
//!
//! Every outcome takes an optional `costs` (euros, whole cents, zero or more): what the
//! attempt cost the office beyond the tariff of a served writ (a journey in vain; Btag
//! art. 6's surcharges are UNVERIFIED, so the bailiff states them, never guessed). A date
//! before the planned day, an unknown outcome or key, a negative or malformed amount: each
//! is named in the `INVALID_ARGUMENT` (`values["served_on"]` …), and nothing is stored.
//!
//! Why `CompleteTask` with values and not a `RecordService` RPC: the service is a person's
//! answer to a task the track opened on the planned day, exactly what a task is; the values
//! are checked here, in `case`, by [`read`], before the pipeline runs, and read again by the
//! decision.
//!
//! Two writs are recorded this way, under a policy with `record_service`, each named by its
//! task's `act` ([`Writ`]): the dagvaarding (`summons`) and the vonnis with the order to
//! pay (`judgment`, asked for once the insolvency register has been asked again before it,
//! `lifecycle::execution`). Served: the writ's Btag fee of the real service day, and what
//! follows counts from the real service — the hearing (art. 114/119 Rv: at least a week
//! after it; the drafted date when that is still far enough; then the filing with the
//! registry, `lifecycle::hearing`), or the order to pay's two days (art. 439 Rv) before any
//! attachment. Not served: a `service_failed` task — `new_address` (with `street`,
//! `postcode`, `city`: the next attempt goes there, audited), `replan` (optionally
//! `planned_on`), or `stop` (the case goes on hold for a person); the next attempt at the
//! judgment is preceded by the register again, as every execution act is.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{stay, task_kind};
use crate::case::decide::CASE_HANDLER_QUEUE;
use crate::case::decision::{Decision, Due, Effect, NewTask, Rejection};
use crate::case::event::{JobKind, Timer};
use crate::case::policy::TrackPolicy;
use crate::case::record::CaseRecord;
use crate::case::stage::{Stage, Suspension};
use crate::case::track::HoldRecord;
use crate::case::{Address, FieldViolation, Postcode};
use crate::law::calendar::add_working_days;
use crate::law::money::Money;
use crate::law::procedure::writ_day_refusal;

/// The outcomes of a `service` task.
pub const SERVICE_OUTCOMES: [&str; 5] = [
    "in_person",
    "housemate",
    "closed_envelope",
    "domicile",
    "not_served",
];

/// The outcomes of a `service_failed` task.
pub const FAILED_OUTCOMES: [&str; 3] = ["new_address", "replan", "stop"];

/// What the bailiff found when a writ could not be served.
pub const FOUND: [&str; 3] = ["moved", "unknown", "refused"];

/// The longest free text of a value (the contract's limit for a value).
const MAX_TEXT: usize = 500;

/// One attempt at serving a writ, as recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceAttempt {
    /// The writ: `summons`.
    pub act: String,
    /// 1, 2, … per writ.
    pub attempt: u32,
    /// The day it was planned.
    pub planned_on: Option<NaiveDate>,
    /// The outcome (one of [`SERVICE_OUTCOMES`]).
    pub outcome: String,
    /// The day served or attempted.
    pub on: Option<NaiveDate>,
    /// To whom the copy was left, with the capacity (art. 45 lid 3 sub e Rv).
    pub left_with: String,
    /// Not served: `moved`, `unknown` or `refused`.
    pub found: String,
    /// What else the bailiff noted.
    pub remarks: String,
    /// The address it was served or attempted at, in one line.
    pub address: String,
    /// The tariff of the writ when served (with VAT where charged), else nothing.
    pub fee_cents: i64,
    /// The costs the bailiff stated for the attempt.
    pub costs_cents: i64,
}

/// A checked answer to a `service` or `service_failed` task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Served (any outcome but `not_served`).
    Served {
        /// The outcome.
        outcome: String,
        /// The day.
        on: NaiveDate,
        /// To whom the copy was left.
        left_with: String,
        /// Stated costs.
        costs: Money,
    },
    /// Not served.
    NotServed {
        /// The day attempted.
        on: NaiveDate,
        /// What was found.
        found: String,
        /// Notes.
        remarks: String,
        /// Stated costs.
        costs: Money,
    },
    /// Serve at a new address.
    NewAddress(Address),
    /// Plan again, on the day given or the next working day.
    Replan(Option<NaiveDate>),
    /// Stop trying: a person takes over.
    Stop,
}

fn field(key: &str) -> String {
    format!("values[{key:?}]")
}

/// Reads `values` for `outcome` of a `task` (`service` or `service_failed`) opened with
/// `details`: every bad value named, unknown keys included.
pub fn read(
    task: &str,
    outcome: &str,
    details: &Value,
    values: &BTreeMap<String, String>,
) -> Result<Answer, Vec<FieldViolation>> {
    let mut bad = Vec::new();
    let planned = details["planned_on"]
        .as_str()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    let allowed: &[&str] = match (task, outcome) {
        (task_kind::SERVICE, "not_served") => &["attempted_on", "found", "remarks", "costs"],
        (task_kind::SERVICE, "in_person" | "closed_envelope") => {
            &["served_on", "left_with", "costs"]
        }
        (task_kind::SERVICE, "housemate" | "domicile") => &["served_on", "left_with", "costs"],
        (task_kind::SERVICE_FAILED, "new_address") => &["street", "postcode", "city"],
        (task_kind::SERVICE_FAILED, "replan") => &["planned_on"],
        (task_kind::SERVICE_FAILED, "stop") => &[],
        _ => {
            let outcomes: &[&str] = if task == task_kind::SERVICE_FAILED {
                &FAILED_OUTCOMES
            } else {
                &SERVICE_OUTCOMES
            };
            return Err(vec![FieldViolation::new(
                "outcome",
                format!(
                    "not an outcome of this task: one of {}",
                    outcomes.join(", ")
                ),
            )]);
        }
    };
    for key in values.keys() {
        if !allowed.contains(&key.as_str()) {
            bad.push(FieldViolation::new(
                field(key),
                format!(
                    "not a value of outcome {outcome}: {}",
                    if allowed.is_empty() {
                        "it takes none".to_owned()
                    } else {
                        format!("it takes {}", allowed.join(", "))
                    }
                ),
            ));
        }
    }
    let text = |key: &str, required: bool, bad: &mut Vec<FieldViolation>| -> String {
        let value = values.get(key).map(|v| v.trim()).unwrap_or_default();
        if required && value.is_empty() {
            bad.push(FieldViolation::new(field(key), "required for this outcome"));
        } else if value.chars().count() > MAX_TEXT {
            bad.push(FieldViolation::new(
                field(key),
                format!("at most {MAX_TEXT} characters"),
            ));
        }
        value.to_owned()
    };
    let date = |key: &str, bad: &mut Vec<FieldViolation>| -> Option<NaiveDate> {
        let day = super::values::day(
            values,
            key,
            planned.map(|p| (p, "the planned service")),
            bad,
        )?;
        if let Some(why) = writ_day_refusal(day) {
            bad.push(FieldViolation::new(field(key), why));
            return None;
        }
        Some(day)
    };
    let costs = |bad: &mut Vec<FieldViolation>| -> Money {
        let Some(raw) = values.get("costs") else {
            return Money::ZERO;
        };
        match Money::parse(raw) {
            Ok(m) if m.is_negative() => {
                bad.push(FieldViolation::new(field("costs"), "zero or more euros"));
                Money::ZERO
            }
            Ok(m) if m > Money::from_euros(100_000) => {
                bad.push(FieldViolation::new(field("costs"), "at most 100000.00"));
                Money::ZERO
            }
            Ok(m) => m,
            Err(e) => {
                bad.push(FieldViolation::new(field("costs"), e.to_string()));
                Money::ZERO
            }
        }
    };
    let answer = match outcome {
        "not_served" => {
            let on = date("attempted_on", &mut bad);
            let found = text("found", true, &mut bad);
            if !found.is_empty() && !FOUND.contains(&found.as_str()) {
                bad.push(FieldViolation::new(
                    field("found"),
                    format!("one of {}", FOUND.join(", ")),
                ));
            }
            let remarks = text("remarks", false, &mut bad);
            let costs = costs(&mut bad);
            on.map(|on| Answer::NotServed {
                on,
                found,
                remarks,
                costs,
            })
        }
        "new_address" => {
            let street = text("street", true, &mut bad);
            let raw_postcode = text("postcode", true, &mut bad);
            let city = text("city", true, &mut bad);
            let postcode = if raw_postcode.is_empty() {
                raw_postcode
            } else {
                match Postcode::parse_dutch(&raw_postcode) {
                    Ok(p) => p.as_str().to_owned(),
                    Err(e) => {
                        bad.push(FieldViolation::new(field("postcode"), e));
                        raw_postcode
                    }
                }
            };
            Some(Answer::NewAddress(Address {
                street,
                postcode,
                city,
                country: "NL".into(),
            }))
        }
        "replan" => match values.get("planned_on") {
            None => Some(Answer::Replan(None)),
            Some(_) => date("planned_on", &mut bad).map(|d| Answer::Replan(Some(d))),
        },
        "stop" => Some(Answer::Stop),
        served => {
            let on = date("served_on", &mut bad);
            let left_with = text(
                "left_with",
                matches!(served, "housemate" | "domicile"),
                &mut bad,
            );
            let left_with = match (served, left_with.is_empty()) {
                ("in_person", true) => "de geadresseerde in persoon".to_owned(),
                ("closed_envelope", true) => {
                    "niemand: in een gesloten envelop achtergelaten aan het adres (art. 47 Rv)"
                        .to_owned()
                }
                _ => left_with,
            };
            let costs = costs(&mut bad);
            on.map(|on| Answer::Served {
                outcome: served.to_owned(),
                on,
                left_with,
                costs,
            })
        }
    };
    match answer {
        Some(answer) if bad.is_empty() => Ok(answer),
        _ => Err(bad),
    }
}

/// The writs served through a `service` task, named by its details' `act`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writ {
    /// The dagvaarding (`summons`).
    Summons,
    /// The vonnis with the order to pay (`judgment`).
    Judgment,
}

impl Writ {
    /// The writ a task's details name (the dagvaarding when they name none).
    pub fn of(details: &Value) -> Self {
        if details["act"] == "judgment" {
            Self::Judgment
        } else {
            Self::Summons
        }
    }

    /// Its name in a task's details and a [`ServiceAttempt`].
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Summons => "summons",
            Self::Judgment => "judgment",
        }
    }

    /// Its name in a title or a reason.
    fn title(self) -> &'static str {
        match self {
            Self::Summons => "dagvaarding",
            Self::Judgment => "vonnis met bevel tot betaling",
        }
    }

    /// The timer of its planned service day.
    fn timer(self) -> Timer {
        match self {
            Self::Summons => Timer::SummonsServed,
            Self::Judgment => Timer::JudgmentServed,
        }
    }

    /// Whether `case` still has this writ to serve: the approved, unserved summons, or an
    /// awarded judgment in execution not yet served (nor waiting for the register).
    fn unserved(self, case: &CaseRecord) -> bool {
        match self {
            Self::Summons => case
                .track
                .summons
                .as_ref()
                .is_some_and(|s| s.served_on.is_none()),
            Self::Judgment => {
                case.stage == Stage::Execution
                    && case.track.execution.is_none()
                    && case.track.pending_act.is_none()
            }
        }
    }
}

/// The address a writ of `case` is served at: the last new address recorded, else the
/// debtor's.
fn address_line(case: &CaseRecord) -> String {
    let a = case
        .track
        .service_address
        .clone()
        .unwrap_or_else(|| case.claim.debtor.address.clone());
    format!("{}, {} {}", a.street, a.postcode, a.city)
}

fn attempts(case: &CaseRecord, act: &str) -> u32 {
    u32::try_from(case.track.services.iter().filter(|a| a.act == act).count()).unwrap_or(u32::MAX)
}

/// The planned day of the summons has come: the bailiff is asked to record the service.
pub(crate) fn due(case: &CaseRecord, planned: NaiveDate) -> Decision {
    due_for(case, Writ::Summons, planned)
}

/// The planned day of `writ` has come: the bailiff is asked to record its service.
pub(crate) fn due_for(case: &CaseRecord, writ: Writ, planned: NaiveDate) -> Decision {
    let attempt = attempts(case, writ.as_str()) + 1;
    let address = address_line(case);
    let title = writ.title();
    let mut d = stay(
        case,
        case.track.clone(),
        "service_due",
        format!("{title} to be served on {planned} at {address} (attempt {attempt})"),
        vec![Effect::OpenTask(NewTask {
            kind: task_kind::SERVICE.into(),
            queue: CASE_HANDLER_QUEUE.into(),
            title: format!("Record the service of the {title} (attempt {attempt})"),
            details: json!({
                "act": writ.as_str(),
                "planned_on": planned.to_string(),
                "attempt": attempt,
                "address": address,
            }),
            outcomes: SERVICE_OUTCOMES.iter().map(|o| (*o).to_owned()).collect(),
        })],
    );
    d.audit.data =
        json!({ "act": writ.as_str(), "planned_on": planned.to_string(), "attempt": attempt });
    d
}

/// The bailiff's record of a writ's service: served goes to the writ's own step
/// (`summons::served_recorded`, `judgment::served_recorded`) with the attempt as recorded;
/// not served opens a `service_failed` task.
pub(crate) fn recorded(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    outcome: &str,
    details: &Value,
    values: &BTreeMap<String, String>,
) -> Result<Decision, Rejection> {
    let answer = read(task_kind::SERVICE, outcome, details, values)
        .map_err(|v| super::values::refused(&v))?;
    let writ = Writ::of(details);
    if !writ.unserved(case) {
        return Err(Rejection::WrongStage {
            event: "task_completed",
            stage: case.stage.as_str(),
        });
    }
    let planned_on = match writ {
        Writ::Summons => case
            .track
            .summons
            .as_ref()
            .and_then(|s| s.planned_service_on),
        Writ::Judgment => details["planned_on"]
            .as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()),
    };
    let mut attempt = ServiceAttempt {
        act: writ.as_str().into(),
        attempt: attempts(case, writ.as_str()) + 1,
        planned_on,
        outcome: outcome.to_owned(),
        address: address_line(case),
        ..ServiceAttempt::default()
    };
    match answer {
        Answer::Served {
            on,
            left_with,
            costs,
            ..
        } => {
            super::values::not_after_today("served_on", on, today)?;
            attempt.on = Some(on);
            attempt.left_with = left_with;
            attempt.costs_cents = costs.to_cents().unwrap_or_default();
            let mut d = match writ {
                Writ::Summons => super::summons::served_recorded(case, policy, &mut attempt)?,
                Writ::Judgment => super::judgment::served_recorded(case, policy, &mut attempt)?,
            };
            d.track.services.push(attempt.clone());
            d.effects.insert(
                0,
                Effect::CloseTasks {
                    kind: Some(task_kind::SERVICE_FAILED.into()),
                },
            );
            d.audit.amounts.push(("attempt_costs", costs));
            d.audit.data["service"] = json!(attempt);
            Ok(d)
        }
        Answer::NotServed {
            on,
            found,
            remarks,
            costs,
        } => {
            super::values::not_after_today("attempted_on", on, today)?;
            attempt.on = Some(on);
            attempt.found = found.clone();
            attempt.remarks = remarks;
            attempt.costs_cents = costs.to_cents().unwrap_or_default();
            let mut track = case.track.clone();
            track.services.push(attempt.clone());
            let title = writ.title();
            let mut d = stay(
                case,
                track,
                "service_failed",
                format!("{title} not served on {on}: {found}; a person decides"),
                vec![Effect::OpenTask(NewTask {
                    kind: task_kind::SERVICE_FAILED.into(),
                    queue: CASE_HANDLER_QUEUE.into(),
                    title: format!(
                        "{} not served ({found}): new address, re-plan or stop",
                        upper_first(title)
                    ),
                    details: json!({
                        "act": writ.as_str(),
                        "attempt": attempt.attempt,
                        "found": found,
                        "planned_on": today.to_string(),
                    }),
                    outcomes: FAILED_OUTCOMES.iter().map(|o| (*o).to_owned()).collect(),
                })],
            );
            d.audit.amounts = vec![("attempt_costs", costs)];
            d.audit.data = json!({ "service": attempt });
            Ok(d)
        }
        _ => Err(Rejection::Figures(format!(
            "{outcome} is not an outcome of a service task"
        ))),
    }
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A person's answer after a failed service: a new address, another day, or stop.
pub(crate) fn failed_resolved(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    outcome: &str,
    details: &Value,
    values: &BTreeMap<String, String>,
    note: &str,
) -> Result<Decision, Rejection> {
    let answer = read(task_kind::SERVICE_FAILED, outcome, details, values)
        .map_err(|v| super::values::refused(&v))?;
    let writ = Writ::of(details);
    if !writ.unserved(case) {
        return Err(match writ {
            Writ::Summons => Rejection::NoSummons,
            Writ::Judgment => Rejection::WrongStage {
                event: "task_completed",
                stage: case.stage.as_str(),
            },
        });
    }
    let mut track = case.track.clone();
    let title = writ.title();
    let replan_on = |day: Option<NaiveDate>| day.unwrap_or_else(|| add_working_days(today, 1));
    let mut effects = Vec::new();
    let (kind, planned, data) = match answer {
        Answer::Stop => {
            track.hold = Some(HoldRecord {
                reason: "service_failed".into(),
                note: note.to_owned(),
                since: Some(today),
            });
            let mut d = stay(
                case,
                track,
                "service_stopped",
                format!("the {title} could not be served; stopped: {note}; on hold"),
                Vec::new(),
            );
            d.suspension = Suspension::OnHold;
            d.audit.data = json!({ "act": writ.as_str(), "note": note });
            return Ok(d);
        }
        // A summons names the court of the debtor's residence (art. 99 Rv): moved into
        // another court's district, the debtor is summoned there, on a summons drafted
        // again (figures, approval and document as the policy asks).
        Answer::NewAddress(address)
            if writ == Writ::Summons
                && track.summons.as_ref().map(|s| s.court.as_str())
                    != Some(super::summons::court_of(&address.city).as_str()) =>
        {
            let mut moved = case.clone();
            moved.claim.debtor.address = address.clone();
            track.service_address = Some(address.clone());
            let mut d = super::summons::draft(&moved, track, policy, today, "summons_redrafted");
            d.effects
                .push(Effect::ChangeDebtor(Box::new(moved.claim.debtor.clone())));
            d.audit.data["moved"] = json!({
                "old_address": address_line(case),
                "new_address": address,
            });
            return Ok(d);
        }
        Answer::NewAddress(address) => {
            let planned = replan_on(None);
            let data = json!({
                "act": writ.as_str(),
                "old_address": address_line(case),
                "new_address": address,
                "planned_on": planned.to_string(),
            });
            // The debtor lives there now: the case's own record follows (letters, search),
            // not only the next attempt.
            let mut debtor = case.claim.debtor.clone();
            debtor.address = address.clone();
            effects.push(Effect::ChangeDebtor(Box::new(debtor)));
            track.service_address = Some(address);
            ("service_address_changed", planned, data)
        }
        Answer::Replan(day) => {
            let planned = replan_on(day.filter(|d| *d >= today));
            (
                "service_replanned",
                planned,
                json!({ "act": writ.as_str(), "planned_on": planned.to_string() }),
            )
        }
        _ => {
            return Err(Rejection::Figures(format!(
                "{outcome} is not an outcome of a service_failed task"
            )));
        }
    };
    if let Some(s) = track.summons.as_mut().filter(|_| writ == Writ::Summons) {
        s.planned_service_on = Some(planned);
    }
    let mut d = stay(
        case,
        track,
        kind,
        format!("the {title} is to be served again on {planned}"),
        effects
            .into_iter()
            .chain([Effect::ScheduleJob {
                kind: JobKind::Timer(writ.timer()),
                due: Due::StartOf(planned),
                payload: json!({}),
            }])
            .collect(),
    );
    d.audit.data = data;
    Ok(d)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::case::claim::DebtorKind;
    use crate::case::decide::tests::{case, d};
    use crate::case::stage::Stage;
    use crate::case::track::SummonsRecord;
    use crate::law::procedure::earliest_hearing_date;

    /// A task's values from pairs.
    pub(in crate::case::lifecycle) fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn summoned() -> CaseRecord {
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Summons;
        c.track.summons = Some(SummonsRecord {
            court: "Rechtbank Midden-Nederland, kantonrechter, zittingsplaats Utrecht".into(),
            subdistrict: true,
            planned_service_on: Some(d("2026-05-26")),
            hearing_date: Some(earliest_hearing_date(d("2026-05-26"))),
            approved: true,
            ..SummonsRecord::default()
        });
        c
    }

    fn apply(c: &mut CaseRecord, decision: &Decision) {
        c.stage = decision.stage;
        c.suspension = decision.suspension;
        c.track = decision.track.clone();
    }

    /// A claim of € 2.000,00 due 30 September 2025 (with interest and collection costs
    /// still in the fee class 1.500–2.500). Its summons drafted on Fri 19 December 2025
    /// for service on Mon 22 December, hearing Tue 30 December 2025 (22 + 7 = Mon 29), its
    /// court fee from the 2025 table (natural person: € 257). Served late, Wed 24 December: 24 + 7 = Wed 31
    /// December, the hearing the next working day — Thu 1 January is New Year, Fri 2
    /// January 2026 equated by decree — Mon 5 January 2026. The first roldatum now falls in
    /// 2026, so the 2026 table applies: € 265. The same late service a year on (hearing
    /// Mon 4 January 2027) finds no built-in 2027 table: the draft's figure stands, said in
    /// the audit; with a 2027 table the office added, that table's figure applies.
    #[test]
    fn a_roldatum_moved_into_the_next_year_takes_that_years_court_fee() {
        let serve_under =
            |policy: &TrackPolicy, planned: &str, hearing: &str, fee: i64, on: &str| {
                let mut c = summoned();
                c.claim.invoices[0].due_date = d("2025-09-30");
                c.claim.invoices[0].amount = Money::from_cents(200_000);
                let s = c.track.summons.as_mut().unwrap();
                s.planned_service_on = Some(d(planned));
                s.hearing_date = Some(d(hearing));
                s.court_fee_cents = fee;
                let open = due(&c, d(planned));
                let [Effect::OpenTask(task)] = open.effects.as_slice() else {
                    panic!("{:?}", open.effects);
                };
                recorded(
                    &c,
                    policy,
                    d(on),
                    "in_person",
                    &task.details,
                    &values(&[("served_on", on)]),
                )
                .unwrap()
            };
        let serve = |planned: &str, hearing: &str, fee: i64, on: &str| {
            serve_under(&TrackPolicy::default(), planned, hearing, fee, on)
        };
        let served = serve("2025-12-22", "2025-12-30", 25_700, "2025-12-24");
        let s = served.track.summons.clone().unwrap();
        assert_eq!(s.hearing_date, Some(d("2026-01-05")));
        assert_eq!(s.court_fee_cents, 26_500);
        assert!(served.audit.data.get("court_fee_note").is_none());

        let unknown = serve("2026-12-22", "2026-12-30", 26_500, "2026-12-24");
        let s = unknown.track.summons.clone().unwrap();
        assert_eq!(s.hearing_date, Some(d("2027-01-04")));
        assert_eq!(s.court_fee_cents, 26_500);
        assert!(
            unknown.audit.data["court_fee_note"]
                .as_str()
                .unwrap()
                .contains("2027")
        );

        let mut policy = TrackPolicy::default();
        let mut fees_2027 = crate::law::CourtFeeTable::built_in()
            .year(2026)
            .unwrap()
            .clone();
        fees_2027.year = 2027;
        // Class 2 (€ 1,500.01 – € 2,500): € 2,000 with costs and interest, natural person.
        fees_2027.figures[2][1] = 27_300;
        policy.court_fees = crate::law::CourtFeeTable::built_in().with_office_years(&[fees_2027]);
        let added = serve_under(&policy, "2026-12-22", "2026-12-30", 26_500, "2026-12-24");
        let s = added.track.summons.clone().unwrap();
        assert_eq!(s.hearing_date, Some(d("2027-01-04")));
        assert_eq!(s.court_fee_cents, 27_300);
        assert!(added.audit.data.get("court_fee_note").is_none());
    }

    #[test]
    fn bad_values_are_named_one_by_one() {
        let details = json!({ "planned_on": "2026-05-26" });
        let bad = read(
            task_kind::SERVICE,
            "housemate",
            &details,
            &values(&[
                ("served_on", "2026-05-25"),
                ("costs", "-1.00"),
                ("colour", "blue"),
            ]),
        )
        .unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "values[\"colour\"]",
                "values[\"served_on\"]",
                "values[\"left_with\"]",
                "values[\"costs\"]"
            ]
        );
        assert!(bad[1].description.contains("before the planned service"));
        let unknown = read(task_kind::SERVICE, "posted", &details, &values(&[])).unwrap_err();
        assert_eq!(unknown[0].field, "outcome");
        let found = read(
            task_kind::SERVICE,
            "not_served",
            &details,
            &values(&[("attempted_on", "2026-05-26"), ("found", "asleep")]),
        )
        .unwrap_err();
        assert_eq!(found[0].field, "values[\"found\"]");
        let postcode = read(
            task_kind::SERVICE_FAILED,
            "new_address",
            &details,
            &values(&[
                ("street", "Oudegracht 1"),
                ("postcode", "35"),
                ("city", "Utrecht"),
            ]),
        )
        .unwrap_err();
        assert_eq!(postcode[0].field, "values[\"postcode\"]");
        // In person needs no left_with: the writ says "in persoon".
        assert_eq!(
            read(
                task_kind::SERVICE,
                "in_person",
                &details,
                &values(&[("served_on", "2026-05-26")])
            ),
            Ok(Answer::Served {
                outcome: "in_person".into(),
                on: d("2026-05-26"),
                left_with: "de geadresseerde in persoon".into(),
                costs: Money::ZERO,
            })
        );
    }

    /// Planned Tue 26 May 2026 (hearing drafted for Wed 3 June, art. 119 Rv). Not served:
    /// moved (costs € 25,00 stated). New address, re-planned for the next working day,
    /// Wed 27 May; served there by a housemate a week later, Tue 2 June: the hearing
    /// follows the real service, Wed 10 June; the Btag 2026 art. 2a fee € 125,57.
    #[test]
    fn not_served_then_a_new_address_then_served_moves_the_hearing() {
        let mut c = summoned();
        let open = due(&c, d("2026-05-26"));
        let [Effect::OpenTask(task)] = open.effects.as_slice() else {
            panic!("{:?}", open.effects);
        };
        assert_eq!(task.kind, task_kind::SERVICE);
        let failed = recorded(
            &c,
            &TrackPolicy::default(),
            d("2026-05-26"),
            "not_served",
            &task.details,
            &values(&[
                ("attempted_on", "2026-05-26"),
                ("found", "moved"),
                ("costs", "25.00"),
            ]),
        )
        .unwrap();
        assert_eq!(failed.audit.kind, "service_failed");
        assert_eq!(
            failed.audit.amounts,
            vec![("attempt_costs", Money::from_cents(2_500))]
        );
        let [Effect::OpenTask(failed_task)] = failed.effects.as_slice() else {
            panic!("{:?}", failed.effects);
        };
        apply(&mut c, &failed);
        let moved = failed_resolved(
            &c,
            &TrackPolicy::default(),
            d("2026-05-26"),
            "new_address",
            &failed_task.details,
            &values(&[
                ("street", "Nieuwegracht 7"),
                ("postcode", "3512 LB"),
                ("city", "Utrecht"),
            ]),
            "",
        )
        .unwrap();
        assert_eq!(moved.audit.kind, "service_address_changed");
        let mut moved_debtor = c.claim.debtor.clone();
        moved_debtor.address = Address::nl("Nieuwegracht 7", "3512 LB", "Utrecht");
        assert_eq!(
            moved.effects,
            vec![
                Effect::ChangeDebtor(Box::new(moved_debtor)),
                Effect::ScheduleJob {
                    kind: JobKind::Timer(Timer::SummonsServed),
                    due: Due::StartOf(d("2026-05-27")),
                    payload: json!({}),
                }
            ]
        );
        apply(&mut c, &moved);
        let again = due(&c, d("2026-05-27"));
        let [Effect::OpenTask(task)] = again.effects.as_slice() else {
            panic!("{:?}", again.effects);
        };
        assert_eq!(task.details["address"], "Nieuwegracht 7, 3512 LB Utrecht");
        assert_eq!(task.details["attempt"], 2);
        let served = recorded(
            &c,
            &TrackPolicy::default(),
            d("2026-06-02"),
            "housemate",
            &task.details,
            &values(&[
                ("served_on", "2026-06-02"),
                ("left_with", "mevrouw De Vries, echtgenote"),
                ("costs", "7.50"),
            ]),
        )
        .unwrap();
        // Costs stated beside a served writ are the client's, as a failed attempt's are:
        // the debtor owes the Btag tariff only.
        let charged: Vec<i64> = served
            .track
            .client_charges()
            .iter()
            .map(|c| c.amount_cents)
            .collect();
        assert_eq!(charged, [2_500, 750]);
        let s = served.track.summons.clone().unwrap();
        assert_eq!(s.served_on, Some(d("2026-06-02")));
        assert_eq!(s.hearing_date, Some(d("2026-06-10")));
        assert_eq!(s.bailiff_fee_cents, 12_557);
        assert_eq!(served.track.services.len(), 2);
        assert!(served.effects.contains(&Effect::ScheduleJob {
            kind: JobKind::Timer(Timer::HearingHeld),
            due: Due::StartOf(d("2026-06-10")),
            payload: json!({}),
        }));
        // A service in the future is refused.
        assert!(
            recorded(
                &c,
                &TrackPolicy::default(),
                d("2026-06-01"),
                "in_person",
                &task.details,
                &values(&[("served_on", "2026-06-02")])
            )
            .is_err()
        );
    }

    /// Moved from Utrecht to Amsterdam: another court's district (art. 99 Rv), so the
    /// summons is drafted again for the new address, naming the Amsterdam court, and
    /// waits for approval again; the debtor's record follows.
    #[test]
    fn a_new_address_in_another_district_drafts_the_summons_again() {
        let mut c = summoned();
        let open = due(&c, d("2026-05-26"));
        let [Effect::OpenTask(task)] = open.effects.as_slice() else {
            panic!("{:?}", open.effects);
        };
        let failed = recorded(
            &c,
            &TrackPolicy::default(),
            d("2026-05-26"),
            "not_served",
            &task.details,
            &values(&[("attempted_on", "2026-05-26"), ("found", "moved")]),
        )
        .unwrap();
        let [Effect::OpenTask(failed_task)] = failed.effects.as_slice() else {
            panic!("{:?}", failed.effects);
        };
        apply(&mut c, &failed);
        let moved = failed_resolved(
            &c,
            &TrackPolicy::default(),
            d("2026-05-26"),
            "new_address",
            &failed_task.details,
            &values(&[
                ("street", "Damrak 1"),
                ("postcode", "1012 LG"),
                ("city", "Amsterdam"),
            ]),
            "",
        )
        .unwrap();
        assert_eq!(moved.audit.kind, "summons_redrafted");
        let s = moved.track.summons.clone().unwrap();
        assert!(s.court.contains("Amsterdam"), "{}", s.court);
        assert!(!s.approved, "approved again, as the policy asks");
        assert_eq!(s.planned_service_on, Some(d("2026-05-27")));
        assert!(moved.effects.iter().any(|e| matches!(
            e,
            Effect::ChangeDebtor(debtor) if debtor.address.city == "Amsterdam"
        )));
    }

    #[test]
    fn stop_puts_the_case_on_hold() {
        let c = summoned();
        let stopped = failed_resolved(
            &c,
            &TrackPolicy::default(),
            d("2026-05-26"),
            "stop",
            &json!({}),
            &values(&[]),
            "unknown where he went",
        )
        .unwrap();
        assert_eq!(stopped.suspension, Suspension::OnHold);
        assert_eq!(
            stopped.track.hold.clone().map(|h| h.reason),
            Some("service_failed".into())
        );
        // Resumed on Wed 10 June 2026 (the debtor found): the summons is drafted again for
        // service the next working day, not left with nothing open.
        let mut held = super::super::with_track(&c, &stopped.track);
        held.suspension = stopped.suspension;
        let resumed =
            super::super::hold::resume(&held, &TrackPolicy::default(), d("2026-06-10"), "found");
        assert_eq!(resumed.suspension, Suspension::None);
        let s = resumed.track.summons.clone().unwrap();
        assert_eq!(s.planned_service_on, Some(d("2026-06-11")));
        assert!(
            resumed
                .effects
                .iter()
                .any(|e| matches!(e, Effect::OpenTask(t) if t.kind == task_kind::SUMMONS_APPROVAL)),
            "{:?}",
            resumed.effects
        );
    }

    /// A judgment that could not be served and was stopped: resumed, its service is planned
    /// again (the insolvency register first, art. 33 Fw).
    #[test]
    fn a_stopped_judgment_service_is_planned_again_on_resumption() {
        let mut c = summoned();
        c.stage = Stage::Execution;
        c.suspension = Suspension::OnHold;
        c.track.hold = Some(HoldRecord {
            reason: "service_failed".into(),
            note: "abroad".into(),
            since: Some(d("2026-07-01")),
        });
        let resumed =
            super::super::hold::resume(&c, &TrackPolicy::default(), d("2026-07-20"), "back");
        assert_eq!(resumed.suspension, Suspension::None);
        assert_eq!(
            resumed.track.pending_act.as_ref().map(|a| a.act.as_str()),
            Some("judgment_service")
        );
        assert!(matches!(
            resumed.effects.as_slice(),
            [Effect::ScheduleJob {
                kind: JobKind::Activity(crate::case::event::Activity::RecoverabilityCheck),
                ..
            }]
        ));
    }
}
