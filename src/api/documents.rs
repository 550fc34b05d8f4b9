//! `exploot.v1.DocumentService`.

use std::pin::Pin;

use tokio_stream::Stream;
use tonic::{Request, Response, Status};

use super::unimplemented;
use crate::proto::{self as pb, document_service_server::DocumentService};

/// The document service (the dossier's letters and writs).
#[derive(Default)]
pub struct DocumentApi;

type Chunks = Pin<Box<dyn Stream<Item = Result<pb::DocumentChunk, Status>> + Send>>;

#[tonic::async_trait]
impl DocumentService for DocumentApi {
    async fn list_documents(
        &self,
        _: Request<pb::ListDocumentsRequest>,
    ) -> Result<Response<pb::ListDocumentsResponse>, Status> {
        Err(unimplemented("ListDocuments"))
    }

    type GetDocumentStream = Chunks;

    async fn get_document(
        &self,
        _: Request<pb::GetDocumentRequest>,
    ) -> Result<Response<Chunks>, Status> {
        Err(unimplemented("GetDocument"))
    }
}
