//! The court side of the summons, recorded rather than assumed (policy `record_service`):
//! the dagvaarding's filing with the registry (*aanbrengen*), the hearing (*roldatum*) and
//! what happened there. Each is a task a person answers through `CompleteTask` with an
//! outcome and typed `values`, read by [`read`] before anything is stored (every bad value
//! named, as `lifecycle::service` does):
//!
//! | task | outcome | values |
//! | --- | --- | --- |
//! | `enrol` | `filed` | `filed_on` (not before the service, not after the last day) |
//! | `enrolment_lapsed` | `restored` | `served_on` (the herstelexploot, by two weeks after the roldatum), `hearing_date` (its new roldatum, a week after it at the least) |
//! | `enrolment_lapsed` | `filed` | `filed_on` (not before the service, not after the last day): filed in time, recorded late — the case goes on to its hearing |
//! | `enrolment_lapsed` | `stop` | none: on hold for a person |
//! | `hearing` | `default` | none: verstek, the case waits for the judgment |
//! | `hearing` | `contested` | `defence` (what the debtor said), `judgment_expected_on` (after the hearing) |
//! | `hearing` | `adjourned` | `new_date` (after the hearing, a court day) |
//!
//! What is automatic and what a person records, and why:
//!
//! - The filing's last day is the law's: the last working day before the roldatum (art.
//!   125 lid 2 Rv; `law::procedure::enrolment_deadline`), computed when the summons is
//!   served, and the `enrol` task is due on it. The filing itself is a person's record:
//!   the office files through the court's portal or by post, and no interface of the
//!   registry reaches this service, so only a person can say it was done and on which day.
//! - Whether the filing came in time is the track's to see: at the start of the roldatum a
//!   summons that was not recorded as filed has lost its aanhangigheid (art. 125 lid 5 Rv),
//!   and an `enrolment_lapsed` task says so, with the last day of a herstelexploot (two
//!   weeks after the roldatum). It is checked on the roldatum rather than the day after
//!   the last filing day because the registry is closed between the two by definition:
//!   nothing can change in between, and the roldatum's timer is already there.
//! - What happened at the hearing is a person's record (the court's roljournaal reaches
//!   the office, not this service): verstek, a defence, or an adjournment to a new date.
//!
//! The griffierecht (court fee) is the draft's figure (the table of the hearing year,
//! `summons::figures`); the claimant owes it once the case is filed (the registry then
//! sends its nota, payable within four weeks), so the `summons_enrolled` event states it as
//! `court_fee`, unchanged. A herstelexploot costs the debtor nothing: it repairs the
//! office's own omission. A defence at the hearing is recorded as a note of kind `defence`
//! (listed by `ListNotes` with the others, kept on the track for the dagvaarding's
//! statement of known defences, art. 111 lid 3 Rv), and the case waits for the judgment
//! with a `judgment_expected` task due on the day the court named; `RegisterJudgment`
//! registers it as before, default or contested, and closes these tasks.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{stay, task_kind};
use crate::case::FieldViolation;
use crate::case::decide::CASE_HANDLER_QUEUE;
use crate::case::decision::{Decision, Due, Effect, NewTask, Rejection};
use crate::case::event::{JobKind, NoteRecord, Timer};
use crate::case::record::CaseRecord;
use crate::case::stage::{Stage, Suspension};
use crate::case::track::{DefenceRecord, HoldRecord, SummonsRecord};
use crate::clock::amsterdam_start_of;
use crate::law::procedure::{
    earliest_hearing_date, enrolment_deadline, is_court_day, restoration_deadline, writ_day_refusal,
};

/// The outcomes of an `enrol` task.
pub const ENROL_OUTCOMES: [&str; 1] = ["filed"];

/// The outcomes of an `enrolment_lapsed` task.
pub const LAPSED_OUTCOMES: [&str; 3] = ["restored", "filed", "stop"];

/// The outcomes of a `hearing` task.
pub const HEARING_OUTCOMES: [&str; 3] = ["default", "contested", "adjourned"];

/// The outcomes of the `judgment_expected` task (a reminder: `RegisterJudgment` closes it).
const EXPECTED_OUTCOMES: [&str; 2] = ["done", "dismiss"];

/// Days after the roldatum a judgment by default (*verstekvonnis*) is looked for: the
/// kantonrechter usually gives it within two weeks (an office convention, not a term of
/// law), and the task is the reminder to register it.
pub const DEFAULT_JUDGMENT_DAYS: u64 = 14;

