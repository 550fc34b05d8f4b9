//! `exploot court-fees add` / `exploot court-fees list`: the office's kanton court fee
//! tables, over gRPC (`AdminService.AddCourtFees` / `ListCourtFees`) like `exploot rates`.

use super::rates::{Remote, ask};
use crate::proto as pb;

/// One class as given on the command line, `LEGAL/NATURAL/ONVERMOGEND` in euros
/// (`143/96/96`, `1549.00/776/96`).
pub fn class(text: &str) -> Result<pb::CourtFeeClass, String> {
    let parts: Vec<&str> = text.split('/').map(str::trim).collect();
    let [legal, natural, onvermogend] = parts.as_slice() else {
        return Err(format!(
            "{text:?}: a class is LEGAL/NATURAL/ONVERMOGEND in euros, e.g. 143/96/96"
        ));
    };
    Ok(pb::CourtFeeClass {
        up_to: String::new(),
        legal_person: (*legal).to_owned(),
        natural_person: (*natural).to_owned(),
        onvermogend: (*onvermogend).to_owned(),
    })
}

/// One year as lines: the year, status and source, then a line per class.
fn lines(year: &pb::CourtFeeYear) -> String {
    let id = if year.id.is_empty() {
        String::new()
    } else {
        format!("  [{}]", year.id)
    };
    let mut out = format!("{}  {:<10} {}{id}\n", year.year, year.status, year.source);
    for class in &year.classes {
        let up_to = if class.up_to.is_empty() {
            "above".to_owned()
        } else {
            format!("≤ {}", class.up_to)
        };
        out.push_str(&format!(
            "  {up_to:<12} {:>9} {:>9} {:>9}\n",
            class.legal_person, class.natural_person, class.onvermogend
        ));
    }
    out
}

/// Adds a year; returns what to print.
pub fn add(remote: &Remote, request: pb::AddCourtFeesRequest) -> Result<String, String> {
    let year = ask(
        remote,
        |mut c| async move { c.add_court_fees(request).await },
    )?;
    Ok(format!("added: {}", lines(&year)))
}

/// The tables in force, a year after the other.
pub fn list(remote: &Remote) -> Result<String, String> {
    let answer = ask(remote, |mut c| async move {
        c.list_court_fees(pb::ListCourtFeesRequest {}).await
    })?;
    Ok(answer.years.iter().map(lines).collect())
}
