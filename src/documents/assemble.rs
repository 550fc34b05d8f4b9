//! A document's data assembled from the case as it stands: the office that writes, the
//! client, the case with its policy, and the law's figures on the document's day (every
//! figure the track's own, [`owed`], so a document and `QuoteCase` never differ). Pure: no
//! store and no clock; the engine loads the case, asks for a document here and stores it.

use chrono::{Days, NaiveDate, NaiveTime};

use super::{
    AttachmentNotice, CourtLocation, Demand, DocumentData, DocumentKind, EnforceableTitle,
    FinalStatement, FinalStatementInput, FourteenDayLetter, Garnishment, GarnishmentInput,
    GarnishmentKind, GoodsAttachment, GoodsAttachmentInput, Insolvency, JudgmentInput,
    JudgmentService, Office, Party, PaymentPlanConfirmation, Payout, Receipt, Release,
    ReleaseReason, SummonsDraft, SummonsInput,
};
use crate::case::recoverability::InsolvencyKind;
use crate::case::track::{PaymentRecord, owed};
use crate::case::{CaseRecord, Client, CloseReason, DebtorKind, TrackPolicy};
use crate::law::courts::seat_for;
use crate::law::money::Money;
use crate::law::quote::PaymentInput;

/// What the case gives for a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Assembled {
    /// The data to render and store (boxed: a document's data is large beside a reason).
    Data(Box<DocumentData>),
    /// The law allows no such document for this case (e.g. a 14-dagenbrief a person let go
    /// early at intake): not a failure to retry; the reason goes in the dossier.
    Skipped(String),
}

/// What the store knows beside the case that a document needs: the attachment a render
/// job names (1-based), and the payouts already made to the client for the case.
#[derive(Clone, Debug, Default)]
pub struct StoredFacts {
    /// The attachment the writ is for; `None`: the last under a garnishee.
    pub attachment: Option<usize>,
    /// The payouts made for the case, oldest first (the final statement).
    pub payouts: Vec<Payout>,
}

/// The data of the `kind` document of `case` on day `on`, written by `office` for
/// `client` under the case's `policy`; the payments received by `on` count.
pub fn assemble(
    kind: DocumentKind,
    office: &Office,
    client: &Client,
    case: &CaseRecord,
    policy: &TrackPolicy,
    on: NaiveDate,
    facts: &StoredFacts,
) -> Result<Assembled, String> {
    let attachment = facts.attachment;
    let payments: Vec<PaymentInput> = case
        .track
        .payments
        .iter()
        .filter(|p| p.paid_on <= on)
        .map(|p| PaymentInput {
            paid_on: p.paid_on,
            amount: Money::from_cents(p.amount_cents),
            invoice_number: p.invoice_number.clone(),
        })
        .collect();
    if kind == DocumentKind::FourteenDayLetter
        && let Some(reason) = FourteenDayLetter::not_applicable(case, on)
    {
        return Ok(Assembled::Skipped(reason));
    }
    let data = match kind {
        DocumentKind::FourteenDayLetter => DocumentData::FourteenDayLetter(
            FourteenDayLetter::build(
                office,
                client,
                case,
                on,
                policy.letter_delivery_days,
                &payments,
            )
            .map_err(|e| e.to_string())?,
        ),
        DocumentKind::Demand => DocumentData::Demand(
            Demand::build(office, client, case, on, policy.demand_term_days, &payments)
                .map_err(|e| e.to_string())?,
        ),
        DocumentKind::PaymentPlan => {
            let plan = case.track.plan.clone().ok_or("the case has no plan")?;
            let instalments: Vec<(NaiveDate, Money)> = plan
                .instalments
                .iter()
                .filter_map(|i| i.due_on.map(|d| (d, Money::from_cents(i.amount_cents))))
                .collect();
            DocumentData::PaymentPlan(
                PaymentPlanConfirmation::build(
                    office,
                    client,
                    case,
                    on,
                    case.track.letter_sent_on,
                    policy.letter_delivery_days,
                    &payments,
                    &instalments,
                    policy.plan_grace_days,
                )
                .map_err(|e| e.to_string())?
                .owing(&owed(case, policy, on)?),
            )
        }
        DocumentKind::FinalStatement => DocumentData::FinalStatement(final_statement(
            office,
            client,
            case,
            policy,
            on,
            facts.payouts.clone(),
        )?),
        DocumentKind::Summons => {
            DocumentData::Summons(summons_draft(office, client, case, policy, on, payments)?)
        }
        DocumentKind::JudgmentService => {
            DocumentData::JudgmentService(judgment_writ(office, client, case, policy)?)
        }
        // Built from the last attachment under a garnishee (its record: who, the day laid).
        DocumentKind::Garnishment | DocumentKind::AttachmentNotice | DocumentKind::Release => {
            attachment_document(kind, office, client, case, policy, on, attachment)?
        }
        DocumentKind::GoodsAttachment => {
            DocumentData::GoodsAttachment(goods_document(office, client, case, policy)?)
        }
        // The release of the last attachment of goods, to the debtor.
        DocumentKind::GoodsRelease => DocumentData::GoodsRelease(
            Release::of_goods(
                &goods_document(office, client, case, policy)?,
                on,
                release_reason(case),
                None,
            )
            .map_err(|e| e.to_string())?,
        ),
    };
    Ok(Assembled::Data(Box::new(data)))
}

