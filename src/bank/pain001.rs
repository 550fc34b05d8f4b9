//! pain.001.001.03 (ISO 20022 CustomerCreditTransferInitiationV03): the SEPA credit
//! transfer file the office hands its bank to pay clients out of the third-party account.
//! Pure: the batch in, the XML out. What the Dutch banks' SEPA implementation guidelines
//! ask is followed: one PmtInf, service level SEPA, charges SLEV, EUR amounts with two
//! decimals, names cut to 70 characters, the remittance to 140, only the SEPA character
//! set (others become a space or their plain letter).

use chrono::{NaiveDate, NaiveDateTime};

use crate::law::money::Money;

/// One transfer to a client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditTransfer {
    /// Unique per transfer (Max35Text); the bank reports it back on the statement.
    pub end_to_end_id: String,
    /// Amount in cents, more than 0.
    pub amount_cents: i64,
    /// The client's name.
    pub creditor_name: String,
    /// The client's payout IBAN.
    pub creditor_iban: String,
    /// What the client reads on its statement.
    pub remittance: String,
}

/// A batch of transfers from one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// GrpHdr/MsgId and PmtInfId (Max35Text).
    pub message_id: String,
    /// When the file was made.
    pub created_at: NaiveDateTime,
    /// The day the bank is asked to execute it.
    pub execution_date: NaiveDate,
    /// The office (InitgPty and Dbtr name).
    pub debtor_name: String,
    /// The third-party account the money leaves.
    pub debtor_iban: String,
    /// Its bank's BIC, if known (else NOTPROVIDED: IBAN-only, allowed within SEPA).
    pub debtor_bic: Option<String>,
    /// The transfers.
    pub transfers: Vec<CreditTransfer>,
}

impl Batch {
    /// The control sum (every transfer added).
    pub fn total_cents(&self) -> i64 {
        self.transfers.iter().map(|t| t.amount_cents).sum()
    }
}

/// The SEPA character set: letters, digits and `/ - ? : ( ) . , ' + space`; é becomes e,
/// anything else a space; cut to `max` characters.
fn sepa_text(text: &str, max: usize) -> String {
    let plain: String = text
        .chars()
        .map(|c| match c {
            'a'..='z'
            | 'A'..='Z'
            | '0'..='9'
            | '/'
            | '-'
            | '?'
            | ':'
            | '('
            | ')'
            | '.'
            | ','
            | '\''
            | '+'
            | ' ' => c,
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            'É' | 'È' | 'Ë' => 'E',
            '&' => '+',
            _ => ' ',
        })
        .collect();
    let trimmed = plain.trim();
    trimmed
        .chars()
        .take(max)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A party's name (Max70Text, at least one character): a name with nothing the SEPA set
/// can write is sent as `NOTPROVIDED`, as the IBAN-only agent is, rather than an empty
/// element the schema refuses.
fn party_name(text: &str) -> String {
    let name = sepa_text(text, 70);
    if name.is_empty() {
        "NOTPROVIDED".into()
    } else {
        name
    }
}

fn amount(cents: i64) -> String {
    Money::from_cents(cents).to_string()
}

/// The pain.001.001.03 document.
pub fn write(batch: &Batch) -> String {
    let count = batch.transfers.len();
    let total = amount(batch.total_cents());
    let id = sepa_text(&batch.message_id, 35);
    let name = party_name(&batch.debtor_name);
    let agent = match &batch.debtor_bic {
        Some(bic) => format!("<BIC>{}</BIC>", sepa_text(bic, 11)),
        None => "<Othr><Id>NOTPROVIDED</Id></Othr>".to_owned(),
    };
    let mut xml = String::with_capacity(1024 + 600 * count);
    xml.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    xml.push('\n');
    xml.push_str(r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#);
    xml.push_str(&format!(
        "<CstmrCdtTrfInitn><GrpHdr><MsgId>{id}</MsgId><CreDtTm>{}</CreDtTm><NbOfTxs>{count}</NbOfTxs><CtrlSum>{total}</CtrlSum><InitgPty><Nm>{name}</Nm></InitgPty></GrpHdr>",
        batch.created_at.format("%Y-%m-%dT%H:%M:%S"),
    ));
    xml.push_str(&format!(
        "<PmtInf><PmtInfId>{id}</PmtInfId><PmtMtd>TRF</PmtMtd><BtchBookg>false</BtchBookg><NbOfTxs>{count}</NbOfTxs><CtrlSum>{total}</CtrlSum><PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf><ReqdExctnDt>{}</ReqdExctnDt><Dbtr><Nm>{name}</Nm></Dbtr><DbtrAcct><Id><IBAN>{}</IBAN></Id></DbtrAcct><DbtrAgt><FinInstnId>{agent}</FinInstnId></DbtrAgt><ChrgBr>SLEV</ChrgBr>",
        batch.execution_date,
        sepa_text(&batch.debtor_iban, 34),
    ));
    for t in &batch.transfers {
        // Max140Text has at least one character: no remittance, no RmtInf.
        let remittance = sepa_text(&t.remittance, 140);
        let remittance = if remittance.is_empty() {
            String::new()
        } else {
            format!("<RmtInf><Ustrd>{remittance}</Ustrd></RmtInf>")
        };
        xml.push_str(&format!(
            "<CdtTrfTxInf><PmtId><EndToEndId>{}</EndToEndId></PmtId><Amt><InstdAmt Ccy=\"EUR\">{}</InstdAmt></Amt><Cdtr><Nm>{}</Nm></Cdtr><CdtrAcct><Id><IBAN>{}</IBAN></Id></CdtrAcct>{remittance}</CdtTrfTxInf>",
            sepa_text(&t.end_to_end_id, 35),
            amount(t.amount_cents),
            party_name(&t.creditor_name),
            sepa_text(&t.creditor_iban, 34),
        ));
    }
    xml.push_str("</PmtInf></CstmrCdtTrfInitn></Document>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_batch_with_its_control_sum_in_the_sepa_character_set() {
        let batch = Batch {
            message_id: "AFDRACHT-2026-05-31".into(),
            created_at: NaiveDate::from_ymd_opt(2026, 5, 31)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap(),
            execution_date: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
            debtor_name: "Stichting Derdengelden Van Dijk & Bakker".into(),
            debtor_iban: "NL02ABNA0123456789".into(),
            debtor_bic: None,
            transfers: vec![
                CreditTransfer {
                    end_to_end_id: "P-1".into(),
                    amount_cents: 123_456,
                    creditor_name: "Café Zoë <B.V.>".into(),
                    creditor_iban: "NL91ABNA0417164300".into(),
                    remittance: "afdracht mei".into(),
                },
                CreditTransfer {
                    end_to_end_id: "P-2".into(),
                    amount_cents: 1,
                    creditor_name: "東京".into(),
                    creditor_iban: "NL20INGB0001234567".into(),
                    remittance: String::new(),
                },
            ],
        };
        let xml = write(&batch);
        assert!(xml.contains("<NbOfTxs>2</NbOfTxs><CtrlSum>1234.57</CtrlSum>"));
        assert!(xml.contains("<Nm>Cafe Zoe  B.V.</Nm>"), "{xml}");
        assert!(xml.contains("Van Dijk + Bakker"));
        assert!(xml.contains("<Othr><Id>NOTPROVIDED</Id></Othr>"));
        // A name the SEPA set cannot write is no empty element (Max70Text has one
        // character at least).
        assert!(!xml.contains("<Nm></Nm>"), "{xml}");
        assert!(xml.contains("<Cdtr><Nm>NOTPROVIDED</Nm></Cdtr>"), "{xml}");
    }
}
