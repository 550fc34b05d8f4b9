//! The office's bank files, pure: the camt.053 statements that bring debtors' payments in,
//! and the pain.001 credit transfers that pay clients out. No I/O; the workflow reads and
//! writes them.

pub mod camt053;
pub mod pain001;
pub mod payout;
