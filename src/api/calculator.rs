//! `exploot.v1.CalculatorService`: the stateless calculator over `law::quote`.

use tonic::{Request, Response, Status};

use super::convert::{quote_request, quote_to_proto};
use super::status::invalid_argument;
use crate::law::quote;
use crate::proto::{self as pb, calculator_service_server::CalculatorService};

/// The stateless calculator.
#[derive(Default)]
pub struct CalculatorApi;

#[tonic::async_trait]
impl CalculatorService for CalculatorApi {
    async fn quote_claim(
        &self,
        request: Request<pb::QuoteClaimRequest>,
    ) -> Result<Response<pb::ClaimQuote>, Status> {
        let request = quote_request(request.get_ref()).map_err(|v| invalid_argument(&v))?;
        let quote = quote::quote(&request).map_err(|v| invalid_argument(&v))?;
        Ok(Response::new(quote_to_proto(&quote, request.as_of)))
    }
}
