//! Every text field of every request, checked in one place against [`TextRule`]: the
//! codec ([`super::codec`]) runs it on each unary request before a handler sees it, the
//! import runs it on each row, and the CSV reader on each claim it builds. The limits are
//! the contract's: each field's comment in `proto/` names its limit, and a test holds this
//! table, the comments and the descriptor to one another, so a new text field without a
//! limit fails the build's tests.

use std::collections::HashMap;
use std::sync::OnceLock;

use prost_reflect::{DynamicMessage, MapKey, MessageDescriptor, Value};

use crate::case::FieldViolation;
use crate::case::text::TextRule;

/// An identifier: a case, task, document or client id.
const ID: TextRule = TextRule::line(64);
/// An idempotency key chosen by the caller.
const REQUEST_ID: TextRule = TextRule::line(100);
/// A `YYYY-MM-DD` date or `HH:MM` (the format is checked by the field's own parser).
const DATE: TextRule = TextRule::line(10);
/// Euros as a decimal string.
const MONEY: TextRule = TextRule::line(32);
/// A list call's page token (our own encoding).
const PAGE_TOKEN: TextRule = TextRule::line(200);
/// A name as it is set in a letter's address block and body (wrapped there).
const NAME: TextRule = TextRule::line(200);
/// A note or reason a person types; kept in the audit log.
const NOTE: TextRule = TextRule::multiline(2000);

