//! The page frame, the language switch and the Dutch (and English) words for what the
//! track stores: every page is Dutch first; the `lang` cookie switches to English.

use maud::{DOCTYPE, Markup, html};

use crate::law::money::Money;

/// The page's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Dutch, the default.
    Nl,
    /// English.
    En,
}

impl Lang {
    /// The language a `lang` cookie value names; Dutch unless it says `en`.
    pub fn from_cookie(value: Option<&str>) -> Lang {
        if value == Some("en") {
            Lang::En
        } else {
            Lang::Nl
        }
    }

    /// The text in this language.
    pub fn t(self, nl: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }

    fn code(self) -> &'static str {
        self.t("nl", "en")
    }
}

/// What the frame shows beyond the page: the signed-in user's menu, or none.
pub struct Frame<'a> {
    /// The language.
    pub lang: Lang,
    /// The signed-in user's e-mail and the session's CSRF token, if signed in.
    pub user: Option<(&'a str, &'a str)>,
    /// The path of the page, for the language switch to come back to.
    pub path: &'a str,
}

/// A whole page: head, menu, `main`.
pub fn page(frame: &Frame<'_>, title: &str, body: Markup) -> Markup {
    let l = frame.lang;
    let other = match l {
        Lang::Nl => ("en", "English"),
        Lang::En => ("nl", "Nederlands"),
    };
    html! {
        (DOCTYPE)
        html lang=(l.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (l.t("Klantportaal", "Client portal")) }
                link rel="stylesheet" href="/static/portal.css";
                script src="/static/portal.js" defer {}
            }
            body {
                a.skip href="#inhoud" { (l.t("Naar de inhoud", "Skip to content")) }
                header {
                    span.brand { (l.t("Klantportaal", "Client portal")) }
                    nav aria-label=(l.t("Hoofdmenu", "Main menu")) {
                        @if frame.user.is_some() {
                            a href="/dossiers" { (l.t("Dossiers", "Cases")) }
                            a href="/taken" { (l.t("Taken", "Tasks")) }
                            a href="/overzicht" { (l.t("Overzicht", "Overview")) }
                            a href="/import" { (l.t("Importeren", "Import")) }
                        }
                        a href={ "/taal/" (other.0) "?terug=" (frame.path) } lang=(other.0) { (other.1) }
                    }
                    @if let Some((email, csrf)) = frame.user {
                        div.account {
                            span { (email) }
                            form method="post" action="/uitloggen" {
                                input type="hidden" name="csrf" value=(csrf);
                                button type="submit" { (l.t("Uitloggen", "Sign out")) }
                            }
                            form method="post" action="/uitloggen-overal" {
                                input type="hidden" name="csrf" value=(csrf);
                                button type="submit" { (l.t("Overal uitloggen", "Sign out everywhere")) }
                            }
                        }
                    }
                }
                main id="inhoud" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// An amount as the Dutch write it: `€ 1.234,56`.
pub fn euro(amount: Money) -> String {
    amount.format_nl()
}

/// Cents as euros.
pub fn cents(amount: i64) -> String {
    euro(Money::from_cents(amount))
}

/// A stage's name for the client.
pub fn stage(l: Lang, stored: &str) -> &'static str {
    match stored {
        "intake" => l.t("Intake", "Intake"),
        "letter" => l.t("Aanmaning (14-dagenbrief)", "Demand letter"),
        "recoverability" => l.t("Verhaalsonderzoek", "Recoverability check"),
        "summons" => l.t("Dagvaarding", "Summons"),
        "judgment" => l.t("Vonnis", "Judgment"),
        "execution" => l.t("Executie", "Execution"),
        "closed" => l.t("Afgesloten", "Closed"),
        _ => l.t("Onbekend", "Unknown"),
    }
}

/// The stages a search may filter on, in the track's order.
pub const STAGES: [&str; 7] = [
    "intake",
    "letter",
    "recoverability",
    "summons",
    "judgment",
    "execution",
    "closed",
];

/// An audit event in plain words.
pub fn event(l: Lang, kind: &str) -> &'static str {
    match kind {
        "case_created" => l.t("Dossier ontvangen", "Case received"),
        "claim_accepted" | "track_started" => l.t(
            "Vordering aangenomen, traject gestart",
            "Claim accepted, track started",
        ),
        "document_rendered" => l.t("Document opgesteld", "Document drawn up"),
        "letter_term_ended" => l.t(
            "Betaaltermijn van de brief verstreken",
            "The letter's term to pay ended",
        ),
        "recoverability_review" => l.t(
            "Verhaalsonderzoek: beoordeling nodig",
            "Recoverability: a decision is needed",
        ),
        "recoverability_reviewed" => l.t("Verhaalsonderzoek beoordeeld", "Recoverability decided"),
        "recoverability_stop" => l.t(
            "Verhaalsonderzoek: niet verhaalbaar",
            "Recoverability: not recoverable",
        ),
        "recoverability_deferred" | "recoverability_retried" => l.t(
            "Verhaalsonderzoek uitgesteld",
            "Recoverability check deferred",
        ),
        "summons_served" => l.t("Dagvaarding betekend", "Summons served"),
        "summons_rejected" => l.t("Dagvaarding afgewezen", "Summons rejected"),
        "hearing_held" => l.t("Zitting geweest", "Hearing held"),
        "judgment_registered" => l.t("Vonnis ontvangen", "Judgment registered"),
        "judgment_dismissed" => l.t(
            "Vordering afgewezen door de rechter",
            "Claim dismissed by the court",
        ),
        "judgment_served" => l.t(
            "Vonnis betekend met bevel tot betaling",
            "Judgment served with order to pay",
        ),
        "order_to_pay_ended" => l.t(
            "Termijn van het bevel verstreken",
            "The order to pay's term ended",
        ),
        "attachment_made" => l.t("Beslag gelegd", "Attachment made"),
        "attachment_failed" => l.t("Beslag leverde niets op", "Attachment yielded nothing"),
        "garnishee_statement_recorded" => l.t(
            "Verklaring van de derde ontvangen",
            "Garnishee's statement received",
        ),
        "payment_recorded" => l.t("Betaling ontvangen", "Payment received"),
        "plan_agreed" | "plan_proposed" => {
            l.t("Betalingsregeling afgesproken", "Payment plan agreed")
        }
        "instalment_kept" => l.t("Termijn van de regeling betaald", "Instalment paid"),
        "plan_lapsed" => l.t("Betalingsregeling vervallen", "Payment plan lapsed"),
        "put_on_hold" => l.t("Dossier aangehouden", "Case put on hold"),
        "resumed" => l.t("Dossier hervat", "Case resumed"),
        "payment_reversed" => l.t(
            "Betaling teruggeboekt door de bank",
            "Payment reversed by the bank",
        ),
        "plan_completed" => l.t("Betalingsregeling nagekomen", "Payment plan kept"),
        "summons_approved" => l.t("Dagvaarding goedgekeurd", "Summons approved"),
        "summons_restored" => l.t("Dagvaarding hersteld", "Summons restored"),
        "summons_enrolled" => l.t(
            "Zaak ingeschreven bij de rechtbank",
            "Case enrolled at court",
        ),
        "enrolment_lapsed" | "enrolment_lapse_stopped" => l.t(
            "Dagvaarding niet tijdig ingeschreven",
            "Summons not enrolled in time",
        ),
        "service_failed" | "service_stopped" => {
            l.t("Betekening niet gelukt", "Service did not succeed")
        }
        "hearing_adjourned" => l.t("Zitting uitgesteld", "Hearing adjourned"),
        "hearing_contested" => l.t("Verweer gevoerd", "Claim contested"),
        "judgment_appealed" => l.t("Hoger beroep ingesteld", "Judgment appealed"),
        "no_appeal_statement_received" => l.t(
            "Verklaring van geen hoger beroep ontvangen",
            "No-appeal statement received",
        ),
        "attachment_registered" => l.t("Beslag ingeschreven", "Attachment registered"),
        "execution_review" => l.t(
            "Beoordeling nodig voor de tenuitvoerlegging",
            "A decision is needed before execution",
        ),
        "insolvency_stop" => l.t(
            "Afgesloten: schuldenaar in insolventie",
            "Closed: the debtor is insolvent",
        ),
        "withdrawn" => l.t("Dossier ingetrokken", "Case withdrawn"),
        "closed" => l.t("Dossier afgesloten", "Case closed"),
        "task_completed" => l.t("Besluit genomen", "Decision taken"),
        _ => l.t("Dossier bijgewerkt", "Case updated"),
    }
}

