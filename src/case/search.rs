//! The desk's search keys: how a debtor's name, address and numbers are written down so
//! that what the front office types on the phone finds the case. Normalised here, once,
//! at write time, so both databases index the same text (SQLite FTS5 and PostgreSQL's
//! full-text index see only plain lower-case ASCII words, and neither needs an accent
//! extension); a query is normalised by the same functions.

use chrono::NaiveDate;

use super::{CloseReason, Debtor, Stage, Suspension};

/// Dutch name particles (tussenvoegsels): "de Vries" is filed as "Vries, de", so they are
/// moved behind the other words of a name key and never searched by prefix ("de" must
/// not find "Dekker").
/// Single letters ("d'", "'t", "'s") stay words: they are also initials.
const PARTICLES: &[&str] = &[
    "da", "dal", "de", "del", "della", "den", "der", "des", "di", "du", "el", "het", "in", "la",
    "le", "op", "te", "ten", "ter", "uijt", "uit", "van", "von", "zu",
];

/// Whether a normalised word is a tussenvoegsel.
pub fn is_particle(word: &str) -> bool {
    PARTICLES.binary_search(&word).is_ok()
}

/// `c` without its accent, lower case; nothing for a combining mark (a decomposed accent).
/// A hand table of Latin-1, Latin Extended-A, the Latin Extended-B letters of Romanian and
/// pinyin, and Vietnamese (Latin Extended Additional): the letters of the names an office
/// in the Netherlands meets. A Unicode normalisation crate would be the only user of its
/// tables here. A letter it does not know separates words, as punctuation does.
fn fold_char(c: char, out: &mut String) {
    let lower = c.to_lowercase();
    for c in lower {
        let plain = match c {
            'à'..='å' | 'ā' | 'ă' | 'ą' | 'ǎ' | '\u{1ea0}'..='\u{1eb7}' => "a",
            'æ' => "ae",
            'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
            'ď' | 'đ' | 'ð' => "d",
            'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | '\u{1eb8}'..='\u{1ec7}' => "e",
            'ĝ' | 'ğ' | 'ġ' | 'ģ' | 'ǧ' => "g",
            'ĥ' | 'ħ' => "h",
            'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' | '\u{1ec8}'..='\u{1ecb}' => "i",
            'ĳ' => "ij",
            'ĵ' => "j",
            'ķ' | 'ǩ' => "k",
            'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
            'ñ' | 'ń' | 'ņ' | 'ň' => "n",
            'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ơ' | 'ǒ' | '\u{1ecc}'..='\u{1ee3}' => "o",
            'œ' => "oe",
            'ŕ' | 'ŗ' | 'ř' => "r",
            'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
            'ß' => "ss",
            'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
            'þ' => "th",
            'ù'..='ü'
            | 'ũ'
            | 'ū'
            | 'ŭ'
            | 'ů'
            | 'ű'
            | 'ų'
            | 'ư'
            | 'ǔ'
            | 'ǖ'
            | 'ǘ'
            | 'ǚ'
            | 'ǜ'
            | '\u{1ee4}'..='\u{1ef1}' => "u",
            'ŵ' => "w",
            'ý' | 'ÿ' | 'ŷ' | '\u{1ef2}'..='\u{1ef9}' => "y",
            'ź' | 'ż' | 'ž' => "z",
            '\u{300}'..='\u{36f}' => "",
            other => {
                out.push(other);
                continue;
            }
        };
        out.push_str(plain);
    }
}

/// The words of a name, accents folded, lower case, ASCII letters and digits only:
/// "Ångström-de Wit" → ["angstrom", "de", "wit"]. Anything else separates words
/// (hyphens, commas, dots, apostrophes: "'t Hart" → ["t", "hart"]).
pub fn words(text: &str) -> Vec<String> {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut folded);
    }
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A name's search key: its words with the tussenvoegsels moved to the end, each word
/// once: "J. de Vries" → "j vries de", "Vries, de" → "vries de".
pub fn name_key(names: &[&str]) -> String {
    let mut main: Vec<String> = Vec::new();
    let mut particles: Vec<String> = Vec::new();
    for name in names {
        for word in words(name) {
            let list = if is_particle(&word) {
                &mut particles
            } else {
                &mut main
            };
            if !list.contains(&word) {
                list.push(word);
            }
        }
    }
    main.extend(particles);
    main.join(" ")
}

