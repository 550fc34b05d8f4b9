//! Execution: the judgment served with the order to pay (2 days, art. 439 Rv, Atw) — on its
//! planned day, or, under a policy with `record_service`, when the bailiff records it
//! (`lifecycle::service`; the two days then run from the real service) — then attachments
//! — bank, wages, goods — each a task for the bailiff with its result, until the money is
//! in (payments close the case) or the policy's attempts are spent.
//!
//! Before every execution act — the service of the judgment, each attachment — the
//! insolvency register is asked again (the recoverability check's activity): a
//! bankruptcy, surseance or WSNP published since the last check ends execution (art. 33
//! and 301 Fw: execution ends, attachments lapse), and the case closes as the
//! recoverability check's stop does, with the same advice; any other answer lets the act
//! go ahead, its verdict in the audit. The act waits in `track.pending_act` meanwhile.

use chrono::{Days, NaiveDate};
use serde_json::json;

use super::{close, stay, task_kind, values};
use crate::case::FieldViolation;
use crate::case::decide::CASE_HANDLER_QUEUE;
use crate::case::decision::{Decision, Due, Effect, NewTask, Rejection};
use crate::case::event::{Activity, JobKind, RegisterAnswer, Timer};
use crate::case::policy::TrackPolicy;
use crate::case::record::CaseRecord;
use crate::case::recoverability::VerdictKind;
use crate::case::stage::CloseReason;
use crate::case::track::{AttachmentRecord, ExecutionRecord, PendingAct};
use crate::law::calendar::add_working_days;
use crate::law::money::Money;
use crate::law::procedure::{
    BailiffAct, attachment_notice_due, garnishee_statement_due, order_to_pay_ends, writ_day_refusal,
};

/// The attachments in the order the office tries them.
const ORDER: [&str; 3] = ["bank", "wages", "goods"];

fn act(kind: &str) -> BailiffAct {
    match kind {
        "wages" => BailiffAct::WageGarnishment,
        "goods" => BailiffAct::AttachmentOfMovables,
        _ => BailiffAct::Garnishment,
    }
}

fn attachment_task(kind: &str, attempt: usize, from: NaiveDate) -> Effect {
    Effect::OpenTask(NewTask {
        kind: task_kind::ATTACHMENT.into(),
        queue: CASE_HANDLER_QUEUE.into(),
        title: format!("Attachment {attempt}: {kind} (beslag)"),
        details: json!({ "attachment": kind, "attempt": attempt, "from": from.to_string() }),
        outcomes: vec!["attached".into(), "nothing".into()],
    })
}

/// What the bailiff records of an attachment made (`attached`), read from the task's
/// values; `nothing` takes none.
///
/// | attachment | values |
/// | --- | --- |
/// | `bank`, `wages` | `laid_on`, `garnishee_name`, `garnishee_street`, `garnishee_postcode`, `garnishee_city` |
/// | `wages` besides | `net_monthly_income`, `living_situation` (`single`, `single_parent`, `couple`, `couple_with_children`), `no_fixed_address` (`true`/`false`, optional), `protected_income` (only when the law's tables refuse: the official rekenmodule's figure) |
/// | `goods` | `laid_on`, `inventory` (the goods, separated by `;`: one line each in the proces-verbaal), `valuation` |
///
/// `laid_on` is not before the task was opened. The protected income is the law's
/// ([`crate::law::protected_income`]); where the law refuses for want of verified amounts,
/// `protected_income` is required and its absence is named with the law's reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttachmentFacts {
    /// The day it was laid.
    pub laid_on: Option<NaiveDate>,
    /// Name, street, postcode, city of the garnishee.
    pub garnishee: Vec<String>,
    /// Wages: net monthly income.
    pub net_monthly_income: Option<Money>,
    /// Wages: protected income and how it was found.
    pub protected: Option<(Money, String)>,
    /// Goods: inventory.
    pub inventory: String,
    /// Goods: valuation.
    pub valuation: Money,
}

