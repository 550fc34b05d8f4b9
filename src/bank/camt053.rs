//! camt.053 (ISO 20022 BankToCustomerStatement): the end-of-day statement Dutch banks
//! deliver for the office's third-party account (derdengeldenrekening). Pure: bytes in, a
//! [`Statement`] out, or a [`CamtError`] naming the element (its path, and the entry's
//! number) that is wrong. Versions .001.02 (what ING, Rabobank and ABN AMRO deliver) up to
//! .001.08 are read alike: the elements used here did not move between them, except the
//! entry status (`<Sts>BOOK</Sts>` before .001.07, `<Sts><Cd>BOOK</Cd></Sts>` since) and
//! the related parties' names (`Dbtr/Nm`; `Dbtr/Pty/Nm` in .001.08).
//!
//! Only what the office books from is read: the account, and per entry the amount, credit
//! or debit, status, booking date, the bank's reference, the reversal indicator and return
//! reason, the counterparty (debtor) and the remittance information. An entry that bundles
//! several transactions (batch booking, one `TxDtls` each with its own amount) is read as
//! one [`Entry`] per transaction, each with its own reference (`…/2`).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::case::Iban;
use crate::registry::xml::{self, Element};

/// The largest statement read: a day's statement of a busy account is a few megabytes.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

/// Where every ISO 20022 message's namespace begins.
const ISO_NAMESPACE: &str = "urn:iso:std:iso:20022:tech:xsd:";

/// The namespaces read: [`ISO_NAMESPACE`] + one of these.
const VERSIONS: &[&str] = &[
    "camt.053.001.02",
    "camt.053.001.03",
    "camt.053.001.04",
    "camt.053.001.05",
    "camt.053.001.06",
    "camt.053.001.07",
    "camt.053.001.08",
];

/// What is wrong with a statement file: where, and what.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct CamtError {
    /// The element's path (`Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt`), or `file`.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

fn error(path: impl Into<String>, message: impl Into<String>) -> CamtError {
    CamtError {
        path: path.into(),
        message: message.into(),
    }
}

/// One statement file: the account's statements (usually one) and their entries in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The schema version, e.g. `camt.053.001.02`.
    pub version: String,
    /// The message id (GrpHdr/MsgId).
    pub message_id: String,
    /// The account the statement is of (Stmt/Acct/Id/IBAN); every Stmt of the file must be
    /// of the same account.
    pub account: Iban,
    /// The statements' ids (Stmt/Id).
    pub statement_ids: Vec<String>,
    /// The entries of every Stmt, in document order.
    pub entries: Vec<Entry>,
}

/// Credit (money in) or debit (money out).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// CRDT.
    Credit,
    /// DBIT.
    Debit,
}

/// An entry's status: only booked entries move money.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryStatus {
    /// BOOK.
    Booked,
    /// PDNG.
    Pending,
    /// INFO.
    Information,
}

/// One transaction of the statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Its place: the entry's number in the file (1-based) and, for a batch, `n.m`.
    pub position: String,
    /// The bank's unique reference: AcctSvcrRef, else NtryRef (with `/m` for a batch).
    pub reference: String,
    /// Amount (positive), in euros.
    pub amount: Decimal,
    /// The same in cents.
    pub amount_cents: i64,
    /// In or out.
    pub direction: Direction,
    /// RvslInd: this entry reverses an earlier one (a storno).
    pub reversal: bool,
    /// Booked, pending or information.
    pub status: EntryStatus,
    /// BookgDt.
    pub booking_date: NaiveDate,
    /// RtrInf/Rsn/Cd (or Prtry): why a payment was returned (`AC04`, `MD06`, …).
    pub return_reason: Option<String>,
    /// The debtor's (payer's) name (RltdPties/Dbtr/Nm).
    pub debtor_name: String,
    /// The debtor's account (RltdPties/DbtrAcct/Id/IBAN), as written.
    pub debtor_iban: Option<String>,
    /// The structured creditor reference (RmtInf/Strd/CdtrRefInf/Ref), spaces removed.
    pub creditor_reference: Option<String>,
    /// The unstructured remittance information (RmtInf/Ustrd), lines joined by a space.
    pub remittance: String,
    /// The payer's end-to-end id (Refs/EndToEndId), `NOTPROVIDED` left out.
    pub end_to_end_id: Option<String>,
}

