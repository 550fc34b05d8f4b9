//! A payment received, at any stage: allocated by art. 6:43/6:44 BW (post-judgment costs,
//! collection costs, interest, principal) as the law's quote computes it; an overpayment is
//! recorded as such; paid in full closes the case from wherever it stands.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::{stay, with_track};
use crate::case::decision::{Decision, Effect, NewTask, Rejection};
use crate::case::policy::TrackPolicy;
use crate::case::record::CaseRecord;
use crate::case::stage::CloseReason;
use crate::case::stage::Stage;
use crate::case::track::{self, PaymentRecord, ReversedPayment, allocate, owed};
use crate::law::money::Money;

/// RecordPayment.
pub(crate) fn received(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    payment: &PaymentRecord,
    recorded_at: DateTime<Utc>,
) -> Result<Decision, Rejection> {
    if payment.paid_on > today {
        return Err(Rejection::PaymentInFuture(payment.paid_on));
    }
    if let Some(last) = case.track.payments.last()
        && payment.paid_on < last.paid_on
    {
        return Err(Rejection::PaymentBeforeLast {
            paid_on: payment.paid_on,
            last: last.paid_on,
        });
    }
    if let Some(number) = payment.attachment {
        let laid = usize::try_from(number)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| case.track.execution.as_ref()?.attachments.get(i))
            .is_some_and(|a| a.result == "attached");
        if !laid {
            return Err(Rejection::NoSuchAttachment(number));
        }
    }
    let mut record = allocate(case, policy, payment).map_err(Rejection::Figures)?;
    record.recorded_on = today;
    record.recorded_at = Some(recorded_at);
    let mut track = case.track.clone();
    track.payments.push(record.clone());
    let after = owed(
        &with_track(case, &track),
        policy,
        payment.paid_on.max(today),
    )
    .map_err(Rejection::Figures)?;
    let c = Money::from_cents;
    let amounts = vec![
        ("amount", c(record.amount_cents)),
        ("to_legal_costs", c(record.to_legal_costs_cents)),
        ("to_collection_costs", c(record.to_costs_cents)),
        ("to_interest", c(record.to_interest_cents)),
        ("to_principal", c(record.to_principal_cents)),
        ("overpaid", c(record.overpaid_cents)),
        ("still_owed", after.total),
    ];
    let mut data = json!({ "payment": record });
    if let Some(number) = record.attachment {
        // The garnishee's yield so far, with this payment.
        let y = track.attachment_yield(number);
        data["attachment_yield"] = json!({
            "attachment": number,
            "received": super::euros(y.received_cents),
            "payments": y.payments,
            "last_paid_on": y.last_paid_on,
        });
    }
    if after.total.is_zero() {
        let mut d = super::close(
            case,
            track,
            policy,
            today,
            "payment_recorded",
            CloseReason::Paid,
            format!("paid in full on {}", payment.paid_on),
            Vec::new(),
        );
        d.audit.amounts = amounts;
        d.audit.data["payment"] = data["payment"].clone();
        if let Some(y) = data.get("attachment_yield") {
            d.audit.data["attachment_yield"] = y.clone();
        }
        return Ok(d);
    }
    // The bank paid all it held: the check on whether it would pays off, and a person
    // decides what next (one task, not the old check beside it).
    let effects = held_paid_in(&track, record.attachment, after.total)
        .into_iter()
        .flat_map(|next| {
            [
                Effect::CloseTasks {
                    kind: Some(super::task_kind::EXECUTION_FOLLOW_UP.into()),
                },
                next,
            ]
        })
        .collect();
    let mut d = stay(
        case,
        track,
        "payment_recorded",
        format!(
            "{} received on {}; {} still owed",
            c(record.amount_cents).format_nl(),
            payment.paid_on,
            after.total.format_nl()
        ),
        effects,
    );
    d.audit.amounts = amounts;
    d.audit.data = data;
    Ok(d)
}