/// The final statement document from the track's figures on the closing day: the claim's
/// principal and what interest and costs came to (paid and still open), every receipt,
/// and the payouts made for the case so far.
fn final_statement(
    office: &Office,
    client: &Client,
    case: &CaseRecord,
    policy: &TrackPolicy,
    on: NaiveDate,
    payouts: Vec<Payout>,
) -> Result<FinalStatement, String> {
    let open = owed(case, policy, on)?;
    let paid = |f: fn(&PaymentRecord) -> i64| {
        Money::from_cents(case.track.payments.iter().map(f).sum::<i64>())
    };
    let paid_if = |which: fn(&PaymentRecord) -> bool, f: fn(&PaymentRecord) -> i64| {
        Money::from_cents(case.track.payments.iter().filter(|p| which(p)).map(f).sum())
    };
    let close_reason = match case.close_reason {
        Some(CloseReason::Paid) => "volledig betaald",
        Some(CloseReason::Uncollectable) => "oninbaar",
        Some(CloseReason::Withdrawn) => "ingetrokken door de opdrachtgever",
        Some(CloseReason::Dismissed) => "vordering afgewezen door de rechter",
        None => "gesloten",
    };
    let insolvency = case
        .track
        .recoverability
        .as_ref()
        .filter(|_| case.close_reason == Some(CloseReason::Uncollectable))
        .and_then(|r| {
            let number = r.verdict.insolvency_number.clone()?;
            // The statement's own words for the kind; a number of no known kind is read
            // as a faillissement, the common case.
            let kind = match InsolvencyKind::from_insolvency_number(&number) {
                Some(InsolvencyKind::SuspensionOfPayments) => "surseance van betaling",
                Some(InsolvencyKind::DebtRestructuring) => "schuldsaneringsregeling (WSNP)",
                Some(InsolvencyKind::Bankruptcy) | None => "faillissement",
            };
            Some(Insolvency {
                kind: kind.into(),
                administrator: r.verdict.administrator_name(),
                administrator_address: r.verdict.administrator_address(),
                case_number: number,
            })
        });
    let input = FinalStatementInput {
        drafted_on: on,
        close_reason: close_reason.into(),
        // What each came to, paid and still open, as the track owes it: over a judgment's
        // awarded sums where they govern (the invoices' total would show the part the
        // court did not award as still outstanding).
        principal: paid(|p| p.to_principal_cents) + open.quote.principal,
        interest: paid(|p| p.to_interest_cents) + open.quote.interest,
        collection_costs: paid(|p| p.to_costs_cents)
            + open.quote.collection_costs
            + open.quote.collection_costs_vat,
        legal_costs: paid(|p| p.to_legal_costs_cents) + open.legal_costs,
        receipts: case
            .track
            .payments
            .iter()
            .filter(|p| p.amount_cents > 0)
            .map(|p| Receipt {
                received_on: p.paid_on,
                amount: Money::from_cents(p.amount_cents),
                description: if p.paid_to_client {
                    "rechtstreeks aan u betaald".into()
                } else {
                    "betaling debiteur".into()
                },
            })
            .collect(),
        // Split as the payouts split it (`bank::payout::share`).
        received_by_client: paid_if(|p| p.paid_to_client, |p| p.amount_cents),
        retained: paid_if(
            |p| !p.paid_to_client,
            |p| p.to_costs_cents + p.to_legal_costs_cents,
        ),
        charged_to_client: paid_if(
            |p| p.paid_to_client,
            |p| p.to_costs_cents + p.to_legal_costs_cents,
        ) + Money::from_cents(
            case.track
                .client_charges()
                .iter()
                .map(|c| c.amount_cents)
                .sum(),
        ),
        refunded: paid_if(|p| !p.paid_to_client, |p| p.overpaid_cents),
        payouts,
        insolvency,
    };
    FinalStatement::build(office, client, case, input).map_err(|e| e.to_string())
}

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
fn summons_draft(
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
            defences: case
                .track
                .defences
                .iter()
                .map(|d| match d.raised_on {
                    Some(on) => format!("{} ({})", d.text, crate::law::format_date_nl(on)),
                    None => d.text.clone(),
                })
                .collect(),
            evidence,
            witnesses: Vec::new(),
        },
    )
    .map_err(|e| e.to_string())
}