impl Entry {
    /// Whether this entry takes money back that came in earlier: a storno of a credit
    /// (a debit with RvslInd) or a returned/recalled credit (a debit with a return reason).
    pub fn takes_back_a_credit(&self) -> bool {
        self.direction == Direction::Debit && (self.reversal || self.return_reason.is_some())
    }
}

/// Reads a camt.053 file; the first thing wrong with it (see [`parse_all`]).
pub fn parse(bytes: &[u8]) -> Result<Statement, CamtError> {
    parse_all(bytes).map_err(|mut all| all.swap_remove(0))
}

/// At most this many entries' faults are named: enough to fix a file in one go.
const MAX_ENTRY_ERRORS: usize = 100;

/// Reads a camt.053 file, naming every bad entry (up to [`MAX_ENTRY_ERRORS`]); a fault of
/// the file or its statements (not XML, another message, an account) is named alone, as
/// nothing after it can be read. Never empty when it fails.
pub fn parse_all(bytes: &[u8]) -> Result<Statement, Vec<CamtError>> {
    let mut entry_errors = Vec::new();
    let statement = read_statement(bytes, &mut entry_errors).map_err(|e| vec![e])?;
    if entry_errors.is_empty() {
        Ok(statement)
    } else {
        Err(entry_errors)
    }
}

fn read_statement(bytes: &[u8], entry_errors: &mut Vec<CamtError>) -> Result<Statement, CamtError> {
    if bytes.len() > MAX_BYTES {
        return Err(error(
            "file",
            format!("{} bytes; a statement is at most {MAX_BYTES}", bytes.len()),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        error(
            "file",
            format!("not UTF-8 at byte {}: not a camt.053 file", e.valid_up_to()),
        )
    })?;
    let root = xml::parse(text).map_err(|e| error("file", format!("not well-formed XML: {e}")))?;
    if root.name != "Document" {
        return Err(error(
            &root.name,
            "the root element must be Document (a camt.053 BankToCustomerStatement)",
        ));
    }
    let namespace = document_namespace(&root);
    let version = namespace
        .strip_prefix(ISO_NAMESPACE)
        .filter(|v| VERSIONS.contains(v))
        .ok_or_else(|| {
            error(
                "Document/@xmlns",
                format!(
                    "{namespace:?} is not a camt.053 namespace read here (camt.053.001.02 to .08)"
                ),
            )
        })?
        .to_owned();
    let path = "Document/BkToCstmrStmt";
    let body = root
        .child("BkToCstmrStmt")
        .ok_or_else(|| error(path, "missing: not a BankToCustomerStatement"))?;
    let message_id = required_text(body, path, &["GrpHdr", "MsgId"])?.to_owned();
    let mut account: Option<Iban> = None;
    let mut statement_ids = Vec::new();
    let mut entries = Vec::new();
    let mut number = 0;
    for (s, stmt) in body.children_named("Stmt").enumerate() {
        let stmt_path = format!("{path}/Stmt[{}]", s + 1);
        statement_ids.push(required_text(stmt, &stmt_path, &["Id"])?.to_owned());
        let raw = required_text(stmt, &stmt_path, &["Acct", "Id", "IBAN"])?;
        let iban = Iban::parse(raw)
            .map_err(|e| error(format!("{stmt_path}/Acct/Id/IBAN"), format!("{raw:?}: {e}")))?;
        match &account {
            Some(first) if *first != iban => {
                return Err(error(
                    format!("{stmt_path}/Acct/Id/IBAN"),
                    format!(
                        "{} differs from the first statement's account {}: one account per file",
                        iban.as_str(),
                        first.as_str()
                    ),
                ));
            }
            Some(_) => {}
            None => account = Some(iban),
        }
        // The path counts within its statement; `number` through the file.
        for (n, ntry) in stmt.children_named("Ntry").enumerate() {
            number += 1;
            let entry_path = format!("{stmt_path}/Ntry[{}]", n + 1);
            match read_entry(ntry, &entry_path, number) {
                Ok(read) => entries.extend(read),
                Err(e) if entry_errors.len() < MAX_ENTRY_ERRORS => entry_errors.push(e),
                Err(_) => {}
            }
        }
    }
    let account = account.ok_or_else(|| error(path, "no Stmt: the file holds no statement"))?;
    Ok(Statement {
        version,
        message_id,
        account,
        statement_ids,
        entries,
    })
}

/// The camt namespace the root declares: as the default (`xmlns="…"`) or, as some banks
/// write it, for a prefix (`<ns2:Document xmlns:ns2="…">`). The reader matches local names,
/// so the prefix changes nothing else. Otherwise the default namespace, to name in the error.
fn document_namespace(root: &Element) -> &str {
    root.attributes
        .iter()
        .map(|(_, value)| value.as_str())
        .find(|value| {
            value
                .strip_prefix(ISO_NAMESPACE)
                .is_some_and(|v| VERSIONS.contains(&v))
        })
        .or_else(|| root.attribute("xmlns"))
        .unwrap_or_default()
}

/// The text at `names` below `element`, required and not empty.
fn required_text<'a>(
    element: &'a Element,
    path: &str,
    names: &[&str],
) -> Result<&'a str, CamtError> {
    let mut at = element;
    let mut walked = path.to_owned();
    for name in names {
        walked = format!("{walked}/{name}");
        at = at.child(name).ok_or_else(|| error(&walked, "missing"))?;
    }
    let text = at.text.trim();
    if text.is_empty() {
        return Err(error(walked, "empty"));
    }
    Ok(text)
}

