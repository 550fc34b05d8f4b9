//! The track's steps, one file per event (restate's `lifecycle/*.rs`), each a pure
//! function from the case as it stands to a [`Decision`], with its tests at the bottom.
//! [`super::decide`] checks the stage (its `guard`) and dispatches to them, so a step here
//! may take the stage its event applies in for granted.

pub(super) mod activity;
pub(super) mod dbr;
pub(super) mod desk;
pub(super) mod document;
pub mod enforceability;
pub mod execution;
pub mod garnishee;
pub mod hearing;
pub(super) mod hold;
pub(super) mod intake;
pub(super) mod judgment;
pub(super) mod letter;
pub(super) mod payment;
pub(super) mod plan;
pub(super) mod recoverability;
pub mod service;
pub(super) mod summons;
mod values;

pub use values::out_of_time;

use chrono::NaiveDate;
use serde_json::json;

use super::decision::{Audit, Decision, Effect};
use super::policy::TrackPolicy;
use super::record::CaseRecord;
use super::stage::{CloseReason, Stage, Suspension};
use super::track::{self, TrackState};
use crate::law::money::Money;

/// The kinds of task the track opens for a person, with the outcomes each accepts.
pub mod task_kind {
    /// Intake checks failed (limitation, below the client's minimum): `proceed` or `close`.
    pub const INTAKE_REVIEW: &str = "intake_review";
    /// A doubtful recoverability verdict: `proceed` or `stop`.
    pub const RECOVERABILITY_REVIEW: &str = "recoverability_review";
    /// Approve the drafted dagvaarding: `approve` or `reject`.
    pub const SUMMONS_APPROVAL: &str = "summons_approval";
    /// Make an attachment (beslag): `attached` or `nothing`.
    pub const ATTACHMENT: &str = "attachment";
    /// Record the service of a writ: `in_person`, `housemate`, `closed_envelope`,
    /// `domicile` or `not_served`, with values (`lifecycle::service`).
    pub const SERVICE: &str = "service";
    /// A writ was not served: `new_address`, `replan` or `stop`.
    pub const SERVICE_FAILED: &str = "service_failed";
    /// A garnishee's statement awaited (art. 476a Rv): `received`, `nothing` or
    /// `not_received`, with values (`lifecycle::garnishee`).
    pub const GARNISHEE_STATEMENT: &str = "garnishee_statement";
    /// File the served dagvaarding with the registry (art. 125 lid 2 Rv): `filed`
    /// (`lifecycle::hearing`).
    pub const ENROL: &str = "enrol";
    /// Not filed in time (art. 125 lid 5 Rv): `restored` (a herstelexploot) or `stop`.
    pub const ENROLMENT_LAPSED: &str = "enrolment_lapsed";
    /// Record the hearing (roldatum): `default`, `contested` or `adjourned`.
    pub const HEARING: &str = "hearing";
    /// A contested case waits for the judgment on the day the court named: `done` or
    /// `dismiss` (`RegisterJudgment` closes it).
    pub const JUDGMENT_EXPECTED: &str = "judgment_expected";
    /// A judgment not provisionally enforceable: the registry's statement that no verzet
    /// or appeal was lodged (art. 432 Rv): `received` or `appealed`
    /// (`lifecycle::enforceability`).
    pub const NO_APPEAL_STATEMENT: &str = "no_appeal_statement";
    /// The insolvency register's doubtful answer before an execution act (art. 33 Fw): the
    /// bailiff's own check, never the client's: `proceed` or `stop`.
    pub const EXECUTION_REVIEW: &str = "execution_review";
    /// An attachment under way whose outcome a person watches (a garnishee's statement
    /// with money in it, a bank that paid what it held, goods to sell, a garnishee that
    /// did not declare): `next_attachment` or `done` (`lifecycle::execution`).
    pub const EXECUTION_FOLLOW_UP: &str = "execution_follow_up";

