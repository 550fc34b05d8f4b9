//! The client's evidence added to a case's file (`DocumentService.UploadDocument`): checked
//! (type from the bytes, size, kind), stored with the case's own documents with its
//! SHA-256 and an `evidence_uploaded` audit event, in one transaction.

use super::documents::{StoredDocument, case_standing};
use super::{App, Principal};
use crate::case::FieldViolation;
use crate::case::evidence::{EvidenceKind, media_type};
use crate::error::AppError;
use crate::store::documents::{self as stored, NewDocument};
use crate::store::events::{self, NewEvent};
use crate::store::{db_instant, transaction};

/// An upload as received.
#[derive(Clone, Debug)]
pub struct Upload {
    /// The case.
    pub case_id: String,
    /// What it is; `None` when the request named none (a bad field).
    pub kind: Option<EvidenceKind>,
    /// Title; the kind's when empty.
    pub title: String,
    /// The name the uploader gave the file: kept, never trusted.
    pub file_name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl App {
    /// Stores `upload` as a document of its case, or answers the document already stored
    /// for the same bytes and kind on that case (a retried upload). Bad input names every
    /// bad field and stores nothing; a case `who` may not see is NOT_FOUND.
    pub async fn upload_document(
        &self,
        who: &Principal,
        upload: Upload,
    ) -> Result<StoredDocument, AppError> {
        let mut bad = Vec::new();
        if upload.case_id.is_empty() {
            bad.push(FieldViolation::new("case_id", "is required"));
        }
        if upload.kind.is_none() {
            bad.push(FieldViolation::new(
                "kind",
                "EVIDENCE_KIND_INVOICE, _CONTRACT, _CORRESPONDENCE, _JUDGMENT_COPY or _OTHER",
            ));
        }
        let media = media_type(&upload.bytes).map_err(|e| bad.push(FieldViolation::new("data", e)));
        let (Some(kind), Ok(media), true) = (upload.kind, media, bad.is_empty()) else {
            return Err(AppError::Invalid(bad));
        };
        self.check_case_visible(who, &upload.case_id).await?;
        let sha256 = crate::digest::sha256_hex(&upload.bytes);
        let id = super::documents::upload_id(&upload.case_id, kind.as_str(), &sha256);
        let title = if upload.title.trim().is_empty() {
            kind.default_title().to_owned()
        } else {
            upload.title.trim().to_owned()
        };
        let actor = who.actor();
        let now = self.clock.now();
        let attempt = move |conn: &mut crate::store::DbConnection| {
            transaction(conn, |conn| {
                if let Some(existing) = stored::get_meta(conn, &id)? {
                    return Ok(existing);
                }
                let (stage, suspension, policy_version) = case_standing(conn, &upload.case_id)?;
                let size_bytes = i64::try_from(upload.bytes.len())
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                let data = serde_json::json!({
                    "file_name": upload.file_name,
                    "uploaded_by": actor.0,
                })
                .to_string();
                stored::insert(
                    conn,
                    &NewDocument {
                        id: &id,
                        case_id: &upload.case_id,
                        kind: kind.as_str(),
                        title: &title,
                        media_type: media,
                        sha256: &sha256,
                        template_version: "",
                        data: &data,
                        bytes: &upload.bytes,
                        size_bytes,
                        created_at: db_instant(now),
                    },
                )?;
                events::append(
                    conn,
                    &NewEvent {
                        case_id: &upload.case_id,
                        kind: "evidence_uploaded",
                        actor: &actor.0,
                        stage,
                        suspension,
                        reason: &title,
                        payload: serde_json::json!({
                            "document_id": id,
                            "kind": kind.as_str(),
                            "media_type": media,
                            "sha256": sha256,
                            "size_bytes": size_bytes,
                            "file_name": upload.file_name,
                        })
                        .to_string(),
                        policy_version,
                        at: now,
                    },
                )?;
                stored::get_meta(conn, &id)?
                    .ok_or_else(|| AppError::Internal(format!("document {id} vanished")))
            })
        };
        let first = attempt.clone();
        let meta = match self.store.run(first).await {
            Err(AppError::Conflict) => self.store.run(attempt).await,
            other => other,
        }?;
        Ok(meta.into())
    }
}
