//! `exploot.v1.CalculatorService`: the stateless calculator over `law::quote`.

use tonic::{Request, Response, Status};

use super::convert::{quote_request, quote_to_proto};
use super::status::invalid_argument;
use crate::law::quote;
use crate::proto::{self as pb, calculator_service_server::CalculatorService};
use crate::workflow::App;

/// The stateless calculator: nothing is stored, but the rates are the office's (the
/// built-in table with the rows added through `AdminService.AddRate`), read per call.
pub struct CalculatorApi {
    app: App,
}

impl CalculatorApi {
    /// Serves `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

#[tonic::async_trait]
impl CalculatorService for CalculatorApi {
    async fn quote_claim(
        &self,
        request: Request<pb::QuoteClaimRequest>,
    ) -> Result<Response<pb::ClaimQuote>, Status> {
        let mut request = quote_request(request.get_ref()).map_err(|v| invalid_argument(&v))?;
        request.rates = self.app.rate_table().await?;
        let quote = quote::quote(&request).map_err(|v| invalid_argument(&v))?;
        Ok(Response::new(quote_to_proto(&quote, request.as_of)))
    }
}