    /// Every kind above: completing one runs a step of the track, so a person may not open
    /// a task of these kinds by hand (`OpenTask`).
    pub const ALL: [&str; 14] = [
        INTAKE_REVIEW,
        RECOVERABILITY_REVIEW,
        SUMMONS_APPROVAL,
        ATTACHMENT,
        SERVICE,
        SERVICE_FAILED,
        GARNISHEE_STATEMENT,
        ENROL,
        ENROLMENT_LAPSED,
        HEARING,
        JUDGMENT_EXPECTED,
        NO_APPEAL_STATEMENT,
        EXECUTION_REVIEW,
        EXECUTION_FOLLOW_UP,
    ];
}

/// A decision that leaves the standing as it is (a closed case stays closed for the same
/// reason), with `track` as the new record.
pub(super) fn stay(
    case: &CaseRecord,
    track: TrackState,
    kind: &'static str,
    reason: String,
    effects: Vec<Effect>,
) -> Decision {
    Decision {
        stage: case.stage,
        suspension: case.suspension,
        close_reason: case.close_reason,
        close_note: case.close_note.clone(),
        audit: Audit {
            kind,
            reason,
            amounts: vec![("principal", case.principal())],
            data: json!({}),
        },
        track,
        effects,
    }
}

/// `case` with `track` as its record: what the law's figures are computed over.
pub(super) fn with_track(case: &CaseRecord, track: &TrackState) -> CaseRecord {
    let mut next = case.clone();
    next.track = track.clone();
    next
}

/// Closes the case for `reason`: every job and task of it ends, and the client's final
/// statement (received, paid out, costs, outstanding, advice) is recorded and audited.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site per way of closing, each naming all"
)]
pub(super) fn close(
    case: &CaseRecord,
    mut track: TrackState,
    policy: &TrackPolicy,
    today: NaiveDate,
    kind: &'static str,
    reason: CloseReason,
    note: String,
    advice: Vec<String>,
) -> Decision {
    let statement = track::statement(&with_track(case, &track), policy, today, &note, advice);
    let cents = Money::from_cents;
    let amounts = vec![
        ("received", cents(statement.received_cents)),
        ("paid_out", cents(statement.paid_out_cents)),
        ("office_costs", cents(statement.office_costs_cents)),
        ("overpaid", cents(statement.overpaid_cents)),
        ("outstanding", cents(statement.outstanding_cents.max(0))),
    ];
    let data = json!({ "statement": statement });
    let overpaid = statement.overpaid_cents;
    track.statement = Some(statement);
    track.hold = None;
    let mut effects = vec![
        Effect::CancelJobs { kind: None },
        Effect::CloseTasks { kind: None },
        // The client's final statement (eindafrekening) for the dossier.
        render("final_statement", today),
    ];
    // An attachment is released (opheffing) when the case closes: under a garnishee, to
    // the garnishee; of goods, to the debtor.
    let laid = |of: fn(&track::AttachmentRecord) -> bool| {
        track.execution.as_ref().is_some_and(|e| {
            e.attachments
                .iter()
                .any(|a| a.result == "attached" && of(a))
        })
    };
    // Every attachment under a garnishee is released, each to its own garnishee.
    if let Some(execution) = &track.execution {
        for (i, a) in execution.attachments.iter().enumerate() {
            if a.result == "attached" && a.kind != "goods" && !a.garnishee.is_empty() {
                effects.push(render_attachment("release", today, i + 1));
            }
        }
    }
    // (An attachment of goods recorded before its inventory was has no proces-verbaal to
    // release by.)
    if laid(|a| a.kind == "goods" && !a.inventory.is_empty()) {
        effects.push(render("goods_release", today));
    }
    // An income attachment in the attachment register (DBR) ends with its release: the
    // register is for other bailiffs' priority (art. 478 Rv) and the protected income, so
    // a person takes it off (the register's client only consults and registers).
    for step in &track.attachment_register {
        if step.purpose == "registration"
            && let Some(number) = step.attachment
        {
            effects.push(Effect::OpenTask(desk::task(
                desk::kind::FOLLOW_UP,
                format!(
                    "Income attachment {number} is released: take it off the attachment \
                     register (DBR)"
                ),
                crate::case::CASE_HANDLER_QUEUE,
                json!({ "attachment": number, "register": step.register }),
            )));
        }
    }
    // What the debtor paid beyond everything owed is the debtor's money in the office's
    // third-party account: a person pays it back (the statement says it goes back).
    if overpaid > 0 {
        effects.push(Effect::OpenTask(desk::refund_task(overpaid)));
    }
    Decision {
        stage: Stage::Closed,
        suspension: Suspension::None,
        close_reason: Some(reason),
        close_note: note.clone(),
        audit: Audit {
            kind,
            reason: note,
            amounts,
            data,
        },
        track,
        effects,
    }
}