/// The reminder to register the vonnis of the hearing of `hearing` (`how`: contested,
/// verstek, or as the track assumed it), due on `expected_on`: without it a judgment nobody
/// registers is never chased.
pub(super) fn judgment_expected(hearing: NaiveDate, expected_on: NaiveDate, how: &str) -> Effect {
    Effect::OpenDueTask {
        task: NewTask {
            kind: task_kind::JUDGMENT_EXPECTED.into(),
            queue: CASE_HANDLER_QUEUE.into(),
            title: format!(
                "Judgment expected on {expected_on} ({how}, hearing of {hearing}): register \
                 it when it comes"
            ),
            details: json!({
                "hearing_date": hearing.to_string(),
                "judgment_expected_on": expected_on.to_string(),
            }),
            outcomes: EXPECTED_OUTCOMES.iter().map(|o| (*o).to_owned()).collect(),
        },
        due_on: expected_on,
        assignee: String::new(),
    }
}

/// The longest free text of a value (the contract's limit for a value).
const MAX_TEXT: usize = 500;

/// One hearing (roldatum) as recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HearingRecord {
    /// The roldatum.
    pub date: Option<NaiveDate>,
    /// `default`, `contested`, `adjourned`, or `lapsed` (not filed in time).
    pub outcome: String,
    /// Adjourned (or, after a lapse, restored) to this roldatum.
    pub next_date: Option<NaiveDate>,
    /// Contested: the day the court said it would give judgment.
    pub judgment_expected_on: Option<NaiveDate>,
    /// Contested: the defence raised.
    pub defence: String,
}

/// A checked answer to an `enrol`, `enrolment_lapsed` or `hearing` task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Filed with the registry on this day.
    Filed(NaiveDate),
    /// A herstelexploot served on `served_on` for the roldatum `hearing`.
    Restored {
        /// Its service day.
        served_on: NaiveDate,
        /// The new roldatum.
        hearing: NaiveDate,
    },
    /// No herstelexploot: a person takes the case over.
    Stop,
    /// Verstek.
    Default,
    /// The debtor raised a defence; the court gives judgment on the day named.
    Contested {
        /// What the debtor said.
        defence: String,
        /// The day the judgment is expected.
        judgment_expected_on: NaiveDate,
    },
    /// Adjourned to a new roldatum.
    Adjourned(NaiveDate),
}

fn field(key: &str) -> String {
    format!("values[{key:?}]")
}

