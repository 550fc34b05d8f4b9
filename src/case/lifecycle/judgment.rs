//! The vonnis registered (default or contested): dismissed closes the case; awarded goes
//! to execution, the judgment to be served with the order to pay on the next working day
//! (assumed served then, or recorded by the bailiff under `record_service`:
//! [`served_recorded`]). A registered judgment ends the court side's open tasks
//! (`lifecycle::hearing`).

use chrono::NaiveDate;
use serde_json::json;

use super::service::ServiceAttempt;
use super::stay;
use crate::case::claim::DebtorKind;
use crate::case::decision::{Decision, Due, Effect, Rejection};
use crate::case::event::{JobKind, Timer};
use crate::case::policy::TrackPolicy;
use crate::case::record::CaseRecord;
use crate::case::stage::{CloseReason, Stage};
use crate::case::track::JudgmentRecord;
use crate::law::calendar::add_working_days;
use crate::law::money::Money;

/// How the awarded sums differ from the claim as it stands on the judgment's date (empty:
/// they are the claim, and the track goes on computing over the invoices). A judgment
/// that differs — part of the principal or costs awarded, interest from another day — is
/// what the debtor owes from then on: the track computes over the awarded sums.
fn differences(
    case: &CaseRecord,
    policy: &TrackPolicy,
    judgment: &JudgmentRecord,
) -> Result<Vec<String>, Rejection> {
    let on = judgment.judgment_date.unwrap_or_default();
    let owed = crate::case::track::owed(case, policy, on).map_err(Rejection::Figures)?;
    let cents = |m: Money| m.to_cents().unwrap_or_default();
    let claimed_costs = owed.quote.collection_costs + owed.quote.collection_costs_vat;
    let mut differences = Vec::new();
    if judgment.awarded_principal_cents != cents(owed.quote.principal) {
        differences.push(format!(
            "awarded principal {} where {} was unpaid",
            Money::from_cents(judgment.awarded_principal_cents),
            owed.quote.principal
        ));
    }
    if judgment.awarded_collection_costs_cents != cents(claimed_costs) {
        differences.push(format!(
            "awarded collection costs {} where {} were claimed (with VAT)",
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
    let several_due_dates = case
        .claim
        .invoices
        .iter()
        .any(|i| Some(i.due_date + chrono::Days::new(1)) != interest_from);
    let claimed_rate = match case.claim.debtor.kind {
        DebtorKind::Consumer => "statutory",
        DebtorKind::Business => "commercial",
    };
    if !judgment.interest_kind.is_empty() && judgment.interest_kind != claimed_rate {
        differences.push(format!(
            "{} interest awarded where {claimed_rate} was claimed",
            judgment.interest_kind
        ));
    }
    if judgment.interest_from.is_some() && judgment.interest_from != interest_from {
        differences.push(format!(
            "interest from {} where it ran from {}",
            judgment.interest_from.unwrap_or_default(),
            interest_from.unwrap_or_default()
        ));
    } else if several_due_dates && !differences.is_empty() {
        // The invoices' own interest dates no longer apply to the awarded sums.
        differences.push("one interest date for invoices due on different days".into());
    }
    Ok(differences)
}

/// RegisterJudgment (in the judgment stage, or once the summons was served).
pub(crate) fn registered(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    judgment: &JudgmentRecord,
) -> Result<Decision, Rejection> {
    if judgment.judgment_date.is_none_or(|d| d > today) {
        return Err(Rejection::JudgmentDate);
    }
    let hearing = case.track.summons.as_ref().and_then(|s| s.hearing_date);
    if let (Some(date), Some(hearing)) = (judgment.judgment_date, hearing)
        && date < hearing
    {
        return Err(Rejection::JudgmentBeforeHearing(hearing));
    }
    let mut judgment = judgment.clone();
    if judgment.outcome != "dismissed" {
        let differences = differences(case, policy, &judgment)?;
        if !differences.is_empty() && judgment.interest_from.is_none() {
            return Err(Rejection::JudgmentNeedsInterestDate(differences));
        }
        if !differences.is_empty() && judgment.awarded_principal_cents == 0 {
            return Err(Rejection::CostsOnly(differences));
        }
        judgment.on_awarded_sums = !differences.is_empty();
        judgment.payments_before = case.track.payments.len();
    }
    let judgment = &judgment;
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
    let mut effects = vec![Effect::ScheduleJob {
        kind: JobKind::Timer(Timer::JudgmentServed),
        due: Due::StartOf(service),
        payload: json!({}),
    }];
    effects.extend(super::hearing::judged(case));
    let mut d = stay(
        case,
        track,
        "judgment_registered",
        format!(
            "judgment of {} registered ({}); served with the order to pay on {service}",
            judgment.judgment_date.unwrap_or(today),
            judgment.kind
        ),
        effects,
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

/// The judgment served with the order to pay as the bailiff recorded it
/// (`lifecycle::service`, policy `record_service`): the Btag fee of the real service day,
/// and the order's two days counted from it (art. 439 Rv), so the attachments wait for
/// the real service, never a planned one.
pub(crate) fn served_recorded(
    case: &CaseRecord,
    policy: &TrackPolicy,
    attempt: &mut ServiceAttempt,
) -> Result<Decision, Rejection> {
    let on = attempt.on.unwrap_or_default();
    let mut d = super::execution::served(case, policy, on)?;
    attempt.fee_cents = d
        .track
        .execution
        .as_ref()
        .map_or(0, |e| e.service_fee_cents);
    d.audit.reason = format!(
        "{} ({}, left with {})",
        d.audit.reason, attempt.outcome, attempt.left_with
    );
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
    fn an_awarded_judgment_goes_to_execution() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Judgment;
        // No letter was sent: a consumer owes no collection costs; principal 1,234.56
        // due 1 March, interest from 2 March: the judgment follows the claim.
        let done = registered(&c, &policy, d("2026-06-17"), &judgment(123_456)).unwrap();
        assert_eq!(done.stage, Stage::Execution);
        assert!(!done.track.judgment.as_ref().unwrap().on_awarded_sums);
        // Wed 17 June → served Thu 18 June; the reminder to register it is done.
        assert_eq!(
            done.effects,
            vec![
                Effect::ScheduleJob {
                    kind: JobKind::Timer(Timer::JudgmentServed),
                    due: Due::StartOf(d("2026-06-18")),
                    payload: json!({}),
                },
                Effect::CloseTasks {
                    kind: Some(super::super::task_kind::JUDGMENT_EXPECTED.into()),
                },
            ]
        );
        let mut dismissed = judgment(0);
        dismissed.outcome = "dismissed".into();
        let closed = registered(&c, &policy, d("2026-06-17"), &dismissed).unwrap();
        assert_eq!(closed.close_reason, Some(CloseReason::Dismissed));
    }

    /// Served for the roldatum Wed 10 June 2026: a judgment dated Tue 9 June cannot be; one
    /// of 10 June (a default judgment on the roldatum itself) can.
    #[test]
    fn a_judgment_before_the_roldatum_is_refused() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Judgment;
        c.track.summons = Some(crate::case::track::SummonsRecord {
            served_on: Some(d("2026-06-02")),
            hearing_date: Some(d("2026-06-10")),
            ..Default::default()
        });
        let mut early = judgment(123_456);
        early.judgment_date = Some(d("2026-06-09"));
        assert_eq!(
            registered(&c, &policy, d("2026-06-17"), &early).unwrap_err(),
            Rejection::JudgmentBeforeHearing(d("2026-06-10"))
        );
        early.judgment_date = Some(d("2026-06-10"));
        assert!(registered(&c, &policy, d("2026-06-17"), &early).is_ok());
    }

    /// Planned Thu 18 June 2026, served Tue 23 June: the order to pay runs Wed 24 and Thu
    /// 25 June, the attachments wait for Fri 26 June; the Btag 2026 art. 2b fee € 136,71.
    #[test]
    fn a_recorded_service_of_the_judgment_counts_from_the_real_day() {
        use crate::case::lifecycle::service::{self, Writ, tests::values};
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Execution;
        let asked = service::due_for(&c, Writ::Judgment, d("2026-06-18"));
        let [Effect::OpenTask(task)] = asked.effects.as_slice() else {
            panic!("{:?}", asked.effects);
        };
        assert_eq!(task.details["act"], "judgment");
        let served = service::recorded(
            &c,
            &TrackPolicy::default(),
            d("2026-06-23"),
            "in_person",
            &task.details,
            &values(&[("served_on", "2026-06-23")]),
        )
        .unwrap();
        let e = served.track.execution.clone().unwrap();
        assert_eq!(
            (e.served_on, e.order_to_pay_ends_on, e.service_fee_cents),
            (Some(d("2026-06-23")), Some(d("2026-06-25")), 13_671)
        );
        assert!(served.effects.contains(&Effect::ScheduleJob {
            kind: JobKind::Timer(Timer::OrderToPayEnded),
            due: Due::StartOf(d("2026-06-26")),
            payload: json!({}),
        }));
        assert_eq!(served.track.services[0].act, "judgment");
        c.track = served.track;
        // Served once: a second record is refused.
        assert!(
            service::recorded(
                &c,
                &TrackPolicy::default(),
                d("2026-06-24"),
                "in_person",
                &task.details,
                &values(&[("served_on", "2026-06-24")]),
            )
            .is_err()
        );
    }

    #[test]
    fn a_partly_awarded_judgment_is_owed_as_awarded() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Judgment;
        let mut partly = judgment(100_000);
        partly.outcome = "partly_awarded".into();
        partly.awarded_collection_costs_cents = 4_000;
        let done = registered(&c, &policy, d("2026-06-17"), &partly).unwrap();
        assert!(done.track.judgment.as_ref().unwrap().on_awarded_sums);
        let mut judged = c.clone();
        judged.track = done.track.clone();
        // On 17 June 2026: 1,000.00 with 4 % (6:119, 2026) from 2 March through 17 June
        // = 30 + 30 + 31 + 17 = 108 days: 1000 × 0.04 × 108 / 365 = 11.835… → 11.84;
        // the awarded collection costs 40.00 and the legal costs 657.57 on top:
        // 1,000.00 + 11.84 + 40.00 + 657.57 = 1,709.41.
        let owed = crate::case::track::owed(&judged, &policy, d("2026-06-17")).unwrap();
        assert_eq!(owed.quote.principal, Money::from_cents(100_000));
        assert_eq!(owed.quote.interest, Money::from_cents(1_184));
        assert_eq!(owed.quote.collection_costs, Money::from_cents(4_000));
        assert_eq!(owed.legal_costs, Money::from_cents(65_757));
        assert_eq!(owed.total, Money::from_cents(170_941));
        // The day before the judgment the claim itself still stands: 1,234.56 with
        // 107 days' interest, 1234.56 × 0.04 × 107 / 365 = 14.476… → 14.48.
        let before = crate::case::track::owed(&judged, &policy, d("2026-06-16")).unwrap();
        assert_eq!(before.quote.principal, Money::from_cents(123_456));
        assert_eq!(before.quote.interest, Money::from_cents(1_448));
        // Without a day for the interest, a differing judgment cannot be computed.
        partly.interest_from = None;
        let refused = registered(&c, &policy, d("2026-06-17"), &partly);
        assert!(
            matches!(&refused, Err(Rejection::JudgmentNeedsInterestDate(_)))
                && refused
                    .as_ref()
                    .unwrap_err()
                    .to_string()
                    .contains("interest runs from"),
            "{refused:?}"
        );
    }

    /// A partly awarded judgment of 17 June on the fixture claim: 1,000.00 with interest
    /// from `interest_from`, 40.00 collection costs, 657.57 legal costs.
    fn partly(interest_from: &str) -> JudgmentRecord {
        let mut j = judgment(100_000);
        j.outcome = "partly_awarded".into();
        j.awarded_collection_costs_cents = 4_000;
        j.interest_from = Some(d(interest_from));
        j
    }

    fn registered_case(c: &CaseRecord, j: &JudgmentRecord, on: &str) -> CaseRecord {
        let done = registered(c, &TrackPolicy::default(), d(on), j).unwrap();
        let mut judged = c.clone();
        judged.track = done.track;
        judged.stage = done.stage;
        judged
    }

    fn pay(c: &mut CaseRecord, paid_on: &str, cents: i64) {
        let policy = TrackPolicy::default();
        let payment = crate::case::track::PaymentRecord {
            id: format!("p{}", c.track.payments.len()),
            paid_on: d(paid_on),
            amount_cents: cents,
            ..Default::default()
        };
        let allocated = crate::case::track::allocate(c, &policy, &payment).unwrap();
        c.track.payments.push(allocated);
    }

    #[test]
    fn a_payment_after_the_judgment_counts_though_recorded_before_its_registration() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Judgment;
        // 100.00 paid on 18 June, the day after the judgment, recorded before it is
        // registered on 19 June: the court cannot have counted it.
        pay(&mut c, "2026-06-18", 10_000);
        let judged = registered_case(&c, &partly("2026-03-02"), "2026-06-19");
        let owed = crate::case::track::owed(&judged, &policy, d("2026-06-19")).unwrap();
        // Art. 6:44 over the award on 18 June: costs 40.00, interest of 109 days
        // (2 March – 18 June) 1000 × 0.04 × 109 / 365 = 11.945… → 11.95, principal 48.05.
        assert_eq!(owed.quote.paid, Money::from_cents(10_000));
        assert_eq!(owed.quote.principal, Money::from_cents(95_195));
        assert_eq!(owed.quote.collection_costs, Money::ZERO);
    }

    #[test]
    fn a_payment_dated_before_interest_runs_is_taken_and_pays_costs_first() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Judgment;
        // Interest on the award from 1 June; a payment of 100.00 dated 20 May turns up
        // after the judgment was registered.
        let mut judged = registered_case(&c, &partly("2026-06-01"), "2026-06-17");
        pay(&mut judged, "2026-05-20", 10_000);
        let p = &judged.track.payments[0];
        assert_eq!((p.to_costs_cents, p.to_principal_cents), (4_000, 6_000));
        // 18 June: 940.00 with 18 days (1–18 June) 940 × 0.04 × 18 / 365 = 1.854… → 1.85;
        // 940.00 + 1.85 + 657.57 = 1,599.42.
        let owed = crate::case::track::owed(&judged, &policy, d("2026-06-18")).unwrap();
        assert_eq!(owed.quote.principal, Money::from_cents(94_000));
        assert_eq!(owed.quote.interest, Money::from_cents(185));
        assert_eq!(owed.total, Money::from_cents(159_942));
    }

    #[test]
    fn interest_from_after_the_judgment_means_none_until_then() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Judgment;
        let judged = registered_case(&c, &partly("2026-07-01"), "2026-06-17");
        // 18 June: 1,000.00 + no interest + 40.00 + 657.57 = 1,697.57.
        let owed = crate::case::track::owed(&judged, &policy, d("2026-06-18")).unwrap();
        assert_eq!(owed.quote.interest, Money::ZERO);
        assert_eq!(owed.total, Money::from_cents(169_757));
    }

    #[test]
    fn an_award_of_costs_alone_is_refused_and_the_awarded_rate_is_used() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Judgment;
        let mut costs_only = partly("2026-03-02");
        costs_only.awarded_principal_cents = 0;
        let refused = registered(&c, &policy, d("2026-06-17"), &costs_only);
        assert!(
            matches!(&refused, Err(Rejection::CostsOnly(_)))
                && refused
                    .as_ref()
                    .unwrap_err()
                    .to_string()
                    .contains("awards no principal"),
            "{refused:?}"
        );
        // A business claim (6:119a) on which the court awards statutory interest (6:119):
        // 1,234.56 × 4 % × 108 / 365 (2 March – 17 June) = 14.611… → 14.61.
        let mut b = case(DebtorKind::Business);
        b.stage = Stage::Judgment;
        let mut statutory = judgment(123_456);
        statutory.interest_kind = "statutory".into();
        let owed_claim = crate::case::track::owed(&b, &policy, d("2026-06-17")).unwrap();
        statutory.awarded_collection_costs_cents = (owed_claim.quote.collection_costs
            + owed_claim.quote.collection_costs_vat)
            .to_cents()
            .unwrap();
        let judged = registered_case(&b, &statutory, "2026-06-17");
        assert!(judged.track.judgment.as_ref().unwrap().on_awarded_sums);
        let owed = crate::case::track::owed(&judged, &policy, d("2026-06-17")).unwrap();
        assert_eq!(owed.quote.interest, Money::from_cents(1_461));
    }
}
