//! The client's money on paper: a payout statement (per case received, to the client, to
//! the office) and the client's overview of its open items, both as one table under a
//! heading, in Dutch, with the office's name at the foot. Pure: rows in, PDF out.

use chrono::NaiveDate;

use super::RenderError;
use super::layout::{Column, Doc, LEFT, RIGHT, Style};

/// A tabular report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The heading (`Afdrachtspecificatie`).
    pub title: String,
    /// Lines under the heading (client, period, totals).
    pub intro: Vec<String>,
    /// Column headings; the first column is text, the others amounts (flush right).
    pub header: Vec<String>,
    /// The rows, as many cells as headings.
    pub rows: Vec<Vec<String>>,
    /// Closing lines (totals in words).
    pub outro: Vec<String>,
    /// The office, printed at the foot of every page.
    pub office: String,
    /// The report's date.
    pub date: NaiveDate,
}

/// Renders `report` to PDF.
pub fn render(report: &Report) -> Result<Vec<u8>, RenderError> {
    let mut doc = Doc::new(
        &report.title,
        &report.office,
        &report.title,
        report.date,
        &report.office,
    );
    doc.heading(&report.title, 14.0);
    for line in &report.intro {
        doc.paragraph(line, Style::Regular, 9.5);
    }
    doc.space(8.0);
    let columns = columns(report.header.len());
    let header: Vec<&str> = report.header.iter().map(String::as_str).collect();
    doc.row(&columns, &header, Style::Bold, 8.0);
    doc.rule(LEFT, RIGHT);
    for row in &report.rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        doc.row(&columns, &cells, Style::Regular, 8.0);
    }
    doc.rule(LEFT, RIGHT);
    for line in &report.outro {
        doc.paragraph(line, Style::Regular, 9.5);
    }
    doc.finish()
}

/// The first column takes a third of the width, the amounts share the rest.
fn columns(n: usize) -> Vec<Column> {
    let width = RIGHT - LEFT;
    if n <= 1 {
        return vec![Column::left(RIGHT)];
    }
    let first = LEFT + width / 3.0;
    let step = (RIGHT - first) / (n - 1) as f32;
    std::iter::once(Column::left(first))
        .chain((1..n).map(|i| Column::right(first + step * i as f32)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_table() {
        let pdf = render(&Report {
            title: "Afdrachtspecificatie".into(),
            intro: vec!["Acme Energie B.V.".into()],
            header: vec!["Dossier".into(), "Ontvangen".into(), "Aan u".into()],
            rows: vec![vec!["DOS-1".into(), "€ 500,00".into(), "€ 480,00".into()]],
            outro: vec!["Totaal € 480,00".into()],
            office: "Kantoor".into(),
            date: NaiveDate::from_ymd_opt(2026, 5, 31).unwrap(),
        })
        .unwrap();
        assert!(pdf.starts_with(b"%PDF"));
    }
}
