//! The dagvaarding: drafted with the competent court, the hearing date (art. 114 Rv), the
//! claim as of the hearing date and the fees of that year; approved by a person when the
//! policy says so; served on the planned day (or recorded by the bailiff under
//! `record_service`: [`served_recorded`], then filed and heard as `lifecycle::hearing`
//! records); the hearing comes.

use chrono::{Datelike, Days, NaiveDate};
use serde_json::json;

use super::service::ServiceAttempt;
use super::{euros, stay, task_kind, with_track};
use crate::case::claim::DebtorKind;
use crate::case::decide::CASE_HANDLER_QUEUE;
use crate::case::decision::{Decision, Due, Effect, NewTask, Rejection};
use crate::case::event::{JobKind, Timer};
use crate::case::policy::TrackPolicy;
use crate::case::record::CaseRecord;
use crate::case::stage::{Stage, Suspension};
use crate::case::track::{SummonsRecord, TrackState, owed};
use crate::law::calendar::add_working_days;
use crate::law::court_fees::{ClaimValue, CourtFeeTable, FeePayer};
use crate::law::courts::seat_for;
use crate::law::money::Money;
use crate::law::procedure::{
    BailiffAct, Court, Limitation, competent_court, earliest_hearing_date, limitation_last_day,
    writ_day_refusal,
};

fn cents(m: Money) -> i64 {
    m.to_cents().unwrap_or_default()
}

/// The kanton court fee for a claim of `value`: the office's table of the first roldatum's
/// year (Wgbz; procedure.md §3), the client's party type (a client with a KvK number pays
/// as a legal person, as the draft document says).
fn court_fee(
    fees: &CourtFeeTable,
    legal_person: bool,
    value: Money,
    hearing: NaiveDate,
) -> Option<Money> {
    let payer = if legal_person {
        FeePayer::LegalPerson
    } else {
        FeePayer::NaturalPerson
    };
    fees.fee(hearing, ClaimValue::Amount(value), payer)
}

/// The draft for service on the next working day after `today`: court, hearing date,
/// claim as of the hearing date, court fee of the hearing year for the client's party type
/// (a client with a KvK number pays as a legal person, as the draft document says) and the
/// Btag fee of the service day.
pub(crate) fn figures(
    case: &CaseRecord,
    track: &TrackState,
    policy: &TrackPolicy,
    today: NaiveDate,
) -> Result<SummonsRecord, String> {
    let case = with_track(case, track);
    let planned = add_working_days(today, 1);
    let hearing = earliest_hearing_date(planned);
    // The claim's value for competence and the fee class: principal, collection costs and
    // interest fallen due up to the summons (art. 93 Rv; Wgbz).
    let at_service = owed(&case, policy, planned)?;
    let at_hearing = owed(&case, policy, hearing)?;
    let consumer = case.claim.debtor.kind == DebtorKind::Consumer;
    let court = competent_court(at_service.total, consumer, planned)
        .ok_or("no kanton limit known for the service date")?;
    let court_fee = match court {
        Court::Kantonrechter => court_fee(
            &policy.court_fees,
            track.client_is_legal_person,
            at_service.total,
            hearing,
        )
        .ok_or_else(|| {
            format!(
                "no kanton court fee table for {}: add it (AdminService.AddCourtFees), then \
                 resume the case",
                hearing.format("%Y")
            )
        })?,
        Court::Rechtbank => {
            // Above the kanton limit the claimant appears by an advocaat (art. 111 lid 2
            // sub c and h Rv): the office drafts no summons of its own.
            return Err(format!(
                "the claim of {} at service exceeds the kantonrechter's limit: the rechtbank \
                 hears it, where an advocaat must act for the client — hand the case to a \
                 lawyer (the rechtbank's court fees are not in the law tables either)",
                at_service.total.format_nl()
            ));
        }
    };
    let bailiff =
        super::bailiff_fee_owed(&case, policy, BailiffAct::Summons, planned).ok_or_else(|| {
            format!(
                "no Btag tariff for {}: add the year's bailiff tariffs \
                 (AdminService.AddBailiffTariffs), then resume the case",
                planned.format("%Y")
            )
        })?;
    let court = court_of(&case.claim.debtor.address.city);
    Ok(SummonsRecord {
        court,
        subdistrict: true,
        planned_service_on: Some(planned),
        hearing_date: Some(hearing),
        served_on: None,
        claim_total_cents: cents(at_hearing.total),
        court_fee_cents: cents(court_fee),
        bailiff_fee_cents: cents(bailiff),
        approved: false,
        enrol_by: None,
        enrolled_on: None,
    })
}

