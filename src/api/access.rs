//! Who may call what: every RPC of `exploot.v1` and the roles allowed to call it, in one
//! table to check at a glance. The auth layer refuses any other role with
//! PERMISSION_DENIED, and a method missing from the table is refused for everyone.
//!
//! Why these rows (ARCHITECTURE.md → Who calls it):
//! - **client** (a creditor): imports and enters claims and reads its own cases and
//!   documents; it may quote its own case and record a payment the debtor made to it
//!   directly (a rechtstreekse betaling the office must know of). Which cases are its own is
//!   checked by the application (`workflow`), not here.
//! - **front_office**: answers debtors and enters single claims: reads cases, documents and
//!   clients, quotes, records payments, agrees payment plans.
//! - **case_handler**: what the front office does, plus the track's decisions: tasks,
//!   judgments, holds, resumption and withdrawal.
//! - **admin**: clients, track policies, the clock, the office itself (its letterhead and
//!   accounts), and every other call too. The admin is
//!   the gerechtsdeurwaarder, personally answerable for every act of the office (and able to
//!   issue any token with `exploot token create`), so refusing them a case call would
//!   protect nothing. Tokens themselves are managed with the CLI, not over gRPC.
//! - The calculator quotes from the request alone (no stored data): every role.

use crate::workflow::Role::{self, Admin, CaseHandler, Client, FrontOffice};

/// Every role.
const ANYONE: &[Role] = &[Client, FrontOffice, CaseHandler, Admin];
/// The office's staff, not clients.
const OFFICE: &[Role] = &[FrontOffice, CaseHandler, Admin];
/// Case handlers and the admin.
const HANDLERS: &[Role] = &[CaseHandler, Admin];
/// The admin alone.
const ADMIN: &[Role] = &[Admin];

/// (gRPC method path, the roles that may call it). One row per method of the contract; a
/// test checks it against the descriptor set.
pub const ACCESS: &[(&str, &[Role])] = &[
    ("/exploot.v1.AdminService/PutClient", ADMIN),
    ("/exploot.v1.AdminService/GetClient", ANYONE), // a client: its own only
    ("/exploot.v1.AdminService/PutTrackPolicy", ADMIN),
    ("/exploot.v1.AdminService/GetTrackPolicy", OFFICE),
    ("/exploot.v1.AdminService/AdvanceClock", ADMIN),
    ("/exploot.v1.AdminService/GetClock", OFFICE),
    // The office's rate, court fee and bailiff's tariff tables change the figures it owes: the admin's alone.
    ("/exploot.v1.AdminService/AddRate", ADMIN),
    ("/exploot.v1.AdminService/AddCourtFees", ADMIN),
    ("/exploot.v1.AdminService/AddBailiffTariffs", ADMIN),
    // Public law with its sources; the office reads it to explain a figure.
    ("/exploot.v1.AdminService/ListRates", OFFICE),
    ("/exploot.v1.AdminService/ListCourtFees", OFFICE),
    ("/exploot.v1.AdminService/ListBailiffTariffs", OFFICE),
    ("/exploot.v1.AdminService/PutOffice", ADMIN),
    ("/exploot.v1.AdminService/GetOffice", ADMIN),
    ("/exploot.v1.CalculatorService/QuoteClaim", ANYONE),
    ("/exploot.v1.CaseService/CreateCase", ANYONE), // a client: for itself only
    ("/exploot.v1.CaseService/GetCase", ANYONE),
    ("/exploot.v1.CaseService/ListCases", ANYONE),
    ("/exploot.v1.CaseService/WatchCase", ANYONE),
    ("/exploot.v1.CaseService/QuoteCase", ANYONE),
    ("/exploot.v1.CaseService/RecordPayment", ANYONE),
    ("/exploot.v1.CaseService/ReversePayment", HANDLERS),
    ("/exploot.v1.CaseService/ProposePaymentPlan", OFFICE),
    ("/exploot.v1.CaseService/PutOnHold", HANDLERS),
    ("/exploot.v1.CaseService/Resume", HANDLERS),
    ("/exploot.v1.CaseService/WithdrawCase", HANDLERS),
    ("/exploot.v1.CaseService/CloseUncollectable", HANDLERS),
    ("/exploot.v1.CaseService/RegisterJudgment", HANDLERS),
    // The desk: finding a debtor's cases. A client: its own cases only.
    ("/exploot.v1.CaseService/SearchCases", ANYONE),
    ("/exploot.v1.CaseService/ListDebtorCases", ANYONE),
    // The file's contact log and the debtor's details: the office's staff (the front
    // office takes the calls and hears of a new address).
    ("/exploot.v1.CaseService/AddNote", OFFICE),
    ("/exploot.v1.CaseService/ListNotes", OFFICE),
    ("/exploot.v1.CaseService/UpdateDebtor", OFFICE),
    // Prevention: a client checks its prospective customers, the office its debtors.
    ("/exploot.v1.CaseService/CheckDebtor", ANYONE),
    ("/exploot.v1.DocumentService/ListDocuments", ANYONE),
    ("/exploot.v1.DocumentService/GetDocument", ANYONE),
    // Evidence for the file; a client: to its own cases only.
    ("/exploot.v1.DocumentService/UploadDocument", ANYONE),
    ("/exploot.v1.IntakeService/ImportClaims", &[Client, Admin]),
    // The office's bank statements: the office's money, not a client's.
    ("/exploot.v1.IntakeService/ImportBankStatement", HANDLERS),
    ("/exploot.v1.PayoutService/RunPayouts", ADMIN),
    ("/exploot.v1.PayoutService/GetPayoutStatement", ANYONE), // a client: its own only
    ("/exploot.v1.PayoutService/ClientOverview", ANYONE),     // a client: its own only
    ("/exploot.v1.TaskService/ListTasks", HANDLERS),
    ("/exploot.v1.TaskService/ClaimTask", HANDLERS),
    ("/exploot.v1.TaskService/CompleteTask", HANDLERS),
    ("/exploot.v1.TaskService/UnclaimTask", HANDLERS),
    ("/exploot.v1.TaskService/ReassignTask", HANDLERS),
    ("/exploot.v1.TaskService/OpenTask", HANDLERS),
];

