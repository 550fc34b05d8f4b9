//! Tariffs set by the year: the kanton court fees (`court_fees`) and the bailiff's fees
//! (`bailiff_tariffs`). Both are indexed every 1 January and published a few weeks before,
//! so the built-in years run out: the office adds the next year itself
//! (`AdminService.AddCourtFees`, `AddBailiffTariffs`) and its years are merged over the
//! built-in ones, as its interest rates are (`law::rates`).

use std::sync::Arc;

/// How far a year's figures can be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeeStatus {
    /// Seen in a retrieved source, cited with the year.
    Verified,
    /// Derived or partly unconfirmed: the note says which figures.
    Unverified,
    /// Added by the office with the source it gave.
    Office,
}

impl FeeStatus {
    /// The wire's name.
    pub fn as_str(self) -> &'static str {
        match self {
            FeeStatus::Verified => "verified",
            FeeStatus::Unverified => "unverified",
            FeeStatus::Office => "office",
        }
    }
}

/// One year of a tariff: its `figures` with where they come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TariffYear<F> {
    /// The year the figures apply to.
    pub year: i32,
    /// The figures, in cents.
    pub figures: F,
    /// Where the figures come from.
    pub source: String,
    /// How far they can be trusted.
    pub status: FeeStatus,
    /// What the source says; for an office year, who added it and when.
    pub note: String,
}

/// A tariff's years in force: the built-in ones with the office's merged over them.
/// Cheap to clone (the years are shared).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearTable<F> {
    years: Arc<[TariffYear<F>]>,
}

impl<F: Clone> YearTable<F> {
    /// A table of `years`, in order of year.
    pub fn new(mut years: Vec<TariffYear<F>>) -> Self {
        years.sort_by_key(|y| y.year);
        YearTable {
            years: years.into(),
        }
    }

    /// This table with `office` years over it, in the order added: a year replaces the
    /// built-in or earlier added one of that year.
    pub fn with_office_years(&self, office: &[TariffYear<F>]) -> Self {
        let mut years = self.years.to_vec();
        for added in office {
            years.retain(|y| y.year != added.year);
            years.push(added.clone());
        }
        Self::new(years)
    }

    /// Every year, in order.
    pub fn years(&self) -> &[TariffYear<F>] {
        &self.years
    }

    /// The year's figures, if there are any.
    pub fn year(&self, year: i32) -> Option<&TariffYear<F>> {
        self.years.iter().find(|y| y.year == year)
    }
}