/// Reads the values of an attachment task's outcome; every bad value named.
pub fn read_attachment(
    outcome: &str,
    details: &serde_json::Value,
    values: &std::collections::BTreeMap<String, String>,
) -> Result<AttachmentFacts, Vec<FieldViolation>> {
    use crate::law::protected_income::{Debtor as Earner, LivingSituation, protected_income};
    let field = values::field;
    let kind = details["attachment"].as_str().unwrap_or(ORDER[0]);
    let garnishee_keys = [
        "garnishee_name",
        "garnishee_street",
        "garnishee_postcode",
        "garnishee_city",
    ];
    let allowed: Vec<&str> = match (outcome, kind) {
        ("nothing", _) => Vec::new(),
        ("attached", "goods") => vec!["laid_on", "inventory", "valuation"],
        ("attached", "wages") => {
            let mut keys = vec!["laid_on"];
            keys.extend(garnishee_keys);
            keys.extend([
                "net_monthly_income",
                "living_situation",
                "no_fixed_address",
                "protected_income",
            ]);
            keys
        }
        ("attached", _) => {
            let mut keys = vec!["laid_on"];
            keys.extend(garnishee_keys);
            keys
        }
        _ => {
            return Err(vec![FieldViolation::new(
                "outcome",
                "not an outcome of this task: one of attached, nothing",
            )]);
        }
    };
    let mut bad = values::unknown(values, &allowed, outcome, kind);
    let mut facts = AttachmentFacts::default();
    if outcome == "nothing" {
        return if bad.is_empty() { Ok(facts) } else { Err(bad) };
    }
    let text = |k: &str, bad: &mut Vec<FieldViolation>| -> String {
        let v = values
            .get(k)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default();
        if v.is_empty() {
            bad.push(FieldViolation::new(
                field(k),
                "required for this attachment",
            ));
        }
        v
    };
    let money = |k: &str, required: bool, bad: &mut Vec<FieldViolation>| {
        values::money(values, k, required, bad)
    };
    let from = details["from"]
        .as_str()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    facts.laid_on = values::day(
        values,
        "laid_on",
        from.map(|f| (f, "the attachment could be made")),
        &mut bad,
    )
    // An attachment is an exploot too: not on a Sunday or holiday (art. 64 lid 2, 438b Rv).
    .filter(|&day| match writ_day_refusal(day) {
        Some(why) => {
            bad.push(FieldViolation::new("values[\"laid_on\"]", why));
            false
        }
        None => true,
    });
    if kind == "goods" {
        facts.inventory = text("inventory", &mut bad);
        facts.valuation = money("valuation", true, &mut bad).unwrap_or_default();
    } else {
        facts.garnishee = garnishee_keys.iter().map(|k| text(k, &mut bad)).collect();
    }
    if kind == "wages" {
        let income = money("net_monthly_income", true, &mut bad);
        let situation = match values.get("living_situation").map(String::as_str) {
            Some("single") => Some(LivingSituation::Single),
            Some("single_parent") => Some(LivingSituation::SingleParent),
            Some("couple") => Some(LivingSituation::Couple),
            Some("couple_with_children") => Some(LivingSituation::CoupleWithChildren),
            _ => {
                bad.push(FieldViolation::new(
                    field("living_situation"),
                    "one of single, single_parent, couple, couple_with_children",
                ));
                None
            }
        };
        let no_fixed_address = match values.get("no_fixed_address").map(String::as_str) {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                bad.push(FieldViolation::new(
                    field("no_fixed_address"),
                    "true or false",
                ));
                false
            }
        };
        let given = money("protected_income", false, &mut bad);
        if let (Some(income), Some(situation), Some(on)) = (income, situation, facts.laid_on) {
            let earner = Earner {
                situation,
                net_monthly_income: income,
                taxable_annual_income: None,
                no_fixed_address,
            };
            facts.protected = match (protected_income(&earner, on), given) {
                (Ok(p), None) => Some((p.amount, p.explanation)),
                (Ok(_), Some(_)) => {
                    bad.push(FieldViolation::new(
                        field("protected_income"),
                        "the law computes it for this income and day: leave it out",
                    ));
                    None
                }
                (Err(e), Some(given)) => Some((
                    given,
                    format!("vastgesteld met de rekenmodule beslagvrije voet ({e})"),
                )),
                (Err(e), None) => {
                    bad.push(FieldViolation::new(
                        field("protected_income"),
                        format!("required: {e}"),
                    ));
                    None
                }
            };
        }
        facts.net_monthly_income = income;
    }
    if bad.is_empty() { Ok(facts) } else { Err(bad) }
}

/// Asks the insolvency register before `act`; the act waits for the answer. An attachment
/// under a third party of a judgment not provisionally enforceable waits for the
/// registry's statement first (art. 432 Rv, `lifecycle::enforceability`).
pub(super) fn recheck(
    case: &CaseRecord,
    act: PendingAct,
    kind: &'static str,
    reason: String,
) -> Decision {
    let mut track = case.track.clone();
    if act.act == "attachment" && super::enforceability::barred(&track, &act.attachment) {
        let what = act.attachment.clone();
        if let Some(j) = track.judgment.as_mut() {
            j.waiting_attachment = Some(act);
        }
        let mut d = stay(
            case,
            track,
            kind,
            format!(
                "{reason}; the {what} attachment waits for the registry's statement that no \
                 verzet or appeal was lodged (art. 432 Rv: the judgment is not provisionally \
                 enforceable)"
            ),
            Vec::new(),
        );
        d.audit.data = json!({ "waits_for": "no_appeal_statement", "attachment": what });
        return d;
    }
    let before = act.act.clone();
    track.pending_act = Some(act);
    let mut d = stay(
        case,
        track,
        kind,
        reason,
        vec![Effect::ScheduleJob {
            kind: JobKind::Activity(Activity::RecoverabilityCheck),
            due: Due::Now,
            payload: json!({ "before": before }),
        }],
    );
    d.audit.data = json!({ "before": before });
    d
}

/// The service day of the judgment: the insolvency register first.
pub(crate) fn service_due(case: &CaseRecord, today: NaiveDate) -> Decision {
    recheck(
        case,
        PendingAct {
            act: "judgment_service".into(),
            ..PendingAct::default()
        },
        "insolvency_recheck",
        format!(
            "the judgment is to be served on {today}: the insolvency register is asked again \
             first (art. 33 Fw)"
        ),
    )
}

