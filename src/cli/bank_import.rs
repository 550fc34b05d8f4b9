//! `exploot bank-import FILE`: streams a camt.053 statement of the office's third-party
//! account to `IntakeService.ImportBankStatement` and prints what became of each entry.

use std::fmt::Write as _;
use std::path::Path;

use tonic_types::StatusExt;

use super::bearer::Bearer;
use super::server_endpoint::{self, ClientTls};
use crate::proto::{self as pb, intake_service_client::IntakeServiceClient};

/// The chunk size sent: far below the 4 MiB message limit.
const CHUNK: usize = 64 * 1024;

/// Imports `file` on its own runtime and returns the report to print.
pub fn run(file: &Path, server: &str, tls: &ClientTls, token: &str) -> Result<String, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let name = file.display().to_string();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?
        .block_on(async move {
            let channel = server_endpoint::endpoint(server, tls)?
                .connect()
                .await
                .map_err(|e| format!("cannot reach the server at {server}: {e}"))?;
            let mut client = IntakeServiceClient::new(Bearer::new(token)?.on(channel));
            let chunks: Vec<pb::ImportBankStatementRequest> = bytes
                .chunks(CHUNK)
                .enumerate()
                .map(|(i, chunk)| pb::ImportBankStatementRequest {
                    chunk: chunk.to_vec(),
                    file_name: if i == 0 { name.clone() } else { String::new() },
                })
                .collect();
            let answer = client
                .import_bank_statement(tokio_stream::iter(chunks))
                .await
                .map_err(|status| refusal(&name, &status))?
                .into_inner();
            Ok(report(&name, &answer))
        })
}

/// A refusal in words: every bad element the server named.
fn refusal(file: &str, status: &tonic::Status) -> String {
    let mut text = format!("{file}: {}", status.message());
    if let Some(bad) = status.get_details_bad_request() {
        for v in bad.field_violations {
            let _ = write!(text, "\n  {}: {}", v.field, v.description);
        }
    }
    text.push_str("\nnothing was booked");
    text
}

/// The summary and one line per entry.
pub fn report(file: &str, a: &pb::ImportBankStatementResponse) -> String {
    use pb::bank_entry_outcome::Outcome;
    let mut text = format!(
        "{file}: statement {} of {}\n  booked     {:>4}  ({})\n  unmatched  {:>4}  (tasks opened)\n  reversed   {:>4}\n  duplicate  {:>4}\n  skipped    {:>4}\n",
        a.message_id,
        a.account,
        a.booked,
        a.booked_amount,
        a.unmatched,
        a.reversed,
        a.duplicates,
        a.skipped
    );
    for e in &a.entries {
        let outcome = Outcome::try_from(e.outcome).unwrap_or(Outcome::Unspecified);
        let target = [&e.case_id, &e.task_id]
            .into_iter()
            .find(|t| !t.is_empty())
            .cloned()
            .unwrap_or_default();
        let _ = writeln!(
            text,
            "  {:>5} {} {:>10} {:<10} {} {}",
            e.position,
            e.booking_date,
            e.amount,
            outcome
                .as_str_name()
                .trim_start_matches("OUTCOME_")
                .to_lowercase(),
            target,
            e.note
        );
    }
    text
}
