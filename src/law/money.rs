//! Money in euros (*geldsom*), exact.
//!
//! Every amount a debtor, a court or an auditor sees must be right to the cent, so money is
//! a [`rust_decimal::Decimal`] of euros and never a float. Amounts from the outside world
//! (proto decimal strings, cents on disk) are whole cents; exact intermediate figures (a
//! staffel percentage of an amount) may carry more decimals until the rule that produced
//! them says "round to cents", which is done with [`Money::round_cents`] (half away from
//! zero) and nowhere else.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Neg, Sub, SubAssign};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// Largest number of digits before the decimal point that [`Money::parse`] accepts.
///
/// Fifteen digits (just under a thousand trillion euros) keep every sum of a claim far away
/// from the limits of `i64` cents and of `Decimal`, so arithmetic on parsed amounts cannot
/// overflow.
pub const MAX_INTEGER_DIGITS: usize = 15;

/// An amount of money in euros (*geldsom*), held exactly.
///
/// Why a newtype: so that an amount can only be made from cents, from a validated decimal
/// string or from arithmetic on other amounts, and so that rounding is always explicit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

/// Why an amount could not be read or written as whole cents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MoneyError {
    /// The text is not a plain decimal number such as `1234.56` or `-0.5`.
    Malformed,
    /// The text has more than two decimals: a sub-cent amount (*geen hele centen*).
    SubCent,
    /// More than [`MAX_INTEGER_DIGITS`] digits before the decimal point.
    TooLarge,
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MoneyError::Malformed => "not a decimal amount in euros such as 1234.56",
            MoneyError::SubCent => "has more than two decimals (amounts are whole cents)",
            MoneyError::TooLarge => "is too large",
        })
    }
}

impl std::error::Error for MoneyError {}

impl Money {
    /// Zero euros: the neutral element, e.g. "nothing left to pay".
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Wraps an exact decimal number of euros; no rounding happens.
    pub const fn from_decimal(euros: Decimal) -> Money {
        Money(euros)
    }

    /// The exact number of euros, for callers that compute with rates.
    pub const fn as_decimal(self) -> Decimal {
        self.0
    }

    /// Whole cents, the form money takes on disk (`BIGINT`) and in integer arithmetic.
    pub fn from_cents(cents: i64) -> Money {
        Money(Decimal::new(cents, 2))
    }

    /// Whole euros, for tables of tariffs and limits.
    pub fn from_euros(euros: i64) -> Money {
        Money(Decimal::from(euros))
    }

    /// The amount in whole cents; an error if it is not a whole number of cents, because
    /// silently rounding here would hide a missing rounding rule.
    pub fn to_cents(self) -> Result<i64, MoneyError> {
        let cents = self.0 * Decimal::ONE_HUNDRED;
        if cents.fract() != Decimal::ZERO {
            return Err(MoneyError::SubCent);
        }
        i64::try_from(cents).map_err(|_| MoneyError::TooLarge)
    }

    /// Rounds to whole cents, half away from zero (0.005 → 0.01, -0.005 → -0.01).
    ///
    /// The law prescribes no rounding; exploot rounds once per figure shown, only where
    /// `law.md` says so (each capitalisation, the running interest at the end, the
    /// collection costs and their VAT).
    pub fn round_cents(self) -> Money {
        Money(
            self.0
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
        )
    }

    /// Reads a decimal string in euros such as `"1234.56"`, `"-7.5"` or `"12"`: an optional
    /// minus sign, digits, and at most two decimals after a point.
    ///
    /// No thousands separators, no exponent, no spaces and no more than two decimals
    /// (`"1.230"` is refused too): money on the wire is whole cents, and refusing instead of
    /// rounding means a wrong figure never enters the system silently.
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let unsigned = text.strip_prefix('-').unwrap_or(text);
        let (int, frac) = match unsigned.split_once('.') {
            Some((int, frac)) => (int, Some(frac)),
            None => (unsigned, None),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !all_digits(int) {
            return Err(MoneyError::Malformed);
        }
        if let Some(frac) = frac {
            if frac.is_empty() || !all_digits(frac) {
                return Err(MoneyError::Malformed);
            }
            if frac.len() > 2 {
                return Err(MoneyError::SubCent);
            }
        }
        if int.trim_start_matches('0').len() > MAX_INTEGER_DIGITS {
            return Err(MoneyError::TooLarge);
        }
        Decimal::from_str_exact(text)
            .map(|d| Money(d.normalize()))
            .map_err(|_| MoneyError::Malformed)
    }