/// The element at `names` below `element`, if there.
fn at<'a>(element: &'a Element, names: &[&str]) -> Option<&'a Element> {
    names.iter().try_fold(element, |e, name| e.child(name))
}

/// The text at `names`, trimmed, if there and not empty.
fn text_at<'a>(element: &'a Element, names: &[&str]) -> Option<&'a str> {
    at(element, names)
        .map(|e| e.text.trim())
        .filter(|t| !t.is_empty())
}

/// An amount element: a positive EUR decimal with at most two decimals.
fn amount(element: &Element, path: &str) -> Result<(Decimal, i64), CamtError> {
    let currency = element.attribute("Ccy").unwrap_or_default();
    if currency != "EUR" {
        return Err(error(
            format!("{path}/@Ccy"),
            format!("{currency:?}: only EUR is booked"),
        ));
    }
    let raw = element.text.trim();
    let value: Decimal = raw
        .parse()
        .map_err(|_| error(path, format!("{raw:?} is not an amount")))?;
    if value <= Decimal::ZERO || value.normalize().scale() > 2 {
        return Err(error(
            path,
            format!("{raw:?}: an amount is more than 0, in whole cents"),
        ));
    }
    let cents = (value * Decimal::ONE_HUNDRED)
        .to_i64()
        .ok_or_else(|| error(path, format!("{raw:?} is out of range")))?;
    Ok((value.normalize(), cents))
}

