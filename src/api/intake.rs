//! `exploot.v1.IntakeService`: clients' batch imports.

use std::pin::Pin;
use tracing::Instrument as _;

use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status, Streaming};

use super::stream_slots::{IMPORTS_PER_TOKEN, StreamSlots};
use super::{convert, principal};
use crate::case::FieldViolation;
use crate::proto::{self as pb, intake_service_server::IntakeService};
use crate::workflow::{App, ImportInput, ImportRow, Outcome, RowOutcome};

/// The intake service over the application.
pub struct IntakeApi {
    app: App,
    slots: StreamSlots,
}

impl IntakeApi {
    /// Serves `app`.
    pub fn new(app: App) -> Self {
        Self {
            app,
            slots: StreamSlots::new(IMPORTS_PER_TOKEN),
        }
    }
}

type Outcomes = Pin<Box<dyn Stream<Item = Result<pb::ImportClaimsResponse, Status>> + Send>>;

#[tonic::async_trait]
impl IntakeService for IntakeApi {
    type ImportClaimsStream = Outcomes;

    async fn import_claims(
        &self,
        request: Request<Streaming<pb::ImportClaimsRequest>>,
    ) -> Result<Response<Outcomes>, Status> {
        let who = principal(&request)?;
        let slot = self.slots.take(&who.token_id).ok_or_else(|| {
            Status::resource_exhausted(format!(
                "this token already runs {IMPORTS_PER_TOKEN} imports; send the rows through \
                 one of them, or wait until one ends"
            ))
        })?;
        let mut requests = request.into_inner();
        let (rows, outcomes) = self.app.import(&who);
        let app = self.app.clone();
        // Decode and parse here while the application commits the previous batch.
        // In the call's span, so its transactions are part of the caller's trace.
        tokio::spawn(
            async move {
                loop {
                    let input = match requests.message().await {
                        Ok(Some(r)) => {
                            ImportInput::Row(Box::new(import_row(r, app.clock().today())))
                        }
                        Ok(None) => return, // the client closed its side: commit what is left
                        Err(status) => {
                            tracing::info!(code = ?status.code(), "import stream broken");
                            ImportInput::Broken(format!(
                                "{:?}: {}",
                                status.code(),
                                status.message()
                            ))
                        }
                    };
                    let broken = matches!(input, ImportInput::Broken(_));
                    if rows.send(input).await.is_err() || broken {
                        return;
                    }
                }
            }
            .in_current_span(),
        );
        // The slot is held until the answers end or the caller goes away.
        let answers = ReceiverStream::new(outcomes).map(move |outcome| {
            let _held = &slot;
            outcome.map(outcome_to_proto).map_err(Status::from)
        });
        Ok(Response::new(Box::pin(answers)))
    }

    async fn import_bank_statement(
        &self,
        request: Request<Streaming<pb::ImportBankStatementRequest>>,
    ) -> Result<Response<pb::ImportBankStatementResponse>, Status> {
        let who = principal(&request)?;
        super::bank::import_bank_statement(&self.app, &who, request.into_inner()).await
    }
}

/// A claim read from a request whose text broke `bad_text`'s rules: every bad field at
/// once — the text's and the claim's (each field named once) — so a client does not learn
/// of a bad amount only after it fixed a name.
pub(crate) fn with_text<T>(
    bad_text: Vec<FieldViolation>,
    claim: Result<T, Vec<FieldViolation>>,
) -> Result<T, Vec<FieldViolation>> {
    if bad_text.is_empty() {
        return claim;
    }
    let mut all = bad_text;
    for more in claim.err().unwrap_or_default() {
        if !all.iter().any(|v| v.field == more.field) {
            all.push(more);
        }
    }
    Err(all)
}

/// A request row as the application's row, with the same rules as `CreateCase`.
pub(crate) fn import_row(r: pb::ImportClaimsRequest, today: chrono::NaiveDate) -> ImportRow {
    // A stream's rows are not checked by the codec: each row's text here, with the claim.
    let claim = with_text(
        super::text::violations(&r),
        convert::claim(
            &r.client_id,
            &r.client_reference,
            r.debtor.as_ref(),
            &r.invoices,
            &r.notes,
            today,
        ),
    );
    ImportRow {
        row: r.row,
        client_id: r.client_id,
        client_reference: r.client_reference,
        claim,
    }
}

pub(crate) fn outcome_to_proto(o: RowOutcome) -> pb::ImportClaimsResponse {
    use pb::import_claims_response::Outcome as Kind;
    let mut answer = pb::ImportClaimsResponse {
        row: o.row,
        client_reference: o.client_reference,
        ..Default::default()
    };
    let kind = match o.outcome {
        Outcome::Accepted { case_id, warnings } => {
            answer.case_id = case_id;
            answer.warnings = warnings;
            Kind::Accepted
        }
        Outcome::Duplicate { case_id } => {
            answer.case_id = case_id;
            Kind::Duplicate
        }
        Outcome::Conflict { case_id } => {
            answer.case_id = case_id;
            Kind::Conflict
        }
        Outcome::Rejected(violations) => {
            answer.violations = violations
                .into_iter()
                .map(|v| pb::FieldViolation {
                    field: v.field,
                    description: v.description,
                })
                .collect();
            Kind::Rejected
        }
    };
    answer.outcome = kind.into();
    answer
}
