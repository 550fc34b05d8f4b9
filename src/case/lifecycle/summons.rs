//! The dagvaarding: drafted with the competent court, the hearing date (art. 114 Rv), the
//! claim as of the hearing date and the fees of that year; approved by a person when the
//! policy says so; served on the planned day; the hearing comes.

use chrono::{Days, NaiveDate};
use serde_json::json;

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
use crate::law::courts::seat_for;
use crate::law::money::Money;
use crate::law::procedure::{
    BailiffAct, ClaimValue, Court, FeePayer, competent_court, earliest_hearing_date,
    kanton_court_fee,
};

fn cents(m: Money) -> i64 {
    m.to_cents().unwrap_or_default()
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
        Court::Kantonrechter => kanton_court_fee(
            hearing,
            ClaimValue::Amount(at_service.total),
            if track.client_is_legal_person {
                FeePayer::LegalPerson
            } else {
                FeePayer::NaturalPerson
            },
        )
        .ok_or_else(|| format!("no kanton court fee table for {}", hearing.format("%Y")))?,
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
    let bailiff = super::bailiff_fee_owed(&case, BailiffAct::Summons, planned)
        .ok_or("no Btag tariff for the service date")?;
    let city = &case.claim.debtor.address.city;
    let court = match seat_for(city) {
        Some(seat) => format!(
            "{}, kantonrechter, zittingsplaats {}",
            seat.court, seat.location
        ),
        None => format!(
            "kantonrechter van de woonplaats van de gedaagde ({city}); not in the court \
             table: the case handler names the court and its address before approving"
        ),
    };
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
    })
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

/// Drafts the summons and moves to the summons stage; the draft waits for approval or is
/// served on the planned day.
pub(crate) fn draft(
    case: &CaseRecord,
    mut track: TrackState,
    policy: &TrackPolicy,
    today: NaiveDate,
    kind: &'static str,
) -> Decision {
    let s = match figures(case, &track, policy, today) {
        Ok(s) => s,
        Err(problem) => {
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
                reason: "summons_draft".into(),
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
        return Err(Rejection::Unknown("no dagvaarding was drafted".into()));
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
        figures(case, &track, policy, today).map_err(Rejection::Unknown)?
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

/// The planned service day: served; the hearing is awaited.
pub(crate) fn served(case: &CaseRecord, today: NaiveDate) -> Result<Decision, Rejection> {
    let mut track = case.track.clone();
    let Some(s) = track
        .summons
        .as_mut()
        .filter(|s| s.approved && s.served_on.is_none())
    else {
        return Err(Rejection::WrongStage {
            event: "timer_fired",
            stage: case.stage.as_str(),
        });
    };
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

/// The hearing date: the case waits for the vonnis.
pub(crate) fn hearing(case: &CaseRecord, today: NaiveDate) -> Result<Decision, Rejection> {
    let mut d = stay(
        case,
        case.track.clone(),
        "hearing_held",
        format!("hearing date {today}; waiting for the judgment"),
        Vec::new(),
    );
    d.stage = Stage::Judgment;
    Ok(d)
}
