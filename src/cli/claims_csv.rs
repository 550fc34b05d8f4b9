//! Reading the claims CSV that Dutch clients actually produce: an accounting package's or
//! Excel's export, one row per invoice, the rows of one claim (same `client_reference`)
//! next to each other. Semicolon-, comma- or tab-separated (detected from the header),
//! UTF-8 with or without a BOM (Windows-1252 fields are read too), amounts with a decimal
//! comma or point (`1.234,56`, `1234.56`), dates `YYYY-MM-DD` or `DD-MM-YYYY`.
//!
//! Values are only normalised here (to the contract's `1234.56` and `YYYY-MM-DD`); the
//! server validates them with the same rules as `CreateCase`, so a bad value is never
//! guessed at: it is sent as written and comes back rejected with its field named.

use std::collections::HashSet;
use std::io::{BufRead, Read};

use csv::{ByteRecord, StringRecord};

use crate::proto as pb;

/// One claim read from the file: the request to send and the file's rows it came from
/// (kept for the rejects file).
#[derive(Clone, Debug)]
pub struct CsvClaim {
    /// The request; `row` is the file line of the claim's first row (the header is line 1).
    pub request: pb::ImportClaimsRequest,
    /// The claim's rows as read, one per invoice.
    pub records: Vec<StringRecord>,
    /// The file line each row began on, in the same order (a quoted note may span lines).
    pub lines: Vec<u64>,
    /// Why the claim cannot be sent at all (its rows are not together in the file).
    pub local_problem: Option<String>,
}

/// The columns, by their canonical name and the other headers accepted for them (Dutch
/// exports name them in Dutch), best first: of two headers for one column, the better
/// one is read and the other ignored ("Openstaand" over "Bedrag": a claim is what is
/// still owed; "Naam" over "Debiteur", often a debtor number). Matching ignores case,
/// spaces, `-` and `_`.
const COLUMNS: &[(&str, &[&str])] = &[
    (
        "client_reference",
        &[
            "reference",
            "dossiernummer",
            "dossier",
            "referentie",
            "kenmerk",
        ],
    ),
    ("debtor_kind", &["kind", "soort", "debiteursoort"]),
    ("debtor_name", &["name", "naam", "debiteurnaam", "debiteur"]),
    ("street", &["address", "adres", "straat"]),
    ("postcode", &["postal_code", "zip"]),
    ("city", &["plaats", "woonplaats", "vestigingsplaats"]),
    ("country", &["land", "landcode"]),
    ("email", &["e_mail", "mail"]),
    ("phone", &["telefoon", "telefoonnummer"]),
    ("kvk_number", &["kvk", "kvknummer"]),
    ("date_of_birth", &["geboortedatum"]),
    ("family_name", &["achternaam"]),
    ("family_name_prefix", &["tussenvoegsel"]),
    ("iban", &["rekeningnummer"]),
    ("invoice_number", &["factuurnummer", "factuur"]),
    ("invoice_date", &["factuurdatum"]),
    ("due_date", &["vervaldatum"]),
    ("amount", &["openstaand", "openstaand_bedrag", "bedrag"]),
    ("notes", &["opmerkingen", "opmerking", "notitie"]),
];

/// Columns a file must have.
const REQUIRED: &[&str] = &[
    "client_reference",
    "debtor_kind",
    "debtor_name",
    "invoice_number",
    "due_date",
    "amount",
];

/// The column the rejects file adds; ignored when a fixed rejects file is imported again.
pub const ERRORS_COLUMN: &str = "errors";

