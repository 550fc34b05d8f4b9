//! `exploot.v1.CaseService`.

use std::pin::Pin;

use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status};

use super::convert::{self, Violations};
use super::principal;
use super::rate_limit::{RateLimit, RateLimiter};
use super::status::invalid_argument;
use super::stream_slots::{StreamSlots, WATCHES_PER_TOKEN};
use crate::case::{CaseFilter, Event};
use crate::error::AppError;
use crate::page::Cursor;
use crate::proto::{self as pb, case_service_server::CaseService};
use crate::workflow::{App, AuditEntry, CaseQuery, Principal};

/// Default and largest page of `ListCases`.
const DEFAULT_PAGE: i64 = 50;
const MAX_PAGE: i64 = 1000;

/// The case service over the application.
pub struct CaseApi {
    app: App,
    watches: StreamSlots,
    /// CheckDebtor's own buckets: each check may cost calls to paid registers.
    checks: RateLimiter,
}

/// CheckDebtor per token: 20 at once, then one every 2 seconds.
const CHECK_LIMIT: RateLimit = RateLimit {
    per_second: 0.5,
    burst: 20.0,
};

impl CaseApi {
    /// Serves `app`.
    pub fn new(app: App) -> Self {
        Self {
            app,
            watches: StreamSlots::new(WATCHES_PER_TOKEN),
            checks: RateLimiter::new(CHECK_LIMIT),
        }
    }

    /// A track command: applied once per request id, answered with the case.
    async fn command(
        &self,
        who: &Principal,
        case_id: String,
        request_id: String,
        event: Event,
    ) -> Result<Response<pb::Case>, Status> {
        let case = self.app.command(who, case_id, request_id, event).await?;
        Ok(Response::new(convert::case_to_proto(
            &case,
            &self.creditor_iban().await?,
        )))
    }

    /// Where debtors pay: the third-party account of the office in force (empty while no
    /// office is configured).
    async fn creditor_iban(&self) -> Result<String, Status> {
        Ok(self
            .app
            .current_office()
            .await?
            .map(|o| o.office.third_party_account.iban.as_str().to_owned())
            .unwrap_or_default())
    }
}

type EventStream = Pin<Box<dyn Stream<Item = Result<pb::CaseEvent, Status>> + Send>>;

#[tonic::async_trait]
impl CaseService for CaseApi {
    async fn create_case(
        &self,
        request: Request<pb::CreateCaseRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        // Its text is checked here, not by the codec, to name it with the claim's other
        // bad fields; a bad text goes no further than this.
        let bad_text = super::text::violations(&r);
        let text_broken = !bad_text.is_empty();
        let claim = super::intake::with_text(
            bad_text,
            convert::claim(
                &r.client_id,
                &r.client_reference,
                r.debtor.as_ref(),
                &r.invoices,
                &r.notes,
                self.app.clock().today(),
            ),
        );
        if let (true, Err(bad)) = (text_broken, &claim) {
            return Err(invalid_argument(bad));
        }
        let case = self.app.create_case(&who, r.client_id, claim).await?;
        Ok(Response::new(convert::case_to_proto(
            &case,
            &self.creditor_iban().await?,
        )))
    }

    async fn get_case(
        &self,
        request: Request<pb::GetCaseRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        let who = principal(&request)?;
        let case = self
            .app
            .get_case(&who, request.into_inner().case_id)
            .await?;
        Ok(Response::new(convert::case_to_proto(
            &case,
            &self.creditor_iban().await?,
        )))
    }

    async fn list_cases(
        &self,
        request: Request<pb::ListCasesRequest>,
    ) -> Result<Response<pb::ListCasesResponse>, Status> {
        let who = principal(&request)?;
        let query = list_query(request.into_inner()).map_err(|v| invalid_argument(&v))?;
        let (cases, next) = self.app.list_cases(&who, query).await?;
        let iban = self.creditor_iban().await?;
        Ok(Response::new(pb::ListCasesResponse {
            cases: cases
                .iter()
                .map(|c| convert::case_to_proto(c, &iban))
                .collect(),
            next_page_token: next.map(|c| c.token()).unwrap_or_default(),
        }))
    }

