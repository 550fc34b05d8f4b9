//! Where a debtor is summoned: the kantonrechter's hearing location (*zittingsplaats*) for
//! the debtor's place of residence (art. 99 Rv: the court of the defendant's domicile),
//! with the court building's address that the summons must name (art. 111 lid 2 sub e Rv).
//!
//! The full table is gemeente → arrondissement (Wet op de rechterlijke indeling, bijlage)
//! → zittingsplaats (each court's zaaksverdelingsreglement), re-synced every 1 January;
//! it is not in the reference yet. Until it is, this table holds the courts' main seats,
//! matched on the debtor's city exactly; any other place gets no row, and the summons
//! draft says the case handler fills in the court before approving it.

/// One hearing location of a court.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CourtSeat {
    /// The district court, e.g. "Rechtbank Midden-Nederland".
    pub court: &'static str,
    /// The hearing location, e.g. "Utrecht".
    pub location: &'static str,
    /// Street and number of the court building.
    pub street: &'static str,
    /// Its postcode.
    pub postcode: &'static str,
    /// Its city.
    pub city: &'static str,
    /// Where the row comes from, and whether it was checked.
    pub source: &'static str,
}

const UNVERIFIED: &str = "UNVERIFIED: court list per procedure.md § Courts (best knowledge); \
     building address from memory — check rechtspraak.nl → Adressen before relying on it";

/// (places of residence it serves, the seat). Only a court's own seat city, whose
/// kantonrechter sits there.
const SEATS: &[(&[&str], CourtSeat)] = &[
    (
        &["amsterdam"],
        CourtSeat {
            court: "Rechtbank Amsterdam",
            location: "Amsterdam",
            street: "Parnassusweg 280",
            postcode: "1076 AV",
            city: "Amsterdam",
            source: UNVERIFIED,
        },
    ),
    (
        &["utrecht"],
        CourtSeat {
            court: "Rechtbank Midden-Nederland",
            location: "Utrecht",
            street: "Vrouwe Justitiaplein 1",
            postcode: "3511 EX",
            city: "Utrecht",
            source: UNVERIFIED,
        },
    ),
    (
        &["den haag", "'s-gravenhage"],
        CourtSeat {
            court: "Rechtbank Den Haag",
            location: "Den Haag",
            street: "Prins Clauslaan 60",
            postcode: "2595 AJ",
            city: "Den Haag",
            source: UNVERIFIED,
        },
    ),
    (
        &["rotterdam"],
        CourtSeat {
            court: "Rechtbank Rotterdam",
            location: "Rotterdam",
            street: "Wilhelminaplein 100/125",
            postcode: "3072 DE",
            city: "Rotterdam",
            source: UNVERIFIED,
        },
    ),
    (
        &["arnhem"],
        CourtSeat {
            court: "Rechtbank Gelderland",
            location: "Arnhem",
            street: "Walburgstraat 2-4",
            postcode: "6811 CH",
            city: "Arnhem",
            source: UNVERIFIED,
        },
    ),
    (
        &["zwolle"],
        CourtSeat {
            court: "Rechtbank Overijssel",
            location: "Zwolle",
            street: "Luttenbergstraat 5",
            postcode: "8012 EE",
            city: "Zwolle",
            source: UNVERIFIED,
        },
    ),
    (
        &["'s-hertogenbosch", "den bosch"],
        CourtSeat {
            court: "Rechtbank Oost-Brabant",
            location: "'s-Hertogenbosch",
            street: "Leeghwaterlaan 8",
            postcode: "5223 BA",
            city: "'s-Hertogenbosch",
            source: UNVERIFIED,
        },
    ),
];

/// The hearing location for a debtor living in `city`, if the table has it.
pub fn seat_for(city: &str) -> Option<&'static CourtSeat> {
    let wanted = city.trim().to_lowercase();
    SEATS
        .iter()
        .find(|(places, _)| places.contains(&wanted.as_str()))
        .map(|(_, seat)| seat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seat_city_finds_its_court_and_other_places_none() {
        assert_eq!(
            seat_for(" Utrecht ").unwrap().court,
            "Rechtbank Midden-Nederland"
        );
        assert_eq!(seat_for("'s-Gravenhage").unwrap().location, "Den Haag");
        assert_eq!(
            seat_for("Den Bosch").unwrap().court,
            "Rechtbank Oost-Brabant"
        );
        assert!(seat_for("Zeist").is_none(), "not guessed: a person chooses");
        // Every row says where it comes from.
        assert!(
            SEATS
                .iter()
                .all(|(places, s)| !places.is_empty() && !s.source.is_empty())
        );
    }
}
