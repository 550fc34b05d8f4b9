//! `AdminService.AddRate` / `ListRates`: the office's statutory interest rates, read from
//! and written to the proto.

use chrono::Datelike;

use super::convert::{self, Violations};
use crate::case::FieldViolation;
use crate::law::rates::{Rate, RateRow, RateSeries};
use crate::proto as pb;
use crate::workflow::NewRate;

/// The longest source kept: a citation, not a document.
const MAX_SOURCE_CHARS: usize = 500;

/// A series name, `6:119` or `6:119a`.
pub fn series(text: &str) -> Result<RateSeries, String> {
    RateSeries::parse(text.trim()).ok_or_else(|| {
        format!("{text:?} is no series: \"6:119\" (wettelijke rente) or \"6:119a\" (handelsrente)")
    })
}

/// The row to add, every bad field named.
pub fn new_rate(r: &pb::AddRateRequest) -> Result<NewRate, Vec<FieldViolation>> {
    let mut v = Violations::default();
    let series = v.check("series", series(&r.series));
    let valid_from = v.check(
        "valid_from",
        convert::required_date(&r.valid_from).and_then(|d| {
            if (1900..=2199).contains(&d.year()) {
                Ok(d)
            } else {
                Err("must lie in the years 1900 to 2199".into())
            }
        }),
    );
    let rate = v.check(
        "rate",
        if r.rate.trim().is_empty() {
            Err("required: a yearly percentage such as 10.15".into())
        } else {
            Rate::parse_percent(&r.rate)
        },
    );
    let source = r.source.trim();
    if source.is_empty() {
        v.add(
            "source",
            "required: where the figure comes from (e.g. the Staatscourant)",
        );
    } else if source.chars().count() > MAX_SOURCE_CHARS {
        v.add("source", format!("at most {MAX_SOURCE_CHARS} characters"));
    }
    let (Some(series), Some(valid_from), Some(rate)) = (series, valid_from, rate) else {
        return Err(v.0);
    };
    v.into_result(|| NewRate {
        series,
        valid_from,
        rate,
        source: source.to_owned(),
        override_past: r.r#override,
    })
}

/// A row of the table as the proto message; `id` for an office row.
pub fn row_to_proto(row: &RateRow, id: &str) -> pb::RateRow {
    pb::RateRow {
        series: row.series.as_str().to_owned(),
        valid_from: row.valid_from.to_string(),
        rate: row.rate.to_string(),
        source: row.source.clone(),
        status: row.status.as_str().to_owned(),
        note: row.note.clone(),
        id: id.to_owned(),
    }
}
