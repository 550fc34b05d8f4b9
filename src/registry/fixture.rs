//! The fixture register: the embedded default when no register URL is configured, so a new
//! user can walk a case to every verdict without credentials or network, and the data the
//! tests' fake servers serve. It answers from `fixtures.json` in the registers' own wire
//! formats and reads those answers with the real clients' parsers, so a fixture that does
//! not parse fails here as it would against the real register.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;

use super::{
    Answer, Evidence, InsolvencyRegister, KvkQuery, LookupError, PersonQuery, TradeRegister,
    UndertakingQuery, cir, kvk,
};
use crate::case::recoverability::{InsolvencyCase, TradeLookup};
use crate::clock::Clock;

/// The checked-in fixture data.
pub const FIXTURES_JSON: &str = include_str!("fixtures.json");

/// The fixture file, parsed.
#[derive(Clone, Debug, Deserialize)]
pub struct Fixtures {
    /// KvK registrations.
    pub trade: Vec<TradeFixture>,
    /// Insolvency cases.
    pub insolvency: Vec<InsolvencyFixture>,
}

/// One KvK registration: the Basisprofiel body as the API sends it.
#[derive(Clone, Debug, Deserialize)]
pub struct TradeFixture {
    /// The verdict a debtor with this registration gets (documentation and tests).
    pub verdict: String,
    /// What it is.
    pub note: String,
    /// The Basisprofiel v1 body.
    pub basisprofiel: Value,
}

/// One insolvency case: the search keys that find it and its `insolvente` element.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InsolvencyFixture {
    /// The verdict a debtor with this case gets.
    pub verdict: String,
    /// What it is.
    pub note: String,
    /// `searchUndertaking` by KvK number finds it.
    #[serde(default, rename = "commercialRegisterID")]
    pub commercial_register_id: Option<String>,
    /// `searchUndertaking` by name finds it.
    #[serde(default)]
    pub name: Option<String>,
    /// `searchNaturalPerson` by surname…
    #[serde(default)]
    pub surname: Option<String>,
    /// …prefix…
    #[serde(default)]
    pub prefix: Option<String>,
    /// …and date of birth finds it.
    #[serde(default)]
    pub date_of_birth: Option<NaiveDate>,
    /// The references a search returns; `getCase` of any gives this case.
    pub publicatie_kenmerken: Vec<String>,
    /// The `insolvente` element of the getCase answer.
    pub insolvente: String,
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

impl Fixtures {
    /// The checked-in file (its validity is a unit test).
    pub fn embedded() -> Self {
        serde_json::from_str(FIXTURES_JSON).expect("src/registry/fixtures.json is valid")
    }

    /// The Basisprofiel of a KvK number.
    pub fn basisprofiel(&self, kvk_number: &str) -> Option<&Value> {
        self.trade
            .iter()
            .map(|t| &t.basisprofiel)
            .find(|b| b["kvkNummer"].as_str() == Some(kvk_number))
    }

    /// The registrations whose name or a trade name is `name` and whose main branch (or
    /// owner) is in `place`, as Zoeken would find them.
    pub fn search_trade(&self, name: &str, place: &str) -> Vec<&Value> {
        self.trade
            .iter()
            .map(|t| &t.basisprofiel)
            .filter(|b| {
                let names = std::iter::once(&b["naam"]).chain(
                    b["handelsnamen"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|h| &h["naam"]),
                );
                let named = names.filter_map(Value::as_str).any(|n| same(n, name));
                let embedded = &b["_embedded"];
                let addresses = [&embedded["hoofdvestiging"], &embedded["eigenaar"]]
                    .into_iter()
                    .filter_map(|holder| holder["adressen"].as_array())
                    .flatten();
                let placed = addresses
                    .filter_map(|a| a["plaats"].as_str())
                    .any(|p| same(p, place));
                named && placed
            })
            .collect()
    }

    /// The cases `searchUndertaking` finds by KvK number or name.
    pub fn search_undertaking(
        &self,
        kvk_number: Option<&str>,
        name: Option<&str>,
    ) -> Vec<&InsolvencyFixture> {
        self.insolvency
            .iter()
            .filter(|f| match (kvk_number, name) {
                (Some(n), _) => f.commercial_register_id.as_deref() == Some(n),
                (None, Some(name)) => f.name.as_deref().is_some_and(|x| same(x, name)),
                (None, None) => false,
            })
            .collect()
    }

