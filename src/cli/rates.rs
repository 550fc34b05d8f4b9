//! `exploot rates add` / `exploot rates list`: the office's statutory interest rates, over
//! gRPC (`AdminService.AddRate` / `ListRates`) like every command that changes a running
//! office — the server validates, audits and tells every instance.

use tonic_types::StatusExt;

use super::bearer::Bearer;
use super::server_endpoint::{self, ClientTls};
use crate::proto::{self as pb, admin_service_client::AdminServiceClient};

/// Where the server is and who asks.
#[derive(Clone, Debug)]
pub struct Remote {
    /// The server's gRPC address.
    pub server: String,
    /// TLS to it.
    pub tls: ClientTls,
    /// An admin's token (`ListRates`: any office token).
    pub token: String,
}

async fn client(remote: &Remote) -> Result<AdminServiceClient<super::bearer::AuthChannel>, String> {
    let channel = server_endpoint::endpoint(&remote.server, &remote.tls)?
        .connect()
        .await
        .map_err(|e| format!("cannot reach the server at {}: {e}", remote.server))?;
    Ok(AdminServiceClient::new(
        Bearer::new(&remote.token)?.on(channel),
    ))
}

/// A refusal as a person reads it: the status, and each bad field on its own line.
fn refusal(status: &tonic::Status) -> String {
    let mut text = format!("{:?}: {}", status.code(), status.message());
    if let Some(bad) = status.get_details_bad_request() {
        for v in bad.field_violations {
            text.push_str(&format!("\n  {}: {}", v.field, v.description));
        }
    }
    text
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

/// One call of the admin service, on a runtime of its own: the answer, or the refusal as a
/// person reads it. Every `exploot` command against a running office goes through here.
pub(super) fn ask<T, Call, Answer>(remote: &Remote, call: Call) -> Result<T, String>
where
    Call: FnOnce(AdminServiceClient<super::bearer::AuthChannel>) -> Answer,
    Answer: std::future::Future<Output = Result<tonic::Response<T>, tonic::Status>>,
{
    runtime()?.block_on(async {
        call(client(remote).await?)
            .await
            .map(tonic::Response::into_inner)
            .map_err(|s| refusal(&s))
    })
}

/// One row as a line: series, day, rate, status, source.
fn line(row: &pb::RateRow) -> String {
    let id = if row.id.is_empty() {
        String::new()
    } else {
        format!("  [{}]", row.id)
    };
    format!(
        "{:<7} {} {:>6} %  {:<12} {}{id}\n",
        row.series, row.valid_from, row.rate, row.status, row.source
    )
}

/// Adds a row; returns what to print (the row, the open cases whose figures it changes).
pub fn add(remote: &Remote, request: pb::AddRateRequest) -> Result<String, String> {
    let answer = ask(remote, |mut c| async move { c.add_rate(request).await })?;
    let mut out = String::from("added: ");
    if let Some(row) = &answer.row {
        out.push_str(&line(row));
    }
    if answer.changed_case_ids.is_empty() {
        out.push_str("no open case's figures change today\n");
    } else {
        out.push_str(&format!(
            "the figures of {} open case(s) change:\n",
            answer.changed_case_ids.len()
        ));
        for id in &answer.changed_case_ids {
            out.push_str(&format!("  {id}\n"));
        }
    }
    Ok(out)
}

/// The table in force (of one series, if given), one row a line.
pub fn list(remote: &Remote, series: Option<String>) -> Result<String, String> {
    let request = pb::ListRatesRequest {
        series: series.unwrap_or_default(),
    };
    let answer = ask(remote, |mut c| async move { c.list_rates(request).await })?;
    Ok(answer.rows.iter().map(line).collect())
}
