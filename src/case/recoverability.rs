//! Verhaalsonderzoek: what the trade register (KvK Handelsregister) and the Centraal
//! Insolventieregister say about a debtor, and the verdict the track draws from it.
//!
//! Pure domain, so [`super::decide`] can call [`verdict`] on findings the engine stored with
//! the case, and a replay of the case gives the same verdict. The registry room maps the
//! registers' wire formats into these types; nothing here knows HTTP or XML.
//!
//! The legal ground (procedure.md §6): a faillissement ends all execution (art. 33 Fw) and
//! claims go to the curator ter verificatie (art. 26, 110 Fw); in a WSNP executions are
//! suspended and claims are filed with the bewindvoerder (art. 299, 301 Fw); in surseance
//! execution is suspended for ordinary creditors (art. 230 Fw). So each of those stops the
//! track. A dissolved company, no match, an address that differs, or an insolvency that has
//! ended (schone lei, art. 358 Fw, may have made the claim unenforceable) need a person.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::claim::{Debtor, DebtorKind};

/// A postal address as a register gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterAddress {
    /// Street, house number and additions, as one line.
    pub street: String,
    /// Postcode as the register writes it (`1034WL`).
    pub postcode: String,
    /// City.
    pub city: String,
}

impl RegisterAddress {
    /// The postcode without spaces, upper case: how two registers' postcodes compare.
    pub fn postcode_key(&self) -> String {
        postcode_key(&self.postcode)
    }
}

fn postcode_key(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// One registration in the Handelsregister, as far as the verdict needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeRecord {
    /// The KvK number.
    pub kvk_number: String,
    /// The registered name (`naam`).
    pub name: String,
    /// Rechtsvorm (`Eenmanszaak`, `Besloten Vennootschap`…): an eenmanszaak's owner is
    /// personally liable, a BV's director is not.
    pub legal_form: String,
    /// Handelsnamen, in the register's order.
    pub trade_names: Vec<String>,
    /// Start of the business (`materieleRegistratie.datumAanvang`).
    pub started_on: Option<NaiveDate>,
    /// End of the business (`datumEinde`): set means dissolved or struck off.
    pub ended_on: Option<NaiveDate>,
    /// `datumEinde` is set, whether or not it is a whole date (the register writes
    /// partial dates, `20230000`): ended all the same.
    #[serde(default)]
    pub ended: bool,
    /// Bezoekadres of the main branch (or of the owner when there is no branch).
    pub visiting_address: Option<RegisterAddress>,
    /// Correspondentieadres, when the register has one.
    pub postal_address: Option<RegisterAddress>,
}

/// What the trade register answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum TradeLookup {
    /// One registration matched (boxed: it is much larger than the other answers).
    Found(Box<TradeRecord>),
    /// Nothing matched (KvK `IPD5200` / `IPD0005`).
    NotFound,
    /// A search by name and place matched more than one registration.
    Ambiguous {
        /// How many different KvK numbers matched.
        candidates: usize,
    },
}

/// The kind of insolvency, from the insolvency number's first letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InsolvencyKind {
    /// `F`: faillissement (bankruptcy).
    Bankruptcy,
    /// `S`: surseance van betaling (suspension of payments).
    SuspensionOfPayments,
    /// `R`: schuldsaneringsregeling natuurlijke personen (WSNP).
    DebtRestructuring,
}

impl InsolvencyKind {
    /// Reads the letter of an insolvency number (`F.16/21/150`).
    pub fn from_insolvency_number(number: &str) -> Option<Self> {
        match number.trim().chars().next()? {
            'F' => Some(Self::Bankruptcy),
            'S' => Some(Self::SuspensionOfPayments),
            'R' => Some(Self::DebtRestructuring),
            _ => None,
        }
    }

    /// The Dutch legal term, for reasons a case handler reads.
    pub fn dutch(self) -> &'static str {
        match self {
            Self::Bankruptcy => "faillissement",
            Self::SuspensionOfPayments => "surseance van betaling",
            Self::DebtRestructuring => "schuldsanering (WSNP)",
        }
    }
}

/// Curator or bewindvoerder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdministratorRole {
    /// `C`: the curator of a faillissement.
    Curator,
    /// `B`: the bewindvoerder of a surseance or a WSNP.
    Administrator,
}

