//! Whose a payment is (afdracht): of what a debtor paid, principal and interest are the
//! client's; collection costs and their VAT, and the post-judgment legal and execution
//! costs (court fees the office advanced, the bailiff's Btag fees) are the office's; an
//! overpayment is nobody's yet (it goes back to the debtor) and stays held. Pure.

/// A payment's allocation as the track computed it (art. 6:44 BW), in cents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct Allocation {
    /// Post-judgment legal and execution costs.
    pub legal_costs: i64,
    /// Collection costs and their VAT.
    pub costs: i64,
    /// Interest.
    pub interest: i64,
    /// Principal.
    pub principal: i64,
    /// Beyond everything owed.
    pub overpaid: i64,
    /// A cost for the client's own account (a writ not served): the client pays it to
    /// the office out of its payout.
    pub client_costs: i64,
}

/// What a payment comes to for the payout, in cents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Share {
    /// Received by the office (or, paid directly, by the client).
    pub received: i64,
    /// The office pays the client this (negative: the client owes the office).
    pub to_client: i64,
    /// The office keeps this.
    pub to_office: i64,
}

impl Share {
    /// `self - other`, item by item: what a run still has to settle.
    pub fn minus(self, other: Share) -> Share {
        Share {
            received: self.received - other.received,
            to_client: self.to_client - other.to_client,
            to_office: self.to_office - other.to_office,
        }
    }

    /// Nothing to settle.
    pub fn is_zero(self) -> bool {
        self == Share::default()
    }
}

/// The share a payment of `amount` cents allocated as `a` comes to: paid to the office,
/// the client gets principal and interest; paid to the client directly, the client owes
/// the office its costs (invoiced, a negative line); taken back, nothing at all. A cost
/// for the client's account is the office's, out of the client's share.
pub fn share(amount: i64, a: Allocation, paid_to_client: bool, reversed: bool) -> Share {
    if reversed {
        return Share::default();
    }
    let office = a.costs + a.legal_costs + a.client_costs;
    Share {
        received: amount,
        to_client: if paid_to_client {
            -office
        } else {
            a.principal + a.interest - a.client_costs
        },
        to_office: office,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_gets_principal_and_interest_the_office_its_costs() {
        let a = Allocation {
            legal_costs: 10_000,
            costs: 33_124,
            interest: 1_200,
            principal: 50_000,
            overpaid: 676,
            client_costs: 0,
        };
        let s = share(95_000, a, false, false);
        assert_eq!((s.to_client, s.to_office), (51_200, 43_124));
        // received = client + office + held (overpaid)
        assert_eq!(s.received, s.to_client + s.to_office + a.overpaid);
        let direct = share(95_000, a, true, false);
        assert_eq!((direct.to_client, direct.to_office), (-43_124, 43_124));
        assert!(share(95_000, a, false, true).is_zero());
        // A failed service's € 25,00 for the client's account: nothing received, the client
        // pays it to the office.
        let charge = Allocation {
            client_costs: 2_500,
            ..Allocation::default()
        };
        assert_eq!(
            share(0, charge, false, false),
            Share {
                received: 0,
                to_client: -2_500,
                to_office: 2_500
            }
        );
        assert_eq!(
            share(95_000, a, false, true).minus(s),
            Share {
                received: -95_000,
                to_client: -51_200,
                to_office: -43_124
            }
        );
    }
}