/// The debtor's name key: the name on the letters and, for a person, the surname and
/// tussenvoegsel the insolvency register searches on.
pub fn debtor_name_key(debtor: &Debtor) -> String {
    name_key(&[
        &debtor.name,
        &debtor.family_name_prefix,
        &debtor.family_name,
    ])
}

/// What a search asks for, each key normalised; an empty key is not searched on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameQuery {
    /// The query's main words: each must begin a word of the name (prefix).
    pub words: Vec<String>,
    /// Its tussenvoegsels: each must be a word of the name.
    pub particles: Vec<String>,
    /// The query as a name key: a name whose key equals it ranks first.
    pub key: String,
}

impl NameQuery {
    /// The query of `text`, or `None` when it has no main word (only tussenvoegsels or
    /// nothing searchable).
    pub fn parse(text: &str) -> Option<Self> {
        let key = name_key(&[text]);
        let mut query = Self::default();
        for word in key.split(' ').filter(|w| !w.is_empty()) {
            if is_particle(word) {
                query.particles.push(word.to_owned());
            } else {
                query.words.push(word.to_owned());
            }
        }
        query.key = key;
        (!query.words.is_empty()).then_some(query)
    }
}

/// The kinds of exact keys (each stored as a token of `case_search.keys`).
pub mod kind {
    /// The name key's words sorted: the same name however it is written ("J. de Vries",
    /// "Vries, J. de"), for matching a debtor's cases.
    pub const NAME: &str = "name";
    /// `1234AB:12`: postcode without space, house number digits.
    pub const ADDRESS: &str = "address";
    /// `1234AB`: the postcode alone, for a search without a house number.
    pub const POSTCODE: &str = "postcode";
    /// `YYYY-MM-DD`.
    pub const BIRTH: &str = "birth";
    /// Upper case, no spaces.
    pub const IBAN: &str = "iban";
    /// Lower case.
    pub const EMAIL: &str = "email";
    /// Digits, `+31`/`0031` as `0`.
    pub const PHONE: &str = "phone";
    /// 8 digits.
    pub const KVK: &str = "kvk";
    /// Lower case, no spaces.
    pub const CLIENT_REFERENCE: &str = "client_reference";
    /// 16 digits.
    pub const PAYMENT_REFERENCE: &str = "payment_reference";
    /// Upper case, letters and digits only.
    pub const COURT_CASE: &str = "court_case";
}

