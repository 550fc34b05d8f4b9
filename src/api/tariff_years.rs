//! `AdminService.AddCourtFees` / `ListCourtFees` and `AddBailiffTariffs` /
//! `ListBailiffTariffs`: the office's yearly tariffs, read from and written to the proto.

use super::convert::{self, Violations};
use crate::case::FieldViolation;
use crate::law::bailiff_tariffs::{ACTS, BailiffAct, BtagYear};
use crate::law::court_fees::{FEE_CLASS_UPPER, FEE_CLASSES, FeeYear};
use crate::law::money::Money;
use crate::proto as pb;
use crate::workflow::{NewBailiffTariffs, NewCourtFees};

/// The longest source kept: a citation, not a document.
const MAX_SOURCE_CHARS: usize = 500;

/// The most one act may cost: ten times the dearest tariff of 2026 (art. 2o, € 226.28),
/// so that euros typed as cents ("13100") are refused, not charged.
const MAX_ACT_CENTS: i64 = 250_000;

/// The years a table may be added for.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2199;

fn check_year(v: &mut Violations, year: i32) {
    if !YEARS.contains(&year) {
        v.add(
            "year",
            format!(
                "{year} is no year from {} to {}",
                YEARS.start(),
                YEARS.end()
            ),
        );
    }
}

/// The source, trimmed; required and at most [`MAX_SOURCE_CHARS`].
fn checked_source<'a>(v: &mut Violations, source: &'a str) -> &'a str {
    let source = source.trim();
    if source.is_empty() {
        v.add(
            "source",
            "required: where the figures come from (e.g. the Staatscourant)",
        );
    } else if source.chars().count() > MAX_SOURCE_CHARS {
        v.add("source", format!("at most {MAX_SOURCE_CHARS} characters"));
    }
    source
}

/// A class's upper bound as the contract writes it: "500.00"; empty for the top class.
fn up_to(class: usize) -> String {
    FEE_CLASS_UPPER
        .get(class)
        .map(|&euros| Money::from_euros(euros).to_string())
        .unwrap_or_default()
}

/// The year to add, every bad field named (`classes[2].natural_person`).
pub fn new_court_fees(r: &pb::AddCourtFeesRequest) -> Result<NewCourtFees, Vec<FieldViolation>> {
    let mut v = Violations::default();
    check_year(&mut v, r.year);
    if r.classes.len() != FEE_CLASSES {
        v.add(
            "classes",
            format!(
                "{} classes given: the kanton table has six, lowest first (up to € 500, \
                 € 1,500, € 2,500, € 5,000, € 12,500, above)",
                r.classes.len()
            ),
        );
    }
    let mut cents = [[0_i64; 3]; FEE_CLASSES];
    for (i, class) in r.classes.iter().enumerate().take(FEE_CLASSES) {
        let bound = up_to(i);
        let given = class.up_to.trim();
        if !given.is_empty() && Money::parse(given).ok() != Money::parse(&bound).ok() {
            v.add(
                format!("classes[{i}].up_to"),
                if bound.is_empty() {
                    format!("{given:?}: the top class has no upper bound (leave it empty)")
                } else {
                    format!("{given:?}: class {i}'s upper bound is {bound} (or leave it empty)")
                },
            );
        }
        let figures = [
            ("legal_person", &class.legal_person),
            ("natural_person", &class.natural_person),
            ("onvermogend", &class.onvermogend),
        ];
        // In the column order of `law::court_fees::FeePayer`.
        for (payer, (name, text)) in figures.into_iter().enumerate() {
            if let Some(amount) = v.check(
                format!("classes[{i}].{name}"),
                convert::positive_amount(text.trim()),
            ) {
                match amount.to_cents() {
                    Ok(c) => cents[i][payer] = c,
                    Err(e) => v.add(format!("classes[{i}].{name}"), e.to_string()),
                }
            }
        }
    }
    let source = checked_source(&mut v, &r.source);
    v.into_result(|| NewCourtFees {
        year: r.year,
        figures: cents,
        source: source.to_owned(),
        override_past: r.r#override,
    })
}