/// A task's question for the client.
pub fn task(l: Lang, kind: &str) -> &'static str {
    match kind {
        "summons_approval" => l.t("Dagvaarding goedkeuren", "Approve the summons"),
        "recoverability_review" => l.t(
            "Besluit na het verhaalsonderzoek",
            "Decide after the recoverability check",
        ),
        "intake_review" => l.t("Besluit bij de intake", "Decide at intake"),
        _ => l.t("Besluit", "Decision"),
    }
}

/// A task outcome's button text.
pub fn outcome(l: Lang, outcome: &str) -> &'static str {
    match outcome {
        "approve" => l.t("Goedkeuren", "Approve"),
        "reject" => l.t("Afwijzen", "Reject"),
        "proceed" => l.t("Doorgaan", "Proceed"),
        "stop" => l.t("Stoppen", "Stop"),
        "close" => l.t("Sluiten", "Close"),
        _ => l.t("Kiezen", "Choose"),
    }
}

/// A document kind's name.
pub fn document(l: Lang, kind: &str) -> &'static str {
    match kind {
        "fourteen_day_letter" => l.t("14-dagenbrief", "14-day letter"),
        "demand" => l.t("Sommatie", "Demand"),
        "payment_plan" => l.t("Bevestiging betalingsregeling", "Payment plan confirmation"),
        "summons" => l.t("Dagvaarding (concept)", "Summons (draft)"),
        "judgment_service" => l.t("Betekening vonnis", "Service of judgment"),
        "final_statement" => l.t("Eindafrekening", "Final statement"),
        _ => l.t("Document", "Document"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The events a client should be able to follow each have their own words; only the
    /// office's housekeeping reads "Dossier bijgewerkt".
    #[test]
    fn the_track_events_have_their_own_words() {
        let default = event(Lang::Nl, "timer_deferred");
        for kind in [
            "resumed",
            "payment_reversed",
            "plan_completed",
            "summons_approved",
            "summons_enrolled",
            "enrolment_lapsed",
            "service_failed",
            "hearing_adjourned",
            "judgment_appealed",
            "insolvency_stop",
            "recoverability_stop",
            "withdrawn",
            "closed",
        ] {
            assert_ne!(event(Lang::Nl, kind), default, "{kind}");
            assert_ne!(
                event(Lang::En, kind),
                event(Lang::En, "timer_deferred"),
                "{kind}"
            );
        }
    }
}