    /// The cases `searchNaturalPerson` finds by surname, prefix and date of birth.
    pub fn search_person(
        &self,
        surname: &str,
        prefix: &str,
        date_of_birth: NaiveDate,
    ) -> Vec<&InsolvencyFixture> {
        self.insolvency
            .iter()
            .filter(|f| {
                f.surname.as_deref().is_some_and(|s| same(s, surname))
                    && same(f.prefix.as_deref().unwrap_or(""), prefix)
                    && f.date_of_birth == Some(date_of_birth)
            })
            .collect()
    }

    /// The case behind a publication reference.
    pub fn case(&self, reference: &str) -> Option<&InsolvencyFixture> {
        self.insolvency
            .iter()
            .find(|f| f.publicatie_kenmerken.iter().any(|k| k == reference))
    }
}

/// Both registers from the fixture file.
pub struct FixtureRegister {
    fixtures: Fixtures,
    clock: Arc<dyn Clock>,
}

impl FixtureRegister {
    /// The register over the checked-in fixtures.
    pub fn embedded(clock: Arc<dyn Clock>) -> Self {
        Self {
            fixtures: Fixtures::embedded(),
            clock,
        }
    }

    fn evidence(&self, operation: &str, request: String, status: u16, body: String) -> Evidence {
        Evidence {
            register: "fixture".to_owned(),
            operation: operation.to_owned(),
            request,
            status,
            body,
            fetched_at: self.clock.now(),
            from_cache: false,
        }
    }

    fn basisprofiel(&self, number: &str) -> Result<Answer<TradeLookup>, LookupError> {
        let (status, body) = match self.fixtures.basisprofiel(number) {
            Some(profile) => (200, profile.to_string()),
            None => (
                404,
                serde_json::json!({"fout": [{
                    "code": "IPD0005",
                    "omschrijving": format!("Op basis van het KVK-nummer {number} kan het product niet worden geleverd."),
                }]})
                .to_string(),
            ),
        };
        let (value, _) = kvk::read_basisprofiel(status, &body)?;
        Ok(Answer {
            value,
            evidence: vec![self.evidence(
                "basisprofiel",
                format!("basisprofiel {number}"),
                status,
                body,
            )],
        })
    }

    fn search(
        &self,
        operation: &'static str,
        request: String,
        found: Vec<&InsolvencyFixture>,
    ) -> Result<Answer<Vec<String>>, LookupError> {
        let references: Vec<&str> = found
            .iter()
            .flat_map(|f| f.publicatie_kenmerken.iter().map(String::as_str))
            .collect();
        let list = if references.is_empty() {
            r#"<exceptie errorcode="1">Geen resultaten gevonden</exceptie>"#.to_owned()
        } else {
            references
                .iter()
                .map(|k| format!("<publicatieKenmerk>{k}</publicatieKenmerk>"))
                .collect()
        };
        let body = soap_response(
            operation,
            &format!(
                r#"<publicatieLijst xmlns="http://www.rechtspraak.nl/namespaces/inspubber01">{list}</publicatieLijst>"#
            ),
        );
        let (value, _) = cir::read_search(200, &body)?;
        Ok(Answer {
            value,
            evidence: vec![self.evidence(operation, request, 200, body)],
        })
    }
}

/// A SOAP 1.1 answer envelope around an operation's result.
fn soap_response(operation: &str, result: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><{operation}Response xmlns="{ns}"><{operation}Result>{result}</{operation}Result></{operation}Response></soap:Body></soap:Envelope>"#,
        ns = cir::NAMESPACE,
    )
}

