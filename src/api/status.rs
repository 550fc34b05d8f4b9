//! Application errors as gRPC statuses, with `google.rpc.BadRequest` naming every bad field.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::case::FieldViolation;
use crate::error::AppError;

impl From<AppError> for Status {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Invalid(violations) => invalid_argument(&violations),
            AppError::NotFound(m) => Status::not_found(m),
            AppError::Unauthenticated(m) => Status::unauthenticated(m),
            AppError::PermissionDenied(m) => Status::permission_denied(m),
            AppError::AlreadyExists(m) => Status::already_exists(m),
            AppError::Conflict => Status::aborted("a concurrent write conflicted; retry"),
            AppError::FailedPrecondition(m) => Status::failed_precondition(m),
            AppError::Unimplemented(m) => Status::unimplemented(m),
            AppError::Unavailable(m) => {
                tracing::warn!(error = %m, "unavailable");
                Status::unavailable(m)
            }
            AppError::Exhausted(m) => {
                tracing::error!(error = %m, "database disk full");
                Status::resource_exhausted(m)
            }
            AppError::Internal(m) => {
                tracing::error!(error = %m, "internal error");
                Status::internal("internal error; it has been logged")
            }
        }
    }
}

/// At most this many violations go into the `google.rpc.BadRequest` details.
const MAX_DETAILED: usize = 100;
/// And at most about this many bytes of field paths and descriptions: the details travel
/// base64-encoded in the `grpc-status-details-bin` trailer (with the message again), the
/// message percent-encoded in `grpc-message`, and a default grpcio (C core) client accepts
/// 16 KiB of metadata in all; beyond it the caller sees RESOURCE_EXHAUSTED and never
/// learns what was wrong.
const MAX_DETAIL_BYTES: usize = 6 * 1024;
/// The message names the first few fields; the details name the rest.
const MAX_NAMED_IN_MESSAGE: usize = 10;
/// A single field path or description is cut to this many bytes (a caller's map key may be
/// part of a path).
const MAX_TEXT_BYTES: usize = 300;

/// One INVALID_ARGUMENT with the violations, as many as fit the trailers: the first
/// [`MAX_DETAILED`] and at most [`MAX_DETAIL_BYTES`]; the message then says how many more
/// there were, so a caller fixes those and sends again.
pub fn invalid_argument(violations: &[FieldViolation]) -> Status {
    let mut details = ErrorDetails::new();
    let mut fields: Vec<&str> = Vec::new();
    let mut bytes = 0;
    for v in violations.iter().take(MAX_DETAILED) {
        let field = cut(&v.field);
        let description = cut(&v.description);
        bytes += field.len() + description.len() + 8;
        if bytes > MAX_DETAIL_BYTES {
            break;
        }
        details.add_bad_request_violation(field, description);
        fields.push(field);
    }
    let more = violations.len() - fields.len();
    let named: Vec<&str> = fields
        .iter()
        .take(MAX_NAMED_IN_MESSAGE)
        .map(|f| cut_to(f, 100))
        .collect();
    let mut message = format!("invalid request: check {}", named.join(", "));
    if fields.len() > named.len() {
        message.push_str(&format!(
            " and {} more in the details",
            fields.len() - named.len()
        ));
    }
    if more > 0 {
        message.push_str(&format!(
            " (and {more} more violation{} not listed; fix these and send again)",
            if more == 1 { "" } else { "s" }
        ));
    }
    Status::with_error_details(Code::InvalidArgument, message, details)
}

/// `text` cut to at most [`MAX_TEXT_BYTES`] on a character boundary.
fn cut(text: &str) -> &str {
    cut_to(text, MAX_TEXT_BYTES)
}

fn cut_to(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the status costs in trailers: the details base64-encoded, the message
    /// percent-encoded (at worst three bytes a byte).
    fn trailer_bytes(status: &Status) -> usize {
        status.details().len() * 4 / 3 + status.message().len() * 3
    }

    #[test]
    fn a_thousand_violations_fit_a_default_grpcio_clients_metadata_and_say_how_many_more() {
        let violations: Vec<FieldViolation> = (0..1000)
            .map(|i| {
                FieldViolation::new(
                    format!("invoices[{i}].due_date"),
                    format!("\"2026-13-{i:02}\" is not a date in the form YYYY-MM-DD"),
                )
            })
            .collect();
        let status = invalid_argument(&violations);
        assert_eq!(status.code(), Code::InvalidArgument);
        assert!(
            trailer_bytes(&status) < 12 * 1024,
            "{}",
            trailer_bytes(&status)
        );
        let listed = status.get_details_bad_request().unwrap().field_violations;
        assert!(!listed.is_empty() && listed.len() <= MAX_DETAILED);
        assert_eq!(listed[0].field, "invoices[0].due_date");
        assert!(
            status.message().ends_with(&format!(
                "(and {} more violations not listed; fix these and send again)",
                1000 - listed.len()
            )),
            "{}",
            status.message()
        );
    }

    #[test]
    fn huge_paths_and_descriptions_are_cut_on_a_character_boundary() {
        let violations = vec![FieldViolation::new("é".repeat(10_000), "ü".repeat(10_000))];
        let status = invalid_argument(&violations);
        let listed = status.get_details_bad_request().unwrap().field_violations;
        assert_eq!(listed.len(), 1);
        assert!(listed[0].field.len() <= MAX_TEXT_BYTES);
        assert!(listed[0].description.len() <= MAX_TEXT_BYTES);
        assert!(!status.message().contains("more violation"));
        assert!(trailer_bytes(&status) < 4 * 1024);
    }

    #[test]
    fn a_few_violations_are_all_listed() {
        let violations = vec![
            FieldViolation::new("debtor.name", "required"),
            FieldViolation::new("invoices", "at least one invoice"),
        ];
        let status = invalid_argument(&violations);
        assert_eq!(
            status.message(),
            "invalid request: check debtor.name, invoices"
        );
        assert_eq!(
            status
                .get_details_bad_request()
                .unwrap()
                .field_violations
                .len(),
            2
        );
    }
}
