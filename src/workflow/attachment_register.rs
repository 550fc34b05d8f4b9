//! The attachment register (Digitaal Beslagregister) as the track's activities ask it:
//! consulted with the register lookups before a summons for recovery and before an income
//! attachment, and an income attachment laid registered in it (`case::lifecycle::dbr`).
//! Without a configured register (there is no real client: its interface is not public)
//! the embedded fixture answers, and every step says `fixture`.

use std::sync::Arc;

use serde_json::{Value, json};

use super::App;
use crate::case::track::{DbrAttachment, DbrStep};
use crate::case::{CaseRecord, Stage};
use crate::clock::amsterdam_local;
use crate::registry::dbr::{AttachmentRegister, FixtureAttachmentRegister, RegisteredAttachment};
use crate::registry::{Answer, Evidence};

impl App {
    /// The configured attachment register, else the embedded fixture.
    fn attachment_register(&self) -> Arc<dyn AttachmentRegister> {
        self.registry
            .as_ref()
            .and_then(|r| r.attachment_register().cloned())
            .unwrap_or_else(|| Arc::new(FixtureAttachmentRegister::embedded(self.clock.clone())))
    }

    /// The consultation the act waiting for the register lookups asks for: before the
    /// summons (the recoverability check) or before an attachment of wages; none before
    /// any other act.
    pub(super) async fn consult_attachment_register(
        &self,
        case: &CaseRecord,
    ) -> Result<Option<DbrStep>, String> {
        let purpose = match (case.stage, case.track.pending_act.as_ref()) {
            (Stage::Recoverability, _) => "summons",
            (Stage::Execution, Some(act)) if act.attachment == "wages" => "income_attachment",
            _ => return Ok(None),
        };
        let answer = self
            .attachment_register()
            .consult(&case.claim.debtor)
            .await
            .map_err(|e| format!("attachment register: {e}"))?;
        Ok(Some(DbrStep {
            purpose: purpose.into(),
            on: Some(amsterdam_local(self.clock.now()).date()),
            register: register_of(&answer.evidence),
            attachments: answer
                .value
                .iter()
                .map(|a| DbrAttachment {
                    kind: a.kind.clone(),
                    laid_on: Some(a.laid_on),
                    office: a.office.clone(),
                    priority: a.priority,
                })
                .collect(),
            ..DbrStep::default()
        }))
    }

    /// The registration activity: attachment `payload.attachment` of the case, laid on
    /// `payload.laid_on`, registered; its output is the step with the priority given.
    pub(super) async fn register_attachment(
        &self,
        case_id: &str,
        payload: &Value,
    ) -> Result<Value, String> {
        let case = self
            .load_case(case_id.to_owned())
            .await
            .map_err(|e| e.to_string())?;
        let number = payload["attachment"].as_u64().unwrap_or_default();
        let laid_on = payload["laid_on"]
            .as_str()
            .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .ok_or("the registration names no day laid")?;
        let answer: Answer<u32> = self
            .attachment_register()
            .register(
                &case.claim.debtor,
                &RegisteredAttachment {
                    kind: "loonbeslag".into(),
                    laid_on,
                    office: String::new(),
                    priority: 0,
                },
            )
            .await
            .map_err(|e| format!("attachment register: {e}"))?;
        let step = DbrStep {
            purpose: "registration".into(),
            on: Some(amsterdam_local(self.clock.now()).date()),
            register: register_of(&answer.evidence),
            attachment: u32::try_from(number).ok(),
            priority: Some(answer.value),
            ..DbrStep::default()
        };
        Ok(json!(step))
    }
}

/// The register that answered, by its evidence.
fn register_of(evidence: &[Evidence]) -> String {
    evidence
        .first()
        .map_or_else(|| "unknown".to_owned(), |e| e.register.clone())
}
