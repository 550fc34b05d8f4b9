//! The gRPC services, thin: decode and validate → call the app → encode. No SQL and no
//! business rule here, and no store type: the handlers see the workflow's and the domain's
//! types only. Every proto ⇄ domain conversion is in `convert/`, one file per subject.

pub mod access;
mod admin;
pub mod auth;
mod bank;
mod calculator;
mod cases;
pub mod codec;
mod convert;
mod documents;
pub(crate) mod intake;
mod payouts;
pub mod rate_limit;
mod rates;
mod status;
mod stream_slots;
mod tariff_years;
mod tasks;
pub mod text;

pub use admin::AdminApi;
pub use calculator::CalculatorApi;
pub use cases::CaseApi;
pub use convert::{quote_request, quote_to_proto};
pub use documents::DocumentApi;
pub use intake::IntakeApi;
pub use payouts::PayoutApi;
pub use tasks::TaskApi;

use crate::workflow::Principal;

/// The caller the auth layer ([`auth::AuthLayer`]) authenticated and put on the request.
/// A server built without the layer fails closed: UNAUTHENTICATED.
fn principal<T>(request: &tonic::Request<T>) -> Result<Principal, tonic::Status> {
    request
        .extensions()
        .get::<Principal>()
        .cloned()
        .ok_or_else(|| tonic::Status::unauthenticated("this server checks no tokens; refused"))
}
