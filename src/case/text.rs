//! What a text field may hold: a length that fits its purpose (and the letters it is set
//! in), and no characters that are not text. One rule for every field, so the two
//! databases answer alike: PostgreSQL refuses a NUL in `text` outright, SQLite stores it,
//! and a letter printed from it would carry it.

/// The limit of one text field, in characters (Unicode scalar values, not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextRule {
    /// At most this many characters.
    pub max_chars: usize,
    /// Free text that may hold line breaks and tabs (a note, a reason); any other field is
    /// one line.
    pub multiline: bool,
}

impl TextRule {
    /// One line of at most `max_chars`.
    pub const fn line(max_chars: usize) -> Self {
        Self {
            max_chars,
            multiline: false,
        }
    }

    /// Free text of at most `max_chars`, line breaks and tabs allowed.
    pub const fn multiline(max_chars: usize) -> Self {
        Self {
            max_chars,
            multiline: true,
        }
    }

    /// Why `text` breaks the rule, or `Ok`. Stops at the first character past the limit,
    /// so a 4 MB value costs no more than a short one.
    pub fn check(self, text: &str) -> Result<(), String> {
        let mut count = 0;
        for c in text.chars() {
            count += 1;
            if count > self.max_chars {
                return Err(format!("at most {} characters", self.max_chars));
            }
            if !self.allows(c) {
                return Err(format!(
                    "{} is not allowed here (character {count})",
                    describe(c)
                ));
            }
        }
        Ok(())
    }

    fn allows(self, c: char) -> bool {
        if self.multiline && matches!(c, '\n' | '\r' | '\t') {
            return true;
        }
        !is_forbidden(c)
    }
}

/// Characters that are not text in any field: the C0 and C1 controls (NUL included) and
/// DEL; the Unicode line and paragraph separators (a line break by other means); the
/// bidirectional embeddings, overrides and isolates, which make a name or an amount read
/// differently from what is stored; and the noncharacters (U+FDD0–U+FDEF, U+xxFFFE/F).
pub fn is_forbidden(c: char) -> bool {
    let n = u32::from(c);
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}')
        || matches!(n, 0x202A..=0x202E | 0x2066..=0x2069)
        || (0xFDD0..=0xFDEF).contains(&n)
        || (n & 0xFFFE) == 0xFFFE
}

fn describe(c: char) -> String {
    let n = u32::from(c);
    if n == 0 {
        "a NUL character (U+0000)".to_owned()
    } else if c.is_control() {
        format!("the control character U+{n:04X}")
    } else {
        format!("the character U+{n:04X}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_or_a_control_character_is_refused_with_its_position() {
        let rule = TextRule::line(200);
        assert_eq!(
            rule.check("J. de\0 Vries"),
            Err("a NUL character (U+0000) is not allowed here (character 6)".into())
        );
        assert!(rule.check("a\u{1b}[31m").unwrap_err().contains("U+001B"));
        assert!(rule.check("a\u{85}b").unwrap_err().contains("U+0085"));
        assert!(rule.check("line\nbreak").is_err());
        assert!(rule.check("evil\u{202E}gnp.exe").is_err());
        assert!(rule.check("\u{FFFF}").is_err());
        assert!(rule.check("\u{10FFFE}").is_err());
    }

    #[test]
    fn free_text_keeps_its_line_breaks_and_tabs_but_not_other_controls() {
        let rule = TextRule::multiline(100);
        assert_eq!(rule.check("eerste regel\r\n\ttweede"), Ok(()));
        assert!(rule.check("a\0b").is_err());
        assert!(rule.check("a\u{2028}b").is_err());
    }

    #[test]
    fn the_limit_counts_characters_not_bytes() {
        let rule = TextRule::line(5);
        assert_eq!(rule.check("ééééé"), Ok(()));
        assert_eq!(rule.check("Zoë 🎉"), Ok(()));
        assert_eq!(rule.check("ëëëëëë"), Err("at most 5 characters".into()));
        assert_eq!(rule.check(""), Ok(()));
    }

    #[test]
    fn letters_of_every_script_and_joiners_are_text() {
        let rule = TextRule::line(100);
        for name in [
            "Ş. Yılmaz",
            "Ærøskøbing",
            "Đặng Văn Lâm",
            "محمد",
            "王小明",
            "👩‍👩‍👧",
            "Zoë\u{200D}",
        ] {
            assert_eq!(rule.check(name), Ok(()), "{name}");
        }
    }
}
