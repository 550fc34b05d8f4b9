//! Allocation of a payment (*toerekening van betalingen*, art. 6:43 and 6:44 BW).
//!
//! - Art. 6:43 picks the invoice: the one the debtor designates, otherwise the due
//!   (*opeisbare*) ones first, then the most onerous, then the oldest. All invoices of a
//!   claim earn the same statutory rate series, so none is more onerous by its rate, and
//!   exploot takes the oldest due date first, then the invoice number. An invoice not yet
//!   due on the payment day has a later due date than every due one, so "due first" falls
//!   out of the same order.
//! - Art. 6:44 lid 1 orders within an obligation: costs, then interest that has fallen
//!   due, then principal. Collection costs are costs (HR 10-07-2015,
//!   ECLI:NL:HR:2015:1868).
//!
//! Conventions exploot adopts (the law leaves them open):
//! - Collection costs are claim-level — they were computed over the invoices together — so
//!   a payment goes first to unpaid collection costs that are due on the payment day
//!   (their amount excluding VAT first, then the VAT), then invoice by invoice in 6:43
//!   order, each invoice's interest and then its principal (the debloggendeadvocaat.nl
//!   2015 example: 10,000 paid on BIK 875, interest 250 → 875, 250, 8,875 principal).
//! - A designation (art. 6:43 lid 1) only picks the invoice that comes first after the
//!   costs; what is left over continues in the default order. A designation of principal
//!   before costs and interest is not followed (the creditor may refuse it, art. 6:44
//!   lid 2).
//! - Interest accrued up to and including the payment day is rounded to cents at the
//!   moment the payment reaches the invoice (see [`interest`](super::interest)).
//! - What is left after everything owed is paid is an overpayment: reported, never
//!   dropped, never silently applied to later costs.
//!
//! Every amount handled here is whole cents; a payment never creates or loses a cent:
//! `amount = costs + costs_vat + Σ interest + Σ principal + overpaid`.

use chrono::NaiveDate;

use super::money::{Money, MoneyError};

/// Unpaid collection costs of the claim that are due on the payment day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenCosts {
    /// Collection costs excluding VAT (*buitengerechtelijke incassokosten*).
    pub costs: Money,
    /// VAT on them, when charged.
    pub vat: Money,
}

/// What is open on one invoice on the payment day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenInvoice {
    /// Invoice number, the last tie-breaker of art. 6:43.
    pub number: String,
    /// Due date (*vervaldatum*): the oldest is paid first.
    pub due_date: NaiveDate,
    /// Unpaid interest up to and including the payment day, in cents.
    pub interest: Money,
    /// Unpaid principal (*hoofdsom*).
    pub principal: Money,
}

/// What a payment did to one invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvoiceApplication {
    /// Index of the invoice in the slice given to [`allocate`].
    pub index: usize,
    /// Applied to its interest.
    pub interest: Money,
    /// Applied to its principal.
    pub principal: Money,
}

/// How one payment was applied; the parts add up to the payment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Allocation {
    /// Applied to collection costs excluding VAT.
    pub costs: Money,
    /// Applied to the VAT on collection costs.
    pub costs_vat: Money,
    /// Applied per invoice, in the order the payment reached them.
    pub invoices: Vec<InvoiceApplication>,
    /// Left over after everything open was paid (*onverschuldigd betaald*).
    pub overpaid: Money,
}

impl Allocation {
    /// Everything applied plus the overpayment: always the amount paid.
    pub fn total(&self) -> Money {
        self.costs
            + self.costs_vat
            + self
                .invoices
                .iter()
                .map(|i| i.interest + i.principal)
                .sum::<Money>()
            + self.overpaid
    }
}

/// Something a payment can be applied to: one invoice's interest and principal. Lets the
/// same allocation run over plain figures ([`OpenInvoice`]) and over running interest
/// accounts (the quote), where interest is rounded only when the payment reaches it.
pub(crate) trait Debt {
    fn due_date(&self) -> NaiveDate;
    fn number(&self) -> &str;
    /// Rounds accrued interest (the payment reaches the invoice) and pays up to
    /// `available` cents of it; returns cents applied.
    fn pay_interest(&mut self, available: i64) -> i64;
    /// Pays up to `available` cents of principal; returns cents applied.
    fn pay_principal(&mut self, available: i64) -> i64;
}

