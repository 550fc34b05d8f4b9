//! The payment plan (betalingsregeling): the track pauses while the instalments are kept;
//! after each instalment's grace days it is checked, and a missed one lapses the plan and
//! the track resumes where it was (timers that came due meanwhile fire then).

use chrono::{Days, NaiveDate};
use serde_json::json;

use super::{euros, stay};
use crate::case::decision::{Decision, Due, Effect, PlanProblem, Rejection};
use crate::case::event::{JobKind, Timer};
use crate::case::policy::TrackPolicy;
use crate::case::record::CaseRecord;
use crate::case::stage::Suspension;
use crate::case::track::{InstalmentRecord, PlanRecord};
use crate::law::money::Money;

fn check_at(policy: &TrackPolicy, due_on: NaiveDate) -> Effect {
    Effect::ScheduleJob {
        kind: JobKind::Timer(Timer::InstalmentCheck),
        due: Due::StartOf(due_on + Days::new(u64::from(policy.plan_grace_days) + 1)),
        payload: json!({ "due_on": due_on.to_string() }),
    }
}

/// ProposePaymentPlan (a running track): instalments in date order, each positive, the
/// first within the policy's days.
pub(crate) fn proposed(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    instalments: &[InstalmentRecord],
) -> Result<Decision, Rejection> {
    let latest_first = today + Days::new(u64::from(policy.plan_first_instalment_within_days));
    let mut problems = Vec::new();
    let dates: Vec<NaiveDate> = instalments.iter().filter_map(|i| i.due_on).collect();
    if instalments.is_empty() || dates.len() != instalments.len() {
        problems.push(PlanProblem::NoDueDate);
    }
    if let Some(first) = dates.first()
        && (*first < today || *first > latest_first)
    {
        problems.push(PlanProblem::FirstOutside {
            from: today,
            to: latest_first,
            days: policy.plan_first_instalment_within_days,
        });
    }
    if dates.windows(2).any(|w| w[0] >= w[1]) {
        problems.push(PlanProblem::NotInOrder);
    }
    if instalments.iter().any(|i| i.amount_cents <= 0) {
        problems.push(PlanProblem::NotPositive);
    }
    if !problems.is_empty() {
        return Err(Rejection::Plan(problems));
    }
    let total: i64 = instalments.iter().map(|i| i.amount_cents).sum();
    let mut track = case.track.clone();
    track.plan = Some(PlanRecord {
        agreed_on: Some(today),
        instalments: instalments.to_vec(),
        payments_before: track.payments.len(),
        checked: 0,
        lapsed: false,
        resumes_stage: case.stage.as_str().to_owned(),
    });
    let mut d = stay(
        case,
        track,
        "plan_agreed",
        format!(
            "payment plan of {} instalment(s), {} in total, from {}; the track pauses",
            instalments.len(),
            euros(total),
            dates[0]
        ),
        vec![
            Effect::CancelJobs {
                kind: Some(JobKind::Timer(Timer::InstalmentCheck)),
            },
            check_at(policy, dates[0]),
            // The confirmation letter (bevestiging betalingsregeling).
            super::render("payment_plan", today),
        ],
    );
    d.suspension = Suspension::PaymentPlan;
    d.audit.amounts = vec![("plan_total", Money::from_cents(total))];
    d.audit.data = json!({ "instalments": instalments });
    Ok(d)
}

/// The grace days after the next unchecked instalment ran out (a case in its plan).
pub(crate) fn check(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
) -> Result<Decision, Rejection> {
    let mut track = case.track.clone();
    let payments = track.payments.clone();
    let stale = || Rejection::WrongStage {
        event: "timer_fired",
        stage: case.suspension.as_str(),
    };
    let plan = track.plan.as_mut().ok_or_else(stale)?;
    let index = plan.checked;
    let instalment = plan.instalments.get(index).cloned().ok_or_else(stale)?;
    let paid = plan.paid_towards(&payments);
    let towards = paid.get(index).copied().unwrap_or_default();
    let due_on = instalment.due_on.unwrap_or(today);
    if towards >= instalment.amount_cents {
        plan.checked += 1;
        let next = plan.instalments.get(plan.checked).and_then(|i| i.due_on);
        let Some(next) = next else {
            return Ok(kept_to_the_end(case, track, policy, today, &instalment));
        };
        let effects = vec![check_at(policy, next)];
        let mut d = stay(
            case,
            track,
            "instalment_kept",
            format!("instalment {} of {due_on} kept", index + 1),
            effects,
        );
        d.audit.amounts = vec![("instalment", Money::from_cents(instalment.amount_cents))];
        return Ok(d);
    }
    plan.lapsed = true;
    let effects = super::hold::refire(&mut track);
    let mut d = stay(
        case,
        track,
        "plan_lapsed",
        format!(
            "instalment {} of {due_on} ({}) was not paid within {} grace days ({} paid); the plan lapses and the track resumes",
            index + 1,
            euros(instalment.amount_cents),
            policy.plan_grace_days,
            euros(towards)
        ),
        effects,
    );
    d.suspension = Suspension::None;
    d.audit.amounts = vec![
        ("instalment", Money::from_cents(instalment.amount_cents)),
        ("paid_towards", Money::from_cents(towards)),
    ];
    Ok(d)
}

