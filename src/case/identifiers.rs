//! Identifiers that cannot hold an invalid value once parsed.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A client's id, chosen by the office (`acme-energie`): lowercase letters, digits, `-`
/// and `_`, at most 64 characters, so it is safe in URLs, file names and logs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientId(String);

impl ClientId {
    /// Checks the form of a client id.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let ok = !raw.is_empty()
            && raw.len() <= 64
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err("must be 1 to 64 characters of a-z, 0-9, '-' and '_'".into())
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A KvK number (Kamer van Koophandel): exactly 8 digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KvkNumber(String);

impl KvkNumber {
    /// Checks that `raw` is 8 digits (spaces around are ignored).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.len() == 8 && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err("a KvK number is exactly 8 digits".into())
        }
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An IBAN whose ISO 13616 mod-97 checksum holds, stored without spaces in upper case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iban(String);

impl Iban {
    /// Checks the form and the checksum; spaces are ignored, letters may be lower case.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let compact = compact(raw, &[]);
        let bytes = compact.as_bytes();
        let well_formed = (15..=34).contains(&bytes.len())
            && bytes[..2].iter().all(u8::is_ascii_uppercase)
            && bytes[2..4].iter().all(u8::is_ascii_digit)
            && bytes[4..].iter().all(u8::is_ascii_alphanumeric);
        if !well_formed {
            return Err(
                "an IBAN is a country code, 2 check digits and up to 30 letters or digits".into(),
            );
        }
        if compact.starts_with("NL") && bytes.len() != 18 {
            return Err("a Dutch IBAN has 18 characters".into());
        }
        // Move the first four characters to the end; mod 97 must be 1.
        let rearranged: Vec<u8> = bytes[4..].iter().chain(&bytes[..4]).copied().collect();
        if mod97(&rearranged) == 1 {
            Ok(Self(compact))
        } else {
            Err("the IBAN's check digits do not match (typo?)".into())
        }
    }

