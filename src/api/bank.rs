//! The bank's files over gRPC: `IntakeService.ImportBankStatement` (the statement's bytes
//! streamed in, gathered up to the parser's cap, booked whole) and its answer.

use tonic::{Response, Status, Streaming};

use super::status::invalid_argument;
use crate::bank::camt053::MAX_BYTES;
use crate::case::FieldViolation;
use crate::law::money::Money;
use crate::proto as pb;
use crate::workflow::{App, BankImport, EntryOutcome, Principal};

/// Gathers the streamed file (at most [`MAX_BYTES`]) and imports it.
pub(super) async fn import_bank_statement(
    app: &App,
    who: &Principal,
    mut chunks: Streaming<pb::ImportBankStatementRequest>,
) -> Result<Response<pb::ImportBankStatementResponse>, Status> {
    let mut bytes = Vec::new();
    while let Some(message) = chunks.message().await? {
        // A stream's messages are not checked by the codec: the file name's text here
        // (the chunk's bytes are the file's own, read by the parser).
        let name = pb::ImportBankStatementRequest {
            file_name: message.file_name.clone(),
            ..Default::default()
        };
        let bad_name = super::text::violations(&name);
        if !bad_name.is_empty() {
            return Err(invalid_argument(&bad_name));
        }
        if bytes.len() + message.chunk.len() > MAX_BYTES {
            return Err(invalid_argument(&[FieldViolation::new(
                "chunk",
                format!("the file is larger than {MAX_BYTES} bytes: not a day's statement"),
            )]));
        }
        bytes.extend_from_slice(&message.chunk);
    }
    let import = app.import_bank_statement(who, bytes).await?;
    Ok(Response::new(import_to_proto(import)))
}

fn import_to_proto(import: BankImport) -> pb::ImportBankStatementResponse {
    use pb::bank_entry_outcome::Outcome as Kind;
    let mut answer = pb::ImportBankStatementResponse {
        message_id: import.message_id,
        account: import.account,
        ..Default::default()
    };
    let mut booked_cents = 0;
    for e in import.entries {
        let kind = match e.outcome {
            EntryOutcome::Booked => {
                answer.booked += 1;
                booked_cents += e.amount_cents;
                Kind::Booked
            }
            EntryOutcome::Unmatched => {
                answer.unmatched += 1;
                Kind::Unmatched
            }
            EntryOutcome::Ambiguous => {
                answer.unmatched += 1;
                Kind::Ambiguous
            }
            EntryOutcome::Duplicate => {
                answer.duplicates += 1;
                Kind::Duplicate
            }
            EntryOutcome::Reversed => {
                answer.reversed += 1;
                Kind::Reversed
            }
            EntryOutcome::Skipped => {
                answer.skipped += 1;
                Kind::Skipped
            }
        };
        answer.entries.push(pb::BankEntryOutcome {
            position: e.position,
            reference: e.reference,
            amount: Money::from_cents(e.amount_cents).to_string(),
            credit: e.credit,
            booking_date: e.booking_date.to_string(),
            outcome: kind.into(),
            case_id: e.case_id.unwrap_or_default(),
            payment_id: e.payment_id,
            task_id: e.task_id.unwrap_or_default(),
            note: e.note,
        });
    }
    answer.booked_amount = Money::from_cents(booked_cents).to_string();
    answer
}
