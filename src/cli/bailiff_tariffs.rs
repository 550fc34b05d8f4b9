//! `exploot bailiff-tariffs add` / `exploot bailiff-tariffs list`: the office's Btag
//! tariffs by the year, over gRPC (`AdminService.AddBailiffTariffs` /
//! `ListBailiffTariffs`) like `exploot court-fees`.

use super::rates::{Remote, ask};
use crate::proto as pb;

/// One act's tariff as given on the command line, `ACT=EUROS` (`summons=130.00`).
pub fn tariff(text: &str) -> Result<pb::BailiffTariff, String> {
    let Some((act, amount)) = text.split_once('=') else {
        return Err(format!(
            "{text:?}: a tariff is ACT=EUROS, e.g. summons=130.00"
        ));
    };
    Ok(pb::BailiffTariff {
        act: act.trim().to_owned(),
        article: String::new(),
        amount: amount.trim().to_owned(),
    })
}

/// One year as lines: the year, its first day, status and source, then a line per act.
fn lines(year: &pb::BailiffTariffYear) -> String {
    let id = if year.id.is_empty() {
        String::new()
    } else {
        format!("  [{}]", year.id)
    };
    let mut out = format!(
        "{} from {}  {:<10} {}{id}\n",
        year.year, year.valid_from, year.status, year.source
    );
    for t in &year.tariffs {
        let amount = if t.amount.is_empty() {
            "—"
        } else {
            &t.amount
        };
        out.push_str(&format!("  {:<3} {:<28} {amount:>9}\n", t.article, t.act));
    }
    out
}

/// Adds a year; returns what to print.
pub fn add(remote: &Remote, request: pb::AddBailiffTariffsRequest) -> Result<String, String> {
    let year = ask(remote, |mut c| async move {
        c.add_bailiff_tariffs(request).await
    })?;
    Ok(format!("added: {}", lines(&year)))
}

/// The years in force, one after the other.
pub fn list(remote: &Remote) -> Result<String, String> {
    let answer = ask(remote, |mut c| async move {
        c.list_bailiff_tariffs(pb::ListBailiffTariffsRequest {})
            .await
    })?;
    Ok(answer.years.iter().map(lines).collect())
}
