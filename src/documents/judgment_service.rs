//! Service of the judgment with the order to pay (*betekening vonnis met bevel tot
//! betaling*): the writ that makes the judgment enforceable against the debtor (art. 430
//! lid 3 Rv) and orders payment within two days, after which goods may be attached (art.
//! 439 Rv; served together with the judgment, no separate order is needed).
//!
//! Figures from [`crate::law`]: the running interest on the awarded principal up to the
//! service day (`interest`, art. 6:119/6:119a BW), the bailiff's fee for the service
//! (`bailiff_fee`, Btag art. 2b) and the last day of the two-day term
//! (`order_to_pay_ends`, Atw applied). The claimant's domicile is chosen at the bailiff's
//! office, as art. 439 lid 3 Rv requires on pain of nullity.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::layout::{BODY, Style};
use super::{
    BuildError, Office, Parties, RenderError, amount, amount_row, amount_row_if_positive,
    bailiff_fee_with_vat, nl, nl_weekday, payment_instructions, total_row,
};
use crate::case::{CaseRecord, Client, DebtorKind};
use crate::law::interest::InterestAccount;
use crate::law::money::Money;
use crate::law::procedure::{BailiffAct, order_to_pay_ends};
use crate::law::rates::RateSeries;

/// The judgment as registered, and the service the track plans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JudgmentInput {
    /// The day the bailiff serves the judgment.
    pub served_on: NaiveDate,
    /// The court that gave judgment, as the judgment names it.
    pub court: String,
    /// The judgment's date.
    pub judgment_on: NaiveDate,
    /// The court's case number (*zaaknummer / rolnummer*).
    pub court_case_number: String,
    /// A default judgment (*verstekvonnis*): the debtor may oppose it (art. 143 Rv).
    pub default_judgment: bool,
    /// Awarded principal.
    pub principal: Money,
    /// Interest awarded as a sum (up to the day the judgment says).
    pub awarded_interest: Money,
    /// Statutory interest on the principal runs from this day until payment.
    pub interest_from: NaiveDate,
    /// Awarded collection costs (with VAT where awarded).
    pub collection_costs: Money,
    /// Awarded costs of the proceedings (*proceskosten*).
    pub legal_costs: Money,
    /// Awarded post-judgment costs (*nakosten*).
    pub post_judgment_costs: Money,
    /// Paid since the judgment.
    pub paid: Money,
    /// The interest the court awarded: statutory (art. 6:119 BW) or commercial (6:119a);
    /// `None`: as the debtor's kind gives it (a consumer statutory, a business commercial).
    pub statutory_interest: Option<bool>,
    /// To whom the copy was left, as the bailiff recorded the service (art. 45 lid 3 sub e
    /// Rv); `None` before it is recorded: a line for the bailiff to fill in.
    pub left_with: Option<String>,
    /// Recorded as served in a closed envelope at the address (art. 47 Rv).
    pub by_envelope: bool,
}

/// Everything the writ shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgmentService {
    /// The office (its bailiff serves), the claimant who enforces and the debtor served.
    #[serde(flatten)]
    pub parties: Parties,
    /// Whether the interest is the statutory one (art. 6:119 BW; else 6:119a): as the
    /// court awarded it, else by the debtor's kind. (Named for the stored documents.)
    pub consumer: bool,
    /// Dossier number.
    pub reference: String,
    /// Service day.
    pub served_on: NaiveDate,
    /// The court.
    pub court: String,
    /// Judgment date.
    pub judgment_on: NaiveDate,
    /// Court case number.
    pub court_case_number: String,
    /// A default judgment.
    pub default_judgment: bool,
    /// Awarded principal.
    #[serde(with = "amount")]
    pub principal: Money,
    /// Interest awarded as a sum.
    #[serde(with = "amount")]
    pub awarded_interest: Money,
    /// Running interest from.
    pub interest_from: NaiveDate,
    /// Running interest up to and including the service day.
    #[serde(with = "amount")]
    pub running_interest: Money,
    /// Awarded collection costs.
    #[serde(with = "amount")]
    pub collection_costs: Money,
    /// Awarded legal costs.
    #[serde(with = "amount")]
    pub legal_costs: Money,
    /// Awarded post-judgment costs.
    #[serde(with = "amount")]
    pub post_judgment_costs: Money,
    /// Bailiff's fee for this writ (Btag art. 2b), excluding VAT.
    #[serde(with = "amount")]
    pub service_fee: Money,
    /// VAT on it when the client cannot deduct VAT.
    #[serde(with = "amount")]
    pub service_fee_vat: Money,
    /// Paid since the judgment.
    #[serde(with = "amount")]
    pub paid: Money,
    /// What the debtor must pay.
    #[serde(with = "amount")]
    pub total: Money,
    /// Last day of the two-day order to pay.
    pub pay_by: NaiveDate,
    /// To whom the copy was left, once recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_with: Option<String>,
    /// Served in a closed envelope (art. 47 Rv).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_envelope: bool,
}

