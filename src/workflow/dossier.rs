//! The data of the documents the track puts in the dossier beyond the letters: the
//! dagvaarding draft and the writ serving the judgment, from the case as recorded — every
//! figure the track's own ([`owed`]), so a document and `QuoteCase` never differ.

use chrono::{Days, NaiveDate, NaiveTime};

use crate::case::track::owed;
use crate::case::{CaseRecord, Client, DebtorKind, TrackPolicy};
use crate::documents::{
    CourtLocation, JudgmentInput, JudgmentService, Office, SummonsDraft, SummonsInput,
};
use crate::law::courts::seat_for;
use crate::law::money::Money;
use crate::law::quote::PaymentInput;

/// The hour of a cause-list hearing (*rolzitting*) the draft names. UNVERIFIED: 10:00 is
/// the usual hour; each court's roster may differ, and a person approves the draft.
const CAUSE_LIST_HOUR: u32 = 10;

/// The court location for the debtor's place of residence, or a placeholder the case
/// handler fills in before approving (the table has only the courts' seats).
fn court_location(case: &CaseRecord) -> CourtLocation {
    let city = &case.claim.debtor.address.city;
    match seat_for(city) {
        Some(seat) => CourtLocation {
            court: seat.court.into(),
            location: seat.location.into(),
            street: seat.street.into(),
            postcode: seat.postcode.into(),
            city: seat.city.into(),
        },
        None => CourtLocation {
            court: format!("[rechtbank van het arrondissement {city}]"),
            location: format!("[zittingsplaats voor {city}]"),
            street: "[adres gerechtsgebouw]".into(),
            postcode: String::new(),
            city: String::new(),
        },
    }
}

/// The dagvaarding draft as recorded on the case, drafted on `on`.
pub(super) fn summons_draft(
    office: &Office,
    client: &Client,
    case: &CaseRecord,
    policy: &TrackPolicy,
    on: NaiveDate,
    payments: Vec<PaymentInput>,
) -> Result<SummonsDraft, String> {
    let s = case
        .track
        .summons
        .as_ref()
        .ok_or("the case has no summons")?;
    let letter = match case.claim.debtor.kind {
        DebtorKind::Consumer => "de 14-dagenbrief",
        DebtorKind::Business => "de sommatie",
    };
    let evidence = vec![
        format!(
            "de facturen {}",
            case.claim
                .invoices
                .iter()
                .map(|i| i.number.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        match case.track.letter_sent_on {
            Some(sent) => format!("{letter} van {}", crate::law::format_date_nl(sent)),
            None => letter.to_owned(),
        },
    ];
    SummonsDraft::build(
        office,
        client,
        case,
        SummonsInput {
            drafted_on: on,
            planned_service_on: s.planned_service_on.ok_or("no planned service day")?,
            court: court_location(case),
            hearing_on: s.hearing_date.ok_or("no hearing date")?,
            hearing_time: NaiveTime::from_hms_opt(CAUSE_LIST_HOUR, 0, 0).unwrap_or_default(),
            letter_sent_on: case.track.letter_sent_on,
            delivery_days: policy.letter_delivery_days,
            payments,
            defences: Vec::new(),
            evidence,
            witnesses: Vec::new(),
        },
    )
    .map_err(|e| e.to_string())
}

/// The writ serving the judgment with the order to pay, as of its service day: what is
/// open then by the track's figures (the interest up to that day as one sum; it runs on
/// from the next), the judgment's legal costs and this writ's fee.
pub(super) fn judgment_writ(
    office: &Office,
    client: &Client,
    case: &CaseRecord,
    policy: &TrackPolicy,
) -> Result<JudgmentService, String> {
    let judgment = case
        .track
        .judgment
        .as_ref()
        .ok_or("no judgment registered")?;
    let execution = case
        .track
        .execution
        .as_ref()
        .ok_or("the judgment was not served")?;
    let served_on = execution.served_on.ok_or("no service day")?;
    let open = owed(case, policy, served_on)?;
    let service_fee = Money::from_cents(execution.service_fee_cents);
    JudgmentService::build(
        office,
        client,
        case,
        JudgmentInput {
            served_on,
            court: case
                .track
                .summons
                .as_ref()
                .map(|s| s.court.clone())
                .unwrap_or_default(),
            judgment_on: judgment.judgment_date.ok_or("no judgment date")?,
            court_case_number: judgment.court_case_number.clone(),
            default_judgment: judgment.kind == "default",
            principal: open.quote.principal,
            awarded_interest: open.quote.interest,
            interest_from: served_on + Days::new(1),
            collection_costs: open.quote.collection_costs + open.quote.collection_costs_vat,
            legal_costs: (open.legal_costs - service_fee).max(Money::ZERO),
            post_judgment_costs: Money::ZERO,
            paid: Money::ZERO,
        },
    )
    .map_err(|e| e.to_string())
}