/// The limit of each text field that a request can carry, by its full proto name.
pub const RULES: &[(&str, TextRule)] = &[
    // common.proto
    ("exploot.v1.Address.street", TextRule::line(100)),
    ("exploot.v1.Address.postcode", TextRule::line(12)),
    ("exploot.v1.Address.city", TextRule::line(60)),
    ("exploot.v1.Address.country", TextRule::line(2)),
    ("exploot.v1.Debtor.name", NAME),
    ("exploot.v1.Debtor.email", TextRule::line(254)),
    ("exploot.v1.Debtor.phone", TextRule::line(32)),
    ("exploot.v1.Debtor.kvk_number", TextRule::line(16)),
    ("exploot.v1.Debtor.date_of_birth", DATE),
    ("exploot.v1.Debtor.family_name", TextRule::line(100)),
    ("exploot.v1.Debtor.family_name_prefix", TextRule::line(20)),
    ("exploot.v1.Debtor.iban", TextRule::line(42)),
    ("exploot.v1.Invoice.number", TextRule::line(50)),
    ("exploot.v1.Invoice.invoice_date", DATE),
    ("exploot.v1.Invoice.due_date", DATE),
    ("exploot.v1.Invoice.amount", MONEY),
    ("exploot.v1.Payment.paid_on", DATE),
    ("exploot.v1.Payment.amount", MONEY),
    ("exploot.v1.Payment.invoice_number", TextRule::line(50)),
    ("exploot.v1.Payment.reference", TextRule::line(140)),
    // calculator.proto
    ("exploot.v1.QuoteClaimRequest.as_of", DATE),
    ("exploot.v1.QuoteClaimRequest.letter_sent_on", DATE),
    // case.proto
    ("exploot.v1.Judgment.judgment_date", DATE),
    ("exploot.v1.Judgment.awarded_principal", MONEY),
    ("exploot.v1.Judgment.interest_from", DATE),
    ("exploot.v1.Judgment.awarded_collection_costs", MONEY),
    ("exploot.v1.Judgment.legal_costs", MONEY),
    ("exploot.v1.Judgment.court_case_number", TextRule::line(64)),
    ("exploot.v1.Judgment.served_on", DATE),
    ("exploot.v1.Instalment.due_on", DATE),
    ("exploot.v1.Instalment.amount", MONEY),
    ("exploot.v1.Instalment.paid", MONEY),
    ("exploot.v1.CreateCaseRequest.client_id", ID),
    (
        "exploot.v1.CreateCaseRequest.client_reference",
        TextRule::line(100),
    ),
    (
        "exploot.v1.CreateCaseRequest.notes",
        TextRule::multiline(10_000),
    ),
    ("exploot.v1.GetCaseRequest.case_id", ID),
    ("exploot.v1.ListCasesRequest.client_id", ID),
    (
        "exploot.v1.ListCasesRequest.debtor_kvk_number",
        TextRule::line(16),
    ),
    ("exploot.v1.ListCasesRequest.page_token", PAGE_TOKEN),
    ("exploot.v1.SearchCasesRequest.name", NAME),
    ("exploot.v1.SearchCasesRequest.postcode", TextRule::line(12)),
    (
        "exploot.v1.SearchCasesRequest.house_number",
        TextRule::line(10),
    ),
    ("exploot.v1.SearchCasesRequest.date_of_birth", DATE),
    ("exploot.v1.SearchCasesRequest.iban", TextRule::line(42)),
    ("exploot.v1.SearchCasesRequest.email", TextRule::line(254)),
    ("exploot.v1.SearchCasesRequest.phone", TextRule::line(32)),
    (
        "exploot.v1.SearchCasesRequest.kvk_number",
        TextRule::line(16),
    ),
    (
        "exploot.v1.SearchCasesRequest.client_reference",
        TextRule::line(100),
    ),
    (
        "exploot.v1.SearchCasesRequest.payment_reference",
        TextRule::line(32),
    ),
    (
        "exploot.v1.SearchCasesRequest.court_case_number",
        TextRule::line(64),
    ),
    ("exploot.v1.SearchCasesRequest.client_id", ID),
    ("exploot.v1.SearchCasesRequest.page_token", PAGE_TOKEN),
    ("exploot.v1.ListDebtorCasesRequest.case_id", ID),
    (
        "exploot.v1.CheckDebtorRequest.kvk_number",
        TextRule::line(16),
    ),
    ("exploot.v1.CheckDebtorRequest.name", NAME),
    ("exploot.v1.CheckDebtorRequest.city", TextRule::line(60)),
    (
        "exploot.v1.CheckDebtorRequest.family_name",
        TextRule::line(100),
    ),
    (
        "exploot.v1.CheckDebtorRequest.family_name_prefix",
        TextRule::line(20),
    ),
    ("exploot.v1.CheckDebtorRequest.date_of_birth", DATE),
    ("exploot.v1.CheckDebtorRequest.postcode", TextRule::line(12)),
    ("exploot.v1.AddNoteRequest.case_id", ID),
    ("exploot.v1.AddNoteRequest.request_id", REQUEST_ID),
    ("exploot.v1.AddNoteRequest.text", NOTE),
    ("exploot.v1.AddNoteRequest.follow_up_on", DATE),
    ("exploot.v1.AddNoteRequest.promised_on", DATE),
    ("exploot.v1.ListNotesRequest.case_id", ID),
    ("exploot.v1.UpdateDebtorRequest.case_id", ID),
    ("exploot.v1.UpdateDebtorRequest.request_id", REQUEST_ID),
    ("exploot.v1.UpdateDebtorRequest.email", TextRule::line(254)),
    ("exploot.v1.UpdateDebtorRequest.phone", TextRule::line(32)),
    ("exploot.v1.UpdateDebtorRequest.iban", TextRule::line(42)),
    ("exploot.v1.UpdateDebtorRequest.reason", TextRule::line(500)),
    ("exploot.v1.UpdateDebtorRequest.source", TextRule::line(200)),
    ("exploot.v1.RecordPaymentRequest.case_id", ID),
    ("exploot.v1.RecordPaymentRequest.request_id", REQUEST_ID),
    ("exploot.v1.ProposePaymentPlanRequest.case_id", ID),
    (
        "exploot.v1.ProposePaymentPlanRequest.request_id",
        REQUEST_ID,
    ),
    ("exploot.v1.PutOnHoldRequest.case_id", ID),
    ("exploot.v1.PutOnHoldRequest.request_id", REQUEST_ID),
    ("exploot.v1.PutOnHoldRequest.note", NOTE),
    ("exploot.v1.ResumeRequest.case_id", ID),
    ("exploot.v1.ResumeRequest.request_id", REQUEST_ID),
    ("exploot.v1.ResumeRequest.note", NOTE),
    ("exploot.v1.WithdrawCaseRequest.case_id", ID),
    ("exploot.v1.WithdrawCaseRequest.request_id", REQUEST_ID),
    ("exploot.v1.WithdrawCaseRequest.reason", NOTE),
    ("exploot.v1.CloseUncollectableRequest.case_id", ID),
    (
        "exploot.v1.CloseUncollectableRequest.request_id",
        REQUEST_ID,
    ),
    ("exploot.v1.CloseUncollectableRequest.reason", NOTE),
    ("exploot.v1.QuoteCaseRequest.case_id", ID),
    ("exploot.v1.QuoteCaseRequest.as_of", DATE),
    ("exploot.v1.WatchCaseRequest.case_id", ID),
    ("exploot.v1.RegisterJudgmentRequest.case_id", ID),
    ("exploot.v1.RegisterJudgmentRequest.request_id", REQUEST_ID),
    // intake.proto
    ("exploot.v1.ImportClaimsRequest.client_id", ID),
    (
        "exploot.v1.ImportClaimsRequest.client_reference",
        TextRule::line(100),
    ),
    (
        "exploot.v1.ImportClaimsRequest.notes",
        TextRule::multiline(10_000),
    ),
    // task.proto
    ("exploot.v1.ListTasksRequest.queue", TextRule::line(32)),
    ("exploot.v1.ListTasksRequest.case_id", ID),
    ("exploot.v1.ListTasksRequest.page_token", PAGE_TOKEN),
    ("exploot.v1.ListTasksRequest.assignee", TextRule::line(100)),
    ("exploot.v1.ListTasksRequest.due_on_or_before", DATE),
    ("exploot.v1.UnclaimTaskRequest.task_id", ID),
    ("exploot.v1.ReassignTaskRequest.task_id", ID),
    (
        "exploot.v1.ReassignTaskRequest.assignee",
        TextRule::line(100),
    ),
    ("exploot.v1.OpenTaskRequest.case_id", ID),
    ("exploot.v1.OpenTaskRequest.request_id", REQUEST_ID),
    ("exploot.v1.OpenTaskRequest.kind", TextRule::line(32)),
    ("exploot.v1.OpenTaskRequest.title", NAME),
    ("exploot.v1.OpenTaskRequest.due_on", DATE),
    ("exploot.v1.OpenTaskRequest.assignee", TextRule::line(100)),
    ("exploot.v1.OpenTaskRequest.queue", TextRule::line(32)),
    ("exploot.v1.ClaimTaskRequest.task_id", ID),
    ("exploot.v1.ClaimTaskRequest.assignee", TextRule::line(100)),
    ("exploot.v1.CompleteTaskRequest.task_id", ID),
    ("exploot.v1.CompleteTaskRequest.request_id", REQUEST_ID),
    ("exploot.v1.CompleteTaskRequest.outcome", TextRule::line(64)),
    ("exploot.v1.CompleteTaskRequest.note", NOTE),
    (
        "exploot.v1.CompleteTaskRequest.ValuesEntry.key",
        TextRule::line(64),
    ),
    (
        "exploot.v1.CompleteTaskRequest.ValuesEntry.value",
        TextRule::line(500),
    ),
    // document.proto
    ("exploot.v1.ListDocumentsRequest.case_id", ID),
    ("exploot.v1.ListDocumentsRequest.page_token", PAGE_TOKEN),
    ("exploot.v1.GetDocumentRequest.document_id", ID),
    ("exploot.v1.UploadDocumentRequest.case_id", ID),
    ("exploot.v1.UploadDocumentRequest.title", NAME),
    (
        "exploot.v1.UploadDocumentRequest.file_name",
        TextRule::line(255),
    ),
    // payout.proto
    ("exploot.v1.RunPayoutsRequest.up_to_date", DATE),
    ("exploot.v1.RunPayoutsRequest.request_id", REQUEST_ID),
    ("exploot.v1.GetPayoutStatementRequest.payout_id", ID),
    ("exploot.v1.ClientOverviewRequest.client_id", ID),
    ("exploot.v1.ClientOverviewRequest.as_of", DATE),
    // bank statements, reversals
    (
        "exploot.v1.ImportBankStatementRequest.file_name",
        TextRule::line(255),
    ),
    ("exploot.v1.ReversePaymentRequest.case_id", ID),
    ("exploot.v1.ReversePaymentRequest.request_id", REQUEST_ID),
    (
        "exploot.v1.ReversePaymentRequest.payment_id",
        TextRule::line(100),
    ),
    ("exploot.v1.ReversePaymentRequest.reversed_on", DATE),
    (
        "exploot.v1.ReversePaymentRequest.reason",
        TextRule::line(500),
    ),
    // the office's rates
    ("exploot.v1.ListRatesRequest.series", TextRule::line(10)),
    ("exploot.v1.AddRateRequest.series", TextRule::line(10)),
    ("exploot.v1.AddRateRequest.valid_from", DATE),
    ("exploot.v1.AddRateRequest.rate", TextRule::line(16)),
    ("exploot.v1.AddRateRequest.source", TextRule::line(500)),
    // the office's court fees
    ("exploot.v1.CourtFeeClass.up_to", TextRule::line(32)),
    ("exploot.v1.CourtFeeClass.legal_person", TextRule::line(32)),
    (
        "exploot.v1.CourtFeeClass.natural_person",
        TextRule::line(32),
    ),
    ("exploot.v1.CourtFeeClass.onvermogend", TextRule::line(32)),
    ("exploot.v1.AddCourtFeesRequest.source", TextRule::line(500)),
    // the office's bailiff's tariffs
    ("exploot.v1.BailiffTariff.act", TextRule::line(40)),
    ("exploot.v1.BailiffTariff.article", TextRule::line(8)),
    ("exploot.v1.BailiffTariff.amount", TextRule::line(32)),
    (
        "exploot.v1.AddBailiffTariffsRequest.source",
        TextRule::line(500),
    ),
    // the office
    ("exploot.v1.Office.legal_name", NAME),
    ("exploot.v1.Office.trading_name", NAME),
    ("exploot.v1.Office.phone", TextRule::line(32)),
    ("exploot.v1.Office.email", TextRule::line(254)),
    ("exploot.v1.Office.website", TextRule::line(200)),
    ("exploot.v1.Office.kvk_number", TextRule::line(16)),
    ("exploot.v1.Office.vat_number", TextRule::line(20)),
    ("exploot.v1.Bailiff.name", TextRule::line(100)),
    ("exploot.v1.Bailiff.standplaats", TextRule::line(60)),
    ("exploot.v1.BankAccount.iban", TextRule::line(42)),
    ("exploot.v1.BankAccount.bic", TextRule::line(16)),
    ("exploot.v1.BankAccount.holder", TextRule::line(70)),
    // admin.proto
    ("exploot.v1.Client.id", ID),
    ("exploot.v1.Client.name", NAME),
    ("exploot.v1.Client.kvk_number", TextRule::line(16)),
    ("exploot.v1.Client.iban", TextRule::line(42)),
    ("exploot.v1.Client.email", TextRule::line(254)),
    ("exploot.v1.TrackPolicy.client_id", ID),
    ("exploot.v1.TrackPolicy.minimum_for_legal_action", MONEY),
    ("exploot.v1.TrackPolicy.intake_cutoff", TextRule::line(5)),
    ("exploot.v1.GetClientRequest.client_id", ID),
    ("exploot.v1.GetTrackPolicyRequest.client_id", ID),
];

