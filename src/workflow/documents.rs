//! Rendering and storing the dossier's documents, and reading them back.
//!
//! [`App::store_document`] is what the track's "render a document" job calls: it renders
//! the data (on the blocking pool, at most one render per core: it is CPU work) and stores the PDF with its SHA-256,
//! template version and data in one transaction, together with a `document_stored` audit
//! event. It is idempotent: the document's id is derived from (case, kind, data), so a
//! retried job finds the document it stored before — even when two workers race, the
//! primary key lets only one insert win and the other reads the winner's row.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use tokio::sync::Semaphore;

use super::{Actor, App, Principal};
use crate::case::{Stage, Suspension};
use crate::documents::{self, DocumentData, DocumentKind, MEDIA_TYPE};
use crate::error::AppError;
use crate::page::Cursor;
use crate::store::documents::{self as stored, DocumentMeta, NewDocument};
use crate::store::events::{self, NewEvent};
use crate::store::{DbConnection, db_instant, transaction, utc};

/// Renders at a time in this process: one per core. Rendering is CPU work, so more at once
/// only adds memory (each render holds its layout and font subset; 1,000 at once on the
/// 512-thread blocking pool peak near 170 MB, two at a time near 70 MB, BENCHMARKS.md).
static RENDER_PERMITS: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));

/// A stored document's metadata (no bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDocument {
    /// Id: derived from the case, the kind and the data.
    pub id: String,
    /// The case it belongs to.
    pub case_id: String,
    /// Its kind.
    pub kind: String,
    /// Title.
    pub title: String,
    /// `application/pdf`.
    pub media_type: String,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// The template version it was rendered with.
    pub template_version: String,
    /// Size of the bytes.
    pub size_bytes: i64,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
}

impl From<DocumentMeta> for StoredDocument {
    fn from(m: DocumentMeta) -> Self {
        StoredDocument {
            id: m.id,
            case_id: m.case_id,
            kind: m.kind,
            title: m.title,
            media_type: m.media_type,
            sha256: m.sha256,
            template_version: m.template_version,
            size_bytes: m.size_bytes,
            created_at: utc(m.created_at),
        }
    }
}

/// One page of a case's documents, and where the next page starts.
#[derive(Clone, Debug)]
pub struct DocumentPage {
    /// The documents, oldest first.
    pub documents: Vec<StoredDocument>,
    /// The cursor of the next page, if there is one.
    pub next: Option<Cursor>,
}

/// The id of the document of `kind` with `data_json` in case `case_id`: a UUID made of the
/// first 16 bytes of their SHA-256, so the same render request always names the same row.
pub fn document_id(case_id: &str, kind: DocumentKind, data_json: &str) -> String {
    upload_id(case_id, kind.as_str(), data_json)
}

