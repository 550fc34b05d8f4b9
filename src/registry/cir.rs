//! The Centraal Insolventieregister web service (`cir.asmx` of the Rechtspraak): SOAP 1.1,
//! document/literal, namespace `http://www.rechtspraak.nl/namespaces/cir01`, authenticated
//! by a WS-Security UsernameToken in the header (registers.md §2).
//!
//! The searches return publication references (`publicatieKenmerk`); `getCase` returns the
//! case behind one. "No results" is not a SOAP Fault but HTTP 200 with
//! `<exceptie errorcode="1">`: an empty answer, not a failure.

use chrono::NaiveDate;

use super::transport::{Reading, Request, Transport};
use super::xml::{self, Element, escape};
use super::{Answer, CirConfig, InsolvencyRegister, LookupError, PersonQuery, UndertakingQuery};
use crate::case::recoverability::{
    Administrator, AdministratorRole, InsolvencyCase, InsolvencyKind, Publication, RegisterAddress,
    is_ending_code,
};

const REGISTER: &str = "insolvency";

/// The request and response namespace of the service's operations.
pub const NAMESPACE: &str = "http://www.rechtspraak.nl/namespaces/cir01";

/// The real insolvency register client.
pub struct CirClient {
    url: String,
    username: String,
    password: String,
    transport: Transport,
}

impl CirClient {
    pub(crate) fn new(config: &CirConfig, transport: Transport) -> Self {
        Self {
            url: config.url.clone(),
            username: config.username.clone(),
            password: config.password.clone(),
            transport,
        }
    }

    /// One SOAP call: `body` is the operation element with its children.
    async fn soap<T>(
        &self,
        operation: &'static str,
        body: String,
        key: String,
        read: impl Fn(u16, &str) -> Reading<T>,
    ) -> Result<Answer<T>, LookupError> {
        let envelope = envelope(operation, &self.url, &self.username, &self.password, &body);
        let action = format!("\"{NAMESPACE}/{operation}\"");
        let request = Request {
            operation,
            // The service's URL too: a test and a production register never share answers.
            key: format!("{}\u{1f}{key}", self.url),
            description: format!("POST {} {body}", self.url),
            build: |http: &reqwest::Client| {
                http.post(&self.url)
                    .header("Content-Type", "text/xml; charset=utf-8")
                    .header("SOAPAction", &action)
                    .body(envelope.clone())
            },
            final_5xx: is_client_fault,
        };
        self.transport.call(request, read).await
    }
}

/// The SOAP 1.1 envelope as the register's own clients send it: WS-Security UsernameToken
/// (PasswordText) and the WS-Addressing `Action` and `To` headers.
pub fn envelope(operation: &str, to: &str, username: &str, password: &str, body: &str) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="utf-8"?>"#,
            r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/""#,
            r#" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing""#,
            r#" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd""#,
            r#" xmlns:cir="{ns}">"#,
            r#"<soap:Header>"#,
            r#"<wsse:Security soap:mustUnderstand="1"><wsse:UsernameToken>"#,
            r#"<wsse:Username>{user}</wsse:Username>"#,
            r#"<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">{password}</wsse:Password>"#,
            r#"</wsse:UsernameToken></wsse:Security>"#,
            r#"<wsa:Action>{ns}/{operation}</wsa:Action>"#,
            r#"<wsa:To>{to}</wsa:To>"#,
            r#"</soap:Header>"#,
            r#"<soap:Body>{body}</soap:Body>"#,
            r#"</soap:Envelope>"#,
        ),
        ns = NAMESPACE,
        user = escape(username),
        password = escape(password),
        operation = operation,
        to = escape(to),
        body = body,
    )
}

/// `<cir:searchUndertaking>` for a query.
pub fn undertaking_body(query: &UndertakingQuery) -> String {
    match query {
        UndertakingQuery::KvkNumber(n) => format!(
            "<cir:searchUndertaking><cir:commercialRegisterID>{}</cir:commercialRegisterID></cir:searchUndertaking>",
            n.as_str()
        ),
        UndertakingQuery::Name(name) => format!(
            "<cir:searchUndertaking><cir:name>{}</cir:name></cir:searchUndertaking>",
            escape(name)
        ),
    }
}

