//! The KvK Handelsregister APIs: Basisprofiel API v1 (`GET {base}/v1/basisprofielen/{kvk}`,
//! whose answer embeds `hoofdvestiging` and `eigenaar`) and Zoeken API v2
//! (`GET {base}/v2/zoeken?naam=…&plaats=…`), authenticated by the `apikey` header.
//!
//! Wire facts (registers.md §1, from recorded traffic): dates are `YYYYMMDD` strings, flags
//! are `"Ja"`/`"Nee"`, a dissolved business has `materieleRegistratie.datumEinde`, and
//! "nothing found" is HTTP 404 with `{"fout":[{"code":"IPD5200"|"IPD0005",…}]}` — an
//! answer, not an outage.

use chrono::NaiveDate;
use serde::Deserialize;

use super::transport::{Reading, Request, Transport};
use super::{Answer, KvkConfig, KvkQuery, LookupError, TradeRegister};
use crate::case::KvkNumber;
use crate::case::recoverability::{RegisterAddress, TradeLookup, TradeRecord};

const REGISTER: &str = "kvk";

/// The real KvK client.
pub struct KvkClient {
    base_url: String,
    api_key: String,
    transport: Transport,
}

impl KvkClient {
    pub(crate) fn new(config: &KvkConfig, transport: Transport) -> Self {
        Self {
            base_url: config.base_url.trim_end_matches('/').to_owned(),
            api_key: config.api_key.trim().to_owned(),
            transport,
        }
    }

    async fn basisprofiel(&self, number: &str) -> Result<Answer<TradeLookup>, LookupError> {
        let url = format!("{}/v1/basisprofielen/{number}", self.base_url);
        let request = Request {
            operation: "basisprofiel",
            key: format!("{}\u{1f}{number}", self.base_url),
            description: format!("GET {url}"),
            build: |http: &reqwest::Client| {
                http.get(&url)
                    .header("apikey", &self.api_key)
                    .header("Accept", "application/hal+json")
            },
            // Its 5xx (IPD9999 and the like) are passing.
            final_5xx: |_| false,
        };
        self.transport.call(request, read_basisprofiel).await
    }

    async fn zoeken(&self, name: &str, place: &str) -> Result<Answer<Vec<String>>, LookupError> {
        let url = reqwest::Url::parse_with_params(
            &format!("{}/v2/zoeken", self.base_url),
            [
                ("naam", name),
                ("plaats", place),
                ("inclusiefInactieveRegistraties", "true"),
            ],
        )
        .map_err(|e| LookupError::Rejected {
            register: REGISTER,
            operation: "zoeken",
            status: 0,
            code: None,
            message: format!("bad base URL: {e}"),
        })?;
        let request = Request {
            operation: "zoeken",
            key: format!(
                "{}\u{1f}{}\u{1f}{}",
                self.base_url,
                name.to_lowercase(),
                place.to_lowercase()
            ),
            description: format!("GET {url}"),
            build: |http: &reqwest::Client| {
                http.get(url.clone())
                    .header("apikey", &self.api_key)
                    .header("Accept", "application/hal+json")
            },
            // Its 5xx (IPD9999 and the like) are passing.
            final_5xx: |_| false,
        };
        self.transport.call(request, read_zoeken).await
    }
}

#[async_trait::async_trait]
impl TradeRegister for KvkClient {
    async fn lookup(&self, query: &KvkQuery) -> Result<Answer<TradeLookup>, LookupError> {
        match query {
            KvkQuery::Number(number) => self.basisprofiel(number.as_str()).await,
            KvkQuery::NameAndPlace { name, place } => {
                let search = self.zoeken(name, place).await?;
                match search.value.as_slice() {
                    [] => Ok(Answer {
                        value: TradeLookup::NotFound,
                        evidence: search.evidence,
                    }),
                    [one] => {
                        let mut profile = self.basisprofiel(one).await?;
                        let mut evidence = search.evidence;
                        evidence.append(&mut profile.evidence);
                        Ok(Answer {
                            value: profile.value,
                            evidence,
                        })
                    }
                    many => Ok(Answer {
                        value: TradeLookup::Ambiguous {
                            candidates: many.len(),
                        },
                        evidence: search.evidence,
                    }),
                }
            }
        }
    }
}