/// The insolvency register answered before an execution act: stop, or the act.
pub(crate) fn rechecked(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    answer: &RegisterAnswer,
) -> Result<Decision, Rejection> {
    let Some(act) = case.track.pending_act.clone() else {
        return Err(Rejection::WrongStage {
            event: "activity_succeeded",
            stage: case.stage.as_str(),
        });
    };
    let verdict = &answer.verdict;
    if verdict.kind == VerdictKind::Stop {
        let mut track = case.track.clone();
        track.pending_act = None;
        let reasons: Vec<&str> = verdict.reasons.iter().map(|r| r.text.as_str()).collect();
        let mut d = close(
            case,
            track,
            policy,
            today,
            "insolvency_stop",
            CloseReason::Uncollectable,
            format!(
                "before the {} the insolvency register answered: {}; execution ends (art. 33 Fw)",
                act.act.replace('_', " "),
                reasons.join("; ")
            ),
            super::recoverability::stop_advice(verdict),
        );
        if let serde_json::Value::Object(map) = &mut d.audit.data {
            map.insert("verdict".into(), json!(verdict));
            map.insert("findings".into(), answer.findings.clone());
        }
        return Ok(d);
    }
    if case.suspension != crate::case::stage::Suspension::None {
        return Ok(super::recoverability::deferred(case, answer));
    }
    // Doubts a person already weighed at the recoverability check and let pass (the same
    // reasons, word for word: no date of birth, a company dissolved on that day) do not
    // hold every act again; a new one does.
    let weighed = case
        .track
        .recoverability
        .as_ref()
        .filter(|r| r.verdict.kind == VerdictKind::Review)
        .map(|r| r.verdict.reasons.as_slice())
        .unwrap_or_default();
    if verdict.kind == VerdictKind::Review && !verdict.reasons.iter().all(|r| weighed.contains(r)) {
        // A doubt (a namesake's insolvency, one that ended, a debtor the register could not
        // be searched for): the act waits for a person, its place kept in `pending_act`.
        let reasons: Vec<&str> = verdict.reasons.iter().map(|r| r.text.as_str()).collect();
        let mut d = stay(
            case,
            case.track.clone(),
            "execution_review",
            format!(
                "before the {} the insolvency register's answer needs a person: {}",
                act.act.replace('_', " "),
                reasons.join("; ")
            ),
            vec![Effect::OpenTask(NewTask {
                kind: task_kind::EXECUTION_REVIEW.into(),
                queue: CASE_HANDLER_QUEUE.into(),
                title: format!(
                    "Before the {}: review the insolvency register's answer",
                    act.act.replace('_', " ")
                ),
                details: json!({ "before": act.act, "reasons": reasons }),
                outcomes: vec!["proceed".into(), "stop".into()],
            })],
        );
        d.audit.data = json!({ "verdict": verdict, "findings": answer.findings });
        return Ok(d);
    }
    let mut d = act_now(case, policy, today, &act)?;
    if let serde_json::Value::Object(map) = &mut d.audit.data {
        map.insert("insolvency_verdict".into(), json!(verdict));
    }
    Ok(d)
}

/// A person's answer to the review of the insolvency register's doubtful answer before an
/// execution act: the act goes ahead, or the case closes as uncollectable.
pub(crate) fn review_answered(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    outcome: &str,
    note: &str,
) -> Result<Decision, Rejection> {
    let act = case
        .track
        .pending_act
        .clone()
        .ok_or(Rejection::WrongStage {
            event: "task_completed",
            stage: case.stage.as_str(),
        })?;
    if outcome == "proceed" && case.suspension != crate::case::stage::Suspension::None {
        // Paused meanwhile (a plan, a hold): the act waits, its register check kept to run
        // again (afresh, `before`) on resumption.
        let mut track = case.track.clone();
        track.deferred_timers.push(
            JobKind::Activity(Activity::RecoverabilityCheck)
                .as_str()
                .to_owned(),
        );
        return Ok(stay(
            case,
            track,
            "execution_review_deferred",
            format!(
                "the {} may go ahead, once the case is no longer {}",
                act.act.replace('_', " "),
                case.suspension.as_str()
            ),
            Vec::new(),
        ));
    }
    if outcome == "proceed" {
        return act_now(case, policy, today, &act);
    }
    let mut track = case.track.clone();
    track.pending_act = None;
    Ok(close(
        case,
        track,
        policy,
        today,
        "closed",
        CloseReason::Uncollectable,
        format!(
            "stopped before the {} after the insolvency register's answer: {note}",
            act.act.replace('_', " ")
        ),
        Vec::new(),
    ))
}

/// The execution act the register check was for, now: the judgment served (or its service
/// planned, when the bailiff records it), or the attachment's task.
fn act_now(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    act: &PendingAct,
) -> Result<Decision, Rejection> {
    let mut waiting = case.clone();
    waiting.track.pending_act = None;
    let d = if act.act == "judgment_service" && policy.record_service {
        // The bailiff records the service (`lifecycle::service`); the order to pay runs
        // from the real service.
        super::service::due_for(&waiting, super::service::Writ::Judgment, today)
    } else if act.act == "judgment_service"
        && let Some(why) = writ_day_refusal(today)
    {
        // No writ on a Sunday or a holiday (art. 64 lid 2 Rv): served on the next working
        // day, the register asked again then.
        let on = add_working_days(today, 1);
        stay(
            &waiting,
            waiting.track.clone(),
            "service_replanned",
            format!("{why}; the judgment is served on {on}"),
            vec![Effect::ScheduleJob {
                kind: JobKind::Timer(Timer::JudgmentServed),
                due: Due::StartOf(on),
                payload: json!({}),
            }],
        )
    } else if act.act == "judgment_service" {
        served(&waiting, policy, today)?
    } else {
        stay(
            &waiting,
            waiting.track.clone(),
            "attachment_due",
            format!(
                "the insolvency register shows nothing new: attachment {} ({}) may be made",
                act.attempt, act.attachment
            ),
            vec![attachment_task(
                &act.attachment,
                act.attempt,
                super::enforceability::first_day(&waiting.track, &act.attachment, today),
            )],
        )
    };
    Ok(d)
}

