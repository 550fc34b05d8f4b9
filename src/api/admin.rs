//! `exploot.v1.AdminService`.

use tonic::{Request, Response, Status};

use super::status::invalid_argument;
use super::{convert, rates, tariff_years};
use crate::case::FieldViolation;
use crate::proto::{self as pb, admin_service_server::AdminService};
use crate::workflow::{App, ClockTarget};

/// The admin service over the application.
pub struct AdminApi {
    app: App,
}

impl AdminApi {
    /// Serves `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

#[tonic::async_trait]
impl AdminService for AdminApi {
    async fn put_client(
        &self,
        request: Request<pb::PutClientRequest>,
    ) -> Result<Response<pb::Client>, Status> {
        let who = super::principal(&request)?;
        let client =
            convert::client(request.get_ref().client.as_ref()).map_err(|v| invalid_argument(&v))?;
        let stored = self.app.put_client(who.actor(), client).await?;
        Ok(Response::new(convert::client_to_proto(&stored)))
    }

    async fn get_client(
        &self,
        request: Request<pb::GetClientRequest>,
    ) -> Result<Response<pb::Client>, Status> {
        let who = super::principal(&request)?;
        let stored = self
            .app
            .get_client(&who, request.into_inner().client_id)
            .await?;
        Ok(Response::new(convert::client_to_proto(&stored)))
    }

    async fn put_track_policy(
        &self,
        request: Request<pb::PutTrackPolicyRequest>,
    ) -> Result<Response<pb::TrackPolicy>, Status> {
        let who = super::principal(&request)?;
        let (client_id, policy) =
            convert::policy(request.get_ref().policy.as_ref()).map_err(|v| invalid_argument(&v))?;
        let stored = self.app.put_policy(who.actor(), client_id, policy).await?;
        Ok(Response::new(convert::policy_to_proto(&stored)))
    }

    async fn get_track_policy(
        &self,
        request: Request<pb::GetTrackPolicyRequest>,
    ) -> Result<Response<pb::TrackPolicy>, Status> {
        let r = request.into_inner();
        let version = (r.version > 0).then_some(r.version);
        let stored = self.app.get_policy(r.client_id, version).await?;
        Ok(Response::new(convert::policy_to_proto(&stored)))
    }

    async fn advance_clock(
        &self,
        request: Request<pb::AdvanceClockRequest>,
    ) -> Result<Response<pb::AdvanceClockResponse>, Status> {
        use pb::advance_clock_request::Target;
        let who = super::principal(&request)?;
        let target = match request.into_inner().target {
            Some(Target::By(by)) => chrono::Duration::try_seconds(by.seconds)
                .and_then(|s| s.checked_add(&chrono::Duration::nanoseconds(i64::from(by.nanos))))
                .map(ClockTarget::By)
                .ok_or_else(|| invalid_argument(&[FieldViolation::new("by", "out of range")]))?,
            Some(Target::To(to)) => ClockTarget::To(
                convert::instant(&to)
                    .map_err(|e| invalid_argument(&[FieldViolation::new("to", &e)]))?,
            ),
            None => {
                return Err(invalid_argument(&[FieldViolation::new(
                    "target",
                    "set by (a duration) or to (an instant)",
                )]));
            }
        };
        let (now, jobs_run) = self.app.advance_clock(who.actor(), target).await?;
        Ok(Response::new(pb::AdvanceClockResponse {
            now: Some(convert::timestamp(now)),
            jobs_run,
        }))
    }

    async fn add_rate(
        &self,
        request: Request<pb::AddRateRequest>,
    ) -> Result<Response<pb::AddRateResponse>, Status> {
        let who = super::principal(&request)?;
        let rate = rates::new_rate(request.get_ref()).map_err(|v| invalid_argument(&v))?;
        let added = self.app.add_rate(who.actor(), rate).await?;
        Ok(Response::new(pb::AddRateResponse {
            row: Some(rates::row_to_proto(&added.row, &added.id)),
            changed_case_ids: added.changed_case_ids,
        }))
    }

