//! Proto ⇄ domain, one file per subject. Parsing collects every violation with its field
//! path, so one INVALID_ARGUMENT can name them all. The arrows point one way:
//! `fields` (scalars) ← `enums` ← `claim` ← `case` → `track` → `quote`, and `admin` →
//! `claim`, `office` → `claim`; the handlers only import from here.

mod admin;
mod case;
mod claim;
mod desk;
mod enums;
mod fields;
mod office;
mod prevention;
mod quote;
mod search;
mod track;

pub use admin::{client, client_to_proto, policy, policy_to_proto};
pub use case::case_to_proto;
pub use claim::claim;
pub use desk::{debtor_change, new_note, note_to_proto, opened_task};
pub use enums::{proto_stage, proto_suspension, stage_filter};
pub use fields::{Violations, instant, optional_date, positive_amount, required_date, timestamp};
pub use office::{office, office_to_proto};
pub use prevention::{check_subject, check_to_proto};
pub use quote::{quote_request, quote_to_proto};
pub use search::search_request;
pub use track::{
    hold_reason, instalments, judgment, owed_to_proto, payment, recorded_payment, reversal,
};