/// The kantonrechter of a debtor living in `city` (art. 99 Rv), as the summons names it.
pub(super) fn court_of(city: &str) -> String {
    match seat_for(city) {
        Some(seat) => format!(
            "{}, kantonrechter, zittingsplaats {}",
            seat.court, seat.location
        ),
        None => format!(
            "kantonrechter van de woonplaats van de gedaagde ({city}); not in the court \
             table: the case handler names the court and its address before approving"
        ),
    }
}

fn approval_task(s: &SummonsRecord) -> Effect {
    Effect::OpenTask(NewTask {
        kind: task_kind::SUMMONS_APPROVAL.into(),
        queue: CASE_HANDLER_QUEUE.into(),
        title: "Approve the dagvaarding".into(),
        details: json!({ "summons": s }),
        outcomes: vec!["approve".into(), "reject".into()],
    })
}

fn serve_on(s: &SummonsRecord) -> Effect {
    Effect::ScheduleJob {
        kind: JobKind::Timer(Timer::SummonsServed),
        due: Due::StartOf(s.planned_service_on.unwrap_or_default()),
        payload: json!({}),
    }
}

/// Why the claim may be time-barred on `service_on`, the day the summons would interrupt
/// limitation: an invoice whose period, counted again from its last interruption (the
/// letter, art. 3:317 BW; a payment, which acknowledges the debt, art. 3:318), ran out
/// before. The periods as at intake (`intake::intake_doubts`): a consumer's claim taken as
/// a consumer purchase (art. 7:28 BW, two years), else five (art. 3:307). Limitation is
/// never applied ex officio (art. 3:322): the case waits for a person, whose Resume drafts
/// the summons all the same.
fn time_barred(case: &CaseRecord, service_on: NaiveDate) -> Option<String> {
    let kind = match case.claim.debtor.kind {
        DebtorKind::Consumer => Limitation::ConsumerPurchase,
        DebtorKind::Business => Limitation::Contract,
    };
    let mut interruptions: Vec<NaiveDate> = case
        .track
        .payments
        .iter()
        .map(|p| p.paid_on)
        .chain(case.track.letter_sent_on)
        .filter(|day| *day <= service_on)
        .collect();
    interruptions.sort_unstable();
    case.claim.invoices.iter().find_map(|invoice| {
        // Each interruption within the running period starts a new one (art. 3:319); one
        // after it ran out revives nothing.
        let start = interruptions
            .iter()
            .filter(|day| **day > invoice.due_date)
            .fold(invoice.due_date, |start, day| {
                if *day <= limitation_last_day(kind, start) {
                    *day
                } else {
                    start
                }
            });
        let last = limitation_last_day(kind, start);
        (last < service_on).then(|| {
            format!(
                "invoice {} may be time-barred since {} ({} years from {start}, the last \
                 interruption): resume the case to summon all the same",
                invoice.number,
                last + Days::new(1),
                kind.years()
            )
        })
    })
}

