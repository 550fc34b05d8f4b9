//! Benchmark of `law::quote`: a claim of 5 invoices over 10 years with 3 payments must be
//! quoted in under 20 µs (issue 4), on the 2-core CI machine.
//!
//! Run: `cargo bench --bench quote`.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use exploot::law::{DebtorKind, InvoiceInput, Money, PaymentInput, QuoteRequest, quote};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn request(kind: DebtorKind) -> QuoteRequest {
    let mut r = QuoteRequest::new(kind, day(2025, 6, 30));
    for (i, (due, cents)) in [
        (day(2015, 1, 15), 125_000),
        (day(2015, 3, 31), 80_050),
        (day(2015, 7, 1), 1_999_999),
        (day(2016, 2, 29), 4_500),
        (day(2016, 11, 30), 312_345),
    ]
    .into_iter()
    .enumerate()
    {
        r.invoices.push(InvoiceInput {
            number: format!("2015-{i:04}"),
            due_date: due,
            amount: Money::from_cents(cents),
        });
    }
    for (paid_on, cents, designated) in [
        (day(2017, 5, 2), 50_000, None),
        (day(2020, 9, 15), 1_000_000, Some("2015-0003")),
        (day(2024, 1, 2), 250_000, None),
    ] {
        r.payments.push(PaymentInput {
            paid_on,
            amount: Money::from_cents(cents),
            invoice_number: designated.map(Into::into),
        });
    }
    r.letter_sent_on = Some(day(2015, 2, 3));
    r.vat_on_collection_costs = true;
    r
}

fn bench_quote(c: &mut Criterion) {
    for (name, kind) in [
        (
            "quote_5_invoices_10_years_3_payments_business",
            DebtorKind::Business,
        ),
        (
            "quote_5_invoices_10_years_3_payments_consumer",
            DebtorKind::Consumer,
        ),
    ] {
        let r = request(kind);
        quote(&r).expect("valid request");
        c.bench_function(name, |b| b.iter(|| quote(black_box(&r))));
    }
}

criterion_group!(benches, bench_quote);
criterion_main!(benches);