    async fn record_payment(
        &self,
        request: Request<pb::RecordPaymentRequest>,
    ) -> Result<Response<pb::RecordPaymentResponse>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        let payment = convert::payment(&r).map_err(|v| invalid_argument(&v))?;
        let (case, recorded) = self.app.record_payment(&who, r.case_id, payment).await?;
        Ok(Response::new(pb::RecordPaymentResponse {
            recorded: Some(convert::recorded_payment(&recorded)),
            case: Some(convert::case_to_proto(&case, &self.creditor_iban().await?)),
        }))
    }

    async fn reverse_payment(
        &self,
        request: Request<pb::ReversePaymentRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        let event = convert::reversal(&r).map_err(|v| invalid_argument(&v))?;
        // A day to come is a bad field, known without the case; one before the payment
        // the track refuses.
        let today = crate::clock::amsterdam_local(self.app.service_now().await?).date();
        if let Event::PaymentReversed { reversed_on, .. } = &event
            && *reversed_on > today
        {
            return Err(AppError::invalid(
                "reversed_on",
                &format!("{reversed_on} is after today ({today})"),
            )
            .into());
        }
        self.command(&who, r.case_id, r.request_id, event).await
    }

    async fn propose_payment_plan(
        &self,
        request: Request<pb::ProposePaymentPlanRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        let instalments = convert::instalments(&r.instalments).map_err(|v| invalid_argument(&v))?;
        let event = Event::PlanProposed { instalments };
        self.command(&who, r.case_id, r.request_id, event).await
    }

    async fn put_on_hold(
        &self,
        request: Request<pb::PutOnHoldRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        let reason = convert::hold_reason(r.reason).map_err(|v| invalid_argument(&v))?;
        let event = Event::PutOnHold {
            reason: reason.into(),
            note: r.note,
        };
        self.command(&who, r.case_id, r.request_id, event).await
    }

    async fn resume(
        &self,
        request: Request<pb::ResumeRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        let event = Event::Resume { note: r.note };
        self.command(&who, r.case_id, r.request_id, event).await
    }

    async fn withdraw_case(
        &self,
        request: Request<pb::WithdrawCaseRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        let event = Event::Withdraw { note: r.reason };
        self.command(&who, r.case_id, r.request_id, event).await
    }

    async fn close_uncollectable(
        &self,
        request: Request<pb::CloseUncollectableRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        if r.reason.trim().is_empty() {
            return Err(invalid_argument(&[crate::case::FieldViolation::new(
                "reason",
                "required: why nothing can be recovered (it is on the client's final statement)",
            )]));
        }
        let event = Event::CloseUncollectable { note: r.reason };
        self.command(&who, r.case_id, r.request_id, event).await
    }

    async fn quote_case(
        &self,
        request: Request<pb::QuoteCaseRequest>,
    ) -> Result<Response<pb::ClaimQuote>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        let as_of = convert::optional_date(&r.as_of)
            .map_err(|e| invalid_argument(&[crate::case::FieldViolation::new("as_of", e)]))?;
        let (owed, as_of) = self.app.quote_case(&who, r.case_id, as_of).await?;
        Ok(Response::new(convert::owed_to_proto(&owed, as_of)))
    }

    type WatchCaseStream = EventStream;

    async fn watch_case(
        &self,
        request: Request<pb::WatchCaseRequest>,
    ) -> Result<Response<EventStream>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        if r.from_sequence < 0 {
            return Err(invalid_argument(&[crate::case::FieldViolation::new(
                "from_sequence",
                "0 or more",
            )]));
        }
        let slot = self.watches.take(&who.token_id).ok_or_else(|| {
            Status::resource_exhausted(format!(
                "this token already watches {} cases; end a watch first",
                self.watches.limit()
            ))
        })?;
        let events = self
            .app
            .watch_case(&who, r.case_id, r.from_sequence)
            .await?;
        // The slot is held until the watch ends or the caller goes away.
        let stream = tokio_stream::wrappers::ReceiverStream::new(events).map(move |item| {
            let _held = &slot;
            item.map(|e| event_to_proto(&e)).map_err(Status::from)
        });
        Ok(Response::new(Box::pin(stream)))
    }

    async fn register_judgment(
        &self,
        request: Request<pb::RegisterJudgmentRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        let judgment = convert::judgment(r.judgment.as_ref()).map_err(|v| invalid_argument(&v))?;
        let event = Event::JudgmentRegistered(judgment);
        self.command(&who, r.case_id, r.request_id, event).await
    }

    async fn search_cases(
        &self,
        request: Request<pb::SearchCasesRequest>,
    ) -> Result<Response<pb::SearchCasesResponse>, Status> {
        let who = principal(&request)?;
        let (query, after, page_size) =
            convert::search_request(request.get_ref(), DEFAULT_PAGE, MAX_PAGE)
                .map_err(|v| invalid_argument(&v))?;
        let (cases, next) = self.app.find_cases(&who, query, after, page_size).await?;
        let iban = self.creditor_iban().await?;
        Ok(Response::new(pb::SearchCasesResponse {
            cases: cases
                .iter()
                .map(|c| convert::case_to_proto(c, &iban))
                .collect(),
            next_page_token: next.map(|c| c.token()).unwrap_or_default(),
        }))
    }

    async fn list_debtor_cases(
        &self,
        request: Request<pb::ListDebtorCasesRequest>,
    ) -> Result<Response<pb::ListDebtorCasesResponse>, Status> {
        let who = principal(&request)?;
        let found = self
            .app
            .list_debtor_cases(&who, request.into_inner().case_id)
            .await?;
        let iban = self.creditor_iban().await?;
        Ok(Response::new(pb::ListDebtorCasesResponse {
            cases: found
                .cases
                .iter()
                .map(|(case, owed)| pb::DebtorCase {
                    case: Some(convert::case_to_proto(case, &iban)),
                    owed: owed.to_string(),
                })
                .collect(),
            total_owed: found.total.to_string(),
            as_of: found.as_of.to_string(),
        }))
    }

    async fn check_debtor(
        &self,
        request: Request<pb::CheckDebtorRequest>,
    ) -> Result<Response<pb::CheckDebtorResponse>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        let subject = convert::check_subject(&r).map_err(|v| invalid_argument(&v))?;
        if !self.checks.admit(&who.token_id) {
            return Err(Status::resource_exhausted(
                "too many debtor checks with this token: at most 20 at once, then one every 2 seconds",
            ));
        }
        let check = self
            .app
            .check_debtor(&who, subject, r.postcode.trim().to_owned())
            .await?;
        Ok(Response::new(convert::check_to_proto(&check)))
    }

    async fn add_note(
        &self,
        request: Request<pb::AddNoteRequest>,
    ) -> Result<Response<pb::Note>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        let note = convert::new_note(&r).map_err(|v| invalid_argument(&v))?;
        let listed = self
            .app
            .add_note(&who, r.case_id.clone(), r.request_id, note)
            .await?;
        Ok(Response::new(convert::note_to_proto(&r.case_id, &listed)))
    }

    async fn list_notes(
        &self,
        request: Request<pb::ListNotesRequest>,
    ) -> Result<Response<pb::ListNotesResponse>, Status> {
        let who = principal(&request)?;
        let case_id = request.into_inner().case_id;
        let notes = self.app.list_notes(&who, case_id.clone()).await?;
        Ok(Response::new(pb::ListNotesResponse {
            notes: notes
                .iter()
                .map(|n| convert::note_to_proto(&case_id, n))
                .collect(),
        }))
    }

    async fn update_debtor(
        &self,
        request: Request<pb::UpdateDebtorRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        let change = convert::debtor_change(&r).map_err(|v| invalid_argument(&v))?;
        let case = self
            .app
            .update_debtor(&who, r.case_id, r.request_id, change)
            .await?;
        Ok(Response::new(convert::case_to_proto(
            &case,
            &self.creditor_iban().await?,
        )))
    }
}

