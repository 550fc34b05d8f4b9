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

/// An IBAN whose ISO 13616 mod-97 checksum holds and whose length and account part are
/// those of its country, stored without spaces in upper case.
///
/// The check is `iban_validate`'s, not written here: it carries the SWIFT IBAN registry
/// (each country's length and account format, e.g. `NL` = 4 letters and 10 digits), which a
/// hand-written checksum cannot know, and it refuses the check digits 00 and 01 that no
/// bank issues. This type only keeps the office's texts for what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iban(String);

impl Iban {
    /// Checks the form, the checksum and the country's format; spaces are ignored,
    /// letters may be lower case.
    pub fn parse(raw: &str) -> Result<Self, String> {
        use iban::{ParseBaseIbanError, ParseIbanError};

        let compact = compact(raw, &[]);
        let refusal = match compact.parse::<iban::Iban>() {
            Ok(_) => return Ok(Self(compact)),
            Err(refusal) => refusal,
        };
        let country = compact.get(..2).unwrap_or_default();
        Err(match refusal {
            ParseIbanError::InvalidBaseIban {
                source: ParseBaseIbanError::InvalidFormat,
            } => "an IBAN is a country code, 2 check digits and up to 30 letters or digits".into(),
            _ if country == "NL" && compact.len() != 18 => "a Dutch IBAN has 18 characters".into(),
            ParseIbanError::InvalidBaseIban {
                source: ParseBaseIbanError::InvalidChecksum,
            } => "the IBAN's check digits do not match (typo?)".into(),
            ParseIbanError::InvalidBban(_) => format!(
                "the account part does not have the form of an IBAN of {country} \
                 (a letter where a digit belongs, or the wrong length)"
            ),
            ParseIbanError::UnknownCountry(_) => {
                format!("{country} is not a country that issues IBANs")
            }
        })
    }

    /// The IBAN without spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// ISO 7064 mod 97-10 of upper-case letters and digits, letters counting as 10 … 35: the
/// check of a sole trader's VAT number (the IBAN's is `iban_validate`'s).
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
    /// Accepts `1234AB`, `1234 ab` and the like (any space between, a non-breaking one
    /// from a spreadsheet too); the first digit is never 0.
    pub fn parse_dutch(raw: &str) -> Result<Self, String> {
        let compact: Vec<u8> = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .into_bytes();
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
        // PostNL never gives out SA, SD or SS.
        if ["SA", "SD", "SS"].contains(&letters.as_str()) {
            return Err(format!(
                "{digits} {letters} is no Dutch postcode: the letters SA, SD and SS are not used"
            ));
        }
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
        assert_eq!(
            Iban::parse("nl91abna0417164300").unwrap().as_str(),
            "NL91ABNA0417164300"
        );
        assert!(Iban::parse("GB82 WEST 1234 5698 7654 32").is_ok());
        assert!(Iban::parse("BE68 5390 0754 7034").is_ok(), "15 characters");
        let refused = |raw: &str| Iban::parse(raw).unwrap_err();
        assert!(refused("NL92ABNA0417164300").contains("check digits"));
        assert!(refused("NL91ABNA041716430").contains("18 characters"));
        assert!(refused("").contains("country code, 2 check digits"));
        assert!(refused("NL91-ABNA-0417").contains("country code, 2 check digits"));
    }

    #[test]
    fn iban_country_formats() {
        // Checksums that hold on accounts that do not exist in that form: a German IBAN is
        // 22 characters, a Dutch account is 4 letters and 10 digits, XX is no country.
        // Each was made by computing its check digits (ISO 13616, mod 97 = 1).
        let refused = |raw: &str| Iban::parse(raw).unwrap_err();
        assert!(refused("DE5137040044053201300").contains("form of an IBAN of DE"));
        assert!(refused("NL92ABNA04171643AB").contains("form of an IBAN of NL"));
        assert!(refused("XX0900012345678").contains("XX is not a country"));
        assert!(Iban::parse("DE89370400440532013000").is_ok());
    }

    #[test]
    fn kvk_and_postcode() {
        assert!(KvkNumber::parse("68750110").is_ok());
        assert!(KvkNumber::parse("6875011").is_err());
        assert!(KvkNumber::parse("6875011a").is_err());
        assert_eq!(Postcode::parse_dutch("1012ab").unwrap().as_str(), "1012 AB");
        // A spreadsheet's non-breaking space between digits and letters.
        assert_eq!(
            Postcode::parse_dutch("1012\u{a0}AB").unwrap().as_str(),
            "1012 AB"
        );
        assert!(Postcode::parse_dutch("0123 AB").is_err());
        assert!(Postcode::parse_dutch("1234 A").is_err());
        for unused in ["1234 SA", "1234sd", "1234 ss"] {
            assert!(Postcode::parse_dutch(unused).is_err(), "{unused}");
        }
        assert!(Postcode::parse_dutch("1234 SB").is_ok());
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