/// `<cir:searchNaturalPerson>` for a query, children in the WSDL's order (prefix, surname,
/// dateOfBirth as an `xs:dateTime`).
pub fn person_body(query: &PersonQuery) -> String {
    let prefix = if query.prefix.is_empty() {
        String::new()
    } else {
        format!("<cir:prefix>{}</cir:prefix>", escape(&query.prefix))
    };
    format!(
        "<cir:searchNaturalPerson>{prefix}<cir:surname>{}</cir:surname><cir:dateOfBirth>{}T00:00:00</cir:dateOfBirth></cir:searchNaturalPerson>",
        escape(&query.surname),
        query.date_of_birth.format("%Y-%m-%d"),
    )
}

/// `<cir:getCase>` for a publication reference.
pub fn case_body(publication: &str) -> String {
    format!(
        "<cir:getCase><cir:publicationNumber>{}</cir:publicationNumber></cir:getCase>",
        escape(publication)
    )
}

#[async_trait::async_trait]
impl InsolvencyRegister for CirClient {
    async fn search_undertaking(
        &self,
        query: &UndertakingQuery,
    ) -> Result<Answer<Vec<String>>, LookupError> {
        let key = match query {
            UndertakingQuery::KvkNumber(n) => format!("kvk\u{1f}{}", n.as_str()),
            UndertakingQuery::Name(name) => format!("name\u{1f}{}", name.to_lowercase()),
        };
        self.soap(
            "searchUndertaking",
            undertaking_body(query),
            key,
            read_search,
        )
        .await
    }

    async fn search_person(&self, query: &PersonQuery) -> Result<Answer<Vec<String>>, LookupError> {
        let key = format!(
            "{}\u{1f}{}\u{1f}{}",
            query.prefix.to_lowercase(),
            query.surname.to_lowercase(),
            query.date_of_birth
        );
        self.soap("searchNaturalPerson", person_body(query), key, read_search)
            .await
    }

    async fn get_case(
        &self,
        publication: &str,
    ) -> Result<Answer<Option<InsolvencyCase>>, LookupError> {
        self.soap(
            "getCase",
            case_body(publication),
            publication.to_owned(),
            read_case,
        )
        .await
    }
}

fn malformed(operation: &'static str, detail: impl std::fmt::Display) -> LookupError {
    LookupError::Malformed {
        register: REGISTER,
        operation,
        detail: detail.to_string(),
    }
}

/// Parses a SOAP answer down to its body; a SOAP Fault becomes a refusal.
fn soap_body(operation: &'static str, status: u16, body: &str) -> Result<Element, LookupError> {
    if status == 429 {
        return Err(LookupError::Unavailable {
            register: REGISTER,
            attempts: 1,
            last: "HTTP 429: rate limited".to_owned(),
        });
    }
    let root = xml::parse(body).map_err(|e| malformed(operation, format!("not XML: {e}")))?;
    if root.name != "Envelope" {
        return Err(malformed(
            operation,
            format!("<{}> where a SOAP Envelope was expected", root.name),
        ));
    }
    let soap_body = root
        .child("Body")
        .ok_or_else(|| malformed(operation, "no SOAP Body"))?;
    if let Some(fault) = soap_body.find("Fault") {
        // SOAP 1.1 faultcode/faultstring; SOAP 1.2 Code/Value and Reason/Text.
        let code = fault
            .child_text("faultcode")
            .or_else(|| fault.find("Value").map(|v| v.text.as_str()))
            .map(str::to_owned);
        let message = fault
            .child_text("faultstring")
            .or_else(|| fault.find("Text").map(|t| t.text.as_str()))
            .unwrap_or("SOAP Fault")
            .to_owned();
        return Err(LookupError::Rejected {
            register: REGISTER,
            operation,
            status,
            code,
            message,
        });
    }
    if status != 200 {
        return Err(LookupError::Rejected {
            register: REGISTER,
            operation,
            status,
            code: None,
            message: "unexpected HTTP status".into(),
        });
    }
    Ok(soap_body.clone())
}

