//! `exploot.v1.CalculatorService`.

use tonic::{Request, Response, Status};

use super::unimplemented;
use crate::proto::{self as pb, calculator_service_server::CalculatorService};

/// The stateless calculator.
#[derive(Default)]
pub struct CalculatorApi;

#[tonic::async_trait]
impl CalculatorService for CalculatorApi {
    async fn quote_claim(
        &self,
        _: Request<pb::QuoteClaimRequest>,
    ) -> Result<Response<pb::ClaimQuote>, Status> {
        Err(unimplemented("QuoteClaim"))
    }
}
