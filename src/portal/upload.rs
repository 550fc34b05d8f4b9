//! Uploading a client's CSV batch: the same file as `exploot import` (README → Importing
//! claims), read by the same reader (`cli::claims_csv`), each row turned into the same
//! `ImportRow` as the gRPC `ImportClaims` and fed to the same [`App::import`], so the rows
//! get exactly the rules of `CreateCase`. The summary and the rejects file are kept in
//! memory for the user to read and download (until the server restarts).

use std::collections::{HashMap, VecDeque};
use std::io::Cursor;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::pages::not_found_page;
use super::session::Signed;
use super::view::Lang;
use super::{Portal, error_page, forbidden};
use crate::api::intake::{import_row, outcome_to_proto};
use crate::cli::claims_csv::ClaimsCsv;
use crate::cli::import::{Rejects, Summary, tally};
use crate::error::AppError;
use crate::workflow::ImportInput;

/// Finished imports kept for their summary pages, at most.
const KEPT: usize = 200;

/// The rejects files kept in memory, in bytes at most: the oldest imports go first, so a
/// user who uploads file after file of bad rows cannot fill the server's memory.
const KEPT_BYTES: usize = 64 << 20;

/// A finished import.
struct Done {
    user_id: String,
    summary: Summary,
    rejects: Option<Vec<u8>>,
}

/// The finished imports, newest last.
#[derive(Default)]
pub(crate) struct Imports {
    done: Mutex<VecDeque<(String, Done)>>,
}

impl Imports {
    fn keep(&self, id: String, done: Done) {
        let mut kept = self.done.lock().unwrap_or_else(|p| p.into_inner());
        kept.push_back((id, done));
        let bytes = |kept: &VecDeque<(String, Done)>| -> usize {
            kept.iter()
                .map(|(_, d)| d.rejects.as_ref().map_or(0, Vec::len))
                .sum()
        };
        while kept.len() > KEPT || (kept.len() > 1 && bytes(&kept) > KEPT_BYTES) {
            kept.pop_front();
        }
    }

    fn read<T>(&self, id: &str, user_id: &str, f: impl FnOnce(&Done) -> T) -> Option<T> {
        let kept = self.done.lock().unwrap_or_else(|p| p.into_inner());
        kept.iter()
            .find(|(i, d)| i == id && d.user_id == user_id)
            .map(|(_, d)| f(d))
    }
}

/// GET /import: the form.
pub(crate) async fn form(signed: Signed) -> Response {
    let l = signed.lang;
    let body = html! {
        p { (l.t(
            "Lever een CSV-bestand aan met één regel per factuur, in hetzelfde formaat als de import van het kantoor (puntkomma, komma of tab; Nederlandse kolomnamen mogen). Regels die niet kloppen komen terug in een bestand met de reden erbij.",
            "Upload a CSV file with one row per invoice, in the same format as the office's import (semicolon, comma or tab; Dutch column names are fine). Rows that are wrong come back in a file with the reason.",
        )) }
        form.stack #upload method="post" action="/import" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(signed.csrf);
            label for="bestand" { (l.t("CSV-bestand", "CSV file")) }
            input #bestand type="file" name="bestand" accept=".csv,text/csv" required;
            button type="submit" { (l.t("Importeren", "Import")) }
            label for="voortgang" { (l.t("Voortgang", "Progress")) }
            progress #voortgang max="100" value="0" { "0%" }
            p #status aria-live="polite" {}
        }
        p.note { (l.t(
            "Bewijsstukken bij een dossier uploaden kan hier nog niet: het kantoor heeft daar nog geen stap voor in het traject.",
            "Uploading evidence to a case is not possible here yet: the office's track has no step for it yet.",
        )) }
    };
    signed.page(l.t("Importeren", "Import"), body)
}

/// POST /import: runs the import and shows its summary.
pub(crate) async fn upload(
    State(state): State<Portal>,
    signed: Signed,
    mut multipart: Multipart,
) -> Response {
    let l = signed.lang;
    let mut csrf = String::new();
    let mut file = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("csrf") => csrf = field.text().await.unwrap_or_default(),
                Some("bestand") => {
                    if !signed.csrf_ok(&csrf) {
                        return forbidden(l);
                    }
                    match field.bytes().await {
                        Ok(bytes) => file = Some(bytes),
                        Err(e) => return bad_file(l, &e.body_text()),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) => return bad_file(l, &e.body_text()),
        }
    }
    if !signed.csrf_ok(&csrf) {
        return forbidden(l);
    }
    let Some(bytes) = file else {
        return bad_file(l, l.t("geen bestand gekozen", "no file chosen"));
    };
    let id = uuid::Uuid::new_v4().simple().to_string();
    match run(&state, &signed, bytes.to_vec()).await {
        Ok(done) => {
            state.imports.keep(id.clone(), done);
            Redirect::to(&format!("/import/{id}")).into_response()
        }
        Err(ImportFailed::File(text)) => bad_file(l, &text),
        Err(ImportFailed::App(e)) => error_page(l, e),
    }
}

fn bad_file(l: Lang, text: &str) -> Response {
    error_page(
        l,
        AppError::Invalid(vec![crate::case::FieldViolation::new("bestand", text)]),
    )
}

enum ImportFailed {
    File(String),
    App(AppError),
}