/// Whether a reply is a SOAP Fault the caller caused (bad credentials, a request the
/// service does not take): SOAP sends every Fault as HTTP 500, and only a `Server` /
/// `Receiver` one may pass. The rest are read as a refusal instead of retried, so wrong
/// credentials reach a person at once instead of opening the circuit as an outage.
fn is_client_fault(body: &str) -> bool {
    let Ok(root) = xml::parse(body) else {
        return false;
    };
    let Some(fault) = root.child("Body").and_then(|b| b.find("Fault")) else {
        return false;
    };
    let code = fault
        .child_text("faultcode")
        .or_else(|| fault.find("Value").map(|v| v.text.as_str()))
        .unwrap_or("");
    let local = code.rsplit(':').next().unwrap_or("").trim();
    !(local.starts_with("Server") || local.starts_with("Receiver"))
}

/// What an `exceptie` means: code 1 = no results (an answer); 2 (technical error) and 5
/// (synchronisation) = try later; others (3 too many results, 4 bad input…) = refused.
fn exceptie<T>(operation: &'static str, element: &Element, empty: T) -> Reading<T> {
    let code = element
        .attribute("errorcode")
        .unwrap_or("")
        .trim()
        .to_owned();
    match code.as_str() {
        "1" => Ok((empty, true)),
        "2" | "5" => Err(LookupError::Unavailable {
            register: REGISTER,
            attempts: 1,
            last: format!("exceptie {code}: {}", element.text),
        }),
        _ => Err(LookupError::Rejected {
            register: REGISTER,
            operation,
            status: 200,
            code: Some(format!("exceptie {code}")),
            message: element.text.clone(),
        }),
    }
}

/// Reads a search answer (`searchUndertaking`, `searchNaturalPerson`, …): the publication
/// references in the `publicatieLijst`.
pub fn read_search(status: u16, body: &str) -> Reading<Vec<String>> {
    const OPERATION: &str = "search";
    let body = soap_body(OPERATION, status, body)?;
    let list = body
        .find("publicatieLijst")
        .ok_or_else(|| malformed(OPERATION, "no publicatieLijst in the answer"))?;
    if let Some(e) = list.child("exceptie") {
        return exceptie(OPERATION, e, Vec::new());
    }
    let references: Vec<String> = list
        .children_named("publicatieKenmerk")
        .map(|k| k.text.trim().to_owned())
        .filter(|k| !k.is_empty())
        .collect();
    Ok((references, true))
}

/// Reads a `getCase` answer: the `insolvente` in `inspubWebserviceInsolvente`.
pub fn read_case(status: u16, body: &str) -> Reading<Option<InsolvencyCase>> {
    const OPERATION: &str = "getCase";
    let body = soap_body(OPERATION, status, body)?;
    let wrapper = body
        .find("inspubWebserviceInsolvente")
        .ok_or_else(|| malformed(OPERATION, "no inspubWebserviceInsolvente in the answer"))?;
    if let Some(e) = wrapper.child("exceptie") {
        return exceptie(OPERATION, e, None);
    }
    let insolvente = wrapper
        .child("insolvente")
        .ok_or_else(|| malformed(OPERATION, "no insolvente in the answer"))?;
    Ok((Some(read_insolvente(insolvente)?), true))
}

/// A date as the register writes it: `xs:date`, possibly with a zone (`2021-04-28+01:00`).
fn cir_date(raw: Option<&str>) -> Option<NaiveDate> {
    let raw = raw?.trim();
    NaiveDate::parse_from_str(raw.get(..10)?, "%Y-%m-%d").ok()
}

