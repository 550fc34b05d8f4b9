//! `exploot.v1.DocumentService`: the dossier's letters and writs.

use std::pin::Pin;

use tokio_stream::Stream;
use tonic::{Request, Response, Status, Streaming};

use super::convert::{self, Violations};
use super::status::invalid_argument;
use crate::case::evidence::{EvidenceKind, MAX_BYTES};
use crate::page::Cursor;
use crate::proto::{self as pb, document_service_server::DocumentService};
use crate::workflow::{App, StoredDocument, Upload};

/// Default and largest page of `ListDocuments`.
const DEFAULT_PAGE: i64 = 50;
const MAX_PAGE: i64 = 500;

/// The size of one `GetDocument` chunk: well under gRPC's 4 MiB message limit, large
/// enough that a letter (tens of KiB) is one or two messages.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// The document service over the application.
pub struct DocumentApi {
    app: App,
}

impl DocumentApi {
    /// Serves `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

type Chunks = Pin<Box<dyn Stream<Item = Result<pb::DocumentChunk, Status>> + Send>>;

#[tonic::async_trait]
impl DocumentService for DocumentApi {
    async fn list_documents(
        &self,
        request: Request<pb::ListDocumentsRequest>,
    ) -> Result<Response<pb::ListDocumentsResponse>, Status> {
        let who = super::principal(&request)?;
        let (case_id, after, page_size) =
            list_query(request.into_inner()).map_err(|v| invalid_argument(&v))?;
        let page = self
            .app
            .list_documents(&who, case_id, after, page_size)
            .await?;
        Ok(Response::new(pb::ListDocumentsResponse {
            documents: page.documents.iter().map(document_to_proto).collect(),
            next_page_token: page.next.map(|c| c.token()).unwrap_or_default(),
        }))
    }

    type GetDocumentStream = Chunks;

    async fn get_document(
        &self,
        request: Request<pb::GetDocumentRequest>,
    ) -> Result<Response<Chunks>, Status> {
        let who = super::principal(&request)?;
        let id = request.into_inner().document_id;
        if id.is_empty() {
            return Err(invalid_argument(&[crate::case::FieldViolation::new(
                "document_id",
                "is required",
            )]));
        }
        let (document, bytes) = self.app.get_document(&who, id).await?;
        Ok(Response::new(Box::pin(tokio_stream::iter(chunks(
            &document, &bytes,
        )))))
    }