#[async_trait::async_trait]
impl TradeRegister for FixtureRegister {
    async fn lookup(&self, query: &KvkQuery) -> Result<Answer<TradeLookup>, LookupError> {
        match query {
            KvkQuery::Number(number) => self.basisprofiel(number.as_str()),
            KvkQuery::NameAndPlace { name, place } => {
                let found = self.fixtures.search_trade(name, place);
                let numbers: Vec<&str> = found
                    .iter()
                    .filter_map(|b| b["kvkNummer"].as_str())
                    .collect();
                let (status, body) = if numbers.is_empty() {
                    (
                        404,
                        serde_json::json!({"fout": [{
                            "code": "IPD5200",
                            "omschrijving": "Er zijn geen gegevens gevonden die voldoen aan de opgegeven zoekparameters.",
                        }]}),
                    )
                } else {
                    let hits: Vec<Value> = numbers
                        .iter()
                        .map(|n| serde_json::json!({ "kvkNummer": n }))
                        .collect();
                    (
                        200,
                        serde_json::json!({ "totaal": hits.len(), "resultaten": hits }),
                    )
                };
                let search = self.evidence(
                    "zoeken",
                    format!("zoeken naam={name} plaats={place}"),
                    status,
                    body.to_string(),
                );
                match numbers.as_slice() {
                    [] => Ok(Answer {
                        value: TradeLookup::NotFound,
                        evidence: vec![search],
                    }),
                    [one] => {
                        let mut profile = self.basisprofiel(one)?;
                        profile.evidence.insert(0, search);
                        Ok(profile)
                    }
                    many => Ok(Answer {
                        value: TradeLookup::Ambiguous {
                            candidates: many.len(),
                        },
                        evidence: vec![search],
                    }),
                }
            }
        }
    }
}

#[async_trait::async_trait]
impl InsolvencyRegister for FixtureRegister {
    async fn search_undertaking(
        &self,
        query: &UndertakingQuery,
    ) -> Result<Answer<Vec<String>>, LookupError> {
        let found = match query {
            UndertakingQuery::KvkNumber(n) => {
                self.fixtures.search_undertaking(Some(n.as_str()), None)
            }
            UndertakingQuery::Name(name) => self.fixtures.search_undertaking(None, Some(name)),
        };
        self.search("searchUndertaking", cir::undertaking_body(query), found)
    }

    async fn search_person(&self, query: &PersonQuery) -> Result<Answer<Vec<String>>, LookupError> {
        let found = self
            .fixtures
            .search_person(&query.surname, &query.prefix, query.date_of_birth);
        self.search("searchNaturalPerson", cir::person_body(query), found)
    }

