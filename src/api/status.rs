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

/// One INVALID_ARGUMENT listing every violation.
pub fn invalid_argument(violations: &[FieldViolation]) -> Status {
    let mut details = ErrorDetails::new();
    for v in violations {
        details.add_bad_request_violation(v.field.clone(), v.description.clone());
    }
    let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
    Status::with_error_details(
        Code::InvalidArgument,
        format!("invalid request: check {}", fields.join(", ")),
        details,
    )
}