/// Drafts the summons and moves to the summons stage; the draft waits for approval or is
/// served on the planned day.
pub(crate) fn draft(
    case: &CaseRecord,
    mut track: TrackState,
    policy: &TrackPolicy,
    today: NaiveDate,
    kind: &'static str,
) -> Decision {
    let barred = (!track.limitation_accepted)
        .then(|| time_barred(&with_track(case, &track), add_working_days(today, 1)))
        .flatten();
    let figured = match barred {
        Some(problem) => Err(("limitation", problem)),
        None => figures(case, &track, policy, today).map_err(|p| ("summons_draft", p)),
    };
    let s = match figured {
        Ok(s) => s,
        Err((reason, problem)) => {
            let mut d = stay(
                case,
                track,
                kind,
                format!("the dagvaarding cannot be drafted: {problem}; on hold"),
                Vec::new(),
            );
            d.stage = Stage::Summons;
            d.suspension = Suspension::OnHold;
            d.track.hold = Some(crate::case::track::HoldRecord {
                reason: reason.into(),
                note: problem,
                since: Some(today),
            });
            return d;
        }
    };
    let mut s = s;
    s.approved = !policy.approve_summons;
    let effect = if s.approved {
        serve_on(&s)
    } else {
        approval_task(&s)
    };
    let amounts = vec![
        ("claim_total", Money::from_cents(s.claim_total_cents)),
        ("court_fee", Money::from_cents(s.court_fee_cents)),
        ("bailiff_fee", Money::from_cents(s.bailiff_fee_cents)),
    ];
    let reason = format!(
        "dagvaarding drafted: {}, service {}, hearing {}, claim {} as of the hearing",
        s.court,
        s.planned_service_on.unwrap_or_default(),
        s.hearing_date.unwrap_or_default(),
        euros(s.claim_total_cents)
    );
    let data = json!({ "summons": s });
    track.summons = Some(s);
    // The draft as a document in the dossier, for the person who approves it.
    let effects = vec![effect, super::render("summons", today)];
    let mut d = stay(case, track, kind, reason, effects);
    d.stage = Stage::Summons;
    d.audit.amounts = amounts;
    d.audit.data = data;
    d
}

/// A person's answer to the approval task: approved drafts are served on the planned day
/// (redrafted for the next working day when that day has passed).
pub(crate) fn reviewed(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    outcome: &str,
    note: &str,
) -> Result<Decision, Rejection> {
    let Some(current) = case.track.summons.clone() else {
        return Err(Rejection::NoSummons);
    };
    if outcome != "approve" {
        let mut track = case.track.clone();
        track.hold = Some(crate::case::track::HoldRecord {
            reason: "summons_rejected".into(),
            note: note.to_owned(),
            since: Some(today),
        });
        let mut d = stay(
            case,
            track,
            "summons_rejected",
            format!("the dagvaarding was rejected: {note}; on hold until resumed"),
            Vec::new(),
        );
        d.suspension = Suspension::OnHold;
        return Ok(d);
    }
    let mut track = case.track.clone();
    let mut s = if current.planned_service_on.is_some_and(|p| p <= today) {
        figures(case, &track, policy, today).map_err(Rejection::SummonsDraft)?
    } else {
        current
    };
    s.approved = true;
    let effect = serve_on(&s);
    let reason = format!(
        "dagvaarding approved; service on {}",
        s.planned_service_on.unwrap_or_default()
    );
    let data = json!({ "summons": s, "note": note });
    track.summons = Some(s);
    let mut d = stay(case, track, "summons_approved", reason, vec![effect]);
    d.audit.data = data;
    Ok(d)
}

/// The approved, unserved summons of `track`; the service day's timer is stale otherwise.
fn to_serve<'a>(
    case: &CaseRecord,
    track: &'a mut TrackState,
) -> Result<&'a mut SummonsRecord, Rejection> {
    track
        .summons
        .as_mut()
        .filter(|s| s.approved && s.served_on.is_none())
        .ok_or(Rejection::WrongStage {
            event: "timer_fired",
            stage: case.stage.as_str(),
        })
}

