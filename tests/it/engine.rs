//! The durable engine through the API: timers walked by AdvanceClock, retries and the
//! task a job that keeps failing becomes, WatchCase.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};
use exploot::case::{Event, Stage};
use exploot::clock::ManualClock;
use exploot::error::AppError;
use exploot::proto as pb;
use exploot::store::Store;
use exploot::workflow::{Actor, App};
use tokio_stream::StreamExt;
use tonic::Code;

use crate::harness::{TestDb, TestServer, eventually, fixtures, on_both_backends};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn ts(s: &str) -> prost_types::Timestamp {
    exploot_ts(at(s))
}

fn exploot_instant(t: prost_types::Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp(t.seconds, 0).unwrap()
}

fn exploot_ts(t: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: 0,
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// One number from the database, by SQL (the tests' view of the tables).
pub async fn count(url: &str, sql: &str) -> i64 {
    let store = Store::open(url, 1).expect("open store");
    let sql = sql.to_owned();
    store
        .run(move |conn| {
            diesel::sql_query(sql)
                .get_result::<Count>(conn)
                .map(|c| c.n)
                .map_err(exploot::store::StoreError::from)
        })
        .await
        .expect("count")
}

async fn advance(server: &TestServer, by: Duration) -> pb::AdvanceClockResponse {
    server
        .admin()
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::By(
                prost_types::Duration {
                    seconds: i64::try_from(by.as_secs()).unwrap(),
                    nanos: 0,
                },
            )),
        })
        .await
        .expect("AdvanceClock")
        .into_inner()
}

async fn advance_to(server: &TestServer, to: &str) -> pb::AdvanceClockResponse {
    server
        .admin()
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::To(ts(to))),
        })
        .await
        .expect("AdvanceClock")
        .into_inner()
}

async fn get_case(server: &TestServer, id: &str) -> pb::Case {
    server
        .cases()
        .get_case(pb::GetCaseRequest { case_id: id.into() })
        .await
        .expect("GetCase")
        .into_inner()
}

