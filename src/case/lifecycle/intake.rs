//! The claim accepted, and the track starts: intake checks (limitation, the client's minimum), then the letter —
//! the 14-dagenbrief for a consumer (art. 6:96 lid 6 BW), the sommatie for a business.

use chrono::{Days, NaiveDate};
use serde_json::json;

use super::{stay, task_kind};
use crate::case::claim::DebtorKind;
use crate::case::decide::CASE_HANDLER_QUEUE;
use crate::case::decision::{Decision, Due, Effect, NewTask};
use crate::case::event::{JobKind, Timer};
use crate::case::policy::TrackPolicy;
use crate::case::record::CaseRecord;
use crate::case::stage::Stage;
use crate::law::calendar::extend_term;
use crate::law::letter::letter_term;
use crate::law::procedure::{Limitation, limitation_last_day};

/// Why a claim should not get its letter without a person's look (empty: it goes on): a
/// consumer invoice not overdue yet, a claim that may be time-barred, or a principal below
/// the client's minimum for legal action (the office would send a letter it cannot follow
/// up in court). A person's
/// `proceed` answers them for the intake; limitation is asked again, counted from the
/// interruptions since, before the summons (`summons::draft`).
pub(crate) fn intake_doubts(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
) -> Vec<String> {
    let mut doubts = Vec::new();
    if case.claim.debtor.kind == DebtorKind::Consumer {
        // A 14-dagenbrief before the due date is no 14-dagenbrief (art. 6:96 lid 6 BW).
        for invoice in case.claim.invoices.iter().filter(|i| i.due_date >= today) {
            doubts.push(format!(
                "invoice {} falls due on {}: not overdue yet, and a 14-dagenbrief can only \
                 follow the due date (art. 6:96 lid 6 BW)",
                invoice.number, invoice.due_date
            ));
        }
    }
    if case.principal() < policy.minimum_for_legal_action() {
        doubts.push(format!(
            "principal {} is below the client's minimum for legal action {}",
            case.principal().format_nl(),
            policy.minimum_for_legal_action().format_nl()
        ));
    }
    // A consumer claim may be the price of a consumer purchase (art. 7:28 BW, 2 years);
    // whether it is, a person decides. Otherwise art. 3:307 BW, 5 years.
    let limitation = match case.claim.debtor.kind {
        DebtorKind::Consumer => Limitation::ConsumerPurchase,
        DebtorKind::Business => Limitation::Contract,
    };
    for invoice in &case.claim.invoices {
        let last = limitation_last_day(limitation, invoice.due_date);
        if last < today {
            doubts.push(format!(
                "invoice {} fell due on {} and may be time-barred since {} ({} years, {})",
                invoice.number,
                invoice.due_date,
                last + Days::new(1),
                limitation.years(),
                match limitation {
                    Limitation::ConsumerPurchase => "art. 7:28 BW",
                    _ => "art. 3:307 BW",
                }
            ));
        }
    }
    doubts
}

/// The claim accepted (CreateCase, an import row): the track starts at the cut-off of the
/// day the claim is handled, when that day's intake is complete and its letter goes with
/// that day's post.
pub(crate) fn accepted(case: &CaseRecord, policy: &TrackPolicy, today: NaiveDate) -> Decision {
    let start = case.accepted_on.max(today);
    let at = start.and_time(policy.intake_cutoff);
    let mut d = stay(
        case,
        case.track.clone(),
        "claim_accepted",
        format!(
            "the track starts on {start} at {}",
            policy.intake_cutoff.format("%H:%M")
        ),
        vec![Effect::ScheduleJob {
            kind: JobKind::Timer(Timer::StartTrack),
            due: Due::Local(at),
            payload: json!({}),
        }],
    );
    d.audit.data = json!({ "starts_on": start.to_string() });
    d
}

/// The start-track timer: the intake checks (unless a person already let the claim
/// proceed), then the letter.
pub(crate) fn start_track(case: &CaseRecord, policy: &TrackPolicy, today: NaiveDate) -> Decision {
    if case.track.intake_reviewed {
        return send_letter(case, policy, today);
    }
    let doubts = intake_doubts(case, policy, today);
    if doubts.is_empty() {
        return send_letter(case, policy, today);
    }
    let mut d = stay(
        case,
        case.track.clone(),
        "intake_review",
        format!("a person decides before the letter: {}", doubts.join("; ")),
        vec![Effect::OpenTask(NewTask {
            kind: task_kind::INTAKE_REVIEW.into(),
            queue: CASE_HANDLER_QUEUE.into(),
            title: "Intake: review before the letter".into(),
            details: json!({ "doubts": doubts }),
            outcomes: vec!["proceed".into(), "close".into()],
        })],
    );
    d.audit.data = json!({ "doubts": doubts });
    d
}

