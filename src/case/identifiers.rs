//! Identifiers that cannot hold an invalid value once parsed.

use std::fmt;

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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Iban(String);

impl Iban {
    /// Checks the form and the checksum; spaces are ignored, letters may be lower case.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
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
        // Move the first four characters to the end, letters become 10..35, mod 97 must be 1.
        let remainder = bytes[4..].iter().chain(&bytes[..4]).fold(0u32, |acc, &b| {
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
        });
        if remainder == 1 {
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
    fn client_ids() {
        assert!(ClientId::parse("acme-energie_2").is_ok());
        assert!(ClientId::parse("Acme").is_err());
        assert!(ClientId::parse("").is_err());
    }
}