fn read_entry(ntry: &Element, path: &str, number: usize) -> Result<Vec<Entry>, CamtError> {
    let status_text = text_at(ntry, &["Sts", "Cd"])
        .or_else(|| text_at(ntry, &["Sts"]))
        .ok_or_else(|| error(format!("{path}/Sts"), "missing"))?;
    let status = match status_text {
        "BOOK" => EntryStatus::Booked,
        // FUTR (.08): booked on a day to come; like a pending one, it comes back booked.
        "PDNG" | "FUTR" => EntryStatus::Pending,
        "INFO" => EntryStatus::Information,
        other => {
            return Err(error(
                format!("{path}/Sts"),
                format!("{other:?}: BOOK, PDNG, FUTR or INFO"),
            ));
        }
    };
    if status != EntryStatus::Booked {
        return Ok(not_booked(ntry, number, status).into_iter().collect());
    }
    let amt = ntry
        .child("Amt")
        .ok_or_else(|| error(format!("{path}/Amt"), "missing"))?;
    let (value, cents) = amount(amt, &format!("{path}/Amt"))?;
    let direction = match required_text(ntry, path, &["CdtDbtInd"])? {
        "CRDT" => Direction::Credit,
        "DBIT" => Direction::Debit,
        other => {
            return Err(error(
                format!("{path}/CdtDbtInd"),
                format!("{other:?}: CRDT or DBIT"),
            ));
        }
    };
    let reversal = match text_at(ntry, &["RvslInd"]) {
        None | Some("false" | "0") => false,
        Some("true" | "1") => true,
        Some(other) => {
            return Err(error(
                format!("{path}/RvslInd"),
                format!("{other:?}: true or false"),
            ));
        }
    };
    let date_text = text_at(ntry, &["BookgDt", "Dt"])
        .or_else(|| text_at(ntry, &["BookgDt", "DtTm"]).map(|t| t.get(..10).unwrap_or(t)))
        .ok_or_else(|| error(format!("{path}/BookgDt"), "missing (Dt or DtTm)"))?;
    let booking_date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d").map_err(|_| {
        error(
            format!("{path}/BookgDt"),
            format!("{date_text:?} is not a date (YYYY-MM-DD)"),
        )
    })?;
    let reference = text_at(ntry, &["AcctSvcrRef"])
        .or_else(|| text_at(ntry, &["NtryRef"]))
        .ok_or_else(|| {
            error(
                format!("{path}/AcctSvcrRef"),
                "missing (and no NtryRef): an entry without the bank's reference cannot be \
                 booked once",
            )
        })?
        .to_owned();
    let details: Vec<&Element> = ntry
        .children_named("NtryDtls")
        .flat_map(|d| d.children_named("TxDtls"))
        .collect();
    let base = Entry {
        position: number.to_string(),
        reference,
        amount: value,
        amount_cents: cents,
        direction,
        reversal,
        status,
        booking_date,
        return_reason: None,
        debtor_name: String::new(),
        debtor_iban: None,
        creditor_reference: None,
        remittance: String::new(),
        end_to_end_id: None,
    };
    if details.len() <= 1 {
        let mut entry = base;
        if let Some(tx) = details.first() {
            fill_details(&mut entry, tx);
        }
        return Ok(vec![entry]);
    }
    // A batch: each transaction carries its own amount, and they add up to the entry's.
    let mut entries = Vec::with_capacity(details.len());
    let mut total = 0i64;
    for (m, tx) in details.iter().enumerate() {
        let tx_path = format!("{path}/NtryDtls/TxDtls[{}]", m + 1);
        let tx_amount = at(tx, &["AmtDtls", "TxAmt", "Amt"])
            .or_else(|| tx.child("Amt"))
            .ok_or_else(|| {
                error(
                    format!("{tx_path}/AmtDtls/TxAmt/Amt"),
                    "missing: a batch entry's transactions each need their amount",
                )
            })?;
        let (value, cents) = amount(tx_amount, &format!("{tx_path}/AmtDtls/TxAmt/Amt"))?;
        total += cents;
        let mut entry = Entry {
            position: format!("{number}.{}", m + 1),
            reference: format!("{}/{}", base.reference, m + 1),
            amount: value,
            amount_cents: cents,
            ..base.clone()
        };
        fill_details(&mut entry, tx);
        entries.push(entry);
    }
    if total != cents {
        return Err(error(
            format!("{path}/NtryDtls"),
            format!(
                "the transactions add up to {} cents, the entry's amount is {cents}",
                total
            ),
        ));
    }
    Ok(entries)
}