/// The planned service day under a policy that records the service: the bailiff is asked
/// what happened (`lifecycle::service`).
pub(crate) fn service_due(case: &CaseRecord, today: NaiveDate) -> Result<Decision, Rejection> {
    to_serve(case, &mut case.track.clone())?;
    Ok(super::service::due(case, today))
}

/// The summons served as the bailiff recorded it (`lifecycle::service`): the Btag fee of
/// the real service day; the hearing follows the real service (art. 114/119 Rv: a week
/// after it at the least; the drafted date stands when it still leaves that week); the
/// writ is to be filed with the registry before it (`lifecycle::hearing`).
pub(crate) fn served_recorded(
    case: &CaseRecord,
    policy: &TrackPolicy,
    attempt: &mut ServiceAttempt,
) -> Result<Decision, Rejection> {
    let on = attempt.on.unwrap_or_default();
    let mut track = case.track.clone();
    let legal_person = track.client_is_legal_person;
    let s = to_serve(case, &mut track)?;
    let fee = super::bailiff_fee_owed(case, policy, BailiffAct::Summons, on)
        .ok_or(Rejection::NoTariff(on))?;
    let earliest = earliest_hearing_date(on);
    let drafted = s.hearing_date;
    let hearing = drafted.filter(|h| *h >= earliest).unwrap_or(earliest);
    // A roldatum moved into another year takes that year's court fee table (Wgbz: the table
    // of the first roldatum's year), over the claim at the real service; without that
    // year's table the draft's figure stands and the audit says so (the registry's nota
    // decides), rather than the service going unrecorded.
    let mut fee_note = None;
    if drafted.is_some_and(|d| d.year() != hearing.year()) && s.court_fee_cents > 0 {
        let value = owed(case, policy, on).map_err(Rejection::Figures)?.total;
        match court_fee(&policy.court_fees, legal_person, value, hearing) {
            Some(new_fee) => s.court_fee_cents = cents(new_fee),
            None => {
                fee_note = Some(format!(
                    "the roldatum moved into {}, whose court fee table the office has not \
                     added: the draft's figure stands until the registry's nota",
                    hearing.year()
                ));
            }
        }
    }
    s.served_on = Some(on);
    s.hearing_date = Some(hearing);
    s.bailiff_fee_cents = cents(fee);
    attempt.fee_cents = s.bailiff_fee_cents;
    let enrol = super::hearing::enrolment(s);
    let enrol_by = s.enrol_by.unwrap_or(hearing);
    let court_fee_cents = s.court_fee_cents;
    let mut d = stay(
        case,
        track,
        "summons_served",
        format!(
            "dagvaarding served on {on} ({}, left with {}); hearing on {hearing}; to be filed \
             with the registry by {enrol_by}",
            attempt.outcome, attempt.left_with
        ),
        vec![
            Effect::ScheduleJob {
                kind: JobKind::Timer(Timer::HearingHeld),
                due: Due::StartOf(hearing),
                payload: json!({}),
            },
            enrol,
        ],
    );
    d.audit.amounts = vec![
        ("bailiff_fee", fee),
        ("court_fee", Money::from_cents(court_fee_cents)),
    ];
    d.audit.data = json!({
        "served_on": on.to_string(),
        "hearing_date": hearing.to_string(),
        "enrol_by": enrol_by.to_string(),
    });
    if let Some(note) = fee_note {
        d.audit.data["court_fee_note"] = json!(note);
    }
    Ok(d)
}

