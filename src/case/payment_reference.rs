//! The payment reference a debtor quotes when paying a case: the Dutch 16-digit
//! *betalingskenmerk* with its weighted modulus-11 check digit (Betaalvereniging Nederland,
//! formerly Currence, "Specificaties betalingskenmerk").
//!
//! Why the betalingskenmerk and not an ISO 11649 `RF` creditor reference: the debtors are
//! Dutch and pay from Dutch banking apps, which have a "betalingskenmerk" field that checks
//! this very digit as it is typed and then send it as a structured reference (issuer `CUR`)
//! that comes back unchanged in the office's camt.053 statement. It is digits only, so it
//! is read out over the phone and typed on a numeric keypad without letter/digit mix-ups;
//! the weighted mod-11 catches every single wrong digit and every swap of two neighbours.
//! An `RF` reference would also be accepted, but Dutch apps treat it as free text
//! (*omschrijving*) more often than not, and it buys nothing for a Dutch-only office.
//!
//! The 15 digits after the check digit are drawn at random ([`PaymentReference::issue`]),
//! not counted: with a few million cases among 10^15 numbers, a mistyped reference that
//! still passes the check digit (two wrong digits) points to no case at all rather than to
//! a neighbour's, and a reference reveals nothing about how many cases the office has.
//! References whose check digit is 1 are never issued: the rule maps both remainder 1 and
//! remainder 10 to 1, so one wrong digit could go unnoticed there; everywhere else every
//! single wrong digit and every swap of neighbours is caught.

use std::fmt;

/// How many digits follow the check digit.
const PAYLOAD_DIGITS: usize = 15;

/// One more than the largest payload.
pub const PAYLOAD_LIMIT: u64 = 1_000_000_000_000_000;

/// The weights of the digits, from the rightmost leftwards; they repeat after ten
/// (2^i mod 11, so every weight differs from its neighbour's and none is 0).
const WEIGHTS: [u32; 10] = [2, 4, 8, 5, 10, 9, 7, 3, 6, 1];

/// A 16-digit betalingskenmerk whose check digit holds: the check digit first, then 15
/// digits. Cannot hold an invalid value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PaymentReference(String);

impl PaymentReference {
    /// The reference for a 15-digit payload (`payload < 10^15`; higher digits are dropped),
    /// with its check digit in front.
    pub fn from_payload(payload: u64) -> Self {
        let payload = format!(
            "{:0width$}",
            payload % PAYLOAD_LIMIT,
            width = PAYLOAD_DIGITS
        );
        let check = check_digit(payload.as_bytes());
        Self(format!("{check}{payload}"))
    }

    /// A new reference from `random` (a source of uniformly random numbers, injected so
    /// this stays pure): its low 15 digits, drawn again while the check digit would be the
    /// ambiguous 1 (2 draws in 11).
    pub fn issue(mut random: impl FnMut() -> u64) -> Self {
        loop {
            let reference = Self::from_payload(random());
            if !reference.0.starts_with('1') {
                return reference;
            }
        }
    }

