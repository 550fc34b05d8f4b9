//! `SearchCasesRequest` → the domain's search, every key normalised as it is stored.

use super::enums::{close_reason_filter, stage_filter, suspension_filter};
use super::fields::{Violations, optional_date};
use crate::case::FieldViolation;
use crate::case::search::{self, NameQuery, SearchQuery, kind};
use crate::page::RankedCursor;
use crate::proto as pb;

/// A search request read: the query, where the page starts, and its size.
pub type SearchPage = (SearchQuery, Option<RankedCursor>, i64);

/// Reads a `SearchCasesRequest`, naming every bad field; a request without any key is
/// refused (naming `name`): listing without a key is `ListCases`.
pub fn search_request(
    r: &pb::SearchCasesRequest,
    default_page: i64,
    max_page: i64,
) -> Result<SearchPage, Vec<FieldViolation>> {
    let mut v = Violations::default();
    let mut query = SearchQuery::default();
    if !r.name.trim().is_empty() {
        query.name = NameQuery::parse(&r.name);
        if query.name.is_none() {
            v.add(
                "name",
                "holds no searchable word (only tussenvoegsels or punctuation)",
            );
        }
    }
    let postcode = search::postcode(&r.postcode);
    let house: String = r
        .house_number
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if !r.postcode.trim().is_empty() && postcode.len() < 4 {
        v.add("postcode", "a postcode such as 3511 LK or 3511LK");
    }
    if !r.house_number.trim().is_empty() && house.is_empty() {
        v.add("house_number", "begins with the house number's digits");
    }
    if !house.is_empty() && r.postcode.trim().is_empty() {
        v.add("postcode", "required with a house number");
    }
    if !postcode.is_empty() {
        if house.is_empty() {
            query.keys.push((kind::POSTCODE, postcode));
        } else {
            query
                .keys
                .push((kind::ADDRESS, search::address(&r.postcode, &house)));
        }
    }
    if let Some(born) = v
        .check("date_of_birth", optional_date(&r.date_of_birth))
        .flatten()
    {
        query.keys.push((kind::BIRTH, search::birth(born)));
    }
    let mut text_key = |field: &str, raw: &str, kind: &'static str, key: fn(&str) -> String| {
        if raw.trim().is_empty() {
            return;
        }
        let value = key(raw);
        if value.is_empty() {
            v.add(field, "holds no letters or digits to search by");
        } else {
            query.keys.push((kind, value));
        }
    };
    text_key("iban", &r.iban, kind::IBAN, search::compact);
    text_key("email", &r.email, kind::EMAIL, search::email);
    text_key("phone", &r.phone, kind::PHONE, search::phone);
    text_key("kvk_number", &r.kvk_number, kind::KVK, search::compact);
    text_key(
        "client_reference",
        &r.client_reference,
        kind::CLIENT_REFERENCE,
        search::client_reference,
    );
    text_key(
        "payment_reference",
        &r.payment_reference,
        kind::PAYMENT_REFERENCE,
        search::compact,
    );
    text_key(
        "court_case_number",
        &r.court_case_number,
        kind::COURT_CASE,
        search::compact,
    );
    if !r.client_id.is_empty() {
        query.client_id = Some(r.client_id.clone());
    }
    query.stage = v.check("stage", stage_filter(r.stage)).flatten();
    query.suspension = v
        .check("suspension", suspension_filter(r.suspension))
        .flatten();
    query.close_reason = v
        .check("close_reason", close_reason_filter(r.close_reason))
        .flatten();
    if !query.has_key() && v.0.is_empty() {
        v.add(
            "name",
            "give at least one key: name, postcode, date_of_birth, iban, email, phone, \
             kvk_number, client_reference, payment_reference or court_case_number",
        );
    }
    let page_size = v.page_size(r.page_size, default_page, max_page);
    let after = if r.page_token.is_empty() {
        None
    } else {
        v.check(
            "page_token",
            RankedCursor::from_token(&r.page_token, "SearchCases"),
        )
    };
    v.into_result(|| (query, after, page_size))
}
