//! Byte-level fuzzing of every reader of outside bytes: the claims CSV a client sends, the
//! registers' XML and JSON answers. Each must answer `Ok` or `Err` for any input, never
//! panic and never hang. Proptest mutates real samples (and makes up bytes from nothing),
//! and shrinks a finding to a small input.
//!
//! `cargo test` runs a short round (`FUZZ_CASES` per reader, default 96). Longer:
//!
//! ```sh
//! FUZZ_CASES=200000 cargo test --release --lib fuzz -- --nocapture
//! ```
//!
//! (cargo-fuzz would need a nightly toolchain, which the build machines do not have.)
//! A new reader is one line in [`READERS`].

use std::io::BufReader;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::cli::claims_csv::ClaimsCsv;
use crate::registry::{cir, fixture::Fixtures, kvk, xml};

/// A reader and the samples its mutations start from.
struct Reader {
    name: &'static str,
    read: fn(&[u8]),
    samples: fn() -> Vec<Vec<u8>>,
}

/// Every reader of outside bytes.
const READERS: &[Reader] = &[
    Reader {
        name: "camt053",
        read: |b| {
            let _ = crate::bank::camt053::parse(b);
        },
        samples: || vec![include_bytes!("../tests/fixtures/camt053/statement.xml").to_vec()],
    },
    Reader {
        name: "claims_csv",
        read: read_claims_csv,
        samples: csv_samples,
    },
    Reader {
        name: "registry_xml",
        read: |b| {
            let _ = xml::parse(&String::from_utf8_lossy(b));
        },
        samples: cir_samples,
    },
    Reader {
        name: "cir_search",
        read: |b| {
            let _ = cir::read_search(200, &String::from_utf8_lossy(b));
        },
        samples: cir_samples,
    },
    Reader {
        name: "cir_case",
        read: |b| {
            let _ = cir::read_case(200, &String::from_utf8_lossy(b));
        },
        samples: cir_samples,
    },
    Reader {
        name: "kvk_basisprofiel",
        read: |b| {
            let _ = kvk::read_basisprofiel(200, &String::from_utf8_lossy(b));
        },
        samples: kvk_samples,
    },
    Reader {
        name: "kvk_zoeken",
        read: |b| {
            let _ = kvk::read_zoeken(200, &String::from_utf8_lossy(b));
        },
        samples: kvk_samples,
    },
];

fn read_claims_csv(bytes: &[u8]) {
    let Ok(mut claims) = ClaimsCsv::new(BufReader::new(bytes), "acme") else {
        return;
    };
    // Each call reads at least one record of the finite input, so this ends; the bound
    // only makes a bug that stops it from advancing a failure instead of a hang.
    for _ in 0..=bytes.len() + 1 {
        match claims.next_claim() {
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => return,
        }
    }
    panic!("next_claim did not reach the end of {} bytes", bytes.len());
}

fn csv_samples() -> Vec<Vec<u8>> {
    vec![
        b"\xEF\xBB\xBFDossiernummer;Soort;Naam;Adres;Postcode;Plaats;Factuurnummer;Factuurdatum;Vervaldatum;Bedrag;Opmerkingen\r\n\
          D-1;consument;J. de Vries;Kerkstraat 12;3511 LK;Utrecht;F-1;01-01-2026;15-01-2026;1.234,56;\"belt; terug\"\r\n\
          D-1;consument;J. de Vries;Kerkstraat 12;3511 LK;Utrecht;F-2;01-01-2026;15-02-2026;99,95;\r\n"
            .to_vec(),
        b"client_reference,debtor_kind,debtor_name,kvk_number,invoice_number,due_date,amount,errors\n\
          B-1,business,Acme B.V.,68750110,F-9,2026-01-15,12.30,\"old \"\"error\"\"\"\n"
            .to_vec(),
        b"reference\tkind\tname\tinvoice\tdue_date\tamount\nX\tc\tN\t1\t2026-01-01\t1\n\xE9\xFF\n"
            .to_vec(),
    ]
}

fn cir_samples() -> Vec<Vec<u8>> {
    let fixtures = Fixtures::embedded();
    let mut samples: Vec<Vec<u8>> = fixtures
        .insolvency
        .iter()
        .take(3)
        .map(|f| {
            soap("getCase", &format!(
                r#"<inspubWebserviceInsolvente xmlns="http://www.rechtspraak.nl/namespaces/inspubber01">{}</inspubWebserviceInsolvente>"#,
                f.insolvente
            ))
        })
        .collect();
    samples.push(soap(
        "searchUndertaking",
        r#"<publicatieLijst xmlns="http://www.rechtspraak.nl/namespaces/inspubber01"><publicatieKenmerk>16.ams.21.100.F.1300.1.00</publicatieKenmerk></publicatieLijst>"#,
    ));
    samples
}