#[derive(Deserialize)]
struct Fout {
    fout: Vec<FoutItem>,
}

#[derive(Deserialize)]
struct FoutItem {
    code: String,
    #[serde(default)]
    omschrijving: String,
}

/// A `fout` code that means "no such registration".
const NOT_FOUND_CODES: &[&str] = &["IPD5200", "IPD0005"];
/// `fout` codes that mean "temporarily not available, try later".
const LATER_CODES: &[&str] = &["IPD1002", "IPD1003"];

/// Reads anything that is not a 200: a documented "not found" (definitive), a temporary
/// refusal, or a refusal to pass on.
fn read_refusal<T>(operation: &'static str, status: u16, body: &str, not_found: T) -> Reading<T> {
    let fout = serde_json::from_str::<Fout>(body)
        .ok()
        .and_then(|f| f.fout.into_iter().next());
    match fout {
        Some(f) if status == 404 && NOT_FOUND_CODES.contains(&f.code.as_str()) => {
            Ok((not_found, true))
        }
        _ if status == 429 => Err(LookupError::Unavailable {
            register: REGISTER,
            attempts: 1,
            last: "HTTP 429: rate limited".to_owned(),
        }),
        Some(f) if LATER_CODES.contains(&f.code.as_str()) => Err(LookupError::Unavailable {
            register: REGISTER,
            attempts: 1,
            last: format!("{}: {}", f.code, f.omschrijving),
        }),
        Some(f) => Err(LookupError::Rejected {
            register: REGISTER,
            operation,
            status,
            code: Some(f.code),
            message: f.omschrijving,
        }),
        None => Err(LookupError::Rejected {
            register: REGISTER,
            operation,
            status,
            code: None,
            message: match status {
                401 | 403 => "the API key was not accepted".to_owned(),
                404 => "not a KvK API answer (is the base URL right?)".to_owned(),
                _ => "unexpected answer".to_owned(),
            },
        }),
    }
}