/// The job that renders the writ `kind` of attachment `number` (1-based; a garnishment,
/// its notice or its release) dated `on`: the attachment named, not whichever is last
/// when the job runs.
pub(super) fn render_attachment(kind: &str, on: NaiveDate, number: usize) -> Effect {
    Effect::ScheduleJob {
        kind: super::event::JobKind::Activity(super::event::Activity::RenderDocument),
        due: super::decision::Due::Now,
        payload: json!({ "kind": kind, "on": on.to_string(), "attachment": number }),
    }
}

/// The job that renders the letter `kind` (a `documents::DocumentKind` name) dated `on`
/// and stores it in the dossier.
pub(super) fn render(kind: &str, on: NaiveDate) -> Effect {
    Effect::ScheduleJob {
        kind: super::event::JobKind::Activity(super::event::Activity::RenderDocument),
        due: super::decision::Due::Now,
        payload: json!({ "kind": kind, "on": on.to_string() }),
    }
}

/// The bailiff's fee (Btag art. 2) for `act` on `day` as the debtor owes it, from the
/// office's tariffs: with VAT when the client cannot deduct VAT on the day of the act
/// ([`crate::law::bailiff_fee_vat`]).
pub(super) fn bailiff_fee_owed(
    case: &CaseRecord,
    policy: &TrackPolicy,
    act: crate::law::BailiffAct,
    day: NaiveDate,
) -> Option<Money> {
    policy
        .bailiff_tariffs
        .fee_and_vat(act, day, case.track.vat_on_fees)
        .map(|(fee, vat)| fee + vat)
}

/// Euros of whole cents, for audit payloads.
pub(super) fn euros(cents: i64) -> String {
    Money::from_cents(cents).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::claim::DebtorKind;
    use crate::case::decide::tests::case;
    use crate::law::BailiffAct;

    /// A bailiff's fee carries VAT by the client's position on the day of the act, not by
    /// the one the letter fixed for the collection costs.
    #[test]
    fn a_fee_takes_the_vat_position_of_its_day() {
        let policy = TrackPolicy::default();
        let day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let mut c = case(DebtorKind::Consumer);
        c.track.vat_on_collection_costs = true; // the letter told VAT
        c.track.vat_on_fees = false; // the client deducts VAT now
        let without = bailiff_fee_owed(&c, &policy, BailiffAct::ServiceOfJudgment, day).unwrap();
        c.track.vat_on_fees = true;
        let with = bailiff_fee_owed(&c, &policy, BailiffAct::ServiceOfJudgment, day).unwrap();
        let (fee, vat) = policy
            .bailiff_tariffs
            .fee_and_vat(BailiffAct::ServiceOfJudgment, day, true)
            .unwrap();
        assert_eq!((without, with), (fee, fee + vat));
        assert!(vat > Money::ZERO);
    }

    /// A registered income attachment released on closing is taken off the register by a
    /// person: a task says so.
    #[test]
    fn closing_asks_for_a_registered_attachment_to_be_taken_off() {
        let mut c = case(DebtorKind::Consumer);
        c.track.attachment_register.push(track::DbrStep {
            purpose: "registration".into(),
            attachment: Some(2),
            register: "fixture".into(),
            ..track::DbrStep::default()
        });
        let closed = close(
            &c,
            c.track.clone(),
            &TrackPolicy::default(),
            NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
            "closed",
            CloseReason::Paid,
            "paid".into(),
            Vec::new(),
        );
        assert!(closed.effects.iter().any(|e| matches!(
            e,
            Effect::OpenTask(t) if t.kind == "follow_up" && t.title.contains("attachment register")
                && t.details["attachment"] == 2
        )));
    }
}