fn list_query(r: pb::ListCasesRequest) -> Result<CaseQuery, Vec<crate::case::FieldViolation>> {
    let mut v = Violations::default();
    let mut instant = |field: &str, ts: Option<&prost_types::Timestamp>| {
        ts.and_then(|ts| v.check(field, convert::instant(ts)))
    };
    let created_after = instant("created_after", r.created_after.as_ref());
    let created_before = instant("created_before", r.created_before.as_ref());
    let updated_after = instant("updated_after", r.updated_after.as_ref());
    let updated_before = instant("updated_before", r.updated_before.as_ref());
    let stage = v.check("stage", convert::stage_filter(r.stage)).flatten();
    let page_size = v.page_size(r.page_size, DEFAULT_PAGE, MAX_PAGE);
    let after = if r.page_token.is_empty() {
        None
    } else {
        v.check("page_token", Cursor::from_token(&r.page_token, "ListCases"))
    };
    let non_empty = |s: String| if s.is_empty() { None } else { Some(s) };
    v.into_result(|| CaseQuery {
        filter: CaseFilter {
            client_id: non_empty(r.client_id),
            stage,
            debtor_kvk_number: non_empty(r.debtor_kvk_number),
            created_after,
            created_before,
            updated_after,
            updated_before,
        },
        after,
        page_size,
    })
}

/// An audit event as the proto message.
fn event_to_proto(e: &AuditEntry) -> pb::CaseEvent {
    let stage = e.stage.map_or(pb::Stage::Unspecified, convert::proto_stage);
    let suspension = e
        .suspension
        .map_or(pb::Suspension::Unspecified, convert::proto_suspension);
    pb::CaseEvent {
        case_id: e.case_id.clone(),
        sequence: e.sequence,
        kind: e.kind.clone(),
        at: Some(convert::timestamp(e.at)),
        actor: e.actor.clone(),
        stage: stage.into(),
        suspension: suspension.into(),
        reason: e.reason.clone(),
        payload_json: e.payload_json.clone(),
        policy_version: e.policy_version,
    }
}
