//! The office (`PutOffice`, `GetOffice`) ⇄ the proto.

use super::claim::{address, proto_address};
use super::fields::{Violations, looks_like_email, non_empty, optional, timestamp};
use crate::case::{
    Bailiff, BailiffTitle, BankAccount, Bic, FieldViolation, Iban, KvkNumber, Office, VatNumber,
    VersionedOffice,
};
use crate::proto as pb;

/// The office from `PutOffice`, every bad field named: names, at least one bailiff (name,
/// title, standplaats), a Dutch visiting address, an optional postal address, phone and
/// e-mail, KvK (8 digits), VAT number (form and check digits), and two accounts whose IBANs
/// pass mod-97 and differ (client money is kept apart from the office's own, art. 19 Gdw).
pub fn office(raw: Option<&pb::Office>) -> Result<Office, Vec<FieldViolation>> {
    let mut v = Violations::default();
    let raw = raw.cloned().unwrap_or_default();
    let legal_name = v.check(
        "office.legal_name",
        non_empty(&raw.legal_name, "the legal name"),
    );
    let trading_name = v.check(
        "office.trading_name",
        non_empty(&raw.trading_name, "the trading name"),
    );
    if raw.bailiffs.is_empty() {
        v.add("office.bailiffs", "at least one bailiff");
    }
    let bailiffs: Vec<Option<Bailiff>> = raw
        .bailiffs
        .iter()
        .enumerate()
        .map(|(i, b)| bailiff(&mut v, &format!("office.bailiffs[{i}]"), b))
        .collect();
    let visiting = raw.visiting_address.as_ref();
    if visiting
        .is_some_and(|a| !a.country.trim().is_empty() && !a.country.eq_ignore_ascii_case("NL"))
    {
        v.add("office.visiting_address.country", "a Dutch office: NL");
    }
    let visiting_address = address(&mut v, "office.visiting_address", visiting, true);
    let postal_address = raw
        .postal_address
        .as_ref()
        .filter(|a| **a != pb::Address::default())
        .map(|a| address(&mut v, "office.postal_address", Some(a), true));
    let phone = v.check(
        "office.phone",
        non_empty(&raw.phone, "a phone number for debtors"),
    );
    if raw.email.trim().is_empty() || !looks_like_email(&raw.email) {
        v.add("office.email", "an e-mail address for debtors");
    }
    let kvk_number = v.check("office.kvk_number", KvkNumber::parse(&raw.kvk_number));
    let vat_number = v.check("office.vat_number", VatNumber::parse(&raw.vat_number));
    let third_party = account(
        &mut v,
        "office.third_party_account",
        raw.third_party_account.as_ref(),
    );
    let own = account(&mut v, "office.own_account", raw.own_account.as_ref());
    if let (Some(third), Some(own)) = (&third_party, &own)
        && third.iban == own.iban
    {
        v.add(
            "office.own_account.iban",
            "must differ from the third-party account: client money is kept apart",
        );
    }
    let bailiffs: Option<Vec<Bailiff>> = bailiffs.into_iter().collect();
    match (
        legal_name,
        trading_name,
        bailiffs,
        phone,
        kvk_number,
        vat_number,
        third_party,
        own,
    ) {
        (
            Some(legal_name),
            Some(trading_name),
            Some(bailiffs),
            Some(phone),
            Some(kvk_number),
            Some(vat_number),
            Some(third_party_account),
            Some(own_account),
        ) if v.0.is_empty() => Ok(Office {
            legal_name,
            trading_name,
            bailiffs,
            visiting_address,
            postal_address,
            phone,
            email: raw.email.trim().to_owned(),
            website: raw.website.trim().to_owned(),
            kvk_number,
            vat_number,
            third_party_account,
            own_account,
        }),
        _ => Err(v.0),
    }
}

fn bailiff(v: &mut Violations, path: &str, raw: &pb::Bailiff) -> Option<Bailiff> {
    let name = v.check(
        format!("{path}.name"),
        non_empty(&raw.name, "the bailiff's name"),
    );
    let title = match pb::bailiff::Title::try_from(raw.title) {
        Ok(pb::bailiff::Title::Gerechtsdeurwaarder) => Some(BailiffTitle::Gerechtsdeurwaarder),
        Ok(pb::bailiff::Title::KandidaatGerechtsdeurwaarder) => {
            Some(BailiffTitle::KandidaatGerechtsdeurwaarder)
        }
        _ => {
            v.add(
                format!("{path}.title"),
                "TITLE_GERECHTSDEURWAARDER or TITLE_KANDIDAAT_GERECHTSDEURWAARDER",
            );
            None
        }
    };
    let standplaats = v.check(
        format!("{path}.standplaats"),
        non_empty(&raw.standplaats, "the standplaats"),
    );
    Some(Bailiff {
        name: name?,
        title: title?,
        standplaats: standplaats?,
    })
}

fn account(v: &mut Violations, path: &str, raw: Option<&pb::BankAccount>) -> Option<BankAccount> {
    let raw = raw.cloned().unwrap_or_default();
    let iban = v.check(format!("{path}.iban"), Iban::parse(&raw.iban));
    let bic = v
        .check(format!("{path}.bic"), optional(&raw.bic, Bic::parse))
        .flatten();
    let holder = v.check(
        format!("{path}.holder"),
        non_empty(&raw.holder, "the account holder's name"),
    );
    Some(BankAccount {
        iban: iban?,
        bic,
        holder: holder?,
    })
}

/// A stored office version as the proto message.
pub fn office_to_proto(stored: &VersionedOffice) -> pb::Office {
    let o = &stored.office;
    let account = |a: &BankAccount| pb::BankAccount {
        iban: a.iban.as_str().to_owned(),
        bic: a
            .bic
            .as_ref()
            .map(|b| b.as_str().to_owned())
            .unwrap_or_default(),
        holder: a.holder.clone(),
    };
    pb::Office {
        version: stored.version,
        legal_name: o.legal_name.clone(),
        trading_name: o.trading_name.clone(),
        bailiffs: o
            .bailiffs
            .iter()
            .map(|b| pb::Bailiff {
                name: b.name.clone(),
                title: match b.title {
                    BailiffTitle::Gerechtsdeurwaarder => pb::bailiff::Title::Gerechtsdeurwaarder,
                    BailiffTitle::KandidaatGerechtsdeurwaarder => {
                        pb::bailiff::Title::KandidaatGerechtsdeurwaarder
                    }
                }
                .into(),
                standplaats: b.standplaats.clone(),
            })
            .collect(),
        visiting_address: Some(proto_address(&o.visiting_address)),
        postal_address: o.postal_address.as_ref().map(proto_address),
        phone: o.phone.clone(),
        email: o.email.clone(),
        website: o.website.clone(),
        kvk_number: o.kvk_number.as_str().to_owned(),
        vat_number: o.vat_number.as_str().to_owned(),
        third_party_account: Some(account(&o.third_party_account)),
        own_account: Some(account(&o.own_account)),
        created_at: Some(timestamp(stored.created_at)),
    }
}