    /// True for exactly zero euros.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// True for more than zero euros.
    pub fn is_positive(self) -> bool {
        self.0 > Decimal::ZERO
    }

    /// True for less than zero euros.
    pub fn is_negative(self) -> bool {
        self.0 < Decimal::ZERO
    }

    /// Formats the amount the Dutch way for letters: `€ 1.234,56` (thousands with a point,
    /// decimals with a comma, at least two decimals; a minus sign after the euro sign).
    pub fn format_nl(self) -> String {
        let plain = self.to_string();
        let (sign, unsigned) = match plain.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", plain.as_str()),
        };
        let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, "00"));
        let mut grouped = String::with_capacity(int.len() + int.len() / 3);
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push('.');
            }
            grouped.push(c);
        }
        format!("€ {sign}{grouped},{frac}")
    }
}

impl fmt::Display for Money {
    /// `1234.56`: a point for decimals, at least two decimals, no grouping — the wire format.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = self.0.normalize();
        if d.scale() < 2 {
            d.rescale(2);
        }
        write!(f, "{d}")
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    /// Same as [`Money::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

/// Money times a rate (a fraction such as `0.15` for 15 %), exact; round afterwards where a
/// rule says so.
impl Mul<Decimal> for Money {
    type Output = Money;
    fn mul(self, rate: Decimal) -> Money {
        Money(self.0 * rate)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn parse_accepts_plain_decimals() {
        for (text, cents) in [
            ("0", 0),
            ("12", 1200),
            ("12.5", 1250),
            ("1234.56", 123_456),
            ("-7.05", -705),
            ("0.01", 1),
            ("007.10", 710),
        ] {
            assert_eq!(m(text).to_cents(), Ok(cents), "{text}");
        }
    }

    #[test]
    fn parse_rejects_sub_cent_and_junk() {
        for text in ["1.234", "0.001", "1.230"] {
            assert_eq!(Money::parse(text), Err(MoneyError::SubCent), "{text}");
        }
        for text in [
            "", "-", ".5", "5.", "1,5", "1 000", "1e3", "+1", "€1", "1.2.3", " 1", "1_000", "NaN",
        ] {
            assert_eq!(Money::parse(text), Err(MoneyError::Malformed), "{text:?}");
        }
        assert_eq!(Money::parse("1234567890123456"), Err(MoneyError::TooLarge));
        assert!(Money::parse("123456789012345.99").is_ok());
    }

    #[test]
    fn cents_round_trip_and_sub_cent_is_an_error() {
        for cents in [0, 1, -1, 99, 100, 123_456_789, i64::from(i32::MAX)] {
            assert_eq!(Money::from_cents(cents).to_cents(), Ok(cents));
        }
        let third = Money::from_cents(100) * (Decimal::ONE / Decimal::from(3));
        assert_eq!(third.to_cents(), Err(MoneyError::SubCent));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        // law.md §3: 898.4567 → 898.46; 139.755 → 139.76 (half away from zero).
        let cases = [
            ("898.4567", "898.46"),
            ("139.755", "139.76"),
            ("139.745", "139.75"),
            ("-0.005", "-0.01"),
            ("0.004999", "0.00"),
            ("2.675", "2.68"),
        ];
        for (exact, rounded) in cases {
            let exact = Money::from_decimal(Decimal::from_str_exact(exact).unwrap());
            assert_eq!(exact.round_cents().to_string(), rounded);
        }
    }

    #[test]
    fn display_and_dutch_format() {
        assert_eq!(m("1234.5").to_string(), "1234.50");
        assert_eq!(m("0").to_string(), "0.00");
        assert_eq!(m("-3").to_string(), "-3.00");
        assert_eq!(m("1234.56").format_nl(), "€ 1.234,56");
        assert_eq!(m("1234567.8").format_nl(), "€ 1.234.567,80");
        assert_eq!(m("999").format_nl(), "€ 999,00");
        assert_eq!(m("0.05").format_nl(), "€ 0,05");
        assert_eq!(m("-6775").format_nl(), "€ -6.775,00");
    }

    #[test]
    fn arithmetic_is_exact() {
        let total: Money = [m("0.10"), m("0.20"), m("0.30")].iter().sum();
        assert_eq!(total, m("0.60"));
        assert_eq!(m("10") - m("0.01"), m("9.99"));
        assert_eq!(-m("1.5"), m("-1.5"));
        assert_eq!(m("2500") * Decimal::new(15, 2), m("375"));
    }
}
