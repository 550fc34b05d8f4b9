//! `exploot quote FILE.json`: the calculator offline. The file is a `QuoteClaimRequest` in
//! proto JSON (what grpcurl sends); the answer is the same computation `QuoteClaim` does,
//! printed as a Dutch-style breakdown or, with `--json`, as the `ClaimQuote` in proto JSON.

use prost_reflect::{DescriptorPool, DynamicMessage, SerializeOptions};

use crate::api::{quote_request, quote_to_proto};
use crate::law::calendar::format_date_nl;
use crate::law::quote::{ClaimQuote, DebtorKind, QuoteRequest, quote};
use crate::proto::{self as pb, FILE_DESCRIPTOR_SET};

/// Reads the request in `json`, computes the quote and renders it.
pub fn run(json: &str, as_json: bool) -> Result<String, String> {
    let pool = DescriptorPool::decode(FILE_DESCRIPTOR_SET).map_err(|e| e.to_string())?;
    let request: pb::QuoteClaimRequest = decode(&pool, json)?;
    let request = quote_request(&request).map_err(|v| violations(&v))?;
    let answer = quote(&request).map_err(|v| violations(&v))?;
    if as_json {
        encode(&pool, &quote_to_proto(&answer, request.as_of))
    } else {
        Ok(breakdown(&request, &answer))
    }
}

fn decode(pool: &DescriptorPool, json: &str) -> Result<pb::QuoteClaimRequest, String> {
    let descriptor = pool
        .get_message_by_name("exploot.v1.QuoteClaimRequest")
        .ok_or("the descriptor set lacks QuoteClaimRequest")?;
    let mut reader = serde_json::Deserializer::from_str(json);
    let message = DynamicMessage::deserialize(descriptor, &mut reader)
        .map_err(|e| format!("not a QuoteClaimRequest in proto JSON: {e}"))?;
    reader
        .end()
        .map_err(|e| format!("trailing input after the request: {e}"))?;
    message.transcode_to().map_err(|e| e.to_string())
}

fn encode(pool: &DescriptorPool, quote: &pb::ClaimQuote) -> Result<String, String> {
    let descriptor = pool
        .get_message_by_name("exploot.v1.ClaimQuote")
        .ok_or("the descriptor set lacks ClaimQuote")?;
    let mut message = DynamicMessage::new(descriptor);
    message.transcode_from(quote).map_err(|e| e.to_string())?;
    let mut out = serde_json::Serializer::pretty(Vec::new());
    message
        .serialize_with_options(
            &mut out,
            &SerializeOptions::new().skip_default_fields(false),
        )
        .map_err(|e| e.to_string())?;
    String::from_utf8(out.into_inner()).map_err(|e| e.to_string())
}

fn violations(list: &[crate::case::FieldViolation]) -> String {
    let lines: Vec<String> = list
        .iter()
        .map(|v| format!("  {}: {}", v.field, v.description))
        .collect();
    format!(
        "the request has {} bad field(s):\n{}",
        list.len(),
        lines.join("\n")
    )
}

/// The quote as a bailiff would set it out for a debtor: amounts `€ 1.234,56`, dates
/// `14 april 2026`, rates `8,00 %`.
fn breakdown(request: &QuoteRequest, q: &ClaimQuote) -> String {
    let rule = match request.debtor_kind {
        DebtorKind::Consumer => "wettelijke rente, art. 6:119 BW",
        DebtorKind::Business => "wettelijke handelsrente, art. 6:119a BW",
    };
    let mut out = format!(
        "Vordering per {} ({rule})\n\n",
        format_date_nl(request.as_of)
    );
    if !q.interest_periods.is_empty() {
        out.push_str("Renteberekening\n");
        out.push_str(&format!(
            "  {:<12} {:<18} {:<18} {:>8} {:>16} {:>14}\n",
            "factuur", "van", "tot en met", "rente", "grondslag", "bedrag"
        ));
        for p in &q.interest_periods {
            out.push_str(&format!(
                "  {:<12} {:<18} {:<18} {:>8} {:>16} {:>14}\n",
                p.invoice_number,
                format_date_nl(p.from),
                format_date_nl(p.to),
                format!("{} %", p.rate.to_string().replace('.', ",")),
                p.base.format_nl(),
                p.amount.format_nl()
            ));
        }
        out.push('\n');
    }
    let line = |label: &str, amount: crate::law::money::Money| {
        format!("  {label:<34} {:>16}\n", amount.format_nl())
    };
    out.push_str(&line("Hoofdsom (openstaand)", q.principal));
    out.push_str(&line("Rente (openstaand)", q.interest));
    out.push_str(&line(
        "Buitengerechtelijke incassokosten",
        q.collection_costs,
    ));
    out.push_str(&line("BTW over incassokosten", q.collection_costs_vat));
    out.push_str(&line("Totaal verschuldigd", q.total_due));
    out.push_str(&line("Reeds betaald", q.paid));
    if q.overpaid.is_positive() {
        out.push_str(&line("Te veel betaald (terug te betalen)", q.overpaid));
    }
    if let Some(last_day) = q.letter_term_ends_on {
        out.push_str(&format!(
            "\nLaatste dag van de termijn van de 14-dagenbrief: {}\n",
            format_date_nl(last_day)
        ));
    }
    if let Some(from) = q.collection_costs_due_on {
        out.push_str(&format!(
            "Incassokosten verschuldigd vanaf: {}\n",
            format_date_nl(from)
        ));
    }
    out
}
