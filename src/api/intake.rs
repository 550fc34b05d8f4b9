//! `exploot.v1.IntakeService`.

use std::pin::Pin;

use tokio_stream::Stream;
use tonic::{Request, Response, Status, Streaming};

use super::unimplemented;
use crate::proto::{self as pb, intake_service_server::IntakeService};
use crate::workflow::App;

/// The intake service over the application.
pub struct IntakeApi {
    #[expect(dead_code, reason = "ImportClaims is the next issue's work")]
    app: App,
}

impl IntakeApi {
    /// Serves `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

type Outcomes = Pin<Box<dyn Stream<Item = Result<pb::ImportClaimsResponse, Status>> + Send>>;

#[tonic::async_trait]
impl IntakeService for IntakeApi {
    type ImportClaimsStream = Outcomes;

    async fn import_claims(
        &self,
        _: Request<Streaming<pb::ImportClaimsRequest>>,
    ) -> Result<Response<Outcomes>, Status> {
        Err(unimplemented("ImportClaims"))
    }
}
