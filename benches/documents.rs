//! Benchmark of rendering a 14-dagenbrief to PDF: under 20 ms on the 2-core CI machine
//! (issue 9). Measured separately: building the letter's data (the law's quote, term and
//! costs) and rendering it (layout, font subset, compression).
//!
//! Run: `cargo bench --bench documents`.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use exploot::documents::{DocumentKind, FourteenDayLetter, Office, render, samples};

fn bench_documents(c: &mut Criterion) {
    let data = samples::fourteen_day_letter().expect("sample letter");
    render(DocumentKind::FourteenDayLetter, &data).expect("renders");
    c.bench_function("fourteen_day_letter_render", |b| {
        b.iter(|| render(DocumentKind::FourteenDayLetter, black_box(&data)))
    });
    let office = Office::example();
    let client = samples::client();
    let case = samples::consumer_case();
    let sent_on = NaiveDate::from_ymd_opt(2026, 4, 1).expect("valid date");
    c.bench_function("fourteen_day_letter_build_and_render", |b| {
        b.iter(|| {
            let letter =
                FourteenDayLetter::build(&office, &client, black_box(&case), sent_on, 2, &[])
                    .expect("builds");
            render(
                DocumentKind::FourteenDayLetter,
                &exploot::documents::DocumentData::FourteenDayLetter(letter),
            )
        })
    });
    for sample in samples::all().expect("samples") {
        let name = format!("{}_render", sample.kind().as_str());
        if sample.kind() != DocumentKind::FourteenDayLetter {
            c.bench_function(&name, |b| {
                b.iter(|| render(sample.kind(), black_box(&sample)))
            });
        }
    }
}

criterion_group!(benches, bench_documents);
criterion_main!(benches);