/// A postcode as a key: letters and digits, upper case ("3511 lk" → "3511LK").
pub fn postcode(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The house number of a street line: the digits of its last word that starts with a
/// digit ("Kerkstraat 12-A" → "12", "Laan 1940-1945 nr 3" → "3").
pub fn house_number(street: &str) -> String {
    street
        .split(|c: char| c.is_whitespace() || c == ',')
        .rev()
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .map(|w| w.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_default()
}

/// The address key of a postcode and house number.
pub fn address(postcode_raw: &str, house: &str) -> String {
    format!("{}:{}", postcode(postcode_raw), house)
}

/// A phone number as a key: its digits, an international Dutch prefix as the trunk 0.
pub fn phone(raw: &str) -> String {
    let plus = raw.trim_start().starts_with('+');
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let national = if plus {
        digits.strip_prefix("31")
    } else {
        digits.strip_prefix("0031")
    };
    if let Some(rest) = national {
        // "+31 (0)30 …": the trunk 0 written in brackets is not doubled.
        if rest.starts_with('0') {
            rest.to_owned()
        } else {
            format!("0{rest}")
        }
    } else if plus {
        format!("+{digits}")
    } else {
        digits
    }
}

/// An e-mail address as a key.
pub fn email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// An IBAN, a payment reference or a court case number as a key: letters and digits,
/// upper case ("NL91 ABNA 0417 1643 00", "C/13/654321 HA ZA 26-12").
pub fn compact(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A client reference as a key: trimmed, lower case, inner spaces kept single.
pub fn client_reference(raw: &str) -> String {
    raw.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Every exact key of a case: what the debtor is known by and the case's references.
pub fn case_keys(
    debtor: &Debtor,
    client_reference: &str,
    payment_reference: &str,
    court_case_number: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut keys = Vec::new();
    let mut words: Vec<&str> = Vec::new();
    let name = debtor_name_key(debtor);
    words.extend(name.split(' ').filter(|w| !w.is_empty()));
    words.sort_unstable();
    let mut push = |kind: &'static str, value: String| {
        if !value.is_empty() && !keys.contains(&(kind, value.clone())) {
            keys.push((kind, value));
        }
    };
    push(kind::NAME, words.join(" "));
    if !debtor.address.postcode.is_empty() {
        push(kind::POSTCODE, postcode(&debtor.address.postcode));
        push(
            kind::ADDRESS,
            address(
                &debtor.address.postcode,
                &house_number(&debtor.address.street),
            ),
        );
    }
    if let Some(born) = debtor.date_of_birth {
        push(kind::BIRTH, born.to_string());
    }
    if let Some(iban) = &debtor.iban {
        push(kind::IBAN, compact(iban.as_str()));
    }
    push(kind::EMAIL, email(&debtor.email));
    push(kind::PHONE, phone(&debtor.phone));
    if let Some(kvk) = &debtor.kvk_number {
        push(kind::KVK, kvk.as_str().to_owned());
    }
    push(
        kind::CLIENT_REFERENCE,
        self::client_reference(client_reference),
    );
    push(kind::PAYMENT_REFERENCE, compact(payment_reference));
    if let Some(number) = court_case_number {
        push(kind::COURT_CASE, compact(number));
    }
    keys
}

/// A search: at least one key; all given keys must match (AND), then the filters.
#[derive(Clone, Debug, Default)]
pub struct SearchQuery {
    /// The debtor's name.
    pub name: Option<NameQuery>,
    /// Exact keys, (kind, normalised value).
    pub keys: Vec<(&'static str, String)>,
    /// Only this client's cases.
    pub client_id: Option<String>,
    /// Only cases in this stage.
    pub stage: Option<Stage>,
    /// Only cases with this suspension.
    pub suspension: Option<Suspension>,
    /// Only closed cases closed for this reason.
    pub close_reason: Option<CloseReason>,
}

impl SearchQuery {
    /// Whether the query has a key to search by.
    pub fn has_key(&self) -> bool {
        self.name.is_some() || !self.keys.is_empty()
    }
}

/// The debtor's date of birth as its key.
pub fn birth(date: NaiveDate) -> String {
    date.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn particles_are_sorted_for_the_binary_search() {
        let mut sorted = PARTICLES.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, PARTICLES);
    }

    #[test]
    fn names_fold_accents_and_move_tussenvoegsels() {
        assert_eq!(name_key(&["J. de Vries"]), "j vries de");
        assert_eq!(name_key(&["Vries, de"]), "vries de");
        assert_eq!(name_key(&["de Vries"]), "vries de");
        assert_eq!(name_key(&["Zoë Çelik-van ’t Hoff"]), "zoe celik t hoff van");
        // Decomposed accents (e + U+0301) fold as the composed ones do.
        assert_eq!(name_key(&["Jose\u{301} Müller"]), "jose muller");
        assert_eq!(words("Ĳsselmeer ÆRØ"), vec!["ijsselmeer", "aero"]);
        // Romanian comma-below letters and Vietnamese, composed and capital.
        assert_eq!(name_key(&["Ștefan Țurcanu"]), "stefan turcanu");
        assert_eq!(name_key(&["Nguyễn Văn An"]), "nguyen an van");
        assert_eq!(name_key(&["Trương Thị Lê"]), "truong thi le");
        assert_eq!(name_key(&["ĐẶNG Hữu Phước"]), "dang huu phuoc");
        let q = NameQuery::parse("de Vries").unwrap();
        assert_eq!(q.words, vec!["vries"]);
        assert_eq!(q.particles, vec!["de"]);
        assert_eq!(q.key, "vries de");
        assert_eq!(NameQuery::parse("van der"), None);
    }

    #[test]
    fn numbers_are_compacted() {
        assert_eq!(
            address("3511 lk", &house_number("Kerkstraat 12-A")),
            "3511LK:12"
        );
        assert_eq!(house_number("Laan 1940-1945 nr 3"), "3");
        assert_eq!(house_number("Postbus"), "");
        assert_eq!(phone("+31 6 1234 5678"), "0612345678");
        assert_eq!(phone("0031 (0)30-1234567"), "0301234567");
        assert_eq!(phone("+32 2 123 45 67"), "+3221234567");
        assert_eq!(phone("06-12345678"), "0612345678");
        assert_eq!(compact("nl91 abna 0417 1643 00"), "NL91ABNA0417164300");
        assert_eq!(client_reference("  DOS  1 "), "dos 1");
        assert_eq!(email(" J@Example.NL "), "j@example.nl");
    }
}