/// A year of the table as the proto message; `id` for an office year.
pub fn year_to_proto(year: &FeeYear, id: &str) -> pb::CourtFeeYear {
    let euros = |cents: i64| Money::from_cents(cents).to_string();
    pb::CourtFeeYear {
        year: year.year,
        classes: year
            .figures
            .iter()
            .enumerate()
            .map(|(i, [legal, natural, onvermogend])| pb::CourtFeeClass {
                up_to: up_to(i),
                legal_person: euros(*legal),
                natural_person: euros(*natural),
                onvermogend: euros(*onvermogend),
            })
            .collect(),
        source: year.source.clone(),
        status: year.status.as_str().to_owned(),
        note: year.note.clone(),
        id: id.to_owned(),
    }
}

/// The Btag year to add, every bad field named (`tariffs[3].amount`): each of the nine
/// acts once, in any order.
pub fn new_bailiff_tariffs(
    r: &pb::AddBailiffTariffsRequest,
) -> Result<NewBailiffTariffs, Vec<FieldViolation>> {
    let mut v = Violations::default();
    check_year(&mut v, r.year);
    let mut cents: [Option<i64>; ACTS] = [None; ACTS];
    let mut seen = [false; ACTS];
    for (i, tariff) in r.tariffs.iter().enumerate() {
        let Some(act) = BailiffAct::parse(tariff.act.trim()) else {
            v.add(
                format!("tariffs[{i}].act"),
                format!(
                    "{:?} is no act: one of {}",
                    tariff.act,
                    BailiffAct::ALL.map(BailiffAct::as_str).join(", ")
                ),
            );
            continue;
        };
        let column = act.column();
        if std::mem::replace(&mut seen[column], true) {
            v.add(
                format!("tariffs[{i}].act"),
                format!("{} given twice", act.as_str()),
            );
            continue;
        }
        if let Some(amount) = v.check(
            format!("tariffs[{i}].amount"),
            convert::positive_amount(tariff.amount.trim()),
        ) {
            match amount.to_cents() {
                Ok(c) if c > MAX_ACT_CENTS => v.add(
                    format!("tariffs[{i}].amount"),
                    format!(
                        "{amount} is no Btag tariff: at most {} (in euros, e.g. 131.00)",
                        Money::from_cents(MAX_ACT_CENTS)
                    ),
                ),
                Ok(c) => cents[column] = Some(c),
                Err(e) => v.add(format!("tariffs[{i}].amount"), e.to_string()),
            }
        }
    }
    let missing: Vec<&str> = BailiffAct::ALL
        .iter()
        .zip(seen)
        .filter(|(_, seen)| !seen)
        .map(|(act, _)| act.as_str())
        .collect();
    if !missing.is_empty() {
        v.add(
            "tariffs",
            format!(
                "every act of Btag art. 2 needs its tariff; missing: {}",
                missing.join(", ")
            ),
        );
    }
    let source = checked_source(&mut v, &r.source);
    v.into_result(|| NewBailiffTariffs {
        year: r.year,
        figures: cents.map(Option::unwrap_or_default),
        source: source.to_owned(),
        override_past: r.r#override,
    })
}