/// A bank that held money under attachment `number` has now paid all it declared, and the
/// debt is not paid: the attachment is spent, and nothing else is under way unless a
/// person starts it — a task for the case handler (the next attachment, or the end).
fn held_paid_in(
    track: &track::TrackState,
    number: Option<u32>,
    still_owed: Money,
) -> Option<Effect> {
    let number = number?;
    let index = usize::try_from(number).ok()?.checked_sub(1)?;
    let attachment = track.execution.as_ref()?.attachments.get(index)?;
    let held = attachment.statement.as_ref()?.held_cents;
    let paid = track.attachment_yield(number).received_cents;
    (attachment.kind == "bank" && held > 0 && paid >= held).then(|| {
        Effect::OpenTask(super::execution::follow_up_task(
            format!(
                "The bank paid the {} it held under attachment {number}; {} still owed: \
                 the next attachment, or done",
                Money::from_cents(paid).format_nl(),
                still_owed.format_nl()
            ),
            json!({ "attachment": number, "paid": Money::from_cents(paid).to_string() }),
        ))
    })
}

/// ReversePayment: the bank took a payment back. It no longer counts; every payment
/// recorded after it is allocated again (art. 6:44 BW) as if it had never come in, each on
/// its own day; a closed case's final statement is drawn up again.
pub(crate) fn reversed(
    case: &CaseRecord,
    policy: &TrackPolicy,
    today: NaiveDate,
    payment_id: &str,
    reversed_on: NaiveDate,
    reason: &str,
) -> Result<Decision, Rejection> {
    let index = case
        .track
        .payments
        .iter()
        .position(|p| p.id == payment_id)
        .ok_or_else(|| Rejection::NoSuchPayment(payment_id.to_owned()))?;
    let gone = case.track.payments[index].clone();
    // Taken back on a day it had come and that has come: a later day would hold the
    // payment as received in payouts up to then, an earlier one is no storno of it.
    if reversed_on > today || reversed_on < gone.paid_on {
        return Err(Rejection::ReversalDate {
            reversed_on,
            paid_on: gone.paid_on,
            today,
        });
    }
    let mut base = case.clone();
    base.track.payments.truncate(index);
    for later in &case.track.payments[index + 1..] {
        let fresh = PaymentRecord {
            to_legal_costs_cents: 0,
            to_costs_cents: 0,
            to_interest_cents: 0,
            to_principal_cents: 0,
            overpaid_cents: 0,
            ..later.clone()
        };
        let record = allocate(&base, policy, &fresh).map_err(Rejection::Figures)?;
        base.track.payments.push(record);
    }
    let mut track = base.track;
    track.reversed_payments.push(ReversedPayment {
        payment: gone.clone(),
        reversed_on: Some(reversed_on),
        reason: reason.to_owned(),
    });
    if case.stage == Stage::Closed
        && let Some(old) = &case.track.statement
    {
        track.statement = Some(track::statement(
            &with_track(case, &track),
            policy,
            old.closed_on.unwrap_or(today),
            &old.reason,
            old.advice.clone(),
        ));
    }
    let after = owed(&with_track(case, &track), policy, today).map_err(Rejection::Figures)?;
    let c = Money::from_cents;
    let mut effects = Vec::new();
    if case.stage == Stage::Closed {
        // The client's final statement as it now stands, in the dossier; and a case closed
        // as paid that owes again is a person's to take up (reopening is their call).
        let closed_on = case
            .track
            .statement
            .as_ref()
            .and_then(|s| s.closed_on)
            .unwrap_or(today);
        effects.push(super::render("final_statement", closed_on));
        // What is to be paid back follows the statement as it now stands: the task for the
        // old figure goes, one for the new opens when something is still overpaid.
        let overpaid = |s: Option<&track::Statement>| s.map_or(0, |s| s.overpaid_cents);
        let (was, now) = (
            overpaid(case.track.statement.as_ref()),
            overpaid(track.statement.as_ref()),
        );
        if was != now {
            effects.push(Effect::CloseTasks {
                kind: Some(super::desk::kind::REFUND.into()),
            });
            if now > 0 {
                effects.push(Effect::OpenTask(super::desk::refund_task(now)));
            }
        }
        if case.close_reason == Some(CloseReason::Paid) && after.total.is_positive() {
            effects.push(Effect::OpenTask(NewTask {
                kind: super::desk::kind::FOLLOW_UP.into(),
                queue: crate::case::decide::CASE_HANDLER_QUEUE.into(),
                title: format!(
                    "Closed as paid, but the bank took back {} of {}: {} is owed again",
                    c(gone.amount_cents).format_nl(),
                    gone.paid_on,
                    after.total.format_nl()
                ),
                details: json!({ "payment_id": gone.id, "reversed_on": reversed_on }),
                outcomes: vec!["done".into(), "dismiss".into()],
            }));
        }
    }
    let mut d = stay(
        case,
        track.clone(),
        "payment_reversed",
        format!(
            "{} of {} taken back on {reversed_on} ({reason}); {} owed",
            c(gone.amount_cents).format_nl(),
            gone.paid_on,
            after.total.format_nl()
        ),
        effects,
    );
    if case.stage == Stage::Closed {
        d.close_reason = case.close_reason;
        d.close_note.clone_from(&case.close_note);
    }
    d.audit.amounts = vec![
        ("reversed", c(gone.amount_cents)),
        ("still_owed", after.total),
    ];
    d.audit.data = json!({ "reversed": gone, "reason": reason, "payments": track.payments });
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::claim::DebtorKind;
    use crate::case::decide::tests::{case, d};
    use crate::case::stage::Stage;

    fn recorded() -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2026, 3, 31, 10, 0, 0).unwrap()
    }

    fn payment(id: &str, on: &str, cents: i64) -> PaymentRecord {
        PaymentRecord {
            id: id.into(),
            paid_on: d(on),
            amount_cents: cents,
            ..PaymentRecord::default()
        }
    }

    #[test]
    fn payments_go_to_interest_first_and_an_overpayment_is_kept() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Letter;
        // 1,234.56 due 1 Mar 2026 at 4 %: on 31 Mar, 30 days: 1,234.56 × 0.04 × 30 / 365
        // = 4.0588 → 4.06 interest; 100.00 → 4.06 interest, 95.94 principal.
        let first = received(
            &c,
            &policy,
            d("2026-03-31"),
            &payment("p1", "2026-03-31", 10_000),
            recorded(),
        )
        .unwrap();
        let p = &first.track.payments[0];
        assert_eq!(
            (
                p.to_costs_cents,
                p.to_interest_cents,
                p.to_principal_cents,
                p.overpaid_cents
            ),
            (0, 406, 9_594, 0)
        );
        assert_eq!(first.stage, Stage::Letter);
        c.track = first.track;
        // Same day, 2,000.00 against 1,138.62 left: 861.38 overpaid; closed paid.
        let second = received(
            &c,
            &policy,
            d("2026-03-31"),
            &payment("p2", "2026-03-31", 200_000),
            recorded(),
        )
        .unwrap();
        let p = &second.track.payments[1];
        assert_eq!((p.to_principal_cents, p.overpaid_cents), (113_862, 86_138));
        assert_eq!(second.close_reason, Some(CloseReason::Paid));
        let statement = second.track.statement.clone().unwrap();
        // 2,100.00 received = 1,238.62 paid out + 0 costs + 861.38 overpaid.
        assert_eq!(
            (
                statement.received_cents,
                statement.paid_out_cents,
                statement.overpaid_cents
            ),
            (210_000, 123_862, 86_138)
        );
        // The debtor's 861.38 is a person's to pay back: a task says so.
        let refund = second
            .effects
            .iter()
            .find_map(|e| match e {
                Effect::OpenTask(task) if task.kind == "refund" => Some(task),
                _ => None,
            })
            .expect("a refund task");
        assert!(refund.title.contains("861,38"), "{}", refund.title);
        assert_eq!(refund.details["overpaid_cents"], 86_138);
        assert!(
            first
                .effects
                .iter()
                .all(|e| !matches!(e, Effect::OpenTask(_)))
        );
        // The bank takes the overpaying payment back: nothing is to be paid back now.
        let mut closed = c.clone();
        closed.stage = second.stage;
        closed.close_reason = second.close_reason;
        closed.track = second.track.clone();
        let back = reversed(
            &closed,
            &policy,
            d("2026-04-02"),
            "p2",
            d("2026-04-02"),
            "AC04",
        )
        .expect("reversed");
        assert!(back.effects.contains(&Effect::CloseTasks {
            kind: Some("refund".into())
        }));
        assert!(
            !back
                .effects
                .iter()
                .any(|e| matches!(e, Effect::OpenTask(t) if t.kind == "refund"))
        );
        // A payment dated before the last one is refused: allocations are final.
        let earlier = received(
            &c,
            &policy,
            d("2026-04-01"),
            &payment("p3", "2026-03-30", 100),
            recorded(),
        );
        assert_eq!(
            earlier,
            Err(Rejection::PaymentBeforeLast {
                paid_on: d("2026-03-30"),
                last: d("2026-03-31"),
            })
        );
        let future = received(
            &c,
            &policy,
            d("2026-03-31"),
            &payment("p4", "2026-04-01", 100),
            recorded(),
        );
        assert_eq!(future, Err(Rejection::PaymentInFuture(d("2026-04-01"))));
        // The instant the office recorded it is the decision's, for the ledger and audit.
        assert_eq!(second.track.payments[1].recorded_at, Some(recorded()));
        assert_eq!(
            second.audit.data["payment"]["recorded_at"],
            "2026-03-31T10:00:00Z"
        );
    }

    /// Paid in full on 31 March 2026 (1,234.56 + 30 days' interest 4.06), closed as paid;
    /// the bank takes it back on 7 April: the final statement is drawn up and rendered
    /// again, and a person is told the debt is owed again.
    #[test]
    fn a_storno_on_a_case_closed_as_paid_is_told_and_restated() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Letter;
        let paid = received(
            &c,
            &policy,
            d("2026-03-31"),
            &payment("p1", "2026-03-31", 123_862),
            recorded(),
        )
        .unwrap();
        assert_eq!(paid.close_reason, Some(CloseReason::Paid));
        c.stage = paid.stage;
        c.close_reason = paid.close_reason;
        c.track = paid.track;
        let back = reversed(&c, &policy, d("2026-04-07"), "p1", d("2026-04-07"), "AC04")
            .expect("reversed");
        assert_eq!(
            back.close_reason,
            Some(CloseReason::Paid),
            "reopening is a person's call"
        );
        assert!(
            matches!(
                back.effects.as_slice(),
                [Effect::ScheduleJob { payload, .. }, Effect::OpenTask(task)]
                    if payload["kind"] == "final_statement" && payload["on"] == "2026-03-31"
                        && task.kind == "follow_up"
                        && task.title.contains("is owed again")
            ),
            "{:?}",
            back.effects
        );
        assert_eq!(
            back.track.statement.clone().unwrap().outstanding_cents,
            123_862
        );
        // The follow-up can be done on the closed case; the track's own tasks cannot.
        c.track = back.track;
        let done = |kind: &str| {
            crate::case::decide(
                &c,
                &crate::case::event::Event::TaskCompleted {
                    task_kind: kind.into(),
                    outcome: "done".into(),
                    details: json!({}),
                    note: String::new(),
                    values: Default::default(),
                    actor: String::new(),
                },
                &policy,
                d("2026-04-08"),
            )
        };
        let followed = done("follow_up").expect("a desk task on a closed case");
        assert_eq!(followed.stage, Stage::Closed);
        assert_eq!(followed.close_reason, Some(CloseReason::Paid));
        assert!(done("attachment").is_err());
    }

    #[test]
    fn a_reversed_payment_no_longer_counts_and_the_later_one_is_allocated_again() {
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Letter;
        for (id, on, cents) in [("p1", "2026-03-31", 10_000), ("p2", "2026-04-15", 5_000)] {
            let today = d(on);
            c.track = received(&c, &policy, today, &payment(id, on, cents), recorded())
                .unwrap()
                .track;
        }
        // Before: p2 met 1,138.62 after p1, 15 days at 4 %: 1,138.62 × 0.04 × 15 / 365
        // = 1.8717 → 1.87 interest, 48.13 principal.
        assert_eq!(
            (
                c.track.payments[1].to_interest_cents,
                c.track.payments[1].to_principal_cents
            ),
            (187, 4_813)
        );
        let after = reversed(
            &c,
            &policy,
            d("2026-04-20"),
            "p1",
            d("2026-04-20"),
            "storno",
        )
        .expect("reversed");
        // After: as if p1 never came: p2 meets 1,234.56 from 1 March, 45 days:
        // 1,234.56 × 0.04 × 45 / 365 = 6.0883 → 6.09 interest, 43.91 principal.
        let [p2] = after.track.payments.as_slice() else {
            panic!("one payment left: {:?}", after.track.payments);
        };
        assert_eq!(
            (p2.id.as_str(), p2.to_interest_cents, p2.to_principal_cents),
            ("p2", 609, 4_391)
        );
        assert_eq!(after.track.reversed_payments.len(), 1);
        assert_eq!(after.track.reversed_payments[0].payment.id, "p1");
        assert_eq!(after.stage, Stage::Letter);
        assert_eq!(
            reversed(&c, &policy, d("2026-04-20"), "nope", d("2026-04-20"), "x"),
            Err(Rejection::NoSuchPayment("nope".into()))
        );
        // Not before the payment (31 March), not after today (20 April).
        for day in ["2026-03-30", "2026-04-21"] {
            assert_eq!(
                reversed(&c, &policy, d("2026-04-20"), "p1", d(day), "typo"),
                Err(Rejection::ReversalDate {
                    reversed_on: d(day),
                    paid_on: d("2026-03-31"),
                    today: d("2026-04-20"),
                })
            );
        }
        assert!(
            reversed(
                &c,
                &policy,
                d("2026-04-20"),
                "p1",
                d("2026-03-31"),
                "same day"
            )
            .is_ok()
        );
    }

    /// A bank declared € 300,00 held under attachment 1: its first € 200,00 opens nothing,
    /// the last € 100,00 (all it held, the debt not paid) a task for the case handler.
    #[test]
    fn a_bank_that_paid_all_it_held_leaves_a_task() {
        use crate::case::decision::Effect;
        use crate::case::track::{AttachmentRecord, ExecutionRecord, GarnisheeStatement};
        let policy = TrackPolicy::default();
        let mut c = case(DebtorKind::Consumer);
        c.stage = Stage::Execution;
        c.track.execution = Some(ExecutionRecord {
            served_on: Some(d("2026-03-02")),
            attachments: vec![AttachmentRecord {
                kind: "bank".into(),
                made_on: Some(d("2026-03-10")),
                result: "attached".into(),
                statement: Some(GarnisheeStatement {
                    held_cents: 30_000,
                    ..GarnisheeStatement::default()
                }),
                ..AttachmentRecord::default()
            }],
            ..ExecutionRecord::default()
        });
        let under = |id: &str, cents| PaymentRecord {
            attachment: Some(1),
            ..payment(id, "2026-03-31", cents)
        };
        let first = received(
            &c,
            &policy,
            d("2026-03-31"),
            &under("g1", 20_000),
            recorded(),
        )
        .unwrap();
        assert!(first.effects.is_empty(), "{:?}", first.effects);
        c.track = first.track;
        let last = received(
            &c,
            &policy,
            d("2026-03-31"),
            &under("g2", 10_000),
            recorded(),
        )
        .unwrap();
        assert!(
            matches!(
                last.effects.as_slice(),
                [Effect::CloseTasks { kind: Some(checked) }, Effect::OpenTask(t)]
                    if checked == "execution_follow_up"
                        && t.kind == "execution_follow_up"
                        && t.title.contains("300,00")
            ),
            "{:?}",
            last.effects
        );
    }
}