/// The last instalment kept, and the case still open (a fully paid case closes on the
/// payment): interest ran on while the plan did, so something remains. The plan has ended;
/// the track goes on where it was (the timers that came due meanwhile fire), and the case
/// handler settles the rest with the debtor, as the plan's letter says ("wat na de laatste
/// termijn nog openstaat, rekenen wij met u af"): a last instalment, a new plan, or the
/// track.
fn kept_to_the_end(
    case: &CaseRecord,
    mut track: crate::case::track::TrackState,
    policy: &TrackPolicy,
    today: NaiveDate,
    last: &InstalmentRecord,
) -> Decision {
    let remains = crate::case::track::owed(case, policy, today)
        .map(|o| o.total.format_nl())
        .unwrap_or_else(|e| format!("an amount the figures cannot give ({e})"));
    let mut effects = super::hold::refire(&mut track);
    effects.push(Effect::OpenTask(crate::case::decision::NewTask {
        kind: super::desk::kind::FOLLOW_UP.into(),
        queue: crate::case::decide::CASE_HANDLER_QUEUE.into(),
        title: format!(
            "Payment plan kept to the last instalment; {remains} still owed: settle the rest \
             with the debtor (a last payment, a new plan) or let the track go on"
        ),
        details: json!({ "plan_agreed_on": track.plan.as_ref().and_then(|p| p.agreed_on) }),
        outcomes: vec!["done".into(), "dismiss".into()],
    }));
    let due_on = last.due_on.unwrap_or(today);
    let mut d = stay(
        case,
        track,
        "plan_completed",
        format!("the last instalment, of {due_on}, was kept; {remains} remains; the track resumes"),
        effects,
    );
    d.suspension = Suspension::None;
    d.audit.amounts = vec![("instalment", Money::from_cents(last.amount_cents))];
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::claim::DebtorKind;
    use crate::case::decide::tests::{case, d};
    use crate::case::stage::Stage;
    use crate::case::track::PaymentRecord;

    fn instalment(on: &str, cents: i64) -> InstalmentRecord {
        InstalmentRecord {
            due_on: Some(d(on)),
            amount_cents: cents,
        }
    }

    #[test]
    fn a_kept_instalment_schedules_the_next_check_and_a_missed_one_lapses() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Letter;
        let late = proposed(
            &c,
            &policy,
            d("2026-05-11"),
            &[instalment("2026-06-11", 100)],
        );
        // 11 May + 30 days = 10 June: an 11 June first instalment is too late.
        assert!(matches!(
            late,
            Err(Rejection::Plan(p)) if p == [PlanProblem::FirstOutside {
                from: d("2026-05-11"),
                to: d("2026-06-10"),
                days: 30,
            }]
        ));
        // Every problem at once, in the caller's words.
        let refused = proposed(&c, &policy, d("2026-05-11"), &[instalment("2026-05-15", 0)]);
        assert_eq!(
            refused.map_err(|r| r.to_string()),
            Err("every instalment is more than zero".to_owned())
        );
        assert_eq!(
            Rejection::Plan(vec![PlanProblem::NoDueDate, PlanProblem::NotInOrder]).to_string(),
            "every instalment needs a due date; instalments must be in date order, one per day"
        );
        let plan = [
            instalment("2026-05-15", 10_000),
            instalment("2026-06-15", 10_000),
        ];
        let agreed = proposed(&c, &policy, d("2026-05-11"), &plan).unwrap();
        assert_eq!(agreed.suspension, Suspension::PaymentPlan);
        // Due 15 May + 7 grace days: checked at the start of 23 May.
        assert!(agreed.effects.contains(&check_at(&policy, d("2026-05-15"))));
        assert!(matches!(
            &agreed.effects[1],
            Effect::ScheduleJob { due: Due::StartOf(day), .. } if *day == d("2026-05-23")
        ));
        assert!(matches!(
            &agreed.effects[2],
            Effect::ScheduleJob { kind: JobKind::Activity(crate::case::event::Activity::RenderDocument), payload, .. }
                if payload["kind"] == "payment_plan"
        ));
        c.suspension = agreed.suspension;
        c.track = agreed.track;
        c.track.payments.push(PaymentRecord {
            paid_on: d("2026-05-15"),
            amount_cents: 10_000,
            ..PaymentRecord::default()
        });
        c.track.deferred_timers = vec!["timer.letter_term_ended".into()];
        let kept = check(&c, &policy, d("2026-05-23")).unwrap();
        assert_eq!(kept.suspension, Suspension::PaymentPlan);
        c.track = kept.track;
        // Both kept: the plan ends, the track resumes where it was, and what interest added
        // meanwhile is a person's to settle (a task), not a case stuck in its plan.
        let mut paid = c.clone();
        paid.track.payments.push(PaymentRecord {
            paid_on: d("2026-06-15"),
            amount_cents: 10_000,
            ..PaymentRecord::default()
        });
        let ended = check(&paid, &policy, d("2026-06-23")).unwrap();
        assert_eq!(ended.audit.kind, "plan_completed");
        assert_eq!(ended.suspension, Suspension::None);
        assert!(matches!(
            ended.effects.as_slice(),
            [
                Effect::ScheduleJob { kind: JobKind::Timer(Timer::LetterTermEnded), .. },
                Effect::OpenTask(t),
            ] if t.kind == "follow_up" && t.title.contains("still owed")
        ));
        let lapsed = check(&c, &policy, d("2026-06-23")).unwrap();
        assert_eq!(lapsed.suspension, Suspension::None);
        assert!(lapsed.track.plan.as_ref().is_some_and(|p| p.lapsed));
        assert_eq!(
            lapsed.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Timer(Timer::LetterTermEnded),
                due: Due::Now,
                payload: json!({}),
            }]
        );
    }
}