impl JudgmentService {
    /// The writ serving `judgment` in `case`.
    pub fn build(
        office: &Office,
        client: &Client,
        case: &CaseRecord,
        judgment: JudgmentInput,
    ) -> Result<JudgmentService, BuildError> {
        let statutory = judgment
            .statutory_interest
            .unwrap_or(case.claim.debtor.kind == DebtorKind::Consumer);
        let series = if statutory {
            RateSeries::Statutory
        } else {
            RateSeries::Commercial
        };
        let running_interest = match judgment.interest_from.pred_opt() {
            Some(day_before) if judgment.served_on >= judgment.interest_from => {
                // On the office's rate table, as every figure of the track.
                let mut account = InterestAccount::with_table(
                    &office.rates,
                    series,
                    day_before,
                    judgment.principal,
                )
                .map_err(|e| BuildError::NoFigure(e.to_string()))?;
                account
                    .accrue_through(judgment.served_on)
                    .map_err(|e| BuildError::NoFigure(e.to_string()))?;
                account.interest_due()
            }
            _ => Money::ZERO,
        };
        let (service_fee, service_fee_vat) = bailiff_fee_with_vat(
            office,
            BailiffAct::ServiceOfJudgment,
            judgment.served_on,
            case,
            "serving a judgment",
        )?;
        let total = judgment.principal
            + judgment.awarded_interest
            + running_interest
            + judgment.collection_costs
            + judgment.legal_costs
            + judgment.post_judgment_costs
            + service_fee
            + service_fee_vat
            - judgment.paid;
        Ok(JudgmentService {
            parties: Parties::of(office, client, case),
            consumer: statutory,
            reference: case.payment_reference.grouped(),
            served_on: judgment.served_on,
            court: judgment.court,
            judgment_on: judgment.judgment_on,
            court_case_number: judgment.court_case_number,
            default_judgment: judgment.default_judgment,
            principal: judgment.principal,
            awarded_interest: judgment.awarded_interest,
            interest_from: judgment.interest_from,
            running_interest,
            collection_costs: judgment.collection_costs,
            legal_costs: judgment.legal_costs,
            post_judgment_costs: judgment.post_judgment_costs,
            service_fee,
            service_fee_vat,
            paid: judgment.paid,
            total,
            pay_by: order_to_pay_ends(judgment.served_on),
            left_with: judgment.left_with,
            by_envelope: judgment.by_envelope,
        })
    }

    /// "Betekening vonnis met bevel tot betaling …".
    pub fn title(&self) -> String {
        self.parties
            .title("Betekening vonnis met bevel tot betaling", &self.reference)
    }

