//! exploot: the legal track of a Dutch bailiff office (gerechtsdeurwaarderskantoor) as a
//! gRPC service. See `ARCHITECTURE.md` in the shared folder for the rooms and who may
//! import whom: `api` → `workflow`, `case`, `law`, `page` (never `store`); `workflow` →
//! `case`, `store`, `registry`, `documents`; `store` → `case`, `law`; `documents` → `case`,
//! `law`; `case` → `law`; `law` uses nothing of ours. The README's Layout section lists
//! them all.

pub mod api;
pub mod case;
pub mod cli;
pub mod clock;
pub mod digest;
pub mod documents;
pub mod error;
pub mod law;
pub mod page;
pub mod proto;
pub mod registry;
pub mod server;
pub mod store;
pub mod telemetry;
pub mod tls;
pub mod workflow;
