//! The gRPC services, thin: decode and validate → call the app → encode. No SQL and no
//! business rule here.

mod admin;
mod calculator;
mod cases;
mod convert;
mod documents;
mod intake;
mod status;
mod tasks;
mod track;

pub use admin::AdminApi;
pub use calculator::{CalculatorApi, quote_request, quote_to_proto};
pub use cases::CaseApi;
pub use documents::DocumentApi;
pub use intake::IntakeApi;
pub use tasks::TaskApi;

use crate::workflow::Actor;

/// The actor recorded on audit events until authentication (tokens) is in place.
fn anonymous() -> Actor {
    Actor("anonymous".into())
}