/// The id of a document of `kind` named by `what` (its data, or an upload's SHA-256) in
/// case `case_id`: the same request always names the same row.
pub(super) fn upload_id(case_id: &str, kind: &str, what: &str) -> String {
    let text = format!("{case_id}\u{1f}{kind}\u{1f}{what}");
    let hex = crate::digest::sha256_hex(text.as_bytes());
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

impl App {
    /// Renders `data` as a `kind` document of case `case_id` and stores it, or returns the
    /// document already stored for the same case, kind and data.
    #[tracing::instrument(skip(self, data, actor), fields(case.id = %case_id, document.kind = kind.as_str()))]
    pub async fn store_document(
        &self,
        case_id: String,
        kind: DocumentKind,
        data: DocumentData,
        actor: Actor,
    ) -> Result<StoredDocument, AppError> {
        let data_json = data.to_json();
        let id = document_id(&case_id, kind, &data_json);
        let lookup = id.clone();
        if let Some(existing) = self
            .store
            .run(move |conn| Ok::<_, AppError>(stored::get_meta(conn, &lookup)?))
            .await?
        {
            return Ok(existing.into());
        }
        let title = data.title();
        let permit = RENDER_PERMITS
            .acquire()
            .await
            .map_err(|e| AppError::Internal(format!("render permits: {e}")))?;
        let rendered = tokio::task::spawn_blocking(move || documents::render(kind, &data))
            .await
            .map_err(|e| AppError::Internal(format!("rendering stopped: {e}")))?
            .map_err(|e| AppError::Internal(format!("rendering a {}: {e}", kind.as_str())))?;
        drop(permit);
        let now = self.clock.now();
        let attempt = move |conn: &mut DbConnection| {
            transaction(conn, |conn| {
                if let Some(existing) = stored::get_meta(conn, &id)? {
                    return Ok((existing, false));
                }
                let (stage, suspension, policy_version) = case_standing(conn, &case_id)?;
                let size_bytes = i64::try_from(rendered.bytes.len())
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                stored::insert(
                    conn,
                    &NewDocument {
                        id: &id,
                        case_id: &case_id,
                        kind: kind.as_str(),
                        title: &title,
                        media_type: MEDIA_TYPE,
                        sha256: &rendered.sha256,
                        template_version: rendered.template_version,
                        data: &data_json,
                        bytes: &rendered.bytes,
                        size_bytes,
                        created_at: db_instant(now),
                    },
                )?;
                events::append(
                    conn,
                    &NewEvent {
                        case_id: &case_id,
                        kind: "document_stored",
                        actor: &actor.0,
                        stage,
                        suspension,
                        reason: &title,
                        payload: serde_json::json!({
                            "document_id": id,
                            "kind": kind.as_str(),
                            "sha256": rendered.sha256,
                            "template_version": rendered.template_version,
                            "size_bytes": size_bytes,
                        })
                        .to_string(),
                        policy_version,
                        at: now,
                    },
                )?;
                let meta = stored::get_meta(conn, &id)?
                    .ok_or_else(|| AppError::Internal(format!("document {id} vanished")))?;
                Ok::<_, AppError>((meta, true))
            })
        };
        // Two workers racing on one document: the loser's insert breaks the primary key;
        // once more, it finds the winner's row.
        let first = attempt.clone();
        let (meta, created) = match self.store.run(first).await {
            Err(AppError::Conflict) => self.store.run(attempt).await,
            other => other,
        }?;
        if created {
            self.after_commit(false);
        }
        Ok(meta.into())
    }

    /// A page of the documents of case `case_id`, oldest first; NOT_FOUND for an unknown
    /// case or one `who` may not see.
    pub async fn list_documents(
        &self,
        who: &Principal,
        case_id: String,
        after: Option<Cursor>,
        page_size: i64,
    ) -> Result<DocumentPage, AppError> {
        self.check_case_visible(who, &case_id).await?;
        self.store
            .run(move |conn| {
                case_standing(conn, &case_id)?;
                let (rows, next) = stored::list(conn, &case_id, after.as_ref(), page_size)?;
                Ok(DocumentPage {
                    documents: rows.into_iter().map(StoredDocument::from).collect(),
                    next,
                })
            })
            .await
    }

    /// A document's metadata and bytes; NOT_FOUND if unknown or of a case `who` may not
    /// see (the same words either way).
    pub async fn get_document(
        &self,
        who: &Principal,
        id: String,
    ) -> Result<(StoredDocument, Vec<u8>), AppError> {
        let confined_to = who.confined_to().map(str::to_owned);
        self.store
            .run(move |conn| {
                let not_found = || AppError::NotFound(format!("no document {id:?}"));
                let (meta, bytes) = stored::get_with_bytes(conn, &id)?.ok_or_else(not_found)?;
                if let Some(own) = confined_to
                    && crate::store::cases::client_of(conn, &meta.case_id)?.as_deref()
                        != Some(own.as_str())
                {
                    return Err(not_found());
                }
                Ok((meta.into(), bytes))
            })
            .await
    }

    /// The data a stored document was rendered from, to re-render or audit it.
    pub async fn document_data(&self, id: String) -> Result<DocumentData, AppError> {
        self.store
            .run(move |conn| {
                let (kind, json) = stored::get_data(conn, &id)?
                    .ok_or_else(|| AppError::NotFound(format!("no document {id:?}")))?;
                let kind = DocumentKind::parse(&kind)
                    .ok_or_else(|| AppError::Internal(format!("document {id}: kind {kind:?}")))?;
                DocumentData::from_json(kind, &json)
                    .map_err(|e| AppError::Internal(format!("document {id}: data: {e}")))
            })
            .await
    }
}

/// The case's stage, suspension and policy version (for the audit event); NOT_FOUND when
/// there is no such case.
pub(super) fn case_standing(
    conn: &mut DbConnection,
    case_id: &str,
) -> Result<(Stage, Suspension, i64), AppError> {
    crate::store::cases::standing(conn, case_id)?
        .ok_or_else(|| AppError::NotFound(format!("no case {case_id:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_id_depends_on_case_kind_and_data() {
        let a = document_id("c1", DocumentKind::Demand, "{}");
        assert_eq!(a, document_id("c1", DocumentKind::Demand, "{}"));
        assert_eq!(a.len(), 36);
        assert_ne!(a, document_id("c2", DocumentKind::Demand, "{}"));
        assert_ne!(a, document_id("c1", DocumentKind::Summons, "{}"));
        assert_ne!(a, document_id("c1", DocumentKind::Demand, "{ }"));
    }
}