async fn timers_walk_a_case_through_the_letter_term(db: TestDb) {
    let server = TestServer::start(&db).await;
    fixtures::put_client(&server, "acme").await;
    let case = server
        .cases()
        .create_case(fixtures::consumer_claim("acme", "R-1"))
        .await
        .unwrap()
        .into_inner();
    let mut watch = server
        .cases()
        .watch_case(pb::WatchCaseRequest {
            case_id: case.id.clone(),
            from_sequence: 0,
        })
        .await
        .unwrap()
        .into_inner();

    // Monday 4 May 2026 10:00: accepted today; the track starts at the 16:00 cut-off.
    let noon = advance_to(&server, "2026-05-04T10:00:00Z").await;
    assert_eq!(noon.jobs_run, 0, "{}: nothing due before 16:00", db.backend);
    assert_eq!(
        get_case(&server, &case.id).await.stage,
        pb::Stage::Intake as i32
    );
    // The start-track timer, and the 14-dagenbrief's render it schedules (due at once).
    let four = advance_to(&server, "2026-05-04T14:00:00Z").await;
    assert_eq!(four.jobs_run, 2);
    assert_eq!(
        get_case(&server, &case.id).await.stage,
        pb::Stage::Letter as i32
    );

    // The 14-dagenbrief's term ends Thu 21 May (see case::decide's tests); the timer fires
    // at the start of Fri 22 May in Amsterdam, 21 May 22:00 UTC — on its own day although
    // the clock is moved past it in one call.
    // The recoverability check it schedules is due at once (run by the workers, counted
    // when AdvanceClock saw it due); its `proceed` drafts the summons (tests/it/track.rs).
    let answer = advance(&server, Duration::from_secs(40 * 24 * 3600)).await;
    // Its draft is rendered into the dossier by the workers too.
    assert!((1..=3).contains(&answer.jobs_run), "{answer:?}");
    assert_eq!(answer.now, Some(ts("2026-06-13T14:00:00Z")));
    // Each event is one version: created, accepted, started, the letter rendered, the
    // term ended, proceed, the draft rendered.
    let after = eventually("the draft in the dossier", Duration::from_secs(30), || {
        let server = &server;
        let id = case.id.clone();
        async move { Some(get_case(server, &id).await).filter(|c| c.version == 7) }
    })
    .await;
    assert_eq!(after.stage, pb::Stage::Summons as i32);

    let mut seen = Vec::new();
    while seen.len() < 6 {
        let event = tokio::time::timeout(Duration::from_secs(10), watch.next())
            .await
            .expect("WatchCase sends every event")
            .expect("stream open")
            .expect("event");
        seen.push(event);
    }
    let kinds: Vec<&str> = seen.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "case_created",
            "claim_accepted",
            "track_started",
            "document_stored",
            "document_rendered",
            "letter_term_ended"
        ]
    );
    assert_eq!(
        seen.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6]
    );
    assert_eq!(seen[2].at, Some(ts("2026-05-04T14:00:00Z")));
    assert_eq!(seen[2].stage, pb::Stage::Letter as i32);
    assert_eq!(seen[5].at, Some(ts("2026-05-21T22:00:00Z")));
    assert_eq!(seen[5].actor, "system");
    let payload: serde_json::Value = serde_json::from_str(&seen[2].payload_json).unwrap();
    assert_eq!(payload["term_ends_on"], "2026-05-21");
    assert_eq!(payload["amounts"]["principal"], "1334.51");

    // From a position: only what follows.
    let mut tail = server
        .cases()
        .watch_case(pb::WatchCaseRequest {
            case_id: case.id.clone(),
            from_sequence: 4,
        })
        .await
        .unwrap()
        .into_inner();
    let last = tail.next().await.unwrap().unwrap();
    assert_eq!(last.sequence, 4);
    let unknown = server
        .cases()
        .watch_case(pb::WatchCaseRequest {
            case_id: "nope".into(),
            from_sequence: 0,
        })
        .await
        .expect_err("unknown case");
    assert_eq!(unknown.code(), Code::NotFound);
    drop((watch, tail));
    server.stop().await;
}
on_both_backends!(timers_walk_a_case_through_the_letter_term);

/// The engine's self-check activity asked for on a case: the event comes in through the
/// library's App on the same database (there is no RPC for it), the jobs run in the server.
/// It is asked for as of five minutes ahead of the shared clock, so that every run of it
/// happens inside the AdvanceClock call that counts them.
async fn request_probe(server: &TestServer, db: &TestDb, case_id: &str, fail_first: u32) {
    let clock = server
        .admin()
        .get_clock(pb::GetClockRequest {})
        .await
        .unwrap()
        .into_inner();
    let now = exploot_instant(clock.now.unwrap()) + chrono::Duration::minutes(5);
    let store = Store::open(&db.url, 1).expect("store");
    let app = App::new(store, Arc::new(ManualClock::new(now)));
    app.apply(
        case_id.into(),
        Event::ProbeRequested { fail_first },
        Actor("test".into()),
    )
    .await
    .expect("probe requested");
}