    /// The IBAN without spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// ISO 7064 mod 97-10 of upper-case letters and digits, letters counting as 10 … 35: the
/// check of an IBAN (rearranged) and of a sole trader's VAT number.
fn mod97(text: &[u8]) -> u32 {
    text.iter().fold(0u32, |acc, &b| {
        let value = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        if value >= 10 {
            (acc * 100 + value) % 97
        } else {
            (acc * 10 + value) % 97
        }
    })
}

/// Newtypes stored as their text (JSON), read back through their own parse, so a stored
/// value that no longer parses is an error rather than an invalid value.
macro_rules! text_serde {
    ($($name:ident),*) => {$(
        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(raw: String) -> Result<Self, String> {
                Self::parse(&raw)
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    )*};
}
text_serde!(KvkNumber, Iban, VatNumber, Bic);
/// A Dutch VAT number (*btw-identificatienummer*): `NL`, nine digits, `B`, two digits
/// (not `00`), stored in upper case without spaces. The Belastingdienst issues two kinds,
/// and either check passes: the older numbers built on the RSIN/BSN, whose nine digits
/// pass the elfproef (weights 9 … 2 and −1 for the last, sum divisible by 11), and since
/// 1 January 2020 the numbers of sole traders, whose whole text passes ISO 7064 mod 97-10
/// as an IBAN does (letters A = 10 … Z = 35; the remainder is 1).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VatNumber(String);

impl VatNumber {
    /// Checks the form and the check digits; spaces and dots are ignored, letters may be
    /// lower case.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let compact = compact(raw, &['.']);
        let b = compact.as_bytes();
        let well_formed = b.len() == 14
            && compact.starts_with("NL")
            && b[2..11].iter().all(u8::is_ascii_digit)
            && b[11] == b'B'
            && b[12..].iter().all(u8::is_ascii_digit)
            && &compact[12..] != "00";
        if !well_formed {
            return Err(
                "a Dutch VAT number is NL, 9 digits, B and 2 digits (NL123456789B01)".into(),
            );
        }
        let digits: Vec<u32> = b[2..11].iter().map(|d| u32::from(d - b'0')).collect();
        let weighted: i64 = digits[..8]
            .iter()
            .zip((2..=9).rev())
            .map(|(d, w)| i64::from(d * w))
            .sum::<i64>()
            - i64::from(digits[8]);
        let elfproef = weighted % 11 == 0;
        if elfproef || mod97(b) == 1 {
            Ok(Self(compact))
        } else {
            Err("the VAT number's check digits do not match (typo?)".into())
        }
    }

    /// The number without spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A BIC (ISO 9362): 4 letters for the bank, 2 for the country, 2 letters or digits for the
/// place and optionally 3 for the branch; stored in upper case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Bic(String);

impl Bic {
    /// Checks the form; spaces are ignored, letters may be lower case.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let compact = compact(raw, &[]);
        let b = compact.as_bytes();
        let ok = (b.len() == 8 || b.len() == 11)
            && b[..6].iter().all(u8::is_ascii_uppercase)
            && b[6..].iter().all(u8::is_ascii_alphanumeric);
        if ok {
            Ok(Self(compact))
        } else {
            Err("a BIC is 8 or 11 letters and digits, e.g. ABNANL2A".into())
        }
    }

    /// The BIC without spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Dutch postcode, normalised to `1234 AB`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Postcode(String);

impl Postcode {
    /// Accepts `1234AB`, `1234 ab` and the like; the first digit is never 0.
    pub fn parse_dutch(raw: &str) -> Result<Self, String> {
        let compact: Vec<u8> = raw.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        let ok = compact.len() == 6
            && (b'1'..=b'9').contains(&compact[0])
            && compact[1..4].iter().all(u8::is_ascii_digit)
            && compact[4..].iter().all(u8::is_ascii_alphabetic);
        if !ok {
            return Err("a Dutch postcode looks like 1234 AB".into());
        }
        let digits = std::str::from_utf8(&compact[..4]).expect("ascii");
        let letters = std::str::from_utf8(&compact[4..])
            .expect("ascii")
            .to_ascii_uppercase();
        Ok(Self(format!("{digits} {letters}")))
    }

    /// The postcode as `1234 AB`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `raw` in upper case without whitespace and without the `separators` people type
/// inside a bank or tax number.
fn compact(raw: &str, separators: &[char]) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && !separators.contains(c))
        .collect::<String>()
        .to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iban_checksum() {
        // ABN AMRO's published example and the ISO 13616 example.
        assert_eq!(
            Iban::parse("NL91 ABNA 0417 1643 00").unwrap().as_str(),
            "NL91ABNA0417164300"
        );
        assert!(Iban::parse("GB82 WEST 1234 5698 7654 32").is_ok());
        assert!(Iban::parse("NL92ABNA0417164300").is_err());
        assert!(Iban::parse("NL91ABNA041716430").is_err());
        assert!(Iban::parse("").is_err());
    }

    #[test]
    fn kvk_and_postcode() {
        assert!(KvkNumber::parse("68750110").is_ok());
        assert!(KvkNumber::parse("6875011").is_err());
        assert!(KvkNumber::parse("6875011a").is_err());
        assert_eq!(Postcode::parse_dutch("1012ab").unwrap().as_str(), "1012 AB");
        assert!(Postcode::parse_dutch("0123 AB").is_err());
        assert!(Postcode::parse_dutch("1234 A").is_err());
    }

    #[test]
    fn vat_numbers() {
        // python-stdnum's examples for nl.btw: an RSIN-based number (elfproef) and a sole
        // trader's number of 2020 (mod 97); the third fails both.
        assert_eq!(
            VatNumber::parse("nl 0044.95445 B01").unwrap().as_str(),
            "NL004495445B01"
        );
        assert!(VatNumber::parse("NL002455799B11").is_ok());
        assert!(VatNumber::parse("NL123456789B90").is_err());
        assert!(VatNumber::parse("NL004495445B00").is_err(), "suffix 00");
        assert!(VatNumber::parse("004495445B01").is_err(), "no NL");
        assert!(VatNumber::parse("NL00449544B01").is_err(), "8 digits");
    }

    #[test]
    fn bics() {
        assert_eq!(Bic::parse("abnanl2a").unwrap().as_str(), "ABNANL2A");
        assert!(Bic::parse("RABONL2UXXX").is_ok());
        assert!(Bic::parse("ABNANL2").is_err());
        assert!(Bic::parse("1BNANL2A").is_err());
    }

    #[test]
    fn identifiers_read_back_through_their_checks() {
        let iban: Iban = serde_json::from_str("\"NL91ABNA0417164300\"").unwrap();
        assert_eq!(
            serde_json::to_string(&iban).unwrap(),
            "\"NL91ABNA0417164300\""
        );
        assert!(serde_json::from_str::<Iban>("\"NL92ABNA0417164300\"").is_err());
    }

    #[test]
    fn client_ids() {
        assert!(ClientId::parse("acme-energie_2").is_ok());
        assert!(ClientId::parse("Acme").is_err());
        assert!(ClientId::parse("").is_err());
    }
}