/// The writ serving the judgment with the order to pay, as of its service day: what is
/// open then by the track's figures (the interest up to that day as one sum; it runs on
/// from the next), the judgment's legal costs and this writ's fee.
fn judgment_writ(
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
    let recorded = case
        .track
        .services
        .iter()
        .rev()
        .find(|s| s.act == "judgment" && s.on == Some(served_on));
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
            // As the bailiff recorded the service of that day (`record_service`).
            left_with: recorded
                .filter(|s| !s.left_with.is_empty())
                .map(|s| s.left_with.clone()),
            by_envelope: recorded.is_some_and(|s| s.outcome == "closed_envelope"),
            statutory_interest: match judgment.interest_kind.as_str() {
                "statutory" => Some(true),
                "commercial" => Some(false),
                _ => None,
            },
        },
    )
    .map_err(|e| e.to_string())
}

/// What an attachment's writ rests on: the day the `index`th attachment was laid, the
/// served judgment, and the case as it stood before it (whose figures it is laid for).
fn laid(
    case: &CaseRecord,
    index: usize,
) -> Result<(NaiveDate, EnforceableTitle, CaseRecord), String> {
    let execution = case
        .track
        .execution
        .as_ref()
        .ok_or("the judgment was not served")?;
    let laid_on = execution
        .attachments
        .get(index)
        .and_then(|a| a.made_on)
        .ok_or("no day laid")?;
    let judgment = case
        .track
        .judgment
        .as_ref()
        .ok_or("no judgment registered")?;
    let title = EnforceableTitle {
        court: case
            .track
            .summons
            .as_ref()
            .map(|s| s.court.clone())
            .unwrap_or_default(),
        judgment_on: judgment.judgment_date.ok_or("no judgment date")?,
        court_case_number: judgment.court_case_number.clone(),
        served_on: execution.served_on.ok_or("no service day")?,
    };
    let mut before = case.clone();
    if let Some(e) = before.track.execution.as_mut() {
        e.attachments.truncate(index);
    }
    Ok((laid_on, title, before))
}