/// An entry the bank has not booked (pending, future, information): the schema lets it go
/// without a booking date, a reference or an amount above 0, so it is read as far as it
/// goes, to be reported and skipped; it comes back booked on a later statement. Without a
/// date there is nothing to report.
fn not_booked(ntry: &Element, number: usize, status: EntryStatus) -> Option<Entry> {
    let date = |name: &str| {
        text_at(ntry, &[name, "Dt"])
            .or_else(|| text_at(ntry, &[name, "DtTm"]).and_then(|t| t.get(..10)))
            .and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
    };
    let booking_date = date("BookgDt").or_else(|| date("ValDt"))?;
    let (amount, amount_cents) = ntry
        .child("Amt")
        .and_then(|a| self::amount(a, "").ok())
        .unwrap_or_default();
    let mut entry = Entry {
        position: number.to_string(),
        reference: text_at(ntry, &["AcctSvcrRef"])
            .or_else(|| text_at(ntry, &["NtryRef"]))
            .unwrap_or_default()
            .to_owned(),
        amount,
        amount_cents,
        direction: match text_at(ntry, &["CdtDbtInd"]) {
            Some("DBIT") => Direction::Debit,
            _ => Direction::Credit,
        },
        reversal: matches!(text_at(ntry, &["RvslInd"]), Some("true" | "1")),
        status,
        booking_date,
        return_reason: None,
        debtor_name: String::new(),
        debtor_iban: None,
        creditor_reference: None,
        remittance: String::new(),
        end_to_end_id: None,
    };
    if let Some(tx) = ntry
        .children_named("NtryDtls")
        .flat_map(|d| d.children_named("TxDtls"))
        .next()
    {
        fill_details(&mut entry, tx);
    }
    Some(entry)
}

