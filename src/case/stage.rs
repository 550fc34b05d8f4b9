//! Where a case stands. Stored as text; the names are part of the database contract.

/// The main track (see ARCHITECTURE.md → The legal track).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Received; checks before the letter.
    Intake,
    /// 14-dagenbrief (consumers) or sommatie (businesses) sent, term running.
    Letter,
    /// Verhaalsonderzoek: insolvency register and KvK.
    Recoverability,
    /// Dagvaarding drafted, approved and served; waiting for the hearing.
    Summons,
    /// Waiting for the vonnis.
    Judgment,
    /// Betekening, bevel tot betaling, beslag.
    Execution,
    /// Done, with a [`CloseReason`].
    Closed,
}

/// A side track that pauses the main one without changing its stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Suspension {
    /// Running.
    None,
    /// Paused for a dispute or on the client's instruction.
    OnHold,
    /// Paused while a betalingsregeling is kept.
    PaymentPlan,
}

/// Why a case closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CloseReason {
    /// Everything owed was paid.
    Paid,
    /// The debtor cannot be made to pay (insolvency, attachments exhausted).
    Uncollectable,
    /// The client withdrew the claim.
    Withdrawn,
    /// The court dismissed the claim.
    Dismissed,
}

macro_rules! text_enum {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            /// Reads a stored name.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

text_enum!(Stage {
    Intake => "intake",
    Letter => "letter",
    Recoverability => "recoverability",
    Summons => "summons",
    Judgment => "judgment",
    Execution => "execution",
    Closed => "closed",
});

text_enum!(Suspension { None => "none", OnHold => "on_hold", PaymentPlan => "payment_plan" });

text_enum!(CloseReason {
    Paid => "paid",
    Uncollectable => "uncollectable",
    Withdrawn => "withdrawn",
    Dismissed => "dismissed",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for stage in [
            Stage::Intake,
            Stage::Letter,
            Stage::Recoverability,
            Stage::Summons,
            Stage::Judgment,
            Stage::Execution,
            Stage::Closed,
        ] {
            assert_eq!(Stage::parse(stage.as_str()), Some(stage));
        }
        assert_eq!(Suspension::parse("on_hold"), Some(Suspension::OnHold));
        assert_eq!(CloseReason::parse("paid"), Some(CloseReason::Paid));
        assert_eq!(Stage::parse("nope"), None);
    }
}