/// Service day of the judgment with the order to pay.
pub(crate) fn served(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
) -> Result<Decision, Rejection> {
    let fee = super::bailiff_fee_owed(case, policy, BailiffAct::ServiceOfJudgment, today)
        .ok_or(Rejection::NoTariff(today))?;
    let ends = order_to_pay_ends(today);
    let mut track = case.track.clone();
    track.execution = Some(ExecutionRecord {
        served_on: Some(today),
        order_to_pay_ends_on: Some(ends),
        service_fee_cents: fee.to_cents().unwrap_or_default(),
        attachments: Vec::new(),
    });
    if let Some(j) = track.judgment.as_mut() {
        j.served_on = Some(today);
    }
    let mut effects = vec![
        Effect::ScheduleJob {
            kind: JobKind::Timer(Timer::OrderToPayEnded),
            due: Due::StartOf(ends + Days::new(1)),
            payload: json!({}),
        },
        // The writ as served, in the dossier.
        super::render("judgment_service", today),
    ];
    // Not provisionally enforceable: the registry's statement asked (art. 432 Rv).
    effects.extend(super::enforceability::on_service(
        track.judgment.as_ref(),
        today,
    ));
    let mut d = stay(
        case,
        track,
        "judgment_served",
        format!("judgment served with the order to pay on {today}; it ends on {ends}"),
        effects,
    );
    d.audit.amounts = vec![("bailiff_fee", fee)];
    d.audit.data =
        json!({ "served_on": today.to_string(), "order_to_pay_ends_on": ends.to_string() });
    Ok(d)
}

fn attachment(kind: &str, attempt: usize) -> PendingAct {
    PendingAct {
        act: "attachment".into(),
        attachment: kind.into(),
        attempt,
    }
}

/// The order to pay ran out unpaid: the first attachment, once the insolvency register
/// has been asked again.
pub(crate) fn order_ended(case: &CaseRecord, today: NaiveDate) -> Decision {
    recheck(
        case,
        attachment(ORDER[0], 1),
        "order_to_pay_ended",
        format!(
            "the order to pay ran out unpaid; attachment from {today}, once the insolvency \
             register has been asked again"
        ),
    )
}

/// The task for a person watching an attachment under way: `next_attachment` starts the
/// next one (after the insolvency register is asked again), `done` leaves things be.
pub(crate) fn follow_up_task(title: String, details: serde_json::Value) -> NewTask {
    NewTask {
        kind: task_kind::EXECUTION_FOLLOW_UP.into(),
        queue: CASE_HANDLER_QUEUE.into(),
        title,
        details,
        outcomes: vec!["next_attachment".into(), "done".into()],
    }
}

/// Refuses `event` while a plan or hold pauses the case: an execution act waits for the
/// resumption.
fn not_paused(case: &CaseRecord, event: &'static str) -> Result<(), Rejection> {
    if case.suspension == crate::case::stage::Suspension::None {
        return Ok(());
    }
    Err(Rejection::WrongStage {
        event,
        stage: case.suspension.as_str(),
    })
}

/// A person's answer to [`follow_up_task`]. While a plan or hold pauses the case, no next
/// attachment starts.
pub(crate) fn follow_up_answered(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    outcome: &str,
    note: &str,
) -> Result<Decision, Rejection> {
    let said = if note.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", note.trim())
    };
    if outcome != "next_attachment" {
        return Ok(stay(
            case,
            case.track.clone(),
            "execution_follow_up_done",
            format!("the attachment under way was followed up{said}"),
            Vec::new(),
        ));
    }
    not_paused(case, "the next attachment")?;
    Ok(next_attachment(
        case,
        case.track.clone(),
        policy,
        today,
        "a person's choice",
        format!("a person went on to the next attachment{said}"),
    ))
}