fn squash(header: &str) -> String {
    header
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The columns that describe the debtor: the same on every row of a claim.
const DEBTOR_COLUMNS: &[&str] = &[
    "debtor_kind",
    "debtor_name",
    "street",
    "postcode",
    "city",
    "country",
    "email",
    "phone",
    "kvk_number",
    "date_of_birth",
    "family_name",
    "family_name_prefix",
    "iban",
];

/// A claims file being read, one claim at a time, in constant memory (apart from the set of
/// references already seen).
pub struct ClaimsCsv<R: Read> {
    reader: csv::Reader<R>,
    client_id: String,
    headers: StringRecord,
    delimiter: u8,
    had_bom: bool,
    index: Vec<Option<usize>>,
    next: Option<(StringRecord, u64)>,
    line: u64,
    seen: HashSet<String>,
    /// References whose rows stand in more than one place of the file (a first reading
    /// found them): none of their rows is sent.
    scattered: HashSet<String>,
    ignored: Vec<String>,
}

impl<R: BufRead> ClaimsCsv<R> {
    /// Opens a claims file for `client_id`: skips a BOM, detects the delimiter from the
    /// header line and maps the headers to columns. Fails when a required column is missing.
    pub fn new(mut input: R, client_id: &str) -> Result<Self, String> {
        let start = input.fill_buf().map_err(|e| e.to_string())?;
        let had_bom = start.starts_with(b"\xEF\xBB\xBF");
        if had_bom {
            input.consume(3);
        }
        let delimiter = detect_delimiter(input.fill_buf().map_err(|e| e.to_string())?);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            // `\n` alone ends a record (a `\r` before it is dropped in `decode`), so the
            // line numbers reported for Excel's CRLF files are right.
            .terminator(csv::Terminator::Any(b'\n'))
            .flexible(true)
            .has_headers(false)
            .from_reader(input);
        let mut first = ByteRecord::new();
        if !reader
            .read_byte_record(&mut first)
            .map_err(|e| e.to_string())?
        {
            return Err("the file is empty: expected a header line".into());
        }
        let headers = decode(&first);
        let mut index: Vec<Option<usize>> = vec![None; COLUMNS.len()];
        // The rank of the header each column is read from (0: its canonical name).
        let mut rank: Vec<usize> = vec![usize::MAX; COLUMNS.len()];
        let mut ignored = Vec::new();
        for (position, header) in headers.iter().enumerate() {
            let name = squash(header);
            let column = COLUMNS
                .iter()
                .enumerate()
                .find_map(|(c, (canonical, aliases))| {
                    std::iter::once(canonical)
                        .chain(aliases.iter())
                        .position(|a| squash(a) == name)
                        .map(|r| (c, r))
                });
            match column {
                Some((c, r)) if r < rank[c] => {
                    if let Some(worse) = index[c] {
                        ignored.push(headers[worse].to_owned());
                    }
                    index[c] = Some(position);
                    rank[c] = r;
                }
                Some((c, r)) if r == rank[c] => {
                    return Err(format!("column {header:?} appears twice"));
                }
                Some(_) => ignored.push(header.to_owned()),
                None if name == ERRORS_COLUMN || name.is_empty() => {}
                None => ignored.push(header.to_owned()),
            }
        }
        let missing: Vec<&str> = REQUIRED
            .iter()
            .filter(|name| {
                let c = COLUMNS.iter().position(|(n, _)| n == *name);
                c.is_none_or(|c| index[c].is_none())
            })
            .copied()
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "missing column(s) {}; the header line was: {}",
                missing.join(", "),
                headers
                    .iter()
                    .collect::<Vec<_>>()
                    .join(&char::from(delimiter).to_string())
            ));
        }
        Ok(Self {
            reader,
            client_id: client_id.to_owned(),
            headers,
            delimiter,
            had_bom,
            index,
            next: None,
            line: 1,
            seen: HashSet::new(),
            scattered: HashSet::new(),
            ignored,
        })
    }

    /// Reads the whole file for the references whose rows stand in more than one place
    /// (apart, with other claims between). Without this first reading, the first group of
    /// such a claim would be sent alone and stored with part of its invoices.
    pub fn scattered_references(mut self) -> Result<HashSet<String>, String> {
        let mut seen = HashSet::new();
        let mut scattered = HashSet::new();
        let mut last: Option<String> = None;
        while let Some((record, _)) = self.read_record()? {
            let reference = self.field(&record, "client_reference");
            if last.as_deref() == Some(reference) {
                continue;
            }
            // A row without a reference is a group of its own: it parts the rows around it.
            if !reference.is_empty() && !seen.insert(reference.to_owned()) {
                scattered.insert(reference.to_owned());
            }
            last = Some(reference.to_owned());
        }
        Ok(scattered)
    }

    /// Refuses every group of these references (from [`Self::scattered_references`]).
    #[must_use]
    pub fn refusing(mut self, scattered: HashSet<String>) -> Self {
        self.scattered = scattered;
        self
    }

    /// The header line as read.
    pub fn headers(&self) -> &StringRecord {
        &self.headers
    }

    /// The detected delimiter, so the rejects file opens in the same spreadsheet the same way.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Whether the file began with a UTF-8 BOM (Excel writes one; so does the rejects file
    /// then).
    pub fn had_bom(&self) -> bool {
        self.had_bom
    }

    /// Headers that name no known column (they are not imported).
    pub fn ignored_columns(&self) -> &[String] {
        &self.ignored
    }

    fn read_record(&mut self) -> Result<Option<(StringRecord, u64)>, String> {
        let mut raw = ByteRecord::new();
        loop {
            if !self
                .reader
                .read_byte_record(&mut raw)
                .map_err(|e| format!("line {}: {e}", self.line + 1))?
            {
                return Ok(None);
            }
            self.line = raw.position().map_or(self.line + 1, |p| p.line());
            let record = decode(&raw);
            if record.iter().all(|f| f.trim().is_empty()) {
                continue; // Excel leaves empty lines (";;;;") at the end
            }
            return Ok(Some((record, self.line)));
        }
    }

    fn field<'r>(&self, record: &'r StringRecord, column: &str) -> &'r str {
        COLUMNS
            .iter()
            .position(|(name, _)| *name == column)
            .and_then(|c| self.index[c])
            .and_then(|i| record.get(i))
            .map_or("", str::trim)
    }

    /// The next claim: the next row and the rows right after it with the same reference.
    pub fn next_claim(&mut self) -> Result<Option<CsvClaim>, String> {
        let first = match self.next.take() {
            Some(pending) => pending,
            None => match self.read_record()? {
                Some(read) => read,
                None => return Ok(None),
            },
        };
        let reference = self.field(&first.0, "client_reference").to_owned();
        let mut records = vec![first];
        loop {
            match self.read_record()? {
                Some(read) if self.field(&read.0, "client_reference") == reference => {
                    records.push(read);
                }
                other => {
                    self.next = other;
                    break;
                }
            }
        }
        let local_problem = if self.scattered.contains(&reference) {
            Some(format!(
                "client_reference {reference:?} stands in more than one place in the file: \
                 none of its rows was sent; keep the rows of one claim together (sort by \
                 client_reference)"
            ))
        } else {
            (!reference.is_empty() && !self.seen.insert(reference.clone())).then(|| {
                format!(
                    "client_reference {reference:?} appears earlier in the file, apart from \
                     these rows: keep the rows of one claim together (sort by client_reference)"
                )
            })
        };
        Ok(Some(self.claim(records, local_problem)))
    }

    /// Where a later row of one claim names its debtor otherwise than the first: a claim
    /// has one debtor, and the server is sent the first row's. An empty cell agrees.
    fn debtor_disagreement(&self, rows: &[(StringRecord, u64)]) -> Option<String> {
        let (head, _) = &rows[0];
        let problems: Vec<String> = rows[1..]
            .iter()
            .flat_map(|(record, line)| {
                DEBTOR_COLUMNS.iter().filter_map(move |column| {
                    let value = self.field(record, column);
                    (!value.is_empty() && value != self.field(head, column))
                        .then(|| format!("{column} (line {line})"))
                })
            })
            .collect();
        (!problems.is_empty()).then(|| {
            format!(
                "the rows of one claim name its debtor differently: {}; one claim has one \
                 debtor",
                problems.join(", ")
            )
        })
    }

    fn claim(&self, rows: Vec<(StringRecord, u64)>, local_problem: Option<String>) -> CsvClaim {
        let lines: Vec<u64> = rows.iter().map(|(_, line)| *line).collect();
        let (head, line) = (&rows[0].0, rows[0].1);
        let f = |column: &str| self.field(head, column).to_owned();
        let request = pb::ImportClaimsRequest {
            client_id: self.client_id.clone(),
            row: i64::try_from(line).unwrap_or(i64::MAX),
            client_reference: f("client_reference"),
            debtor: Some(pb::Debtor {
                kind: debtor_kind(&f("debtor_kind")).into(),
                name: f("debtor_name"),
                address: Some(pb::Address {
                    street: f("street"),
                    postcode: f("postcode"),
                    city: f("city"),
                    country: f("country"),
                }),
                email: f("email"),
                phone: f("phone"),
                kvk_number: f("kvk_number"),
                date_of_birth: normalise_date(&f("date_of_birth")),
                family_name: f("family_name"),
                family_name_prefix: f("family_name_prefix"),
                iban: f("iban"),
            }),
            invoices: rows
                .iter()
                .map(|(record, _)| pb::Invoice {
                    number: self.field(record, "invoice_number").to_owned(),
                    invoice_date: normalise_date(self.field(record, "invoice_date")),
                    due_date: normalise_date(self.field(record, "due_date")),
                    amount: normalise_amount(self.field(record, "amount")),
                })
                .collect(),
            notes: {
                // Each row's note once, in the file's order: none is dropped.
                let mut notes: Vec<&str> = Vec::new();
                for (record, _) in &rows {
                    let note = self.field(record, "notes");
                    if !note.is_empty() && !notes.contains(&note) {
                        notes.push(note);
                    }
                }
                notes.join("\n")
            },
        };
        let local_problem = local_problem.or_else(|| self.debtor_disagreement(&rows));
        // The contract's text rules, told here with the column and line (the server would
        // refuse the row for the same reason).
        let local_problem = local_problem.or_else(|| {
            let bad = crate::api::text::violations(&request);
            (!bad.is_empty()).then(|| {
                bad.iter()
                    .map(|v| format!("{}: {}", locate(&v.field, &lines), v.description))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
        });
        CsvClaim {
            request,
            records: rows.into_iter().map(|(record, _)| record).collect(),
            lines,
            local_problem,
        }
    }
}

/// Where the reason for a violated field points in the file: the column name, and the
/// invoice's line for invoice fields. `first_line` is the claim's first line.
pub fn locate(field: &str, lines: &[u64]) -> String {
    if let Some(rest) = field.strip_prefix("invoices[")
        && let Some((n, column)) = rest.split_once("].")
        && let Ok(n) = n.parse::<usize>()
    {
        let column = match column {
            "number" => "invoice_number",
            other => other,
        };
        return match lines.get(n) {
            Some(line) => format!("{column} (line {line})"),
            None => column.to_owned(),
        };
    }
    match field {
        "client_id" => "--client".to_owned(),
        "invoices" => "invoice_number".to_owned(),
        "debtor.kind" => "debtor_kind".to_owned(),
        "debtor.name" => "debtor_name".to_owned(),
        other => other
            .strip_prefix("debtor.address.")
            .or_else(|| other.strip_prefix("debtor."))
            .unwrap_or(other)
            .to_owned(),
    }
}

/// The delimiter of the header line: whichever of `;`, `,` and tab occurs most outside
/// quotes (Dutch Excel writes `;` because `,` is the decimal separator).
pub fn detect_delimiter(start: &[u8]) -> u8 {
    let line = start.split(|&b| b == b'\n').next().unwrap_or_default();
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b';' if !quoted => counts[0] += 1,
            b',' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 2 - i)).unwrap_or(0);
    [b';', b',', b'\t'][best]
}