/// Sends the letter today: a consumer's 14-dagenbrief runs 14 days from the day after
/// presumed receipt (the policy's Nth delivery day), a business's sommatie the policy's
/// B2B days; both extended by the Algemene termijnenwet.
pub(crate) fn send_letter(case: &CaseRecord, policy: &TrackPolicy, today: NaiveDate) -> Decision {
    let (letter, document, term_ends) = match case.claim.debtor.kind {
        DebtorKind::Consumer => (
            "14-dagenbrief",
            "fourteen_day_letter",
            letter_term(today, policy.letter_delivery_days).last_day_to_pay,
        ),
        DebtorKind::Business => (
            "sommatie",
            "demand",
            extend_term(today + Days::new(u64::from(policy.demand_term_days))),
        ),
    };
    let mut track = case.track.clone();
    track.letter_sent_on = Some(today);
    track.letter_term_ends_on = Some(term_ends);
    track.letter_vat_on_costs = Some(case.track.vat_on_collection_costs);
    let next = term_ends + Days::new(1);
    let mut effects = vec![Effect::ScheduleJob {
        kind: JobKind::Timer(Timer::LetterTermEnded),
        due: Due::StartOf(next),
        payload: json!({ "term_ends_on": term_ends.to_string() }),
    }];
    if policy.render_letters {
        // The letter as sent, in the dossier.
        effects.push(super::render(document, today));
    }
    let mut d = stay(
        case,
        track,
        "track_started",
        format!("{letter} sent on {today}; the term runs until {term_ends}"),
        effects,
    );
    d.stage = Stage::Letter;
    d.audit.data = json!({
        "letter": letter,
        "sent_on": today.to_string(),
        "term_ends_on": term_ends.to_string(),
    });
    d
}

/// The first day a consumer's 14-dagenbrief may be sent: the day after the last due date
/// (a letter before *verzuim* is no 14-dagenbrief, art. 6:96 lid 6 BW, and the letter
/// covers every invoice of the claim); `None` for a business.
fn first_letter_day(case: &CaseRecord) -> Option<NaiveDate> {
    if case.claim.debtor.kind != DebtorKind::Consumer {
        return None;
    }
    let last_due = case.claim.invoices.iter().map(|i| i.due_date).max()?;
    Some(last_due + Days::new(1))
}

/// A person let the claim proceed before an invoice fell due: the letter goes at the
/// cut-off of the first day it may, not now (a letter recorded as sent that the law does
/// not allow would charge collection costs no court awards).
fn letter_waits(case: &CaseRecord, policy: &TrackPolicy, day: NaiveDate) -> Decision {
    let at = day.and_time(policy.intake_cutoff);
    let mut d = stay(
        case,
        case.track.clone(),
        "letter_waits",
        format!("the 14-dagenbrief goes on {day}, once every invoice is overdue"),
        vec![Effect::ScheduleJob {
            kind: JobKind::Timer(Timer::StartTrack),
            due: Due::Local(at),
            payload: json!({}),
        }],
    );
    d.audit.data = json!({ "sends_on": day.to_string() });
    d
}