    async fn get_case(
        &self,
        publication: &str,
    ) -> Result<Answer<Option<InsolvencyCase>>, LookupError> {
        let inner = match self.fixtures.case(publication) {
            Some(f) => f.insolvente.clone(),
            None => r#"<exceptie errorcode="1">Geen resultaten gevonden</exceptie>"#.to_owned(),
        };
        let body = soap_response(
            "getCase",
            &format!(
                r#"<inspubWebserviceInsolvente xmlns="http://www.rechtspraak.nl/namespaces/inspubber01">{inner}</inspubWebserviceInsolvente>"#
            ),
        );
        let (value, _) = cir::read_case(200, &body)?;
        Ok(Answer {
            value,
            evidence: vec![self.evidence("getCase", cir::case_body(publication), 200, body)],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::recoverability::VerdictKind;
    use crate::case::{Address, Debtor, KvkNumber};
    use crate::registry::Registry;

    fn registry() -> Registry {
        let clock: Arc<dyn Clock> = Arc::new(crate::clock::ManualClock::new(
            chrono::DateTime::parse_from_rfc3339("2026-05-04T08:00:00Z")
                .unwrap()
                .to_utc(),
        ));
        Registry::fixture(clock)
    }

    fn business(kvk: Option<&str>, name: &str, postcode: &str, city: &str) -> Debtor {
        let kvk = kvk.map(|k| KvkNumber::parse(k).unwrap());
        Debtor::business(name, kvk, Address::nl("", postcode, city))
    }

    fn person(surname: &str, prefix: &str, born: &str) -> Debtor {
        let born = NaiveDate::parse_from_str(born, "%Y-%m-%d").unwrap();
        Debtor::consumer(
            "x",
            surname,
            prefix,
            Some(born),
            Address::nl("", "1016 GV", "Amsterdam"),
        )
    }

    #[test]
    fn every_fixture_parses_with_the_real_parsers() {
        let fixtures = Fixtures::embedded();
        for t in &fixtures.trade {
            kvk::read_basisprofiel(200, &t.basisprofiel.to_string()).unwrap();
        }
        for f in &fixtures.insolvency {
            let body = soap_response(
                "getCase",
                &format!(
                    "<inspubWebserviceInsolvente>{}</inspubWebserviceInsolvente>",
                    f.insolvente
                ),
            );
            let case = cir::read_case(200, &body).unwrap().0.unwrap();
            for k in &f.publicatie_kenmerken {
                assert!(case.publications.iter().any(|p| &p.reference == k), "{k}");
            }
        }
    }

    /// The README's table of fixture debtors, walked through the fixture register.
    #[tokio::test]
    async fn every_verdict_path_has_a_fixture_debtor() {
        let registry = registry();
        let cases = [
            (
                business(
                    Some("69599084"),
                    "Test EMZ Dagobert",
                    "1034 WL",
                    "Amsterdam",
                ),
                VerdictKind::Proceed,
            ),
            (
                business(None, "Test EMZ Dagobert", "1034 WL", "Amsterdam"),
                VerdictKind::Proceed,
            ),
            (
                business(Some("90000749"), "Global Conron", "3328 XD", "Dordrecht"),
                VerdictKind::Proceed,
            ),
            (
                business(
                    Some("90000000"),
                    "Opgeheven Test B.V.",
                    "3511 AA",
                    "Utrecht",
                ),
                VerdictKind::Review,
            ),
            (
                business(Some("99098123"), "Company B.V.", "2012 ES", "Haarlem"),
                VerdictKind::Stop,
            ),
            (
                business(Some("99098131"), "Uitstel Test B.V.", "3500 AC", "Utrecht"),
                VerdictKind::Stop,
            ),
            (
                business(None, "Company B.V.", "2012 ES", "Haarlem"),
                VerdictKind::Review,
            ),
            (
                business(Some("12345678"), "Onbekend B.V.", "1011 AB", "Amsterdam"),
                VerdictKind::Review,
            ),
            (
                business(Some("69599084"), "Test EMZ Dagobert", "9999 ZZ", "Elders"),
                VerdictKind::Review,
            ),
            (person("Vries", "de", "1975-03-14"), VerdictKind::Stop),
            (person("Bakker", "", "1968-11-02"), VerdictKind::Review),
            (person("Jansen", "", "1980-01-01"), VerdictKind::Proceed),
        ];
        for (debtor, expected) in cases {
            let findings = registry.check(&debtor).await.unwrap();
            let verdict = findings.verdict(&debtor);
            assert_eq!(
                verdict.kind, expected,
                "{} {:?}: {verdict:?}",
                debtor.name, debtor.kvk_number
            );
            assert!(!findings.evidence.is_empty());
            assert!(findings.evidence.iter().all(|e| e.register == "fixture"));
        }
    }

    #[tokio::test]
    async fn a_stop_names_the_curator_and_one_case_is_read_once() {
        let registry = registry();
        let debtor = business(Some("99098123"), "Company B.V.", "2012 ES", "Haarlem");
        let findings = registry.check(&debtor).await.unwrap();
        let verdict = findings.verdict(&debtor);
        assert_eq!(verdict.insolvency_number.as_deref(), Some("F.16/21/150"));
        // The findings survive a trip through JSON (an activity's stored outcome) intact.
        let json = serde_json::to_string(&findings).unwrap();
        let back: crate::registry::Findings = serde_json::from_str(&json).unwrap();
        assert_eq!(back, findings);
        assert_eq!(back.verdict(&debtor), verdict);
        assert_eq!(verdict.administrator.unwrap().name, "mr K. Oopt");

        // Two publications of one WSNP: one getCase, one case.
        let debtor = person("Bakker", "", "1968-11-02");
        let findings = registry.check(&debtor).await.unwrap();
        assert_eq!(findings.insolvency.as_ref().unwrap().cases.len(), 1);
        let get_cases = findings
            .evidence
            .iter()
            .filter(|e| e.operation == "getCase")
            .count();
        assert_eq!(get_cases, 1);
    }
}
