//! The command line's work beyond `serve` and `migrate`, kept out of `main.rs` so each
//! command reads on its own.

pub mod bailiff_tariffs;
pub mod bank_import;
pub mod bearer;
pub mod claims_csv;
pub mod court_fees;
pub mod import;
pub mod quote;
pub mod rates;
pub mod server_endpoint;
pub mod token;
pub mod user;