    async fn add_court_fees(
        &self,
        request: Request<pb::AddCourtFeesRequest>,
    ) -> Result<Response<pb::CourtFeeYear>, Status> {
        let who = super::principal(&request)?;
        let fees =
            tariff_years::new_court_fees(request.get_ref()).map_err(|v| invalid_argument(&v))?;
        let (year, id) = self.app.add_court_fees(who.actor(), fees).await?;
        Ok(Response::new(tariff_years::year_to_proto(&year, &id)))
    }

    async fn list_court_fees(
        &self,
        _request: Request<pb::ListCourtFeesRequest>,
    ) -> Result<Response<pb::ListCourtFeesResponse>, Status> {
        let years = self.app.list_court_fees().await?;
        Ok(Response::new(pb::ListCourtFeesResponse {
            years: years
                .iter()
                .map(|(year, id)| tariff_years::year_to_proto(year, id))
                .collect(),
        }))
    }

    async fn add_bailiff_tariffs(
        &self,
        request: Request<pb::AddBailiffTariffsRequest>,
    ) -> Result<Response<pb::BailiffTariffYear>, Status> {
        let who = super::principal(&request)?;
        let tariffs = tariff_years::new_bailiff_tariffs(request.get_ref())
            .map_err(|v| invalid_argument(&v))?;
        let (year, id) = self.app.add_bailiff_tariffs(who.actor(), tariffs).await?;
        Ok(Response::new(tariff_years::btag_year_to_proto(&year, &id)))
    }

    async fn list_bailiff_tariffs(
        &self,
        _request: Request<pb::ListBailiffTariffsRequest>,
    ) -> Result<Response<pb::ListBailiffTariffsResponse>, Status> {
        let years = self.app.list_bailiff_tariffs().await?;
        Ok(Response::new(pb::ListBailiffTariffsResponse {
            years: years
                .iter()
                .map(|(year, id)| tariff_years::btag_year_to_proto(year, id))
                .collect(),
        }))
    }

    async fn list_rates(
        &self,
        request: Request<pb::ListRatesRequest>,
    ) -> Result<Response<pb::ListRatesResponse>, Status> {
        let raw = request.into_inner().series;
        let only = match raw.trim() {
            "" => None,
            text => Some(
                rates::series(text)
                    .map_err(|e| invalid_argument(&[FieldViolation::new("series", &e)]))?,
            ),
        };
        let rows = self.app.list_rates(only).await?;
        Ok(Response::new(pb::ListRatesResponse {
            rows: rows
                .iter()
                .map(|(row, id)| rates::row_to_proto(row, id))
                .collect(),
        }))
    }

    async fn put_office(
        &self,
        request: Request<pb::PutOfficeRequest>,
    ) -> Result<Response<pb::Office>, Status> {
        let who = super::principal(&request)?;
        let office =
            convert::office(request.get_ref().office.as_ref()).map_err(|v| invalid_argument(&v))?;
        let stored = self.app.put_office(&who, office).await?;
        Ok(Response::new(convert::office_to_proto(&stored)))
    }

    async fn get_office(
        &self,
        request: Request<pb::GetOfficeRequest>,
    ) -> Result<Response<pb::Office>, Status> {
        let version = request.get_ref().version;
        let stored = self
            .app
            .get_office((version > 0).then_some(version))
            .await?;
        Ok(Response::new(convert::office_to_proto(&stored)))
    }

    async fn get_clock(
        &self,
        _: Request<pb::GetClockRequest>,
    ) -> Result<Response<pb::Clock>, Status> {
        // The shared time as the database has it now: another instance may just have
        // moved it.
        let now = self.app.service_now().await?;
        Ok(Response::new(pb::Clock {
            now: Some(convert::timestamp(now)),
            manual: self.app.clock().is_manual(),
        }))
    }
}