/// The person a creditor files the claim with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Administrator {
    /// Curator or bewindvoerder.
    pub role: AdministratorRole,
    /// Full name with title (`mr. K. Oopt`).
    pub name: String,
    /// Office address.
    pub address: RegisterAddress,
    /// Phone, may be empty.
    pub phone: String,
}

impl RegisterAddress {
    /// `street, postcode city`, as a letter names it.
    pub fn one_line(&self) -> String {
        format!("{}, {} {}", self.street, self.postcode, self.city)
    }
}

impl Verdict {
    /// The curator's or bewindvoerder's name, empty without one.
    pub fn administrator_name(&self) -> String {
        self.administrator
            .as_ref()
            .map(|a| a.name.clone())
            .unwrap_or_default()
    }

    /// Their office address on one line, empty without one.
    pub fn administrator_address(&self) -> String {
        self.administrator
            .as_ref()
            .map(|a| a.address.one_line())
            .unwrap_or_default()
    }
}

/// One publication in a case's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    /// Publication date.
    pub date: Option<NaiveDate>,
    /// The publicatiekenmerk (`16.mne.23.100.F.1300.1.00`).
    pub reference: String,
    /// publicatieSoortCode (1300 = uitspraak faillissement…).
    pub code: u32,
    /// The register's description.
    pub description: String,
}

/// One insolvency case (insolventie) as the register's `getCase` describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsolvencyCase {
    /// Insolventienummer (`F.16/21/150`).
    pub insolvency_number: String,
    /// From the number's letter.
    pub kind: InsolvencyKind,
    /// The court that handles it (`Rechtbank Midden-Nederland`).
    pub court: String,
    /// The insolvent's name (a company's name is in `achternaam` too).
    pub subject_name: String,
    /// The insolvent person's first name or initials (`voornaam`, else `voorletters`).
    #[serde(default)]
    pub subject_given_name: String,
    /// The insolvent's KvK number, if any.
    pub subject_kvk_number: Option<String>,
    /// The insolvent's date of birth, for natural persons.
    pub subject_date_of_birth: Option<NaiveDate>,
    /// The date of the first publication: when it started as far as the register shows.
    pub started_on: Option<NaiveDate>,
    /// When it ended, if it has (`eindeVindbaarheid` or an einde/opheffing publication).
    pub ended_on: Option<NaiveDate>,
    /// Whether it has ended.
    pub ended: bool,
    /// Curators and bewindvoerders still in office (no `datumEind`).
    pub administrators: Vec<Administrator>,
    /// The publications, oldest first.
    pub publications: Vec<Publication>,
}

/// publicatieSoortCodes that end an insolvency: einde faillissement (opheffing, verbindende
/// uitdelingslijst, akkoord, vernietiging, alle schulden voldaan), einde schuldsanering,
/// einde surseance. Source: the register's Content02.xsd code list (registers.md §2).
const ENDING_CODES: &[(u32, u32)] = &[
    (1316, 1320),
    (1324, 1324),
    (2328, 2337),
    (3307, 3309),
    (3313, 3313),
];

/// Whether a publicatieSoortCode ends the insolvency.
pub fn is_ending_code(code: u32) -> bool {
    ENDING_CODES
        .iter()
        .any(|&(from, to)| (from..=to).contains(&code))
}

/// What the insolvency register said about a debtor: every case found (none = no
/// insolvency known).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsolvencyRecord {
    /// The cases, one per insolvency number.
    pub cases: Vec<InsolvencyCase>,
    /// The search was by company name alone (no KvK number known): a case found may be
    /// another company of that name, so it is not reason enough to stop.
    #[serde(default)]
    pub name_only: bool,
    /// Publication references the search found whose case `getCase` would not give: an
    /// insolvency may be behind them, so they are never read as nothing found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<String>,
}

/// The three outcomes of the recoverability check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    /// Go on to the summons.
    Proceed,
    /// A person decides (a review task).
    Review,
    /// The debtor cannot be pursued: the case closes as uncollectable.
    Stop,
}

