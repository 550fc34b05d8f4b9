//! A document of the case rendered (or, where the law allows none, skipped): it joins the
//! dossier, at any stage, a closed case too (the final statement is rendered after the
//! close).

use serde_json::json;

use super::stay;
use crate::case::decision::Decision;
use crate::case::event::DocumentRendered;
use crate::case::record::CaseRecord;

/// The render job's output, recorded; the standing does not change.
pub(crate) fn rendered(case: &CaseRecord, document: &DocumentRendered) -> Decision {
    let reason = match (&document.skipped, &document.document_id) {
        (Some(why), _) => format!("{} not rendered: {why}", document.kind),
        (None, id) => format!(
            "{} {} is in the dossier",
            document.kind,
            id.as_deref().unwrap_or_default()
        ),
    };
    let mut d = stay(
        case,
        case.track.clone(),
        "document_rendered",
        reason,
        Vec::new(),
    );
    d.audit.data = json!(document);
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::claim::DebtorKind;
    use crate::case::decide::tests::case;
    use crate::case::stage::{CloseReason, Stage};

    fn stored(kind: &str) -> DocumentRendered {
        DocumentRendered {
            kind: kind.into(),
            document_id: Some("doc-1".into()),
            sha256: Some("ab".into()),
            skipped: None,
        }
    }

    #[test]
    fn a_rendered_document_joins_the_dossier_of_a_closed_case_too() {
        let mut c = case(DebtorKind::Consumer);
        let d = rendered(&c, &stored("demand"));
        assert_eq!(d.audit.reason, "demand doc-1 is in the dossier");
        assert_eq!(
            d.audit.data,
            json!({ "kind": "demand", "document_id": "doc-1", "sha256": "ab" })
        );
        c.stage = Stage::Closed;
        c.close_reason = Some(CloseReason::Paid);
        c.close_note = "paid in full".into();
        let closed = rendered(&c, &stored("final_statement"));
        assert_eq!(closed.stage, Stage::Closed);
        assert_eq!(closed.close_reason, Some(CloseReason::Paid));
        assert_eq!(closed.close_note, "paid in full");
    }

    #[test]
    fn a_skipped_letter_says_why() {
        let c = case(DebtorKind::Consumer);
        let skipped = DocumentRendered {
            kind: "fourteen_day_letter".into(),
            skipped: Some("not overdue".into()),
            ..DocumentRendered::default()
        };
        let d = rendered(&c, &skipped);
        assert_eq!(
            d.audit.reason,
            "fourteen_day_letter not rendered: not overdue"
        );
        assert_eq!(
            d.audit.data,
            json!({ "kind": "fourteen_day_letter", "skipped": "not overdue" })
        );
    }
}