    /// The writ as a PDF.
    pub fn render(&self) -> Result<Vec<u8>, RenderError> {
        let mut doc = self.parties.doc(
            &self.title(),
            "Betekening vonnis met bevel tot betaling (art. 430 en 439 Rv)",
            self.served_on,
            &self.reference,
        );
        doc.paragraph("BETEKENING VONNIS", Style::Bold, 16.0);
        doc.paragraph("met bevel tot betaling", Style::Bold, 12.0);
        doc.paragraph(&format!("Dossier {}", self.reference), Style::Regular, 8.5);
        doc.space(10.0);
        doc.body(&format!(
            "Heden, {}, ten verzoeke van {}, die voor deze zaak en voor de executie woonplaats \
             kiest ten kantore van de hierna genoemde gerechtsdeurwaarder (art. 439 lid 3 Rv),",
            nl(self.served_on),
            self.parties.client.one_line()
        ));
        doc.body(&self.parties.office.bailiff_clause());
        doc.paragraph("BETEKEND AAN:", Style::Bold, BODY);
        let copy = match self.left_with.as_deref() {
            // Service by closed envelope (art. 47 Rv): the copy is left at the address, with
            // nobody.
            _ if self.by_envelope => {
                "aldaar niemand aantreffende aan wie rechtsgeldig afschrift kon worden gelaten, \
                 een afschrift hiervan en van het hierna genoemde vonnis in een gesloten envelop \
                 achterlatende (art. 47 Rv)"
                    .to_owned()
            }
            with => format!(
                "een afschrift hiervan en van het hierna genoemde vonnis latende aan: {}",
                with.unwrap_or(".........................")
            ),
        };
        doc.body(&format!(
            "{}, aldaar mijn exploot doende en {copy}",
            self.parties.debtor.one_line()
        ));
        doc.body(&format!(
            "het vonnis van de {} van {}, zaaknummer {}, in executoriale vorm, gewezen tussen \
             eiseres als eisende partij en de geadresseerde als gedaagde partij (art. 430 lid 3 \
             Rv).",
            self.court,
            nl(self.judgment_on),
            self.court_case_number
        ));
        doc.paragraph("EN HEB IK BEVEL GEDAAN", Style::Bold, BODY);
        doc.paragraph(
            &format!(
                "om binnen twee dagen na heden, dat is uiterlijk op {}, aan mij, \
                 gerechtsdeurwaarder, te betalen:",
                nl_weekday(self.pay_by)
            ),
            Style::Bold,
            BODY,
        );
        doc.space(BODY * 0.6);
        amount_row(&mut doc, "Hoofdsom", self.principal);
        // Interest runs on from `interest_from`; when that is after the service day, the
        // awarded sum already holds the interest up to and including it.
        let runs_on = self.interest_from <= self.served_on;
        if self.awarded_interest.is_positive() {
            let label = if runs_on {
                "Rente volgens vonnis".to_owned()
            } else {
                format!("Rente volgens vonnis tot en met {}", nl(self.served_on))
            };
            amount_row(&mut doc, &label, self.awarded_interest);
        }
        let interest_name = if self.consumer {
            "Wettelijke rente"
        } else {
            "Wettelijke handelsrente"
        };
        if runs_on {
            amount_row(
                &mut doc,
                &format!(
                    "{interest_name} van {} tot en met {}",
                    nl(self.interest_from),
                    nl(self.served_on)
                ),
                self.running_interest,
            );
        }
        amount_row_if_positive(
            &mut doc,
            "Buitengerechtelijke incassokosten",
            self.collection_costs,
        );
        amount_row(&mut doc, "Proceskosten volgens vonnis", self.legal_costs);
        amount_row_if_positive(&mut doc, "Nakosten", self.post_judgment_costs);
        amount_row(
            &mut doc,
            "Kosten van dit exploot (Btag art. 2b)",
            self.service_fee,
        );
        amount_row_if_positive(
            &mut doc,
            "Btw over de kosten van dit exploot",
            self.service_fee_vat,
        );
        if self.paid.is_positive() {
            amount_row(&mut doc, "Af: ontvangen na het vonnis", -self.paid);
        }
        total_row(&mut doc, "Totaal te betalen", self.total);
        doc.body(&format!(
            "vermeerderd met de {} over de hoofdsom van {} vanaf {} tot de dag der algehele \
             voldoening, en met de verdere kosten van de tenuitvoerlegging.",
            interest_name.to_lowercase(),
            self.principal.format_nl(),
            nl(self.served_on + Days::new(1))
        ));
        doc.heading("Als u niet binnen twee dagen betaalt", 11.0);
        doc.body(&format!(
            "Betaalt u niet uiterlijk op {}, dan kan het vonnis zonder nadere aankondiging ten \
             uitvoer worden gelegd, onder meer door beslag op uw roerende zaken, uw bankrekening \
             of uw loon of uitkering. De kosten daarvan komen voor uw rekening.",
            nl(self.pay_by)
        ));
        if self.default_judgment {
            doc.heading("Verzet", 11.0);
            doc.body(
                "Dit vonnis is bij verstek gewezen. U kunt daartegen verzet doen binnen vier weken \
                 nadat dit vonnis aan u in persoon is betekend of nadat u een daad heeft verricht \
                 waaruit blijkt dat u het vonnis of de tenuitvoerlegging kent, en anders binnen \
                 vier weken nadat het vonnis ten uitvoer is gelegd (art. 143 Rv). Verzet schorst de \
                 tenuitvoerlegging niet als het vonnis uitvoerbaar bij voorraad is verklaard.",
            );
        }
        payment_instructions(&mut doc, &self.parties.office, &self.reference, self.total);
        super::writ_signature(
            &mut doc,
            &self.parties.office,
            Some(self.service_fee + self.service_fee_vat),
        );
        doc.finish()
    }
}