/// Why a verdict is what it is: a stable code for machines and a sentence for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// An insolvency (faillissement, surseance, WSNP) is running.
    InsolvencyActive,
    /// An insolvency was found that has ended.
    InsolvencyEnded,
    /// A running insolvency of a company of the same name, found without a KvK number.
    InsolvencyNameMatch,
    /// The insolvency register was not searched (no KvK number, no birth date).
    InsolvencyNotSearched,
    /// The search named a case the register would not give (withdrawn, renumbered).
    InsolvencyUnread,
    /// The company has a KvK end date.
    Dissolved,
    /// The trade register has no such registration.
    NotInTradeRegister,
    /// A name search matched several registrations.
    AmbiguousTradeMatch,
    /// The trade register was not consulted (no KvK number or name to search by).
    TradeNotSearched,
    /// The debtor's postcode is not the register's.
    AddressDiffers,
    /// Nothing stands in the way.
    NothingFound,
}

impl ReasonCode {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InsolvencyActive => "insolvency_active",
            Self::InsolvencyEnded => "insolvency_ended",
            Self::InsolvencyNameMatch => "insolvency_name_match",
            Self::InsolvencyNotSearched => "insolvency_not_searched",
            Self::InsolvencyUnread => "insolvency_unread",
            Self::Dissolved => "dissolved",
            Self::NotInTradeRegister => "not_in_trade_register",
            Self::AmbiguousTradeMatch => "ambiguous_trade_match",
            Self::TradeNotSearched => "trade_not_searched",
            Self::AddressDiffers => "address_differs",
            Self::NothingFound => "nothing_found",
        }
    }
}

/// One reason of a verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// What kind of reason.
    pub code: ReasonCode,
    /// In words, with the register's facts (numbers, dates, names of the court).
    pub text: String,
}

/// The verdict with everything the next step needs: reasons for the case handler, and for a
/// stop the insolvency and its curator/bewindvoerder for the client's statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// Proceed, review or stop.
    pub kind: VerdictKind,
    /// Why; never empty.
    pub reasons: Vec<Reason>,
    /// For a stop: the running insolvency's number.
    pub insolvency_number: Option<String>,
    /// For a stop: with whom to file the claim (ter verificatie).
    pub administrator: Option<Administrator>,
}

/// Draws the verdict. `trade` is `None` when the trade register was not consulted (a
/// consumer, or a business with neither KvK number nor name), `insolvency` is `None` when the
/// insolvency register could not be searched. A register that could not be *reached* never
/// gets here: the engine retries and then opens a review task itself.
///
/// A person's first initial in the register that is not the debtor's (a consumer whose
/// name is written first name first, "J. de Vries"), if both are known: the register is
/// searched by surname and date of birth only, so that is a namesake until checked.
fn other_first_initial(case: &InsolvencyCase, debtor: &Debtor) -> Option<char> {
    use super::search::{is_particle, words};
    /// Salutations and titles written before a name ("Dhr. J. de Vries", "Mr. …").
    const TITLES: [&str; 11] = [
        "dhr", "hr", "mevr", "mw", "mr", "ir", "ing", "drs", "dr", "prof", "ds",
    ];
    if debtor.kind != DebtorKind::Consumer || case.subject_date_of_birth.is_none() {
        return None;
    }
    // Accents folded, lower case: "Émile" and "E." agree.
    let theirs = words(&case.subject_given_name).first()?.chars().next()?;
    let family = words(&debtor.family_name);
    let name = words(&debtor.name);
    let first = name.iter().find(|w| !TITLES.contains(&w.as_str()))?;
    // Only a full name written first name first tells: not one without the surname, nor
    // one written surname first ("de Vries, J.", "Vries").
    if family.is_empty()
        || !family.iter().all(|f| name.contains(f))
        || is_particle(first)
        || family.contains(first)
    {
        return None;
    }
    let ours = first.chars().next()?;
    (ours != theirs).then(|| theirs.to_ascii_uppercase())
}