/// A person's answer to the intake review.
pub(crate) fn reviewed(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    outcome: &str,
    note: &str,
) -> Decision {
    match outcome {
        "proceed" => {
            let mut reviewed = case.clone();
            reviewed.track.intake_reviewed = true;
            match first_letter_day(case) {
                Some(day) if day > today => letter_waits(&reviewed, policy, day),
                _ => send_letter(&reviewed, policy, today),
            }
        }
        _ => super::close(
            case,
            case.track.clone(),
            policy,
            today,
            "closed",
            crate::case::stage::CloseReason::Uncollectable,
            format!("not pursued after the intake review: {note}"),
            Vec::new(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::decide::tests::{case, d};

    #[test]
    fn an_accepted_claim_starts_at_the_cutoff_of_the_day_it_is_handled() {
        let policy = TrackPolicy::default();
        let c = case(DebtorKind::Consumer);
        // Accepted for Mon 4 May; decided on Wed 6 May (say, after a queue): that day.
        let d1 = accepted(&c, &policy, d("2026-05-06"));
        assert_eq!(d1.stage, Stage::Intake);
        assert_eq!(
            d1.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Timer(Timer::StartTrack),
                due: Due::Local(d("2026-05-06").and_hms_opt(16, 0, 0).unwrap()),
                payload: json!({}),
            }]
        );
        assert_eq!(d1.audit.data, json!({ "starts_on": "2026-05-06" }));
    }

    #[test]
    fn a_time_barred_consumer_invoice_opens_a_review() {
        let mut c = case(DebtorKind::Consumer);
        c.claim.invoices[0].due_date = d("2024-05-03");
        // Due 3 May 2024: two years end on 3 May 2026; on 4 May 2026 it may be time-barred.
        let policy = TrackPolicy::default();
        let doubts = intake_doubts(&c, &policy, d("2026-05-04"));
        assert_eq!(doubts.len(), 1, "{doubts:?}");
        assert!(doubts[0].contains("since 2026-05-04"), "{doubts:?}");
        assert!(intake_doubts(&c, &policy, d("2026-05-03")).is_empty());
    }

    #[test]
    fn a_consumer_invoice_not_overdue_yet_opens_a_review() {
        let policy = TrackPolicy::default();
        let c = case(DebtorKind::Consumer);
        // Due Sun 1 March 2026: on that day not overdue yet; from 2 March it is.
        let doubts = intake_doubts(&c, &policy, d("2026-03-01"));
        assert_eq!(doubts.len(), 1, "{doubts:?}");
        assert!(doubts[0].contains("not overdue yet"), "{doubts:?}");
        assert!(intake_doubts(&c, &policy, d("2026-03-02")).is_empty());
        // A business's sommatie may go before: no such doubt.
        let b = case(DebtorKind::Business);
        assert!(intake_doubts(&b, &policy, d("2026-03-01")).is_empty());
    }

    /// Reviewed on Fri 27 February 2026 with `proceed`, the invoice due Sun 1 March: the
    /// letter is not recorded as sent (its document could not be made, and a 14-dagenbrief
    /// before the due date is none); it goes at the cut-off of Mon 2 March, without a second
    /// review.
    #[test]
    fn proceeding_before_the_due_date_sends_the_letter_once_it_is_overdue() {
        let policy = TrackPolicy::default();
        let c = case(DebtorKind::Consumer);
        let waits = reviewed(&c, &policy, d("2026-02-27"), "proceed", "");
        assert_eq!(waits.stage, Stage::Intake);
        assert!(waits.track.letter_sent_on.is_none());
        assert!(waits.track.intake_reviewed);
        assert_eq!(
            waits.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Timer(Timer::StartTrack),
                due: Due::Local(d("2026-03-02").and_time(policy.intake_cutoff)),
                payload: json!({}),
            }]
        );
        let mut waiting = c.clone();
        waiting.track = waits.track;
        // Below the client's minimum too: the person's proceed stands, no second review.
        let strict = TrackPolicy {
            minimum_for_legal_action_cents: i64::MAX,
            ..policy.clone()
        };
        let sent = start_track(&waiting, &strict, d("2026-03-02"));
        assert_eq!(sent.stage, Stage::Letter);
        assert_eq!(sent.track.letter_sent_on, Some(d("2026-03-02")));
        // Once overdue, proceed sends at once.
        let now = reviewed(&c, &policy, d("2026-03-02"), "proceed", "");
        assert_eq!(now.track.letter_sent_on, Some(d("2026-03-02")));
    }

    #[test]
    fn a_principal_below_the_minimum_opens_a_review() {
        let c = case(DebtorKind::Consumer);
        let principal = c.principal().to_cents().expect("cents");
        let at = |minimum_for_legal_action_cents| TrackPolicy {
            minimum_for_legal_action_cents,
            ..TrackPolicy::default()
        };
        let today = c.claim.invoices[0].due_date + Days::new(1);
        // At the minimum the claim goes on; one cent above the principal it does not.
        assert!(intake_doubts(&c, &at(principal), today).is_empty());
        let doubts = intake_doubts(&c, &at(principal + 1), today);
        assert_eq!(doubts.len(), 1, "{doubts:?}");
        assert!(doubts[0].contains("minimum for legal action"), "{doubts:?}");
        let decided = start_track(&c, &at(principal + 1), today);
        assert_eq!(decided.stage, Stage::Intake);
        assert!(matches!(
            decided.effects.as_slice(),
            [Effect::OpenTask(NewTask { kind, .. })] if kind == task_kind::INTAKE_REVIEW
        ));
    }

    #[test]
    fn a_sommatie_ending_on_koningsdag_runs_on() {
        let policy = TrackPolicy {
            demand_term_days: 14,
            ..TrackPolicy::default()
        };
        let c = case(DebtorKind::Business);
        // Sent Mon 13 Apr 2026 + 14 days = Mon 27 Apr 2026, Koningsdag → Tue 28 Apr.
        let d1 = send_letter(&c, &policy, d("2026-04-13"));
        assert_eq!(d1.track.letter_term_ends_on, Some(d("2026-04-28")));
    }
}