/// The order art. 6:43 applies a payment to invoices: the designated one first, then by
/// due date (oldest first), then invoice number. Returns indices into `invoices`.
pub(crate) fn allocation_order<D: Debt>(invoices: &[D], designated: Option<usize>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..invoices.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |i: usize| {
            (
                designated != Some(i),
                invoices[i].due_date(),
                invoices[i].number(),
            )
        };
        key(a).cmp(&key(b))
    });
    order
}

/// Applies `amount` cents: costs, VAT, then invoices in 6:43 order (interest, principal).
pub(crate) fn allocate_cents<D: Debt>(
    amount: i64,
    costs: &mut i64,
    vat: &mut i64,
    invoices: &mut [D],
    designated: Option<usize>,
) -> Allocation {
    let mut left = amount;
    let take = |open: &mut i64, left: &mut i64| {
        let applied = (*left).min(*open).max(0);
        *open -= applied;
        *left -= applied;
        applied
    };
    let to_costs = take(costs, &mut left);
    let to_vat = take(vat, &mut left);
    let mut applied = Vec::new();
    if left > 0 {
        for index in allocation_order(invoices, designated) {
            if left == 0 {
                break;
            }
            let debt = &mut invoices[index];
            let interest = debt.pay_interest(left);
            left -= interest;
            let principal = debt.pay_principal(left);
            left -= principal;
            if interest != 0 || principal != 0 {
                applied.push(InvoiceApplication {
                    index,
                    interest: Money::from_cents(interest),
                    principal: Money::from_cents(principal),
                });
            }
        }
    }
    Allocation {
        costs: Money::from_cents(to_costs),
        costs_vat: Money::from_cents(to_vat),
        invoices: applied,
        overpaid: Money::from_cents(left),
    }
}

struct Figures<'a> {
    number: &'a str,
    due_date: NaiveDate,
    interest: i64,
    principal: i64,
}

impl Debt for Figures<'_> {
    fn due_date(&self) -> NaiveDate {
        self.due_date
    }
    fn number(&self) -> &str {
        self.number
    }
    fn pay_interest(&mut self, available: i64) -> i64 {
        let applied = available.min(self.interest).max(0);
        self.interest -= applied;
        applied
    }
    fn pay_principal(&mut self, available: i64) -> i64 {
        let applied = available.min(self.principal).max(0);
        self.principal -= applied;
        applied
    }
}

