//! The pages: the client's cases, one case, its documents, the tasks that wait for the
//! client, the overview, and the "not found" page (also for another client's case).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::session::{Signed, lang_of};
use super::view::{self, Frame, Lang, STAGES, cents, euro};
use super::{Portal, error_page, forbidden};
use crate::case::track::Owed;
use crate::case::{CaseRecord, Stage};
use crate::clock::amsterdam_local;
use crate::law::money::Money;
use crate::store::portal::PageFrom;
use crate::workflow::Task;
use crate::workflow::portal::CaseSearch;

/// Cases on one page of the list.
const PAGE_SIZE: i64 = 25;

/// A rendered page as an answer.
pub(crate) fn html(markup: Markup) -> Html<String> {
    Html(markup.into_string())
}

/// GET /: the cases, or the sign-in form.
pub(crate) async fn home() -> Redirect {
    Redirect::to("/dossiers")
}

/// The 404 page: the same words for a page that does not exist and for another client's
/// case, so a URL tells nothing of others' cases.
pub(crate) fn not_found_page(lang: Lang) -> Response {
    let frame = Frame {
        lang,
        user: None,
        path: "/",
    };
    let body = html! {
        p { (lang.t("Deze pagina bestaat niet.", "This page does not exist.")) }
        p { a href="/dossiers" { (lang.t("Naar de dossiers", "To the cases")) } }
    };
    (
        StatusCode::NOT_FOUND,
        html(view::page(
            &frame,
            lang.t("Niet gevonden", "Not found"),
            body,
        )),
    )
        .into_response()
}

/// Any path not routed.
pub(crate) async fn not_found(headers: HeaderMap) -> Response {
    not_found_page(lang_of(&headers))
}

/// The search form's fields.
#[derive(Deserialize, Default)]
pub(crate) struct CaseListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    fase: String,
    #[serde(default)]
    pagina: u32,
    /// The next page starts after this case.
    #[serde(default)]
    na: String,
    /// The previous page ends before this case.
    #[serde(default)]
    voor: String,
}

/// GET /dossiers: search, filter by stage, paged.
pub(crate) async fn cases(
    State(state): State<Portal>,
    signed: Signed,
    Query(query): Query<CaseListQuery>,
) -> Response {
    let l = signed.lang;
    let stage = Stage::parse(&query.fase);
    let search = CaseSearch {
        text: query.q.clone(),
        stage,
        from: if !query.na.is_empty() {
            Some(PageFrom::After(query.na.clone()))
        } else if !query.voor.is_empty() {
            Some(PageFrom::Before(query.voor.clone()))
        } else {
            None
        },
        limit: PAGE_SIZE,
    };
    let backwards = query.na.is_empty() && !query.voor.is_empty();
    let (found, more) = match state
        .app
        .search_cases(&signed.user.principal(), search)
        .await
    {
        Ok(found) => found,
        Err(e) => return error_page(l, e),
    };
    // Pages start from a case, not at a count of rows: a case added meanwhile does not
    // push a row onto the next page again, nor one that left its stage hide one.
    let link = |page: u32, from: (&str, &str)| {
        let mut url = url_encoded("/dossiers", &[("q", &query.q), ("fase", &query.fase), from]);
        url.push_str(&format!("&pagina={page}"));
        url
    };
    let (has_previous, has_next) = if backwards {
        (more && query.pagina > 0, true)
    } else {
        (query.pagina > 0, more)
    };
    let first_id = found.first().map(|c| c.id.as_str()).unwrap_or_default();
    let last_id = found.last().map(|c| c.id.as_str()).unwrap_or_default();
    let body = html! {
        form.search method="get" action="/dossiers" role="search" {
            div {
                label for="q" { (l.t("Zoeken op naam, dossiernummer of betalingskenmerk", "Search by name, case reference or payment reference")) }
                input id="q" name="q" type="search" value=(query.q);
            }
            div {
                label for="fase" { (l.t("Fase", "Stage")) }
                select id="fase" name="fase" {
                    option value="" { (l.t("Alle fasen", "All stages")) }
                    @for s in STAGES {
                        option value=(s) selected[query.fase == s] { (view::stage(l, s)) }
                    }
                }
            }
            button type="submit" { (l.t("Zoeken", "Search")) }
        }
        @if found.is_empty() {
            p { (l.t("Geen dossiers gevonden.", "No cases found.")) }
        } @else {
            div.table {
                table {
                    caption { (l.t("Uw dossiers", "Your cases")) }
                    thead { tr {
                        th scope="col" { (l.t("Dossiernummer", "Reference")) }
                        th scope="col" { (l.t("Debiteur", "Debtor")) }
                        th scope="col" { (l.t("Fase", "Stage")) }
                        th scope="col" class="num" { (l.t("Hoofdsom", "Principal")) }
                        th scope="col" { (l.t("Ontvangen", "Received")) }
                    } }
                    tbody {
                        @for case in &found {
                            tr {
                                td { a href={ "/dossiers/" (case.id) } { (case.claim.client_reference) } }
                                td { (case.claim.debtor.name) }
                                td { (view::stage(l, case.stage.as_str())) }
                                td.num { (euro(case.claim.principal())) }
                                td { (amsterdam_local(case.created_at).format("%d-%m-%Y")) }
                            }
                        }
                    }
                }
            }
        }
        nav.pages aria-label=(l.t("Pagina's", "Pages")) {
            @if has_previous && !found.is_empty() {
                a href=(link(query.pagina - 1, ("voor", first_id))) rel="prev" { (l.t("Vorige", "Previous")) }
            }
            span { (l.t("Pagina", "Page")) " " (query.pagina + 1) }
            @if has_next && !found.is_empty() {
                a href=(link(query.pagina + 1, ("na", last_id))) rel="next" { (l.t("Volgende", "Next")) }
            }
        }
    };
    signed.page(l.t("Dossiers", "Cases"), body)
}

