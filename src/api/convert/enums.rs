//! The proto enums ⇄ the domain's.

use crate::case::{CloseReason, DebtorKind, Stage, Suspension};
use crate::proto as pb;

/// A debtor kind from the proto enum.
pub fn debtor_kind(raw: i32) -> Result<DebtorKind, String> {
    match pb::DebtorKind::try_from(raw) {
        Ok(pb::DebtorKind::Consumer) => Ok(DebtorKind::Consumer),
        Ok(pb::DebtorKind::Business) => Ok(DebtorKind::Business),
        _ => Err("must be DEBTOR_KIND_CONSUMER or DEBTOR_KIND_BUSINESS".into()),
    }
}

pub(super) fn proto_kind(kind: DebtorKind) -> pb::DebtorKind {
    match kind {
        DebtorKind::Consumer => pb::DebtorKind::Consumer,
        DebtorKind::Business => pb::DebtorKind::Business,
    }
}

/// A stage as the proto enum.
pub fn proto_stage(stage: Stage) -> pb::Stage {
    match stage {
        Stage::Intake => pb::Stage::Intake,
        Stage::Letter => pb::Stage::Letter,
        Stage::Recoverability => pb::Stage::Recoverability,
        Stage::Summons => pb::Stage::Summons,
        Stage::Judgment => pb::Stage::Judgment,
        Stage::Execution => pb::Stage::Execution,
        Stage::Closed => pb::Stage::Closed,
    }
}

/// A proto stage filter; UNSPECIFIED means any.
pub fn stage_filter(raw: i32) -> Result<Option<Stage>, String> {
    Ok(
        match pb::Stage::try_from(raw).map_err(|_| format!("unknown stage {raw}"))? {
            pb::Stage::Unspecified => None,
            pb::Stage::Intake => Some(Stage::Intake),
            pb::Stage::Letter => Some(Stage::Letter),
            pb::Stage::Recoverability => Some(Stage::Recoverability),
            pb::Stage::Summons => Some(Stage::Summons),
            pb::Stage::Judgment => Some(Stage::Judgment),
            pb::Stage::Execution => Some(Stage::Execution),
            pb::Stage::Closed => Some(Stage::Closed),
        },
    )
}

/// A suspension as the proto enum.
pub fn proto_suspension(s: Suspension) -> pb::Suspension {
    match s {
        Suspension::None => pb::Suspension::None,
        Suspension::OnHold => pb::Suspension::OnHold,
        Suspension::PaymentPlan => pb::Suspension::PaymentPlan,
    }
}

pub(super) fn proto_close_reason(r: Option<CloseReason>) -> pb::CloseReason {
    match r {
        None => pb::CloseReason::Unspecified,
        Some(CloseReason::Paid) => pb::CloseReason::Paid,
        Some(CloseReason::Uncollectable) => pb::CloseReason::Uncollectable,
        Some(CloseReason::Withdrawn) => pb::CloseReason::Withdrawn,
        Some(CloseReason::Dismissed) => pb::CloseReason::Dismissed,
    }
}

/// A proto suspension filter; UNSPECIFIED means any.
pub fn suspension_filter(raw: i32) -> Result<Option<Suspension>, String> {
    Ok(
        match pb::Suspension::try_from(raw).map_err(|_| format!("unknown suspension {raw}"))? {
            pb::Suspension::Unspecified => None,
            pb::Suspension::None => Some(Suspension::None),
            pb::Suspension::OnHold => Some(Suspension::OnHold),
            pb::Suspension::PaymentPlan => Some(Suspension::PaymentPlan),
        },
    )
}

/// A proto close reason filter; UNSPECIFIED means any.
pub fn close_reason_filter(raw: i32) -> Result<Option<CloseReason>, String> {
    Ok(
        match pb::CloseReason::try_from(raw).map_err(|_| format!("unknown close reason {raw}"))? {
            pb::CloseReason::Unspecified => None,
            pb::CloseReason::Paid => Some(CloseReason::Paid),
            pb::CloseReason::Uncollectable => Some(CloseReason::Uncollectable),
            pb::CloseReason::Withdrawn => Some(CloseReason::Withdrawn),
            pb::CloseReason::Dismissed => Some(CloseReason::Dismissed),
        },
    )
}
