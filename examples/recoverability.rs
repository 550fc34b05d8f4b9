//! Walks every recoverability verdict through the embedded fixture register: the debtors of
//! the README's table (Recoverability check), each looked up as the track does
//! (`Registry::check`) and judged by `case::recoverability::verdict`.
//!
//! ```sh
//! cargo run --example recoverability
//! ```
//!
//! With `EXPLOOT_KVK_URL` / `EXPLOOT_INSOLVENCY_URL` (and their credentials) set, the same
//! debtors go to the real registers instead, e.g. the KvK test environment.

use std::sync::Arc;

use chrono::NaiveDate;
use exploot::case::{Address, Debtor, KvkNumber};
use exploot::clock::{Clock, SystemClock};
use exploot::registry::{CirConfig, KvkConfig, Registers};

fn business(kvk: Option<&str>, name: &str, postcode: &str, city: &str) -> Debtor {
    let kvk = kvk.map(|k| KvkNumber::parse(k).expect("8 digits"));
    Debtor::business(name, kvk, Address::nl("", postcode, city))
}

fn consumer(surname: &str, prefix: &str, born: Option<&str>) -> Debtor {
    let name = format!("{prefix} {surname}").trim().to_owned();
    let born = born.map(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").expect("a date"));
    let address = Address::nl("", "1016 GV", "Amsterdam");
    Debtor::consumer(&name, surname, prefix, born, address)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registers = Registers {
        kvk: env("EXPLOOT_KVK_URL").map(|base_url| KvkConfig {
            base_url,
            api_key: env("EXPLOOT_KVK_API_KEY").unwrap_or_default(),
        }),
        insolvency: env("EXPLOOT_INSOLVENCY_URL").map(|url| CirConfig {
            url,
            username: env("EXPLOOT_INSOLVENCY_USERNAME").unwrap_or_default(),
            password: env("EXPLOOT_INSOLVENCY_PASSWORD").unwrap_or_default(),
        }),
        ca_file: env("EXPLOOT_REGISTER_CA_FILE").map(Into::into),
        ..Registers::default()
    };
    println!("{}\n", registers.describe());
    let registry = registers.build(None, Arc::new(SystemClock) as Arc<dyn Clock>)?;
    let debtors = [
        business(
            Some("69599084"),
            "Test EMZ Dagobert",
            "1034 WL",
            "Amsterdam",
        ),
        business(None, "Test EMZ Dagobert", "1034 WL", "Amsterdam"),
        business(Some("90000749"), "Global Conron", "3328 XD", "Dordrecht"),
        business(
            Some("90000000"),
            "Opgeheven Test B.V.",
            "3511 AA",
            "Utrecht",
        ),
        business(Some("99098123"), "Company B.V.", "2012 ES", "Haarlem"),
        business(Some("99098131"), "Uitstel Test B.V.", "3500 AC", "Utrecht"),
        business(None, "Company B.V.", "2012 ES", "Haarlem"),
        business(Some("12345678"), "Onbekend B.V.", "1011 AB", "Amsterdam"),
        business(Some("69599084"), "Test EMZ Dagobert", "9999 ZZ", "Elders"),
        consumer("Vries", "de", Some("1975-03-14")),
        consumer("Bakker", "", Some("1968-11-02")),
        consumer("Jansen", "", Some("1980-01-01")),
        consumer("Jansen", "", None),
    ];
    for debtor in &debtors {
        let who = match &debtor.kvk_number {
            Some(n) => format!(
                "{} (KvK {}, {})",
                debtor.name,
                n.as_str(),
                debtor.address.postcode
            ),
            None => match debtor.date_of_birth {
                Some(born) => format!("{} (born {born})", debtor.name),
                None => format!("{} ({})", debtor.name, debtor.address.city),
            },
        };
        match registry.check(debtor).await {
            Ok(findings) => {
                let verdict = findings.verdict(debtor);
                println!("{who}: {:?}", verdict.kind);
                for reason in &verdict.reasons {
                    println!("    {}: {}", reason.code.as_str(), reason.text);
                }
                println!("    evidence: {} raw answer(s)", findings.evidence.len());
            }
            Err(e) => println!("{who}: lookup failed: {e}"),
        }
    }
    Ok(())
}