/// The planned service day: served; the hearing is awaited.
///
/// Served after its planned day (the timer held back while the case was on hold, or the
/// engine down on that day): served today, at today's Btag fee, if the drafted roldatum
/// still lies a week ahead (art. 114 Rv) and today is a day for writs (art. 64 Rv);
/// otherwise the summons is drafted again from today (new figures, approval and document
/// as the policy asks).
pub(crate) fn served(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
) -> Result<Decision, Rejection> {
    let mut track = case.track.clone();
    let s = to_serve(case, &mut track)?;
    if s.planned_service_on.is_some_and(|planned| planned < today) {
        // No writ is served on a Sunday or a holiday (art. 64 Rv), and the timer fires
        // again on whatever day the case goes on.
        if s.hearing_date
            .is_none_or(|h| h < earliest_hearing_date(today))
            || writ_day_refusal(today).is_some()
        {
            return Ok(draft(
                case,
                case.track.clone(),
                policy,
                today,
                "summons_redrafted",
            ));
        }
        s.bailiff_fee_cents = cents(
            super::bailiff_fee_owed(case, policy, BailiffAct::Summons, today)
                .ok_or(Rejection::NoTariff(today))?,
        );
    }
    s.served_on = Some(today);
    let hearing = s.hearing_date.unwrap_or(today + Days::new(8));
    let amounts = vec![("bailiff_fee", Money::from_cents(s.bailiff_fee_cents))];
    let mut d = stay(
        case,
        track,
        "summons_served",
        format!("dagvaarding served on {today}; hearing on {hearing}"),
        vec![Effect::ScheduleJob {
            kind: JobKind::Timer(Timer::HearingHeld),
            due: Due::StartOf(hearing),
            payload: json!({}),
        }],
    );
    d.audit.amounts = amounts;
    d.audit.data = json!({ "served_on": today.to_string(), "hearing_date": hearing.to_string() });
    Ok(d)
}

