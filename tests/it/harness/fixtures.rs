//! Requests the tests send, built in one place.

use exploot::proto as pb;

/// A client with every field set.
pub fn client(id: &str) -> pb::Client {
    pb::Client {
        id: id.into(),
        name: "Acme Energie B.V.".into(),
        kvk_number: "68750110".into(),
        iban: "NL91ABNA0417164300".into(),
        address: Some(pb::Address {
            street: "Stationsplein 1".into(),
            postcode: "1012 AB".into(),
            city: "Amsterdam".into(),
            country: "NL".into(),
        }),
        email: "incasso@acme.example".into(),
        vat_deductible: false,
        ..Default::default()
    }
}

/// The office every test server is configured with (`TestServer::start`): unlike the
/// example office of the sample documents in name, address, numbers and accounts, so a
/// letter shows which one it carries.
pub fn office() -> pb::Office {
    pb::Office {
        legal_name: "Gerechtsdeurwaarderskantoor Zuidhoek B.V.".into(),
        trading_name: "Zuidhoek Gerechtsdeurwaarders".into(),
        bailiffs: vec![
            pb::Bailiff {
                name: "K. Kandidaat".into(),
                title: pb::bailiff::Title::KandidaatGerechtsdeurwaarder.into(),
                standplaats: "Rotterdam".into(),
            },
            pb::Bailiff {
                name: "mr. A.B. Zuidhoek".into(),
                title: pb::bailiff::Title::Gerechtsdeurwaarder.into(),
                standplaats: "Rotterdam".into(),
            },
        ],
        visiting_address: Some(pb::Address {
            street: "Coolsingel 40".into(),
            postcode: "3011 AD".into(),
            city: "Rotterdam".into(),
            country: "NL".into(),
        }),
        postal_address: Some(pb::Address {
            street: "Postbus 2040".into(),
            postcode: "3000 CA".into(),
            city: "Rotterdam".into(),
            country: String::new(),
        }),
        phone: "010 765 43 21".into(),
        email: "betalen@zuidhoek.example".into(),
        website: "www.zuidhoek.example".into(),
        kvk_number: "24123456".into(),
        vat_number: "NL123456789B13".into(),
        third_party_account: Some(pb::BankAccount {
            iban: "NL20INGB0001234567".into(),
            bic: "INGBNL2A".into(),
            holder: "Stichting Derdengelden Zuidhoek".into(),
        }),
        own_account: Some(pb::BankAccount {
            iban: "NL44RABO0123456789".into(),
            bic: String::new(),
            holder: "Gerechtsdeurwaarderskantoor Zuidhoek B.V.".into(),
        }),
        ..Default::default()
    }
}

/// Stores `client(id)` on the server.
pub async fn put_client(server: &super::TestServer, id: &str) {
    server
        .admin()
        .put_client(pb::PutClientRequest {
            client: Some(client(id)),
        })
        .await
        .expect("PutClient");
}

/// Moves the server's manual clock forward by `seconds`; AdvanceClock returns when every
/// job due on the way has run.
pub async fn advance_by(server: &super::TestServer, seconds: i64) {
    server
        .admin()
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::By(
                prost_types::Duration { seconds, nanos: 0 },
            )),
        })
        .await
        .expect("AdvanceClock");
}

/// A consumer claim of two invoices with every field set.
pub fn consumer_claim(client_id: &str, reference: &str) -> pb::CreateCaseRequest {
    pb::CreateCaseRequest {
        client_id: client_id.into(),
        client_reference: reference.into(),
        debtor: Some(pb::Debtor {
            kind: pb::DebtorKind::Consumer.into(),
            name: "J. de Vries".into(),
            address: Some(pb::Address {
                street: "Kerkstraat 12".into(),
                postcode: "3511 LK".into(),
                city: "Utrecht".into(),
                country: "NL".into(),
            }),
            email: "j.devries@example.nl".into(),
            phone: "+31 6 12345678".into(),
            kvk_number: String::new(),
            date_of_birth: "1980-02-29".into(),
            family_name: "Vries".into(),
            family_name_prefix: "de".into(),
            iban: "NL44RABO0123456789".into(),
        }),
        invoices: vec![
            pb::Invoice {
                number: "F2026-001".into(),
                invoice_date: "2026-01-15".into(),
                due_date: "2026-02-14".into(),
                amount: "1234.56".into(),
            },
            pb::Invoice {
                number: "F2026-014".into(),
                invoice_date: "2026-02-01".into(),
                due_date: "2026-03-03".into(),
                amount: "99.95".into(),
            },
        ],
        notes: "Klant reageert niet op herinneringen.".into(),
    }
}

/// A business claim of one invoice.
pub fn business_claim(client_id: &str, reference: &str, kvk: &str) -> pb::CreateCaseRequest {
    pb::CreateCaseRequest {
        client_id: client_id.into(),
        client_reference: reference.into(),
        debtor: Some(pb::Debtor {
            kind: pb::DebtorKind::Business.into(),
            name: "Bouwbedrijf Jansen B.V.".into(),
            address: Some(pb::Address {
                street: "Industrieweg 7".into(),
                postcode: "5611 AA".into(),
                city: "Eindhoven".into(),
                country: "NL".into(),
            }),
            kvk_number: kvk.into(),
            ..Default::default()
        }),
        invoices: vec![pb::Invoice {
            number: "2026-0042".into(),
            invoice_date: "2026-03-01".into(),
            due_date: "2026-03-31".into(),
            amount: "15000.00".into(),
        }],
        notes: String::new(),
    }
}

/// An RFC 3339 instant.
pub fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&chrono::Utc)
}

/// Moves the server's manual clock to `to` (RFC 3339); AdvanceClock returns when every job
/// due on the way has run.
pub async fn advance_to(server: &super::TestServer, to: &str) {
    server
        .admin()
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::To(
                prost_types::Timestamp {
                    seconds: at(to).timestamp(),
                    nanos: 0,
                },
            )),
        })
        .await
        .expect("AdvanceClock");
}

/// The case as GetCase answers it.
pub async fn get_case(server: &super::TestServer, id: &str) -> pb::Case {
    server
        .cases()
        .get_case(pb::GetCaseRequest { case_id: id.into() })
        .await
        .expect("GetCase")
        .into_inner()
}
