//! The attachment register (the KBvG's Digitaal Beslagregister, DBR): the Verordening
//! digitaal beslagregister obliges the bailiff to consult it before a summons for recovery
//! and before an income attachment, and to register an income attachment laid.
//!
//! Each consultation rides on the register lookups the track already makes at those moments
//! (the recoverability check before the summons; the insolvency register asked again
//! before an attachment of wages): the activity asks the attachment register too, and its
//! answer — the debtor's attachments and their priority — is recorded here on the case
//! (`track.attachment_register`) and in the same audit event ([`consulted`]). An income
//! attachment laid is registered by an activity of its own ([`registration`], answered in
//! [`registered`]).
//!
//! Which register answers is recorded with every step: `fixture` is the embedded stand-in
//! (`registry::dbr`), never the DBR itself, whose interface is not public — so these steps
//! record what the office still has to do by hand, and the README says so.

use chrono::NaiveDate;
use serde_json::json;

use super::stay;
use crate::case::decision::{Decision, Due, Effect};
use crate::case::event::{Activity, JobKind};
use crate::case::record::CaseRecord;
use crate::case::track::DbrStep;

/// A decision on the register lookups, with the attachment register's consultation that
/// came with them (if any) recorded on the case and in the audit.
pub(crate) fn consulted(mut d: Decision, step: Option<&DbrStep>) -> Decision {
    let Some(step) = step else {
        return d;
    };
    d.track.attachment_register.push(step.clone());
    let said = summary(step);
    d.audit.reason = format!("{}; {said}", d.audit.reason);
    if let serde_json::Value::Object(map) = &mut d.audit.data {
        map.insert("attachment_register".into(), json!(step));
    } else {
        d.audit.data = json!({ "attachment_register": step });
    }
    d
}

/// The job that registers attachment `number` (an income attachment) laid on `laid_on`.
pub(crate) fn registration(number: usize, laid_on: NaiveDate) -> Effect {
    Effect::ScheduleJob {
        kind: JobKind::Activity(Activity::AttachmentRegistration),
        due: Due::Now,
        payload: json!({ "attachment": number, "laid_on": laid_on.to_string() }),
    }
}

/// The register answered the registration of an income attachment.
pub(crate) fn registered(case: &CaseRecord, step: &DbrStep) -> Decision {
    let mut track = case.track.clone();
    track.attachment_register.push(step.clone());
    let mut d = stay(
        case,
        track,
        "attachment_registered",
        summary(step),
        Vec::new(),
    );
    d.audit.data = json!({ "attachment_register": step });
    d
}

/// One line for the dossier: what was asked, of which register, and its answer.
fn summary(step: &DbrStep) -> String {
    let register = if step.register == "fixture" {
        "the fixture attachment register (not the Digitaal Beslagregister: its interface is \
         not public; consult it by hand)"
            .to_owned()
    } else {
        format!("the attachment register ({})", step.register)
    };
    if step.purpose == "registration" {
        return format!(
            "attachment {} registered in {register}: priority {}",
            step.attachment.unwrap_or_default(),
            step.priority.unwrap_or_default()
        );
    }
    let found = if step.attachments.is_empty() {
        "no other attachments".to_owned()
    } else {
        step.attachments
            .iter()
            .map(|a| {
                format!(
                    "{} of {} by {} (priority {})",
                    a.kind,
                    a.laid_on.map(|d| d.to_string()).unwrap_or_default(),
                    a.office,
                    a.priority
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "{register} consulted before the {}: {found}",
        step.purpose.replace('_', " ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::claim::DebtorKind;
    use crate::case::decide::tests::{case, d};
    use crate::case::track::DbrAttachment;

    #[test]
    fn a_consultation_is_kept_on_the_case_and_named_as_the_fixture() {
        let c = case(DebtorKind::Consumer);
        let step = DbrStep {
            purpose: "income_attachment".into(),
            on: Some(d("2026-06-23")),
            register: "fixture".into(),
            attachments: vec![DbrAttachment {
                kind: "loonbeslag".into(),
                laid_on: Some(d("2025-03-03")),
                office: "Noord".into(),
                priority: 1,
            }],
            ..DbrStep::default()
        };
        let before = stay(&c, c.track.clone(), "attachment_due", "due".into(), vec![]);
        let after = consulted(before.clone(), Some(&step));
        assert_eq!(after.track.attachment_register, vec![step.clone()]);
        assert!(
            after.audit.reason.contains(
                "not the Digitaal Beslagregister: its interface is not public; consult it by \
                 hand) consulted before the income attachment: loonbeslag of 2025-03-03 by \
                 Noord (priority 1)"
            ),
            "{}",
            after.audit.reason
        );
        assert_eq!(
            after.audit.data["attachment_register"]["register"],
            "fixture"
        );
        assert_eq!(consulted(before.clone(), None), before);
        let registered = registered(
            &c,
            &DbrStep {
                purpose: "registration".into(),
                register: "fixture".into(),
                attachment: Some(2),
                priority: Some(2),
                ..DbrStep::default()
            },
        );
        assert_eq!(registered.audit.kind, "attachment_registered");
        assert!(
            registered
                .audit
                .reason
                .starts_with("attachment 2 registered in the fixture")
        );
    }
}