/// The hearing date: the case waits for the vonnis, with the reminder to register it (the
/// track does not know whether the debtor appeared: it looks for a judgment by default).
pub(crate) fn hearing(case: &CaseRecord, today: NaiveDate) -> Decision {
    // The summons' roldatum, not the day the timer ran (later after a hold).
    let held_on = case
        .track
        .summons
        .as_ref()
        .and_then(|s| s.hearing_date)
        .unwrap_or(today);
    let expected_on = (held_on + Days::new(super::hearing::DEFAULT_JUDGMENT_DAYS)).max(today);
    let mut d = stay(
        case,
        case.track.clone(),
        "hearing_held",
        format!("hearing date {held_on}; waiting for the judgment"),
        vec![super::hearing::judgment_expected(
            held_on,
            expected_on,
            "hearing not recorded",
        )],
    );
    d.stage = Stage::Judgment;
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::decide::tests::{case, d};

    fn drafted(policy: &TrackPolicy, on: &str) -> (CaseRecord, Decision) {
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Recoverability;
        let drafted = draft(&c, c.track.clone(), policy, d(on), "recoverability_proceed");
        c.stage = drafted.stage;
        c.suspension = drafted.suspension;
        c.track = drafted.track.clone();
        (c, drafted)
    }

    /// A consumer's invoice due 1 March 2022; the letter of Wed 2 March 2022 interrupted
    /// limitation; two years from 3 March 2022 ran through 2 March 2024.
    /// A summons drafted on Mon 6 May 2024 waits for a person; their Resume drafts it.
    #[test]
    fn a_claim_that_may_be_time_barred_waits_for_a_person_before_the_summons() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.claim.invoices[0].due_date = d("2022-03-01");
        c.track.letter_sent_on = Some(d("2022-03-02"));
        c.stage = Stage::Recoverability;
        let held = draft(
            &c,
            c.track.clone(),
            &policy,
            d("2024-05-06"),
            "recoverability_proceed",
        );
        assert_eq!(held.suspension, Suspension::OnHold);
        assert!(held.track.summons.is_none());
        let hold = held.track.hold.clone().unwrap();
        assert_eq!(hold.reason, "limitation");
        assert!(
            hold.note.contains("time-barred since 2024-03-03"),
            "{}",
            hold.note
        );
        // A payment on 1 March 2024 acknowledged the debt: a new period, nothing to flag.
        let mut acknowledged = c.clone();
        acknowledged
            .track
            .payments
            .push(crate::case::track::PaymentRecord {
                paid_on: d("2024-03-01"),
                amount_cents: 1_000,
                ..Default::default()
            });
        let drafted = draft(
            &acknowledged,
            acknowledged.track.clone(),
            &policy,
            d("2024-05-06"),
            "recoverability_proceed",
        );
        assert!(drafted.track.summons.is_some(), "{}", drafted.audit.reason);
        // A payment after the period had run out (2 March 2024) revives nothing.
        let mut late = c.clone();
        late.track.payments.push(crate::case::track::PaymentRecord {
            paid_on: d("2024-04-02"),
            amount_cents: 1_000,
            ..Default::default()
        });
        let still = draft(&late, late.track.clone(), &policy, d("2024-05-06"), "x");
        assert_eq!(
            still.track.hold.map(|h| h.reason).as_deref(),
            Some("limitation")
        );
        // Resumed by a person: drafted all the same.
        c.stage = held.stage;
        c.suspension = held.suspension;
        c.track = held.track;
        let resumed = super::super::hold::resume(&c, &policy, d("2024-05-07"), "summon");
        assert!(resumed.track.limitation_accepted);
        assert_eq!(
            resumed.track.summons.map(|s| s.planned_service_on),
            Some(Some(d("2024-05-08")))
        );
    }

    #[test]
    fn a_draft_waits_for_approval_then_is_served_and_the_hearing_comes() {
        let policy = TrackPolicy::default();
        // Drafted Mon 25 May 2026 for service on the next working day, Tue 26 May.
        let (mut c, draft) = drafted(&policy, "2026-05-25");
        assert_eq!(draft.stage, Stage::Summons);
        let s = c.track.summons.clone().unwrap();
        assert_eq!(s.planned_service_on, Some(d("2026-05-26")));
        assert!(!s.approved, "the policy asks for approval");
        assert!(s.court.contains("kantonrechter"), "{}", s.court);
        assert!(matches!(
            &draft.effects[0],
            Effect::OpenTask(t) if t.kind == task_kind::SUMMONS_APPROVAL
        ));
        assert!(matches!(
            &draft.effects[1],
            Effect::ScheduleJob { payload, .. } if payload["kind"] == "summons"
        ));
        // Not approved yet: the service day's timer is stale.
        assert!(served(&c, &policy, d("2026-05-26")).is_err());
        let approved = reviewed(&c, &policy, d("2026-05-25"), "approve", "ok").unwrap();
        assert_eq!(
            approved.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Timer(Timer::SummonsServed),
                due: Due::StartOf(d("2026-05-26")),
                payload: json!({}),
            }]
        );
        c.track = approved.track;
        let hearing_date = s.hearing_date.unwrap();
        let done = served(&c, &policy, d("2026-05-26")).unwrap();
        assert_eq!(
            done.effects,
            vec![Effect::ScheduleJob {
                kind: JobKind::Timer(Timer::HearingHeld),
                due: Due::StartOf(hearing_date),
                payload: json!({}),
            }]
        );
        c.track = done.track;
        assert!(served(&c, &policy, d("2026-05-27")).is_err(), "served once");
        let held = hearing(&c, hearing_date);
        assert_eq!(held.stage, Stage::Judgment);
        // The vonnis is chased: a reminder due two weeks after the hearing.
        assert!(matches!(
            held.effects.as_slice(),
            [Effect::OpenDueTask { task, due_on, .. }]
                if task.kind == task_kind::JUDGMENT_EXPECTED
                    && *due_on == hearing_date + Days::new(14)
        ));
    }

    /// Approved for service on Tue 26 May 2026, roldatum Wed 3 June; the case was on hold
    /// over the 26th, so the service day's timer fires on resuming. On Wed 27 May the
    /// roldatum no longer lies a week ahead (27 May + 7 = 3 June, the earliest roldatum
    /// Thu 4 June): drafted again, for service on Thu 28 May. With a roldatum of Wed 10
    /// June the writ is served on the 27th as it is, but not on a Sunday.
    #[test]
    fn a_service_day_passed_on_hold_serves_late_or_drafts_again() {
        let policy = TrackPolicy::default();
        let (mut c, _) = drafted(&policy, "2026-05-25");
        c.track = reviewed(&c, &policy, d("2026-05-25"), "approve", "")
            .unwrap()
            .track;
        let s = c.track.summons.clone().unwrap();
        assert_eq!(
            (s.planned_service_on, s.hearing_date),
            (Some(d("2026-05-26")), Some(d("2026-06-03")))
        );
        let redrafted = served(&c, &policy, d("2026-05-27")).unwrap();
        let again = redrafted.track.summons.unwrap();
        assert_eq!(again.served_on, None);
        assert_eq!(again.planned_service_on, Some(d("2026-05-28")));
        assert_eq!(again.hearing_date, Some(d("2026-06-05")));
        assert!(!again.approved, "approved again, as the policy asks");

        let mut later = c.clone();
        later.track.summons.as_mut().unwrap().hearing_date = Some(d("2026-06-10"));
        let done = served(&later, &policy, d("2026-05-27")).unwrap();
        let s = done.track.summons.unwrap();
        assert_eq!(
            (s.served_on, s.hearing_date),
            (Some(d("2026-05-27")), Some(d("2026-06-10")))
        );
        // Resumed on Sunday 31 May: no writ is served on a Sunday (art. 64 Rv); drafted
        // again for Monday 1 June.
        let sunday = served(&later, &policy, d("2026-05-31")).unwrap();
        let s = sunday.track.summons.unwrap();
        assert_eq!(
            (s.served_on, s.planned_service_on),
            (None, Some(d("2026-06-01")))
        );
    }

    #[test]
    fn a_late_approval_is_redrafted_and_a_rejection_holds_the_case() {
        let policy = TrackPolicy::default();
        let (c, _) = drafted(&policy, "2026-05-25");
        // Approved on Wed 27 May, after the planned 26th: served the next working day.
        let late = reviewed(&c, &policy, d("2026-05-27"), "approve", "").unwrap();
        let s = late.track.summons.unwrap();
        assert_eq!(s.planned_service_on, Some(d("2026-05-28")));
        assert!(s.approved);
        let rejected = reviewed(&c, &policy, d("2026-05-27"), "reject", "wrong court").unwrap();
        assert_eq!(rejected.suspension, Suspension::OnHold);
        assert_eq!(
            rejected.track.hold.map(|h| h.reason),
            Some("summons_rejected".to_owned())
        );
        let mut none = c.clone();
        none.track.summons = None;
        assert_eq!(
            reviewed(&none, &policy, d("2026-05-27"), "approve", ""),
            Err(Rejection::NoSummons)
        );
    }

    #[test]
    fn a_claim_above_the_kanton_limit_waits_for_a_lawyer() {
        let policy = TrackPolicy {
            approve_summons: false,
            ..TrackPolicy::default()
        };
        // A business owes 30,000.00: above the kanton limit of 25,000 (a consumer's claim
        // stays with the kantonrechter whatever its size).
        let mut c = case(DebtorKind::Business);
        c.stage = Stage::Recoverability;
        c.claim.invoices[0].amount = Money::from_cents(3_000_000);
        let d1 = draft(
            &c,
            c.track.clone(),
            &policy,
            d("2026-05-25"),
            "recoverability_proceed",
        );
        assert_eq!(
            (d1.stage, d1.suspension),
            (Stage::Summons, Suspension::OnHold)
        );
        let hold = d1.track.hold.unwrap();
        assert_eq!(hold.reason, "summons_draft");
        assert!(hold.note.contains("advocaat"), "{}", hold.note);
        assert!(d1.effects.is_empty());
    }
}
