//! `CalculatorService.QuoteClaim` over gRPC gives the law's figures.

use chrono::NaiveDate;
use exploot::law::money::Money;
use exploot::law::quote::{self, DebtorKind, InvoiceInput, PaymentInput, QuoteRequest};
use exploot::proto as pb;
use tonic::Code;

use crate::harness::{TestDb, TestServer, bad_fields};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn invoice(number: &str, due: &str, amount: &str) -> pb::Invoice {
    pb::Invoice {
        number: number.into(),
        due_date: due.into(),
        amount: amount.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn quote_claim_matches_the_law_functions() {
    let server = TestServer::start(&TestDb::sqlite()).await;
    let request = pb::QuoteClaimRequest {
        debtor_kind: pb::DebtorKind::Consumer.into(),
        invoices: vec![
            invoice("A", "2024-03-31", "1500.00"),
            invoice("B", "2024-06-30", "900.00"),
        ],
        payments: vec![pb::Payment {
            paid_on: "2025-01-15".into(),
            amount: "600.00".into(),
            ..Default::default()
        }],
        as_of: "2026-05-04".into(),
        letter_sent_on: "2024-07-10".into(),
        vat_on_collection_costs: true,
        letter_delivery_days: 0,
    };
    let over_grpc = server
        .calculator()
        .quote_claim(request)
        .await
        .expect("QuoteClaim")
        .into_inner();

    let mut direct = QuoteRequest::new(DebtorKind::Consumer, day("2026-05-04"));
    direct.invoices = vec![
        InvoiceInput {
            number: "A".into(),
            due_date: day("2024-03-31"),
            amount: Money::parse("1500.00").unwrap(),
        },
        InvoiceInput {
            number: "B".into(),
            due_date: day("2024-06-30"),
            amount: Money::parse("900.00").unwrap(),
        },
    ];
    direct.payments = vec![PaymentInput {
        paid_on: day("2025-01-15"),
        amount: Money::parse("600.00").unwrap(),
        invoice_number: None,
    }];
    direct.letter_sent_on = Some(day("2024-07-10"));
    direct.vat_on_collection_costs = true;
    let law = quote::quote(&direct).expect("valid");

    assert_eq!(over_grpc.principal, law.principal.to_string());
    assert_eq!(over_grpc.interest, law.interest.to_string());
    assert_eq!(over_grpc.collection_costs, law.collection_costs.to_string());
    assert_eq!(
        over_grpc.collection_costs_vat,
        law.collection_costs_vat.to_string()
    );
    assert_eq!(over_grpc.paid, "600.00");
    assert_eq!(over_grpc.total_due, law.total_due.to_string());
    assert_eq!(over_grpc.overpaid, law.overpaid.to_string());
    assert_eq!(
        over_grpc.letter_term_ends_on,
        law.letter_term_ends_on.unwrap().to_string()
    );
    assert_eq!(over_grpc.interest_periods.len(), law.interest_periods.len());
    for (got, want) in over_grpc.interest_periods.iter().zip(&law.interest_periods) {
        assert_eq!(
            (
                got.invoice_number.as_str(),
                got.from.as_str(),
                got.to.as_str(),
                got.base.as_str(),
                got.amount.as_str()
            ),
            (
                want.invoice_number.as_str(),
                want.from.to_string().as_str(),
                want.to.to_string().as_str(),
                want.base.to_string().as_str(),
                want.amount.to_string().as_str()
            )
        );
    }
    // Hand check of the letter term: sent Wednesday 10 July 2024; delivery days Thursday 11
    // and Friday 12 July, so received Friday 12 July; 14 days from Saturday 13 July end on
    // Friday 26 July 2024, a working day (art. 6:96 lid 6 BW, HR 2016:2704).
    assert_eq!(over_grpc.letter_term_ends_on, "2024-07-26");
    // The sum adds up.
    let sum = ["principal", "interest", "costs", "vat"]
        .iter()
        .zip([
            &over_grpc.principal,
            &over_grpc.interest,
            &over_grpc.collection_costs,
            &over_grpc.collection_costs_vat,
        ])
        .map(|(_, v)| Money::parse(v).unwrap())
        .fold(Money::ZERO, |a, b| a + b);
    assert_eq!(sum.to_string(), over_grpc.total_due);
    server.stop().await;
}

#[tokio::test]
async fn a_business_claim_owes_costs_from_the_day_after_the_due_date() {
    let server = TestServer::start(&TestDb::sqlite()).await;
    // €3,000.00 principal: BIK 15 % of 2,500 + 10 % of 500 = 375 + 50 = €425.00 (Besluit
    // BIK art. 2; law.md §3 worked example), no VAT asked.
    let request = pb::QuoteClaimRequest {
        debtor_kind: pb::DebtorKind::Business.into(),
        invoices: vec![invoice("X", "2026-04-01", "3000.00")],
        as_of: "2026-04-02".into(),
        ..Default::default()
    };
    let quote = server
        .calculator()
        .quote_claim(request)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(quote.collection_costs, "425.00");
    assert_eq!(quote.collection_costs_vat, "0.00");
    assert_eq!(quote.collection_costs_due_from, "2026-04-02");
    // One day of commercial interest at 10.15 % (6:119a from 2026-01-01, UNVERIFIED row):
    // 3000 × 0.1015 / 365 = 0.8342… → €0.83.
    assert_eq!(quote.interest, "0.83");
    assert_eq!(quote.total_due, "3425.83");
    server.stop().await;
}

#[tokio::test]
async fn bad_quote_requests_name_every_field() {
    let server = TestServer::start(&TestDb::sqlite()).await;
    let request = pb::QuoteClaimRequest {
        debtor_kind: 7,
        invoices: vec![
            invoice("A", "2026-13-01", "10.001"),
            invoice("B", "2026-01-01", "-1"),
        ],
        payments: vec![pb::Payment {
            paid_on: "yesterday".into(),
            amount: "5".into(),
            ..Default::default()
        }],
        as_of: "2026-05-04".into(),
        ..Default::default()
    };
    let err = server
        .calculator()
        .quote_claim(request)
        .await
        .expect_err("invalid");
    assert_eq!(err.code(), Code::InvalidArgument);
    let fields = bad_fields(&err);
    assert_eq!(
        fields,
        [
            "debtor_kind",
            "invoices[0].amount",
            "invoices[0].due_date",
            "invoices[1].amount",
            "payments[0].paid_on"
        ]
    );

    // Semantic checks come from the law: as_of before a due date, no invoices.
    let early = pb::QuoteClaimRequest {
        debtor_kind: pb::DebtorKind::Consumer.into(),
        invoices: vec![invoice("A", "2026-05-01", "10.00")],
        as_of: "2026-04-30".into(),
        ..Default::default()
    };
    let err = server
        .calculator()
        .quote_claim(early)
        .await
        .expect_err("as_of too early");
    let fields = bad_fields(&err);
    assert!(fields.iter().any(|f| f == "as_of"), "{fields:?}");
    server.stop().await;
}

/// Art. II Wet normering buitengerechtelijke incassokosten, through the real server's
/// `QuoteClaim`: a business claim of invoice A € 1,000.00 due 2012-06-29 (in default from
/// 2012-06-30, before 2012-07-01: no statutory collection costs) and B € 2,000.00 due
/// 2012-06-30 (in default from 2012-07-01), asked on 2012-12-31.
///
/// - Collection costs over B's 2,000.00 only, due from 2012-07-01: 15 % = 300.00 (over
///   both, 3,000.00, they would be 425.00); VAT 21 % (rate from 2012-10-01 is 21 %, but
///   the costs fell due on 2012-07-01, when it was 19 %): 300.00 × 0.19 = 57.00.
/// - Interest 6:119a at 8.00 % (all of 2012, rates.csv): A 2012-06-30 ..= 12-31, 185
///   days: 1000 × 0.08 × 185 / 365 = 40.547945 → 40.55; B 2012-07-01 ..= 12-31, 184
///   days: 2000 × 0.08 × 184 / 365 = 80.657534 → 80.66; together 121.21.
/// - Total 3,000.00 + 121.21 + 300.00 + 57.00 = 3,478.21.
/// - A alone: no costs, no day they fall due; 1,000.00 + 40.55 = 1,040.55.
async fn no_collection_costs_for_a_default_before_july_2012(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut request = pb::QuoteClaimRequest {
        debtor_kind: pb::DebtorKind::Business.into(),
        invoices: vec![
            invoice("A", "2012-06-29", "1000.00"),
            invoice("B", "2012-06-30", "2000.00"),
        ],
        as_of: "2012-12-31".into(),
        vat_on_collection_costs: true,
        ..Default::default()
    };
    let q = server
        .calculator()
        .quote_claim(request.clone())
        .await
        .expect("QuoteClaim")
        .into_inner();
    assert_eq!(q.collection_costs, "300.00");
    assert_eq!(q.collection_costs_vat, "57.00");
    assert_eq!(q.collection_costs_due_from, "2012-07-01");
    assert_eq!(q.interest, "121.21");
    assert_eq!(q.total_due, "3478.21");
    assert_eq!(q.warnings.len(), 1, "{:?}", q.warnings);
    assert!(
        q.warnings[0].starts_with("invoice A: default began on 2012-06-30, before 2012-07-01"),
        "{:?}",
        q.warnings
    );

    request.invoices.truncate(1);
    let q = server
        .calculator()
        .quote_claim(request)
        .await
        .expect("QuoteClaim")
        .into_inner();
    assert_eq!(q.collection_costs, "0.00");
    assert_eq!(q.collection_costs_vat, "0.00");
    assert_eq!(q.collection_costs_due_from, "");
    assert_eq!(q.total_due, "1040.55");
    assert_eq!(q.warnings.len(), 1);
    server.stop().await;
}
crate::harness::on_both_backends!(no_collection_costs_for_a_default_before_july_2012);