/// `path?k=v&…` with the values percent-encoded.
fn url_encoded(path: &str, pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            let encoded: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={encoded}")
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// GET /dossiers/{id}: the case, its amounts today, timeline, documents, payments, tasks.
pub(crate) async fn case(
    State(state): State<Portal>,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    let l = signed.lang;
    let who = signed.user.principal();
    // This user's own actions, not a colleague's of the same client (`user:<id>/<role>`).
    let own_actor = format!("{}/", who.token_id);
    let app = &state.app;
    let (case, owed) = match app.case_with_quote(&who, id.clone()).await {
        Ok(found) => found,
        Err(e) => return error_page(l, e),
    };
    let timeline = match app.case_timeline(&who, id.clone()).await {
        Ok(events) => events,
        Err(e) => return error_page(l, e),
    };
    let documents = match app.list_documents(&who, id.clone(), None, 100).await {
        Ok(page) => page.documents,
        Err(e) => return error_page(l, e),
    };
    let tasks = match app.client_tasks(&who, Some(id.clone())).await {
        Ok(tasks) => tasks,
        Err(e) => return error_page(l, e),
    };
    let debtor = &case.claim.debtor;
    let body = html! {
        dl.facts {
            dt { (l.t("Dossiernummer", "Reference")) } dd { (case.claim.client_reference) }
            dt { (l.t("Debiteur", "Debtor")) } dd { (debtor.name) ", " (debtor.address.city) }
            dt { (l.t("Betalingskenmerk", "Payment reference")) } dd { (case.payment_reference.grouped()) }
            dt { (l.t("Fase", "Stage")) } dd { (view::stage(l, case.stage.as_str())) }
            dt { (l.t("Ontvangen", "Received")) } dd { (amsterdam_local(case.created_at).format("%d-%m-%Y")) }
        }
        @if !tasks.is_empty() {
            section.attention {
                h2 { (l.t("Wacht op uw besluit", "Waiting for your decision")) }
                @for task in &tasks { (task_form(l, &signed.csrf, task)) }
            }
        }
        (amounts(l, &case, owed.as_ref()))
        section {
            h2 { (l.t("Verloop", "Timeline")) }
            ol.timeline {
                @for e in &timeline {
                    li {
                        time datetime=(e.at.to_rfc3339()) { (amsterdam_local(e.at).format("%d-%m-%Y %H:%M")) }
                        " "
                        span { (view::event(l, &e.kind)) }
                        @if e.actor.starts_with(&own_actor) {
                            " " small { (l.t("(door u)", "(by you)")) }
                        } @else if e.actor.starts_with("user:") {
                            " " small { (l.t("(door een collega)", "(by a colleague)")) }
                        }
                    }
                }
            }
        }
        section {
            h2 { (l.t("Documenten", "Documents")) }
            @if documents.is_empty() {
                p { (l.t("Nog geen documenten.", "No documents yet.")) }
            } @else {
                ul {
                    @for d in &documents {
                        li {
                            a href={ "/documenten/" (d.id) } download { (view::document(l, &d.kind)) }
                            " (" (amsterdam_local(d.created_at).format("%d-%m-%Y")) ", "
                            (crate::case::evidence::extension(&d.media_type).to_uppercase()) ")"
                        }
                    }
                }
            }
        }
        section {
            h2 { (l.t("Betalingen", "Payments")) }
            @if case.track.payments.is_empty() {
                p { (l.t("Nog geen betalingen ontvangen.", "No payments received yet.")) }
            } @else {
                div.table { table {
                    caption { (l.t("Ontvangen betalingen", "Payments received")) }
                    thead { tr {
                        th scope="col" { (l.t("Datum", "Date")) }
                        th scope="col" class="num" { (l.t("Bedrag", "Amount")) }
                        th scope="col" { (l.t("Kenmerk", "Reference")) }
                    } }
                    tbody {
                        @for p in &case.track.payments {
                            tr {
                                td { (p.paid_on.format("%d-%m-%Y")) }
                                td.num { (cents(p.amount_cents)) }
                                td { (p.reference) }
                            }
                        }
                    }
                } }
            }
        }
        section {
            h2 { (l.t("Notities", "Notes")) }
            p { (l.t(
                "Het kantoor houdt nog geen notities bij die met u gedeeld worden; zodra dat kan, staan ze hier.",
                "The office keeps no notes shared with you yet; once it does, they appear here.",
            )) }
        }
    };
    let title = format!("{} {}", l.t("Dossier", "Case"), case.claim.client_reference);
    signed.page(&title, body)
}

/// What the case owes: today's figures while it runs; once closed, its final statement as
/// of the closing day (a closed case is collected no more, so nothing accrues after it).
fn amounts(l: Lang, case: &CaseRecord, owed: Option<&Owed>) -> Markup {
    // A payment the bank took back has left `payments`.
    let received: i64 = case.track.payments.iter().map(|p| p.amount_cents).sum();
    if let (Stage::Closed, Some(s)) = (case.stage, case.track.statement.as_ref()) {
        let on = s.closed_on.map(|d| d.format("%d-%m-%Y").to_string());
        return html! {
            section {
                h2 { (l.t("Eindafrekening", "Final statement")) @if let Some(on) = on { " " (on) } }
                p { (s.reason) }
                dl.amounts {
                    dt { (l.t("Ontvangen van de debiteur", "Received from the debtor")) } dd { (cents(s.received_cents)) }
                    dt { (l.t("Hoofdsom en rente voor u", "Principal and interest for you")) } dd { (cents(s.paid_out_cents)) }
                    dt { (l.t("Kosten voor de debiteur", "Costs borne by the debtor")) } dd { (cents(s.office_costs_cents)) }
                    @if s.overpaid_cents > 0 {
                        dt { (l.t("Te veel betaald, terug aan de debiteur", "Overpaid, due back to the debtor")) } dd { (cents(s.overpaid_cents)) }
                    }
                    dt.total { (l.t("Open bij afsluiting", "Outstanding on closing")) } dd.total { (cents(s.outstanding_cents.max(0))) }
                }
            }
        };
    }
    html! {
        section {
            h2 { (l.t("Bedragen vandaag", "Amounts today")) }
            @match owed {
                Some(o) => {
                    dl.amounts {
                        dt { (l.t("Openstaande hoofdsom", "Principal outstanding")) } dd { (euro(o.quote.principal)) }
                        dt { (l.t("Rente", "Interest")) } dd { (euro(o.quote.interest)) }
                        dt { (l.t("Incassokosten", "Collection costs")) } dd { (euro(o.quote.collection_costs)) }
                        dt { (l.t("Btw over incassokosten", "VAT on collection costs")) } dd { (euro(o.quote.collection_costs_vat)) }
                        dt { (l.t("Proces- en executiekosten", "Legal and execution costs")) } dd { (euro(o.legal_costs)) }
                        dt { (l.t("Ontvangen van de debiteur", "Received from the debtor")) } dd { (cents(received)) }
                        @if o.quote.overpaid > Money::ZERO {
                            dt { (l.t("Te veel betaald", "Overpaid")) } dd { (euro(o.quote.overpaid)) }
                        }
                        dt.total { (l.t("Totaal open", "Total due")) } dd.total { (euro(o.total)) }
                    }
                }
                None => p { (l.t("Voor dit dossier is vandaag geen berekening te maken.", "No quote can be made for this case today.")) }
            }
        }
    }
}

/// A task with its choices, as a form of buttons.
fn task_form(l: Lang, csrf: &str, task: &Task) -> Markup {
    let outcomes = &task.outcomes;
    let summons = serde_json::from_str::<serde_json::Value>(&task.details_json)
        .ok()
        .and_then(|d| d.get("summons").cloned());
    html! {
        form.task method="post" action={ "/taken/" (task.id) } {
            fieldset {
                legend { (view::task(l, &task.kind)) }
                @if let Some(s) = summons {
                    p {
                        (l.t("Rechtbank", "Court")) ": " (s["court"].as_str().unwrap_or_default())
                        @if let Some(hearing) = s["hearing_date"].as_str().and_then(|d| d.parse::<chrono::NaiveDate>().ok()) {
                            "; " (l.t("zitting", "hearing")) " " (hearing.format("%d-%m-%Y"))
                        }
                    }
                }
                input type="hidden" name="csrf" value=(csrf);
                @for o in outcomes {
                    button type="submit" name="outcome" value=(o) { (view::outcome(l, o)) }
                }
            }
        }
    }
}

/// GET /documenten/{id}: the PDF, as stored.
pub(crate) async fn document(
    State(state): State<Portal>,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    match state.app.get_document(&signed.user.principal(), id).await {
        Ok((meta, bytes)) => {
            let disposition = format!(
                "attachment; filename=\"{}-{}.{}\"",
                meta.kind,
                &meta.id[..meta.id.len().min(8)],
                crate::case::evidence::extension(&meta.media_type)
            );
            (
                [
                    (header::CONTENT_TYPE, meta.media_type),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => error_page(signed.lang, e),
    }
}

/// GET /taken: the open decisions waiting for the client.
pub(crate) async fn tasks(State(state): State<Portal>, signed: Signed) -> Response {
    let l = signed.lang;
    let who = signed.user.principal();
    let tasks = match state.app.client_tasks(&who, None).await {
        Ok(tasks) => tasks,
        Err(e) => return error_page(l, e),
    };
    let body = html! {
        @if tasks.is_empty() {
            p { (l.t("Er wacht niets op uw besluit.", "Nothing waits for your decision.")) }
        }
        @for task in &tasks {
            article.taskcard {
                @if let Some(case_id) = &task.case_id {
                    p { a href={ "/dossiers/" (case_id) } { (l.t("Naar het dossier", "To the case")) } }
                }
                (task_form(l, &signed.csrf, task))
            }
        }
    };
    signed.page(l.t("Taken", "Tasks"), body)
}

/// A task decision.
#[derive(Deserialize)]
pub(crate) struct TaskForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    outcome: String,
}

/// POST /taken/{id}: the client's decision, through the same `complete_task` as gRPC.
pub(crate) async fn complete_task(
    State(state): State<Portal>,
    signed: Signed,
    Path(id): Path<String>,
    Form(form): Form<TaskForm>,
) -> Response {
    if !signed.csrf_ok(&form.csrf) {
        return forbidden(signed.lang);
    }
    let who = signed.user.principal();
    // One decision per task and outcome: a double click is answered as the first.
    let request_id = format!("portal:{}:{}:{}", signed.user.id, id, form.outcome);
    match state
        .app
        .complete_client_task(&who, id, form.outcome, request_id)
        .await
    {
        Ok(task) => match task.case_id {
            Some(case_id) => Redirect::to(&format!("/dossiers/{case_id}")).into_response(),
            None => Redirect::to("/taken").into_response(),
        },
        Err(e) => error_page(signed.lang, e),
    }
}

/// GET /overzicht: open cases by stage, outstanding by the quotes, the payouts made.
pub(crate) async fn overview(State(state): State<Portal>, signed: Signed) -> Response {
    let l = signed.lang;
    let overview = match state.app.portal_overview(&signed.user.principal()).await {
        Ok(o) => o,
        Err(e) => return error_page(l, e),
    };
    let body = html! {
        section {
            h2 { (l.t("Dossiers per fase", "Cases by stage")) }
            div.table { table {
                caption { (l.t("Aantal dossiers per fase", "Number of cases per stage")) }
                thead { tr { th scope="col" { (l.t("Fase", "Stage")) } th scope="col" class="num" { (l.t("Aantal", "Count")) } } }
                tbody {
                    @for s in STAGES {
                        @if let Some((_, n)) = overview.by_stage.iter().find(|(stage, _)| stage == s) {
                            tr { td { (view::stage(l, s)) } td.num { (n) } }
                        }
                    }
                }
            } }
        }
        section {
            h2 { (l.t("Openstaand", "Outstanding")) }
            p {
                (l.t("Open dossiers vandaag samen:", "Open cases today in total:")) " "
                strong { (euro(overview.outstanding)) }
                " (" (overview.quoted) " " (l.t("dossiers berekend", "cases quoted")) ")"
            }
            @if overview.not_quoted {
                p { (l.t("Alleen de oudste open dossiers zijn berekend.", "Only the oldest open cases were quoted.")) }
            }
        }
        section {
            h2 { (l.t("Afdrachten", "Payouts")) }
            @match overview.payouts.last_at {
                Some(last) => p {
                    (l.t("Afgedragen aan u:", "Paid out to you:")) " "
                    strong { (euro(Money::from_cents(overview.payouts.amount_cents))) }
                    " " (l.t("in", "in")) " " (overview.payouts.count) " "
                    (l.t("afdrachten, de laatste op", "payouts, the last on")) " "
                    (amsterdam_local(crate::store::utc(last)).format("%d-%m-%Y")) "."
                },
                None => p { (l.t(
                    "Nog geen afdrachten aan u. Ontvangen betalingen staan per dossier.",
                    "No payouts to you yet. Payments received are shown per case.",
                )) },
            }
        }
    };
    signed.page(l.t("Overzicht", "Overview"), body)
}