async fn failing_activities_retry_then_become_a_task(db: TestDb) {
    let server = TestServer::start(&db).await;
    fixtures::put_client(&server, "acme").await;
    server
        .admin()
        .put_track_policy(pb::PutTrackPolicyRequest {
            policy: Some(pb::TrackPolicy {
                client_id: "acme".into(),
                job_max_attempts: 3,
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    let case = server
        .cases()
        .create_case(fixtures::consumer_claim("acme", "R-2"))
        .await
        .unwrap()
        .into_inner();

    // Fails twice, then succeeds: three runs, one transition.
    request_probe(&server, &db, &case.id, 2).await;
    let before = get_case(&server, &case.id).await.version;
    let ran = advance(&server, Duration::from_secs(600)).await;
    assert_eq!(
        ran.jobs_run, 3,
        "{}: two failures and a success",
        db.backend
    );
    assert_eq!(get_case(&server, &case.id).await.version, before + 1);
    let succeeded = count(
        &db.url,
        &format!(
            "SELECT count(*) AS n FROM case_events WHERE case_id = '{}' AND kind = 'activity_succeeded' \
             AND payload LIKE '%\"attempt\":3%'",
            case.id
        ),
    )
    .await;
    assert_eq!(succeeded, 1);
    assert_eq!(
        count(
            &db.url,
            "SELECT count(*) AS n FROM jobs WHERE kind = 'activity.probe'"
        )
        .await,
        0
    );

    // Always fails: after the policy's 3 attempts, a task for a person.
    request_probe(&server, &db, &case.id, 99).await;
    let ran = advance(&server, Duration::from_secs(3600)).await;
    assert_eq!(ran.jobs_run, 3);
    let list = server
        .tasks()
        .list_tasks(pb::ListTasksRequest {
            case_id: case.id.clone(),
            state: pb::TaskState::Open.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(list.tasks.len(), 1, "{:?}", list.tasks);
    let task = &list.tasks[0];
    assert_eq!(task.kind, "job_failed");
    assert_eq!(task.queue, "case_handler");
    assert_eq!(task.outcomes, ["retry", "dismiss"]);
    let details: serde_json::Value = serde_json::from_str(&task.details_json).unwrap();
    assert_eq!(details["attempts"], 3);
    assert_eq!(details["last_error"], "probe: planned failure 3 of 99");

    // Claimed by one person; another cannot take it.
    let mut tasks = server.tasks();
    let claimed = tasks
        .claim_task(pb::ClaimTaskRequest {
            task_id: task.id.clone(),
            assignee: "alice".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(claimed.state, pb::TaskState::Claimed as i32);
    let taken = tasks
        .claim_task(pb::ClaimTaskRequest {
            task_id: task.id.clone(),
            assignee: "bob".into(),
        })
        .await
        .expect_err("second claim");
    assert_eq!(taken.code(), Code::FailedPrecondition);

    // An outcome the task does not offer is refused; "retry" schedules the job again.
    let wrong = tasks
        .complete_task(pb::CompleteTaskRequest {
            task_id: task.id.clone(),
            request_id: "req-1".into(),
            outcome: "shrug".into(),
            ..Default::default()
        })
        .await
        .expect_err("unknown outcome");
    assert_eq!(wrong.code(), Code::InvalidArgument);
    let complete = pb::CompleteTaskRequest {
        task_id: task.id.clone(),
        request_id: "req-1".into(),
        outcome: "retry".into(),
        note: "register is back".into(),
        ..Default::default()
    };
    let done = tasks
        .complete_task(complete.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(done.state, pb::TaskState::Completed as i32);
    assert_eq!(done.outcome, "retry");
    let again = tasks.complete_task(complete).await.unwrap().into_inner();
    assert_eq!(again, done, "a retry of the same request answers the same");
    let version = get_case(&server, &case.id).await.version;
    // The job is due at once, so its first attempt may run before the clock moves.
    let ran = advance(&server, Duration::from_secs(3600)).await;
    assert!((2..=3).contains(&ran.jobs_run), "{}", ran.jobs_run);
    assert_eq!(get_case(&server, &case.id).await.version, version + 1);
    let open = server
        .tasks()
        .list_tasks(pb::ListTasksRequest {
            queue: "case_handler".into(),
            state: pb::TaskState::Open.into(),
            page_size: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(open.tasks.len(), 1, "a new task for the new failure");
    assert_ne!(open.tasks[0].id, task.id);
    let details: serde_json::Value = serde_json::from_str(&open.tasks[0].details_json).unwrap();
    assert_eq!(
        details["attempts"], 3,
        "the retried job ran its attempts once more"
    );
    assert!(open.next_page_token.is_empty());
    let completed = server
        .tasks()
        .list_tasks(pb::ListTasksRequest {
            state: pb::TaskState::Completed.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(completed.tasks.len(), 1);
    server.stop().await;
}
on_both_backends!(failing_activities_retry_then_become_a_task);

#[tokio::test]
async fn the_clock_only_moves_forward() {
    let server = TestServer::start(&TestDb::sqlite()).await;
    let back = server
        .admin()
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::To(ts(
                "2020-01-01T00:00:00Z",
            ))),
        })
        .await
        .expect_err("back in time");
    assert_eq!(back.code(), Code::InvalidArgument);
    let none = server
        .admin()
        .advance_clock(pb::AdvanceClockRequest::default())
        .await
        .expect_err("no target");
    assert_eq!(none.code(), Code::InvalidArgument);
    // A move the clock could never come back from is refused, naming the field.
    let far = server
        .admin()
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::By(
                prost_types::Duration {
                    seconds: 1_000_000_000_000_000,
                    nanos: 0,
                },
            )),
        })
        .await
        .expect_err("a million centuries");
    assert_eq!(crate::harness::bad_fields(&far), ["by"]);
    let far = server
        .admin()
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::To(ts(
                "2400-01-01T00:00:00Z",
            ))),
        })
        .await
        .expect_err("the year 2400");
    assert_eq!(crate::harness::bad_fields(&far), ["to"]);
    let moved = advance(&server, Duration::from_secs(90)).await;
    let clock = server
        .admin()
        .get_clock(pb::GetClockRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(clock.now, moved.now);
    assert_eq!(clock.now, Some(ts("2026-05-04T08:01:30Z")));
    assert!(clock.manual);
    server.stop().await;
}

/// Commands applied as one batch in one transaction (the pipeline's `run_batch`): a case
/// that is missing or refuses its event fails that command alone; the others commit, and
/// a later command sees what an earlier one in the batch did.
async fn a_batch_commits_every_case_that_may_change(db: TestDb) {
    let server = TestServer::start(&db).await;
    fixtures::put_client(&server, "acme").await;
    let mut ids = Vec::new();
    for reference in ["B-1", "B-2"] {
        let case = server
            .cases()
            .create_case(fixtures::consumer_claim("acme", reference))
            .await
            .unwrap()
            .into_inner();
        ids.push(case.id);
    }
    let clock = server
        .admin()
        .get_clock(pb::GetClockRequest {})
        .await
        .unwrap()
        .into_inner();
    let store = Store::open(&db.url, 1).expect("store");
    let app = App::new(
        store,
        Arc::new(ManualClock::new(exploot_instant(clock.now.unwrap()))),
    );
    let withdraw = || Event::Withdraw {
        note: "paid directly".into(),
    };
    let answers = app
        .apply_batch(
            vec![
                (ids[0].clone(), withdraw()),
                ("no-such-case".into(), withdraw()),
                (ids[0].clone(), withdraw()),
                (ids[1].clone(), withdraw()),
            ],
            Actor("test".into()),
        )
        .await
        .expect("the batch commits");
    assert!(
        matches!(&answers[0], Ok(case) if case.stage == Stage::Closed),
        "{}: {:?}",
        db.backend,
        answers[0]
    );
    assert!(
        matches!(&answers[1], Err(AppError::NotFound(_))),
        "{:?}",
        answers[1]
    );
    assert!(
        matches!(&answers[2], Err(AppError::FailedPrecondition(m)) if m.contains("closed")),
        "withdrawn by the first command: {:?}",
        answers[2]
    );
    assert!(answers[3].is_ok(), "{:?}", answers[3]);
    for id in &ids {
        let case = get_case(&server, id).await;
        assert_eq!(case.stage, pb::Stage::Closed as i32, "{id}");
    }
    server.stop().await;
}
on_both_backends!(a_batch_commits_every_case_that_may_change);