/// The proces-verbaal of the last attachment of goods, from its record: the day laid, the
/// inventory and valuation; the amount claimed is the law's figure that day before the
/// attachment's own costs.
fn goods_document(
    office: &Office,
    client: &Client,
    case: &CaseRecord,
    policy: &TrackPolicy,
) -> Result<GoodsAttachment, String> {
    let execution = case
        .track
        .execution
        .as_ref()
        .ok_or("the judgment was not served")?;
    let index = execution
        .attachments
        .iter()
        .rposition(|a| a.result == "attached" && a.kind == "goods")
        .ok_or("no attachment of goods")?;
    let record = &execution.attachments[index];
    let (laid_on, title, before) = laid(case, index)?;
    GoodsAttachment::build(
        office,
        client,
        case,
        GoodsAttachmentInput {
            laid_on,
            title,
            amount_claimed: owed(&before, policy, laid_on)?.total,
            inventory: record.inventory.clone(),
            valuation: Money::from_cents(record.valuation_cents),
            left_with: None,
        },
    )
    .map_err(|e| e.to_string())
}

/// The writ of an attachment under a garnishee (the one `attachment` numbers, else the
/// last), its notice to the debtor, or its release, from the attachment's record: the garnishee, the day laid, the protected
/// income; the amount claimed is the law's figure that day before the attachment's own
/// costs.
fn attachment_document(
    kind: DocumentKind,
    office: &Office,
    client: &Client,
    case: &CaseRecord,
    policy: &TrackPolicy,
    on: NaiveDate,
    attachment: Option<usize>,
) -> Result<DocumentData, String> {
    let execution = case
        .track
        .execution
        .as_ref()
        .ok_or("the judgment was not served")?;
    let under_garnishee = |a: &crate::case::track::AttachmentRecord| {
        a.result == "attached" && a.kind != "goods" && !a.garnishee.is_empty()
    };
    let index = match attachment {
        Some(number) => number
            .checked_sub(1)
            .filter(|&i| execution.attachments.get(i).is_some_and(under_garnishee))
            .ok_or_else(|| format!("no attachment {number} under a garnishee"))?,
        // A job from before attachments were named: the last.
        None => execution
            .attachments
            .iter()
            .rposition(under_garnishee)
            .ok_or("no attachment under a garnishee")?,
    };
    let record = &execution.attachments[index];
    let (laid_on, title, before) = laid(case, index)?;
    let field = |i: usize| record.garnishee.get(i).cloned().unwrap_or_default();
    let attachment = Garnishment::build(
        office,
        client,
        case,
        GarnishmentInput {
            laid_on,
            kind: if record.kind == "wages" {
                GarnishmentKind::Wages
            } else {
                GarnishmentKind::Bank
            },
            garnishee: Party {
                name: field(0),
                street: field(1),
                postcode: field(2),
                city: field(3),
                country: "NL".into(),
                kvk_number: String::new(),
            },
            title,
            amount_claimed: owed(&before, policy, laid_on)?.total,
            protected_income: record.protected_income_cents.map(Money::from_cents),
            left_with: None,
        },
    )
    .map_err(|e| e.to_string())?;
    Ok(match kind {
        DocumentKind::AttachmentNotice => DocumentData::AttachmentNotice(
            AttachmentNotice::build(
                office,
                client,
                case,
                &attachment,
                on,
                record.protected_income_explanation.clone(),
                None,
            )
            .map_err(|e| e.to_string())?,
        ),
        DocumentKind::Release => DocumentData::Release(
            Release::build(
                office,
                client,
                case,
                &attachment,
                on,
                release_reason(case),
                None,
            )
            .map_err(|e| e.to_string())?,
        ),
        _ => DocumentData::Garnishment(attachment),
    })
}

/// Why an attachment of `case` is released: paid, or closed otherwise.
fn release_reason(case: &CaseRecord) -> ReleaseReason {
    if case.close_reason == Some(CloseReason::Paid) {
        ReleaseReason::Paid
    } else {
        ReleaseReason::Closed
    }
}
