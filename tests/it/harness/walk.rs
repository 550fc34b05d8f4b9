//! Walks of a case through the track on the manual clock, shared by the scenario modules
//! (`attachments`, `hearing`): the tasks a person answers, the audit trail, the claim of
//! `track.rs` and its judgment.

use exploot::proto as pb;
use tokio_stream::StreamExt;

use super::fixtures::{self, advance_to};
use super::{TestDb, TestServer};

/// The case's open tasks.
pub async fn open_tasks(server: &TestServer, id: &str) -> Vec<pb::Task> {
    server
        .tasks()
        .list_tasks(pb::ListTasksRequest {
            case_id: id.into(),
            state: pb::TaskState::Open.into(),
            ..Default::default()
        })
        .await
        .expect("ListTasks")
        .into_inner()
        .tasks
}

/// The case's one open task of `kind`.
pub async fn open_task(server: &TestServer, id: &str, kind: &str) -> pb::Task {
    let open = open_tasks(server, id).await;
    open.iter()
        .find(|t| t.kind == kind)
        .unwrap_or_else(|| panic!("no open {kind} task in {open:?}"))
        .clone()
}

/// Completes `task` with `outcome` and `values`; the answer as the service gave it.
pub async fn complete_with(
    server: &TestServer,
    task: &pb::Task,
    outcome: &str,
    values: &[(&str, &str)],
) -> Result<pb::Task, tonic::Status> {
    let answer = server
        .tasks()
        .complete_task(pb::CompleteTaskRequest {
            task_id: task.id.clone(),
            request_id: format!("{}-{outcome}-{}", task.id, values.len()),
            outcome: outcome.into(),
            values: values
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ..Default::default()
        })
        .await
        .map(tonic::Response::into_inner);
    // Run what the completion made due now.
    fixtures::advance_by(server, 60).await;
    answer
}

/// The case's audit events so far: kind and payload.
pub async fn events(
    server: &TestServer,
    db: &TestDb,
    id: &str,
) -> Vec<(String, serde_json::Value)> {
    let sql = format!("SELECT count(*) AS n FROM case_events WHERE case_id = '{id}'");
    let count = crate::engine::count(&db.url, &sql).await;
    let mut stream = server
        .cases()
        .watch_case(pb::WatchCaseRequest {
            case_id: id.into(),
            from_sequence: 0,
        })
        .await
        .expect("WatchCase")
        .into_inner();
    let mut out = Vec::new();
    while out.len() < usize::try_from(count).expect("count") {
        let event = stream.next().await.expect("an event").expect("ok");
        let payload = serde_json::from_str(&event.payload_json).expect("payload JSON");
        out.push((event.kind, payload));
    }
    out
}

/// The claim of `track.rs`: consumer J. de Vries (the fixture debtor), one invoice of
/// € 1.825,00 due 31 March 2026.
pub async fn create_case(server: &TestServer, reference: &str) -> String {
    let mut request = fixtures::consumer_claim("acme", reference);
    request.invoices = vec![pb::Invoice {
        number: "F-1".into(),
        invoice_date: String::new(),
        due_date: "2026-03-31".into(),
        amount: "1825.00".into(),
    }];
    server
        .cases()
        .create_case(request)
        .await
        .expect("CreateCase")
        .into_inner()
        .id
}

/// Walks the executed consumer of `track.rs` to its judgment, registered on Wed 17 June
/// 2026: summons served 26 May, default judgment (legal costs 657.57); it is served with
/// the order to pay on Thu 18 June (Btag 2b 136.71 + VAT 28.71 = 165.42).
pub async fn to_the_judgment(server: &TestServer, reference: &str) -> String {
    fixtures::put_client(server, "acme").await;
    let id = to_the_approved_summons(server, reference).await;
    advance_to(server, "2026-06-17T08:00:00Z").await;
    register_judgment(server, &id, "2026-06-17", pb::judgment::Kind::Default).await;
    id
}

/// Registers the judgment of the claim of [`create_case`] given on `on`, of `kind`, awarded
/// as claimed: € 1.825,00 with interest from 1 April 2026, collection costs € 331,24 (273,75
/// + VAT), legal costs € 657,57.
pub async fn register_judgment(server: &TestServer, id: &str, on: &str, kind: pb::judgment::Kind) {
    server
        .cases()
        .register_judgment(judgment_request(id, on, kind))
        .await
        .expect("RegisterJudgment");
}

/// The request [`register_judgment`] sends.
pub fn judgment_request(
    id: &str,
    on: &str,
    kind: pb::judgment::Kind,
) -> pb::RegisterJudgmentRequest {
    pb::RegisterJudgmentRequest {
        case_id: id.into(),
        request_id: format!("vonnis-{on}"),
        judgment: Some(pb::Judgment {
            judgment_date: on.into(),
            kind: kind.into(),
            outcome: pb::judgment::Outcome::Awarded.into(),
            awarded_principal: "1825.00".into(),
            interest_from: "2026-04-01".into(),
            awarded_collection_costs: "331.24".into(),
            legal_costs: "657.57".into(),
            court_case_number: "11223344 CV EXPL 26-1234".into(),
            ..Default::default()
        }),
    }
}

/// The claim of [`create_case`] entered on the server's day (4 May 2026 in the walks of
/// `track.rs`), its dagvaarding drafted on Fri 22 May for service on Tue 26 May and
/// approved that day.
pub async fn to_the_approved_summons(server: &TestServer, reference: &str) -> String {
    let id = create_case(server, reference).await;
    advance_to(server, "2026-05-22T08:00:00Z").await;
    let approval = open_task(server, &id, "summons_approval").await;
    complete_with(server, &approval, "approve", &[])
        .await
        .expect("approve");
    id
}

/// The client `acme` with a policy that records the bailiff's and the court's acts
/// (`record_service`).
pub async fn put_recording_client(server: &TestServer) {
    fixtures::put_client(server, "acme").await;
    server
        .admin()
        .put_track_policy(pb::PutTrackPolicyRequest {
            policy: Some(pb::TrackPolicy {
                client_id: "acme".into(),
                record_service: Some(true),
                ..Default::default()
            }),
        })
        .await
        .expect("PutTrackPolicy");
}