/// The bailiff's result of an attachment.
pub(crate) fn attachment_done(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    details: &serde_json::Value,
    outcome: &str,
    values: &std::collections::BTreeMap<String, String>,
) -> Result<Decision, Rejection> {
    // Paused (a payment plan kept, a hold): no attachment is laid or given up meanwhile;
    // the task waits for the resumption.
    not_paused(case, "an attachment's result")?;
    let kind = details["attachment"]
        .as_str()
        .unwrap_or(ORDER[0])
        .to_owned();
    let mut track = case.track.clone();
    let execution = track.execution.as_mut().ok_or(Rejection::NotServed)?;
    let facts = if details.get("from").is_some() {
        read_attachment(outcome, details, values).map_err(|v| values::refused(&v))?
    } else {
        // A task opened before attachments were recorded with their facts.
        AttachmentFacts::default()
    };
    let laid_on = facts.laid_on.unwrap_or(today);
    values::not_after_today("laid_on", laid_on, today)?;
    let fee = super::bailiff_fee_owed(case, policy, act(&kind), laid_on)
        .ok_or(Rejection::NoTariff(laid_on))?;
    let under_garnishee = outcome == "attached" && !facts.garnishee.is_empty();
    // The notice to the debtor (overbetekening, Btag art. 2d) goes with a derdenbeslag.
    let notice_fee = if under_garnishee {
        super::bailiff_fee_owed(case, policy, BailiffAct::OtherService, laid_on)
            .ok_or(Rejection::NoTariff(laid_on))?
    } else {
        Money::ZERO
    };
    let protected = facts.protected.clone();
    let income = facts.net_monthly_income.unwrap_or_default();
    let monthly = protected
        .as_ref()
        .map(|(p, _)| {
            crate::law::protected_income::monthly_payment(
                income,
                *p,
                Money::from_euros(1_000_000_000),
            )
        })
        .unwrap_or_default();
    let cents = |m: Money| m.to_cents().unwrap_or_default();
    let record = AttachmentRecord {
        kind: kind.clone(),
        made_on: Some(laid_on),
        result: outcome.to_owned(),
        fee_cents: cents(fee + notice_fee),
        garnishee: facts.garnishee.clone(),
        statement_due_on: under_garnishee.then(|| garnishee_statement_due(laid_on)),
        notice_due_on: under_garnishee.then(|| attachment_notice_due(laid_on)),
        statement_received: false,
        statement: None,
        statement_task: under_garnishee,
        net_monthly_income_cents: cents(income),
        protected_income_cents: protected.as_ref().map(|(p, _)| cents(*p)),
        protected_income_explanation: protected.map(|(_, e)| e).unwrap_or_default(),
        monthly_payment_cents: cents(monthly),
        inventory: facts.inventory.clone(),
        valuation_cents: cents(facts.valuation),
    };
    execution.attachments.push(record.clone());
    let index = execution.attachments.len() - 1;
    let amounts = vec![("bailiff_fee", fee), ("notice_fee", notice_fee)];
    if outcome == "attached" {
        let mut effects = Vec::new();
        if let Some(due) = record.statement_due_on {
            effects.extend([
                Effect::ScheduleJob {
                    kind: JobKind::Timer(Timer::GarnisheeStatementDue),
                    due: Due::StartOf(due + Days::new(1)),
                    payload: json!({}),
                },
                // The writ to the garnishee and its notice to the debtor, served the same
                // day (within the eight days of art. 475i Rv).
                super::render_attachment("garnishment", laid_on, index + 1),
                super::render_attachment("attachment_notice", laid_on, index + 1),
            ]);
            // The garnishee's statement awaited, in the case handler's list from today.
            effects.extend(super::garnishee::statement_task(index, &record));
            if kind == "wages" {
                // An income attachment is registered in the attachment register.
                effects.push(super::dbr::registration(index + 1, laid_on));
            }
        } else if kind == "goods" {
            // The proces-verbaal with the inventory, left with the debtor; the sale is the
            // bailiff's to announce and hold (art. 462–463 Rv), which the track does not
            // do itself: a task, so the seized goods are not forgotten.
            effects.push(super::render("goods_attachment", laid_on));
            effects.push(Effect::OpenTask(follow_up_task(
                format!(
                    "Goods attached on {laid_on}: announce and hold the sale (art. 462–463 \
                     Rv), or record what the debtor pays to prevent it; then done, or the \
                     next attachment"
                ),
                json!({ "attachment": index + 1 }),
            )));
        }
        let mut d = stay(
            case,
            track,
            "attachment_made",
            format!("{kind} attachment made on {laid_on}; waiting for the proceeds"),
            effects,
        );
        d.audit.amounts = amounts;
        d.audit.data = json!({ "attachment": record });
        return Ok(d);
    }
    let mut d = next_attachment(
        case,
        track,
        policy,
        today,
        &kind,
        format!("{kind} attachment yielded nothing"),
    );
    d.audit.amounts = amounts;
    Ok(d)
}