    async fn upload_document(
        &self,
        request: Request<Streaming<pb::UploadDocumentRequest>>,
    ) -> Result<Response<pb::Document>, Status> {
        let who = super::principal(&request)?;
        let upload = gather_upload(request.into_inner()).await?;
        let document = self.app.upload_document(&who, upload).await?;
        Ok(Response::new(document_to_proto(&document)))
    }
}

/// Reads an upload's stream: the first message's fields (their text checked as the codec
/// checks a unary request's) and every message's bytes, stopping once they pass
/// [`MAX_BYTES`] (the rest is not read, and the answer names `data`).
async fn gather_upload(mut stream: Streaming<pb::UploadDocumentRequest>) -> Result<Upload, Status> {
    let mut first: Option<pb::UploadDocumentRequest> = None;
    let mut bytes = Vec::new();
    while let Some(mut message) = stream.message().await? {
        if bytes.len() + message.data.len() > MAX_BYTES {
            return Err(invalid_argument(&[crate::case::FieldViolation::new(
                "data",
                format!("the file is larger than {} MiB", MAX_BYTES >> 20),
            )]));
        }
        bytes.append(&mut message.data);
        if first.is_none() {
            first = Some(message);
        }
    }
    let first = first.unwrap_or_default();
    let bad_text = super::text::violations(&first);
    if !bad_text.is_empty() {
        return Err(invalid_argument(&bad_text));
    }
    Ok(Upload {
        case_id: first.case_id,
        kind: evidence_kind(first.kind),
        title: first.title,
        file_name: first.file_name,
        bytes,
    })
}

/// The proto evidence kind; `None` for UNSPECIFIED or an unknown number.
fn evidence_kind(raw: i32) -> Option<EvidenceKind> {
    match pb::EvidenceKind::try_from(raw).ok()? {
        pb::EvidenceKind::Unspecified => None,
        pb::EvidenceKind::Invoice => Some(EvidenceKind::Invoice),
        pb::EvidenceKind::Contract => Some(EvidenceKind::Contract),
        pb::EvidenceKind::Correspondence => Some(EvidenceKind::Correspondence),
        pb::EvidenceKind::JudgmentCopy => Some(EvidenceKind::JudgmentCopy),
        pb::EvidenceKind::Other => Some(EvidenceKind::Other),
    }
}

/// The chunks of a document: the first carries the metadata (and is sent even for an
/// empty document), each carries its offset.
fn chunks(document: &StoredDocument, bytes: &[u8]) -> Vec<Result<pb::DocumentChunk, Status>> {
    let mut out: Vec<Result<pb::DocumentChunk, Status>> = bytes
        .chunks(CHUNK_BYTES)
        .enumerate()
        .map(|(i, data)| {
            Ok(pb::DocumentChunk {
                document: None,
                offset: i64::try_from(i * CHUNK_BYTES).unwrap_or(i64::MAX),
                data: data.to_vec(),
            })
        })
        .collect();
    let meta = Some(document_to_proto(document));
    match out.first_mut() {
        Some(Ok(first)) => first.document = meta,
        _ => out.push(Ok(pb::DocumentChunk {
            document: meta,
            offset: 0,
            data: Vec::new(),
        })),
    }
    out
}

fn document_to_proto(d: &StoredDocument) -> pb::Document {
    pb::Document {
        id: d.id.clone(),
        case_id: d.case_id.clone(),
        kind: d.kind.clone(),
        title: d.title.clone(),
        media_type: d.media_type.clone(),
        sha256: d.sha256.clone(),
        template_version: d.template_version.clone(),
        size_bytes: d.size_bytes,
        created_at: Some(convert::timestamp(d.created_at)),
    }
}

fn list_query(
    r: pb::ListDocumentsRequest,
) -> Result<(String, Option<Cursor>, i64), Vec<crate::case::FieldViolation>> {
    let mut v = Violations::default();
    if r.case_id.is_empty() {
        v.add("case_id", "is required");
    }
    let page_size = v.page_size(r.page_size, DEFAULT_PAGE, MAX_PAGE);
    let after = if r.page_token.is_empty() {
        None
    } else {
        v.check(
            "page_token",
            Cursor::from_token(&r.page_token, "ListDocuments"),
        )
    };
    v.into_result(|| (r.case_id, after, page_size))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(size: usize) -> StoredDocument {
        StoredDocument {
            id: "d".into(),
            case_id: "c".into(),
            kind: "demand".into(),
            title: "t".into(),
            media_type: "application/pdf".into(),
            sha256: String::new(),
            template_version: "demand/1".into(),
            size_bytes: i64::try_from(size).unwrap_or(0),
            created_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn chunks_carry_metadata_first_and_offsets() {
        let bytes: Vec<u8> = (0..(CHUNK_BYTES * 2 + 10)).map(|i| i as u8).collect();
        let out: Vec<pb::DocumentChunk> = chunks(&document(bytes.len()), &bytes)
            .into_iter()
            .map(|c| c.expect("ok"))
            .collect();
        assert_eq!(out.len(), 3);
        assert!(out[0].document.is_some());
        assert!(out[1].document.is_none() && out[2].document.is_none());
        assert_eq!(out[2].offset, i64::try_from(CHUNK_BYTES * 2).unwrap_or(0));
        let joined: Vec<u8> = out.into_iter().flat_map(|c| c.data).collect();
        assert_eq!(joined, bytes);
    }

    #[test]
    fn an_empty_document_is_one_chunk_with_metadata() {
        let out = chunks(&document(0), &[]);
        assert_eq!(out.len(), 1);
        assert!(matches!(&out[0], Ok(c) if c.document.is_some() && c.data.is_empty()));
    }
}
