//! The one integration-test binary: the real server on loopback, called with the
//! generated clients, on SQLite and on a PostgreSQL cluster the harness starts itself.

mod harness;

mod acts;
mod attachments;
mod auth;
mod bank;
mod binary;
mod calculator;
mod cases;
mod contract;
mod court_fees;
mod desk;
mod documents;
mod engine;
mod faults;
mod hearing;
mod hostile;
mod intake;
mod office;
mod partitions;
mod portal;
mod processes;
mod properties;
mod rates;
mod recoverability;
mod registers;
mod telemetry;
mod tls;
mod track;