/// An attachment yielded nothing (the bailiff found nothing, or the garnishee declared it
/// holds nothing): the next kind, once the insolvency register has been asked again, or,
/// the policy's attempts spent, the case closes as uncollectable.
pub(crate) fn next_attachment(
    case: &CaseRecord,
    track: crate::case::track::TrackState,
    policy: &TrackPolicy,
    today: NaiveDate,
    kind: &str,
    why: String,
) -> Decision {
    let attempts = track.execution.as_ref().map_or(0, |e| e.attachments.len());
    if attempts >= usize::try_from(policy.attachment_attempts).unwrap_or(usize::MAX) {
        return super::close(
            case,
            track,
            policy,
            today,
            "closed",
            CloseReason::Uncollectable,
            format!("{why}; {attempts} attachment(s) yielded nothing; nothing to recover"),
            Vec::new(),
        );
    }
    let next = ORDER[attempts % ORDER.len()];
    recheck(
        &super::with_track(case, &track),
        attachment(next, attempts + 1),
        "attachment_failed",
        format!("{why} ({kind}); next: {next}, once the insolvency register has been asked again"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::claim::DebtorKind;
    use crate::case::decide::tests::{case, d};
    use crate::case::stage::{Stage, Suspension};

    fn in_execution() -> CaseRecord {
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Execution;
        c
    }

    /// A goods attachment from Mon 11 May 2026: laid on Ascension Day (Thu 14 May), the
    /// equated Friday after it or Sunday 17 May is refused (art. 64 lid 2 with 438b Rv);
    /// on Saturday 16 May it stands.
    #[test]
    fn no_attachment_on_a_sunday_or_holiday() {
        let details =
            serde_json::json!({ "attachment": "goods", "attempt": 1, "from": "2026-05-11" });
        let laid = |day: &str| {
            let values = [
                ("laid_on", day),
                ("inventory", "tv"),
                ("valuation", "100.00"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
            read_attachment("attached", &details, &values)
        };
        for day in ["2026-05-14", "2026-05-15", "2026-05-17"] {
            let bad = laid(day).unwrap_err();
            assert_eq!(bad[0].field, "values[\"laid_on\"]", "{day}");
            assert!(bad[0].description.contains("art. 64 lid 2 Rv"), "{day}");
        }
        assert_eq!(laid("2026-05-16").unwrap().laid_on, Some(d("2026-05-16")));
    }

    #[test]
    fn the_served_judgment_starts_the_order_to_pay() {
        let c = in_execution();
        // Thu 18 June 2026: the order to pay's two days end as the law counts them; the
        // attachments may start the day after.
        let served = served(&c, &TrackPolicy::default(), d("2026-06-18")).unwrap();
        let execution = served.track.execution.clone().unwrap();
        let ends = order_to_pay_ends(d("2026-06-18"));
        assert!(ends > d("2026-06-19"), "two days, Atw-extended: {ends}");
        assert_eq!(execution.served_on, Some(d("2026-06-18")));
        assert_eq!(execution.order_to_pay_ends_on, Some(ends));
        assert_eq!(
            served.effects[0],
            Effect::ScheduleJob {
                kind: JobKind::Timer(Timer::OrderToPayEnded),
                due: Due::StartOf(ends + Days::new(1)),
                payload: json!({}),
            }
        );
        assert!(matches!(
            &served.effects[1],
            Effect::ScheduleJob { payload, .. } if payload["kind"] == "judgment_service"
        ));
        // The Btag fee of the service, without VAT for a client that deducts it.
        let fee = crate::law::BailiffTariffs::built_in()
            .fee(BailiffAct::ServiceOfJudgment, d("2026-06-18"))
            .unwrap();
        assert_eq!(served.audit.amounts, vec![("bailiff_fee", fee)]);
        assert_eq!(execution.service_fee_cents, fee.to_cents().unwrap());
    }

    /// The judgment served on Tue 5 January 2027, a year whose Btag the office has not
    /// added: the case waits on hold with the register's job kept, not served at 2026's
    /// tariff and not dropped; once the year is added and the case resumed, the job runs
    /// again.
    #[test]
    fn an_act_in_a_year_without_tariffs_waits_on_hold() {
        use crate::case::decide;
        use crate::case::event::{ActivityOutput, Event};
        let c = in_execution();
        let asked = service_due(&c, d("2027-01-05"));
        let waiting = super::super::with_track(&c, &asked.track);
        let register = Event::ActivitySucceeded {
            attempt: 1,
            output: ActivityOutput::Recoverability(answer("proceed")),
        };
        let mut policy = TrackPolicy::default();
        let held = decide(&waiting, &register, &policy, d("2027-01-05")).unwrap();
        assert_eq!(held.suspension, crate::case::Suspension::OnHold);
        assert!(held.track.execution.is_none(), "not served");
        let hold = held.track.hold.clone().unwrap();
        assert_eq!(hold.reason, "no_tariff");
        assert!(
            hold.note.contains("no Btag tariff for 2027"),
            "{}",
            hold.note
        );
        assert_eq!(
            held.track.deferred_timers,
            ["activity.recoverability_check"]
        );

        let mut on_hold = super::super::with_track(&waiting, &held.track);
        on_hold.suspension = held.suspension;
        let mut btag_2027 = crate::law::BailiffTariffs::built_in()
            .year(2026)
            .unwrap()
            .clone();
        btag_2027.year = 2027;
        btag_2027.figures.from = d("2027-01-01");
        btag_2027.figures.cents[1] = Some(14_000);
        policy.bailiff_tariffs =
            crate::law::BailiffTariffs::built_in().with_office_years(&[btag_2027]);
        let resume = Event::Resume {
            note: "Btag 2027 added".into(),
        };
        let resumed = decide(&on_hold, &resume, &policy, d("2027-01-06")).unwrap();
        // The register asked afresh before the service (`before`), not from its cache.
        assert_eq!(
            resumed.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Activity(Activity::RecoverabilityCheck),
                due: Due::Now,
                payload: json!({ "before": "judgment_service" }),
            }]
        );
        // A case paused already (a plan agreed while the register was asked) keeps the
        // job for its resumption instead of losing it.
        let mut in_plan = waiting.clone();
        in_plan.suspension = crate::case::Suspension::PaymentPlan;
        let kept = decide(
            &in_plan,
            &register,
            &TrackPolicy::default(),
            d("2027-01-05"),
        )
        .unwrap();
        assert_eq!(kept.suspension, crate::case::Suspension::PaymentPlan);
        assert_eq!(
            kept.track.deferred_timers,
            ["activity.recoverability_check"]
        );
        let mut going = super::super::with_track(&on_hold, &resumed.track);
        going.suspension = resumed.suspension;
        let served = decide(&going, &register, &policy, d("2027-01-06")).unwrap();
        assert_eq!(
            served.track.execution.unwrap().service_fee_cents,
            14_000,
            "2b of 2027, no VAT for a client that deducts it"
        );
    }

    /// The register's doubtful answer before the judgment's service (a namesake's
    /// insolvency, say): the act waits for a person; proceed serves, stop closes.
    #[test]
    fn a_doubtful_register_answer_before_an_act_waits_for_a_person() {
        let policy = TrackPolicy::default();
        let c = in_execution();
        let asked = service_due(&c, d("2026-06-18"));
        let waiting = super::super::with_track(&c, &asked.track);
        let doubt = rechecked(&waiting, &policy, d("2026-06-18"), &answer("review")).unwrap();
        assert_eq!(doubt.audit.kind, "execution_review");
        assert!(doubt.track.execution.is_none(), "not served");
        assert!(doubt.track.pending_act.is_some(), "the act keeps its place");
        assert!(matches!(
            doubt.effects.as_slice(),
            [Effect::OpenTask(t)] if t.kind == task_kind::EXECUTION_REVIEW
                && t.details["before"] == "judgment_service"
        ));
        // The same doubt a person let pass at the recoverability check: the act goes on.
        let mut weighed = waiting.clone();
        weighed.track.recoverability = Some(crate::case::track::RecoverabilityRecord {
            verdict: answer("review").verdict,
            checked_on: d("2026-05-22"),
        });
        let known = rechecked(&weighed, &policy, d("2026-06-18"), &answer("review")).unwrap();
        assert_eq!(
            known.track.execution.and_then(|e| e.served_on),
            Some(d("2026-06-18"))
        );
        let held = super::super::with_track(&waiting, &doubt.track);
        let served = review_answered(&held, &policy, d("2026-06-19"), "proceed", "").unwrap();
        assert_eq!(
            served.track.execution.and_then(|e| e.served_on),
            Some(d("2026-06-19"))
        );
        let stopped =
            review_answered(&held, &policy, d("2026-06-19"), "stop", "same person").unwrap();
        assert_eq!(stopped.close_reason, Some(CloseReason::Uncollectable));
        // A plan agreed while the task was open: proceed waits for the plan's end.
        let mut in_plan = held.clone();
        in_plan.suspension = crate::case::Suspension::PaymentPlan;
        let waits = review_answered(&in_plan, &policy, d("2026-06-19"), "proceed", "").unwrap();
        assert!(
            waits.track.execution.is_none(),
            "not served during the plan"
        );
        assert_eq!(
            waits.track.deferred_timers,
            ["activity.recoverability_check"]
        );
        // Answered on Whit Monday (25 May 2026): no writ that day (art. 64 lid 2 Rv); the
        // service is planned for the next working day, not dated the holiday.
        let holiday = review_answered(&held, &policy, d("2026-05-25"), "proceed", "").unwrap();
        assert!(
            holiday.track.execution.is_none(),
            "not served on the holiday"
        );
        assert_eq!(
            holiday.effects,
            [Effect::ScheduleJob {
                kind: JobKind::Timer(Timer::JudgmentServed),
                due: Due::StartOf(d("2026-05-26")),
                payload: json!({}),
            }]
        );
    }

    /// An attachment task left open when a plan was agreed lays nothing while the plan runs.
    #[test]
    fn no_attachment_result_while_the_case_is_paused() {
        let policy = TrackPolicy::default();
        let mut c = in_execution();
        c.track = served(&c, &policy, d("2026-06-18")).unwrap().track;
        c.suspension = Suspension::PaymentPlan;
        let details = json!({ "attachment": "bank", "attempt": 1 });
        let refused = attachment_done(
            &c,
            &policy,
            d("2026-06-24"),
            &details,
            "attached",
            &Default::default(),
        );
        assert!(
            matches!(refused, Err(Rejection::WrongStage { stage, .. }) if stage == "payment_plan"),
            "{refused:?}"
        );
        c.suspension = Suspension::None;
        assert!(
            attachment_done(
                &c,
                &policy,
                d("2026-06-24"),
                &details,
                "attached",
                &Default::default()
            )
            .is_ok()
        );
    }

    fn answer(kind: &str) -> RegisterAnswer {
        RegisterAnswer {
            verdict: serde_json::from_value(json!({
                "kind": kind,
                "reasons": [{ "code": "insolvency_active", "text": "faillissement F.16/26/99" }],
                "insolvency_number": "F.16/26/99",
            }))
            .unwrap(),
            findings: json!({}),
            attachment_register: None,
        }
    }

    /// The act waiting for the register, and the register's answer to it: the attachment
    /// task it opens.
    fn asked_then_answered(c: &CaseRecord, asked: &Decision, today: NaiveDate) -> Decision {
        assert!(matches!(
            asked.effects.as_slice(),
            [Effect::ScheduleJob {
                kind: JobKind::Activity(Activity::RecoverabilityCheck),
                ..
            }]
        ));
        let waiting = super::super::with_track(c, &asked.track);
        rechecked(&waiting, &TrackPolicy::default(), today, &answer("proceed")).unwrap()
    }

    #[test]
    fn attachments_go_bank_wages_goods_until_the_attempts_are_spent() {
        let policy = TrackPolicy::default();
        let mut c = in_execution();
        c.track = served(&c, &TrackPolicy::default(), d("2026-06-18"))
            .unwrap()
            .track;
        let asked = order_ended(&c, d("2026-06-23"));
        assert_eq!(
            asked
                .track
                .pending_act
                .as_ref()
                .map(|a| a.attachment.as_str()),
            Some("bank")
        );
        let first = asked_then_answered(&c, &asked, d("2026-06-23"));
        assert_eq!(first.audit.kind, "attachment_due");
        assert!(first.track.pending_act.is_none());
        assert!(matches!(
            first.effects.as_slice(),
            [Effect::OpenTask(t)] if t.kind == task_kind::ATTACHMENT && t.details["attachment"] == "bank"
        ));
        let none = std::collections::BTreeMap::new();
        let mut details = json!({ "attachment": "bank", "attempt": 1 });
        for (n, next) in ["wages", "goods"].into_iter().enumerate() {
            let nothing =
                attachment_done(&c, &policy, d("2026-06-24"), &details, "nothing", &none).unwrap();
            assert_eq!(nothing.stage, Stage::Execution);
            let opened = asked_then_answered(&c, &nothing, d("2026-06-24"));
            let [Effect::OpenTask(task)] = opened.effects.as_slice() else {
                panic!("the next attachment: {:?}", opened.effects);
            };
            assert_eq!(task.details["attachment"], next);
            assert_eq!(
                nothing.track.execution.as_ref().unwrap().attachments.len(),
                n + 1
            );
            c.track = opened.track;
            details = task.details.clone();
        }
        // The third (policy: 3 attempts) yields nothing either: uncollectable.
        let spent =
            attachment_done(&c, &policy, d("2026-06-25"), &details, "nothing", &none).unwrap();
        assert_eq!(spent.close_reason, Some(CloseReason::Uncollectable));
        // Made instead: the case waits for the proceeds.
        // Goods on 25 June: the inventory and its valuation recorded.
        let goods: std::collections::BTreeMap<String, String> = [
            ("laid_on", "2026-06-25"),
            ("inventory", "televisie, bank, eettafel"),
            ("valuation", "450.00"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let attached =
            attachment_done(&c, &policy, d("2026-06-25"), &details, "attached", &goods).unwrap();
        assert_eq!(
            (attached.stage, attached.suspension),
            (Stage::Execution, Suspension::None)
        );
        // Its proces-verbaal, no garnishee's statement to wait for, and the sale to arrange.
        assert!(matches!(
            attached.effects.as_slice(),
            [Effect::ScheduleJob { payload, .. }, Effect::OpenTask(t)]
                if payload["kind"] == "goods_attachment"
                    && t.kind == task_kind::EXECUTION_FOLLOW_UP
                    && t.title.contains("announce and hold the sale")
        ));
        let made = attached.track.execution.unwrap().attachments;
        assert_eq!(made.last().map(|a| a.result.as_str()), Some("attached"));
    }

    #[test]
    fn an_insolvency_since_the_last_check_stops_the_act_and_the_case() {
        let policy = TrackPolicy::default();
        let mut c = in_execution();
        // Before the service of the judgment: the register first, nothing served yet.
        let asked = service_due(&c, d("2026-06-18"));
        assert_eq!(asked.audit.kind, "insolvency_recheck");
        assert!(asked.track.execution.is_none());
        c.track = asked.track;
        let stopped = rechecked(&c, &policy, d("2026-06-18"), &answer("stop")).unwrap();
        assert_eq!(stopped.audit.kind, "insolvency_stop");
        assert_eq!(stopped.close_reason, Some(CloseReason::Uncollectable));
        assert!(stopped.track.execution.is_none(), "nothing served");
        assert!(
            stopped
                .track
                .statement
                .as_ref()
                .unwrap()
                .advice
                .iter()
                .any(|a| a.contains("F.16/26/99")),
            "{:?}",
            stopped.track.statement
        );
        // Proceed: the judgment is served that day.
        let served = rechecked(&c, &policy, d("2026-06-18"), &answer("proceed")).unwrap();
        assert_eq!(served.audit.kind, "judgment_served");
        assert_eq!(
            served.track.execution.unwrap().served_on,
            Some(d("2026-06-18"))
        );
        // No act waiting: a stray answer is refused.
        assert!(rechecked(&in_execution(), &policy, d("2026-06-18"), &answer("stop")).is_err());
    }

    #[test]
    fn an_attachment_before_service_is_refused() {
        let c = in_execution();
        let details = json!({ "attachment": "bank" });
        assert_eq!(
            attachment_done(
                &c,
                &TrackPolicy::default(),
                d("2026-06-24"),
                &details,
                "nothing",
                &Default::default()
            ),
            Err(Rejection::NotServed)
        );
    }
}
