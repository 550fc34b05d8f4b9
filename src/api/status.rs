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
                tracing::warn!(error = %m, "database unavailable");
                Status::unavailable(m)
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
/// base64-encoded in the `grpc-status-details-bin` trailer, and a default grpcio (C core)
/// client accepts 16 KiB of metadata in all; beyond it the caller sees RESOURCE_EXHAUSTED
/// and never learns what was wrong.
const MAX_DETAIL_BYTES: usize = 8 * 1024;
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
        // The message repeats the paths, so they count twice.
        bytes += 2 * field.len() + description.len() + 8;
        if bytes > MAX_DETAIL_BYTES {
            break;
        }
        details.add_bad_request_violation(field, description);
        fields.push(field);
    }
    let more = violations.len() - fields.len();
    let mut message = format!("invalid request: check {}", fields.join(", "));
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
    if text.len() <= MAX_TEXT_BYTES {
        return text;
    }
    let mut end = MAX_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details_bytes(status: &Status) -> usize {
        status.details().len() + status.message().len()
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
        // Base64 makes the details 4/3 as long; all of it well under 16 KiB.
        assert!(details_bytes(&status) * 4 / 3 < 12 * 1024, "{}", details_bytes(&status));
        let listed = status.get_details_bad_request().unwrap().field_violations;
        assert!(!listed.is_empty() && listed.len() <= MAX_DETAILED);
        assert_eq!(listed[0].field, "invoices[0].due_date");
        assert!(
            status
                .message()
                .ends_with(&format!("(and {} more violations not listed; fix these and send again)", 1000 - listed.len())),
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
    }

    #[test]
    fn a_few_violations_are_all_listed() {
        let violations = vec![
            FieldViolation::new("debtor.name", "required"),
            FieldViolation::new("invoices", "at least one invoice"),
        ];
        let status = invalid_argument(&violations);
        assert_eq!(status.message(), "invalid request: check debtor.name, invoices");
        assert_eq!(status.get_details_bad_request().unwrap().field_violations.len(), 2);
    }
}