/// The package whose every method needs a token; health and reflection stay open.
pub const PROTECTED_PREFIX: &str = "/exploot.v1.";

/// The roles that may call `path`; `None` for a path not in the table.
pub fn allowed_roles(path: &str) -> Option<&'static [Role]> {
    ACCESS
        .iter()
        .find(|(method, _)| *method == path)
        .map(|(_, roles)| *roles)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use prost::Message;
    use prost_types::FileDescriptorSet;

    use super::*;

    /// Every method of the contract has exactly one row, and no row names a method that
    /// does not exist: a new RPC cannot be forgotten.
    #[test]
    fn every_method_has_exactly_one_row() {
        let set = FileDescriptorSet::decode(crate::proto::FILE_DESCRIPTOR_SET).expect("set");
        let mut methods: Vec<String> = set
            .file
            .iter()
            .flat_map(|file| {
                file.service.iter().flat_map(move |service| {
                    service.method.iter().map(move |method| {
                        format!("/{}.{}/{}", file.package(), service.name(), method.name())
                    })
                })
            })
            .collect();
        methods.sort();
        let mut rows: BTreeMap<&str, usize> = BTreeMap::new();
        for (path, _) in ACCESS {
            *rows.entry(path).or_default() += 1;
        }
        assert!(rows.values().all(|n| *n == 1), "a method twice: {rows:?}");
        let table: Vec<&str> = rows.keys().copied().collect();
        assert_eq!(table, methods);
        assert!(methods.iter().all(|m| m.starts_with(PROTECTED_PREFIX)));
    }

    #[test]
    fn clients_stay_out_of_the_office_work() {
        for path in [
            "/exploot.v1.TaskService/CompleteTask",
            "/exploot.v1.AdminService/PutClient",
        ] {
            assert!(
                !allowed_roles(path).is_some_and(|r| r.contains(&Client)),
                "{path}"
            );
        }
        assert_eq!(allowed_roles("/exploot.v1.Nope/Nothing"), None);
    }
}