/// Order of precedence: a running insolvency stops the case whatever else is known; then
/// anything doubtful (ended insolvency, dissolved, unknown, ambiguous, address) is a review
/// with every reason listed; else proceed.
pub fn verdict(
    trade: Option<&TradeLookup>,
    insolvency: Option<&InsolvencyRecord>,
    debtor: &Debtor,
) -> Verdict {
    // Of several running cases, one that is surely the debtor's decides before a namesake.
    let running = insolvency.and_then(|r| {
        let mut running = r.cases.iter().filter(|c| !c.ended);
        running
            .clone()
            .find(|c| other_first_initial(c, debtor).is_none())
            .or_else(|| running.next())
    });
    if let Some(running) = running {
        let administrator = running.administrators.first().cloned();
        let mut text = format!(
            "{} {} since {} ({})",
            running.kind.dutch(),
            running.insolvency_number,
            running
                .started_on
                .map_or_else(|| "an unknown date".to_owned(), |d| d.to_string()),
            running.court,
        );
        if let Some(a) = &administrator {
            let role = match a.role {
                AdministratorRole::Curator => "curator",
                AdministratorRole::Administrator => "bewindvoerder",
            };
            text.push_str(&format!(
                "; file the claim with the {role} {}, {}, {} {}",
                a.name, a.address.street, a.address.postcode, a.address.city
            ));
        }
        if let Some(theirs) = other_first_initial(running, debtor) {
            // Searched by surname and date of birth: another first name is a namesake
            // until a person says otherwise, never a reason to close the case.
            return Verdict {
                kind: VerdictKind::Review,
                reasons: vec![Reason {
                    code: ReasonCode::InsolvencyNameMatch,
                    text: format!(
                        "{text}; the register's {:?} ({theirs}.) has another first name than \
                         the debtor {:?}: check that it is this debtor",
                        running.subject_name, debtor.name
                    ),
                }],
                insolvency_number: Some(running.insolvency_number.clone()),
                administrator,
            };
        }
        if insolvency.is_some_and(|r| r.name_only) {
            return Verdict {
                kind: VerdictKind::Review,
                reasons: vec![Reason {
                    code: ReasonCode::InsolvencyNameMatch,
                    text: format!(
                        "{text}; found by the name {:?} alone: check that it is this debtor",
                        running.subject_name
                    ),
                }],
                insolvency_number: Some(running.insolvency_number.clone()),
                administrator,
            };
        }
        return Verdict {
            kind: VerdictKind::Stop,
            reasons: vec![Reason {
                code: ReasonCode::InsolvencyActive,
                text,
            }],
            insolvency_number: Some(running.insolvency_number.clone()),
            administrator,
        };
    }

    let mut reasons = Vec::new();
    match insolvency {
        None => reasons.push(Reason {
            code: ReasonCode::InsolvencyNotSearched,
            text: match debtor.kind {
                DebtorKind::Consumer => {
                    "insolvency register not searched: the debtor's date of birth or surname is missing"
                }
                DebtorKind::Business => {
                    "insolvency register not searched: no KvK number or name to search by"
                }
            }
            .to_owned(),
        }),
        Some(record) => {
            for ended in &record.cases {
                let check = match ended.kind {
                    InsolvencyKind::DebtRestructuring => {
                        "check whether the claim was covered by the schone lei (art. 358 Fw)"
                    }
                    InsolvencyKind::Bankruptcy | InsolvencyKind::SuspensionOfPayments => {
                        "check whether the debtor was dissolved or can be pursued again"
                    }
                };
                reasons.push(Reason {
                    code: ReasonCode::InsolvencyEnded,
                    text: format!(
                        "{} {} ended{}: {check}",
                        ended.kind.dutch(),
                        ended.insolvency_number,
                        ended.ended_on.map_or_else(String::new, |d| format!(" on {d}")),
                    ),
                });
            }
            for reference in &record.unread {
                reasons.push(Reason {
                    code: ReasonCode::InsolvencyUnread,
                    text: format!(
                        "the insolvency register's search found publication {reference}, but \
                         its case could not be read: check it on the register"
                    ),
                });
            }
        }
    }

    match trade {
        None if debtor.kind == DebtorKind::Business => reasons.push(Reason {
            code: ReasonCode::TradeNotSearched,
            text: "trade register not consulted: no KvK number or name to search by".to_owned(),
        }),
        None => {}
        Some(TradeLookup::NotFound) => reasons.push(Reason {
            code: ReasonCode::NotInTradeRegister,
            text: match &debtor.kvk_number {
                Some(n) => format!("KvK number {} is not in the Handelsregister", n.as_str()),
                None => "no registration in the Handelsregister matches the name and city"
                    .to_owned(),
            },
        }),
        Some(TradeLookup::Ambiguous { candidates }) => reasons.push(Reason {
            code: ReasonCode::AmbiguousTradeMatch,
            text: format!(
                "{candidates} registrations in the Handelsregister match the name and city: ask the client for the KvK number"
            ),
        }),
        Some(TradeLookup::Found(record)) => {
            if record.ended || record.ended_on.is_some() {
                reasons.push(Reason {
                    code: ReasonCode::Dissolved,
                    text: format!(
                        "{} ({}) ended{} in the Handelsregister (ontbonden/uitgeschreven)",
                        record.name,
                        record.kvk_number,
                        record
                            .ended_on
                            .map_or_else(String::new, |d| format!(" on {d}"))
                    ),
                });
            }
            let ours = postcode_key(&debtor.address.postcode);
            let theirs: Vec<&RegisterAddress> = record
                .visiting_address
                .iter()
                .chain(record.postal_address.iter())
                .collect();
            if !ours.is_empty()
                && !theirs.is_empty()
                && theirs.iter().all(|a| a.postcode_key() != ours)
            {
                let registered = theirs[0];
                reasons.push(Reason {
                    code: ReasonCode::AddressDiffers,
                    text: format!(
                        "the claim's address ({}) differs from the Handelsregister's ({}, {} {})",
                        debtor.address.postcode,
                        registered.street,
                        registered.postcode,
                        registered.city
                    ),
                });
            }
        }
    }

    if reasons.is_empty() {
        Verdict {
            kind: VerdictKind::Proceed,
            reasons: vec![Reason {
                code: ReasonCode::NothingFound,
                text: match trade {
                    Some(TradeLookup::Found(r)) => format!(
                        "no insolvency; {} ({}) is registered and active",
                        r.name, r.kvk_number
                    ),
                    _ => "no insolvency known".to_owned(),
                },
            }],
            insolvency_number: None,
            administrator: None,
        }
    } else {
        Verdict {
            kind: VerdictKind::Review,
            reasons,
            insolvency_number: None,
            administrator: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Address, KvkNumber};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn business(kvk: &str, postcode: &str) -> Debtor {
        Debtor::business(
            "Test EMZ Dagobert",
            Some(KvkNumber::parse(kvk).unwrap()),
            Address::nl("Abebe Bikilalaan 17 M", postcode, "Amsterdam"),
        )
    }

    fn consumer() -> Debtor {
        Debtor {
            kind: DebtorKind::Consumer,
            kvk_number: None,
            date_of_birth: Some(day("1975-03-14")),
            family_name: "Vries".into(),
            family_name_prefix: "de".into(),
            ..business("69599084", "1011 AB")
        }
    }

    fn active(postcode: &str) -> TradeLookup {
        TradeLookup::Found(Box::new(TradeRecord {
            kvk_number: "69599084".into(),
            name: "Test EMZ Dagobert".into(),
            legal_form: "Eenmanszaak".into(),
            visiting_address: Some(RegisterAddress {
                street: "Abebe Bikilalaan 17 M".into(),
                postcode: postcode.into(),
                city: "Amsterdam".into(),
            }),
            ..TradeRecord::default()
        }))
    }

    fn case(number: &str, ended_on: Option<&str>) -> InsolvencyCase {
        InsolvencyCase {
            insolvency_number: number.into(),
            kind: InsolvencyKind::from_insolvency_number(number).unwrap(),
            court: "Rechtbank Midden-Nederland".into(),
            subject_name: "Company B.V.".into(),
            subject_given_name: String::new(),
            subject_kvk_number: Some("99098123".into()),
            subject_date_of_birth: None,
            started_on: Some(day("2021-05-18")),
            ended_on: ended_on.map(day),
            ended: ended_on.is_some(),
            administrators: vec![Administrator {
                role: AdministratorRole::Curator,
                name: "mr K. Oopt".into(),
                address: RegisterAddress {
                    street: "Postbus 999999".into(),
                    postcode: "3508AA".into(),
                    city: "UTRECHT".into(),
                },
                phone: String::new(),
            }],
            publications: vec![],
        }
    }

    #[test]
    fn active_company_without_insolvency_proceeds() {
        let v = verdict(
            Some(&active("1034WL")),
            Some(&InsolvencyRecord::default()),
            &business("69599084", "1034 wl"),
        );
        assert_eq!(v.kind, VerdictKind::Proceed);
        assert_eq!(v.reasons[0].code, ReasonCode::NothingFound);
    }

    #[test]
    fn running_insolvency_stops_and_names_the_curator() {
        let record = InsolvencyRecord {
            cases: vec![case("F.16/21/150", None)],
            ..InsolvencyRecord::default()
        };
        let v = verdict(
            Some(&active("1034WL")),
            Some(&record),
            &business("99098123", "1034WL"),
        );
        assert_eq!(v.kind, VerdictKind::Stop);
        assert_eq!(v.insolvency_number.as_deref(), Some("F.16/21/150"));
        assert_eq!(v.administrator.unwrap().name, "mr K. Oopt");
        assert!(
            v.reasons[0]
                .text
                .contains("faillissement F.16/21/150 since 2021-05-18")
        );
        assert!(v.reasons[0].text.contains("curator mr K. Oopt"));
    }

    #[test]
    fn a_company_found_by_name_alone_is_reviewed_not_stopped() {
        let record = InsolvencyRecord {
            cases: vec![case("F.16/21/150", None)],
            name_only: true,
            unread: Vec::new(),
        };
        let mut debtor = business("99098123", "2012 ES");
        debtor.kvk_number = None;
        let v = verdict(None, Some(&record), &debtor);
        assert_eq!(v.kind, VerdictKind::Review);
        assert_eq!(v.reasons[0].code, ReasonCode::InsolvencyNameMatch);
        assert!(
            v.reasons[0].text.contains("\"Company B.V.\" alone"),
            "{}",
            v.reasons[0].text
        );
        assert_eq!(v.insolvency_number.as_deref(), Some("F.16/21/150"));
    }

    #[test]
    fn a_running_case_wins_over_an_ended_one() {
        let record = InsolvencyRecord {
            cases: vec![
                case("R.13/15/4", Some("2018-01-01")),
                case("S.16/21/7", None),
            ],
            ..InsolvencyRecord::default()
        };
        let v = verdict(None, Some(&record), &consumer());
        assert_eq!(v.kind, VerdictKind::Stop);
        assert!(
            v.reasons[0]
                .text
                .starts_with("surseance van betaling S.16/21/7")
        );
    }

    #[test]
    fn doubtful_findings_are_reviewed_with_every_reason() {
        let record = InsolvencyRecord {
            cases: vec![case("R.13/15/4", Some("2018-01-01"))],
            ..InsolvencyRecord::default()
        };
        let dissolved = TradeLookup::Found(Box::new(TradeRecord {
            ended_on: Some(day("2023-12-31")),
            ..match active("1034WL") {
                TradeLookup::Found(r) => *r,
                _ => unreachable!(),
            }
        }));
        let v = verdict(
            Some(&dissolved),
            Some(&record),
            &business("69599084", "9999 XX"),
        );
        assert_eq!(v.kind, VerdictKind::Review);
        let codes: Vec<_> = v.reasons.iter().map(|r| r.code).collect();
        assert_eq!(
            codes,
            [
                ReasonCode::InsolvencyEnded,
                ReasonCode::Dissolved,
                ReasonCode::AddressDiffers
            ]
        );
        assert!(v.administrator.is_none());
        // Ended on a date the register gives only partly: dissolved all the same.
        let partly = TradeLookup::Found(Box::new(TradeRecord {
            ended: true,
            ..match active("9999XX") {
                TradeLookup::Found(r) => *r,
                _ => unreachable!(),
            }
        }));
        let v = verdict(Some(&partly), None, &business("69599084", "9999 XX"));
        assert!(
            v.reasons.iter().any(|r| r.code == ReasonCode::Dissolved),
            "{v:?}"
        );
    }

    #[test]
    fn unknown_and_unsearched_are_reviewed() {
        let none = InsolvencyRecord::default();
        let v = verdict(
            Some(&TradeLookup::NotFound),
            Some(&none),
            &business("12345678", "1034WL"),
        );
        assert_eq!(v.kind, VerdictKind::Review);
        assert_eq!(v.reasons[0].code, ReasonCode::NotInTradeRegister);
        assert!(v.reasons[0].text.contains("12345678"));

        let v = verdict(
            Some(&TradeLookup::Ambiguous { candidates: 3 }),
            Some(&none),
            &business("12345678", "1034WL"),
        );
        assert_eq!(v.reasons[0].code, ReasonCode::AmbiguousTradeMatch);

        let v = verdict(None, None, &consumer());
        assert_eq!(v.kind, VerdictKind::Review);
        assert_eq!(v.reasons[0].code, ReasonCode::InsolvencyNotSearched);
    }

    /// A WSNP found by surname and date of birth: the debtor's own (first initial J.) stops
    /// the case; Pieter de Vries, born the same day, is reviewed, not closed on.
    #[test]
    fn a_namesake_with_another_first_name_is_reviewed() {
        let debtor = Debtor {
            name: "J. de Vries".into(),
            ..consumer()
        };
        let wsnp = |given: &str| InsolvencyRecord {
            cases: vec![InsolvencyCase {
                subject_name: format!("{given} de Vries"),
                subject_given_name: given.into(),
                subject_kvk_number: None,
                subject_date_of_birth: Some(day("1975-03-14")),
                ..case("R.16/21/7", None)
            }],
            ..InsolvencyRecord::default()
        };
        assert_eq!(
            verdict(None, Some(&wsnp("Jan")), &debtor).kind,
            VerdictKind::Stop
        );
        assert_eq!(
            verdict(None, Some(&wsnp("J.H.")), &debtor).kind,
            VerdictKind::Stop
        );
        let other = verdict(None, Some(&wsnp("Pieter")), &debtor);
        assert_eq!(other.kind, VerdictKind::Review);
        assert_eq!(other.reasons[0].code, ReasonCode::InsolvencyNameMatch);
        // The namesake listed first, the debtor's own case after it: the debtor's decides.
        let mut both = wsnp("Pieter");
        both.cases
            .extend(wsnp("Jan").cases.into_iter().map(|c| InsolvencyCase {
                insolvency_number: "R.16/22/9".into(),
                ..c
            }));
        let own = verdict(None, Some(&both), &debtor);
        assert_eq!(own.kind, VerdictKind::Stop);
        assert_eq!(own.insolvency_number.as_deref(), Some("R.16/22/9"));
        // Without initials on either side the match stands.
        assert_eq!(
            verdict(None, Some(&wsnp("")), &debtor).kind,
            VerdictKind::Stop
        );
        // A salutation is no first name; a first name starting like the prefix is one.
        for name in ["Dhr. J. de Vries", "Mr. Jan de Vries"] {
            let titled = Debtor {
                name: name.into(),
                ..debtor.clone()
            };
            assert_eq!(
                verdict(None, Some(&wsnp("Jan")), &titled).kind,
                VerdictKind::Stop
            );
        }
        let dennis = Debtor {
            name: "Dennis de Vries".into(),
            ..debtor.clone()
        };
        assert_eq!(
            verdict(None, Some(&wsnp("Pieter")), &dennis).kind,
            VerdictKind::Review
        );
        let emile = Debtor {
            name: "Émile de Vries".into(),
            ..debtor.clone()
        };
        assert_eq!(
            verdict(None, Some(&wsnp("E.")), &emile).kind,
            VerdictKind::Stop
        );
        let surname_first = Debtor {
            name: "de Vries, J.".into(),
            ..debtor
        };
        assert_eq!(
            verdict(None, Some(&wsnp("Pieter")), &surname_first).kind,
            VerdictKind::Stop
        );
    }

    /// The search named a publication whose case the register would not give: never read
    /// as nothing found.
    #[test]
    fn a_case_the_register_would_not_give_is_reviewed() {
        let record = InsolvencyRecord {
            unread: vec!["16.ams.21.100.F.1300.1.00".into()],
            ..InsolvencyRecord::default()
        };
        let v = verdict(None, Some(&record), &consumer());
        assert_eq!(v.kind, VerdictKind::Review);
        assert_eq!(v.reasons[0].code, ReasonCode::InsolvencyUnread);
        assert!(v.reasons[0].text.contains("16.ams.21.100.F.1300.1.00"));
    }

    #[test]
    fn consumer_without_insolvency_proceeds() {
        let v = verdict(None, Some(&InsolvencyRecord::default()), &consumer());
        assert_eq!(v.kind, VerdictKind::Proceed);
    }

    #[test]
    fn ending_codes_follow_the_code_list() {
        for code in [1316, 1320, 1324, 2328, 2337, 3307, 3313] {
            assert!(is_ending_code(code), "{code}");
        }
        for code in [1300, 1307, 2301, 2348, 3302, 1321] {
            assert!(!is_ending_code(code), "{code}");
        }
        assert_eq!(
            InsolvencyKind::from_insolvency_number("R.16/00/100"),
            Some(InsolvencyKind::DebtRestructuring)
        );
        assert_eq!(InsolvencyKind::from_insolvency_number("X.1"), None);
    }
}
