//! `exploot.v1.PayoutService`: payouts to clients and the client's overview.

use tonic::{Request, Response, Status};

use super::convert::{Violations, optional_date, required_date};
use super::principal;
use super::status::invalid_argument;
use crate::law::money::Money;
use crate::proto::{self as pb, payout_service_server::PayoutService};
use crate::workflow::{App, CaseLine, Overview, PayoutRun};

/// The payout service over the application.
pub struct PayoutApi {
    app: App,
}

impl PayoutApi {
    /// Serves `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

fn euros(cents: i64) -> String {
    Money::from_cents(cents).to_string()
}

#[tonic::async_trait]
impl PayoutService for PayoutApi {
    async fn run_payouts(
        &self,
        request: Request<pb::RunPayoutsRequest>,
    ) -> Result<Response<pb::PayoutRun>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let up_to = v.check("up_to_date", required_date(&r.up_to_date));
        let up_to = v
            .into_result(|| up_to.unwrap_or_default())
            .map_err(|v| invalid_argument(&v))?;
        let request_id = Some(r.request_id.trim().to_owned()).filter(|id| !id.is_empty());
        let run = self.app.run_payouts(&who, up_to, request_id).await?;
        Ok(Response::new(run_to_proto(run)))
    }

    async fn get_payout_statement(
        &self,
        request: Request<pb::GetPayoutStatementRequest>,
    ) -> Result<Response<pb::PayoutStatement>, Status> {
        use pb::get_payout_statement_request::Format;
        let who = principal(&request)?;
        let r = request.into_inner();
        let csv = match Format::try_from(r.format) {
            Ok(Format::Csv) => true,
            Ok(Format::Unspecified | Format::Pdf) => false,
            Err(_) => {
                return Err(invalid_argument(&[crate::case::FieldViolation::new(
                    "format",
                    format!("{}: FORMAT_PDF or FORMAT_CSV", r.format),
                )]));
            }
        };
        let (media_type, content) = self.app.payout_statement(&who, r.payout_id, csv).await?;
        Ok(Response::new(pb::PayoutStatement {
            media_type: media_type.into(),
            content,
        }))
    }

    async fn client_overview(
        &self,
        request: Request<pb::ClientOverviewRequest>,
    ) -> Result<Response<pb::ClientOverviewResponse>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        if r.client_id.is_empty() {
            v.add("client_id", "required");
        }
        let as_of = v.check("as_of", optional_date(&r.as_of));
        let as_of = v
            .into_result(|| as_of.flatten())
            .map_err(|v| invalid_argument(&v))?;
        let overview = self.app.client_overview(&who, r.client_id, as_of).await?;
        Ok(Response::new(overview_to_proto(overview)))
    }
}

fn run_to_proto(run: PayoutRun) -> pb::PayoutRun {
    pb::PayoutRun {
        id: run.id,
        up_to_date: run.up_to_date.map(|d| d.to_string()).unwrap_or_default(),
        message_id: run.message_id,
        payouts: run
            .payouts
            .into_iter()
            .map(|(p, lines)| pb::Payout {
                id: p.id,
                client_id: p.client_id,
                iban: p.iban,
                received: euros(p.received_cents),
                to_client: euros(p.to_client_cents),
                to_office: euros(p.to_office_cents),
                invoiced: euros(p.invoiced_cents),
                amount: euros(p.amount_cents),
                end_to_end_id: p.end_to_end_id,
                lines: i32::try_from(lines).unwrap_or(i32::MAX),
            })
            .collect(),
        total: euros(run.total_cents),
        pain001: run.pain001.into_bytes(),
        warnings: run.warnings,
    }
}

fn line_to_proto(c: &CaseLine) -> pb::CaseLine {
    pb::CaseLine {
        case_id: c.case_id.clone(),
        client_reference: c.client_reference.clone(),
        stage: c.stage.clone(),
        oldest_due_date: c.oldest_due_date.map(|d| d.to_string()).unwrap_or_default(),
        days_past_due: i32::try_from(c.days_past_due).unwrap_or(i32::MAX),
        outstanding: euros(c.outstanding_cents),
        received: euros(c.received_cents),
        paid_out: euros(c.paid_out_cents),
        waiting_for_client: c.waiting_for_client,
    }
}

fn overview_to_proto(o: Overview) -> pb::ClientOverviewResponse {
    let (open, outstanding, received, paid_out) = o.totals();
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    pb::ClientOverviewResponse {
        client_id: o.client_id.clone(),
        as_of: o.as_of.map(|d| d.to_string()).unwrap_or_default(),
        open_cases: count(open),
        stages: o
            .stages()
            .into_iter()
            .map(|(stage, n, cents)| pb::StageCount {
                stage,
                cases: count(n),
                outstanding: euros(cents),
            })
            .collect(),
        outstanding: euros(outstanding),
        received: euros(received),
        paid_out: euros(paid_out),
        aging: o
            .aging()
            .into_iter()
            .map(|(bucket, n, cents)| pb::AgingBucket {
                bucket: bucket.into(),
                cases: count(n),
                outstanding: euros(cents),
            })
            .collect(),
        waiting_for_client: o
            .cases
            .iter()
            .filter(|c| c.waiting_for_client)
            .map(line_to_proto)
            .collect(),
        cases: o.cases.iter().map(line_to_proto).collect(),
        csv: o.csv.into_bytes(),
        pdf: o.pdf,
    }
}