fn fill_details(entry: &mut Entry, tx: &Element) {
    entry.return_reason = text_at(tx, &["RtrInf", "Rsn", "Cd"])
        .or_else(|| text_at(tx, &["RtrInf", "Rsn", "Prtry"]))
        .map(str::to_owned);
    // Money in: the payer is the debtor. Money out (a storno or return): the counterparty
    // is named as creditor by some banks, as debtor by others; take whichever is there.
    let parties = tx.child("RltdPties");
    let party = |who: &str, account: &str| {
        parties.map(|p| {
            (
                // .001.08 wraps the party in a choice: `Dbtr/Pty/Nm`.
                text_at(p, &[who, "Nm"])
                    .or_else(|| text_at(p, &[who, "Pty", "Nm"]))
                    .unwrap_or_default()
                    .to_owned(),
                text_at(p, &[account, "Id", "IBAN"]).map(|i| i.replace(' ', "").to_uppercase()),
            )
        })
    };
    let (name, iban) = match entry.direction {
        Direction::Credit => party("Dbtr", "DbtrAcct"),
        Direction::Debit => party("Cdtr", "CdtrAcct")
            .filter(|(n, i)| !n.is_empty() || i.is_some())
            .or_else(|| party("Dbtr", "DbtrAcct")),
    }
    .unwrap_or_default();
    entry.debtor_name = name;
    entry.debtor_iban = iban;
    let remittance = tx.child("RmtInf");
    entry.creditor_reference = remittance
        .and_then(|r| {
            r.children_named("Strd")
                .find_map(|s| text_at(s, &["CdtrRefInf", "Ref"]))
        })
        .map(|r| r.chars().filter(|c| !c.is_whitespace()).collect());
    entry.remittance = remittance
        .map(|r| {
            r.children_named("Ustrd")
                .map(|u| u.text.trim())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    entry.end_to_end_id = text_at(tx, &["Refs", "EndToEndId"])
        .filter(|id| *id != "NOTPROVIDED")
        .map(str::to_owned);
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &[u8] = include_bytes!("../../tests/fixtures/camt053/statement.xml");

    #[test]
    fn reads_the_hand_written_statement() {
        let s = parse(FIXTURE).unwrap();
        assert_eq!(s.version, "camt.053.001.02");
        assert_eq!(s.account.as_str(), "NL20INGB0001234567");
        let first = &s.entries[0];
        assert_eq!(first.direction, Direction::Credit);
        assert_eq!(first.status, EntryStatus::Booked);
        assert!(!first.reversal);
        assert_eq!(first.amount_cents, 50_000);
        assert!(s.entries.iter().any(Entry::takes_back_a_credit));
        assert!(s.entries.iter().any(|e| e.creditor_reference.is_some()));
    }

    /// Some banks bind the namespace to a prefix; the statement reads the same.
    #[test]
    fn a_prefixed_namespace_reads_the_same() {
        let text = std::str::from_utf8(FIXTURE).unwrap();
        let prefixed = text
            .replace("<Document xmlns=", "<c:Document xsi:schemaLocation=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02 camt.053.001.02.xsd\" xmlns:c=")
            .replace("<", "<c:")
            .replace("<c:/", "</c:")
            .replace("<c:?", "<?")
            .replace("<c:!", "<!")
            .replace("<c:c:", "<c:");
        assert!(prefixed.contains("<c:Ntry>"), "{prefixed}");
        assert_eq!(parse(prefixed.as_bytes()).unwrap(), parse(FIXTURE).unwrap());
    }

    fn with_entry(entry: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr><Stmt><Id>S</Id><Acct><Id><IBAN>NL02ABNA0123456789</IBAN></Id></Acct>{entry}</Stmt></BkToCstmrStmt></Document>"#
        )
    }

    #[test]
    fn errors_name_the_element_and_the_entry() {
        let e = parse(with_entry(
            r#"<Ntry><Amt Ccy="EUR">12,50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-05-04</Dt></BookgDt><AcctSvcrRef>R1</AcctSvcrRef></Ntry>"#,
        ).as_bytes())
        .unwrap_err();
        assert_eq!(e.path, "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt");
        let e = parse(with_entry(
            r#"<Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-05-04</Dt></BookgDt></Ntry>"#,
        ).as_bytes())
        .unwrap_err();
        assert!(e.path.ends_with("Ntry[1]/AcctSvcrRef"), "{e}");
        let two = with_entry(
            r#"<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-05-04</Dt></BookgDt><AcctSvcrRef>R1</AcctSvcrRef></Ntry></Stmt><Stmt><Id>S2</Id><Acct><Id><IBAN>NL02ABNA0123456789</IBAN></Id></Acct><Ntry><Amt Ccy="EUR">1,00</Amt><Sts>BOOK</Sts></Ntry>"#,
        );
        let e = parse(two.as_bytes()).unwrap_err();
        assert_eq!(e.path, "Document/BkToCstmrStmt/Stmt[2]/Ntry[1]/Amt");
        let e = parse(with_entry(
            r#"<Ntry><Amt Ccy="USD">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-05-04</Dt></BookgDt><AcctSvcrRef>R</AcctSvcrRef></Ntry>"#,
        ).as_bytes())
        .unwrap_err();
        assert!(e.path.ends_with("Amt/@Ccy"), "{e}");
    }

    /// Every bad entry is named at once, so a file is fixed in one go.
    #[test]
    fn every_bad_entry_is_named() {
        let good = r#"<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-05-04</Dt></BookgDt><AcctSvcrRef>R1</AcctSvcrRef></Ntry>"#;
        let bad_amount = good.replace("1.00", "1,00").replace("R1", "R2");
        let bad_direction = good.replace("CRDT", "CREDIT").replace("R1", "R3");
        let file = with_entry(&format!("{bad_amount}{good}{bad_direction}"));
        let all = parse_all(file.as_bytes()).unwrap_err();
        let paths: Vec<&str> = all.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt",
                "Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/CdtDbtInd"
            ]
        );
        assert_eq!(parse(file.as_bytes()).unwrap_err(), all[0]);
    }

    /// Entries the bank has not booked may lack what a booked one needs (XSD: BookgDt,
    /// AcctSvcrRef and NtryRef optional, Amt ≥ 0): read and skipped, the file still read.
    #[test]
    fn entries_not_booked_do_not_stop_the_statement() {
        let booked = r#"<Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-05-04</Dt></BookgDt><AcctSvcrRef>R1</AcctSvcrRef></Ntry>"#;
        let others = [
            r#"<Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts><ValDt><Dt>2026-05-05</Dt></ValDt></Ntry>"#,
            r#"<Ntry><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>INFO</Sts><BookgDt><Dt>2026-05-04</Dt></BookgDt></Ntry>"#,
            r#"<Ntry><Amt Ccy="EUR">7.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>FUTR</Cd></Sts><BookgDt><Dt>2099-01-01</Dt></BookgDt><NtryRef>F1</NtryRef></Ntry>"#,
            r#"<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts></Ntry>"#,
        ];
        let s = parse(with_entry(&format!("{booked}{}", others.concat())).as_bytes()).unwrap();
        let statuses: Vec<(EntryStatus, i64, &str)> = s
            .entries
            .iter()
            .map(|e| (e.status, e.amount_cents, e.reference.as_str()))
            .collect();
        assert_eq!(
            statuses,
            [
                (EntryStatus::Booked, 1_250, "R1"),
                (EntryStatus::Pending, 500, ""),
                (EntryStatus::Information, 0, ""),
                (EntryStatus::Pending, 700, "F1"),
            ]
        );
        // A booked entry still needs all of it.
        let e = parse(with_entry(&booked.replace("<AcctSvcrRef>R1</AcctSvcrRef>", "")).as_bytes())
            .unwrap_err();
        assert!(e.path.ends_with("Ntry[1]/AcctSvcrRef"), "{e}");
    }

    #[test]
    fn truncated_or_foreign_files_are_refused() {
        let half = &FIXTURE[..FIXTURE.len() / 2];
        assert_eq!(parse(half).unwrap_err().path, "file");
        assert_eq!(parse(b"").unwrap_err().path, "file");
        assert_eq!(parse(b"\xff\xfe<").unwrap_err().path, "file");
        let e = parse(br#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>"#)
            .unwrap_err();
        assert_eq!(e.path, "Document/@xmlns");
        let bad_iban = String::from_utf8(FIXTURE.to_vec())
            .unwrap()
            .replace("NL20INGB0001234567", "NL21INGB0001234567");
        let e = parse(bad_iban.as_bytes()).unwrap_err();
        assert!(e.path.ends_with("Acct/Id/IBAN"), "{e}");
        assert!(e.message.contains("check digits"), "{e}");
    }

    #[test]
    fn a_batch_is_one_entry_per_transaction_and_must_add_up() {
        let tx = |amount: &str, reference: &str| {
            format!(
                r#"<TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls><RmtInf><Strd><CdtrRefInf><Ref>{reference}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>"#
            )
        };
        let entry = |total: &str| {
            format!(
                r#"<Ntry><Amt Ccy="EUR">{total}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-05-04</Dt></BookgDt><AcctSvcrRef>B</AcctSvcrRef><NtryDtls>{}{}</NtryDtls></Ntry>"#,
                tx("10.00", "A"),
                tx("5.25", "B")
            )
        };
        let s = parse(with_entry(&entry("15.25")).as_bytes()).unwrap();
        assert_eq!(s.entries.len(), 2);
        assert_eq!(s.entries[1].reference, "B/2");
        assert_eq!(s.entries[1].amount_cents, 525);
        assert_eq!(s.entries[1].creditor_reference.as_deref(), Some("B"));
        let e = parse(with_entry(&entry("15.00")).as_bytes()).unwrap_err();
        assert!(e.path.ends_with("NtryDtls"), "{e}");
    }

    #[test]
    fn the_payer_is_named_in_either_form() {
        let entry = |debtor: &str| {
            format!(
                r#"<Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-05-04</Dt></BookgDt><AcctSvcrRef>R</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr>{debtor}</Dbtr><DbtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></DbtrAcct></RltdPties></TxDtls></NtryDtls></Ntry>"#
            )
        };
        for debtor in ["<Nm>J. de Vries</Nm>", "<Pty><Nm>J. de Vries</Nm></Pty>"] {
            let s = parse(with_entry(&entry(debtor)).as_bytes()).unwrap();
            assert_eq!(s.entries[0].debtor_name, "J. de Vries", "{debtor}");
            assert_eq!(
                s.entries[0].debtor_iban.as_deref(),
                Some("NL91ABNA0417164300")
            );
        }
    }
}