fn join_words<'a>(words: impl IntoIterator<Item = Option<&'a str>>) -> String {
    words
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn read_insolvente(insolvente: &Element) -> Result<InsolvencyCase, LookupError> {
    const OPERATION: &str = "getCase";
    let number = insolvente
        .child_text("insolventienummer")
        .ok_or_else(|| malformed(OPERATION, "no insolventienummer"))?
        .trim()
        .to_owned();
    let kind = InsolvencyKind::from_insolvency_number(&number).ok_or_else(|| {
        malformed(
            OPERATION,
            format!("insolventienummer {number:?} does not start with F, S or R"),
        )
    })?;
    let person = insolvente.child("persoon");
    let subject_name = person.map_or_else(String::new, |p| {
        join_words([
            p.child_text("voornaam").or(p.child_text("voorletters")),
            p.child_text("voorvoegsel"),
            p.child_text("achternaam"),
        ])
    });
    let mut publications: Vec<Publication> = insolvente
        .child("publicatiegeschiedenis")
        .into_iter()
        .flat_map(|h| h.children_named("publicatie"))
        .map(|p| Publication {
            date: cir_date(p.child_text("publicatieDatum")),
            reference: p.child_text("publicatieKenmerk").unwrap_or("").to_owned(),
            code: p
                .child_text("publicatieSoortCode")
                .and_then(|c| c.trim().parse().ok())
                .unwrap_or(0),
            description: p
                .child_text("publicatieOmschrijving")
                .unwrap_or("")
                .to_owned(),
        })
        .collect();
    publications.sort_by_key(|p| p.date);
    let ending = publications.iter().rev().find(|p| is_ending_code(p.code));
    let findable_until = insolvente.child_text("eindeVindbaarheid");
    let administrators = insolvente
        .child("cbvers")
        .into_iter()
        .flat_map(|c| c.children_named("cbv"))
        .filter(|cbv| cbv.child_text("datumEind").is_none())
        .map(|cbv| {
            let address = cbv.child("adres");
            let text = |name: &str| address.and_then(|a| a.child_text(name));
            let number = join_words([text("huisnummer")]);
            let additions =
                join_words([text("huisnummerToevoeging1"), text("huisnummerToevoeging2")]);
            Administrator {
                role: match cbv.child_text("CB") {
                    Some("C") => AdministratorRole::Curator,
                    _ => AdministratorRole::Administrator,
                },
                name: join_words([
                    cbv.child_text("titulatuur"),
                    cbv.child_text("voorletters"),
                    cbv.child_text("voorvoegsel"),
                    cbv.child_text("achternaam"),
                ]),
                address: RegisterAddress {
                    street: join_words([
                        text("straat"),
                        Some(number.as_str()),
                        Some(additions.as_str()),
                    ]),
                    postcode: text("postcode").unwrap_or("").to_owned(),
                    city: text("plaats").unwrap_or("").to_owned(),
                },
                phone: text("telefoonnummer").unwrap_or("").to_owned(),
            }
        })
        .collect();
    Ok(InsolvencyCase {
        insolvency_number: number,
        kind,
        court: insolvente
            .child_text("behandelendeInstantieNaam")
            .unwrap_or("")
            .to_owned(),
        subject_name,
        subject_given_name: person
            .and_then(|p| p.child_text("voornaam").or(p.child_text("voorletters")))
            .unwrap_or("")
            .trim()
            .to_owned(),
        subject_kvk_number: person
            .and_then(|p| p.child_text("KvKNummer"))
            .map(str::to_owned),
        subject_date_of_birth: person.and_then(|p| cir_date(p.child_text("geboortedatum"))),
        started_on: publications.iter().find_map(|p| p.date),
        ended_on: ending.and_then(|p| p.date),
        ended: ending.is_some() || findable_until.is_some(),
        administrators,
        publications,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::KvkNumber;

    /// The register's recorded getCase answer (registers.md §2, tests/data/GetCase.xml).
    const GET_CASE: &str = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<getCaseResponse xmlns="http://www.rechtspraak.nl/namespaces/cir01">
 <getCaseResult>
  <inspubWebserviceInsolvente xmlns="http://www.rechtspraak.nl/namespaces/inspubber01">
   <insolvente>
    <insolventienummer>F.16/21/150</insolventienummer>
    <behandelendeInstantieCode>42</behandelendeInstantieCode>
    <behandelendeInstantieNaam>Rechtbank Midden-Nederland</behandelendeInstantieNaam>
    <behandelendeVestigingCode>3265</behandelendeVestigingCode>
    <behandelendeVestigingNaam>Lelystad</behandelendeVestigingNaam>
    <isPreHGKGepubliceerd>false</isPreHGKGepubliceerd>
    <persoon>
     <rechtspersoonlijkheid>rechtspersoon</rechtspersoonlijkheid>
     <achternaam>Company B.V.</achternaam>
     <KvKNummer>99098123</KvKNummer>
    </persoon>
    <RC>mr. R. Ight</RC>
    <adressen>
     <geheimAdres>false</geheimAdres>
     <adres>
      <datumBegin>2017-03-02</datumBegin><straat>lange straat</straat><huisnummer>4</huisnummer>
      <postcode>9999XX</postcode><plaats>Nieuw</plaats><adresType>CORR</adresType>
     </adres>
    </adressen>
    <cbvers>
     <cbv>
      <datumBegin>2021-05-18</datumBegin>
      <titulatuur>mr</titulatuur><voorletters>K.</voorletters><achternaam>Oopt</achternaam>
      <CB>C</CB>
      <adres><datumBegin>2021-05-19</datumBegin><straat>Postbus</straat><huisnummer>999999</huisnummer>
       <postcode>3508AA</postcode><plaats>UTRECHT</plaats><telefoonnummer>030-99999991</telefoonnummer></adres>
     </cbv>
    </cbvers>
    <publicatiegeschiedenis>
     <publicatie>
      <publicatieDatum>2021-05-20</publicatieDatum>
      <publicatieKenmerk>16.mne.23.100.F.1300.1.00</publicatieKenmerk>
      <publicatieOmschrijving>Uitspraak faillissement op 18 mei 2021</publicatieOmschrijving>
      <publicatieSoortCode>1300</publicatieSoortCode>
      <publicerendeInstantieCode>42</publicerendeInstantieCode>
     </publicatie>
     <instroomLegacy>false</instroomLegacy>
    </publicatiegeschiedenis>
   </insolvente>
  </inspubWebserviceInsolvente>
 </getCaseResult>
</getCaseResponse>
</soap:Body></soap:Envelope>"#;

    #[test]
    fn reads_the_recorded_case() {
        let (case, definitive) = read_case(200, GET_CASE).unwrap();
        assert!(definitive);
        let case = case.unwrap();
        assert_eq!(case.insolvency_number, "F.16/21/150");
        assert_eq!(case.kind, InsolvencyKind::Bankruptcy);
        assert_eq!(case.court, "Rechtbank Midden-Nederland");
        assert_eq!(case.subject_name, "Company B.V.");
        assert_eq!(case.subject_kvk_number.as_deref(), Some("99098123"));
        assert_eq!(case.started_on, NaiveDate::from_ymd_opt(2021, 5, 20));
        assert!(!case.ended);
        let curator = &case.administrators[0];
        assert_eq!(curator.role, AdministratorRole::Curator);
        assert_eq!(curator.name, "mr K. Oopt");
        assert_eq!(curator.address.street, "Postbus 999999");
        assert_eq!(curator.address.postcode, "3508AA");
        assert_eq!(curator.phone, "030-99999991");
        assert_eq!(case.publications[0].code, 1300);
    }

    #[test]
    fn an_ending_publication_or_end_of_findability_ends_the_case() {
        let ended = GET_CASE.replace(
            "<instroomLegacy>",
            "<publicatie><publicatieDatum>2022-02-01</publicatieDatum><publicatieKenmerk>16.mne.23.100.F.1316.1.00</publicatieKenmerk><publicatieOmschrijving>Opheffing wegens gebrek aan baten</publicatieOmschrijving><publicatieSoortCode>1316</publicatieSoortCode><publicerendeInstantieCode>42</publicerendeInstantieCode></publicatie><instroomLegacy>",
        );
        let case = read_case(200, &ended).unwrap().0.unwrap();
        assert!(case.ended);
        assert_eq!(case.ended_on, NaiveDate::from_ymd_opt(2022, 2, 1));

        let findable = GET_CASE.replace(
            "</publicatiegeschiedenis>",
            "</publicatiegeschiedenis><eindeVindbaarheid>2022-08-01</eindeVindbaarheid>",
        );
        assert!(read_case(200, &findable).unwrap().0.unwrap().ended);
    }

    /// The recorded searchUndertaking answer (SOAP 1.2 envelope, `env:` header prefix).
    const SEARCH: &str = r#"<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing">
  <env:Header xmlns:env="http://www.w3.org/2003/05/soap-envelope">
    <wsa:Action>http://www.rechtspraak.nl/namespaces/cir01/searchUndertakingResponse</wsa:Action>
  </env:Header>
  <soap:Body>
    <searchUndertakingResponse xmlns="http://www.rechtspraak.nl/namespaces/cir01">
      <searchUndertakingResult>
        <publicatieLijst extractiedatum="2021-05-21T15:26:58.6574618+02:00" xmlns="http://www.rechtspraak.nl/namespaces/inspubber01">
          <publicatieKenmerk>16.ams.21.100.F.1300.1.00</publicatieKenmerk>
        </publicatieLijst>
      </searchUndertakingResult>
    </searchUndertakingResponse>
  </soap:Body>
</soap:Envelope>"#;

    #[test]
    fn reads_the_recorded_search_and_the_empty_result() {
        assert_eq!(
            read_search(200, SEARCH).unwrap(),
            (vec!["16.ams.21.100.F.1300.1.00".to_owned()], true)
        );
        let empty = SEARCH.replace(
            "<publicatieKenmerk>16.ams.21.100.F.1300.1.00</publicatieKenmerk>",
            r#"<exceptie errorcode="1">Geen resultaten gevonden</exceptie>"#,
        );
        assert_eq!(read_search(200, &empty).unwrap(), (vec![], true));
        let too_many = SEARCH.replace(
            "<publicatieKenmerk>16.ams.21.100.F.1300.1.00</publicatieKenmerk>",
            r#"<exceptie errorcode="3">Te veel resultaten gevonden. Beperk de zoekvraag</exceptie>"#,
        );
        let err = read_search(200, &too_many).unwrap_err();
        assert!(matches!(&err, LookupError::Rejected { code: Some(c), .. } if c == "exceptie 3"));
        let technical = SEARCH.replace(
            "<publicatieKenmerk>16.ams.21.100.F.1300.1.00</publicatieKenmerk>",
            r#"<exceptie errorcode="2">Technische fout</exceptie>"#,
        );
        assert!(read_search(200, &technical).unwrap_err().is_transient());
    }

    #[test]
    fn faults_and_broken_xml_are_clear_errors() {
        let fault = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>wsse:FailedAuthentication</faultcode><faultstring>The security token could not be authenticated</faultstring></soap:Fault></soap:Body></soap:Envelope>"#;
        let err = read_search(500, fault).unwrap_err();
        assert!(
            err.to_string().contains("could not be authenticated"),
            "{err}"
        );
        assert!(is_client_fault(fault), "bad credentials are final");
        let server = fault.replace("wsse:FailedAuthentication", "soap:Server");
        assert!(!is_client_fault(&server), "a server fault may pass");
        assert!(!is_client_fault("<html>Internal Server Error</html>"));
        let cut = &SEARCH[..SEARCH.len() / 2];
        let err = read_search(200, cut).unwrap_err();
        assert!(matches!(err, LookupError::Malformed { .. }), "{err}");
        assert!(err.to_string().contains("not XML"), "{err}");
        assert!(
            read_search(429, "Too Many Requests")
                .unwrap_err()
                .is_transient()
        );
        let err = read_case(200, "<html><body>Service Unavailable</body></html>").unwrap_err();
        assert!(err.to_string().contains("SOAP Envelope"), "{err}");
    }

    #[test]
    fn requests_follow_the_wsdl() {
        let body = person_body(&PersonQuery {
            surname: "Vries".into(),
            prefix: "de".into(),
            date_of_birth: NaiveDate::from_ymd_opt(1975, 3, 14).unwrap(),
        });
        assert_eq!(
            body,
            "<cir:searchNaturalPerson><cir:prefix>de</cir:prefix><cir:surname>Vries</cir:surname><cir:dateOfBirth>1975-03-14T00:00:00</cir:dateOfBirth></cir:searchNaturalPerson>"
        );
        let body = undertaking_body(&UndertakingQuery::KvkNumber(
            KvkNumber::parse("99098123").unwrap(),
        ));
        let envelope = envelope(
            "searchUndertaking",
            "https://x/cir.asmx",
            "u&1",
            "p<2",
            &body,
        );
        let root = xml::parse(&envelope).unwrap();
        assert_eq!(root.find("Username").unwrap().text, "u&1");
        assert_eq!(root.find("Password").unwrap().text, "p<2");
        assert_eq!(
            root.find("Action").unwrap().text,
            "http://www.rechtspraak.nl/namespaces/cir01/searchUndertaking"
        );
        assert_eq!(root.find("commercialRegisterID").unwrap().text, "99098123");
    }
}