/// A record's fields as text: UTF-8 where valid, else Windows-1252 (what Excel writes when
/// not asked for UTF-8).
fn decode(raw: &ByteRecord) -> StringRecord {
    let last = raw.len().saturating_sub(1);
    raw.iter()
        .enumerate()
        .map(|(i, field)| match field {
            [rest @ .., b'\r'] if i == last => rest,
            _ => field,
        })
        .map(|field| match std::str::from_utf8(field) {
            Ok(text) => text.to_owned(),
            Err(_) => field.iter().map(|&b| windows_1252(b)).collect(),
        })
        .collect()
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// `consumer`/`particulier` or `business`/`zakelijk`; anything else is left unspecified,
/// and the server names the field.
pub fn debtor_kind(text: &str) -> pb::DebtorKind {
    match squash(text).as_str() {
        "consumer" | "particulier" | "consument" | "c" | "p" => pb::DebtorKind::Consumer,
        "business" | "zakelijk" | "bedrijf" | "b" | "z" => pb::DebtorKind::Business,
        _ => pb::DebtorKind::Unspecified,
    }
}

/// An amount as the contract writes it (`1234.56`). With a comma, the comma is the decimal
/// separator and points are thousands (`1.234,56`); with only points, one point is the
/// decimal point (`1234.56`) and several are thousands (`1.234.567`). A leading `€` and
/// spaces are dropped. Anything else is returned as written, for the server to reject.
pub fn normalise_amount(text: &str) -> String {
    let text = text.trim();
    let unsigned = text
        .trim_start_matches('€')
        .trim_start_matches("EUR")
        .trim();
    let compact: String = unsigned
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    // Points as thousands only in groups of three (`1.234.567`, `12.345,67`): `1.234.56`
    // or `1.23,45` is a typo, not an amount to guess at.
    let (sign, body) = compact
        .strip_prefix('-')
        .map_or(("", compact.as_str()), |b| ("-", b));
    let grouped = |int: &str| {
        let mut groups = int.split('.');
        let first = groups.next().unwrap_or_default();
        let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
        digits(first) && first.len() <= 3 && groups.all(|g| g.len() == 3 && digits(g))
    };
    let normalised = if let Some((int, fraction)) = body.split_once(',') {
        if fraction.contains(['.', ',']) || (int.contains('.') && !grouped(int)) {
            return text.to_owned();
        }
        format!("{sign}{}.{fraction}", int.replace('.', ""))
    } else if body.matches('.').count() > 1 {
        if !grouped(body) {
            return text.to_owned();
        }
        format!("{sign}{}", body.replace('.', ""))
    } else {
        compact.clone()
    };
    let well_formed = !normalised.is_empty()
        && normalised
            .trim_start_matches('-')
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.');
    if well_formed {
        normalised
    } else {
        text.to_owned()
    }
}

/// A date as the contract writes it (`YYYY-MM-DD`): `YYYY-MM-DD` as is, `DD-MM-YYYY` (also
/// with `/` or `.`, and one-digit days or months) turned round. Anything else is returned
/// as written, for the server to reject.
pub fn normalise_date(text: &str) -> String {
    let text = text.trim();
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    match parts.as_slice() {
        [d, m, y] if digits(d, 1..=2) && digits(m, 1..=2) && digits(y, 4..=4) => {
            format!("{y}-{m:0>2}-{d:0>2}")
        }
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_with_a_decimal_comma_or_point() {
        let cases = [
            ("1234.56", "1234.56"),
            ("1.234,56", "1234.56"),
            ("1234,5", "1234.5"),
            ("€ 1.234,56", "1234.56"),
            ("1.234.567", "1234567"),
            ("1 234,56", "1234.56"),
            ("-12,00", "-12.00"),
            ("12", "12"),
            // Not guessed at: the server refuses three decimals.
            ("1.234", "1.234"),
            ("twaalf", "twaalf"),
            // Points that are no thousands groups: passed on as written, for the server to
            // refuse, never read as 123,456.00 or 123.45.
            ("1.234.56", "1.234.56"),
            ("1.23,45", "1.23,45"),
            ("12.3.4", "12.3.4"),
            ("1,234.56", "1,234.56"),
            ("-1.234,56", "-1234.56"),
            ("12.345.678,9", "12345678.9"),
            ("", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(normalise_amount(text), expected, "{text:?}");
        }
    }

    #[test]
    fn dates_either_way_round() {
        assert_eq!(normalise_date("2026-02-14"), "2026-02-14");
        assert_eq!(normalise_date("14-02-2026"), "2026-02-14");
        assert_eq!(normalise_date("4-2-2026"), "2026-02-04");
        assert_eq!(normalise_date("14/02/2026"), "2026-02-14");
        assert_eq!(normalise_date("14.02.2026"), "2026-02-14");
        assert_eq!(
            normalise_date("02-14-26"),
            "02-14-26",
            "left for the server"
        );
        assert_eq!(normalise_date(""), "");
    }

    #[test]
    fn the_delimiter_is_detected_from_the_header() {
        assert_eq!(detect_delimiter(b"a;b;c\n1,5;2;3"), b';');
        assert_eq!(detect_delimiter(b"a,b,c\n"), b',');
        assert_eq!(detect_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(
            detect_delimiter(b"\"a;x\",b,c"),
            b',',
            "quoted ; does not count"
        );
    }

    fn read_all(text: &[u8]) -> Vec<CsvClaim> {
        let mut csv = ClaimsCsv::new(text, "acme").expect("header");
        let mut all = Vec::new();
        while let Some(claim) = csv.next_claim().expect("readable") {
            all.push(claim);
        }
        all
    }

    /// An export with both the invoice amount and what is still open, and a debtor number
    /// beside the name: the claim is what is open, the debtor is the name; the others are
    /// ignored (and said to be). The same header twice is still refused.
    #[test]
    fn of_two_headers_for_one_column_the_better_is_read() {
        let file = "Dossiernummer;Debiteur;Naam;Soort;Factuurnummer;Vervaldatum;Bedrag;Openstaand\n\
                    D-1;10045;J. de Vries;particulier;F-1;14-02-2026;1.234,56;234,56\n";
        let mut csv = ClaimsCsv::new(file.as_bytes(), "acme").expect("header");
        assert_eq!(csv.ignored_columns(), ["Debiteur", "Bedrag"]);
        let claim = csv
            .next_claim()
            .expect("readable")
            .expect("a claim")
            .request;
        assert_eq!(claim.invoices[0].amount, "234.56");
        assert_eq!(claim.debtor.expect("debtor").name, "J. de Vries");
        let twice = "Dossiernummer;Soort;Naam;Naam;Factuurnummer;Vervaldatum;Bedrag\n";
        let refused = ClaimsCsv::new(twice.as_bytes(), "acme")
            .err()
            .expect("refused");
        assert!(refused.contains("appears twice"), "{refused}");
    }

    #[test]
    fn dutch_excel_export_with_bom_semicolons_and_decimal_commas() {
        let file = "\u{feff}Dossiernummer;Soort;Naam;Adres;Postcode;Plaats;Factuurnummer;Factuurdatum;Vervaldatum;Bedrag\r\n\
                    D-1;particulier;J. de Vries;Kerkstraat 12;3511 LK;Utrecht;F-1;15-01-2026;14-02-2026;1.234,56\r\n\
                    D-1;particulier;J. de Vries;Kerkstraat 12;3511 LK;Utrecht;F-2;01-02-2026;03-03-2026;99,95\r\n\
                    D-2;zakelijk;Jansen B.V.;Industrieweg 7;5611 AA;Eindhoven;F-3;;31-03-2026;15000\r\n\
                    ;;;;;;;;;\r\n";
        let claims = read_all(file.as_bytes());
        assert_eq!(claims.len(), 2);
        let first = &claims[0].request;
        assert_eq!(first.row, 2, "the header is line 1");
        assert_eq!(first.client_id, "acme");
        assert_eq!(first.client_reference, "D-1");
        assert_eq!(
            first.debtor.as_ref().unwrap().kind,
            pb::DebtorKind::Consumer as i32
        );
        let amounts: Vec<&str> = first.invoices.iter().map(|i| i.amount.as_str()).collect();
        assert_eq!(amounts, ["1234.56", "99.95"]);
        assert_eq!(first.invoices[0].due_date, "2026-02-14");
        assert_eq!(first.invoices[0].invoice_date, "2026-01-15");
        assert_eq!(claims[0].records.len(), 2);
        let second = &claims[1].request;
        assert_eq!(second.row, 4);
        assert_eq!(
            second.debtor.as_ref().unwrap().kind,
            pb::DebtorKind::Business as i32
        );
        assert_eq!(second.invoices[0].invoice_date, "");
    }

    #[test]
    fn windows_1252_fields_and_scattered_references() {
        let mut file =
            b"client_reference,debtor_kind,debtor_name,invoice_number,due_date,amount,extra\n"
                .to_vec();
        file.extend_from_slice(b"A,consumer,Fran\xe7ois M\xfcller,1,2026-01-01,10.00,x\n");
        file.extend_from_slice(b"B,consumer,X,2,2026-01-01,10.00,x\n");
        file.extend_from_slice(b"A,consumer,Y,3,2026-01-01,10.00,x\n");
        let mut csv = ClaimsCsv::new(&file[..], "acme").unwrap();
        assert_eq!(csv.ignored_columns(), ["extra"]);
        let a = csv.next_claim().unwrap().unwrap();
        assert_eq!(a.request.debtor.unwrap().name, "François Müller");
        assert!(a.local_problem.is_none());
        assert!(csv.next_claim().unwrap().unwrap().local_problem.is_none());
        let again = csv.next_claim().unwrap().unwrap();
        assert!(again.local_problem.unwrap().contains("together"));
        assert!(csv.next_claim().unwrap().is_none());
        // With the first reading (as `exploot import` does), neither of A's groups is
        // sent: the first alone would have stored A with part of its invoices.
        let scattered = ClaimsCsv::new(&file[..], "acme")
            .unwrap()
            .scattered_references()
            .unwrap();
        assert_eq!(scattered, HashSet::from(["A".to_owned()]));
        let mut csv = ClaimsCsv::new(&file[..], "acme")
            .unwrap()
            .refusing(scattered);
        let problems: Vec<Option<String>> = std::iter::from_fn(|| csv.next_claim().unwrap())
            .map(|c| c.local_problem)
            .collect();
        assert_eq!(problems.len(), 3);
        assert!(
            problems[0]
                .as_deref()
                .is_some_and(|p| p.contains("none of its rows"))
        );
        assert_eq!(problems[1], None);
        assert!(
            problems[2]
                .as_deref()
                .is_some_and(|p| p.contains("none of its rows"))
        );
        // A row without a reference between them parts them just the same.
        let parted = b"client_reference,debtor_kind,debtor_name,invoice_number,due_date,amount\n\
                       A,consumer,X,1,2026-01-01,10.00\n\
                       ,consumer,X,2,2026-01-01,10.00\n\
                       A,consumer,X,3,2026-01-01,10.00\n";
        let scattered = ClaimsCsv::new(&parted[..], "acme")
            .unwrap()
            .scattered_references()
            .unwrap();
        assert_eq!(scattered, HashSet::from(["A".to_owned()]));
    }

    /// A later row of a claim that names another debtor is refused locally, not dropped
    /// in silence; each row's note is kept.
    #[test]
    fn the_rows_of_a_claim_agree_on_the_debtor_and_keep_every_note() {
        let file = "client_reference;debtor_kind;debtor_name;city;invoice_number;due_date;amount;notes\n\
                    D-1;consument;J. de Vries;Utrecht;F-1;2026-01-15;10,00;eerste\n\
                    D-1;consument;;;F-2;2026-01-15;10,00;tweede\n\
                    D-1;consument;J. de Vries;Utrecht;F-3;2026-01-15;10,00;eerste\n\
                    D-2;consument;P. Smit;Delft;F-4;2026-01-15;10,00;\n\
                    D-2;consument;Y. Smit;Delft;F-5;2026-01-15;10,00;\n";
        let claims = read_all(file.as_bytes());
        assert_eq!(claims[0].local_problem, None);
        assert_eq!(claims[0].request.notes, "eerste\ntweede");
        assert_eq!(
            claims[1].local_problem.as_deref(),
            Some(
                "the rows of one claim name its debtor differently: debtor_name (line 6); one \
                 claim has one debtor"
            )
        );
    }

    /// A quoted note over two lines: the next row's line is its own, not one more than
    /// the claim's first.
    #[test]
    fn a_rows_line_counts_the_lines_of_a_quoted_note() {
        let file = "client_reference;debtor_kind;debtor_name;invoice_number;due_date;amount;notes\n\
                    D-1;consument;J. de Vries;F-1;2026-01-15;10,00;\"eerste regel\ntweede regel\"\n\
                    D-1;consument;J. de Vries;F\u{7}2;2026-01-15;10,00;\n";
        let claims = read_all(file.as_bytes());
        assert_eq!(claims[0].lines, [2, 4]);
        assert!(
            claims[0]
                .local_problem
                .as_deref()
                .is_some_and(|p| p.starts_with("invoice_number (line 4)")),
            "{:?}",
            claims[0].local_problem
        );
    }

    #[test]
    fn text_beyond_the_contracts_limits_is_told_with_its_column_and_line() {
        let long_name = "A".repeat(201);
        let file = format!(
            "client_reference;debtor_kind;debtor_name;invoice_number;due_date;amount\n\
             D-1;consument;{long_name};F-1;2026-01-15;10,00\n\
             D-1;consument;{long_name};F\u{7}2;2026-01-15;10,00\n\
             D-2;consument;J. de Vries;F-3;2026-01-15;10,00\n"
        );
        let claims = read_all(file.as_bytes());
        assert_eq!(
            claims[0].local_problem.as_deref(),
            Some(
                "debtor_name: at most 200 characters; invoice_number (line 3): the control \
                 character U+0007 is not allowed here (character 2)"
            )
        );
        assert_eq!(claims[1].local_problem, None);
    }

    #[test]
    fn a_missing_column_is_named() {
        let err = ClaimsCsv::new(&b"client_reference;debtor_name;amount\n"[..], "acme")
            .err()
            .expect("refused");
        assert!(
            err.contains("debtor_kind, invoice_number, due_date"),
            "{err}"
        );
    }

    #[test]
    fn violations_point_at_columns_and_lines() {
        // The rows' own lines: a quoted note over two lines puts the third row on 13.
        let lines = [10, 11, 13];
        assert_eq!(locate("invoices[2].amount", &lines), "amount (line 13)");
        assert_eq!(
            locate("invoices[0].number", &lines),
            "invoice_number (line 10)"
        );
        assert_eq!(locate("debtor.address.postcode", &lines), "postcode");
        assert_eq!(locate("debtor.kvk_number", &lines), "kvk_number");
        assert_eq!(locate("debtor.name", &lines), "debtor_name");
        assert_eq!(locate("client_id", &lines), "--client");
    }
}