fn soap(operation: &str, result: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><{operation}Response xmlns="{ns}"><{operation}Result>{result}</{operation}Result></{operation}Response></soap:Body></soap:Envelope>"#,
        ns = cir::NAMESPACE,
    )
    .into_bytes()
}

fn kvk_samples() -> Vec<Vec<u8>> {
    let fixtures = Fixtures::embedded();
    let mut samples: Vec<Vec<u8>> = fixtures
        .trade
        .iter()
        .take(3)
        .map(|t| t.basisprofiel.to_string().into_bytes())
        .collect();
    samples.push(
        br#"{"pagina":1,"resultatenPerPagina":10,"totaal":1,"resultaten":[{"kvkNummer":"68750110","naam":"Acme","type":"hoofdvestiging"}]}"#
            .to_vec(),
    );
    samples
}

/// Fragments a mutation splices in: the syntax the readers look for, and what breaks it.
const TOKENS: &[&[u8]] = &[
    b"<",
    b">",
    b"</",
    b"/>",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"<!DOCTYPE x [<!ENTITY a \"&a;\">]>",
    b"&amp;",
    b"&#0;",
    b"&#x110000;",
    b"&bogus;",
    b"xmlns:a=\"\"",
    b"\"",
    b"'",
    b";",
    b",",
    b"\t",
    b"\r\n",
    b"\n",
    b"\r",
    b"\0",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xC3",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"null",
    b"-1",
    b"1e999",
    b"99999999999999999999",
    b"2026-02-30",
    b"31-12-9999",
];

/// One edit of a sample.
#[derive(Clone, Debug)]
enum Edit {
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, usize),
    Repeat(usize, usize, usize),
    Truncate(usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Flip(at, b)),
        (any::<usize>(), 1..64usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, t)| Edit::Insert(at, t)),
        (any::<usize>(), 1..100usize, 2..200usize).prop_map(|(at, n, k)| Edit::Repeat(at, n, k)),
        any::<usize>().prop_map(Edit::Truncate),
    ];
    proptest::collection::vec(edit, 0..12)
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for edit in edits {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
        match *edit {
            Edit::Flip(i, b) if !bytes.is_empty() => {
                let i = i % bytes.len();
                bytes[i] = b;
            }
            Edit::Flip(..) => {}
            Edit::Delete(i, n) => {
                let i = at(i, bytes.len());
                let end = (i + n).min(bytes.len());
                bytes.drain(i..end);
            }
            Edit::Insert(i, t) => {
                let i = at(i, bytes.len());
                bytes.splice(i..i, TOKENS[t].iter().copied());
            }
            Edit::Repeat(i, n, times) => {
                let i = at(i, bytes.len());
                let end = (i + n).min(bytes.len());
                let piece = bytes[i..end].to_vec();
                let copies: Vec<u8> = piece
                    .iter()
                    .copied()
                    .cycle()
                    .take(piece.len() * times)
                    .collect();
                bytes.splice(end..end, copies);
            }
            Edit::Truncate(i) => {
                let i = at(i, bytes.len());
                bytes.truncate(i);
            }
        }
    }
    bytes
}

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(96)
}

fn fuzz(reader: &Reader) {
    let samples = (reader.samples)();
    let input = prop_oneof![
        // A sample, edited.
        (0..samples.len(), edits()).prop_map(move |(s, e)| apply(samples[s].clone(), &e)),
        // Bytes from nothing.
        proptest::collection::vec(any::<u8>(), 0..2048),
    ];
    let mut config = Config::with_cases(cases());
    config.failure_persistence = None;
    let mut runner = TestRunner::new(config);
    if let Err(failure) = runner.run(&input, |bytes| {
        (reader.read)(&bytes);
        Ok(())
    }) {
        panic!("{}: {failure}", reader.name);
    }
}

#[test]
fn every_reader_of_outside_bytes_survives_any_bytes() {
    for reader in READERS {
        fuzz(reader);
    }
}

#[test]
fn the_samples_are_read_as_intended() {
    // Mutations of samples that do not parse would fuzz only the first error path.
    for sample in csv_samples().iter().take(2) {
        let mut claims = ClaimsCsv::new(BufReader::new(&sample[..]), "acme").expect("a header");
        assert!(claims.next_claim().expect("a claim").is_some());
    }
    for sample in &cir_samples()[..3] {
        assert!(cir::read_case(200, &String::from_utf8_lossy(sample)).is_ok());
    }
    assert!(cir::read_search(200, &String::from_utf8_lossy(&cir_samples()[3])).is_ok());
    for sample in &kvk_samples()[..3] {
        assert!(kvk::read_basisprofiel(200, &String::from_utf8_lossy(sample)).is_ok());
    }
    assert!(kvk::read_zoeken(200, &String::from_utf8_lossy(&kvk_samples()[3])).is_ok());
}
