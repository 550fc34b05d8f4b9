//! The vonnis registered: dismissed closes the case; awarded goes to execution, the
//! judgment served with the order to pay on the next working day.

use chrono::NaiveDate;
use serde_json::json;

use super::stay;
use crate::case::decision::{Decision, Due, Effect, Rejection};
use crate::case::event::{JobKind, Timer};
use crate::case::policy::TrackPolicy;
use crate::case::record::CaseRecord;
use crate::case::stage::{CloseReason, Stage};
use crate::case::track::JudgmentRecord;
use crate::law::calendar::add_working_days;
use crate::law::money::Money;

/// The track computes what is owed after a judgment from the claim itself (interest
/// continuing on the principal by art. 6:119/6:119a from the day after each due date,
/// the collection costs as they stood): a judgment awarding other sums would make every
/// later figure wrong, so it is refused with the difference named instead of guessed at.
fn check_awarded(
    case: &CaseRecord,
    policy: &TrackPolicy,
    judgment: &JudgmentRecord,
) -> Result<(), Rejection> {
    let on = judgment.judgment_date.unwrap_or_default();
    let owed = crate::case::track::owed(case, policy, on).map_err(Rejection::Unknown)?;
    let cents = |m: Money| m.to_cents().unwrap_or_default();
    let claimed_costs = owed.quote.collection_costs + owed.quote.collection_costs_vat;
    let mut differences = Vec::new();
    if judgment.awarded_principal_cents != cents(owed.quote.principal) {
        differences.push(format!(
            "awarded principal {} where {} is unpaid",
            Money::from_cents(judgment.awarded_principal_cents),
            owed.quote.principal
        ));
    }
    if judgment.awarded_collection_costs_cents != cents(claimed_costs) {
        differences.push(format!(
            "awarded collection costs {} where {} are claimed (with VAT)",
            Money::from_cents(judgment.awarded_collection_costs_cents),
            claimed_costs
        ));
    }
    let interest_from = case
        .claim
        .invoices
        .iter()
        .map(|i| i.due_date)
        .min()
        .map(|d| d + chrono::Days::new(1));
    if judgment.interest_from.is_some() && judgment.interest_from != interest_from {
        differences.push(format!(
            "interest from {} where it runs from {}",
            judgment.interest_from.unwrap_or_default(),
            interest_from.unwrap_or_default()
        ));
    }
    if differences.is_empty() {
        Ok(())
    } else {
        Err(Rejection::Unknown(format!(
            "the judgment differs from the claim ({}); post-judgment figures for other awarded \
             sums are not built yet — register it by hand in the dossier",
            differences.join("; ")
        )))
    }
}

/// RegisterJudgment: in the judgment stage, or once the summons was served.
pub(crate) fn registered(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    judgment: &JudgmentRecord,
) -> Result<Decision, Rejection> {
    let served = case
        .track
        .summons
        .as_ref()
        .is_some_and(|s| s.served_on.is_some());
    if !(case.stage == Stage::Judgment || (case.stage == Stage::Summons && served)) {
        return Err(Rejection::WrongStage {
            event: "judgment_registered",
            stage: case.stage.as_str(),
        });
    }
    if judgment.judgment_date.is_none_or(|d| d > today) {
        return Err(Rejection::Unknown(
            "the judgment's date must be today or earlier".into(),
        ));
    }
    if judgment.outcome != "dismissed" {
        check_awarded(case, policy, judgment)?;
    }
    let mut track = case.track.clone();
    track.judgment = Some(judgment.clone());
    let data = json!({ "judgment": judgment });
    if judgment.outcome == "dismissed" {
        let mut d = super::close(
            case,
            track,
            policy,
            today,
            "judgment_dismissed",
            CloseReason::Dismissed,
            format!(
                "the court dismissed the claim on {}",
                judgment.judgment_date.unwrap_or(today)
            ),
            Vec::new(),
        );
        d.audit.data["judgment"] = data["judgment"].clone();
        return Ok(d);
    }
    let service = add_working_days(today, 1);
    let mut d = stay(
        case,
        track,
        "judgment_registered",
        format!(
            "judgment of {} registered ({}); served with the order to pay on {service}",
            judgment.judgment_date.unwrap_or(today),
            judgment.kind
        ),
        vec![Effect::ScheduleJob {
            kind: JobKind::Timer(Timer::JudgmentServed),
            due: Due::StartOf(service),
            payload: json!({}),
        }],
    );
    d.stage = Stage::Execution;
    d.audit.amounts = vec![
        (
            "awarded_principal",
            Money::from_cents(judgment.awarded_principal_cents),
        ),
        (
            "awarded_collection_costs",
            Money::from_cents(judgment.awarded_collection_costs_cents),
        ),
        ("legal_costs", Money::from_cents(judgment.legal_costs_cents)),
    ];
    d.audit.data = data;
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::claim::DebtorKind;
    use crate::case::decide::tests::{case, d};
    use crate::case::decision::Effect;

    fn judgment(principal_cents: i64) -> JudgmentRecord {
        JudgmentRecord {
            judgment_date: Some(d("2026-06-17")),
            kind: "default".into(),
            outcome: "awarded".into(),
            awarded_principal_cents: principal_cents,
            interest_from: Some(d("2026-03-02")),
            legal_costs_cents: 65_757,
            ..JudgmentRecord::default()
        }
    }

    #[test]
    fn an_awarded_judgment_goes_to_execution_and_other_sums_are_refused() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Judgment;
        // No letter was sent: a consumer owes no collection costs; principal 1,234.56.
        let refused = registered(&c, &policy, d("2026-06-17"), &judgment(100_000));
        assert!(
            matches!(&refused, Err(Rejection::Unknown(m)) if m.contains("awarded principal 1000.00 where 1234.56")),
            "{refused:?}"
        );
        let done = registered(&c, &policy, d("2026-06-17"), &judgment(123_456)).unwrap();
        assert_eq!(done.stage, Stage::Execution);
        // Wed 17 June → served Thu 18 June.
        assert_eq!(
            done.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Timer(Timer::JudgmentServed),
                due: Due::StartOf(d("2026-06-18")),
                payload: json!({}),
            }]
        );
        let mut dismissed = judgment(0);
        dismissed.outcome = "dismissed".into();
        let closed = registered(&c, &policy, d("2026-06-17"), &dismissed).unwrap();
        assert_eq!(closed.close_reason, Some(CloseReason::Dismissed));
    }
}