    /// Reads a reference as a person or a bank writes it: spaces, dots and dashes between
    /// the digits are ignored. It must be 16 digits whose first is the check digit of the
    /// other fifteen.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let digits: String = raw
            .chars()
            .filter(|c| !(c.is_whitespace() || *c == '.' || *c == '-'))
            .collect();
        if digits.len() != PAYLOAD_DIGITS + 1 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("a betalingskenmerk is 16 digits".into());
        }
        let bytes = digits.as_bytes();
        if check_digit(&bytes[1..]) == bytes[0] - b'0' {
            Ok(Self(digits))
        } else {
            Err("the betalingskenmerk's check digit does not match (typo?)".into())
        }
    }

    /// The 16 digits without spaces, as stored and as sent in a structured reference.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// In groups of four (`5000 0567 8901 2345`), as printed on a letter so it is typed
    /// without losing one's place.
    pub fn grouped(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).expect("ascii digits"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Display for PaymentReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The check digit of `digits` (ASCII digits: the payload, and for the shorter kinds of
/// betalingskenmerk the length code before it): the sum of each digit times its weight,
/// counted from the right; `11 - sum mod 11`, where 10 becomes 1 and 11 becomes 0.
pub fn check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .zip(WEIGHTS.iter().cycle())
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    match 11 - sum % 11 {
        11 => 0,
        10 => 1,
        c => u8::try_from(c).expect("below 10"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test vectors: Betaalvereniging Nederland, "Specificaties betalingskenmerk"
    // (betaalvereniging.nl), also quoted by the XMLdation SEPA validation rules for issuer
    // `CUR`: (5)000 0567 8901 2345 — sum 215, 215 mod 11 = 6, 11 - 6 = 5.

    #[test]
    fn published_sixteen_digit_example() {
        assert_eq!(check_digit(b"000056789012345"), 5);
        let reference = PaymentReference::parse("5000 0567 8901 2345").unwrap();
        assert_eq!(reference.as_str(), "5000056789012345");
        assert_eq!(reference.grouped(), "5000 0567 8901 2345");
        assert_eq!(PaymentReference::from_payload(56_789_012_345), reference);
    }

    #[test]
    fn published_fourteen_digit_example_checks_the_same_way() {
        // "12 2345 3462 2567": check digit 1 over the length code 2 and twelve digits.
        assert_eq!(check_digit(b"2234534622567"), 1);
    }

    #[test]
    fn ten_becomes_one_and_eleven_becomes_zero() {
        // 1 × 2 = 2: 11 - 2 = 9. 6 × 2 = 12, remainder 1: 11 - 1 = 10 → 1. 5 × 2 = 10,
        // remainder 10: 11 - 10 = 1 as well (the ambiguity `issue` avoids). 0: 11 → 0.
        assert_eq!(check_digit(b"000000000000001"), 9);
        assert_eq!(check_digit(b"000000000000006"), 1);
        assert_eq!(check_digit(b"000000000000005"), 1);
        assert_eq!(check_digit(b"000000000000000"), 0);
        assert_eq!(
            PaymentReference::from_payload(0).as_str(),
            "0000000000000000"
        );
    }

    #[test]
    fn issue_skips_the_ambiguous_check_digit() {
        let mut draws = [6, 5, 1].into_iter();
        let issued = PaymentReference::issue(|| draws.next().unwrap());
        assert_eq!(issued.as_str(), "9000000000000001");
        assert_eq!(draws.next(), None);
    }

    #[test]
    fn every_single_wrong_digit_and_neighbour_swap_is_caught() {
        let good = PaymentReference::issue(|| 123_456_789_012_345);
        let digits: Vec<u8> = good.as_str().bytes().collect();
        for position in 0..digits.len() {
            for replacement in b'0'..=b'9' {
                if replacement == digits[position] {
                    continue;
                }
                let mut typo = digits.clone();
                typo[position] = replacement;
                let typo = String::from_utf8(typo).unwrap();
                assert!(PaymentReference::parse(&typo).is_err(), "{typo} passed");
            }
        }
        for position in 1..digits.len() - 1 {
            if digits[position] == digits[position + 1] {
                continue;
            }
            let mut swapped = digits.clone();
            swapped.swap(position, position + 1);
            let swapped = String::from_utf8(swapped).unwrap();
            assert!(
                PaymentReference::parse(&swapped).is_err(),
                "{swapped} passed"
            );
        }
    }

    #[test]
    fn form() {
        assert!(PaymentReference::parse("5000.0567.8901.2345").is_ok());
        assert!(PaymentReference::parse("500005678901234").is_err());
        assert!(PaymentReference::parse("50000567890123456").is_err());
        assert!(PaymentReference::parse("500005678901234a").is_err());
        assert!(PaymentReference::parse("").is_err());
    }

    #[test]
    fn payloads_round_trip() {
        for payload in [1, 42, 999_999_999_999_999, 314_159_265_358_979] {
            let reference = PaymentReference::from_payload(payload);
            assert_eq!(reference.as_str().len(), 16);
            assert_eq!(PaymentReference::parse(reference.as_str()), Ok(reference));
        }
    }
}