/// A field this table forgot (a test keeps it from happening): one line of at most this.
const FALLBACK: TextRule = TextRule::line(1000);

/// The rule of a field by its full proto name (looked up for every text field of every
/// imported row: a map, not a walk down the table).
pub fn rule(full_name: &str) -> TextRule {
    static BY_NAME: OnceLock<HashMap<&'static str, TextRule>> = OnceLock::new();
    BY_NAME
        .get_or_init(|| RULES.iter().copied().collect())
        .get(full_name)
        .copied()
        .unwrap_or(FALLBACK)
}

/// Every text field of `message` that breaks its rule, by its path in the request
/// (`debtor.name`, `invoices[2].number`, `values["served_on"]`), one violation a field.
pub fn violations<M: prost::Message + prost::Name>(message: &M) -> Vec<FieldViolation> {
    match crate::proto::descriptor_pool().get_message_by_name(&M::full_name()) {
        Some(descriptor) => violations_in(descriptor, &message.encode_to_vec()),
        None => Vec::new(),
    }
}

/// [`violations`] of the encoded message `bytes` of type `descriptor` (nothing when they
/// do not decode: the typed decoder reports that).
pub fn violations_in(descriptor: MessageDescriptor, bytes: &[u8]) -> Vec<FieldViolation> {
    let mut found = Vec::new();
    if !may_break_a_rule(&descriptor, bytes) {
        return found;
    }
    if let Ok(message) = DynamicMessage::decode(descriptor, bytes) {
        walk(&message, "", &mut found);
    }
    found
}