fn day_of(details: &Value, key: &str) -> Option<NaiveDate> {
    details[key]
        .as_str()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

/// Reads `values` for `outcome` of a `task` (`enrol`, `enrolment_lapsed` or `hearing`)
/// opened with `details`: every bad value named, unknown keys included.
pub fn read(
    task: &str,
    outcome: &str,
    details: &Value,
    values: &BTreeMap<String, String>,
) -> Result<Answer, Vec<FieldViolation>> {
    let allowed: &[&str] = match (task, outcome) {
        (task_kind::ENROL | task_kind::ENROLMENT_LAPSED, "filed") => &["filed_on"],
        (task_kind::ENROLMENT_LAPSED, "restored") => &["served_on", "hearing_date"],
        (task_kind::ENROLMENT_LAPSED, "stop") | (task_kind::HEARING, "default") => &[],
        (task_kind::HEARING, "contested") => &["defence", "judgment_expected_on"],
        (task_kind::HEARING, "adjourned") => &["new_date"],
        _ => {
            let outcomes: &[&str] = match task {
                task_kind::ENROL => &ENROL_OUTCOMES,
                task_kind::ENROLMENT_LAPSED => &LAPSED_OUTCOMES,
                _ => &HEARING_OUTCOMES,
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
    let mut bad: Vec<FieldViolation> = values
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|k| {
            let takes = if allowed.is_empty() {
                "it takes none".to_owned()
            } else {
                format!("it takes {}", allowed.join(", "))
            };
            FieldViolation::new(
                field(k),
                format!("not a value of outcome {outcome}: {takes}"),
            )
        })
        .collect();
    let hearing = day_of(details, "hearing_date");
    let after = |day: Option<NaiveDate>| day.and_then(|d| d.succ_opt());
    let answer = match outcome {
        "filed" => {
            let served = day_of(details, "served_on").map(|d| (d, "the service of the writ"));
            let late = if task == task_kind::ENROL {
                "the filing is late, and the enrolment_lapsed task follows on the roldatum"
            } else {
                "the filing was late and the aanhangigheid lapsed: restored or stop"
            };
            let words = format!(
                "the last day the registry was open before the roldatum (art. 125 lid 2 Rv): \
                 {late}"
            );
            let last = day_of(details, "enrol_by").map(|d| (d, words.as_str()));
            super::values::day_within(values, "filed_on", served, last, &mut bad).map(Answer::Filed)
        }
        "restored" => {
            let restore_by = day_of(details, "restore_by").map(|d| {
                (
                    d,
                    "two weeks after the roldatum (art. 125 lid 5 Rv): the aanhangigheid has \
                     lapsed; summon again",
                )
            });
            let served = super::values::day_within(
                values,
                "served_on",
                hearing.map(|d| (d, "the roldatum the writ was not filed for")),
                restore_by,
                &mut bad,
            )
            .filter(|&day| match writ_day_refusal(day) {
                Some(why) => {
                    bad.push(FieldViolation::new(field("served_on"), why));
                    false
                }
                None => true,
            });
            let earliest = served.map(|s| {
                (
                    earliest_hearing_date(s),
                    "a week after the herstelexploot (art. 114/119 Rv)",
                )
            });
            let next = super::values::day_within(values, "hearing_date", earliest, None, &mut bad);
            let next = court_day(next, "hearing_date", &mut bad);
            served
                .zip(next)
                .map(|(served_on, hearing)| Answer::Restored { served_on, hearing })
        }
        "stop" => Some(Answer::Stop),
        "default" => Some(Answer::Default),
        "contested" => {
            let defence = values.get("defence").map(|v| v.trim()).unwrap_or_default();
            if defence.is_empty() {
                bad.push(FieldViolation::new(
                    field("defence"),
                    "required: what the debtor raised at the hearing",
                ));
            } else if defence.chars().count() > MAX_TEXT {
                bad.push(FieldViolation::new(
                    field("defence"),
                    format!("at most {MAX_TEXT} characters"),
                ));
            }
            let expected = super::values::day_within(
                values,
                "judgment_expected_on",
                after(hearing).map(|d| (d, "the day after the hearing")),
                None,
                &mut bad,
            );
            expected.map(|judgment_expected_on| Answer::Contested {
                defence: defence.to_owned(),
                judgment_expected_on,
            })
        }
        _ => {
            let new = super::values::day_within(
                values,
                "new_date",
                after(hearing).map(|d| (d, "the day after the hearing")),
                None,
                &mut bad,
            );
            court_day(new, "new_date", &mut bad).map(Answer::Adjourned)
        }
    };
    match answer {
        Some(answer) if bad.is_empty() => Ok(answer),
        _ => Err(bad),
    }
}

/// `day`, when the courts sit on it (a working day); named otherwise.
fn court_day(
    day: Option<NaiveDate>,
    key: &str,
    bad: &mut Vec<FieldViolation>,
) -> Option<NaiveDate> {
    match day {
        Some(d) if !is_court_day(d) => {
            bad.push(FieldViolation::new(
                field(key),
                format!("{d} is not a court day (a weekend day or a holiday)"),
            ));
            None
        }
        other => other,
    }
}

/// The served summons `s` is to be filed by the last day the registry is open before its
/// hearing: that day is set on it, and the `enrol` task due then is the effect.
pub(super) fn enrolment(s: &mut SummonsRecord) -> Effect {
    let hearing = s.hearing_date.unwrap_or_default();
    let enrol_by = enrolment_deadline(hearing);
    s.enrol_by = Some(enrol_by);
    s.enrolled_on = None;
    Effect::OpenDueTask {
        task: NewTask {
            kind: task_kind::ENROL.into(),
            queue: CASE_HANDLER_QUEUE.into(),
            title: format!(
                "File the dagvaarding with the registry by {enrol_by} (roldatum {hearing})"
            ),
            details: json!({
                "served_on": s.served_on.map(|d| d.to_string()),
                "hearing_date": hearing.to_string(),
                "enrol_by": enrol_by.to_string(),
            }),
            outcomes: ENROL_OUTCOMES.iter().map(|o| (*o).to_owned()).collect(),
        },
        due_on: enrol_by,
        assignee: String::new(),
    }
}

/// The served summons of `case` whose task `details` are for its current hearing; a task
/// of an earlier roldatum (adjourned, restored) is stale.
fn current<'a>(
    case: &CaseRecord,
    track: &'a mut crate::case::track::TrackState,
    details: &Value,
) -> Result<&'a mut SummonsRecord, Rejection> {
    let hearing = day_of(details, "hearing_date");
    track
        .summons
        .as_mut()
        .filter(|s| s.served_on.is_some() && s.hearing_date == hearing)
        .ok_or(Rejection::WrongStage {
            event: "task_completed",
            stage: case.stage.as_str(),
        })
}

fn answered(
    task: &str,
    outcome: &str,
    details: &Value,
    values: &BTreeMap<String, String>,
) -> Result<Answer, Rejection> {
    read(task, outcome, details, values).map_err(|v| super::values::refused(&v))
}

/// The `enrol` task answered: the summons was filed on the day recorded.
pub(crate) fn enrolled(
    case: &CaseRecord,
    today: NaiveDate,
    outcome: &str,
    details: &Value,
    values: &BTreeMap<String, String>,
) -> Result<Decision, Rejection> {
    let Answer::Filed(on) = answered(task_kind::ENROL, outcome, details, values)? else {
        return Err(Rejection::Figures(format!("{outcome} is not an outcome")));
    };
    filed(case, today, on, details, "")
}

/// A filing done in time but recorded only after the roldatum, when the `enrolment_lapsed`
/// task was open: the aanhangigheid never lapsed, so the case goes on to its hearing as if
/// the filing had been recorded in time — the hearing's task opens now, its audit says it
/// was recorded late.
fn filed_late(
    case: &CaseRecord,
    today: NaiveDate,
    on: NaiveDate,
    details: &Value,
) -> Result<Decision, Rejection> {
    let mut d = filed(
        case,
        today,
        on,
        details,
        "; recorded late, after the roldatum: the filing was in time, only its record was \
         missing, so the aanhangigheid did not lapse",
    )?;
    let summons = d.track.summons.as_ref();
    let hearing = summons.and_then(|s| s.hearing_date).unwrap_or(today);
    let court = summons.map(|s| s.court.clone()).unwrap_or_default();
    d.effects.push(hearing_task(hearing, &court));
    d.audit.data["recorded_late"] = json!(true);
    Ok(d)
}

/// The summons filed on `on` as recorded (`late`: what the audit adds when it was recorded
/// after the roldatum).
fn filed(
    case: &CaseRecord,
    today: NaiveDate,
    on: NaiveDate,
    details: &Value,
    late: &str,
) -> Result<Decision, Rejection> {
    super::values::not_after_today("filed_on", on, today)?;
    let mut track = case.track.clone();
    let s = current(case, &mut track, details)?;
    if s.enrolled_on.is_some() {
        return Err(Rejection::WrongStage {
            event: "task_completed",
            stage: case.stage.as_str(),
        });
    }
    s.enrolled_on = Some(on);
    let hearing = s.hearing_date.unwrap_or_default();
    let enrol_by = s.enrol_by.unwrap_or(hearing);
    let court_fee = crate::law::money::Money::from_cents(s.court_fee_cents);
    let mut d = stay(
        case,
        track,
        "summons_enrolled",
        format!(
            "dagvaarding filed with the registry on {on} (due by {enrol_by}) for the roldatum \
             {hearing}; the griffierecht {} is owed from now on{late}",
            court_fee.format_nl()
        ),
        Vec::new(),
    );
    d.audit.amounts = vec![("court_fee", court_fee)];
    d.audit.data = json!({
        "filed_on": on.to_string(),
        "enrol_by": enrol_by.to_string(),
        "hearing_date": hearing.to_string(),
    });
    Ok(d)
}

/// The roldatum has come (policy `record_service`): a summons not filed in time has lost
/// its aanhangigheid (a task says so); otherwise the case handler records the hearing.
pub(crate) fn held(case: &CaseRecord, today: NaiveDate) -> Result<Decision, Rejection> {
    let Some(s) = case
        .track
        .summons
        .as_ref()
        .filter(|s| s.served_on.is_some())
    else {
        return Err(Rejection::WrongStage {
            event: "timer_fired",
            stage: case.stage.as_str(),
        });
    };
    // A timer deferred by a hold fires later: the hearing is the one on record.
    let hearing = s.hearing_date.unwrap_or(today);
    if s.enrol_by.is_some() && s.enrolled_on.is_none() {
        let restore_by = restoration_deadline(hearing);
        let mut d = stay(
            case,
            case.track.clone(),
            "enrolment_lapsed",
            format!(
                "the dagvaarding was not filed with the registry by {} for the roldatum \
                 {hearing}: the aanhangigheid lapses unless a herstelexploot is served by \
                 {restore_by} (art. 125 lid 5 Rv)",
                s.enrol_by.unwrap_or(hearing)
            ),
            vec![
                Effect::CloseTasks {
                    kind: Some(task_kind::ENROL.into()),
                },
                Effect::OpenTask(NewTask {
                    kind: task_kind::ENROLMENT_LAPSED.into(),
                    queue: CASE_HANDLER_QUEUE.into(),
                    title: format!(
                        "Not filed for the roldatum {hearing}: the aanhangigheid lapses unless \
                         a herstelexploot is served by {restore_by}"
                    ),
                    details: json!({
                        "served_on": s.served_on.map(|d| d.to_string()),
                        "hearing_date": hearing.to_string(),
                        "enrol_by": s.enrol_by.map(|d| d.to_string()),
                        "restore_by": restore_by.to_string(),
                    }),
                    outcomes: LAPSED_OUTCOMES.iter().map(|o| (*o).to_owned()).collect(),
                }),
            ],
        );
        d.audit.data = json!({
            "hearing_date": hearing.to_string(),
            "enrol_by": s.enrol_by.map(|d| d.to_string()),
            "restore_by": restore_by.to_string(),
        });
        return Ok(d);
    }
    let mut d = stay(
        case,
        case.track.clone(),
        "hearing_due",
        format!("roldatum {hearing}: the case handler records what happened"),
        vec![hearing_task(hearing, &s.court)],
    );
    d.audit.data = json!({ "hearing_date": hearing.to_string() });
    Ok(d)
}

/// The task to record what happened at the hearing of `hearing` before `court`.
fn hearing_task(hearing: NaiveDate, court: &str) -> Effect {
    Effect::OpenTask(NewTask {
        kind: task_kind::HEARING.into(),
        queue: CASE_HANDLER_QUEUE.into(),
        title: format!("Record the hearing of {hearing}: default, contested or adjourned"),
        details: json!({ "hearing_date": hearing.to_string(), "court": court }),
        outcomes: HEARING_OUTCOMES.iter().map(|o| (*o).to_owned()).collect(),
    })
}

/// The `enrolment_lapsed` task answered: a herstelexploot for a new roldatum (to be filed
/// before it in turn), filed in time after all (the lapse was only a missing record: the
/// hearing's task follows), or stop (on hold for a person).
pub(crate) fn lapse_resolved(
    case: &CaseRecord,
    today: NaiveDate,
    outcome: &str,
    details: &Value,
    values: &BTreeMap<String, String>,
    note: &str,
) -> Result<Decision, Rejection> {
    let answer = answered(task_kind::ENROLMENT_LAPSED, outcome, details, values)?;
    if let Answer::Filed(on) = answer {
        return filed_late(case, today, on, details);
    }
    let mut track = case.track.clone();
    let s = current(case, &mut track, details)?;
    let old = s.hearing_date.unwrap_or_default();
    let Answer::Restored { served_on, hearing } = answer else {
        track.hold = Some(HoldRecord {
            reason: "enrolment_lapsed".into(),
            note: note.to_owned(),
            since: Some(today),
        });
        track.hearings.push(HearingRecord {
            date: Some(old),
            outcome: "lapsed".into(),
            ..HearingRecord::default()
        });
        let mut d = stay(
            case,
            track,
            "enrolment_lapse_stopped",
            format!("the aanhangigheid lapsed and no herstelexploot follows: {note}; on hold"),
            Vec::new(),
        );
        d.suspension = Suspension::OnHold;
        return Ok(d);
    };
    super::values::not_after_today("served_on", served_on, today)?;
    s.hearing_date = Some(hearing);
    let enrol = enrolment(s);
    let enrol_by = s.enrol_by.unwrap_or(hearing);
    track.hearings.push(HearingRecord {
        date: Some(old),
        outcome: "lapsed".into(),
        next_date: Some(hearing),
        ..HearingRecord::default()
    });
    let mut d = stay(
        case,
        track,
        "summons_restored",
        format!(
            "herstelexploot served on {served_on}: roldatum {hearing}, to be filed by \
             {enrol_by}; its costs are the office's (it repairs the office's omission)"
        ),
        vec![hearing_timer(hearing), enrol],
    );
    d.audit.data = json!({
        "served_on": served_on.to_string(),
        "old_hearing_date": old.to_string(),
        "hearing_date": hearing.to_string(),
        "enrol_by": enrol_by.to_string(),
    });
    Ok(d)
}

fn hearing_timer(on: NaiveDate) -> Effect {
    Effect::ScheduleJob {
        kind: JobKind::Timer(Timer::HearingHeld),
        due: Due::StartOf(on),
        payload: json!({}),
    }
}

/// The `hearing` task answered by `actor`: verstek, a defence (a note of kind `defence`,
/// and a task for the judgment's day), or an adjournment to a new roldatum.
pub(crate) fn recorded(
    case: &CaseRecord,
    outcome: &str,
    details: &Value,
    values: &BTreeMap<String, String>,
    actor: &str,
) -> Result<Decision, Rejection> {
    let answer = answered(task_kind::HEARING, outcome, details, values)?;
    let mut track = case.track.clone();
    let s = current(case, &mut track, details)?;
    let hearing = s.hearing_date.unwrap_or_default();
    let mut record = HearingRecord {
        date: Some(hearing),
        outcome: outcome.to_owned(),
        ..HearingRecord::default()
    };
    let mut d = match answer {
        Answer::Adjourned(to) => {
            s.hearing_date = Some(to);
            record.next_date = Some(to);
            track.hearings.push(record);
            let mut d = stay(
                case,
                track,
                "hearing_adjourned",
                format!("the hearing of {hearing} was adjourned to {to}"),
                vec![hearing_timer(to)],
            );
            d.audit.data = json!({ "from": hearing.to_string(), "to": to.to_string() });
            return Ok(d);
        }
        Answer::Contested {
            defence,
            judgment_expected_on,
        } => {
            let note = NoteRecord {
                kind: "defence".into(),
                at: amsterdam_start_of(hearing),
                text: defence.clone(),
                follow_up_on: None,
                promised_on: None,
                author: actor.to_owned(),
                queue: CASE_HANDLER_QUEUE.into(),
            };
            track.defences.push(DefenceRecord {
                raised_on: Some(hearing),
                text: defence.clone(),
                recorded_by: actor.to_owned(),
            });
            record.judgment_expected_on = Some(judgment_expected_on);
            record.defence = defence;
            track.hearings.push(record);
            let mut d = stay(
                case,
                track,
                "hearing_contested",
                format!(
                    "the debtor contested the claim at the hearing of {hearing}; judgment \
                     expected on {judgment_expected_on}"
                ),
                vec![judgment_expected(
                    hearing,
                    judgment_expected_on,
                    "contested",
                )],
            );
            d.audit.data = json!({
                "hearing_date": hearing.to_string(),
                "judgment_expected_on": judgment_expected_on.to_string(),
                "note": note,
            });
            d
        }
        _ => {
            track.hearings.push(record);
            let mut d = stay(
                case,
                track,
                "hearing_held",
                format!("hearing of {hearing}: verstek; waiting for the judgment"),
                vec![judgment_expected(
                    hearing,
                    hearing + Days::new(DEFAULT_JUDGMENT_DAYS),
                    "verstek",
                )],
            );
            d.audit.data = json!({ "hearing_date": hearing.to_string(), "outcome": "default" });
            d
        }
    };
    d.stage = Stage::Judgment;
    Ok(d)
}

/// What a registered judgment ends of the court-side tasks: the wait for the judgment
/// (opened whether the court side was recorded or not), and the hearing, the filing and
/// the lapse where it was.
pub(super) fn judged(case: &CaseRecord) -> Vec<Effect> {
    let expected = Effect::CloseTasks {
        kind: Some(task_kind::JUDGMENT_EXPECTED.into()),
    };
    if case
        .track
        .summons
        .as_ref()
        .is_none_or(|s| s.enrol_by.is_none())
    {
        return vec![expected];
    }
    [
        task_kind::ENROL,
        task_kind::ENROLMENT_LAPSED,
        task_kind::HEARING,
        task_kind::JUDGMENT_EXPECTED,
    ]
    .into_iter()
    .map(|kind| Effect::CloseTasks {
        kind: Some(kind.into()),
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::claim::DebtorKind;
    use crate::case::decide::tests::{case, d};
    use crate::case::lifecycle::service::tests::values;

    /// Served Tue 2 June 2026, roldatum Wed 10 June: filed by Tue 9 June.
    fn served() -> (CaseRecord, NewTask) {
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Summons;
        let mut s = SummonsRecord {
            served_on: Some(d("2026-06-02")),
            hearing_date: Some(d("2026-06-10")),
            court_fee_cents: 13_900,
            approved: true,
            ..SummonsRecord::default()
        };
        let Effect::OpenDueTask { task, due_on, .. } = enrolment(&mut s) else {
            panic!("a task due on a day");
        };
        assert_eq!(due_on, d("2026-06-09"));
        c.track.summons = Some(s);
        (c, task)
    }

    fn apply(c: &mut CaseRecord, decision: &Decision) {
        c.stage = decision.stage;
        c.suspension = decision.suspension;
        c.track = decision.track.clone();
    }

    fn task_of(decision: &Decision, kind: &str) -> NewTask {
        decision
            .effects
            .iter()
            .find_map(|e| match e {
                Effect::OpenTask(t) | Effect::OpenDueTask { task: t, .. } if t.kind == kind => {
                    Some(t.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("no {kind} task in {:?}", decision.effects))
    }

    #[test]
    fn bad_values_are_named_one_by_one() {
        let (_, enrol) = served();
        let late = read(
            task_kind::ENROL,
            "filed",
            &enrol.details,
            &values(&[("filed_on", "2026-06-10"), ("colour", "blue")]),
        )
        .unwrap_err();
        let fields: Vec<&str> = late.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["values[\"colour\"]", "values[\"filed_on\"]"]);
        assert!(late[1].description.contains("art. 125 lid 2"), "{late:?}");
        let details = json!({ "hearing_date": "2026-06-10" });
        let bad = read(
            task_kind::HEARING,
            "contested",
            &details,
            &values(&[("judgment_expected_on", "2026-06-10")]),
        )
        .unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            ["values[\"defence\"]", "values[\"judgment_expected_on\"]"]
        );
        // Sat 13 June is no court day; the day of the hearing itself is no adjournment.
        for day in ["2026-06-13", "2026-06-10", "10-06-2026"] {
            let bad = read(
                task_kind::HEARING,
                "adjourned",
                &details,
                &values(&[("new_date", day)]),
            )
            .unwrap_err();
            assert_eq!(bad[0].field, "values[\"new_date\"]", "{day}");
        }
        let unknown = read(task_kind::HEARING, "settled", &details, &values(&[])).unwrap_err();
        assert_eq!(unknown[0].field, "outcome");
        assert!(
            unknown[0]
                .description
                .contains("default, contested, adjourned")
        );
    }

    /// Filed Mon 8 June, in time: the court fee of the draft (€ 139,00) is owed from then.
    /// The hearing of Wed 10 June is adjourned to Wed 24 June; there the debtor contests,
    /// judgment expected Wed 8 July.
    #[test]
    fn filed_then_adjourned_then_contested() {
        let (mut c, enrol) = served();
        let filed = enrolled(
            &c,
            d("2026-06-08"),
            "filed",
            &enrol.details,
            &values(&[("filed_on", "2026-06-08")]),
        )
        .unwrap();
        assert_eq!(filed.audit.kind, "summons_enrolled");
        assert_eq!(
            filed.audit.amounts,
            vec![("court_fee", crate::law::money::Money::from_cents(13_900))]
        );
        apply(&mut c, &filed);
        let due = held(&c, d("2026-06-10")).unwrap();
        assert_eq!(due.audit.kind, "hearing_due");
        let first = task_of(&due, task_kind::HEARING);
        let adjourned = recorded(
            &c,
            "adjourned",
            &first.details,
            &values(&[("new_date", "2026-06-24")]),
            "token:t/case_handler",
        )
        .unwrap();
        assert_eq!(adjourned.stage, Stage::Summons);
        assert_eq!(adjourned.effects, vec![hearing_timer(d("2026-06-24"))]);
        apply(&mut c, &adjourned);
        // The first hearing's task is stale now.
        assert!(recorded(&c, "default", &first.details, &values(&[]), "").is_err());
        let second = task_of(&held(&c, d("2026-06-24")).unwrap(), task_kind::HEARING);
        let contested = recorded(
            &c,
            "contested",
            &second.details,
            &values(&[
                ("defence", "De stroom is nooit geleverd"),
                ("judgment_expected_on", "2026-07-08"),
            ]),
            "token:t/case_handler",
        )
        .unwrap();
        assert_eq!(contested.stage, Stage::Judgment);
        assert_eq!(contested.track.defences[0].raised_on, Some(d("2026-06-24")));
        assert_eq!(contested.audit.data["note"]["kind"], "defence");
        let [Effect::OpenDueTask { task, due_on, .. }] = contested.effects.as_slice() else {
            panic!("{:?}", contested.effects);
        };
        assert_eq!(
            (task.kind.as_str(), *due_on),
            (task_kind::JUDGMENT_EXPECTED, d("2026-07-08"))
        );
        assert_eq!(contested.track.hearings.len(), 2);
    }

    /// Filed Mon 8 June, in time, but not recorded by the roldatum Wed 10 June: the lapse
    /// task opens; on Thu 11 June the filing is recorded with its day. Its bounds: not
    /// before the service (Tue 2 June), not after the last filing day (Tue 9 June). The
    /// case goes on to the hearing of 10 June as if the filing had been recorded in time.
    #[test]
    fn a_filing_in_time_recorded_late_goes_on_to_the_hearing() {
        let (c, _) = served();
        let lapsed = held(&c, d("2026-06-10")).unwrap();
        let task = task_of(&lapsed, task_kind::ENROLMENT_LAPSED);
        assert!(task.outcomes.contains(&"filed".to_owned()));
        assert_eq!(task.details["served_on"], "2026-06-02");
        for (day, why) in [("2026-06-01", "before"), ("2026-06-10", "restored or stop")] {
            let bad = read(
                task_kind::ENROLMENT_LAPSED,
                "filed",
                &task.details,
                &values(&[("filed_on", day), ("hearing_date", "2026-06-24")]),
            )
            .unwrap_err();
            let mut fields: Vec<&str> = bad.iter().map(|v| v.field.as_str()).collect();
            fields.sort_unstable();
            assert_eq!(fields, ["values[\"filed_on\"]", "values[\"hearing_date\"]"]);
            assert!(bad.iter().any(|v| v.description.contains(why)), "{bad:?}");
        }
        let filed = lapse_resolved(
            &c,
            d("2026-06-11"),
            "filed",
            &task.details,
            &values(&[("filed_on", "2026-06-08")]),
            "",
        )
        .unwrap();
        assert_eq!(filed.audit.kind, "summons_enrolled");
        assert_eq!(filed.audit.data["recorded_late"], true);
        assert!(
            filed.audit.reason.contains("recorded late"),
            "{}",
            filed.audit.reason
        );
        assert_eq!(filed.suspension, Suspension::None);
        assert_eq!(
            filed.track.summons.as_ref().unwrap().enrolled_on,
            Some(d("2026-06-08"))
        );
        let hearing = task_of(&filed, task_kind::HEARING);
        assert_eq!(hearing.details["hearing_date"], "2026-06-10");
    }

    /// Not filed by Tue 9 June: on the roldatum, Wed 10 June, the aanhangigheid lapses
    /// unless a herstelexploot is served by Wed 24 June. Served Mon 15 June for the
    /// roldatum Wed 24 June (15 + 7 = Mon 22 June, the earliest Tue 23 June): to be filed by
    /// Tue 23 June.
    #[test]
    fn not_filed_lapses_and_a_herstelexploot_restores() {
        let (mut c, _) = served();
        let lapsed = held(&c, d("2026-06-10")).unwrap();
        assert_eq!(lapsed.audit.kind, "enrolment_lapsed");
        assert_eq!(lapsed.audit.data["restore_by"], "2026-06-24");
        assert_eq!(
            lapsed.effects[0],
            Effect::CloseTasks {
                kind: Some(task_kind::ENROL.into())
            }
        );
        let task = task_of(&lapsed, task_kind::ENROLMENT_LAPSED);
        let too_late = read(
            task_kind::ENROLMENT_LAPSED,
            "restored",
            &task.details,
            &values(&[("served_on", "2026-06-25"), ("hearing_date", "2026-07-08")]),
        )
        .unwrap_err();
        assert_eq!(too_late[0].field, "values[\"served_on\"]");
        let restored = lapse_resolved(
            &c,
            d("2026-06-15"),
            "restored",
            &task.details,
            &values(&[("served_on", "2026-06-15"), ("hearing_date", "2026-06-24")]),
            "",
        )
        .unwrap();
        assert_eq!(restored.audit.kind, "summons_restored");
        let s = restored.track.summons.clone().unwrap();
        assert_eq!(
            (s.hearing_date, s.enrol_by, s.enrolled_on),
            (Some(d("2026-06-24")), Some(d("2026-06-23")), None)
        );
        assert!(restored.effects.contains(&hearing_timer(d("2026-06-24"))));
        apply(&mut c, &restored);
        let stop = lapse_resolved(&c, d("2026-06-15"), "stop", &task.details, &values(&[]), "");
        assert!(stop.is_err(), "the lapse task of the old roldatum is stale");
    }
}