/// A Btag year as the proto message; `id` for an office year.
pub fn btag_year_to_proto(year: &BtagYear, id: &str) -> pb::BailiffTariffYear {
    pb::BailiffTariffYear {
        year: year.year,
        valid_from: year.figures.from.to_string(),
        tariffs: BailiffAct::ALL
            .iter()
            .zip(year.figures.cents)
            .map(|(act, cents)| pb::BailiffTariff {
                act: act.as_str().to_owned(),
                article: act.article().to_owned(),
                amount: cents
                    .map(|c| Money::from_cents(c).to_string())
                    .unwrap_or_default(),
            })
            .collect(),
        source: year.source.clone(),
        status: year.status.as_str().to_owned(),
        note: year.note.clone(),
        id: id.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(up_to: &str, legal: &str, natural: &str, onvermogend: &str) -> pb::CourtFeeClass {
        pb::CourtFeeClass {
            up_to: up_to.into(),
            legal_person: legal.into(),
            natural_person: natural.into(),
            onvermogend: onvermogend.into(),
        }
    }

    fn request() -> pb::AddCourtFeesRequest {
        pb::AddCourtFeesRequest {
            year: 2027,
            classes: vec![
                class("500", "143", "96", "96"),
                class("", "360", "240", "96"),
                class("2500.00", "409", "273", "96"),
                class("", "545", "273", "96"),
                class("12500", "576", "273", "96"),
                class("", "1549", "776", "96"),
            ],
            source: "Stcrt. 2026, 34567".into(),
            r#override: false,
        }
    }

    #[test]
    fn a_full_table_reads_into_cents_by_class_and_payer() {
        let fees = new_court_fees(&request()).unwrap();
        assert_eq!(fees.year, 2027);
        assert_eq!(fees.figures[0], [14_300, 9_600, 9_600]);
        assert_eq!(fees.figures[5], [154_900, 77_600, 9_600]);
        assert_eq!(fees.source, "Stcrt. 2026, 34567");
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut r = request();
        r.year = 1999;
        r.classes[1].natural_person = "-5".into();
        r.classes[2].up_to = "2000".into();
        r.classes[4].onvermogend = String::new();
        r.classes[5].up_to = "25000".into();
        r.source = " ".into();
        let fields: Vec<String> = new_court_fees(&r)
            .unwrap_err()
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(
            fields,
            [
                "year",
                "classes[1].natural_person",
                "classes[2].up_to",
                "classes[4].onvermogend",
                "classes[5].up_to",
                "source"
            ]
        );
        let mut short = request();
        short.classes.pop();
        let fields: Vec<String> = new_court_fees(&short)
            .unwrap_err()
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(fields, ["classes"]);
    }

    #[test]
    fn a_year_reads_back_as_it_was_given() {
        let fees = new_court_fees(&request()).unwrap();
        let year = FeeYear {
            year: fees.year,
            figures: fees.figures,
            source: fees.source,
            status: crate::law::FeeStatus::Office,
            note: String::new(),
        };
        let back = year_to_proto(&year, "id-1");
        assert_eq!(back.classes[0].up_to, "500.00");
        assert_eq!(back.classes[5].up_to, "");
        assert_eq!(back.classes[3].legal_person, "545.00");
        assert_eq!(back.status, "office");
        assert_eq!(back.id, "id-1");
    }

    fn btag_request() -> pb::AddBailiffTariffsRequest {
        pb::AddBailiffTariffsRequest {
            year: 2027,
            // Reversed, to show the order does not matter.
            tariffs: BailiffAct::ALL
                .iter()
                .rev()
                .enumerate()
                .map(|(i, act)| pb::BailiffTariff {
                    act: act.as_str().into(),
                    article: String::new(),
                    amount: format!("{}.{:02}", 100 + i, i),
                })
                .collect(),
            source: "Stcrt. 2026, 45678".into(),
            r#override: false,
        }
    }

    #[test]
    fn a_btag_year_reads_into_cents_in_act_order() {
        let tariffs = new_bailiff_tariffs(&btag_request()).unwrap();
        // Given last, the summons (art. 2a) was € 108.08; given first, art. 2o € 100.00.
        assert_eq!(tariffs.figures[0], 10_808);
        assert_eq!(tariffs.figures[8], 10_000);
        let year = BtagYear {
            year: 2027,
            figures: crate::law::BtagFigures {
                from: "2027-01-01".parse().unwrap(),
                cents: tariffs.figures.map(Some),
            },
            source: tariffs.source,
            status: crate::law::FeeStatus::Office,
            note: String::new(),
        };
        let back = btag_year_to_proto(&year, "id-2");
        assert_eq!(back.tariffs[0].act, "summons");
        assert_eq!(back.tariffs[0].article, "2a");
        assert_eq!(back.tariffs[0].amount, "108.08");
        assert_eq!(back.valid_from, "2027-01-01");
    }

    #[test]
    fn every_bad_btag_field_is_named() {
        let mut r = btag_request();
        r.year = 2300;
        r.tariffs[0].amount = "0".into();
        r.tariffs[1].act = "dagvaarding".into();
        r.tariffs[2].act = r.tariffs[3].act.clone();
        r.tariffs[4].amount = "13100".into();
        r.source.clear();
        let fields: Vec<String> = new_bailiff_tariffs(&r)
            .unwrap_err()
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(
            fields,
            [
                "year",
                "tariffs[0].amount",
                "tariffs[1].act",
                "tariffs[3].act",
                "tariffs[4].amount",
                "tariffs",
                "source"
            ]
        );
    }
}