/// Whether some text field in the encoded `bytes` might break its rule: `false` only when
/// every string in them, at any depth, keeps its field's rule. Read straight from the wire
/// format, without building a message: nearly every request is fine, and decoding each
/// imported row a second time to walk it was a sixth of an import's server time (issue
/// 19). Anything unusual (bytes that do not parse, text that is not UTF-8) answers `true`,
/// and [`walk`] over the decoded message has the last word and writes the paths.
fn may_break_a_rule(descriptor: &MessageDescriptor, mut bytes: &[u8]) -> bool {
    use prost::encoding::{WireType, decode_key, decode_varint};
    use prost_reflect::Kind;
    while !bytes.is_empty() {
        let Ok((number, wire_type)) = decode_key(&mut bytes) else {
            return true;
        };
        let skip = match wire_type {
            WireType::Varint => match decode_varint(&mut bytes) {
                Ok(_) => 0,
                Err(_) => return true,
            },
            WireType::SixtyFourBit => 8,
            WireType::ThirtyTwoBit => 4,
            WireType::LengthDelimited => {
                let Ok(len) = decode_varint(&mut bytes) else {
                    return true;
                };
                let Some((field_bytes, rest)) = usize::try_from(len)
                    .ok()
                    .and_then(|len| bytes.split_at_checked(len))
                else {
                    return true;
                };
                bytes = rest;
                if let Some(field) = descriptor.get_field(number) {
                    let broken = match field.kind() {
                        Kind::String => std::str::from_utf8(field_bytes)
                            .map_or(true, |text| rule(field.full_name()).check(text).is_err()),
                        Kind::Message(inner) => may_break_a_rule(&inner, field_bytes),
                        _ => false, // bytes, or packed numbers
                    };
                    if broken {
                        return true;
                    }
                }
                0
            }
            WireType::StartGroup | WireType::EndGroup => return true,
        };
        let Some(rest) = bytes.get(skip..) else {
            return true;
        };
        bytes = rest;
    }
    false
}