/// Reads the file on a blocking thread while the application commits, and tallies the
/// outcomes as `exploot import` does.
async fn run(state: &Portal, signed: &Signed, bytes: Vec<u8>) -> Result<Done, ImportFailed> {
    let started = Instant::now();
    let app = state.app.clone();
    let today = app.clock().today();
    let csv =
        ClaimsCsv::new(Cursor::new(bytes), &signed.user.client_id).map_err(ImportFailed::File)?;
    let path = std::env::temp_dir().join(format!(
        "exploot-portal-{}.rejects.csv",
        uuid::Uuid::new_v4().simple()
    ));
    let mut rejects = Rejects::new(path, csv.headers().clone(), csv.delimiter(), csv.had_bom());
    let (rows, mut outcomes) = app.import(&signed.user.principal());
    let reader = tokio::task::spawn_blocking(move || {
        let mut csv = csv;
        let mut pending: HashMap<i64, crate::cli::import::SentRows> = HashMap::new();
        let mut local = Vec::new();
        let read = loop {
            match csv.next_claim() {
                Ok(Some(claim)) => {
                    if let Some(reason) = claim.local_problem {
                        local.push((claim.records, reason));
                        continue;
                    }
                    pending.insert(claim.request.row, (claim.records, claim.lines));
                    let row = import_row(claim.request, today);
                    if rows.blocking_send(ImportInput::Row(Box::new(row))).is_err() {
                        break Ok(());
                    }
                }
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        (pending, local, read)
    });
    let mut summary = Summary::default();
    let mut answers = Vec::new();
    while let Some(outcome) = outcomes.recv().await {
        answers.push(outcome.map_err(ImportFailed::App)?);
    }
    let (mut pending, local, read) = reader
        .await
        .map_err(|e| ImportFailed::App(AppError::Internal(e.to_string())))?;
    read.map_err(ImportFailed::File)?;
    let failed = |e: String| ImportFailed::App(AppError::Internal(e));
    for answer in answers {
        let answer = outcome_to_proto(answer);
        let rows = pending.remove(&answer.row).unwrap_or_default();
        tally(&mut summary, &mut rejects, &answer, rows).map_err(failed)?;
    }
    for (records, reason) in local {
        summary.rejected += 1;
        rejects.write(&records, &reason).map_err(failed)?;
    }
    let rejects = match rejects.finish().map_err(failed)? {
        Some(path) => {
            let bytes = std::fs::read(&path).map_err(|e| failed(e.to_string()))?;
            let _gone = std::fs::remove_file(&path);
            Some(bytes)
        }
        None => None,
    };
    summary.elapsed = started.elapsed();
    Ok(Done {
        user_id: signed.user.id.clone(),
        summary,
        rejects,
    })
}

/// GET /import/{id}: the summary of a finished import.
pub(crate) async fn summary(
    State(state): State<Portal>,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    let l = signed.lang;
    let Some((s, has_rejects)) = state.imports.read(&id, &signed.user.id, |d| {
        (d.summary.clone(), d.rejects.is_some())
    }) else {
        return not_found_page(l);
    };
    let body = html! {
        div.table { table #samenvatting {
            caption { (s.claims()) " " (l.t("vorderingen verwerkt in", "claims processed in")) " " (format!("{:.1}", s.elapsed.as_secs_f64())) " s" }
            tbody {
                tr { th scope="row" { (l.t("Aangenomen", "Accepted")) } td.num #aangenomen { (s.accepted) } }
                tr { th scope="row" { (l.t("waarvan met een opmerking", "of which with a remark")) } td.num { (s.warned) } }
                tr { th scope="row" { (l.t("Al eerder aangeleverd", "Delivered before")) } td.num { (s.duplicate) } }
                tr { th scope="row" { (l.t("Kenmerk al gebruikt", "Reference already used")) } td.num { (s.conflict) } }
                tr { th scope="row" { (l.t("Afgewezen", "Rejected")) } td.num #afgewezen { (s.rejected) } }
            }
        } }
        @if has_rejects {
            p { a #afwijzingen href={ "/import/" (id) "/afgewezen.csv" } download {
                (l.t("Afgewezen regels met de reden (CSV)", "Rejected rows with the reason (CSV)"))
            } }
        }
        p { a href="/dossiers" { (l.t("Naar de dossiers", "To the cases")) } }
    };
    signed.page(l.t("Import verwerkt", "Import processed"), body)
}

/// GET /import/{id}/afgewezen.csv: the rejects file.
pub(crate) async fn rejects(
    State(state): State<Portal>,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    match state
        .imports
        .read(&id, &signed.user.id, |d| d.rejects.clone())
        .flatten()
    {
        Some(bytes) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"afgewezen.csv\"",
                ),
            ],
            bytes,
        )
            .into_response(),
        None => not_found_page(signed.lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(rejects: usize) -> Done {
        Done {
            user_id: "u".into(),
            summary: Summary::default(),
            rejects: Some(vec![b'x'; rejects]),
        }
    }

    #[test]
    fn the_oldest_rejects_go_once_they_fill_the_memory_kept() {
        let imports = Imports::default();
        let half = KEPT_BYTES / 2 + 1;
        imports.keep("a".into(), done(half));
        imports.keep("b".into(), done(half));
        assert!(imports.read("a", "u", |_| ()).is_none(), "the oldest went");
        assert!(imports.read("b", "u", |_| ()).is_some());
        // One import larger than the whole allowance is kept: its user's summary page.
        imports.keep("c".into(), done(KEPT_BYTES + 1));
        assert!(imports.read("c", "u", |_| ()).is_some());
        assert!(imports.read("b", "u", |_| ()).is_none());
    }
}