fn malformed(operation: &'static str, detail: impl std::fmt::Display) -> LookupError {
    LookupError::Malformed {
        register: REGISTER,
        operation,
        detail: detail.to_string(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Basisprofiel {
    kvk_nummer: String,
    #[serde(default)]
    naam: Option<String>,
    #[serde(default)]
    statutaire_naam: Option<String>,
    #[serde(default)]
    materiele_registratie: Option<Registratie>,
    #[serde(default)]
    handelsnamen: Vec<Handelsnaam>,
    #[serde(default, rename = "_embedded")]
    embedded: Option<Embedded>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Registratie {
    #[serde(default)]
    datum_aanvang: Option<String>,
    #[serde(default)]
    datum_einde: Option<String>,
}

#[derive(Deserialize)]
struct Handelsnaam {
    naam: String,
    #[serde(default)]
    volgorde: i64,
}

#[derive(Deserialize)]
struct Embedded {
    #[serde(default)]
    hoofdvestiging: Option<WithAddresses>,
    #[serde(default)]
    eigenaar: Option<Eigenaar>,
}

#[derive(Deserialize)]
struct WithAddresses {
    #[serde(default)]
    adressen: Vec<Adres>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Eigenaar {
    #[serde(default)]
    rechtsvorm: Option<String>,
    #[serde(default)]
    uitgebreide_rechtsvorm: Option<String>,
    #[serde(default)]
    adressen: Vec<Adres>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Adres {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    straatnaam: Option<String>,
    #[serde(default)]
    huisnummer: Option<i64>,
    #[serde(default)]
    huisletter: Option<String>,
    #[serde(default)]
    huisnummer_toevoeging: Option<String>,
    #[serde(default)]
    postbusnummer: Option<i64>,
    #[serde(default)]
    postcode: Option<String>,
    #[serde(default)]
    plaats: Option<String>,
    #[serde(default)]
    volledig_adres: Option<String>,
}

impl Adres {
    fn to_address(&self) -> RegisterAddress {
        let street = match (&self.straatnaam, self.huisnummer, self.postbusnummer) {
            (Some(street), number, _) => {
                let mut line = street.clone();
                if let Some(n) = number {
                    line.push_str(&format!(" {n}"));
                }
                if let Some(letter) = &self.huisletter {
                    line.push_str(letter);
                }
                if let Some(addition) = &self.huisnummer_toevoeging {
                    line.push_str(&format!("-{addition}"));
                }
                line
            }
            (None, _, Some(postbus)) => format!("Postbus {postbus}"),
            (None, _, None) => self
                .volledig_adres
                .as_deref()
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        };
        RegisterAddress {
            street,
            postcode: self.postcode.clone().unwrap_or_default(),
            city: self.plaats.clone().unwrap_or_default(),
        }
    }
}

/// `YYYYMMDD` as the KvK writes dates; anything else (partial dates occur) is no date.
fn kvk_date(raw: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw?, "%Y%m%d").ok()
}

/// Reads a Basisprofiel answer: found (200), not found (404 `IPD0005`), or an error.
pub fn read_basisprofiel(status: u16, body: &str) -> Reading<TradeLookup> {
    const OPERATION: &str = "basisprofiel";
    if status != 200 {
        return read_refusal(OPERATION, status, body, TradeLookup::NotFound);
    }
    let profile: Basisprofiel = serde_json::from_str(body).map_err(|e| malformed(OPERATION, e))?;
    if KvkNumber::parse(&profile.kvk_nummer).is_err() {
        return Err(malformed(
            OPERATION,
            format!("kvkNummer {:?} is not 8 digits", profile.kvk_nummer),
        ));
    }
    let embedded = profile.embedded.unwrap_or(Embedded {
        hoofdvestiging: None,
        eigenaar: None,
    });
    let mut addresses: Vec<Adres> = Vec::new();
    if let Some(branch) = embedded.hoofdvestiging {
        addresses.extend(branch.adressen);
    }
    let (legal_form, owner_addresses) = match embedded.eigenaar {
        Some(owner) => (
            owner
                .rechtsvorm
                .or(owner.uitgebreide_rechtsvorm)
                .unwrap_or_default(),
            owner.adressen,
        ),
        None => (String::new(), Vec::new()),
    };
    // A registration without a main branch (a VvE, a foundation without business) has its
    // addresses on the owner.
    if addresses.is_empty() {
        addresses = owner_addresses;
    }
    let address_of = |kind: &str| {
        addresses
            .iter()
            .find(|a| a.kind == kind)
            .map(Adres::to_address)
    };
    let mut names = profile.handelsnamen;
    names.sort_by_key(|n| n.volgorde);
    let registration = profile.materiele_registratie;
    let record = TradeRecord {
        kvk_number: profile.kvk_nummer,
        name: profile.naam.or(profile.statutaire_naam).unwrap_or_default(),
        legal_form,
        trade_names: names.into_iter().map(|n| n.naam).collect(),
        started_on: kvk_date(
            registration
                .as_ref()
                .and_then(|r| r.datum_aanvang.as_deref()),
        ),
        ended_on: kvk_date(registration.as_ref().and_then(|r| r.datum_einde.as_deref())),
        ended: registration
            .as_ref()
            .and_then(|r| r.datum_einde.as_deref())
            .is_some_and(|raw| !raw.trim().is_empty()),
        visiting_address: address_of("bezoekadres"),
        postal_address: address_of("correspondentieadres"),
    };
    Ok((TradeLookup::Found(Box::new(record)), true))
}

#[derive(Deserialize)]
struct Zoeken {
    #[serde(default)]
    resultaten: Vec<ZoekResultaat>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ZoekResultaat {
    kvk_nummer: String,
}

/// Reads a Zoeken answer: the distinct KvK numbers found (404 `IPD5200` = none).
pub fn read_zoeken(status: u16, body: &str) -> Reading<Vec<String>> {
    const OPERATION: &str = "zoeken";
    if status != 200 {
        return read_refusal(OPERATION, status, body, Vec::new());
    }
    let found: Zoeken = serde_json::from_str(body).map_err(|e| malformed(OPERATION, e))?;
    let mut numbers: Vec<String> = Vec::new();
    for hit in found.resultaten {
        if !numbers.contains(&hit.kvk_nummer) {
            numbers.push(hit.kvk_nummer);
        }
    }
    Ok((numbers, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The recorded answer of the test environment (registers.md §1, Basisprofiel v1).
    const DAGOBERT: &str = r#"{"kvkNummer":"69599084","indNonMailing":"Ja","naam":"Test EMZ Dagobert",
      "formeleRegistratiedatum":"20170710","materieleRegistratie":{"datumAanvang":"20170108"},
      "totaalWerkzamePersonen":1,
      "handelsnamen":[{"naam":"Tweede handelsnaam 1MZ","volgorde":1},{"naam":"Test EMZ Dagobert","volgorde":0}],
      "links":[{"rel":"self","href":"https://api.kvk.nl/test/api/v1/basisprofielen/69599084"}],
      "_embedded":{"hoofdvestiging":{"vestigingsnummer":"000038509504","kvkNummer":"69599084",
        "adressen":[{"type":"bezoekadres","indAfgeschermd":"Nee",
          "volledigAdres":"Abebe Bikilalaan 17 M                                 1034WL Amsterdam",
          "straatnaam":"Abebe Bikilalaan","huisnummer":17,"huisletter":"M","postcode":"1034WL",
          "plaats":"Amsterdam","land":"Nederland"}]},
        "eigenaar":{"rechtsvorm":"Eenmanszaak","uitgebreideRechtsvorm":"Eenmanszaak"}}}"#;

    #[test]
    fn reads_the_recorded_basisprofiel() {
        let (lookup, definitive) = read_basisprofiel(200, DAGOBERT).unwrap();
        assert!(definitive);
        let TradeLookup::Found(record) = lookup else {
            panic!("{lookup:?}")
        };
        assert_eq!(record.kvk_number, "69599084");
        assert_eq!(record.name, "Test EMZ Dagobert");
        assert_eq!(record.legal_form, "Eenmanszaak");
        assert_eq!(
            record.trade_names,
            ["Test EMZ Dagobert", "Tweede handelsnaam 1MZ"]
        );
        assert_eq!(record.started_on, NaiveDate::from_ymd_opt(2017, 1, 8));
        assert_eq!(record.ended_on, None);
        let visit = record.visiting_address.unwrap();
        assert_eq!(visit.street, "Abebe Bikilalaan 17M");
        assert_eq!(visit.postcode, "1034WL");
        assert_eq!(visit.city, "Amsterdam");
        assert_eq!(record.postal_address, None);
    }

    #[test]
    fn reads_the_recorded_vve_with_its_address_on_the_owner() {
        let body = r#"{"kvkNummer":"90000749","naam":"Global Conron","materieleRegistratie":{"datumAanvang":"19991103"},
          "statutaireNaam":"Global Conron","_embedded":{"eigenaar":{"rsin":"992340597","rechtsvorm":"Vereniging van Eigenaars",
          "adressen":[{"type":"bezoekadres","volledigAdres":"Blaauwweg 163 3328XD Dordrecht","straatnaam":"Blaauwweg",
          "huisnummer":163,"postcode":"3328XD","plaats":"Dordrecht","land":"Nederland"}]}}}"#;
        let (TradeLookup::Found(record), _) = read_basisprofiel(200, body).unwrap() else {
            panic!()
        };
        assert_eq!(record.legal_form, "Vereniging van Eigenaars");
        assert_eq!(record.visiting_address.unwrap().street, "Blaauwweg 163");
    }

    #[test]
    fn a_dissolved_business_has_an_end_date() {
        let body = r#"{"kvkNummer":"90000000","naam":"Opgeheven Test B.V.",
          "materieleRegistratie":{"datumAanvang":"20100101","datumEinde":"20231231"}}"#;
        let (TradeLookup::Found(record), _) = read_basisprofiel(200, body).unwrap() else {
            panic!()
        };
        assert_eq!(record.ended_on, NaiveDate::from_ymd_opt(2023, 12, 31));
        assert!(record.ended);
        // A partial date (month and day unknown) is no date, but the business has ended.
        let partial = body.replace("20231231", "20230000");
        let (TradeLookup::Found(record), _) = read_basisprofiel(200, &partial).unwrap() else {
            panic!()
        };
        assert_eq!((record.ended_on, record.ended), (None, true));
    }

    #[test]
    fn documented_not_found_is_an_answer_and_other_refusals_are_errors() {
        let ipd0005 = r#"{"fout":[{"code":"IPD0005","omschrijving":"Op basis van het KVK-nummer 12345678 kan het product niet worden geleverd."}]}"#;
        assert_eq!(
            read_basisprofiel(404, ipd0005).unwrap(),
            (TradeLookup::NotFound, true)
        );
        let ipd5200 = r#"{"fout":[{"code":"IPD5200","omschrijving":"Er zijn geen gegevens gevonden die voldoen aan de opgegeven zoekparameters."}]}"#;
        assert_eq!(read_zoeken(404, ipd5200).unwrap(), (vec![], true));

        let invalid =
            r#"{"fout":[{"code":"IPD0004","omschrijving":"Het KvK nummer 1 is niet valide."}]}"#;
        let err = read_basisprofiel(400, invalid).unwrap_err();
        assert!(matches!(&err, LookupError::Rejected { code: Some(c), .. } if c == "IPD0004"));
        assert!(!err.is_transient());

        // A 404 from something that is not the KvK API must not read as "not found".
        let err = read_basisprofiel(404, "<html>Not Found</html>").unwrap_err();
        assert!(err.to_string().contains("base URL"), "{err}");

        let later = r#"{"fout":[{"code":"IPD1003","omschrijving":"Probeer het over 5 minuten nog een keer."}]}"#;
        assert!(read_basisprofiel(404, later).unwrap_err().is_transient());
        assert!(read_basisprofiel(429, "").unwrap_err().is_transient());
    }

    #[test]
    fn malformed_json_is_a_clear_error() {
        let err = read_basisprofiel(200, r#"{"kvkNummer": "6959"#).unwrap_err();
        assert!(matches!(
            err,
            LookupError::Malformed {
                operation: "basisprofiel",
                ..
            }
        ));
        assert!(
            err.to_string()
                .starts_with("kvk basisprofiel: malformed answer"),
            "{err}"
        );
    }

    #[test]
    fn zoeken_gives_distinct_numbers() {
        // The recorded answer: two branches of one registration.
        let body = r#"{"pagina":1,"resultatenPerPagina":10,"totaal":2,"resultaten":[
          {"kvkNummer":"69599084","vestigingsnummer":"000038509520","naam":"Test EMZ Nevenvestiging Govert","type":"nevenvestiging"},
          {"kvkNummer":"69599084","vestigingsnummer":"000038509504","naam":"Test EMZ Dagobert","type":"hoofdvestiging"}]}"#;
        assert_eq!(read_zoeken(200, body).unwrap().0, ["69599084"]);
    }
}