/// Applies a payment of `amount` on a claim with `costs` due and these `invoices`
/// (interest already counted up to and including the payment day), following art. 6:43
/// and 6:44 and the conventions in the module doc. `designated` is the index of the
/// invoice the debtor designated, if any. Every amount must be whole cents.
pub fn allocate(
    amount: Money,
    costs: OpenCosts,
    invoices: &[OpenInvoice],
    designated: Option<usize>,
) -> Result<Allocation, MoneyError> {
    let mut figures = invoices
        .iter()
        .map(|i| {
            Ok(Figures {
                number: &i.number,
                due_date: i.due_date,
                interest: i.interest.to_cents()?,
                principal: i.principal.to_cents()?,
            })
        })
        .collect::<Result<Vec<_>, MoneyError>>()?;
    let mut open_costs = costs.costs.to_cents()?;
    let mut open_vat = costs.vat.to_cents()?;
    Ok(allocate_cents(
        amount.to_cents()?,
        &mut open_costs,
        &mut open_vat,
        &mut figures,
        designated,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn invoice(number: &str, due: &str, interest: &str, principal: &str) -> OpenInvoice {
        OpenInvoice {
            number: number.into(),
            due_date: d(due),
            interest: m(interest),
            principal: m(principal),
        }
    }

    #[test]
    fn debloggendeadvocaat_example() {
        // law.md §7 (debloggendeadvocaat.nl 2015): principal 10,000, interest 250, BIK 875;
        // payment 10,000 → BIK 875, interest 250, principal 8,875; 1,125 principal remains.
        let invoices = [invoice("F1", "2015-01-01", "250", "10000")];
        let costs = OpenCosts {
            costs: m("875"),
            vat: Money::ZERO,
        };
        let a = allocate(m("10000"), costs, &invoices, None).unwrap();
        assert_eq!(a.costs, m("875"));
        assert_eq!(
            a.invoices,
            [InvoiceApplication {
                index: 0,
                interest: m("250"),
                principal: m("8875"),
            }]
        );
        assert_eq!(a.overpaid, Money::ZERO);
        assert_eq!(a.total(), m("10000"));
    }

    #[test]
    fn costs_interest_and_two_invoices() {
        // Costs 150.00 + VAT 31.50; invoice A (due 2024-01-10) interest 12.34 principal
        // 500.00; invoice B (due 2024-02-10) interest 3.21 principal 700.00; listed B first.
        // Payment 1000.00: costs 150.00, VAT 31.50, A interest 12.34, A principal 500.00,
        // B interest 3.21, B principal 1000 − 150 − 31.50 − 12.34 − 500 − 3.21 = 302.95.
        let invoices = [
            invoice("B", "2024-02-10", "3.21", "700"),
            invoice("A", "2024-01-10", "12.34", "500"),
        ];
        let costs = OpenCosts {
            costs: m("150"),
            vat: m("31.50"),
        };
        let a = allocate(m("1000"), costs, &invoices, None).unwrap();
        assert_eq!((a.costs, a.costs_vat), (m("150"), m("31.50")));
        assert_eq!(
            a.invoices,
            [
                InvoiceApplication {
                    index: 1,
                    interest: m("12.34"),
                    principal: m("500"),
                },
                InvoiceApplication {
                    index: 0,
                    interest: m("3.21"),
                    principal: m("302.95"),
                },
            ]
        );
        assert_eq!(a.overpaid, Money::ZERO);
    }

    #[test]
    fn designation_picks_the_invoice_after_costs() {
        // Designating B: costs 40 first, then B (interest 3.21, principal 56.79).
        let invoices = [
            invoice("A", "2024-01-10", "12.34", "500"),
            invoice("B", "2024-02-10", "3.21", "700"),
        ];
        let costs = OpenCosts {
            costs: m("40"),
            vat: Money::ZERO,
        };
        let a = allocate(m("100"), costs, &invoices, Some(1)).unwrap();
        assert_eq!(a.costs, m("40"));
        assert_eq!(
            a.invoices,
            [InvoiceApplication {
                index: 1,
                interest: m("3.21"),
                principal: m("56.79"),
            }]
        );
    }

    #[test]
    fn same_due_date_then_invoice_number_and_overpayment() {
        let invoices = [
            invoice("2024-002", "2024-01-10", "0", "10"),
            invoice("2024-001", "2024-01-10", "0", "10"),
        ];
        let a = allocate(m("25"), OpenCosts::default(), &invoices, None).unwrap();
        assert_eq!(a.invoices[0].index, 1);
        assert_eq!(a.invoices[1].index, 0);
        assert_eq!(a.overpaid, m("5"));
        assert_eq!(a.total(), m("25"));
    }

    #[test]
    fn sub_cent_is_refused() {
        let third = Money::from_decimal(rust_decimal::Decimal::new(1, 3));
        assert!(allocate(third, OpenCosts::default(), &[], None).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn never_creates_or_loses_a_cent(
            amount in 0i64..5_000_000,
            costs in 0i64..700_000,
            vat in 0i64..150_000,
            open in proptest::collection::vec((0u64..400, 0i64..200_000, 0i64..2_000_000), 0..6),
            designated in proptest::option::of(0usize..6),
        ) {
            let invoices: Vec<OpenInvoice> = open
                .iter()
                .enumerate()
                .map(|(i, &(due, interest, principal))| OpenInvoice {
                    number: format!("F{i}"),
                    due_date: d("2020-01-01") + chrono::Days::new(due),
                    interest: Money::from_cents(interest),
                    principal: Money::from_cents(principal),
                })
                .collect();
            let designated = designated.filter(|&i| i < invoices.len());
            let open_costs = OpenCosts { costs: Money::from_cents(costs), vat: Money::from_cents(vat) };
            let a = allocate(Money::from_cents(amount), open_costs, &invoices, designated).unwrap();
            prop_assert_eq!(a.total(), Money::from_cents(amount));
            prop_assert!(a.costs <= open_costs.costs && a.costs_vat <= open_costs.vat);
            for applied in &a.invoices {
                let inv = &invoices[applied.index];
                prop_assert!(applied.interest <= inv.interest);
                prop_assert!(applied.principal <= inv.principal);
                prop_assert!(!applied.interest.is_negative() && !applied.principal.is_negative());
            }
            let owed: Money = open_costs.costs + open_costs.vat
                + invoices.iter().map(|i| i.interest + i.principal).sum::<Money>();
            prop_assert_eq!(a.overpaid, (Money::from_cents(amount) - owed).max(Money::ZERO));
        }
    }
}