/// Checks every text field of `message`; a field's path is written out only for a
/// violation (an imported row has some twenty text fields, nearly always fine).
fn walk(message: &DynamicMessage, prefix: &str, found: &mut Vec<FieldViolation>) {
    for (field, value) in message.fields() {
        let path = || format!("{prefix}{}", field.name());
        match value {
            Value::String(text) => check(field.full_name(), text, path, found),
            Value::Message(inner) => walk(inner, &format!("{}.", path()), found),
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(text) => {
                            check(
                                field.full_name(),
                                text,
                                || format!("{}[{i}]", path()),
                                found,
                            );
                        }
                        Value::Message(inner) => {
                            walk(inner, &format!("{}[{i}].", path()), found);
                        }
                        _ => {}
                    }
                }
            }
            Value::Map(entries) => {
                let entry = field.kind();
                let Some(entry) = entry.as_message() else {
                    continue;
                };
                for (key, value) in entries {
                    let shown = match key {
                        MapKey::String(k) => format!("{}[{:?}]", path(), shorten(k)),
                        other => format!("{}[{other:?}]", path()),
                    };
                    if let MapKey::String(k) = key {
                        let key_field = format!("{}.key", entry.full_name());
                        check(&key_field, k, || format!("{shown} (key)"), found);
                    }
                    match value {
                        Value::String(text) => {
                            let value_field = format!("{}.value", entry.full_name());
                            check(&value_field, text, || shown.clone(), found);
                        }
                        Value::Message(inner) => walk(inner, &format!("{shown}."), found),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

fn check(
    full_name: &str,
    text: &str,
    path: impl FnOnce() -> String,
    found: &mut Vec<FieldViolation>,
) {
    if let Err(description) = rule(full_name).check(text) {
        found.push(FieldViolation::new(path(), description));
    }
}

/// A caller's map key as shown in a field path: at most 40 characters of it.
fn shorten(key: &str) -> String {
    let mut shown: String = key.chars().take(40).collect();
    if shown.len() < key.len() {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use prost::Message as _;
    use prost_reflect::{Kind, MessageDescriptor};

    use super::*;
    use crate::proto::{self as pb, descriptor_pool};

    /// Every message a request can carry, found from the services' inputs.
    fn request_messages() -> Vec<MessageDescriptor> {
        let mut seen: Vec<MessageDescriptor> = Vec::new();
        let mut todo: Vec<MessageDescriptor> = descriptor_pool()
            .services()
            .filter(|s| s.package_name() == "exploot.v1")
            .flat_map(|s| s.methods().map(|m| m.input()).collect::<Vec<_>>())
            .collect();
        while let Some(message) = todo.pop() {
            if seen.iter().any(|m| m.full_name() == message.full_name()) {
                continue;
            }
            for field in message.fields() {
                if let Kind::Message(inner) = field.kind() {
                    todo.push(inner);
                }
            }
            seen.push(message);
        }
        seen
    }

    #[test]
    fn every_text_field_a_request_carries_has_a_rule_and_its_comment_names_it() {
        let mut missing = Vec::new();
        let mut undocumented = Vec::new();
        let mut text_fields = Vec::new();
        for message in request_messages() {
            for field in message.fields() {
                if !matches!(field.kind(), Kind::String) {
                    continue;
                }
                text_fields.push(field.full_name().to_owned());
                let Some((_, rule)) = RULES.iter().find(|(n, _)| *n == field.full_name()) else {
                    missing.push(field.full_name().to_owned());
                    continue;
                };
                // A map entry has no comment of its own: its map field's comment says it.
                let (comment_of, wanted) = if message.is_map_entry() {
                    let parent = message.parent_message().expect("a map entry has a parent");
                    let map_field = parent
                        .fields()
                        .find(|f| f.kind().as_message() == Some(&message))
                        .expect("the map field");
                    (map_field, format!("{} ≤ {}", field.name(), rule.max_chars))
                } else {
                    (field.clone(), format!("≤ {}", rule.max_chars))
                };
                let comment = field_comment(&comment_of).unwrap_or_default();
                let multiline_said = comment.contains("line breaks allowed");
                if !comment.contains(&wanted) || multiline_said != rule.multiline {
                    undocumented.push(format!(
                        "{} (wants \"{wanted}\"{}; comment: {comment:?})",
                        field.full_name(),
                        if rule.multiline {
                            " and \"line breaks allowed\""
                        } else {
                            ""
                        }
                    ));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "text fields without a rule: {missing:#?}"
        );
        assert!(
            undocumented.is_empty(),
            "rules the proto comments do not name: {undocumented:#?}"
        );
        let stale: Vec<&str> = RULES
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| !text_fields.iter().any(|f| f == n))
            .collect();
        assert!(stale.is_empty(), "rules for no request field: {stale:?}");
    }

    /// The field's leading and trailing comments in its `.proto` file.
    fn field_comment(field: &prost_reflect::FieldDescriptor) -> Option<String> {
        let info = field
            .parent_file()
            .file_descriptor_proto()
            .source_code_info
            .clone()?;
        let path = field_path(field);
        info.location.iter().find(|l| l.path == path).map(|l| {
            format!(
                "{} {}",
                l.leading_comments.clone().unwrap_or_default(),
                l.trailing_comments.clone().unwrap_or_default()
            )
        })
    }

    /// The source-info path of a top-level message's field: [4, message index, 2, field index].
    fn field_path(field: &prost_reflect::FieldDescriptor) -> Vec<i32> {
        let message = field.parent_message();
        let file = message.parent_file();
        let index = file
            .messages()
            .position(|m| m.full_name() == message.full_name())
            .expect("a top-level message");
        let field_index = message
            .fields()
            .position(|f| f.full_name() == field.full_name())
            .expect("its field");
        vec![
            4,
            i32::try_from(index).expect("few messages"),
            2,
            i32::try_from(field_index).expect("few fields"),
        ]
    }

    #[test]
    fn a_nul_in_a_debtors_name_and_an_overlong_note_are_named_by_their_path() {
        let request = pb::CreateCaseRequest {
            client_id: "acme".into(),
            client_reference: "DOS-1".into(),
            debtor: Some(pb::Debtor {
                name: "J. de\0Vries".into(),
                ..Default::default()
            }),
            invoices: vec![
                pb::Invoice::default(),
                pb::Invoice {
                    number: "F\u{7}".into(),
                    ..Default::default()
                },
            ],
            notes: "x".repeat(10_001),
        };
        let found: Vec<(String, String)> = violations(&request)
            .into_iter()
            .map(|v| (v.field, v.description))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "debtor.name".to_owned(),
                    "a NUL character (U+0000) is not allowed here (character 6)".to_owned()
                ),
                (
                    "invoices[1].number".to_owned(),
                    "the control character U+0007 is not allowed here (character 2)".to_owned()
                ),
                ("notes".to_owned(), "at most 10000 characters".to_owned()),
            ]
        );
    }

    /// An imported row with `text` in one field chosen by `at`: a top-level one, one in the
    /// debtor, one in the second invoice, one in the debtor's address, or the notes.
    fn row_with(text: &str, at: usize) -> pb::ImportClaimsRequest {
        let mut row = pb::ImportClaimsRequest {
            row: 7,
            client_id: "acme".into(),
            client_reference: "DOS-1".into(),
            debtor: Some(pb::Debtor {
                name: "J. de Vries".into(),
                address: Some(pb::Address {
                    street: "Dorpsstraat 1".into(),
                    postcode: "1234 AB".into(),
                    city: "Ons Dorp".into(),
                    country: "NL".into(),
                }),
                ..Default::default()
            }),
            invoices: vec![
                pb::Invoice {
                    number: "F-1".into(),
                    amount: "100.00".into(),
                    ..Default::default()
                };
                2
            ],
            notes: "line one\nline two".into(),
        };
        match at % 5 {
            0 => row.client_reference = text.into(),
            1 => row.debtor.as_mut().unwrap().name = text.into(),
            2 => row.invoices[1].number = text.into(),
            3 => row.debtor.as_mut().unwrap().address.as_mut().unwrap().city = text.into(),
            _ => row.notes = text.into(),
        }
        row
    }

    fn import_row_descriptor() -> MessageDescriptor {
        descriptor_pool()
            .get_message_by_name("exploot.v1.ImportClaimsRequest")
            .expect("the import row's descriptor")
    }

    #[test]
    fn the_wire_scan_passes_a_clean_row_and_flags_a_bad_one() {
        let descriptor = import_row_descriptor();
        let clean = row_with("Dorpsstraat 1", 0).encode_to_vec();
        assert!(!may_break_a_rule(&descriptor, &clean));
        for at in 0..5 {
            let bad = row_with("a\u{202E}b", at).encode_to_vec();
            assert!(may_break_a_rule(&descriptor, &bad), "field {at}");
        }
        let not_utf8 = [0x0a, 0x02, 0xff, 0xfe]; // field 1 (client_id), two bytes
        assert!(may_break_a_rule(&descriptor, &not_utf8));
        assert!(may_break_a_rule(&descriptor, &clean[..clean.len() - 1]));
    }

    #[test]
    fn the_wire_scan_reads_map_entries() {
        let descriptor = descriptor_pool()
            .get_message_by_name("exploot.v1.CompleteTaskRequest")
            .unwrap();
        let with = |key: &str, value: &str| pb::CompleteTaskRequest {
            task_id: "t".into(),
            values: [(key.to_owned(), value.to_owned())].into_iter().collect(),
            ..Default::default()
        };
        assert!(!may_break_a_rule(
            &descriptor,
            &with("k", "v").encode_to_vec()
        ));
        assert!(may_break_a_rule(
            &descriptor,
            &with("k", "v\0").encode_to_vec()
        ));
        assert!(may_break_a_rule(
            &descriptor,
            &with(&"k".repeat(65), "v").encode_to_vec()
        ));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// The scan and the walk over the decoded message agree on every row a client can
        /// encode: the scan never lets a violation through, and never sends a clean row
        /// the slow way.
        #[test]
        fn the_wire_scan_agrees_with_the_walk(
            text in "(\\PC|[\u{0}-\u{1f}\u{7f}-\u{9f}\u{2028}\u{202a}-\u{202e}\u{fdd0}]){0,30}",
            long in 0usize..3,
            at in 0usize..5,
        ) {
            let text = text.repeat(1 + long * 60);
            let bytes = row_with(&text, at).encode_to_vec();
            let descriptor = import_row_descriptor();
            let walked = DynamicMessage::decode(descriptor.clone(), bytes.as_slice())
                .map(|message| {
                    let mut found = Vec::new();
                    walk(&message, "", &mut found);
                    found.len()
                })
                .unwrap();
            proptest::prop_assert_eq!(may_break_a_rule(&descriptor, &bytes), walked > 0);
        }
    }

    #[test]
    fn a_map_key_and_value_are_checked_and_a_long_key_is_shortened_in_the_path() {
        let request = pb::CompleteTaskRequest {
            task_id: "t".into(),
            values: [("k".repeat(100), "v\0".to_owned())].into_iter().collect(),
            ..Default::default()
        };
        let fields: Vec<String> = violations(&request).into_iter().map(|v| v.field).collect();
        let shown = format!("values[{:?}]", format!("{}…", "k".repeat(40)));
        assert_eq!(fields, vec![format!("{shown} (key)"), shown]);
    }
}
